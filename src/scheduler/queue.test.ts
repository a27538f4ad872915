import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { SchedulingQueue } from './queue.js';
import { SchedulerCache } from './cache.js';

const pod = (name: string, priority?: number, extra: Partial<Pod['spec']> = {}): Pod => ({
  metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: '1' },
  spec: { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '1' } } }], ...(priority !== undefined ? { priority } : {}), ...extra },
});

function clockQueue() {
  let t = 1_000_000;
  const q = new SchedulingQueue({ now: () => t });
  return { q, advance: (ms: number) => (t += ms) };
}

describe('SchedulingQueue', () => {
  it('pops by priority, then by arrival', async () => {
    const { q, advance } = clockQueue();
    q.add(pod('a'));
    advance(1);
    q.add(pod('b', 10));
    advance(1);
    q.add(pod('c'));
    advance(1);
    q.add(pod('d', 10));
    const order: string[] = [];
    for (let i = 0; i < 4; i++) order.push((await q.pop())!.pod.metadata!.name!);
    assert.deepEqual(order, ['b', 'd', 'a', 'c']);
  });

  it('pop waits for an add and returns undefined on abort', async () => {
    const { q } = clockQueue();
    const p = q.pop();
    q.add(pod('x'));
    assert.equal((await p)!.key, 'uid-x');
    const ac = new AbortController();
    const p2 = q.pop(ac.signal);
    ac.abort();
    assert.equal(await p2, undefined);
  });

  it('parks FitError pods until a relevant event; moves through backoff', async () => {
    const { q, advance } = clockQueue();
    q.add(pod('a'));
    q.add(pod('b'));
    const a = (await q.pop())!;
    const b = (await q.pop())!;
    q.addUnschedulable(a, new Set(['NodeResourcesFit']));
    q.addUnschedulable(b, new Set(['InterPodAffinity']));
    // a move request happened after these cycles? no: both parked
    assert.equal(q.unschedulableCount, 2);
    assert.equal(q.moveAllToActiveOrBackoff(new Set(['PodTopologySpread', 'InterPodAffinity'])), 1);
    // b's 1 s backoff (1 attempt) has not expired: backoffQ
    assert.equal(q.where('uid-b'), 'backoff');
    q.flushBackoff();
    assert.equal(q.where('uid-b'), 'backoff');
    advance(1000);
    q.flushBackoff();
    assert.equal(q.where('uid-b'), 'active');
    assert.equal(q.where('uid-a'), 'unschedulable');
    advance(60_000);
    q.flushUnschedulableLeftover();
    assert.equal(q.where('uid-a'), 'active');
  });

  it('a move request during a pod\'s cycle sends it to backoff instead of parking', async () => {
    const { q } = clockQueue();
    q.add(pod('a'));
    const a = (await q.pop())!;
    q.moveAllToActiveOrBackoff();
    q.addUnschedulable(a, new Set(['NodeResourcesFit']));
    assert.equal(q.where('uid-a'), 'backoff');
  });

  it('backoff doubles per attempt up to 10 s', () => {
    const { q } = clockQueue();
    const qp = { pod: pod('a'), key: 'a', attempts: 1, timestamp: 0, initialTimestamp: 0, unschedulablePlugins: new Set<string>(), cycle: 0 };
    const d = [1, 2, 3, 4, 5, 6].map((n) => q.backoffDurationMs({ ...qp, attempts: n }));
    assert.deepEqual(d, [1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('update: status-only changes keep a pod parked, spec changes move it; unknown pods are added', async () => {
    const { q, advance } = clockQueue();
    const p = pod('a');
    q.add(p);
    const a = (await q.pop())!;
    q.addUnschedulable(a, new Set(['NodeResourcesFit']));
    const statusOnly: Pod = { ...p, metadata: { ...p.metadata, resourceVersion: '2' }, status: { conditions: [{ type: 'PodScheduled', status: 'False' }] } };
    q.update(p, statusOnly);
    assert.equal(q.where('uid-a'), 'unschedulable');
    advance(5000);
    const relabelled: Pod = { ...statusOnly, metadata: { ...statusOnly.metadata, labels: { x: 'y' } } };
    q.update(statusOnly, relabelled);
    assert.equal(q.where('uid-a'), 'active');
    q.update(undefined, pod('new'));
    assert.equal(q.where('uid-new'), 'active');
    q.delete(pod('new'));
    assert.equal(q.has('uid-new'), false);
  });

  it('errors without unschedulable plugins go to backoff', async () => {
    const { q } = clockQueue();
    q.add(pod('a'));
    const a = (await q.pop())!;
    q.addUnschedulable(a);
    assert.equal(q.where('uid-a'), 'backoff');
  });
});

describe('SchedulerCache', () => {
  const node = (name: string) => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name } }, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } });

  it('assumes, confirms with the informer copy, and forgets', () => {
    const c = new SchedulerCache();
    c.setNode(node('n1'));
    c.setNode(node('n2'));
    const p = pod('a');
    c.assume(p, 'n1');
    assert.equal(c.isAssumed('uid-a'), true);
    assert.equal(c.snapshot.get('n1')!.requested.milliCPU, 1000);
    // The informer reports it bound (to n2, e.g. another binder won): the assumption is replaced.
    c.addPod({ ...p, spec: { ...p.spec!, nodeName: 'n2' } });
    assert.equal(c.isAssumed('uid-a'), false);
    assert.equal(c.snapshot.get('n1')!.requested.milliCPU, 0);
    assert.equal(c.snapshot.get('n2')!.requested.milliCPU, 1000);
    // terminal pods free their resources
    c.updatePod({ ...p, spec: { ...p.spec!, nodeName: 'n2' }, status: { phase: 'Succeeded' } });
    assert.equal(c.snapshot.get('n2')!.requested.milliCPU, 0);
    const b = pod('b');
    c.assume(b, 'n1');
    c.forget(b);
    assert.equal(c.snapshot.get('n1')!.pods.length, 0);
    assert.equal(c.assumedCount, 0);
  });
});
