import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { silentLogger } from '../../util/logger.js';
import type { PodObj } from '../common/podutil.js';
import { FakeClient, FakeInformer, node, pod } from '../nodelifecycle/testing.js';
import { compareForGc, PodGcController, type NodeObj } from './controller.js';

function setup(threshold: number) {
  const clock = { now: Date.parse('2024-01-01T00:00:00Z') };
  const nodes = new FakeInformer<NodeObj>();
  const pods = new FakeInformer<PodObj>();
  const client = new FakeClient({ nodes, pods } as unknown as Record<string, FakeInformer<KubeObject>>);
  const passes: number[] = [];
  const gc = new PodGcController({ client: client as never, pods, nodes, threshold, quarantineMs: 10_000, requestPass: (ms) => passes.push(ms), log: silentLogger, now: () => clock.now });
  const names = () => pods.lister.list().map((p) => p.metadata!.name!).sort();
  return { clock, nodes, pods, client, gc, passes, names };
}

describe('pod GC', () => {
  it('deletes terminated pods beyond the threshold, evicted then oldest first, with grace 0', async () => {
    const s = setup(2);
    s.nodes.put(node('n'));
    s.pods.put(pod('old', 'n', { phase: 'Succeeded', created: '2024-01-01T00:00:01Z' }));
    s.pods.put(pod('mid-b', 'n', { phase: 'Failed', created: '2024-01-01T00:00:02Z' }));
    s.pods.put(pod('mid-a', 'n', { phase: 'Succeeded', created: '2024-01-01T00:00:02Z' }));
    s.pods.put(pod('new', 'n', { phase: 'Succeeded', created: '2024-01-01T00:00:09Z' }));
    s.pods.put(pod('running', 'n', { created: '2024-01-01T00:00:00Z' }));
    await s.gc.gc();
    assert.deepEqual(s.names(), ['mid-b', 'new', 'running']);
    assert.deepEqual(s.client.verbs('delete').map((c) => [c.name, (c.opts as any).gracePeriodSeconds]), [['old', 0], ['mid-a', 0]]);
    assert.equal(s.client.verbs('patch').length, 0, 'terminal pods need no status change');
    const evicted = pod('ev', 'n', { phase: 'Failed', created: '2024-01-01T00:00:30Z' });
    evicted.status.reason = 'Evicted';
    assert.ok(compareForGc(evicted, pod('x', 'n', { phase: 'Failed' })) < 0);
  });

  it('force deletes pods of a node gone for the quarantine, after confirming with the API', async () => {
    const s = setup(0);
    s.pods.put(pod('orphan', 'ghost'));
    s.pods.put(pod('done', 'ghost', { phase: 'Succeeded' }));
    await s.gc.gc();
    assert.deepEqual(s.passes, [10_000]);
    assert.equal(s.names().length, 2);
    s.clock.now += 10_000;
    await s.gc.gc();
    assert.deepEqual(s.names(), []);
    const patch = s.client.verbs('patch', 'pods');
    assert.equal(patch.length, 1, 'only the non-terminal pod is marked Failed');
    assert.deepEqual((patch[0]!.body as any).status.phase, 'Failed');
    assert.deepEqual((patch[0]!.body as any).status.conditions.map((c: any) => [c.type, c.reason, c.message]), [['DisruptionTarget', 'DeletionByPodGC', 'PodGC: node no longer exists']]);
    assert.ok(s.client.verbs('delete').every((c) => (c.opts as any).gracePeriodSeconds === 0));
  });

  it('keeps pods whose node reappears in time or exists in the API', async () => {
    const s = setup(0);
    s.pods.put(pod('p', 'late'));
    await s.gc.gc();
    s.clock.now += 10_000;
    // The cache lags behind the API: the GET finds the node.
    s.client.get = (async () => node('late')) as typeof s.client.get;
    await s.gc.gc();
    assert.deepEqual(s.names(), ['p']);
    s.clock.now += 5_000;
    s.nodes.put(node('late'));
    s.clock.now += 10_000;
    assert.deepEqual(s.names(), ['p']);
  });

  it('force deletes terminating pods on out-of-service NotReady nodes and unscheduled terminating pods', async () => {
    const s = setup(0);
    s.nodes.put(node('oos', { ready: 'False', taints: [{ key: 'node.kubernetes.io/out-of-service', effect: 'NoExecute' }] }));
    s.nodes.put(node('ok', { taints: [{ key: 'node.kubernetes.io/out-of-service', effect: 'NoExecute' }] }));
    s.pods.put(pod('stuck', 'oos', { deleting: true }));
    s.pods.put(pod('alive', 'oos'));
    s.pods.put(pod('ready-node', 'ok', { deleting: true }));
    s.pods.put(pod('unscheduled', undefined, { deleting: true, phase: 'Pending' }));
    await s.gc.gc();
    assert.deepEqual(s.names(), ['alive', 'ready-node']);
  });
});
