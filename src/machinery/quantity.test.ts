import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuantity, isValidQuantity, Quantity, ERR_FORMAT_WRONG, ERR_SUFFIX } from './quantity.js';

/** decQuantity(i, exp): i * 10^exp expressed in nanos. */
function dq(i: number | bigint, exp: number): bigint {
  const shift = exp + 9;
  return shift >= 0 ? BigInt(i) * 10n ** BigInt(shift) : BigInt(i) / 10n ** BigInt(-shift);
}

const MAX = ((1n << 63n) - 1n) * 1_000_000_000n;

const parseTable: Array<[string, bigint, Quantity['format']]> = [
  ['0', 0n, 'DecimalSI'],
  ['0n', 0n, 'DecimalSI'],
  ['0u', 0n, 'DecimalSI'],
  ['0m', 0n, 'DecimalSI'],
  ['0Ki', 0n, 'BinarySI'],
  ['0k', 0n, 'DecimalSI'],
  ['0Mi', 0n, 'BinarySI'],
  ['0M', 0n, 'DecimalSI'],
  ['0Gi', 0n, 'BinarySI'],
  ['0Ti', 0n, 'BinarySI'],
  ['1', dq(1, 0), 'DecimalSI'],
  ['1Ki', dq(1024, 0), 'BinarySI'],
  ['8Ki', dq(8 * 1024, 0), 'BinarySI'],
  ['7Mi', dq(7 * 1024 * 1024, 0), 'BinarySI'],
  ['6Gi', dq(6 * 1024 ** 3, 0), 'BinarySI'],
  ['5Ti', dq(5 * 1024 ** 4, 0), 'BinarySI'],
  ['4Pi', dq(4n * 1024n ** 5n, 0), 'BinarySI'],
  ['3Ei', dq(3n * 1024n ** 6n, 0), 'BinarySI'],
  ['5n', dq(5, -9), 'DecimalSI'],
  ['4u', dq(4, -6), 'DecimalSI'],
  ['3m', dq(3, -3), 'DecimalSI'],
  ['8k', dq(8, 3), 'DecimalSI'],
  ['50k', dq(5, 4), 'DecimalSI'],
  ['7M', dq(7, 6), 'DecimalSI'],
  ['6G', dq(6, 9), 'DecimalSI'],
  ['5T', dq(5, 12), 'DecimalSI'],
  ['2P', dq(2, 15), 'DecimalSI'],
  ['1E', dq(1, 18), 'DecimalSI'],
  ['1E-3', dq(1, -3), 'DecimalExponent'],
  ['1e3', dq(1, 3), 'DecimalExponent'],
  ['1E6', dq(1, 6), 'DecimalExponent'],
  ['1e14', dq(1, 14), 'DecimalExponent'],
  ['100.035k', dq(100035, 0), 'DecimalSI'],
  ['0.001', dq(1, -3), 'DecimalSI'],
  ['0.0005k', dq(5, -1), 'DecimalSI'],
  ['0.5', dq(5, -1), 'DecimalSI'],
  ['0.00050k', dq(5, -1), 'DecimalSI'],
  ['0.5e-2', dq(5, -3), 'DecimalExponent'],
  ['10.035M', dq(10035, 3), 'DecimalSI'],
  ['1.2e3', dq(12, 2), 'DecimalExponent'],
  ['1.3E+6', dq(13, 5), 'DecimalExponent'],
  ['1.53E12', dq(153, 10), 'DecimalExponent'],
  ['1.7E18', dq(17, 17), 'DecimalExponent'],
  ['9.01', dq(901, -2), 'DecimalSI'],
  ['6.987654321G', dq(6987654321, 0), 'DecimalSI'],
  ['1.01E', dq(101, 16), 'DecimalSI'],
  // saturate / round
  ['3.001n', dq(4, -9), 'DecimalSI'],
  ['1.1E-9', dq(2, -9), 'DecimalExponent'],
  ['0.0000000001', dq(1, -9), 'DecimalSI'],
  ['0.0000000005', dq(1, -9), 'DecimalSI'],
  ['0.5e-9', dq(1, -9), 'DecimalExponent'],
  ['0.9n', dq(1, -9), 'DecimalSI'],
  ['0.00000012345', dq(124, -9), 'DecimalSI'],
  ['9Ei', MAX, 'BinarySI'],
  ['9223372036854775807Ki', MAX, 'BinarySI'],
  ['12E', dq(12, 18), 'DecimalSI'],
  // fractional binary
  ['100.035Ki', dq(10243584, -2), 'BinarySI'],
  ['0.5Mi', dq(512 * 1024, 0), 'BinarySI'],
  ['0.05Gi', dq(536870912, -1), 'BinarySI'],
  ['0.025Ti', dq(274877906944, -1), 'BinarySI'],
  // trolls
  ['0.000000000001Ki', dq(2, -9), 'DecimalSI'],
  ['.001', dq(1, -3), 'DecimalSI'],
  ['.0001k', dq(100, -3), 'DecimalSI'],
  ['1.', dq(1, 0), 'DecimalSI'],
  ['1.G', dq(1, 9), 'DecimalSI'],
];

