/**
 * The controller's sync against an in-memory API (a fake client writing straight into the informer
 * caches) and a simulated ReplicaSet controller: pods appear at once and become available one tick
 * later. Rolling steps, Recreate, proportional scaling, pause, rollback, cleanup, deadlines,
 * collisions and adoption.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { SharedInformer } from '../../client/informer.js';
import { ApiStatusError, type ResourceRef } from '../../client/rest.js';
import { WorkQueue } from '../../client/workqueue.js';
import { silentLogger } from '../../util/logger.js';
import type { PodObj } from '../common/podutil.js';
import { DEPLOYMENTS, PODS, REPLICASETS } from '../resources.js';
import { DeploymentController } from './controller.js';
import type { DeploymentClient } from './deps.js';
import type { DeploymentObj, ReplicaSetObj } from './types.js';
import { CHANGE_CAUSE, DEPRECATED_ROLLBACK_TO, DESIRED_REPLICAS, MAX_REPLICAS, REVISION, REVISION_HISTORY } from './annotations.js';
import { computeHash } from './hash.js';

type Obj = KubeObject & { spec?: any; status?: any };

const fail = (code: number, reason: string, message: string) => new ApiStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason: reason as never, message });

class World {
  now = Date.parse('2026-01-01T00:00:00Z');
  private rv = 1;
  private uid = 0;
  events: string[] = [];
  statusWrites = 0;
  readonly deployments = informer<DeploymentObj>(DEPLOYMENTS);
  readonly replicaSets = informer<ReplicaSetObj>(REPLICASETS);
  readonly pods = informer<PodObj>(PODS);
  readonly queue = new WorkQueue<string>('test');
  readonly controller: DeploymentController;

  constructor() {
    this.controller = new DeploymentController({
      client: this.client,
      deployments: this.deployments,
      replicaSets: this.replicaSets,
      pods: this.pods,
      queue: this.queue,
      recorder: { event: (_o, type, reason, message) => void this.events.push(`${type} ${reason} ${message}`) },
      log: silentLogger,
      now: () => this.now,
    });
  }

  private store(res: ResourceRef): SharedInformer<Obj> {
    if (res.resource === 'deployments') return this.deployments as never;
    if (res.resource === 'replicasets') return this.replicaSets as never;
    return this.pods as never;
  }

  private get_(res: ResourceRef, ns: string | undefined, name: string): Obj {
    const o = this.store(res).indexer.get(`${ns}/${name}`);
    if (!o) throw fail(404, 'NotFound', `${res.resource} "${name}" not found`);
    return o;
  }

  private put(res: ResourceRef, o: Obj): Obj {
    o.metadata!.resourceVersion = String(++this.rv);
    this.store(res).indexer.set(`${o.metadata!.namespace}/${o.metadata!.name}`, o);
    return structuredClone(o);
  }

  readonly client: DeploymentClient = {
    get: async (res, ns, name) => structuredClone(this.get_(res, ns, name)) as never,
    create: async (res, ns, obj) => {
      const key = `${ns}/${obj.metadata!.name}`;
      if (this.store(res).indexer.get(key)) throw fail(409, 'AlreadyExists', `${res.resource} "${obj.metadata!.name}" already exists`);
      const o = structuredClone(obj) as Obj;
      Object.assign(o.metadata!, { namespace: ns, uid: `uid-${++this.uid}`, generation: 1, creationTimestamp: new Date(this.now + this.uid * 1000).toISOString().replace(/\.\d+Z$/, 'Z') });
      o.status = res.resource === 'replicasets' ? { replicas: 0 } : {};
      return this.put(res, o) as never;
    },
    update: async (res, obj) => {
      const cur = this.get_(res, obj.metadata!.namespace, obj.metadata!.name!);
      if (cur.metadata!.resourceVersion !== obj.metadata!.resourceVersion) throw fail(409, 'Conflict', 'the object has been modified');
      const o = structuredClone(obj) as Obj;
      o.status = structuredClone(cur.status);
      o.metadata!.generation = JSON.stringify(o.spec) === JSON.stringify(cur.spec) ? cur.metadata!.generation : cur.metadata!.generation! + 1;
      return this.put(res, o) as never;
    },
    // Like k8ts' generic status strategy: only the status is taken (the revision annotation needs the patch).
    updateStatus: async (res, obj) => {
      const cur = this.get_(res, obj.metadata!.namespace, obj.metadata!.name!);
      if (cur.metadata!.resourceVersion !== obj.metadata!.resourceVersion) throw fail(409, 'Conflict', 'the object has been modified');
      this.statusWrites++;
      // As the server's (and upstream's) Deployment status strategy: metadata from the request,
      // except labels; spec kept.
      const o = structuredClone(cur);
      o.status = structuredClone(obj.status);
      o.metadata = { ...structuredClone(obj.metadata!), labels: cur.metadata!.labels, uid: cur.metadata!.uid, generation: cur.metadata!.generation };
      return this.put(res, o) as never;
    },
    patch: async (res, ns, name, _type, body: any) => {
      const o = structuredClone(this.get_(res, ns, name));
      const m = body.metadata ?? {};
      if (m.uid && m.uid !== o.metadata!.uid) throw fail(409, 'Conflict', 'uid mismatch');
      if (m.annotations) o.metadata!.annotations = { ...(o.metadata!.annotations ?? {}), ...m.annotations };
      if (m.ownerReferences) {
        const refs = (o.metadata!.ownerReferences ?? []).filter((r) => !m.ownerReferences.some((x: any) => x.uid === r.uid));
        o.metadata!.ownerReferences = [...refs, ...m.ownerReferences.filter((x: any) => x.$patch !== 'delete')];
      }
      return this.put(res, o) as never;
    },
    delete: async (res, ns, name) => {
      const o = this.get_(res, ns, name);
      this.store(res).indexer.delete(`${ns}/${name}`);
      return o as never;
    },
  };

  async createDeployment(d: DeploymentObj): Promise<void> {
    await this.client.create(DEPLOYMENTS, 'ns', d);
  }

  d(name = 'web'): DeploymentObj {
    return this.deployments.indexer.get(`ns/${name}`)!;
  }

  async updateDeployment(fn: (d: DeploymentObj) => void, name = 'web'): Promise<void> {
    const d = structuredClone(this.d(name));
    fn(d);
    await this.client.update(DEPLOYMENTS, d);
  }

  rss(): ReplicaSetObj[] {
    return this.replicaSets.indexer.list().sort((a, b) => (a.metadata!.creationTimestamp! < b.metadata!.creationTimestamp! ? -1 : 1));
  }

  /** The simulated ReplicaSet controller: pods exist at once and are available a tick after they existed. */
  tick(opts: { available?: boolean } = {}): void {
    for (const rs of this.rss()) {
      const spec = rs.spec!.replicas ?? 1;
      const prev = rs.status?.replicas ?? 0;
      const avail = opts.available === false ? 0 : Math.min(prev, spec);
      const next = { replicas: spec, readyReplicas: avail, availableReplicas: avail, fullyLabeledReplicas: spec, observedGeneration: rs.metadata!.generation };
      const o = structuredClone(rs);
      o.status = next;
      (o.metadata as { resourceVersion?: string }).resourceVersion = String(++this.rv);
      this.replicaSets.indexer.set(`ns/${o.metadata!.name}`, o);
    }
  }

  async sync(name = 'web'): Promise<void> {
    await this.controller.sync(`ns/${name}`);
  }

  total = () => this.rss().reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
  available = () => this.rss().reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);

  /** Sync + tick until the Deployment is complete and stable; `check` runs after every tick. */
  async rollOut(check: () => void = () => {}, max = 40, name = 'web'): Promise<number> {
    for (let i = 0; i < max; i++) {
      await this.sync(name);
      this.tick();
      check();
      const d = this.d(name);
      const st = d.status ?? {};
      const want = d.spec!.replicas ?? 1;
      const progressing = st.conditions?.find((c) => c.type === 'Progressing');
      if (st.observedGeneration === d.metadata!.generation && st.updatedReplicas === want && st.replicas === want && st.availableReplicas === want && progressing?.reason === 'NewReplicaSetAvailable') return i;
    }
    throw new Error(`not rolled out after ${max} steps: ${JSON.stringify(this.d(name).status)} ${JSON.stringify(this.rss().map((r) => [r.metadata!.name, r.spec!.replicas, r.status]))}`);
  }
}

