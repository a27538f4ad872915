import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { admitDefaultTolerationSeconds } from '../../api/core/v1/tolerations.js';
import { HealthTracker, unknownConditions } from './health.js';
import { applyTaints, computeZoneState, noExecuteChange, noScheduleChange, zoneMayTaint, NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE } from './taints.js';
import { evictionDecision } from './eviction.js';
import { node, pod } from './testing.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

describe('node health', () => {
  it('is judged on the local clock: a changed heartbeat or a newer lease renewal is a probe', () => {
    const clock = { now: T0 };
    const h = new HealthTracker(() => clock.now);
    const n = node('n1', { heartbeat: '2000-01-01T00:00:00Z' }); // a skewed clock does not matter
    h.observe(n, undefined);
    clock.now += 39_000;
    h.observe(n, undefined);
    assert.equal(h.isStale('n1', 40_000), false);
    clock.now += 2_000;
    h.observe(n, undefined);
    assert.equal(h.isStale('n1', 40_000), true);
    h.observe(n, { spec: { renewTime: '2000-01-01T00:00:01.000000Z' } });
    assert.equal(h.isStale('n1', 40_000), false, 'a lease renewal counts');
    clock.now += 41_000;
    h.observe(n, { spec: { renewTime: '2000-01-01T00:00:01.000000Z' } });
    assert.equal(h.isStale('n1', 40_000), true, 'the same renewTime again does not');
    h.observe(node('n1', { heartbeat: '2000-01-01T00:00:02Z' }), { spec: { renewTime: '2000-01-01T00:00:01.000000Z' } });
    assert.equal(h.isStale('n1', 40_000), false, 'a new heartbeat counts');
  });

  it('gives a node without a Ready condition the startup grace period', () => {
    const clock = { now: T0 };
    const h = new HealthTracker(() => clock.now);
    const n = node('n1');
    n.status.conditions = [];
    h.observe(n, undefined);
    clock.now += 50_000;
    assert.equal(h.isStale('n1', 40_000), false);
    clock.now += 11_000;
    assert.equal(h.isStale('n1', 40_000), true);
  });

  it('turns the four kubelet conditions Unknown with upstream reasons, once', () => {
    const n = node('n1');
    const now = '2024-01-01T00:10:00Z';
    const conds = unknownConditions(n, now)!;
    assert.equal(conds.length, 4);
    for (const c of conds) {
      assert.equal(c.status, 'Unknown');
      assert.equal(c.reason, 'NodeStatusUnknown');
      assert.equal(c.message, 'Kubelet stopped posting node status.');
      assert.equal(c.lastTransitionTime, now);
      assert.equal(c.lastHeartbeatTime, '2024-01-01T00:00:00Z', 'the heartbeat is kept');
    }
    assert.equal(unknownConditions({ ...n, status: { conditions: conds } }, now), undefined);
    const bare = { metadata: { name: 'x', creationTimestamp: '2024-01-01T00:00:00Z' }, status: {} };
    const added = unknownConditions(bare, now)!;
    assert.deepEqual(added.map((c) => [c.type, c.reason]), [
      ['Ready', 'NodeStatusNeverUpdated'],
      ['MemoryPressure', 'NodeStatusNeverUpdated'],
      ['DiskPressure', 'NodeStatusNeverUpdated'],
      ['PIDPressure', 'NodeStatusNeverUpdated'],
    ]);
  });
});

describe('taint diffs', () => {
  it('maps conditions to NoSchedule taints and leaves unmanaged ones alone', () => {
    const n = node('n1', { ready: 'Unknown', taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] });
    n.spec.unschedulable = true;
    n.status.conditions.find((c: any) => c.type === 'DiskPressure').status = 'True';
    const ch = noScheduleChange(n);
    assert.deepEqual(ch.add.map((t) => t.key).sort(), ['node.kubernetes.io/disk-pressure', 'node.kubernetes.io/unreachable', 'node.kubernetes.io/unschedulable']);
    assert.deepEqual(ch.remove.map((t) => t.key), ['node.kubernetes.io/not-ready']);
    assert.deepEqual(noScheduleChange(node('n2')), { add: [], remove: [] });
  });

  it('swaps NoExecute taints with Ready and holds new ones back in disrupted zones', () => {
    const unknown = { type: 'Ready', status: 'Unknown' };
    const f = { type: 'Ready', status: 'False' };
    const t = { type: 'Ready', status: 'True' };
    assert.deepEqual(noExecuteChange(node('a'), unknown, true), { add: [UNREACHABLE_NO_EXECUTE], remove: [] });
    assert.deepEqual(noExecuteChange(node('a'), unknown, false), { add: [], remove: [] });
    const nr = node('a', { taints: [{ ...NOT_READY_NO_EXECUTE, timeAdded: 'x' }] });
    assert.deepEqual(noExecuteChange(nr, unknown, false), { add: [UNREACHABLE_NO_EXECUTE], remove: [NOT_READY_NO_EXECUTE] }, 'a swap happens even when new taints are held back');
    assert.deepEqual(noExecuteChange(nr, f, true), { add: [], remove: [] });
    assert.deepEqual(noExecuteChange(nr, t, true), { add: [], remove: [NOT_READY_NO_EXECUTE] });
  });

  it('stamps timeAdded on new taints only and reports no-ops', () => {
    const cur = [{ key: 'a', effect: 'NoSchedule', timeAdded: 'old' }];
    assert.equal(applyTaints(cur, { add: [{ key: 'a', effect: 'NoSchedule' }], remove: [] }, 'now'), undefined);
    assert.deepEqual(applyTaints(cur, { add: [UNREACHABLE_NO_EXECUTE], remove: [{ key: 'a', effect: 'NoSchedule' }] }, 'now'), [{ ...UNREACHABLE_NO_EXECUTE, timeAdded: 'now' }]);
  });

  it('computes zone states as upstream', () => {
    const r = (s: string) => ({ type: 'Ready', status: s });
    assert.equal(computeZoneState([r('Unknown'), r('False')]).state, 'FullDisruption');
    assert.equal(computeZoneState([r('Unknown'), r('Unknown'), r('True'), r('True')]).state, 'Normal');
    assert.equal(computeZoneState([r('Unknown'), r('Unknown'), r('Unknown'), r('True')]).state, 'PartialDisruption');
    assert.equal(computeZoneState([undefined, r('True')]).notReady, 1);
    assert.equal(zoneMayTaint('FullDisruption', 2, false), true, 'one fully disrupted zone among healthy ones still evicts');
    assert.equal(zoneMayTaint('Normal', 2, true), false);
    assert.equal(zoneMayTaint('PartialDisruption', 10, false), false);
    assert.equal(zoneMayTaint('PartialDisruption', 51, false), true);
  });
});

