import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { WorkQueue } from '../../client/workqueue.js';
import { silentLogger } from '../../util/logger.js';
import { FakeClient, FakeInformer, FakeRecorder, err } from '../nodelifecycle/testing.js';
import { RangeAllocator } from './allocator.js';
import { NodeIpamController, podCidrsOf, type NodeObj } from './controller.js';

const queues: WorkQueue<string>[] = [];
afterEach(() => {
  while (queues.length) queues.pop()!.shutDown();
});

const node = (name: string, podCIDR?: string, uid?: string): NodeObj =>
  ({ apiVersion: 'v1', kind: 'Node', metadata: { name, ...(uid ? { uid } : {}) }, spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {} }) as NodeObj;

function setup(clusterCidr = '10.42.0.0/16', mask = 24, existing: NodeObj[] = []) {
  const nodes = new FakeInformer<NodeObj>();
  for (const n of existing) nodes.put(n);
  const client = new FakeClient({ nodes } as unknown as Record<string, FakeInformer<KubeObject>>);
  const recorder = new FakeRecorder();
  const queue = new WorkQueue<string>('t');
  queues.push(queue);
  const allocator = new RangeAllocator({ clusterCidr, nodeCidrMaskSize: mask, nodeCidrMaskSizeIPv6: 64 });
  const c = new NodeIpamController({ client: client as never, nodes, queue, allocator, recorder: recorder as never, log: silentLogger });
  c.register();
  const drain = async () => {
    const keys: string[] = [];
    while (queue.len() > 0) {
      const k = (await queue.get())!;
      keys.push(k);
      queue.done(k);
    }
    return keys;
  };
  /** Syncs until quiet (a patch lands in the fake store and queues the node again, as a watch would). */
  const syncAll = async () => {
    while (queue.len() > 0) for (const k of await drain()) await c.sync(k);
  };
  const cidr = (name: string) => podCidrsOf(nodes.lister.get(undefined, name)!);
  return { nodes, client, recorder, queue, allocator, c, drain, syncAll, cidr };
}

describe('nodeipam controller', () => {
  it('assigns podCIDR and podCIDRs to nodes without one, skipping CIDRs existing nodes already use', async () => {
    // An agent that set its own range (the first one the allocator would hand out) and one outside the cluster CIDR.
    const s = setup('10.42.0.0/16', 24, [node('self', '10.42.0.0/24'), node('foreign', '192.168.9.0/24')]);
    s.nodes.put(node('a'));
    s.nodes.put(node('b'));
    await s.syncAll();
    assert.deepEqual(s.cidr('a'), ['10.42.1.0/24']);
    assert.deepEqual(s.cidr('b'), ['10.42.2.0/24']);
    assert.equal(s.nodes.lister.get(undefined, 'a')!.spec?.podCIDR, '10.42.1.0/24');
    const patches = s.client.verbs('patch', 'nodes');
    assert.deepEqual(patches.map((p) => [p.name, p.body, (p.opts as { type: string }).type]), [
      ['a', { spec: { podCIDR: '10.42.1.0/24', podCIDRs: ['10.42.1.0/24'] } }, 'strategic'],
      ['b', { spec: { podCIDR: '10.42.2.0/24', podCIDRs: ['10.42.2.0/24'] } }, 'strategic'],
    ]);
    await s.syncAll();
    await s.c.sync('self');
    assert.equal(s.client.verbs('patch').length, 2, 'nodes with CIDRs are left alone');
  });

  it('marks a CIDR used as soon as a node carrying it is added, even before any sync', async () => {
    const s = setup('10.0.0.0/23', 24);
    s.nodes.put(node('late-agent', '10.0.0.0/24'));
    s.nodes.put(node('x'));
    await s.syncAll();
    assert.deepEqual(s.cidr('x'), ['10.0.1.0/24']);
  });

  it('records CIDRNotAvailable when exhausted, and assigns once a deleted node frees its range', async () => {
    const s = setup('10.0.0.0/23', 24);
    s.nodes.put(node('n1'));
    s.nodes.put(node('n2'));
    await s.syncAll();
    s.nodes.put(node('n3'));
    assert.deepEqual(await s.drain(), ['n3']);
    await assert.rejects(s.c.sync('n3'), /no remaining CIDRs/);
    assert.deepEqual(s.recorder.events, [{ name: 'n3', type: 'Normal', reason: 'CIDRNotAvailable', message: 'Node n3 status is now: CIDRNotAvailable' }]);
    assert.deepEqual(s.cidr('n3'), []);

    s.nodes.remove('n1');
    assert.deepEqual(await s.drain(), ['n1']);
    await s.c.sync('n1');
    assert.deepEqual(await s.drain(), ['n3'], 'nodes still waiting are queued again after a release');
    await s.c.sync('n3');
    assert.deepEqual(s.cidr('n3'), ['10.0.0.0/24']);
  });

  it('retries a failed patch with the same CIDRs and records CIDRAssignmentFailed', async () => {
    const s = setup();
    s.nodes.put(node('r'));
    await s.drain();
    s.client.failNext.set('patch nodes', err(500, 'InternalError'));
    await assert.rejects(s.c.sync('r'));
    assert.deepEqual(s.recorder.reasons(), ['CIDRAssignmentFailed']);
    await s.c.sync('r');
    const bodies = s.client.verbs('patch').map((p) => (p.body as { spec: { podCIDR: string } }).spec.podCIDR);
    assert.deepEqual(bodies, ['10.42.0.0/24', '10.42.0.0/24']);
    assert.deepEqual(s.allocator.free(), [255]);
  });

  it('gives CIDRs back when a node is deleted during assignment or recreated under the same name', async () => {
    const s = setup('10.0.0.0/23', 24);
    s.nodes.put(node('d'));
    await s.drain();
    s.client.failNext.set('patch nodes', err(404, 'NotFound'));
    await s.c.sync('d');
    assert.deepEqual(s.allocator.free(), [2]);

    await s.c.sync('d');
    const first = s.cidr('d');
    assert.deepEqual(first, ['10.0.1.0/24']);
    s.nodes.remove('d');
    s.nodes.put(node('d', undefined, 'new-uid'));
    await s.syncAll();
    assert.deepEqual(s.allocator.free(), [1], 'the old node range was released, a new one taken');
    assert.deepEqual(s.cidr('d'), ['10.0.0.0/24']);
  });

  it('adopts CIDRs another writer set meanwhile (patch refused as Invalid)', async () => {
    const s = setup('10.0.0.0/22', 24);
    s.nodes.put(node('w'));
    await s.drain();
    s.client.failNext.set('patch nodes', err(422, 'Invalid'));
    await assert.rejects(s.c.sync('w'));
    assert.deepEqual(s.allocator.free(), [4], 'our allocation was given back');
    s.nodes.put({ ...s.nodes.lister.get(undefined, 'w')!, spec: { podCIDR: '10.0.3.0/24', podCIDRs: ['10.0.3.0/24'] } });
    await s.syncAll();
    assert.deepEqual(s.allocator.free(), [3]);
    assert.equal(s.client.verbs('patch').length, 1);
  });
});
