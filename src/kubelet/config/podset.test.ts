import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../util/logger.js';
import { PodSet } from './podset.js';
import type { Pod } from '../types.js';

const pod = (name: string, uid: string, ns = 'default'): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, uid, annotations: { 'kubernetes.io/config.hash': uid } } });

describe('PodSet', () => {
  it('emits the first set (even empty) and then only changes', () => {
    let t = 0;
    const set = new PodSet(silentLogger, () => new Date(Date.UTC(2024, 0, 1, 0, 0, t++)));
    assert.deepEqual(set.next([]), []);
    assert.equal(set.next([]), undefined);
    const first = set.next([pod('b', 'u-b'), pod('a', 'u-a')]);
    assert.deepEqual(first?.map((p) => p.metadata!.name), ['a', 'b']);
    const seenA = first![0]!.metadata!.annotations?.['kubernetes.io/config.seen'];
    assert.equal(seenA, '2024-01-01T00:00:00.000Z');
    assert.equal(set.next([pod('a', 'u-a'), pod('b', 'u-b')]), undefined, 'same set in another order');
    // A changed pod gets a new seen time; an unchanged uid keeps its first one.
    const second = set.next([pod('a', 'u-a'), pod('b', 'u-b2')]);
    assert.equal(second![0]!.metadata!.annotations?.['kubernetes.io/config.seen'], seenA);
    assert.equal(second![1]!.metadata!.annotations?.['kubernetes.io/config.seen'], '2024-01-01T00:00:02.000Z');
    assert.deepEqual(set.next([pod('a', 'u-a')])?.map((p) => p.metadata!.uid), ['u-a']);
    assert.deepEqual(set.pods().map((p) => p.metadata!.uid), ['u-a']);
  });

  it('drops later duplicates of a namespace/name and leaves its input alone', () => {
    const warnings: string[] = [];
    const log = { ...silentLogger, warn: (_f: Record<string, unknown>, m: string) => void warnings.push(m) };
    const set = new PodSet(log);
    const input = [pod('a', 'u1'), pod('a', 'u2'), pod('a', 'u3', 'other')];
    const out = set.next(input)!;
    assert.deepEqual(out.map((p) => [p.metadata!.namespace, p.metadata!.uid]), [
      ['default', 'u1'],
      ['other', 'u3'],
    ]);
    assert.equal(warnings.length, 1);
    assert.equal(input[0]!.metadata!.annotations?.['kubernetes.io/config.seen'], undefined);
  });
});
