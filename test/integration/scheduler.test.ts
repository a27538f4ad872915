/**
 * The scheduler (src/scheduler) in-process against a real k8ts server: Node objects are created
 * directly (no kubelet: the scheduler only binds). Pods name a dedicated schedulerName (and the
 * scheduler its own Lease) so a scheduler inside the server, if any, never competes.
 * Checks resources (FitError condition and FailedScheduling event), nodeSelector, taints and
 * tolerations, default spreading over a ReplicaSet's pods, an unschedulable pod scheduled once a
 * suitable node appears, and a throughput probe (100 nodes, 1,000 pods).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/types.js';
import { RestClient, type ResourceRef } from '../../src/client/rest.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { SharedInformerFactory } from '../../src/client/informer.js';
import { silentLogger } from '../../src/util/logger.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { TestServer, eventually } from '../support/server.js';

const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' };
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
const EVENTS: ResourceRef = { group: '', version: 'v1', resource: 'events', namespaced: true, kind: 'Event' };
const NAMESPACES: ResourceRef = { group: '', version: 'v1', resource: 'namespaces', namespaced: false, kind: 'Namespace' };
const RSS: ResourceRef = { group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true, kind: 'ReplicaSet' };
const LEASES: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true, kind: 'Lease' };

const SCHED = 'test-scheduler';
type Obj = KubeObject & { spec?: Record<string, any>; status?: Record<string, any> };

interface NodeOpts {
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
}

async function createNode(c: RestClient, name: string, o: NodeOpts = {}): Promise<void> {
  const alloc = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: '110' };
  await c.create(NODES, undefined, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: o.taints ? { taints: o.taints } : {},
  } as Obj);
  await c.patch(NODES, undefined, name, 'merge', {
    status: {
      capacity: alloc,
      allocatable: alloc,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ready', lastHeartbeatTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }],
    },
  }, { subresource: 'status' });
}

function podSpec(name: string, ns: string, extra: Record<string, any> = {}, meta: Record<string, any> = {}): Obj {
  const { cpu, schedulerName, ...spec } = extra;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, ...meta },
    spec: {
      schedulerName: schedulerName ?? SCHED,
      containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: cpu ?? '100m', memory: '64Mi' } } }],
      ...spec,
    },
  } as Obj;
}

describe('scheduler', { timeout: 120_000 }, () => {
  let server: TestServer;
  let client: RestClient;
  let ac: AbortController;
  let scheduler: Scheduler;
  let running: Promise<void>;

  const nodeOf = async (ns: string, name: string) => (await client.get<Obj>(PODS, ns, name)).spec?.nodeName as string | undefined;
  const waitBound = async (ns: string, name: string, ms = 10_000): Promise<string> => (await eventually(() => nodeOf(ns, name), ms))!;

  before(async () => {
    // No controllers: the test plays the ReplicaSet itself (its pods only give the spreading selector),
    // and its Node objects have no kubelet to keep them Ready.
    server = await TestServer.start({ extraArgs: ['--disable-controller-manager'] });
    client = new RestClient(loadKubeconfig(server.kubeconfig), { qps: 'unlimited' });
    for (const ns of ['spread', 'misc', 'tp']) await client.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await createNode(client, 'n1');
    await createNode(client, 'n2', { labels: { disk: 'ssd' } });
    await createNode(client, 'n3');
    await createNode(client, 'n4', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
    ac = new AbortController();
    const schedClient = new RestClient(loadKubeconfig(server.kubeconfig), { qps: 'unlimited' });
    const informers = new SharedInformerFactory(schedClient, { log: silentLogger });
    scheduler = new Scheduler({
      client: schedClient,
      informers,
      log: silentLogger,
      signal: ac.signal,
      schedulerName: SCHED,
      leaderElection: true,
      leaseName: SCHED,
      identity: 'scheduler-test',
    });
    running = scheduler.run().finally(() => schedClient.close());
  });

  after(async () => {
    ac?.abort();
    await running?.catch(() => undefined);
    client?.close();
    await server?.destroy();
  });

  it('holds its Lease in kube-system', async () => {
    const lease = await eventually(() => client.get<Obj>(LEASES, 'kube-system', SCHED).catch(() => undefined));
    assert.equal(lease!.spec?.holderIdentity, 'scheduler-test');
  });

  it('spreads a ReplicaSet\'s pods over the untainted nodes, 2 per node', async () => {
    const rs = await client.create<Obj>(RSS, 'spread', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web' },
      spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } },
    } as Obj);
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata!.uid!, controller: true, blockOwnerDeletion: true };
    for (let i = 0; i < 6; i++) {
      await client.create(PODS, 'spread', podSpec(`web-${i}`, 'spread', {}, { labels: { app: 'web' }, ownerReferences: [owner] }));
    }
    const counts: Record<string, number> = {};
    for (let i = 0; i < 6; i++) {
      const n = await waitBound('spread', `web-${i}`);
      counts[n] = (counts[n] ?? 0) + 1;
    }
    assert.deepEqual(counts, { n1: 2, n2: 2, n3: 2 });
  });

  it('honours taints and tolerations', async () => {
    const pin = { nodeSelector: { 'kubernetes.io/hostname': 'n4' } };
    await client.create(PODS, 'misc', podSpec('intolerant', 'misc', pin));
    await client.create(PODS, 'misc', podSpec('tolerant', 'misc', { ...pin, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }));
    assert.equal(await waitBound('misc', 'tolerant'), 'n4');
    const p = await eventually(async () => {
      const p = await client.get<Obj>(PODS, 'misc', 'intolerant');
      return p.status?.conditions?.find((c: any) => c.type === 'PodScheduled' && c.status === 'False') ? p : undefined;
    });
    assert.equal(p!.spec?.nodeName, undefined);
    const cond = p!.status!.conditions.find((c: any) => c.type === 'PodScheduled');
    assert.equal(cond.reason, 'Unschedulable');
    assert.match(cond.message, /^0\/4 nodes are available: /);
    assert.match(cond.message, /1 node\(s\) had untolerated taint \{dedicated: gpu\}/);
    assert.match(cond.message, /3 node\(s\) didn't match Pod's node affinity\/selector/);
  });

  it('honours nodeSelector', async () => {
    await client.create(PODS, 'misc', podSpec('ssd', 'misc', { nodeSelector: { disk: 'ssd' } }));
    assert.equal(await waitBound('misc', 'ssd'), 'n2');
  });

  it('leaves a pod that fits nowhere Pending with a FailedScheduling event, then schedules it on a new node', async () => {
    await client.create(PODS, 'misc', podSpec('huge', 'misc', { cpu: '100' }));
    const ev = await eventually(async () => {
      const list = await client.list<Obj>(EVENTS, 'misc');
      return list.items.find((e: any) => e.involvedObject?.name === 'huge' && e.reason === 'FailedScheduling');
    });
    const e = ev as any;
    assert.equal(e.type, 'Warning');
    assert.match(e.message, /^0\/4 nodes are available: /);
    assert.match(e.message, /Insufficient cpu/);
    const p = await client.get<Obj>(PODS, 'misc', 'huge');
    assert.equal(p.spec?.nodeName, undefined);
    const cond = p.status!.conditions.find((c: any) => c.type === 'PodScheduled');
    assert.equal(cond.status, 'False');
    assert.equal(cond.reason, 'Unschedulable');
    assert.equal(cond.message, e.message);

    await createNode(client, 'big', { cpu: '128', memory: '256Gi' });
    assert.equal(await waitBound('misc', 'huge', 5_000), 'big');
    const scheduled = await eventually(async () => {
      const list = await client.list<Obj>(EVENTS, 'misc');
      return list.items.find((x: any) => x.involvedObject?.name === 'huge' && x.reason === 'Scheduled');
    });
    assert.equal((scheduled as any).message, 'Successfully assigned misc/huge to big');
  });

  it('throughput probe: 1,000 pods onto 100 nodes', async () => {
    const nodes = Array.from({ length: 100 }, (_, i) => `tp-${i}`);
    await pool(nodes, 50, (n) => createNode(client, n, { cpu: '32', memory: '64Gi', labels: { pool: 'tp' } }));
    const names = Array.from({ length: 1000 }, (_, i) => `p-${i}`);
    let maxActive = 0;
    const sampler = setInterval(() => (maxActive = Math.max(maxActive, scheduler.queue.activeCount)), 10);
    const bound0 = scheduler.scheduledCount;
    const t0 = performance.now();
    await pool(names, 100, (n) => client.create(PODS, 'tp', podSpec(n, 'tp', { nodeSelector: { pool: 'tp' } })));
    const tCreated = performance.now();
    // A bind answered is a pod bound in storage; polling the scheduler keeps lists off the server.
    await eventually(() => scheduler.scheduledCount - bound0 >= 1000, 60_000, 5);
    const t1 = performance.now();
    clearInterval(sampler);
    const items = (await client.list<Obj>(PODS, 'tp')).items;
    assert.equal(items.filter((p) => p.spec?.nodeName).length, 1000);
    const perNode: Record<string, number> = {};
    for (const p of items) perNode[p.spec!.nodeName] = (perNode[p.spec!.nodeName] ?? 0) + 1;
    const sec = (t1 - t0) / 1000;
    console.log(
      `scheduler throughput: 1000 pods created in ${((tCreated - t0) / 1000).toFixed(2)} s, all bound after ${sec.toFixed(2)} s ` +
        `(${(1000 / sec).toFixed(0)} pods/s end to end; max activeQ ${maxActive}); per node min ${Math.min(...Object.values(perNode))} max ${Math.max(...Object.values(perNode))}`,
    );
    assert.equal(Object.keys(perNode).every((n) => n.startsWith('tp-')), true);
  });

  it('throughput probe: a backlog of 1,000 pending pods', async () => {
    const late = 'late-scheduler';
    const names = Array.from({ length: 1000 }, (_, i) => `q-${i}`);
    await pool(names, 100, (n) => client.create(PODS, 'tp', podSpec(n, 'tp', { nodeSelector: { pool: 'tp' }, schedulerName: late })));
    const lac = new AbortController();
    const lateClient = new RestClient(loadKubeconfig(server.kubeconfig), { qps: 'unlimited' });
    const informers = new SharedInformerFactory(lateClient, { log: silentLogger });
    const s2 = new Scheduler({ client: lateClient, informers, log: silentLogger, signal: lac.signal, schedulerName: late, leaderElection: false });
    const t0 = performance.now();
    const run2 = s2.run();
    try {
      await informers.waitForCacheSync();
      const tSynced = performance.now();
      await eventually(() => s2.scheduledCount >= 1000, 60_000, 5);
      const t1 = performance.now();
      const bound = (await client.list<Obj>(PODS, 'tp')).items.filter((p) => p.metadata!.name!.startsWith('q-') && p.spec?.nodeName).length;
      assert.equal(bound, 1000);
      const sec = (t1 - tSynced) / 1000;
      console.log(`scheduler backlog: caches synced after ${((tSynced - t0) / 1000).toFixed(2)} s, 1000 pods bound ${sec.toFixed(2)} s later (${(1000 / sec).toFixed(0)} pods/s)`);
    } finally {
      lac.abort();
      await run2;
      lateClient.close();
    }
  });
});

async function pool<T>(items: readonly T[], width: number, fn: (x: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}
