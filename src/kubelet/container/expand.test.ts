import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expand } from './expand.js';

const vars = new Map([
  ['VAR_A', 'A'],
  ['VAR_B', 'B'],
  ['VAR_C', 'C'],
  ['VAR_REF', '$(VAR_A)'],
  ['VAR_EMPTY', ''],
]);

test('expand: upstream expansion cases', () => {
  const cases: [string, string][] = [
    ['$(VAR_A)', 'A'],
    ['___$(VAR_B)___', '___B___'],
    ['$(VAR_A)-$(VAR_A)', 'A-A'],
    ['$(VAR_A)$(VAR_B)$(VAR_C)', 'ABC'],
    ['$(VAR_REF)', '$(VAR_A)'],
    ['foo$(VAR_EMPTY)bar', 'foobar'],
    ['$(VAR_DNE)', '$(VAR_DNE)'],
    ['$$(VAR_B)', '$(VAR_B)'],
    ['$$$(VAR_A)', '$A'],
    ['$$$$$$$(VAR_A)', '$$$A'],
    ['$$$$$$$$(VAR_A)', '$$$$(VAR_A)'],
    ['$(VAR_A', '$(VAR_A'],
    ['$(VAR_A)$(VAR_B', 'A$(VAR_B'],
    ['$(', '$('],
    ['$', '$'],
    ['$$', '$'],
    ['foo$', 'foo$'],
    ['$VAR_A', '$VAR_A'],
    ['$()', '$()'],
    ['$(VAR_A))', 'A)'],
    ['f000-$$VAR_A', 'f000-$VAR_A'],
    ['foo\\$(VAR_C)bar', 'foo\\Cbar'],
    ['ünï$(VAR_A)cödé', 'ünïAcödé'],
    ['no refs', 'no refs'],
    ['', ''],
  ];
  for (const [input, want] of cases) assert.equal(expand(input, vars), want, input);
});

test('expand: the first map that defines a name wins', () => {
  assert.equal(expand('$(X)', new Map([['X', '1']]), new Map([['X', '2'], ['Y', 'y']])), '1');
  assert.equal(expand('$(Y)', new Map([['X', '1']]), new Map([['Y', 'y']])), 'y');
});
