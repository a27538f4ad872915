import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PODS, REPLICASETS } from '../resources.js';
import { REPLICASET_KIND } from './kind.js';
import { apiError, FakeApi, harness as makeHarness, rs, settle, type Harness, type Obj } from './testing.js';

const stops: Array<() => void> = [];
afterEach(() => {
  while (stops.length) stops.pop()!();
});

async function harness(...args: Parameters<typeof makeHarness>): Promise<Harness> {
  const h = await makeHarness(...args);
  stops.push(h.stop);
  return h;
}

function orphan(name: string, labels: Record<string, string>): Obj {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
}

const creates = (api: FakeApi) => api.calls.filter((c) => c.startsWith('create pods')).length;
const deletes = (api: FakeApi) => api.calls.filter((c) => c.startsWith('delete pods')).length;

describe('ReplicaSet engine', () => {
  it('creates the missing pods from the template, owned by the ReplicaSet, and reports them in status', async () => {
    const h = await harness(REPLICASET_KIND, { seed: (api) => api.seed(REPLICASETS, rs('web', 3)) });
    await h.c.sync('default/web');
    await settle();
    const pods = h.pods();
    assert.equal(pods.length, 3);
    const owner = h.owner();
    for (const p of pods) {
      assert.equal(p.metadata?.generateName, 'web-');
      assert.match(p.metadata!.name!, /^web-/);
      assert.deepEqual(p.metadata?.labels, { app: 'web' });
      assert.deepEqual(p.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: owner.metadata!.uid, controller: true, blockOwnerDeletion: true }]);
    }
    assert.deepEqual(
      h.api.events.map((e) => [e.type, e.reason, e.name]),
      pods.map(() => ['Normal', 'SuccessfulCreate', 'web']),
    );
    assert.deepEqual(new Set(h.api.events.map((e) => e.message)), new Set(pods.map((p) => `Created pod: ${p.metadata!.name}`)));
    assert.ok(h.c.expectations.satisfied('default/web'), 'creations observed by the informer');
    assert.deepEqual(h.owner().status, { replicas: 0, observedGeneration: 1 }, 'status counts the pods the sync started with');
    await h.c.sync('default/web');
    assert.deepEqual(h.owner().status, { replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
    for (const p of pods) h.runPod(p.metadata!.name!);
    await settle();
    await h.c.sync('default/web');
    assert.deepEqual(h.owner().status, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
  });

  it('does not create twice while its cache has not seen its creates (expectations)', async () => {
    const h = await harness(REPLICASET_KIND, { seed: (api) => api.seed(REPLICASETS, rs('web', 4)) });
    h.api.hold = true;
    await h.c.sync('default/web');
    await h.c.sync('default/web');
    await h.c.sync('default/web');
    assert.equal(creates(h.api), 4);
    assert.equal(h.c.expectations.satisfied('default/web'), false);
    h.api.release();
    await settle();
    assert.ok(h.c.expectations.satisfied('default/web'));
    await h.c.sync('default/web');
    assert.equal(creates(h.api), 4);
  });

  it('creates in slow-start batches 1, 2, 4, … and caps a sync at burstReplicas', async () => {
    const h = await harness(REPLICASET_KIND, { burst: 20, seed: (api) => api.seed(REPLICASETS, rs('web', 50)) });
    let inFlight = 0;
    let peak = 0;
    const batches: number[] = [];
    const create = h.api.client.create;
    h.api.client.create = (async (...args: Parameters<typeof create>) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      batches.push(inFlight);
      inFlight--;
      return create(...args);
    }) as typeof create;
    await h.c.sync('default/web');
    assert.equal(creates(h.api), 20);
    assert.equal(peak, 8, 'batches 1, 2, 4, 8, then the 5 left');
    await settle();
    await h.c.sync('default/web');
    assert.equal(creates(h.api), 40);
  });

  it('stops on the first failed batch, reports FailedCreate and ReplicaFailure, and clears it after success', async () => {
    const h = await harness(REPLICASET_KIND, { seed: (api) => api.seed(REPLICASETS, rs('web', 10)) });
    let n = 0;
    h.api.failCreate = () => (++n >= 2 ? apiError(403, 'Forbidden', 'pods "web-x" is forbidden: exceeded quota: q') : undefined);
    await assert.rejects(h.c.sync('default/web'), /exceeded quota/);
    assert.equal(h.api.calls.filter((c) => c.startsWith('create pods')).length, 3, 'batch 1 succeeded, batch 2 failed, no batch 3');
    assert.equal(h.pods().length, 1);
    const warn = h.api.events.filter((e) => e.type === 'Warning');
    assert.deepEqual(warn.map((e) => [e.reason, e.message]), [
      ['FailedCreate', 'Error creating: pods "web-x" is forbidden: exceeded quota: q'],
      ['FailedCreate', 'Error creating: pods "web-x" is forbidden: exceeded quota: q'],
    ]);
    const cond = h.owner().status.conditions;
    assert.equal(cond.length, 1);
    assert.equal(cond[0].type, 'ReplicaFailure');
    assert.equal(cond[0].status, 'True');
    assert.equal(cond[0].reason, 'FailedCreate');
    assert.equal(cond[0].message, 'pods "web-x" is forbidden: exceeded quota: q');
    await settle();
    assert.ok(h.c.expectations.satisfied('default/web'), 'skipped creations lowered the expectations');
    h.api.failCreate = undefined;
    await h.c.sync('default/web');
    await settle();
    await h.c.sync('default/web');
    assert.equal(h.pods().length, 10);
    assert.equal(h.owner().status.conditions, undefined);
  });

  it('deletes the surplus: unscheduled, then not ready, then newest first', async () => {
    const h = await harness(REPLICASET_KIND, { seed: (api) => api.seed(REPLICASETS, rs('web', 5)) });
    await h.c.sync('default/web');
    await settle();
    const names = h.pods().map((p) => p.metadata!.name!);
    h.runPod(names[0]!, { readyAgoMs: 120_000 });
    h.runPod(names[1]!, { readyAgoMs: 60_000 });
    h.runPod(names[2]!, { ready: false });
    h.runPod(names[3]!, { readyAgoMs: 300_000 });
    // names[4] stays unscheduled
    h.api.mutate(REPLICASETS, 'default', 'web', (o: Obj) => {
      o.spec.replicas = 2;
      o.metadata!.generation = 2;
    });
    await settle();
    h.api.events.length = 0;
    await h.c.sync('default/web');
    await settle();
    assert.equal(deletes(h.api), 3);
    assert.deepEqual(new Set(h.pods().map((p) => p.metadata!.name)), new Set([names[0], names[3]]), 'the two ready the longest stay');
    assert.deepEqual(h.api.events.map((e) => e.reason), ['SuccessfulDelete', 'SuccessfulDelete', 'SuccessfulDelete']);
    assert.ok(h.api.events.every((e) => /^Deleted pod: web-/.test(e.message)));
    assert.ok(h.c.expectations.satisfied('default/web'));
    await h.c.sync('default/web');
    assert.equal(h.owner().status.replicas, 2);
    assert.equal(h.owner().status.observedGeneration, 2);
  });

  it('counts a graceful deletion (deletionTimestamp) as observed and replaces terminating and terminal pods', async () => {
    const h = await harness(REPLICASET_KIND, { seed: (api) => api.seed(REPLICASETS, rs('web', 3)) });
    h.api.graceful = true;
    await h.c.sync('default/web');
    await settle();
    const [a, b] = h.pods().map((p) => p.metadata!.name!);
    h.runPod(a!, { phase: 'Failed', ready: false });
    await h.api.client.delete(PODS, 'default', b!);
    await settle();
    await h.c.sync('default/web');
    await settle();
    assert.equal(creates(h.api), 5, 'two replacements');
    await h.c.sync('default/web');
    assert.equal(h.pods().filter((p) => p.status?.phase !== 'Failed' && !p.metadata?.deletionTimestamp).length, 3);
    assert.equal(h.owner().status.replicas, 3);
  });

  it('expects deletions by pod key: a terminating pod then its DELETED event count once', async () => {
    const h = await harness(REPLICASET_KIND, { seed: (api) => api.seed(REPLICASETS, rs('web', 3)) });
    await h.c.sync('default/web');
    await settle();
    h.api.mutate(REPLICASETS, 'default', 'web', (o: Obj) => (o.spec.replicas = 1));
    h.api.graceful = true;
    await settle();
    h.api.hold = true;
    await h.c.sync('default/web');
    assert.equal(deletes(h.api), 2);
    assert.equal(h.c.expectations.satisfied('default/web'), false);
    h.api.release();
    await settle();
    assert.ok(h.c.expectations.satisfied('default/web'));
    await h.c.sync('default/web');
    assert.equal(deletes(h.api), 2, 'terminating pods are not deleted again');
  });

  it('adopts matching orphans, releases owned pods whose labels no longer match, and replaces them', async () => {
    const h = await harness(REPLICASET_KIND, {
      seed: (api) => {
        api.seed(REPLICASETS, rs('web', 2));
        api.seed(PODS, orphan('stray', { app: 'web' }));
        api.seed(PODS, orphan('other', { app: 'db' }));
      },
    });
    await h.c.sync('default/web');
    await settle();
    const uid = h.owner().metadata!.uid;
    const stray = h.api.objects(PODS).get('default/stray')!;
    assert.equal(stray.metadata?.ownerReferences?.[0]?.uid, uid, 'orphan adopted');
    assert.equal(h.api.objects(PODS).get('default/other')!.metadata?.ownerReferences, undefined);
    assert.ok(h.api.calls.includes('get replicasets web'), 'a fresh GET precedes adoption');
    assert.equal(creates(h.api), 1);
    h.api.mutate(PODS, 'default', 'stray', (p) => (p.metadata!.labels = { app: 'other' }));
    await settle();
    await h.c.sync('default/web');
    await settle();
    assert.equal(h.api.objects(PODS).get('default/stray')!.metadata?.ownerReferences, undefined, 'released');
    assert.equal(creates(h.api), 2, 'replacement created');
    assert.equal(h.pods().filter((p) => p.metadata?.ownerReferences?.[0]?.uid === uid).length, 2);
  });

  it('does not adopt while the ReplicaSet is being deleted, nor create or delete', async () => {
    const h = await harness(REPLICASET_KIND, {
      seed: (api) => {
        api.seed(REPLICASETS, { ...rs('web', 3), metadata: { name: 'web', namespace: 'default', deletionTimestamp: new Date().toISOString(), finalizers: ['foregroundDeletion'] } });
        api.seed(PODS, orphan('stray', { app: 'web' }));
      },
    });
    await h.c.sync('default/web');
    await settle();
    assert.equal(h.api.objects(PODS).get('default/stray')!.metadata?.ownerReferences, undefined);
    assert.equal(creates(h.api), 0);
  });

  it('does not adopt when a fresh GET shows the ReplicaSet being deleted', async () => {
    const h = await harness(REPLICASET_KIND, {
      seed: (api) => {
        api.seed(REPLICASETS, rs('web', 1));
        api.seed(PODS, orphan('stray', { app: 'web' }));
      },
    });
    h.api.hold = true; // the cache misses the deletion
    h.api.mutate(REPLICASETS, 'default', 'web', (o) => (o.metadata!.deletionTimestamp = new Date().toISOString()));
    await assert.rejects(h.c.sync('default/web'), /has just been deleted/);
    assert.equal(h.api.objects(PODS).get('default/stray')!.metadata?.ownerReferences, undefined);
    assert.equal(creates(h.api), 0);
  });

  it('enqueues owners from pod events: controller, matching owners of orphans, old and new owner on relabel', async () => {
    const h = await harness(REPLICASET_KIND, {
      seed: (api) => {
        api.seed(REPLICASETS, rs('web', 1));
        api.seed(REPLICASETS, rs('db', 0, { app: 'db' }));
      },
    });
    await h.c.sync('default/web');
    await h.c.sync('default/db');
    await settle();
    const drain = async () => {
      const keys: string[] = [];
      while (h.queue.len() > 0) {
        const k = (await h.queue.get())!;
        keys.push(k);
        h.queue.done(k);
      }
      return keys.sort();
    };
    await drain();
    h.api.seed(PODS, orphan('o1', { app: 'db' }));
    await settle();
    assert.deepEqual(await drain(), ['default/db']);
    const owned = h.pods().find((p) => p.metadata?.ownerReferences)!;
    h.api.mutate(PODS, 'default', owned.metadata!.name!, (p) => (p.metadata!.labels = { app: 'db' }));
    await settle();
    assert.deepEqual(await drain(), ['default/web']);
    await h.c.sync('default/web'); // releases it
    await settle();
    assert.deepEqual(await drain(), ['default/db', 'default/web'], 'release wakes the old owner and the matching one');
  });

  it('writes status only when it changed, retrying a conflict with a fresh GET', async () => {
    const h = await harness(REPLICASET_KIND, { seed: (api) => api.seed(REPLICASETS, rs('web', 1)) });
    await h.c.sync('default/web');
    await settle();
    await h.c.sync('default/web');
    const writes = () => h.api.calls.filter((c) => c.startsWith('updateStatus')).length;
    const before = writes();
    await h.c.sync('default/web');
    await h.c.sync('default/web');
    assert.equal(writes(), before, 'no write without a change');
    const pod = h.pods()[0]!;
    // A write the cache has not seen: the cached resourceVersion is stale.
    h.api.objects(REPLICASETS).get('default/web')!.metadata!.labels = { touched: 'twice' };
    h.api.objects(REPLICASETS).get('default/web')!.metadata!.resourceVersion = '99999';
    h.runPod(pod.metadata!.name!);
    await settle();
    await h.c.sync('default/web');
    assert.equal(writes(), before + 2, 'a conflict, then a retry');
    assert.ok(h.api.calls.includes('get replicasets web'));
    assert.equal(h.owner().status.readyReplicas, 1);
    assert.equal(h.owner().metadata?.labels?.touched, 'twice', 'spec/metadata untouched by the status write');
  });

  it('requeues for the remaining minReadySeconds and then counts the pod available', async () => {
    const h = await harness(REPLICASET_KIND, { seed: (api) => api.seed(REPLICASETS, rs('web', 1, { app: 'web' }, { minReadySeconds: 10 })) });
    await h.c.sync('default/web');
    await settle();
    h.runPod(h.pods()[0]!.metadata!.name!, { readyAgoMs: 4_000 });
    await settle();
    h.queue.afters.length = 0;
    await h.c.sync('default/web');
    assert.equal(h.owner().status.readyReplicas, 1);
    assert.equal(h.owner().status.availableReplicas, undefined);
    const after = h.queue.afters.find(([k]) => k === 'default/web');
    assert.ok(after && after[1] > 5_000 && after[1] <= 6_200, `requeued after ${after?.[1]} ms`);
    h.clock.now += 6_200;
    await h.c.sync('default/web');
    assert.equal(h.owner().status.availableReplicas, 1);
  });

  it('keeps existing pods when the template changes', async () => {
    const h = await harness(REPLICASET_KIND, { seed: (api) => api.seed(REPLICASETS, rs('web', 2)) });
    await h.c.sync('default/web');
    await settle();
    const before = h.pods().map((p) => p.metadata!.uid).sort();
    h.api.mutate(REPLICASETS, 'default', 'web', (o: Obj) => (o.spec.template.spec.containers[0].image = 'nginx:2'));
    await settle();
    await h.c.sync('default/web');
    assert.deepEqual(h.pods().map((p) => p.metadata!.uid).sort(), before);
    assert.equal(deletes(h.api), 0);
  });

  it('forgets expectations when the ReplicaSet is deleted', async () => {
    const h = await harness(REPLICASET_KIND, { seed: (api) => api.seed(REPLICASETS, rs('web', 2)) });
    h.api.hold = true;
    await h.c.sync('default/web');
    assert.equal(h.c.expectations.satisfied('default/web'), false);
    h.api.release();
    h.api.remove(REPLICASETS, 'default/web');
    await settle();
    await h.c.sync('default/web');
    assert.ok(h.c.expectations.satisfied('default/web'));
  });
});