function informer<T extends KubeObject>(res: ResourceRef): SharedInformer<T> {
  return new SharedInformer<T>(undefined, res, { listerWatcher: { list: async () => ({ metadata: {}, items: [] }), watch: async function* () {} } });
}

function deployment(replicas = 4, image = 'nginx:1', extra: Record<string, any> = {}): DeploymentObj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'ns' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } },
      ...extra,
    },
  };
}

const setImage = (image: string) => (d: DeploymentObj) => {
  d.spec!.template!.spec!.containers[0]!.image = image;
};

describe('deployment sync: rolling update', () => {
  it('creates the first ReplicaSet at full size with hash name, labels and annotations', async () => {
    const w = new World();
    await w.createDeployment(deployment());
    await w.sync();
    const [rs] = w.rss();
    const hash = computeHash(w.d().spec!.template);
    assert.equal(rs!.metadata!.name, `web-${hash}`);
    assert.equal(rs!.spec!.replicas, 4);
    assert.deepEqual(rs!.spec!.selector, { matchLabels: { app: 'web', 'pod-template-hash': hash } });
    assert.deepEqual(rs!.metadata!.labels, { app: 'web', 'pod-template-hash': hash });
    assert.deepEqual(rs!.spec!.template!.metadata!.labels, { app: 'web', 'pod-template-hash': hash });
    assert.equal(rs!.metadata!.ownerReferences![0]!.uid, w.d().metadata!.uid);
    assert.equal(rs!.metadata!.ownerReferences![0]!.controller, true);
    assert.deepEqual(rs!.metadata!.annotations, { [REVISION]: '1', [DESIRED_REPLICAS]: '4', [MAX_REPLICAS]: '5' });
    assert.deepEqual(w.events, [`Normal ScalingReplicaSet Scaled up replica set web-${hash} from 0 to 4`]);
    const st = w.d().status!;
    assert.equal(w.d().metadata!.annotations![REVISION], '1');
    const prog = st.conditions!.find((c) => c.type === 'Progressing')!;
    assert.equal(prog.reason, 'NewReplicaSetCreated');
    assert.equal(prog.message, `Created new replica set "web-${hash}"`);
  });

  it('rolls v1 → v2 within maxSurge/maxUnavailable and ends complete (revision 2, change-cause copied)', async () => {
    const w = new World();
    await w.createDeployment(deployment());
    await w.rollOut();
    const v1 = w.rss()[0]!;
    const st = w.d().status!;
    assert.deepEqual([st.replicas, st.updatedReplicas, st.readyReplicas, st.availableReplicas, st.unavailableReplicas ?? 0, st.observedGeneration], [4, 4, 4, 4, 0, 1]);
    assert.deepEqual(
      st.conditions!.map((c) => [c.type, c.status, c.reason, c.message]),
      [
        ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
        ['Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${v1.metadata!.name}" has successfully progressed.`],
      ],
    );
    w.events = [];
    await w.updateDeployment((d) => {
      setImage('nginx:2')(d);
      d.metadata!.annotations = { ...d.metadata!.annotations, [CHANGE_CAUSE]: 'kubectl set image deployment/web c=nginx:2' };
    });
    let steps = 0;
    await w.rollOut(() => {
      steps++;
      assert.ok(w.total() <= 5, `total ${w.total()} > 5`);
      assert.ok(w.available() >= 3, `available ${w.available()} < 3`);
    });
    assert.ok(steps >= 4, `only ${steps} steps`);
    const [old, cur] = w.rss();
    assert.equal(old!.spec!.replicas, 0);
    assert.equal(cur!.spec!.replicas, 4);
    assert.equal(cur!.metadata!.annotations![REVISION], '2');
    assert.equal(cur!.metadata!.annotations![CHANGE_CAUSE], 'kubectl set image deployment/web c=nginx:2');
    assert.equal(old!.metadata!.annotations![REVISION], '1');
    assert.equal(w.d().metadata!.annotations![REVISION], '2');
    assert.equal(w.events[0], `Normal ScalingReplicaSet Scaled up replica set ${cur!.metadata!.name} from 0 to 1`);
    assert.ok(w.events.includes(`Normal ScalingReplicaSet Scaled down replica set ${old!.metadata!.name} from 4 to 3`), w.events.join('\n'));
    assert.ok(w.events.includes(`Normal ScalingReplicaSet Scaled down replica set ${old!.metadata!.name} from 1 to 0`), w.events.join('\n'));
    for (const e of w.events) assert.match(e, /^Normal ScalingReplicaSet Scaled (up|down) replica set web-\w+ from \d+ to \d+$/);
  });

  it('scales unhealthy old replicas down first', async () => {
    const w = new World();
    await w.createDeployment(deployment(4));
    await w.rollOut();
    // Two of the old pods stop being available.
    const old = structuredClone(w.rss()[0]!);
    old.status = { ...old.status!, availableReplicas: 2, readyReplicas: 2 };
    w.replicaSets.indexer.set(`ns/${old.metadata!.name}`, old);
    w.events = [];
    await w.updateDeployment(setImage('nginx:2'));
    // One sync: new RS 0 → 1 (surge); total 5, minAvailable 3, the new pod unavailable → at most 1 may go,
    // and only through the unhealthy cleanup (2 available old pods are not above minAvailable).
    await w.sync();
    const [o, n] = w.rss();
    assert.deepEqual(w.events, [
      `Normal ScalingReplicaSet Scaled up replica set ${n!.metadata!.name} from 0 to 1`,
      `Normal ScalingReplicaSet Scaled down replica set ${o!.metadata!.name} from 4 to 3`,
    ]);
  });

  it('scales proportionally when replicas change mid-rollout', async () => {
    const w = new World();
    await w.createDeployment(deployment(4));
    await w.rollOut();
    await w.updateDeployment(setImage('nginx:2'));
    await w.sync();
    w.tick();
    await w.sync();
    w.tick();
    const before = w.rss().map((r) => r.spec!.replicas!);
    assert.equal(before.reduce((a, b) => a + b), 4 + 1);
    assert.ok(before[0]! > 0 && before[1]! > 0, `mid-rollout ${before}`);
    await w.updateDeployment((d) => (d.spec!.replicas = 8));
    w.events = [];
    await w.sync();
    const after = w.rss().map((r) => r.spec!.replicas!);
    assert.equal(after.reduce((a, b) => a + b), 8 + 1, `after ${after}`);
    assert.ok(after[0]! > before[0]! && after[1]! > before[1]!, `both grow: ${before} → ${after}`);
    for (const rs of w.rss()) {
      assert.equal(rs.metadata!.annotations![DESIRED_REPLICAS], '8');
      assert.equal(rs.metadata!.annotations![MAX_REPLICAS], '9');
    }
    assert.equal(w.events.length, 2);
    for (const e of w.events) assert.match(e, /Scaled up replica set/);
    await w.rollOut(() => assert.ok(w.total() <= 9));
    assert.deepEqual(w.rss().map((r) => r.spec!.replicas), [0, 8]);
  });

  it('kubectl scale on a settled Deployment resizes the single ReplicaSet', async () => {
    const w = new World();
    await w.createDeployment(deployment(4));
    await w.rollOut();
    w.events = [];
    await w.updateDeployment((d) => (d.spec!.replicas = 2));
    await w.rollOut();
    const [rs] = w.rss();
    assert.equal(rs!.spec!.replicas, 2);
    assert.equal(rs!.metadata!.annotations![DESIRED_REPLICAS], '2');
    assert.deepEqual(w.events, [`Normal ScalingReplicaSet Scaled down replica set ${rs!.metadata!.name} from 4 to 2`]);
  });
});

describe('deployment sync: other paths', () => {
  it('Recreate scales old to 0, waits for old pods to be gone, then creates the new ReplicaSet at full size', async () => {
    const w = new World();
    await w.createDeployment(deployment(3, 'nginx:1', { strategy: { type: 'Recreate' } }));
    await w.rollOut();
    const old = w.rss()[0]!;
    // A terminating old pod is still there.
    w.pods.indexer.set('ns/p1', { metadata: { name: 'p1', namespace: 'ns', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: old.metadata!.name!, uid: old.metadata!.uid!, controller: true }], deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Running' } } as PodObj);
    await w.updateDeployment(setImage('nginx:2'));
    w.events = [];
    const both = () => w.rss().filter((r) => (r.status?.replicas ?? 0) > 0 || (r.spec!.replicas ?? 0) > 0).length <= 1;
    await w.sync();
    assert.deepEqual(w.events, [`Normal ScalingReplicaSet Scaled down replica set ${old.metadata!.name} from 3 to 0`]);
    assert.ok(both());
    w.tick();
    await w.sync();
    assert.equal(w.rss().length, 1, 'no new ReplicaSet while an old pod exists');
    w.pods.indexer.delete('ns/p1');
    await w.rollOut(() => assert.ok(both(), 'old and new at once'));
    const [, n] = w.rss();
    assert.equal(n!.spec!.replicas, 3);
    assert.equal(w.events[1], `Normal ScalingReplicaSet Scaled up replica set ${n!.metadata!.name} from 0 to 3`);
  });

  it('paused: no rollout, scaling still applies; resume continues', async () => {
    const w = new World();
    await w.createDeployment(deployment(2));
    await w.rollOut();
    await w.updateDeployment((d) => {
      d.spec!.paused = true;
      setImage('nginx:2')(d);
    });
    await w.sync();
    assert.equal(w.rss().length, 1);
    let prog = w.d().status!.conditions!.find((c) => c.type === 'Progressing')!;
    assert.deepEqual([prog.status, prog.reason, prog.message], ['Unknown', 'DeploymentPaused', 'Deployment is paused']);
    await w.updateDeployment((d) => (d.spec!.replicas = 3));
    await w.sync();
    assert.equal(w.rss()[0]!.spec!.replicas, 3);
    await w.updateDeployment((d) => (d.spec!.paused = false));
    await w.sync();
    prog = w.d().status!.conditions!.find((c) => c.type === 'Progressing')!;
    assert.ok(['DeploymentResumed', 'NewReplicaSetCreated'].includes(prog.reason!), prog.reason);
    assert.equal(w.rss().length, 2);
    await w.rollOut();
  });

  it('rollback annotation restores the old template; the old ReplicaSet becomes revision 3', async () => {
    const w = new World();
    await w.createDeployment(deployment(2));
    await w.rollOut();
    await w.updateDeployment(setImage('nginx:2'));
    await w.rollOut();
    await w.updateDeployment((d) => (d.metadata!.annotations = { ...d.metadata!.annotations, [DEPRECATED_ROLLBACK_TO]: '0' }));
    w.events = [];
    await w.sync();
    assert.equal(w.d().spec!.template.spec!.containers[0]!.image, 'nginx:1');
    assert.equal(w.d().metadata!.annotations![DEPRECATED_ROLLBACK_TO], undefined);
    assert.deepEqual(w.events, ['Normal DeploymentRollback Rolled back deployment "web" to revision 1']);
    await w.rollOut();
    const [first, second] = w.rss();
    assert.equal(first!.metadata!.annotations![REVISION], '3');
    assert.equal(first!.metadata!.annotations![REVISION_HISTORY], '1');
    assert.equal(first!.spec!.replicas, 2);
    assert.equal(second!.spec!.replicas, 0);
  });

  it('keeps at most revisionHistoryLimit old ReplicaSets', async () => {
    const w = new World();
    await w.createDeployment(deployment(1, 'nginx:1', { revisionHistoryLimit: 1 }));
    await w.rollOut();
    for (const img of ['nginx:2', 'nginx:3', 'nginx:4']) {
      await w.updateDeployment(setImage(img));
      await w.rollOut();
      await w.sync();
    }
    const images = w.rss().map((r) => r.spec!.template!.spec!.containers[0]!.image);
    assert.deepEqual(images, ['nginx:3', 'nginx:4']);
  });

  it('reports ProgressDeadlineExceeded when no progress is made in time', async () => {
    const w = new World();
    await w.createDeployment(deployment(2, 'nginx:1', { progressDeadlineSeconds: 10 }));
    await w.sync();
    w.tick({ available: false });
    await w.sync();
    w.now += 11_000;
    await w.sync();
    const prog = w.d().status!.conditions!.find((c) => c.type === 'Progressing')!;
    assert.deepEqual([prog.status, prog.reason, prog.message], ['False', 'ProgressDeadlineExceeded', `ReplicaSet "${w.rss()[0]!.metadata!.name}" has timed out progressing.`]);
    const avail = w.d().status!.conditions!.find((c) => c.type === 'Available')!;
    assert.deepEqual([avail.status, avail.reason], ['False', 'MinimumReplicasUnavailable']);
  });

  it('bumps collisionCount on a hash collision and uses the next name', async () => {
    const w = new World();
    const d = deployment(1);
    const hash = computeHash(d.spec!.template);
    await w.client.create(REPLICASETS, 'ns', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `web-${hash}`, labels: { other: 'x' } }, spec: { replicas: 0, selector: { matchLabels: { other: 'x' } }, template: { metadata: { labels: { other: 'x' } }, spec: { containers: [{ name: 'z', image: 'z' }] } } } } as ReplicaSetObj);
    await w.createDeployment(d);
    await assert.rejects(w.sync(), /already exists/);
    assert.equal(w.d().status!.collisionCount, 1);
    await w.sync();
    const mine = w.rss().find((r) => r.metadata!.ownerReferences?.length);
    assert.equal(mine!.metadata!.name, `web-${computeHash(d.spec!.template, 1)}`);
  });

  it('adopts a matching orphan ReplicaSet instead of creating one', async () => {
    const w = new World();
    const d = deployment(2);
    const hash = computeHash(d.spec!.template);
    const tmpl = structuredClone(d.spec!.template);
    tmpl.metadata!.labels!['pod-template-hash'] = hash;
    await w.client.create(REPLICASETS, 'ns', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `web-${hash}`, labels: tmpl.metadata!.labels }, spec: { replicas: 2, selector: { matchLabels: tmpl.metadata!.labels }, template: tmpl } } as ReplicaSetObj);
    await w.createDeployment(d);
    await w.rollOut();
    assert.equal(w.rss().length, 1);
    assert.equal(w.rss()[0]!.metadata!.ownerReferences![0]!.uid, w.d().metadata!.uid);
  });

  it('a deleted Deployment is a no-op', async () => {
    const w = new World();
    await w.sync('gone');
    assert.equal(w.statusWrites, 0);
  });
});
