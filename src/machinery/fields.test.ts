import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseFieldSelector,
  escapeFieldValue,
  unescapeFieldValue,
  oneTermEqualSelector,
  fieldSelectorFromSet,
  FieldSelector,
} from './fields.js';

test('escape and unescape (upstream TestEscapeValue)', () => {
  const cases: Array<[string, string]> = [
    ['', ''],
    ['a', 'a'],
    ['=', '\\='],
    [',', '\\,'],
    ['\\', '\\\\'],
    ['\\=\\,\\', '\\\\\\=\\\\\\,\\\\'],
  ];
  for (const [raw, escaped] of cases) {
    assert.equal(escapeFieldValue(raw), escaped);
    assert.equal(unescapeFieldValue(escaped), raw);
  }
  for (const bad of ['\\', '\\\\\\', '\\a']) {
    assert.throws(() => unescapeFieldValue(bad), /invalid field selector: invalid escape sequence/);
  }
  assert.throws(() => unescapeFieldValue('a=b'), { message: 'invalid field selector: unescaped character in value: 61' });
});

test('good and bad strings (upstream TestSelectorParse)', () => {
  for (const s of ['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=a||y\\=b', 'x=a\\=\\=b']) {
    assert.equal(parseFieldSelector(s).toString(), s, s);
  }
  for (const s of ['x=a||y=b', 'x==a==b', 'x=a,b', 'x in (a)', 'x in (a,b,c)', 'x', 'x<3', 'k=\\']) {
    assert.throws(() => parseFieldSelector(s), Error, s);
  }
  assert.throws(() => parseFieldSelector('x=a,b'), { message: "invalid selector: 'x=a,b'; can't understand 'b'" });
  assert.throws(() => parseFieldSelector('x in (a)'), { message: "invalid selector: 'x in (a)'; can't understand 'x in (a)'" });
});

test('deterministic parse and == normalisation', () => {
  assert.equal(parseFieldSelector('x=a,a=x').toString(), parseFieldSelector('a=x,x=a').toString());
  assert.equal(parseFieldSelector('b==1,a=2').toString(), 'a=2,b=1');
  assert.equal(parseFieldSelector('a=a,').toString(), 'a=a');
  assert.equal(parseFieldSelector('함=수,목=록').toString(), '목=록,함=수');
});

test('matching (upstream TestSelectorMatches)', () => {
  const yes: Array<[string, Record<string, string>]> = [
    ['', { x: 'y' }],
    ['x=y', { x: 'y' }],
    ['x=y,z=w', { x: 'y', z: 'w' }],
    ['x!=y,z!=w', { x: 'z', z: 'a' }],
    ['notin=in', { notin: 'in' }],
    ['x=', {}],
    ['x!=y', {}],
  ];
  const no: Array<[string, Record<string, string>]> = [
    ['x=y', { x: 'z' }],
    ['x=y,z=w', { x: 'w', z: 'w' }],
    ['x!=y,z!=w', { x: 'z', z: 'w' }],
    ['x=y', {}],
  ];
  for (const [s, f] of yes) assert.ok(parseFieldSelector(s).matches(f), s);
  for (const [s, f] of no) assert.ok(!parseFieldSelector(s).matches(f), s);
  const fieldset = { foo: 'bar', baz: 'blah', complex: '=value\\,\\' };
  assert.ok(parseFieldSelector('foo=bar,baz=blah').matches(fieldset));
  assert.ok(parseFieldSelector('foo=bar,baz=blah,complex=\\=value\\\\\\,\\\\').matches(fieldset));
  assert.ok(!parseFieldSelector('foo=blah').matches(fieldset));
  assert.ok(!parseFieldSelector('foo=bar,foobar=bar,baz=blah').matches(fieldset));
});

test('requirements, requiresExactMatch, empty', () => {
  const s = parseFieldSelector('spec.nodeName=n1,status.phase!=Running,metadata.name==web');
  assert.deepEqual(
    s.requirements().map((r) => [r.field, r.operator, r.value]),
    [
      ['metadata.name', '=', 'web'],
      ['spec.nodeName', '=', 'n1'],
      ['status.phase', '!=', 'Running'],
    ],
  );
  assert.equal(s.requiresExactMatch('spec.nodeName'), 'n1');
  assert.equal(s.requiresExactMatch('status.phase'), undefined);
  assert.equal(s.requiresExactMatch('x'), undefined);
  assert.equal(parseFieldSelector('test=').requiresExactMatch('test'), '');
  assert.ok(parseFieldSelector('').empty());
  assert.ok(FieldSelector.everything().empty());
  assert.ok(FieldSelector.everything().matches({ x: 'y' }));
  assert.ok(!s.empty());
});

test('oneTermEqualSelector and fieldSelectorFromSet', () => {
  assert.ok(oneTermEqualSelector('x', 'y').matches({ x: 'y' }));
  assert.ok(!oneTermEqualSelector('x', 'y').matches({ x: 'z' }));
  const labels = { foo: 'bar', baz: 'blah' };
  assert.ok(fieldSelectorFromSet({}).matches(labels));
  assert.ok(fieldSelectorFromSet(undefined).empty());
  assert.ok(fieldSelectorFromSet({ foo: 'bar', baz: 'blah' }).matches(labels));
  assert.ok(!fieldSelectorFromSet({ foo: '=blah' }).matches(labels));
  assert.equal(fieldSelectorFromSet({ b: '=', a: '1' }).toString(), 'a=1,b=\\=');
});

test('transform rewrites field labels', () => {
  const s = parseFieldSelector('name=web,spec.host=n1');
  const t = s.transform((f, v) => (f === 'name' ? { field: 'metadata.name', value: v } : f === 'spec.host' ? { field: 'spec.nodeName', value: v } : { field: f, value: v }));
  assert.equal(t.toString(), 'metadata.name=web,spec.nodeName=n1');
  assert.throws(() =>
    s.transform((f) => {
      throw new Error(`field label not supported: ${f}`);
    }),
  );
});
