import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from '../../client/workqueue.js';
import { silentLogger } from '../../util/logger.js';
import type { ControllerRevision } from '../common/history.js';
import type { PodObj } from '../common/podutil.js';
import { CONTROLLERREVISIONS, PODS, PVCS, STATEFULSETS } from '../resources.js';
import { FakeApi, runPod, settle } from '../daemonset/fakeapi.js';
import { StatefulSetController } from './controller.js';
import { getOrdinal, podRevision, type PvcObj, type StatefulSetObj } from './utils.js';

async function setup() {
  const api = new FakeApi();
  const ac = new AbortController();
  const informers = { sets: api.informer<StatefulSetObj>(STATEFULSETS), pods: api.informer<PodObj>(PODS), pvcs: api.informer<PvcObj>(PVCS), revisions: api.informer<ControllerRevision>(CONTROLLERREVISIONS) };
  for (const i of Object.values(informers)) void i.run(ac.signal);
  for (const i of Object.values(informers)) await i.waitForSync();
  const queue = new WorkQueue<string>('sts-test');
  const c = new StatefulSetController({ client: api.client, ...informers, queue, recorder: api.recorder, log: silentLogger });
  /** Syncs after letting the caches catch up. */
  const sync = async () => {
    await settle();
    await c.sync('default/web');
    await settle();
  };
  const names = () => api.list<PodObj>(PODS).map((p) => p.metadata!.name!).sort();
  const runAll = () => {
    for (const p of api.list<PodObj>(PODS)) if (p.status?.phase !== 'Running') runPod(api, PODS, 'default', p.metadata!.name!);
  };
  const stop = () => {
    c.stop();
    queue.shutDown();
    ac.abort();
  };
  return { api, c, sync, names, runAll, stop };
}

const set = (o: Partial<NonNullable<StatefulSetObj['spec']>> = {}): StatefulSetObj => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'default', generation: 1 },
  spec: {
    replicas: 3,
    serviceName: 'web',
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    revisionHistoryLimit: 10,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
    volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    ...o,
  },
});

const setImage = (t: { api: FakeApi }, image: string, gen: number) =>
  t.api.mutate(STATEFULSETS, 'default', 'web', (o) => {
    (o as StatefulSetObj).spec!.template!.spec!.containers[0]!.image = image;
    o.metadata!.generation = gen;
  });

