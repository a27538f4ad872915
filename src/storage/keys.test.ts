import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareKeys, prefixEnd, prefixEndBytes } from './keys.js';

const bytes = (a: string, b: string) => Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));

test('compareKeys orders like UTF-8 bytes', () => {
  const samples = ['', 'a', 'a/', 'a/b', 'ab', 'B', '\u00e9', '\uffff', '\u{1f600}', '\ue000', 'a\u{10ffff}', 'a\uffff'];
  for (const x of samples) for (const y of samples) assert.equal(Math.sign(compareKeys(x, y)), bytes(x, y), `${x} vs ${y}`);
});

test('prefixEnd bounds exactly the keys with the prefix', () => {
  assert.equal(prefixEnd('/registry/pods/'), '/registry/pods0');
  assert.equal(prefixEnd(''), undefined);
  assert.equal(prefixEnd('a\u{10ffff}'), 'b');
  assert.equal(prefixEnd('a\ud7ff'), 'a\ue000');
  const end = prefixEnd('x\uffff')!;
  assert.ok(compareKeys('x\uffff\u{1f600}', end) < 0);
  assert.ok(compareKeys('x\u{10000}', end) >= 0);
});

test('prefixEndBytes increments the last byte below 0xff', () => {
  assert.deepEqual([...prefixEndBytes(Buffer.from('/a/'))], [...Buffer.from('/a0')]);
  assert.deepEqual([...prefixEndBytes(Uint8Array.of(0x61, 0xff))], [0x62]);
  assert.deepEqual([...prefixEndBytes(Uint8Array.of(0xff))], [0]);
  assert.deepEqual([...prefixEndBytes(new Uint8Array(0))], [0]);
});