describe('eviction timing', () => {
  const unreachable = (addedMs?: number) => ({ ...UNREACHABLE_NO_EXECUTE, ...(addedMs !== undefined ? { timeAdded: iso(addedMs) } : {}) });
  const tol = (key: string, seconds?: number) => ({ key, operator: 'Exists', effect: 'NoExecute', ...(seconds !== undefined ? { tolerationSeconds: seconds } : {}) });

  it('evicts at once when a taint is not tolerated', () => {
    assert.deepEqual(evictionDecision(pod('p', 'n'), [unreachable(T0)], T0), { kind: 'evict' });
    assert.deepEqual(evictionDecision(pod('p', 'n', { tolerations: [tol('node.kubernetes.io/not-ready', 300)] }), [unreachable(T0)], T0), { kind: 'evict' });
  });

  it('counts tolerationSeconds from the taint timeAdded', () => {
    const p = pod('p', 'n', { tolerations: [tol('node.kubernetes.io/unreachable', 300)] });
    assert.deepEqual(evictionDecision(p, [unreachable(T0)], T0 + 10_000), { kind: 'at', atMs: T0 + 300_000 });
    assert.deepEqual(evictionDecision(p, [unreachable(T0)], T0 + 300_000), { kind: 'evict' });
    assert.deepEqual(evictionDecision(p, [unreachable()], T0 + 10_000, T0 + 5_000), { kind: 'at', atMs: T0 + 305_000 }, 'no timeAdded: from first sight');
  });

  it('takes the earliest deadline, keeps forever without tolerationSeconds, evicts for <= 0', () => {
    const other = { key: 'maint', effect: 'NoExecute', timeAdded: iso(T0 + 100_000) };
    const p = pod('p', 'n', { tolerations: [tol('node.kubernetes.io/unreachable', 300), tol('maint', 60)] });
    assert.deepEqual(evictionDecision(p, [unreachable(T0), other], T0 + 120_000), { kind: 'at', atMs: T0 + 160_000 });
    assert.deepEqual(evictionDecision(pod('p', 'n', { tolerations: [tol('node.kubernetes.io/unreachable')] }), [unreachable(T0)], T0 + 1e9), { kind: 'keep' });
    assert.deepEqual(evictionDecision(pod('p', 'n', { tolerations: [{ operator: 'Exists' }] }), [unreachable(T0)], T0), { kind: 'keep' });
    assert.deepEqual(evictionDecision(pod('p', 'n', { tolerations: [tol('node.kubernetes.io/unreachable', 0)] }), [unreachable(T0)], T0), { kind: 'evict' });
    assert.deepEqual(evictionDecision(pod('p', 'n'), [], T0), { kind: 'keep' });
  });
});

describe('DefaultTolerationSeconds admission', () => {
  it('adds both tolerations to a pod without them', () => {
    const p = pod('p', undefined);
    admitDefaultTolerationSeconds(p, { notReadySeconds: 2, unreachableSeconds: 3 });
    assert.deepEqual(p.spec.tolerations, [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 3 },
    ]);
  });

  it('keeps a pod that already tolerates the key/effect (or everything) as it is', () => {
    const own = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 7 };
    const p = pod('p', undefined, { tolerations: [own] });
    admitDefaultTolerationSeconds(p, { notReadySeconds: 2, unreachableSeconds: 3 });
    assert.deepEqual(p.spec.tolerations.map((t: any) => [t.key, t.tolerationSeconds]), [
      ['node.kubernetes.io/unreachable', 7],
      ['node.kubernetes.io/not-ready', 2],
    ]);
    const all = pod('q', undefined, { tolerations: [{ operator: 'Exists' }] });
    admitDefaultTolerationSeconds(all, { notReadySeconds: 2, unreachableSeconds: 3 });
    assert.deepEqual(all.spec.tolerations, [{ operator: 'Exists' }]);
    const noSchedule = pod('r', undefined, { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }] });
    admitDefaultTolerationSeconds(noSchedule, { notReadySeconds: 2, unreachableSeconds: 3 });
    assert.equal(noSchedule.spec.tolerations.length, 3, 'a NoSchedule toleration does not cover NoExecute');
  });
});
