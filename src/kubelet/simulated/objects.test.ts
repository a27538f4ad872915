import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { nodeObject, plannedExit, plannedReady, plannedRestarts, podStatus, sameStatus, type PodRun } from './objects.js';

const pod = (annotations: Record<string, string> = {}, restartPolicy?: string): Pod => ({
  metadata: { name: 'p', namespace: 'default', uid: 'u1', annotations },
  spec: { nodeName: 'n0', restartPolicy, containers: [{ name: 'a', image: 'img:1' }] },
  status: { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
});

const run: PodRun = { podIP: '10.42.0.2', hostIP: '127.0.0.1', startTime: '2026-01-01T00:00:01Z', restarts: 0 };

describe('simulated objects', () => {
  it('builds a Ready node with the configured shape', () => {
    const n = nodeObject({ name: 'n0', podCidr: '10.42.0.0/24', internalIP: '127.0.0.1', cpu: '8', memory: '32Gi', pods: '50' }, 'T0', 'T1');
    assert.equal(n.metadata?.labels?.['kubernetes.io/os'], 'linux');
    assert.deepEqual(n.spec?.podCIDRs, ['10.42.0.0/24']);
    assert.equal(n.status?.capacity?.cpu, '8');
    assert.equal(n.status?.allocatable?.pods, '50');
    const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
    assert.equal(ready?.reason, 'KubeletReady');
    assert.equal(ready?.lastHeartbeatTime, 'T1');
    assert.equal(ready?.lastTransitionTime, 'T0');
    assert.deepEqual(n.status?.addresses?.map((a) => a.type), ['InternalIP', 'Hostname']);
  });

  it('reads the exit and restart annotations only where they apply', () => {
    assert.equal(plannedExit(pod({ 'k8ts.io/simulated-exit-code': '0' })), undefined, 'restartPolicy Always never ends');
    assert.deepEqual(plannedExit(pod({ 'k8ts.io/simulated-exit-code': '2', 'k8ts.io/simulated-run-seconds': '1.5' }, 'OnFailure')), { code: 2, runMs: 1500 });
    assert.deepEqual(plannedExit(pod({ 'k8ts.io/simulated-exit-code': '0' }, 'Never')), { code: 0, runMs: 0 });
    assert.equal(plannedExit(pod({}, 'Never')), undefined);
    assert.equal(plannedExit(pod({ 'k8ts.io/simulated-exit-code': 'x' }, 'Never')), undefined);
    assert.equal(plannedRestarts(pod({ 'k8ts.io/simulated-restarts': '3' })), 3);
    assert.equal(plannedRestarts(pod({ 'k8ts.io/simulated-restarts': '-1' })), 0);
  });

  it('reports Running, then a terminal phase, keeping fields others own', () => {
    const p = pod();
    const s = podStatus(p, run, '2026-01-01T00:00:02Z');
    assert.equal(s.phase, 'Running');
    assert.equal(s.qosClass, 'BestEffort');
    assert.equal(s.conditions?.find((c) => c.type === 'PodScheduled')?.lastTransitionTime, '2026-01-01T00:00:00Z');
    assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.equal(s.containerStatuses?.[0]?.containerID, 'simulated://u1-a');
    assert.ok(!sameStatus(p.status, s));
    assert.ok(sameStatus(s, podStatus({ ...p, status: s }, run, 'later')));
    const done = podStatus({ ...p, status: s }, { ...run, exit: { code: 1, at: '2026-01-01T00:00:05Z' } }, '2026-01-01T00:00:05Z');
    assert.equal(done.phase, 'Failed');
    assert.equal(done.containerStatuses?.[0]?.state?.terminated?.reason, 'Error');
    assert.equal(done.conditions?.find((c) => c.type === 'Ready')?.reason, 'PodCompleted');
    assert.ok(!sameStatus(s, done));
  });
  it('reports Running but not ready while k8ts.io/simulated-ready is "false", and ready again without it', () => {
    assert.equal(plannedReady(pod()), true);
    assert.equal(plannedReady(pod({ 'k8ts.io/simulated-ready': 'false' })), false);
    assert.equal(plannedReady(pod({ 'k8ts.io/simulated-ready': 'true' })), true);
    const p = pod({ 'k8ts.io/simulated-ready': 'false' });
    const s = podStatus(p, run, '2026-01-01T00:00:02Z');
    assert.equal(s.phase, 'Running');
    assert.equal(s.containerStatuses?.[0]?.ready, false);
    assert.equal(s.containerStatuses?.[0]?.started, true);
    for (const type of ['Ready', 'ContainersReady']) {
      const c = s.conditions?.find((x) => x.type === type);
      assert.equal(c?.status, 'False', type);
      assert.equal(c?.reason, 'ContainersNotReady');
      assert.equal(c?.message, 'containers with unready status: [a]');
    }
    const back = podStatus({ ...p, metadata: { ...p.metadata, annotations: {} }, status: s }, run, '2026-01-01T00:00:03Z');
    assert.ok(!sameStatus(s, back), 'readiness flip is a status change');
    const ready = back.conditions?.find((x) => x.type === 'Ready');
    assert.equal(ready?.status, 'True');
    assert.equal(ready?.reason, undefined);
    assert.equal(ready?.lastTransitionTime, '2026-01-01T00:00:03Z');
    assert.equal(back.containerStatuses?.[0]?.ready, true);
  });
});
