import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { WorkQueue } from '../../client/workqueue.js';
import { silentLogger } from '../../util/logger.js';
import { NodeLifecycleController, type LeaseObj } from './controller.js';
import type { NodeObj, PodObj } from './nodewrites.js';
import { TaintEvictionController } from './tainteviction.js';
import { FakeClient, FakeInformer, FakeRecorder, err, node, pod, podIndexers } from './testing.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const tol = (key: string, seconds: number) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
const DEFAULT_TOLERATIONS = [tol('node.kubernetes.io/not-ready', 2), tol('node.kubernetes.io/unreachable', 2)];

const queues: WorkQueue<string>[] = [];
afterEach(() => {
  while (queues.length) queues.pop()!.shutDown();
});
const queue = () => {
  const q = new WorkQueue<string>('test');
  queues.push(q);
  return q;
};

function setup() {
  const clock = { now: T0 };
  const nodes = new FakeInformer<NodeObj>();
  const leases = new FakeInformer<LeaseObj>();
  const pods = new FakeInformer<PodObj>(podIndexers);
  const client = new FakeClient({ nodes, leases, pods } as unknown as Record<string, FakeInformer<KubeObject>>);
  const recorder = new FakeRecorder();
  const evRecorder = new FakeRecorder();
  const nodeQueue = queue();
  const evictionQueue = queue();
  const nlc = new NodeLifecycleController({ client: client as never, nodes, leases, pods, nodeQueue, podQueue: queue(), recorder, log: silentLogger, gracePeriodMs: 4_000, now: () => clock.now });
  const tec = new TaintEvictionController({ client: client as never, nodes, pods, podNodeIndex: 'spec.nodeName', queue: evictionQueue, recorder: evRecorder, log: silentLogger, now: () => clock.now });
  nlc.register();
  tec.register();
  const renew = (name: string) => leases.put({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec: { renewTime: new Date(clock.now).toISOString() } } as LeaseObj);
  const getNode = (name: string) => nodes.lister.get(undefined, name)!;
  const getPod = (name: string) => pods.lister.get('default', name);
  return { clock, nodes, leases, pods, client, recorder, evRecorder, nlc, tec, nodeQueue, evictionQueue, renew, getNode, getPod };
}