test('parse table from upstream (with + and - variants)', () => {
  for (const [input, nanos, format] of parseTable) {
    const q = parseQuantity(input);
    assert.equal(q.nanos, nanos, input);
    assert.equal(q.format, format, input);
    const n = parseQuantity('-' + input);
    assert.equal(n.nanos, -nanos, '-' + input);
    assert.equal(n.format, format, '-' + input);
    const p = parseQuantity('+' + input);
    assert.equal(p.nanos, nanos, '+' + input);
  }
});

test('invalid quantities', () => {
  for (const s of ['', '1.1.M', '1+1.0M', '0.1mi', '0.1am', 'aoeu', '.5i', '1i', '-3.01i', '-3.01e-', '1e4294967297', ' 1', '1 ', '1K', '1kb', '10Mib']) {
    assert.throws(() => parseQuantity(s), Error, s);
    assert.equal(isValidQuantity(s), false, s);
  }
  assert.throws(() => parseQuantity('aoeu'), { message: ERR_FORMAT_WRONG });
  assert.throws(() => parseQuantity('1i'), { message: ERR_SUFFIX });
  assert.throws(() => parseQuantity(NaN), Error);
});

test('canonical strings (upstream TestQuantityString)', () => {
  const table: Array<[bigint, Quantity['format'], string]> = [
    [dq(1024 ** 3, 0), 'BinarySI', '1Gi'],
    [dq(300 * 1024 * 1024, 0), 'BinarySI', '300Mi'],
    [dq(6 * 1024, 0), 'BinarySI', '6Ki'],
    [dq(1001 * 1024 ** 3, 0), 'BinarySI', '1001Gi'],
    [dq(1024 ** 4, 0), 'BinarySI', '1Ti'],
    [dq(5, 0), 'BinarySI', '5'],
    [dq(500, -3), 'BinarySI', '500m'],
    [dq(1, 9), 'DecimalSI', '1G'],
    [dq(1000, 6), 'DecimalSI', '1G'],
    [dq(1, -3), 'DecimalSI', '1m'],
    [dq(80, -3), 'DecimalSI', '80m'],
    [dq(1080, -3), 'DecimalSI', '1080m'],
    [dq(108, -2), 'DecimalSI', '1080m'],
    [dq(300, 6), 'DecimalSI', '300M'],
    [dq(1, 12), 'DecimalSI', '1T'],
    [dq(1, 18), 'DecimalSI', '1E'],
    [dq(1, 21), 'DecimalSI', '1e21'],
    [dq(5, 21), 'DecimalSI', '5e21'],
    [dq(1, 70), 'BinarySI', '10e69'],
    [dq(1, 72), 'BinarySI', '1e72'],
    [dq(1234567, 6), 'DecimalSI', '1234567M'],
    [dq(1234567, -3), 'BinarySI', '1234567m'],
    [dq(3, 3), 'DecimalSI', '3k'],
    [dq(1025, 0), 'BinarySI', '1025'],
    [dq(2000, 0), 'BinarySI', '2000'],
    [0n, 'DecimalSI', '0'],
    [0n, 'BinarySI', '0'],
    [dq(1, 9), 'DecimalExponent', '1e9'],
    [dq(1, -3), 'DecimalExponent', '1e-3'],
    [dq(1, -9), 'DecimalExponent', '1e-9'],
    [dq(80, -3), 'DecimalExponent', '80e-3'],
    [dq(300, 6), 'DecimalExponent', '300e6'],
    [dq(3, 3), 'DecimalExponent', '3e3'],
    [0n, 'DecimalExponent', '0'],
    [dq(1, -9), 'DecimalSI', '1n'],
    [dq(1080, -9), 'DecimalSI', '1080n'],
    [dq(1080, -6), 'DecimalSI', '1080u'],
  ];
  for (const [nanos, format, want] of table) {
    const q = new Quantity(nanos, format);
    assert.equal(q.canonical(), want);
    assert.equal(q.toString(), want);
    if (nanos !== 0n) assert.equal(q.neg().toString(), '-' + want);
    // canonical strings round-trip
    assert.equal(parseQuantity(want).nanos, nanos, want);
  }
  assert.equal(new Quantity(dq(1n << 70n, 0), 'BinarySI').toString(), '1180591620717411303424');
});

