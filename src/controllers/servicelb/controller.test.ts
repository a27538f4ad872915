import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { WorkQueue } from '../../client/workqueue.js';
import { silentLogger } from '../../util/logger.js';
import { FakeClient, FakeInformer, FakeRecorder, err } from '../nodelifecycle/testing.js';
import { ServiceLBController, type ServiceObj } from './controller.js';
import { EXCLUDE_FROM_LB_LABEL, type NodeObj } from './nodes.js';
import { AddressPool } from './pool.js';

const queues: WorkQueue<string>[] = [];
afterEach(() => {
  while (queues.length) queues.pop()!.shutDown();
});

interface NodeOpts {
  ready?: boolean;
  internal?: string;
  external?: string;
  unschedulable?: boolean;
  labels?: Record<string, string>;
  heartbeat?: string;
}

const node = (name: string, o: NodeOpts = {}): NodeObj => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, ...(o.labels ? { labels: o.labels } : {}) },
  spec: o.unschedulable ? { unschedulable: true } : {},
  status: {
    conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastHeartbeatTime: o.heartbeat ?? '2024-01-01T00:00:00Z' }],
    addresses: [
      ...(o.internal ? [{ type: 'InternalIP', address: o.internal }] : []),
      ...(o.external ? [{ type: 'ExternalIP', address: o.external }] : []),
      { type: 'Hostname', address: name },
    ],
  },
});

interface SvcOpts {
  type?: string;
  class?: string;
  loadBalancerIP?: string;
  ingress?: Array<Record<string, unknown>>;
  created?: string;
  families?: string[];
}

const svc = (name: string, o: SvcOpts = {}): ServiceObj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', creationTimestamp: o.created ?? '2024-01-01T00:00:00Z' },
  spec: {
    type: (o.type ?? 'LoadBalancer') as never,
    ports: [{ port: 80 }],
    ipFamilies: o.families ?? ['IPv4'],
    ...(o.class ? { loadBalancerClass: o.class } : {}),
    ...(o.loadBalancerIP ? { loadBalancerIP: o.loadBalancerIP } : {}),
  },
  status: o.ingress ? { loadBalancer: { ingress: o.ingress as never } } : {},
});

/** A client whose status writes land after a macrotask (`delayed`), or are never seen by the cache (`unseen`). */
class SlowClient extends FakeClient {
  delayed = false;
  unseen = false;
  override async updateStatus<T extends KubeObject>(res: Parameters<FakeClient['updateStatus']>[0], obj: T): Promise<T> {
    if (this.delayed) await new Promise((r) => setTimeout(r, 5));
    if (this.unseen) {
      this.calls.push({ verb: 'updateStatus', resource: res.resource, namespace: obj.metadata?.namespace, name: obj.metadata!.name!, body: obj });
      return obj;
    }
    return super.updateStatus(res, obj);
  }
}

function setup(o: { pool?: string; services?: FakeInformer<ServiceObj>; nodes?: FakeInformer<NodeObj> } = {}) {
  const services = o.services ?? new FakeInformer<ServiceObj>();
  const nodes = o.nodes ?? new FakeInformer<NodeObj>();
  const client = new SlowClient({ services, nodes } as unknown as Record<string, FakeInformer<KubeObject>>);
  const recorder = new FakeRecorder();
  const queue = new WorkQueue<string>('t');
  queues.push(queue);
  const c = new ServiceLBController({
    client: client as never,
    services,
    nodes,
    queue,
    pool: o.pool ? AddressPool.parse(o.pool) : undefined,
    recorder: recorder as never,
    log: silentLogger,
  });
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
  /** Syncs until quiet (a status write lands in the fake store and queues the key again, as a watch would). */
  const syncAll = async () => {
    for (let round = 0; queue.len() > 0; round++) {
      assert.ok(round < 20, 'controller does not settle');
      for (const k of await drain()) await c.sync(k);
    }
  };
  const ingress = (name: string) => (services.lister.get('default', name)?.status?.loadBalancer?.ingress ?? []).map((i) => i.ip);
  const writes = () => client.verbs('updateStatus', 'services');
  return { services, nodes, client, recorder, queue, c, drain, syncAll, ingress, writes };
}

