import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch, parsePointer, formatPointer, PatchError } from './jsonpatch.js';
import { GENERIC_422_MESSAGE } from './errors.js';

function fails(doc: unknown, patch: unknown, kind: PatchError['kind'], detail?: RegExp): void {
  assert.throws(
    () => applyJsonPatch(doc, patch),
    (e: unknown) => e instanceof PatchError && e.kind === kind && (!detail || detail.test(e.detail)),
  );
}

// RFC 6902 appendix A examples
test('A.1 add an object member', () => {
  assert.deepEqual(applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }]), { foo: 'bar', baz: 'qux' });
});

test('A.2 add an array element', () => {
  assert.deepEqual(applyJsonPatch({ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }]), {
    foo: ['bar', 'qux', 'baz'],
  });
});

test('A.3/A.4 remove object member and array element', () => {
  assert.deepEqual(applyJsonPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }]), { foo: 'bar' });
  assert.deepEqual(applyJsonPatch({ foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }]), { foo: ['bar', 'baz'] });
});

test('A.5 replace a value', () => {
  assert.deepEqual(applyJsonPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }]), { baz: 'boo', foo: 'bar' });
});

test('A.6/A.7 move a value and an array element', () => {
  const doc = { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } };
  assert.deepEqual(applyJsonPatch(doc, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }]), {
    foo: { bar: 'baz' },
    qux: { corge: 'grault', thud: 'fred' },
  });
  assert.deepEqual(applyJsonPatch({ foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }]), {
    foo: ['all', 'cows', 'eat', 'grass'],
  });
});

test('A.8/A.9 test success and failure', () => {
  const doc = { baz: 'qux', foo: ['a', 2, 'c'] };
  assert.deepEqual(
    applyJsonPatch(doc, [
      { op: 'test', path: '/baz', value: 'qux' },
      { op: 'test', path: '/foo/1', value: 2 },
    ]),
    doc,
  );
  fails({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }], 'Invalid', /test failed/);
});

test('A.10 add a nested member object', () => {
  assert.deepEqual(applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }]), {
    foo: 'bar',
    child: { grandchild: {} },
  });
});

test('A.12 add to a nonexistent target fails', () => {
  fails({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }], 'Invalid', /missing path/);
});

test('A.14 ~ escape ordering', () => {
  assert.deepEqual(applyJsonPatch({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }]), { '/': 9, '~1': 10 });
  assert.deepEqual(parsePointer('/metadata/labels/app.kubernetes.io~1name'), ['metadata', 'labels', 'app.kubernetes.io/name']);
  assert.equal(formatPointer(['a/b', 'c~d']), '/a~1b/c~0d');
});

test('A.15 comparing strings and numbers fails', () => {
  fails({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }], 'Invalid');
});

test('A.16 add an array value and - appends', () => {
  assert.deepEqual(applyJsonPatch({ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }]), {
    foo: ['bar', ['abc', 'def']],
  });
  assert.deepEqual(
    applyJsonPatch({ spec: { finalizers: ['a'] } }, [{ op: 'add', path: '/spec/finalizers/-', value: 'b' }]),
    { spec: { finalizers: ['a', 'b'] } },
  );
});

test('copy deep-copies', () => {
  const out = applyJsonPatch({ a: { x: [1] } }, [
    { op: 'copy', from: '/a', path: '/b' },
    { op: 'add', path: '/b/x/-', value: 2 },
  ]);
  assert.deepEqual(out, { a: { x: [1] }, b: { x: [1, 2] } });
});

test('errors: missing members, bad indices, unknown ops', () => {
  fails({ a: 1 }, [{ op: 'remove', path: '/b' }], 'Invalid', /nonexistent key/);
  fails({ a: 1 }, [{ op: 'replace', path: '/b', value: 1 }], 'Invalid', /missing key/);
  fails({ a: [1] }, [{ op: 'add', path: '/a/5', value: 1 }], 'Invalid', /invalid index/);
  fails({ a: [1] }, [{ op: 'remove', path: '/a/1' }], 'Invalid', /invalid index/);
  fails({ a: [1] }, [{ op: 'replace', path: '/a/x', value: 1 }], 'Invalid');
  fails({ a: 1 }, [{ op: 'move', from: '/b', path: '/c' }], 'Invalid', /missing from path/);
  fails({ a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/b/c' }], 'Invalid');
  fails({ a: 1 }, [{ op: 'copy', from: '/b', path: '/c' }], 'Invalid');
  fails({ a: 1 }, [{ op: 'frobnicate', path: '/a' }], 'Invalid', /Unexpected kind/);
  fails({ a: 1 }, [{ op: 'remove' }], 'Invalid');
  fails({ a: 1 }, [{ op: 'replace', path: '', value: {} }], 'Invalid');
});

test('malformed bodies are 400, too many operations 413, apply failures 422', () => {
  fails({}, { op: 'add' }, 'BadRequest');
  fails({}, ['x'], 'BadRequest');
  const many = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/a', value: null }));
  fails({}, many, 'TooLarge');
  try {
    applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]);
    assert.fail('expected failure');
  } catch (e) {
    assert.ok(e instanceof PatchError);
    assert.equal(e.code, 422);
    const api = e.toApiError();
    assert.equal(api.code, 422);
    assert.equal(api.reason, 'Invalid');
    assert.equal(api.message, GENERIC_422_MESSAGE);
  }
  try {
    applyJsonPatch({}, many);
  } catch (e) {
    assert.ok(e instanceof PatchError);
    assert.equal(e.toApiError().message, 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001');
  }
});

test('negative indices and test against null', () => {
  assert.deepEqual(applyJsonPatch({ a: [1, 2, 3] }, [{ op: 'remove', path: '/a/-1' }]), { a: [1, 2] });
  assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/missing', value: null }]), { a: 1 });
});

test('does not mutate the input', () => {
  const doc = { metadata: { labels: { a: 'b' } }, list: [1, 2] };
  const copy = structuredClone(doc);
  applyJsonPatch(doc, [
    { op: 'replace', path: '/metadata/labels/a', value: 'c' },
    { op: 'remove', path: '/list/0' },
  ]);
  assert.deepEqual(doc, copy);
});

test('typical kubectl patch --type=json', () => {
  const pod = { spec: { containers: [{ name: 'c', image: 'nginx:1' }] } };
  assert.deepEqual(applyJsonPatch(pod, [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:2' }]), {
    spec: { containers: [{ name: 'c', image: 'nginx:2' }] },
  });
});
