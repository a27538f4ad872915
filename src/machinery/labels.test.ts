import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseSelector,
  selectorFromSet,
  labelSelectorToSelector,
  formatLabelSelector,
  formatLabels,
  newRequirement,
  Selector,
} from './labels.js';

test('good strings round-trip through toString (upstream TestSelectorParse)', () => {
  for (const s of ['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ', '!x', 'x>1', 'x>1,z<5']) {
    assert.equal(parseSelector(s).toString(), s.replace(/ /g, ''), s);
  }
});

test('bad strings are rejected', () => {
  for (const s of ['x=a||y=b', 'x==a==b', '!x=a', 'x<a', 'x in', 'x in (a', 'x in a', ',x', 'x,', 'x=a,,y=b', 'x notin', '=a']) {
    assert.throws(() => parseSelector(s), Error, s);
  }
});

test('deterministic parse', () => {
  assert.equal(parseSelector('x=a,a=x').toString(), parseSelector('a=x,x=a').toString());
  assert.equal(parseSelector('x=a,a=x').toString(), 'a=x,x=a');
});

test('matching (upstream TestSelectorMatches)', () => {
  const yes: Array<[string, Record<string, string>]> = [
    ['', { x: 'y' }],
    ['x=y', { x: 'y' }],
    ['x=y,z=w', { x: 'y', z: 'w' }],
    ['x!=y,z!=w', { x: 'z', z: 'a' }],
    ['notin=in', { notin: 'in' }],
    ['x', { x: 'z' }],
    ['!x', { y: 'z' }],
    ['x>1', { x: '2' }],
    ['x<1', { x: '0' }],
    ['foo=bar,baz=blah', { foo: 'bar', baz: 'blah' }],
    ['x in (a,b)', { x: 'b' }],
    ['x notin (a,b)', { x: 'c' }],
    ['x notin (a,b)', {}],
    ['x==y', { x: 'y' }],
    ['x in ()', { x: '' }],
    ['x=', { x: '' }],
  ];
  const no: Array<[string, Record<string, string>]> = [
    ['x=z', {}],
    ['x=y', { x: 'z' }],
    ['x=y,z=w', { x: 'w', z: 'w' }],
    ['x!=y,z!=w', { x: 'z', z: 'w' }],
    ['x', { y: 'z' }],
    ['!x', { x: 'z' }],
    ['x>1', { x: '0' }],
    ['x<1', { x: '2' }],
    ['x>1', { x: 'v2' }],
    ['foo=bar,foobar=bar,baz=blah', { foo: 'bar', baz: 'blah' }],
    ['x in (a,b)', {}],
    ['x notin (a,b)', { x: 'a' }],
  ];
  for (const [s, l] of yes) assert.equal(parseSelector(s).matches(l), true, `${s} ~ ${JSON.stringify(l)}`);
  for (const [s, l] of no) assert.equal(parseSelector(s).matches(l), false, `${s} !~ ${JSON.stringify(l)}`);
  assert.equal(parseSelector('x').matches(undefined), false);
  assert.equal(parseSelector('!x').matches(undefined), true);
});

test('set-based parsing (upstream TestSetSelectorParser)', () => {
  const cases: Array<[string, string]> = [
    ['\rx', 'x'],
    ['this-is-a-dns.domain.com/key-with-dash', 'this-is-a-dns.domain.com/key-with-dash'],
    ['this-is-another-dns.domain.com/key-with-dash in (so,what)', 'this-is-another-dns.domain.com/key-with-dash in (so,what)'],
    ['0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)', '0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)'],
    ['foo  in\t (abc)', 'foo in (abc)'],
    ['x notin\n (abc)', 'x notin (abc)'],
    ['x  notin\t\t\t(abc,def)', 'x notin (abc,def)'],
    ['x in (def,abc)', 'x in (abc,def)'],
    ['x in (abc,)', 'x in (,abc)'],
    ['x in ()', 'x in ()'],
    ['x notin (abc,,def),bar,z in (),w', 'bar,w,x notin (,abc,def),z in ()'],
    ['x,y in (a)', 'x,y in (a)'],
    ['x=a', 'x=a'],
    ['x>1', 'x>1'],
    ['x<7', 'x<7'],
    ['x=a,y!=b', 'x=a,y!=b'],
    ['x=a,y!=b,z in (h,i,j)', 'x=a,y!=b,z in (h,i,j)'],
    ['x in ((', ''],
  ];
  for (const [input, out] of cases) {
    if (out === '') {
      assert.throws(() => parseSelector(input));
      continue;
    }
    assert.equal(parseSelector(input).toString(), out, input);
  }
  const sel = parseSelector('x notin (abc,,def),bar,z in (),w');
  assert.deepEqual(
    sel.requirements.map((r) => [r.key, r.operator, r.values]),
    [
      ['bar', 'exists', []],
      ['w', 'exists', []],
      ['x', 'notin', ['', 'abc', 'def']],
      ['z', 'in', ['']],
    ],
  );
});

test('in/notin used as values and keys', () => {
  assert.equal(parseSelector('x in (in,notin)').toString(), 'x in (in,notin)');
  assert.ok(parseSelector('in=notin').matches({ in: 'notin' }));
});