describe('servicelb controller (node addresses)', () => {
  it('publishes the InternalIP of every Ready, schedulable, not excluded node, sorted, with ipMode VIP', async () => {
    const s = setup();
    s.nodes.put(node('a', { internal: '10.0.0.2' }));
    s.nodes.put(node('b', { internal: '10.0.0.1' }));
    s.nodes.put(node('c', { internal: '10.0.0.3', ready: false }));
    s.nodes.put(node('d', { internal: '10.0.0.4', unschedulable: true }));
    s.nodes.put(node('e', { internal: '10.0.0.5', labels: { [EXCLUDE_FROM_LB_LABEL]: '' } }));
    s.services.put(svc('web'));
    s.services.put(svc('plain', { type: 'ClusterIP' }));
    await s.syncAll();
    assert.deepEqual(s.services.lister.get('default', 'web')!.status!.loadBalancer!.ingress, [
      { ip: '10.0.0.1', ipMode: 'VIP' },
      { ip: '10.0.0.2', ipMode: 'VIP' },
    ]);
    assert.deepEqual(s.ingress('plain'), []);
    assert.deepEqual(s.writes().map((w) => w.name), ['web'], 'one status write, for the LoadBalancer only');
    assert.deepEqual(s.recorder.events, [
      { name: 'web', type: 'Normal', reason: 'EnsuringLoadBalancer', message: 'Ensuring load balancer' },
      { name: 'web', type: 'Normal', reason: 'EnsuredLoadBalancer', message: 'Ensured load balancer' },
    ]);
    await s.c.sync('default/web');
    assert.equal(s.writes().length, 1, 'nothing is written when the status is already right');
  });

  it('prefers ExternalIPs when any qualifying node has one, and keeps to the service IP families', async () => {
    const s = setup();
    s.nodes.put(node('a', { internal: '10.0.0.1', external: '192.0.2.1' }));
    s.nodes.put(node('b', { internal: '10.0.0.2' }));
    s.nodes.put(node('v6', { internal: 'fd00::2' }));
    s.services.put(svc('web'));
    s.services.put(svc('six', { families: ['IPv6'] }));
    await s.syncAll();
    assert.deepEqual(s.ingress('web'), ['192.0.2.1']);
    assert.deepEqual(s.ingress('six'), [], 'the external address is IPv4 only');
    s.nodes.remove('a');
    await s.syncAll();
    assert.deepEqual(s.ingress('web'), ['10.0.0.2']);
    assert.deepEqual(s.ingress('six'), ['fd00::2']);
  });

  it('stays pending without qualifying nodes and follows Ready flips, new nodes and address changes', async () => {
    const s = setup();
    s.services.put(svc('web'));
    await s.syncAll();
    assert.deepEqual(s.ingress('web'), []);
    assert.equal(s.writes().length, 0, 'pending needs no write');
    assert.deepEqual(s.recorder.events, []);

    s.nodes.put(node('a', { internal: '10.0.0.1', ready: false }));
    assert.deepEqual(await s.drain(), ['default/web'], 'a new node queues every LoadBalancer service');
    await s.c.sync('default/web');
    assert.deepEqual(s.ingress('web'), []);

    s.nodes.put(node('a', { internal: '10.0.0.1' }));
    await s.syncAll();
    assert.deepEqual(s.ingress('web'), ['10.0.0.1'], 'Ready flip');

    s.nodes.put(node('a', { internal: '10.0.0.1', heartbeat: '2024-01-01T00:01:00Z' }));
    assert.deepEqual(await s.drain(), [], 'a heartbeat alone re-syncs nothing');

    s.nodes.put(node('a', { internal: '10.0.0.9' }));
    s.nodes.put(node('b', { internal: '10.0.0.8' }));
    await s.syncAll();
    assert.deepEqual(s.ingress('web'), ['10.0.0.8', '10.0.0.9'], 'address change and a new node');

    s.nodes.put(node('a', { internal: '10.0.0.9', ready: false }));
    s.nodes.put(node('b', { internal: '10.0.0.8', labels: { [EXCLUDE_FROM_LB_LABEL]: 'true' } }));
    await s.syncAll();
    assert.deepEqual(s.ingress('web'), [], 'no qualifying node: back to pending');
    assert.ok(s.recorder.reasons().includes('UnAvailableLoadBalancer'));
  });

  it('skips services with a loadBalancerClass and clears what it set when the type changes', async () => {
    const s = setup();
    s.nodes.put(node('a', { internal: '10.0.0.1' }));
    s.services.put(svc('classy', { class: 'example.com/lb' }));
    s.services.put(svc('foreign', { class: 'example.com/lb', ingress: [{ hostname: 'lb.example.com' }] }));
    s.services.put(svc('web'));
    await s.syncAll();
    assert.deepEqual(s.ingress('classy'), []);
    assert.deepEqual(s.services.lister.get('default', 'foreign')!.status!.loadBalancer!.ingress, [{ hostname: 'lb.example.com' }], "another class's ingress is left alone");
    assert.deepEqual(s.ingress('web'), ['10.0.0.1']);

    // The API server keeps the status here (the fake does not clear it as the real one does).
    const web = s.services.lister.get('default', 'web')!;
    s.services.put({ ...web, spec: { ...web.spec, type: 'NodePort' } });
    await s.syncAll();
    assert.deepEqual(s.ingress('web'), []);
    assert.deepEqual(s.recorder.reasons().slice(-2), ['DeletingLoadBalancer', 'DeletedLoadBalancer']);

    // An LB that gets a class while showing our addresses is cleared too.
    s.services.put(svc('moved', { class: 'example.com/lb', ingress: [{ ip: '10.0.0.1', ipMode: 'VIP' }] }));
    await s.syncAll();
    assert.deepEqual(s.ingress('moved'), []);
    assert.deepEqual(s.ingress('foreign'), [undefined]);
  });

  it('answers a Conflict from a stale cache by throwing (the queue retries) and succeeds afterwards', async () => {
    const s = setup();
    s.nodes.put(node('a', { internal: '10.0.0.1' }));
    s.services.put(svc('web'));
    await s.drain();
    s.client.failNext.set('updateStatus services', err(409, 'Conflict'));
    await assert.rejects(s.c.sync('default/web'), /Conflict/);
    assert.deepEqual(s.ingress('web'), []);
    await s.c.sync('default/web');
    assert.deepEqual(s.ingress('web'), ['10.0.0.1']);
  });
});