const taintKeys = (n: NodeObj) => (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();

describe('node lifecycle controller', () => {
  it('marks a node whose heartbeats stop Unknown, taints it, marks its pods NotReady, and recovers', async () => {
    const s = setup();
    s.nodes.put(node('a-0'));
    s.nodes.put(node('b-0'));
    s.pods.put(pod('p1', 'a-0', { tolerations: DEFAULT_TOLERATIONS }));
    s.pods.put(pod('p2', 'b-0', { tolerations: DEFAULT_TOLERATIONS }));
    s.renew('a-0');
    s.renew('b-0');
    await s.nlc.monitor();
    assert.deepEqual(s.recorder.events.map((e) => [e.reason, e.message]), [
      ['RegisteredNode', 'Node a-0 event: Registered Node a-0 in Controller'],
      ['RegisteredNode', 'Node b-0 event: Registered Node b-0 in Controller'],
    ]);
    assert.equal(s.client.verbs('updateStatus').length, 0);

    for (let i = 0; i < 5; i++) {
      s.clock.now += 1_000;
      s.renew('b-0');
      await s.nlc.monitor();
    }
    const a = s.getNode('a-0');
    const ready = a.status!.conditions!.find((c) => c.type === 'Ready')!;
    assert.equal(ready.status, 'Unknown');
    assert.equal(ready.reason, 'NodeStatusUnknown');
    assert.equal(ready.message, 'Kubelet stopped posting node status.');
    assert.ok(a.status!.conditions!.every((c) => c.status === 'Unknown'));
    assert.equal(s.getNode('b-0').status!.conditions!.find((c) => c.type === 'Ready')!.status, 'True');
    assert.deepEqual(taintKeys(a), ['node.kubernetes.io/unreachable:NoExecute']);
    assert.equal(a.spec!.taints![0]!.timeAdded, '2024-01-01T00:00:05Z');
    assert.deepEqual(s.client.verbs('updateStatus', 'nodes').map((c) => c.name), ['a-0'], 'one status write');
    assert.ok(s.recorder.events.some((e) => e.reason === 'NodeNotReady' && e.type === 'Normal' && e.message === 'Node a-0 status is now: NodeNotReady'));
    assert.equal(s.getPod('p1')!.status!.conditions!.find((c) => c.type === 'Ready')!.status, 'False');
    assert.ok(s.recorder.events.some((e) => e.reason === 'NodeNotReady' && e.type === 'Warning' && e.name === 'p1' && e.message === 'Node is not ready'));
    assert.equal(s.getPod('p2')!.status!.conditions!.find((c) => c.type === 'Ready')!.status, 'True');

    await s.nlc.syncNode('a-0');
    assert.deepEqual(taintKeys(s.getNode('a-0')), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
    await s.nlc.monitor();
    assert.equal(s.client.verbs('updateStatus', 'nodes').length, 1, 'no rewrite while already Unknown');
    assert.equal(s.recorder.reasons().filter((r) => r === 'NodeNotReady').length, 2, 'one node event, one pod event');

    // The kubelet comes back: it rewrites its conditions with a new heartbeat.
    s.clock.now += 1_000;
    const back = node('a-0', { heartbeat: '2024-01-01T00:00:07Z' });
    s.nodes.put({ ...s.getNode('a-0'), status: back.status });
    await s.nlc.monitor();
    await s.nlc.syncNode('a-0');
    assert.deepEqual(taintKeys(s.getNode('a-0')), []);
    assert.equal(s.client.verbs('updateStatus', 'nodes').length, 1, 'the controller does not write over a live kubelet');
  });

  it('retries a conflicting status write against the fresh node and stands down if it got a heartbeat', async () => {
    const s = setup();
    s.nodes.put(node('a-0'));
    s.nodes.put(node('b-0'));
    await s.nlc.monitor();
    s.clock.now += 5_000;
    s.renew('b-0');
    s.client.failNext.set('updateStatus nodes', err(409, 'Conflict'));
    // The node the API answers after the conflict carries a fresh heartbeat.
    const fresh = node('a-0', { heartbeat: '2024-01-01T00:00:05Z' });
    const origGet = s.client.get.bind(s.client);
    s.client.get = (async (res: any, ns: any, name: string) => (name === 'a-0' ? { ...s.getNode('a-0'), status: fresh.status } : origGet(res, ns, name))) as typeof s.client.get;
    await s.nlc.monitor();
    assert.equal(s.client.verbs('updateStatus', 'nodes').length, 1, 'only the attempt that conflicted');
    assert.deepEqual(taintKeys(s.getNode('a-0')), []);
  });

  it('enters master disruption mode when every node is down: no NoExecute taints, existing ones removed', async () => {
    const s = setup();
    s.nodes.put(node('a-0', { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2024-01-01T00:00:00Z' }] }));
    s.nodes.put(node('a-1'));
    await s.nlc.monitor();
    assert.deepEqual(taintKeys(s.getNode('a-0')), [], 'a node seen first is marked reachable');
    s.clock.now += 5_000;
    await s.nlc.monitor();
    assert.equal(s.nlc.zoneState(), 'FullDisruption');
    for (const n of ['a-0', 'a-1']) {
      assert.equal(s.getNode(n).status!.conditions!.find((c) => c.type === 'Ready')!.status, 'Unknown');
      assert.deepEqual(taintKeys(s.getNode(n)), []);
    }
    // One node comes back: the other is tainted only after a fresh grace period.
    s.renew('a-1');
    s.nodes.put({ ...s.getNode('a-1'), status: node('a-1', { heartbeat: '2024-01-01T00:00:05Z' }).status });
    await s.nlc.monitor();
    assert.equal(s.nlc.zoneState(), 'Normal');
    assert.deepEqual(taintKeys(s.getNode('a-0')), ['node.kubernetes.io/unreachable:NoExecute']);
  });

  it('emits RemovingNode when a node disappears and marks pods bound to a NotReady node', async () => {
    const s = setup();
    s.nodes.put(node('a-0', { ready: 'False' }));
    await s.nlc.monitor();
    s.pods.put(pod('late', 'a-0'));
    await s.nlc.syncPod('default/late');
    assert.equal(s.getPod('late')!.status!.conditions![0]!.status, 'False');
    s.nodes.remove('a-0');
    await s.nlc.monitor();
    assert.ok(s.recorder.events.some((e) => e.reason === 'RemovingNode' && e.message === 'Node a-0 event: Removing Node a-0 from Controller'));
  });
});

describe('taint eviction', () => {
  it('evicts an intolerant pod at once with the upstream event and condition', async () => {
    const s = setup();
    s.nodes.put(node('a-0', { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2024-01-01T00:00:00Z' }] }));
    s.pods.put(pod('p', 'a-0'));
    await s.tec.sync('default/p');
    assert.deepEqual(s.evRecorder.events.map((e) => [e.type, e.reason, e.message]), [['Normal', 'TaintManagerEviction', 'Marking for deletion Pod default/p']]);
    const st = s.client.verbs('updateStatus', 'pods')[0]!.body as PodObj;
    assert.deepEqual(
      st.status!.conditions!.filter((c) => c.type === 'DisruptionTarget').map((c) => [c.status, c.reason, c.message]),
      [['True', 'DeletionByTaintManager', 'Taint manager: deleting due to NoExecute taint']],
    );
    assert.equal(s.client.verbs('delete', 'pods').length, 1);
    assert.equal(s.getPod('p'), undefined);
  });

  it('waits tolerationSeconds from timeAdded, and cancels when the taint goes', async () => {
    const s = setup();
    const taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2024-01-01T00:00:00Z' };
    s.nodes.put(node('a-0', { taints: [taint] }));
    s.pods.put(pod('p', 'a-0', { tolerations: DEFAULT_TOLERATIONS }));
    s.pods.put(pod('q', 'a-0', { tolerations: DEFAULT_TOLERATIONS }));
    s.clock.now = T0 + 500;
    await s.tec.sync('default/p');
    await s.tec.sync('default/q');
    assert.ok(s.tec.isScheduled('default/p'));
    assert.equal(s.client.verbs('delete').length, 0);
    s.clock.now = T0 + 2_000;
    await s.tec.sync('default/p');
    assert.equal(s.getPod('p'), undefined, 'evicted 2 s after timeAdded');
    // The taint goes before q's time: its eviction is cancelled with an event.
    s.nodes.put({ ...s.getNode('a-0'), spec: { taints: [] } });
    assert.ok(s.evictionQueue.len() >= 1, 'a node taint change queues its pods');
    await s.tec.sync('default/q');
    assert.ok(s.getPod('q'));
    assert.equal(s.tec.isScheduled('default/q'), false);
    assert.deepEqual(s.evRecorder.events.map((e) => e.message), ['Marking for deletion Pod default/p', 'Cancelling deletion of Pod default/q']);
  });

  it('leaves pods being deleted and pods tolerating forever alone', async () => {
    const s = setup();
    s.nodes.put(node('a-0', { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] }));
    s.pods.put(pod('gone', 'a-0', { deleting: true }));
    s.pods.put(pod('forever', 'a-0', { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }] }));
    s.clock.now += 1e9;
    await s.tec.sync('default/gone');
    await s.tec.sync('default/forever');
    assert.equal(s.client.calls.length, 0);
  });
});
