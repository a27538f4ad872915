import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { calculatePodRequests, groupPods, plainMetricReplicas, resourceReplicas, type CalculatorOptions, type PodMetricsInfo } from './replicas.js';

const NOW = Date.parse('2026-01-01T01:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

function pod(name: string, o: { cpu?: string; phase?: string; ready?: boolean | null; startedAgo?: number; readyAgo?: number; deleting?: boolean } = {}): Pod {
  const ready = o.ready === undefined ? true : o.ready;
  return {
    metadata: { name, namespace: 'default', ...(o.deleting ? { deletionTimestamp: ago(1) } : {}) },
    spec: { containers: [{ name: 'c', resources: o.cpu === '' ? {} : { requests: { cpu: o.cpu ?? '100m' } } }] },
    status: {
      phase: o.phase ?? 'Running',
      startTime: ago(o.startedAgo ?? 600),
      conditions: ready === null ? [] : [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: ago(o.readyAgo ?? 590) }],
    },
  };
}

const metrics = (m: Record<string, number>, tsAgo = 1): PodMetricsInfo => new Map(Object.entries(m).map(([k, v]) => [k, { timestampMs: NOW - tsAgo * 1000, windowMs: 2000, value: v }]));
const opts: CalculatorOptions = { tolerance: 0.1, cpuInitializationPeriodMs: 300_000, delayOfInitialReadinessStatusMs: 30_000, now: NOW };

describe('replica calculator (resource utilization)', () => {
  it('scales up to ceil(ratio × ready pods)', () => {
    const r = resourceReplicas(1, 50, 'cpu', '', [pod('a')], metrics({ a: 200 }), opts);
    assert.deepEqual(r, { replicas: 4, utilization: 200, rawAverage: 200 });
  });

  it('keeps the count within the tolerance', () => {
    const r = resourceReplicas(3, 50, 'cpu', '', [pod('a'), pod('b'), pod('c')], metrics({ a: 52, b: 54, c: 53 }), opts);
    assert.equal(r.replicas, 3);
    assert.equal(r.utilization, 53);
  });

  it('scales down', () => {
    const r = resourceReplicas(4, 50, 'cpu', '', [pod('a'), pod('b'), pod('c'), pod('d')], metrics({ a: 10, b: 10, c: 10, d: 10 }), opts);
    assert.equal(r.replicas, 1);
  });

  it('treats missing pods as 100 % on a scale-down (damping it)', () => {
    // 2 pods at 10 %, 2 missing: new ratio (10+10+100+100)/400 = 55 % → 1.1 → within tolerance → keep 4
    const r = resourceReplicas(4, 50, 'cpu', '', [pod('a'), pod('b'), pod('c'), pod('d')], metrics({ a: 10, b: 10 }), opts);
    assert.equal(r.replicas, 4);
    assert.equal(r.utilization, 10);
  });

  it('treats missing pods as 0 on a scale-up', () => {
    // a at 200 %, b missing → (200+0)/200 = 100 % → ratio 2 → ceil(2 × 2) = 4
    const r = resourceReplicas(2, 50, 'cpu', '', [pod('a'), pod('b')], metrics({ a: 200 }), opts);
    assert.equal(r.replicas, 4);
  });

  it('treats unready pods as 0 on a scale-up and ignores them otherwise', () => {
    const pods = [pod('a'), pod('b', { ready: false, startedAgo: 10, readyAgo: 10 })];
    const up = resourceReplicas(2, 50, 'cpu', '', pods, metrics({ a: 100, b: 100 }), opts);
    // ready-only ratio 2 → with b at 0: 100/200 = 50 % → ratio 1 → within tolerance → keep 2
    assert.equal(up.replicas, 2);
    const down = resourceReplicas(2, 50, 'cpu', '', pods, metrics({ a: 10, b: 500 }), opts);
    assert.equal(down.replicas, 1);
  });

  it('ignores pods being deleted or failed, and counts Pending as unready', () => {
    const pods = [pod('a'), pod('b', { deleting: true }), pod('c', { phase: 'Failed' }), pod('d', { phase: 'Pending' })];
    const g = groupPods(pods, metrics({ a: 50, b: 50, c: 50 }), 'cpu', opts);
    assert.equal(g.readyPodCount, 1);
    assert.deepEqual([...g.ignored].sort(), ['b', 'c']);
    assert.deepEqual([...g.unready], ['d']);
  });

  it('within the cpu initialization period, a sample taken before ready + window is unready', () => {
    const fresh = pod('a', { startedAgo: 20, readyAgo: 2 });
    const g = groupPods([fresh], metrics({ a: 50 }, 1), 'cpu', opts);
    assert.deepEqual([...g.unready], ['a']);
    const later = groupPods([fresh], metrics({ a: 50 }, -1), 'cpu', opts);
    assert.equal(later.readyPodCount, 1);
    // memory does not care about readiness
    assert.equal(groupPods([fresh], metrics({ a: 50 }, 1), 'memory', opts).readyPodCount, 1);
  });

  it('fails with upstream messages', () => {
    assert.throws(() => resourceReplicas(1, 50, 'cpu', '', [], metrics({}), opts), /no pods returned by selector while calculating replica count/);
    assert.throws(() => resourceReplicas(1, 50, 'cpu', '', [pod('a', { phase: 'Pending' })], metrics({ a: 1 }), opts), /did not receive metrics for targeted pods \(pods might be unready\)/);
    assert.throws(() => calculatePodRequests([pod('a', { cpu: '' })], '', 'cpu'), /missing request for cpu in container c of Pod a/);
  });
});

describe('replica calculator (average value)', () => {
  it('scales on the average against the target', () => {
    const r = plainMetricReplicas(2, 100, 'cpu', [pod('a'), pod('b')], metrics({ a: 300, b: 100 }), opts);
    assert.deepEqual(r, { replicas: 4, usage: 200 });
  });

  it('treats missing pods as the target on a scale-down', () => {
    const r = plainMetricReplicas(3, 100, 'memory', [pod('a'), pod('b'), pod('c')], metrics({ a: 10 }), opts);
    // (10 + 100 + 100) / 3 = 70 → ratio 0.7 → ceil(0.7 × 3) = 3 → not below current → 3
    assert.equal(r.replicas, 3);
  });
});