test('parse then emit (upstream TestQuantityParseEmit and alternates)', () => {
  const table: Array<[string, string]> = [
    ['1Ki', '1Ki'],
    ['1Mi', '1Mi'],
    ['1024Mi', '1Gi'],
    ['1000M', '1G'],
    ['.001Ki', '1024m'],
    ['.000001Ki', '1024u'],
    ['.000000001Ki', '1024n'],
    ['.000000000001Ki', '2n'],
    ['1000m', '1'],
    ['0.5', '500m'],
    ['1.5', '1500m'],
    ['1.5Gi', '1536Mi'],
    ['1536Mi', '1536Mi'],
    ['307200Ki', '300Mi'],
    ['5000m', '5'],
    ['1.08', '1080m'],
    ['1000u', '1m'],
    ['.001e12', '1e9'],
    ['0.001e0', '1e-3'],
    ['1000e-12', '1e-9'],
    ['1000E', '1e21'],
    ['1080000000n', '1080m'],
    ['100m', '100m'],
    ['250m', '250m'],
  ];
  for (const [input, want] of table) {
    assert.equal(parseQuantity(input).toString(), want, input);
    assert.equal(parseQuantity('-' + input).toString(), '-' + want, '-' + input);
  }
});

test('serialized form keeps input text where upstream does', () => {
  assert.equal(parseQuantity('1E3').toString(), '1E3');
  assert.equal(parseQuantity('1E3').canonical(), '1e3');
  assert.equal(parseQuantity('1.500').toString(), '1.500');
  assert.equal(parseQuantity('1.500').canonical(), '1500m');
  assert.equal(parseQuantity('1.5e3').toString(), '1500');
  assert.equal(JSON.stringify({ cpu: parseQuantity('2000m') }), '{"cpu":"2"}');
});

test('value and milliValue round away from zero', () => {
  assert.equal(parseQuantity('9.01').value(), 10);
  assert.equal(parseQuantity('-9.01').value(), -10);
  assert.equal(parseQuantity('100m').milliValue(), 100);
  assert.equal(parseQuantity('1.5').milliValue(), 1500);
  assert.equal(parseQuantity('1n').milliValue(), 1);
  assert.equal(parseQuantity('1Gi').value(), 1073741824);
  assert.equal(parseQuantity('2').milliValue(), 2000);
  assert.equal(parseQuantity('100m').value(), 1);
  assert.equal(parseQuantity('0').value(), 0);
});

test('cmp, add, sub', () => {
  assert.equal(parseQuantity('0').cmp(parseQuantity('0')), 0);
  assert.equal(parseQuantity('100m').cmp(parseQuantity('50m')), 1);
  assert.equal(parseQuantity('50m').cmp(parseQuantity('100m')), -1);
  assert.equal(parseQuantity('10000T').cmp(parseQuantity('100Gi')), 1);
  assert.equal(parseQuantity('1').cmp(parseQuantity('1000m')), 0);
  const zero = parseQuantity('0');
  for (const v of ['100m', '1Gi']) {
    const q = parseQuantity(v);
    assert.equal(q.add(zero).toString(), v);
    assert.equal(zero.add(q).toString(), v);
    assert.equal(q.sub(zero).toString(), v);
    assert.equal(zero.sub(q).toString(), '-' + v);
  }
  assert.equal(parseQuantity('1Gi').add(parseQuantity('512Mi')).toString(), '1536Mi');
  assert.equal(parseQuantity('500m').add(parseQuantity('1500m')).toString(), '2');
  assert.equal(parseQuantity('1').sub(parseQuantity('1100m')).toString(), '-100m');
  assert.equal(parseQuantity('1Ei').mul(1024).toString(), '1180591620717411303424');
});

test('numbers as input', () => {
  assert.equal(parseQuantity(1.5).toString(), '1500m');
  assert.equal(parseQuantity(2).toString(), '2');
  assert.equal(parseQuantity(1e21).canonical(), '1e21');
  assert.ok(isValidQuantity('128Mi'));
});

test('constructors', () => {
  assert.equal(Quantity.fromMilli(250).toString(), '250m');
  assert.equal(Quantity.fromValue(1024 * 1024, 'BinarySI').toString(), '1Mi');
  assert.equal(Quantity.fromScaled(5, 3).toString(), '5k');
});
