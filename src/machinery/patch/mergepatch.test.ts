import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch, mergePatchValue, PatchError } from './mergepatch.js';

// RFC 7386 appendix A
test('RFC 7386 examples', () => {
  const cases: Array<[unknown, unknown, unknown]> = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, want] of cases) {
    assert.deepEqual(mergePatchValue(target, patch), want, JSON.stringify([target, patch]));
  }
});

test('apiserver form: objects only', () => {
  assert.deepEqual(
    applyMergePatch(
      { metadata: { name: 'x', labels: { a: '1', b: '2' } }, spec: { replicas: 1, template: { x: 1 } } },
      { metadata: { labels: { a: null, c: '3' } }, spec: { replicas: 3 } },
    ),
    { metadata: { name: 'x', labels: { b: '2', c: '3' } }, spec: { replicas: 3, template: { x: 1 } } },
  );
  assert.throws(() => applyMergePatch({}, null), (e: unknown) => e instanceof PatchError && e.kind === 'BadRequest' && e.message === 'Invalid JSON Patch');
  assert.throws(() => applyMergePatch({}, [1]), (e: unknown) => e instanceof PatchError && e.code === 400);
  assert.throws(() => applyMergePatch({}, 'x'), PatchError);
});

test('arrays are replaced whole, nulls pruned from objects inside new values', () => {
  assert.deepEqual(
    applyMergePatch({ spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b' }] } }, { spec: { containers: [{ name: 'a', image: 'y', x: null }] } }),
    { spec: { containers: [{ name: 'a', image: 'y' }] } },
  );
});

test('does not mutate inputs and result owns its tree', () => {
  const orig = { a: { b: [1] }, c: { d: 1 } };
  const patch = { c: { e: 2 } };
  const out = applyMergePatch(orig, patch) as { a: { b: number[] }; c: Record<string, number> };
  assert.deepEqual(orig, { a: { b: [1] }, c: { d: 1 } });
  assert.deepEqual(patch, { c: { e: 2 } });
  out.a.b.push(2);
  out.c.e = 3;
  assert.deepEqual(orig, { a: { b: [1] }, c: { d: 1 } });
  assert.deepEqual(patch, { c: { e: 2 } });
});