describe('servicelb controller (address pool)', () => {
  const POOL = '10.250.0.10-10.250.0.12';

  it('gives every service its own pool address; a fourth stays pending with AllocationFailed', async () => {
    const s = setup({ pool: POOL });
    s.nodes.put(node('a', { internal: '10.0.0.1' }));
    for (const n of ['s1', 's2', 's3']) s.services.put(svc(n));
    await s.syncAll();
    const got = ['s1', 's2', 's3'].map((n) => s.ingress(n));
    assert.deepEqual(got, [['10.250.0.10'], ['10.250.0.11'], ['10.250.0.12']]);
    assert.deepEqual(s.services.lister.get('default', 's1')!.status!.loadBalancer!.ingress, [{ ip: '10.250.0.10', ipMode: 'VIP' }]);

    s.services.put(svc('s4'));
    await s.syncAll();
    assert.deepEqual(s.ingress('s4'), []);
    assert.deepEqual(s.recorder.events.at(-1), { name: 's4', type: 'Warning', reason: 'AllocationFailed', message: 'Failed to allocate IP for "default/s4": no available IPs' });

    s.services.remove('default/s2');
    assert.ok((await s.drain()).includes('default/s2'));
    await s.c.sync('default/s2');
    assert.deepEqual(await s.drain(), ['default/s4'], 'a waiting service is queued again when an address is given back');
    await s.c.sync('default/s4');
    assert.deepEqual(s.ingress('s4'), ['10.250.0.11']);
  });

  it('never hands one address to two services when status writes are in flight', async () => {
    const s = setup({ pool: '10.250.0.10-10.250.0.20' });
    s.client.delayed = true;
    const names = Array.from({ length: 8 }, (_, i) => `c${i}`);
    for (const n of names) s.services.put(svc(n));
    const keys = await s.drain();
    await Promise.all(keys.map((k) => s.c.sync(k)));
    const ips = names.map((n) => s.ingress(n)[0]);
    assert.equal(new Set(ips).size, 8, `distinct: ${ips.join(' ')}`);
    await Promise.all(keys.map((k) => s.c.sync(k)));
    assert.deepEqual(names.map((n) => s.ingress(n)[0]), ips, 'settled: nothing moves');
  });

  it('re-sends the reserved address while its cache has not seen the write, and keeps it from others', async () => {
    const s = setup({ pool: POOL });
    s.client.unseen = true;
    s.services.put(svc('a'));
    await s.drain();
    await s.c.sync('default/a');
    s.services.put(svc('b'));
    await s.drain();
    await s.c.sync('default/b');
    await s.c.sync('default/a');
    const sent = s.writes().map((w) => [w.name, (w.body as ServiceObj).status?.loadBalancer?.ingress?.[0]?.ip]);
    assert.deepEqual(sent, [['a', '10.250.0.10'], ['b', '10.250.0.11'], ['a', '10.250.0.10']]);
  });

  it('keeps the addresses services show across a restart, whatever the sync order', async () => {
    const first = setup({ pool: POOL });
    first.services.put(svc('a'));
    first.services.put(svc('b'));
    await first.syncAll();
    assert.deepEqual([first.ingress('a'), first.ingress('b')], [['10.250.0.10'], ['10.250.0.11']]);

    // A new controller over the same objects; a new service arrives before the old ones sync.
    const s = setup({ pool: POOL, services: first.services, nodes: first.nodes });
    first.queue.shutDown();
    s.services.put(svc('c'));
    const keys = (await s.drain()).sort().reverse();
    assert.deepEqual(keys, ['default/c', 'default/b', 'default/a']);
    for (const k of keys) await s.c.sync(k);
    await s.syncAll();
    assert.deepEqual([s.ingress('a'), s.ingress('b'), s.ingress('c')], [['10.250.0.10'], ['10.250.0.11'], ['10.250.0.12']]);
    assert.deepEqual(s.writes().map((w) => w.name), ['c'], 'only the new service is written');
  });

  it('honours spec.loadBalancerIP when it is in the pool and free, otherwise allocates', async () => {
    const s = setup({ pool: POOL });
    s.services.put(svc('want12', { loadBalancerIP: '10.250.0.12' }));
    await s.syncAll();
    assert.deepEqual(s.ingress('want12'), ['10.250.0.12']);
    s.services.put(svc('outside', { loadBalancerIP: '192.0.2.7' }));
    s.services.put(svc('taken', { loadBalancerIP: '10.250.0.12' }));
    await s.syncAll();
    assert.deepEqual(s.ingress('outside'), ['10.250.0.10']);
    assert.deepEqual(s.ingress('taken'), ['10.250.0.11']);
    assert.deepEqual(s.ingress('want12'), ['10.250.0.12']);
  });

  it('moves a service to a newly requested free loadBalancerIP and frees the old one', async () => {
    const s = setup({ pool: POOL });
    s.services.put(svc('a'));
    await s.syncAll();
    assert.deepEqual(s.ingress('a'), ['10.250.0.10']);
    const a = s.services.lister.get('default', 'a')!;
    s.services.put({ ...a, spec: { ...a.spec, loadBalancerIP: '10.250.0.11' } });
    await s.syncAll();
    assert.deepEqual(s.ingress('a'), ['10.250.0.11']);
    s.services.put(svc('b'));
    await s.syncAll();
    assert.deepEqual(s.ingress('b'), ['10.250.0.10']);
  });

  it('clears and frees the address of a service whose type changes or that gets a class', async () => {
    const s = setup({ pool: '10.250.0.10-10.250.0.11' });
    s.services.put(svc('a'));
    s.services.put(svc('b'));
    s.services.put(svc('waiting'));
    await s.syncAll();
    assert.deepEqual([s.ingress('a'), s.ingress('b'), s.ingress('waiting')], [['10.250.0.10'], ['10.250.0.11'], []]);

    const a = s.services.lister.get('default', 'a')!;
    s.services.put({ ...a, spec: { ...a.spec, type: 'ClusterIP' } });
    await s.syncAll();
    assert.deepEqual(s.ingress('a'), []);
    assert.deepEqual(s.ingress('waiting'), ['10.250.0.10'], 'the freed address goes to the waiting service');

    const b = s.services.lister.get('default', 'b')!;
    s.services.put({ ...b, spec: { ...b.spec, loadBalancerClass: 'example.com/lb' } });
    await s.syncAll();
    assert.deepEqual(s.ingress('b'), []);
    s.services.put(svc('later'));
    await s.syncAll();
    assert.deepEqual(s.ingress('later'), ['10.250.0.11']);
  });

  it('of two services showing one address the older keeps it and the other is moved', async () => {
    const services = new FakeInformer<ServiceObj>();
    services.put(svc('young', { created: '2024-02-01T00:00:00Z', ingress: [{ ip: '10.250.0.10', ipMode: 'VIP' }] }));
    services.put(svc('old', { created: '2024-01-01T00:00:00Z', ingress: [{ ip: '10.250.0.10', ipMode: 'VIP' }] }));
    const s = setup({ pool: POOL, services });
    await s.syncAll();
    assert.deepEqual([s.ingress('old'), s.ingress('young')], [['10.250.0.10'], ['10.250.0.11']]);
  });

  it('fails allocation for an IPv6-only service', async () => {
    const s = setup({ pool: POOL });
    s.services.put(svc('six', { families: ['IPv6'] }));
    await s.syncAll();
    assert.deepEqual(s.ingress('six'), []);
    assert.deepEqual(s.recorder.reasons(), ['AllocationFailed']);
  });
});
