import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, computeHash, fnv32a, safeEncode } from './hash.js';

const enc = (s: string) => Buffer.from(s, 'utf8');

describe('pod-template-hash', () => {
  it('fnv32a matches the reference vectors', () => {
    assert.equal(fnv32a(enc('')), 0x811c9dc5);
    assert.equal(fnv32a(enc('a')), 0xe40c292c);
    assert.equal(fnv32a(enc('foobar')), 0xbf9cf968);
  });

  it('safeEncode maps digits like rand.SafeEncodeString', () => {
    assert.equal(safeEncode('0123456789'), '456789bcdf');
  });

  it('is stable across key order, null and empty values, and uses only the safe alphabet', () => {
    const a = { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'c', image: 'nginx:1', env: [] }] } };
    const b = { spec: { volumes: null, containers: [{ image: 'nginx:1', name: 'c' }] }, metadata: { annotations: {}, labels: { tier: 'fe', app: 'web' } } };
    assert.equal(canonicalJson(a), canonicalJson(b));
    const h = computeHash(a as never);
    assert.equal(h, computeHash(b as never));
    assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.ok(h.length >= 1 && h.length <= 10);
  });

  it('changes with the template and with the collision count', () => {
    const t = { spec: { containers: [{ name: 'c', image: 'nginx:1' }] } };
    const t2 = { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } };
    const h = computeHash(t as never);
    assert.notEqual(h, computeHash(t2 as never));
    assert.notEqual(h, computeHash(t as never, 1));
    assert.notEqual(computeHash(t as never, 1), computeHash(t as never, 2));
    assert.equal(computeHash(t as never, undefined), computeHash(t as never, null));
    // collisionCount 0 is a value (upstream hashes it when the pointer is set).
    assert.notEqual(h, computeHash(t as never, 0));
  });
});