test('parse error messages match upstream', () => {
  assert.throws(() => parseSelector('a b'), {
    message: "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
  });
  assert.throws(() => parseSelector('app:monolith'), {
    message:
      `unable to parse requirement: <nil>: Invalid value: "app:monolith": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
  });
  assert.throws(() => parseSelector('a=b$'), {
    message:
      `unable to parse requirement: values[0][a]: Invalid value: "b$": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
  });
  assert.throws(() => parseSelector('x<a'), {
    message: `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`,
  });
  assert.throws(() => parseSelector('x=a,'), { message: "found '', expected: identifier after ','" });
  assert.throws(() => parseSelector('x=a y'), { message: "found 'y', expected: ',' or 'end of string'" });
  assert.throws(() => parseSelector('=a'), { message: "found '=', expected: !, identifier, or 'end of string'" });
  assert.throws(() => parseSelector('!x=a'), { message: "found '=', expected: ',' or 'end of string'" });
  assert.throws(() => parseSelector('x in a'), { message: "unable to parse requirement: found 'a' expected: '('" });
});

test('newRequirement validation (upstream TestRequirementConstructor)', () => {
  const ok: Array<[string, Parameters<typeof newRequirement>[1], string[]]> = [
    ['x', 'in', ['foo']],
    ['x', 'notin', ['foo']],
    ['x', 'exists', []],
    ['x', '!', []],
    ['1foo', 'in', ['bar']],
    ['1234', 'in', ['bar']],
    ['y', 'gt', ['1']],
    ['z', 'lt', ['6']],
  ];
  const bad: Array<[string, Parameters<typeof newRequirement>[1], string[]]> = [
    ['x', 'in', []],
    ['x', 'notin', []],
    ['foo', 'gt', ['bar']],
    ['barz', 'lt', ['blah']],
    ['a'.repeat(254), 'exists', []],
    ['x', '=', ['a', 'b']],
    ['x', 'exists', ['a']],
  ];
  for (const [k, op, v] of ok) assert.doesNotThrow(() => newRequirement(k, op, v), `${k} ${op}`);
  for (const [k, op, v] of bad) assert.throws(() => newRequirement(k, op, v), Error, `${k} ${op}`);
  assert.throws(() => newRequirement('x', 'in', []), {
    message: `values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty`,
  });
});

test('selectorFromSet', () => {
  const labels = { foo: 'bar', baz: 'blah' };
  assert.ok(selectorFromSet({}).matches(labels));
  assert.ok(selectorFromSet({}).empty());
  assert.ok(selectorFromSet(undefined).empty());
  assert.ok(selectorFromSet({ foo: 'bar' }).matches(labels));
  assert.ok(selectorFromSet({ foo: 'bar', baz: 'blah' }).matches(labels));
  assert.ok(!selectorFromSet({ foo: 'bar', x: 'y' }).matches(labels));
  assert.equal(selectorFromSet({ b: '2', a: '1' }).toString(), 'a=1,b=2');
});

test('metav1.LabelSelector conversion: null matches nothing, empty matches everything', () => {
  const nothing = labelSelectorToSelector(null);
  assert.equal(nothing.matches({ a: 'b' }), false);
  assert.equal(nothing.matches({}), false);
  assert.equal(nothing.empty(), false);
  assert.equal(nothing.matchesNothing, true);
  assert.equal(labelSelectorToSelector(undefined), Selector.nothing());

  const all = labelSelectorToSelector({});
  assert.ok(all.empty());
  assert.ok(all.matches({}));
  assert.ok(all.matches(undefined));
  assert.ok(labelSelectorToSelector({ matchLabels: {}, matchExpressions: [] }).empty());

  const sel = labelSelectorToSelector({
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['frontend', 'backend'] },
      { key: 'env', operator: 'NotIn', values: ['dev'] },
      { key: 'track', operator: 'Exists' },
      { key: 'legacy', operator: 'DoesNotExist' },
    ],
  });
  assert.equal(sel.toString(), 'app=web,env notin (dev),!legacy,tier in (backend,frontend),track');
  assert.ok(sel.matches({ app: 'web', tier: 'frontend', track: 'x' }));
  assert.ok(!sel.matches({ app: 'web', tier: 'frontend', track: 'x', legacy: '1' }));
  assert.ok(!sel.matches({ app: 'web', tier: 'frontend', track: 'x', env: 'dev' }));
  assert.ok(!sel.matches({ app: 'web', tier: 'db', track: 'x' }));
  assert.throws(() => labelSelectorToSelector({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }), {
    message: '"Gt" is not a valid label selector operator',
  });
  assert.throws(() => labelSelectorToSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }));
  assert.throws(() => labelSelectorToSelector({ matchLabels: { 'bad key': 'x' } }));
});

test('formatLabelSelector and formatLabels', () => {
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(formatLabelSelector({ matchLabels: { app: 'nginx' } }), 'app=nginx');
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }), '<error>');
  assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
});

test('requiresExactMatch', () => {
  const s = parseSelector('a=1,b in (2),c in (3,4),d!=5');
  assert.equal(s.requiresExactMatch('a'), '1');
  assert.equal(s.requiresExactMatch('b'), '2');
  assert.equal(s.requiresExactMatch('c'), undefined);
  assert.equal(s.requiresExactMatch('d'), undefined);
  assert.equal(s.requiresExactMatch('z'), undefined);
});