describe('StatefulSetController', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  it('OrderedReady: creates one pod at a time, each after the previous is Running and Ready, PVC first', async () => {
    const t = await setup();
    stop = t.stop;
    t.api.seed(STATEFULSETS, set());
    await t.sync();
    assert.deepEqual(t.names(), ['web-0']);
    const creates = t.api.calls.filter((c) => c.startsWith('create'));
    assert.deepEqual(creates.slice(0, 3).map((c) => c.split(' ').slice(1).join(' ')), ['controllerrevisions ' + t.api.list(CONTROLLERREVISIONS)[0]!.metadata!.name, 'persistentvolumeclaims www-web-0', 'pods web-0']);
    await t.sync();
    assert.deepEqual(t.names(), ['web-0'], 'web-0 is Pending: nothing more');
    t.runAll();
    await t.sync();
    assert.deepEqual(t.names(), ['web-0', 'web-1']);
    t.runAll();
    await t.sync();
    t.runAll();
    await t.sync();
    assert.deepEqual(t.names(), ['web-0', 'web-1', 'web-2']);
    const p = t.api.get<PodObj>(PODS, 'default', 'web-2')!;
    assert.equal(p.spec!.hostname, 'web-2');
    assert.equal(p.spec!.subdomain, 'web');
    assert.equal(p.metadata!.labels!['statefulset.kubernetes.io/pod-name'], 'web-2');
    assert.equal(p.metadata!.labels!['apps.kubernetes.io/pod-index'], '2');
    assert.deepEqual(p.spec!.volumes, [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-2', readOnly: false } }]);
    assert.deepEqual(t.api.list<PvcObj>(PVCS).map((c) => [c.metadata!.name, c.metadata!.labels!.app]), [['www-web-0', 'web'], ['www-web-1', 'web'], ['www-web-2', 'web']]);
    const st = t.api.get<StatefulSetObj>(STATEFULSETS, 'default', 'web')!.status!;
    assert.deepEqual([st.replicas, st.readyReplicas, st.availableReplicas, st.updatedReplicas, st.currentReplicas, st.observedGeneration], [3, 3, 3, 3, 3, 1]);
    assert.equal(st.currentRevision, st.updateRevision);
    assert.equal(podRevision(p), st.updateRevision);
    assert.ok(t.api.events.some((e) => e.reason === 'SuccessfulCreate' && e.message === 'create Pod web-0 in StatefulSet web successful'));
    assert.ok(t.api.events.some((e) => e.message === 'create Claim www-web-0 Pod web-0 in StatefulSet web success'));
  });

  it('Parallel: creates every pod in one sync', async () => {
    const t = await setup();
    stop = t.stop;
    t.api.seed(STATEFULSETS, set({ podManagementPolicy: 'Parallel' }));
    await t.sync();
    assert.deepEqual(t.names(), ['web-0', 'web-1', 'web-2']);
  });

  it('scales down from the highest ordinal, one pod per sync', async () => {
    const t = await setup();
    stop = t.stop;
    t.api.seed(STATEFULSETS, set());
    for (let i = 0; i < 3; i++) {
      await t.sync();
      t.runAll();
    }
    await t.sync();
    t.api.mutate(STATEFULSETS, 'default', 'web', (o) => ((o as StatefulSetObj).spec!.replicas = 1));
    await t.sync();
    assert.deepEqual(t.names(), ['web-0', 'web-1']);
    await t.sync();
    assert.deepEqual(t.names(), ['web-0']);
    assert.equal(t.api.list(PVCS).length, 3, 'claims are retained');
    assert.deepEqual(t.api.events.filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message), ['delete Pod web-2 in StatefulSet web successful', 'delete Pod web-1 in StatefulSet web successful']);
  });

  it('rolls from the highest ordinal down, respecting the partition, and rolls back by re-numbering a revision', async () => {
    const t = await setup();
    stop = t.stop;
    t.api.seed(STATEFULSETS, set({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
    for (let i = 0; i < 3; i++) {
      await t.sync();
      t.runAll();
    }
    await t.sync();
    const rev1 = t.api.get<StatefulSetObj>(STATEFULSETS, 'default', 'web')!.status!.currentRevision;
    setImage(t, 'nginx:2', 2);
    const deleted: string[] = [];
    for (let i = 0; i < 8; i++) {
      const before = new Set(t.names());
      await t.sync();
      for (const n of before) if (!t.names().includes(n)) deleted.push(n);
      t.runAll();
    }
    assert.deepEqual(deleted, ['web-2', 'web-1']);
    const images = Object.fromEntries(t.api.list<PodObj>(PODS).map((p) => [p.metadata!.name, p.spec!.containers[0]!.image]));
    assert.deepEqual(images, { 'web-0': 'nginx:1', 'web-1': 'nginx:2', 'web-2': 'nginx:2' });
    let st = t.api.get<StatefulSetObj>(STATEFULSETS, 'default', 'web')!.status!;
    assert.equal(st.updatedReplicas, 2);
    assert.equal(st.currentRevision, rev1);
    assert.notEqual(st.updateRevision, rev1);
    // Back to the first template: revision 1's object is reused as revision 3.
    setImage(t, 'nginx:1', 3);
    await t.sync();
    const revs = t.api.list<ControllerRevision>(CONTROLLERREVISIONS);
    assert.equal(revs.length, 2);
    assert.equal(revs.find((r) => r.metadata!.name === rev1)!.revision, 3);
    st = t.api.get<StatefulSetObj>(STATEFULSETS, 'default', 'web')!.status!;
    assert.equal(st.updateRevision, rev1);
  });

  it('recreates a failed pod under the same name', async () => {
    const t = await setup();
    stop = t.stop;
    t.api.seed(STATEFULSETS, set({ replicas: 1 }));
    await t.sync();
    t.runAll();
    const uid = t.api.get<PodObj>(PODS, 'default', 'web-0')!.metadata!.uid;
    t.api.mutate(PODS, 'default', 'web-0', (p) => (p.status = { phase: 'Failed' }));
    await t.sync();
    assert.deepEqual(t.names(), []);
    await t.sync();
    assert.deepEqual(t.names(), ['web-0']);
    assert.notEqual(t.api.get<PodObj>(PODS, 'default', 'web-0')!.metadata!.uid, uid);
    assert.equal(getOrdinal(t.api.get<PodObj>(PODS, 'default', 'web-0')!), 0);
  });

  it('OnDelete: never deletes for an update; a deleted pod comes back at the new revision', async () => {
    const t = await setup();
    stop = t.stop;
    t.api.seed(STATEFULSETS, set({ replicas: 1, updateStrategy: { type: 'OnDelete' } }));
    await t.sync();
    t.runAll();
    await t.sync();
    setImage(t, 'nginx:2', 2);
    await t.sync();
    await t.sync();
    assert.equal(t.api.get<PodObj>(PODS, 'default', 'web-0')!.spec!.containers[0]!.image, 'nginx:1');
    t.api.remove(PODS, 'default', 'web-0');
    await t.sync();
    assert.equal(t.api.get<PodObj>(PODS, 'default', 'web-0')!.spec!.containers[0]!.image, 'nginx:2');
  });

  it('PVC retention whenDeleted=Delete owns claims by the set', async () => {
    const t = await setup();
    stop = t.stop;
    t.api.seed(STATEFULSETS, set({ replicas: 1, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } }));
    await t.sync();
    await t.sync();
    const claim = t.api.get<PvcObj>(PVCS, 'default', 'www-web-0')!;
    const setUid = t.api.get<StatefulSetObj>(STATEFULSETS, 'default', 'web')!.metadata!.uid;
    assert.deepEqual(claim.metadata!.ownerReferences?.map((r) => [r.kind, r.uid]), [['StatefulSet', setUid]]);
  });
});
