import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Indexer, Lister } from '../../client/informer.js';
import { ApiStatusError, type ResourceRef } from '../../client/rest.js';
import type { KubeObject } from '../../api/types.js';
import { silentLogger } from '../../util/logger.js';
import type { PodObj } from '../common/podutil.js';
import { PersistentVolumeController } from './controller.js';
import type { ClaimRef, PvcObj, PvObj, StorageClassObj } from './types.js';
import type { PvClient } from './writes.js';

const apiError = (code: number, reason: string) => new ApiStatusError({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code, message: reason } as never);

/**
 * A fake API server for PVs and PVCs: `server` is the truth, the indexers are the informer view.
 * Writes check resourceVersion (Conflict), keep status on spec writes and spec on status writes.
 * With `lag`, the informer view is only refreshed by `h.sync()`.
 */
interface Harness {
  c: PersistentVolumeController;
  server: Map<string, KubeObject>;
  volumes: Indexer<PvObj>;
  claims: Indexer<PvcObj>;
  classes: Indexer<StorageClassObj>;
  pods: Indexer<PodObj>;
  writes: string[];
  events: { on: string; type: string; reason: string; message: string }[];
  claimQ: string[];
  volumeQ: string[];
  lag: boolean;
  sync(): void;
}

let rv = 100;
const keyFor = (res: ResourceRef, ns: string | undefined, name: string) => `${res.resource}/${ns ?? ''}/${name}`;

function harness(): Harness {
  const volumes = new Indexer<PvObj>();
  const claims = new Indexer<PvcObj>();
  const classes = new Indexer<StorageClassObj>();
  const pods = new Indexer<PodObj>();
  const server = new Map<string, KubeObject>();
  const h = { server, volumes, claims, classes, pods, writes: [], events: [], claimQ: [], volumeQ: [], lag: false } as unknown as Harness;
  h.sync = () => {
    for (const [k, o] of server) {
      const [res, ns, name] = k.split('/');
      const ik = ns ? `${ns}/${name}` : name!;
      (res === 'persistentvolumes' ? volumes : claims).set(ik, structuredClone(o) as never);
    }
    for (const v of volumes.list()) if (!server.has(`persistentvolumes//${v.metadata!.name}`)) volumes.delete(v.metadata!.name!);
    for (const c of claims.list()) if (!server.has(`persistentvolumeclaims/${c.metadata!.namespace}/${c.metadata!.name}`)) claims.delete(`${c.metadata!.namespace}/${c.metadata!.name}`);
  };
  const write = (res: ResourceRef, obj: KubeObject, status: boolean): KubeObject => {
    const k = keyFor(res, obj.metadata?.namespace, obj.metadata!.name!);
    const cur = server.get(k);
    if (!cur) throw apiError(404, 'NotFound');
    if (obj.metadata?.resourceVersion !== cur.metadata?.resourceVersion) throw apiError(409, 'Conflict');
    const out = status
      ? { ...structuredClone(cur), metadata: { ...obj.metadata }, status: structuredClone(obj.status) }
      : { ...structuredClone(obj), status: structuredClone(cur.status) };
    out.metadata = { ...out.metadata, resourceVersion: String(++rv) };
    server.set(k, out);
    h.writes.push(`${res.resource === 'persistentvolumes' ? 'pv' : 'pvc'}${status ? '/status' : ''} ${obj.metadata!.name}`);
    if (!h.lag) h.sync();
    return structuredClone(out);
  };
  const client = {
    async get<T extends KubeObject>(res: ResourceRef, ns: string | undefined, name: string): Promise<T> {
      const o = server.get(keyFor(res, ns, name));
      if (!o) throw apiError(404, 'NotFound');
      return structuredClone(o) as T;
    },
    async update<T extends KubeObject>(res: ResourceRef, obj: T): Promise<T> {
      return write(res, obj, false) as T;
    },
    async updateStatus<T extends KubeObject>(res: ResourceRef, obj: T): Promise<T> {
      return write(res, obj, true) as T;
    },
    async delete(res: ResourceRef, ns: string | undefined, name: string) {
      const k = keyFor(res, ns, name);
      if (!server.delete(k)) throw apiError(404, 'NotFound');
      h.writes.push(`delete ${name}`);
      if (!h.lag) h.sync();
      return { kind: 'Status' } as never;
    },
  } satisfies PvClient;
  h.c = new PersistentVolumeController({
    client: client as unknown as PvClient,
    volumes: new Lister(volumes),
    claims: new Lister(claims),
    classes: new Lister(classes),
    pods: new Lister(pods),
    recorder: { event: (o, type, reason, message) => h.events.push({ on: `${(o as KubeObject).kind}/${(o as KubeObject).metadata?.name}`, type, reason, message }) },
    log: silentLogger,
    enqueueClaim: (k) => h.claimQ.push(k),
    enqueueVolume: (n) => h.volumeQ.push(n),
  });
  return h;
}

function addPv(h: Harness, name: string, size: string, o: { cls?: string; policy?: string; claimRef?: ClaimRef; phase?: string; modes?: string[]; annotations?: Record<string, string> } = {}): void {
  const v: PvObj = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, uid: `uid-${name}`, resourceVersion: String(++rv), ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: {
      capacity: { storage: size },
      accessModes: o.modes ?? ['ReadWriteOnce'],
      ...(o.cls !== undefined ? { storageClassName: o.cls } : {}),
      persistentVolumeReclaimPolicy: o.policy ?? 'Retain',
      volumeMode: 'Filesystem',
      hostPath: { path: `/srv/${name}` },
      ...(o.claimRef ? { claimRef: o.claimRef } : {}),
    },
    status: { phase: (o.phase ?? 'Pending') as never },
  };
  h.server.set(`persistentvolumes//${name}`, v);
  h.sync();
}

function addPvc(h: Harness, name: string, size: string, o: { cls?: string | null; volumeName?: string; uid?: string; modes?: string[] } = {}): void {
  const c: PvcObj = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default', uid: o.uid ?? `uid-${name}`, resourceVersion: String(++rv) },
    spec: {
      accessModes: o.modes ?? ['ReadWriteOnce'],
      resources: { requests: { storage: size } },
      ...(o.cls === null ? {} : { storageClassName: o.cls ?? '' }),
      volumeMode: 'Filesystem',
      ...(o.volumeName ? { volumeName: o.volumeName } : {}),
    },
    status: { phase: 'Pending' },
  };
  h.server.set(`persistentvolumeclaims/default/${name}`, c);
  h.sync();
}

function deleteObj(h: Harness, key: string): void {
  h.server.delete(key);
  h.sync();
}

function addClass(h: Harness, name: string, o: { mode?: string; provisioner?: string; isDefault?: boolean } = {}): void {
  h.classes.set(name, {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, creationTimestamp: '2024-01-01T00:00:00Z', ...(o.isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
    provisioner: o.provisioner ?? 'kubernetes.io/no-provisioner',
    volumeBindingMode: o.mode ?? 'Immediate',
  });
}

const pvNow = (h: Harness, name: string) => h.server.get(`persistentvolumes//${name}`) as PvObj | undefined;
const pvcNow = (h: Harness, name: string) => h.server.get(`persistentvolumeclaims/default/${name}`) as PvcObj | undefined;

/** Syncs every volume and claim until a round writes nothing (the informers are instant). */
async function settle(h: Harness): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const before = h.writes.length;
    for (const v of h.volumes.list()) await h.c.syncVolumeKey(v.metadata!.name!);
    for (const c of h.claims.list()) await h.c.syncClaimKey(`${c.metadata!.namespace}/${c.metadata!.name}`);
    if (h.writes.length === before) return;
  }
  throw new Error('did not settle');
}

describe('PersistentVolume binder (fakes)', () => {
  it('makes a new volume Available', async () => {
    const h = harness();
    addPv(h, 'pv1', '1Gi');
    await h.c.syncVolumeKey('pv1');
    assert.equal(pvNow(h, 'pv1')!.status!.phase, 'Available');
    assert.deepEqual(h.writes, ['pv/status pv1']);
  });

  it('binds a claim to the smallest fitting volume: volume first, then the claim, with upstream annotations', async () => {
    const h = harness();
    addPv(h, 'big', '10Gi', { phase: 'Available' });
    addPv(h, 'fit', '2Gi', { phase: 'Available' });
    addPvc(h, 'data', '1Gi');
    await h.c.syncClaimKey('default/data');
    assert.deepEqual(h.writes, ['pv fit', 'pv/status fit', 'pvc data', 'pvc/status data']);
    const pv = pvNow(h, 'fit')!;
    const claimRv = h.claims.get('default/data')!.metadata!.resourceVersion;
    assert.ok(claimRv);
    // The claimRef is taken before the claim is written, so it carries the claim's version of then.
    assert.deepEqual(pv.spec!.claimRef, { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: 'uid-data', apiVersion: 'v1', resourceVersion: pv.spec!.claimRef!.resourceVersion });
    assert.ok(Number(pv.spec!.claimRef!.resourceVersion) < Number(claimRv));
    assert.equal(pv.status!.phase, 'Bound');
    assert.equal(pv.metadata!.annotations!['pv.kubernetes.io/bound-by-controller'], 'yes');
    const pvc = pvcNow(h, 'data')!;
    assert.equal(pvc.spec!.volumeName, 'fit');
    assert.deepEqual(pvc.metadata!.annotations, { 'pv.kubernetes.io/bound-by-controller': 'yes', 'pv.kubernetes.io/bind-completed': 'yes' });
    assert.deepEqual(pvc.status, { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' } });
    assert.equal(pvNow(h, 'big')!.spec!.claimRef, undefined);
    // Level-triggered: syncing again changes nothing.
    await settle(h);
    assert.equal(h.writes.length, 4);
    assert.equal(pvNow(h, 'big')!.status!.phase, 'Available');
  });

  it('does not re-bind from a stale informer cache (the newest written versions win)', async () => {
    const h = harness();
    addPv(h, 'pv1', '1Gi', { phase: 'Available' });
    addPvc(h, 'data', '1Gi');
    h.lag = true;
    await h.c.syncClaimKey('default/data');
    assert.equal(h.writes.length, 4);
    // The informer still shows the unbound objects; both syncs must see the written ones.
    await h.c.syncClaimKey('default/data');
    await h.c.syncVolumeKey('pv1');
    assert.equal(h.writes.length, 4);
    h.sync();
    await h.c.syncClaimKey('default/data');
    assert.equal(h.writes.length, 4);
    assert.equal(h.c.volumes.size + h.c.claims.size, 0, 'remembered copies dropped once the informer caught up');
  });

  it('leaves the claim Pending with FailedBinding when nothing fits and there is no class', async () => {
    const h = harness();
    addPv(h, 'small', '1Gi', { phase: 'Available' });
    addPvc(h, 'data', '5Gi');
    await h.c.syncClaimKey('default/data');
    assert.deepEqual(h.events, [{ on: 'PersistentVolumeClaim/data', type: 'Normal', reason: 'FailedBinding', message: 'no persistent volumes available for this claim and no storage class is set' }]);
    assert.equal(pvcNow(h, 'data')!.status!.phase, 'Pending');
    assert.deepEqual(h.writes, [], 'phase already Pending: nothing written');
  });

  it('binds when a fitting volume appears later', async () => {
    const h = harness();
    addPvc(h, 'data', '1Gi');
    await h.c.syncClaimKey('default/data');
    addPv(h, 'late', '1Gi');
    await h.c.syncVolumeKey('late');
    h.claimQ.length = 0;
    h.c.onVolumeChange(pvNow(h, 'late')!);
    assert.deepEqual(h.claimQ, ['default/data'], 'an Available volume queues the unbound claims');
    await h.c.syncClaimKey('default/data');
    assert.equal(pvcNow(h, 'data')!.status!.phase, 'Bound');
  });

  it('WaitForFirstConsumer: leaves the claim Pending with an event, even when a volume fits', async () => {
    const h = harness();
    addClass(h, 'local', { mode: 'WaitForFirstConsumer' });
    addPv(h, 'pv1', '1Gi', { phase: 'Available', cls: 'local' });
    addPvc(h, 'data', '1Gi', { cls: 'local' });
    await h.c.syncClaimKey('default/data');
    assert.deepEqual(h.events, [{ on: 'PersistentVolumeClaim/data', type: 'Normal', reason: 'WaitForFirstConsumer', message: 'waiting for first consumer to be created before binding' }]);
    assert.equal(pvNow(h, 'pv1')!.spec!.claimRef, undefined);
    h.pods.set('default/web', { metadata: { name: 'web', namespace: 'default' }, spec: { containers: [], volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'data' } }] }, status: { phase: 'Pending' } });
    await h.c.syncClaimKey('default/data');
    assert.deepEqual(h.events[1], { on: 'PersistentVolumeClaim/data', type: 'Normal', reason: 'WaitForPodScheduled', message: 'waiting for pod web to be scheduled' });
  });

  it('binds a volume pre-bound to the claim by claimRef, without marking the volume as bound by the controller', async () => {
    const h = harness();
    addPv(h, 'any', '1Gi', { phase: 'Available' });
    addPv(h, 'mine', '3Gi', { claimRef: { namespace: 'default', name: 'data' } });
    await h.c.syncVolumeKey('mine');
    assert.equal(pvNow(h, 'mine')!.status!.phase, 'Available', 'a pre-bound volume without UID is Available');
    addPvc(h, 'data', '1Gi');
    await h.c.syncClaimKey('default/data');
    const pv = pvNow(h, 'mine')!;
    assert.equal(pv.spec!.claimRef!.uid, 'uid-data');
    assert.equal(pv.metadata!.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined);
    assert.equal(pvcNow(h, 'data')!.spec!.volumeName, 'mine');
    assert.equal(pvcNow(h, 'data')!.status!.capacity!.storage, '3Gi');
    assert.equal(pvNow(h, 'any')!.spec!.claimRef, undefined);
  });

  it('a claim with spec.volumeName binds to that volume only', async () => {
    const h = harness();
    addPv(h, 'small', '1Gi', { phase: 'Available' });
    addPv(h, 'wanted', '5Gi', { phase: 'Available' });
    addPvc(h, 'data', '1Gi', { volumeName: 'wanted' });
    await h.c.syncClaimKey('default/data');
    const pvc = pvcNow(h, 'data')!;
    assert.equal(pvc.spec!.volumeName, 'wanted');
    assert.deepEqual(pvc.metadata!.annotations, { 'pv.kubernetes.io/bind-completed': 'yes' }, 'the user chose the volume: not bound-by-controller');
    assert.equal(pvNow(h, 'wanted')!.metadata!.annotations!['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.equal(pvNow(h, 'small')!.spec!.claimRef, undefined);
  });

  it('a requested volume that does not fit, is missing, or belongs to another claim leaves the claim Pending', async () => {
    const h = harness();
    addPv(h, 'tiny', '1Gi', { phase: 'Available' });
    addPv(h, 'taken', '5Gi', { claimRef: { namespace: 'default', name: 'other', uid: 'uid-other' }, phase: 'Bound' });
    addPvc(h, 'a', '2Gi', { volumeName: 'tiny' });
    addPvc(h, 'b', '1Gi', { volumeName: 'taken' });
    addPvc(h, 'c', '1Gi', { volumeName: 'nope' });
    await h.c.syncClaimKey('default/a');
    await h.c.syncClaimKey('default/b');
    await h.c.syncClaimKey('default/c');
    assert.deepEqual(h.events, [
      { on: 'PersistentVolumeClaim/a', type: 'Warning', reason: 'VolumeMismatch', message: 'Cannot bind to requested volume "tiny": requested PV is too small' },
      { on: 'PersistentVolumeClaim/b', type: 'Warning', reason: 'FailedBinding', message: 'volume "taken" already bound to a different claim.' },
    ]);
    assert.deepEqual(h.writes, []);
  });

  it('claim deleted: the volume becomes Released and keeps its claimRef; Retain keeps it and a new claim of that name does not get it', async () => {
    const h = harness();
    addPv(h, 'keep', '1Gi', { phase: 'Available', policy: 'Retain' });
    addPvc(h, 'data', '1Gi');
    await settle(h);
    const boundPvc = pvcNow(h, 'data')!;
    h.volumeQ.length = 0;
    deleteObj(h, 'persistentvolumeclaims/default/data');
    h.c.onClaimDelete({ type: 'Deleted', key: 'default/data', lastKnown: boundPvc, finalStateUnknown: false });
    assert.deepEqual(h.volumeQ, ['keep']);
    await h.c.syncVolumeKey('keep');
    const pv = pvNow(h, 'keep')!;
    assert.equal(pv.status!.phase, 'Released');
    assert.equal(pv.spec!.claimRef!.uid, 'uid-data');
    addPvc(h, 'data', '1Gi', { uid: 'uid-data-2' });
    await settle(h);
    assert.equal(pvcNow(h, 'data')!.status!.phase, 'Pending');
    assert.equal(pvNow(h, 'keep')!.status!.phase, 'Released');
    assert.equal(h.events.at(-1)!.reason, 'FailedBinding');
  });

  it('claim deleted: reclaim policy Delete deletes the PersistentVolume', async () => {
    const h = harness();
    addPv(h, 'scratch', '1Gi', { phase: 'Available', policy: 'Delete' });
    addPvc(h, 'data', '1Gi');
    await settle(h);
    deleteObj(h, 'persistentvolumeclaims/default/data');
    await h.c.syncVolumeKey('scratch');
    assert.equal(pvNow(h, 'scratch'), undefined);
    assert.deepEqual(h.writes.slice(-2), ['pv/status scratch', 'delete scratch']);
  });

  it('does not release a volume whose claim the informer has not seen yet (asks the API server)', async () => {
    const h = harness();
    addPv(h, 'pv1', '1Gi', { phase: 'Bound', claimRef: { namespace: 'default', name: 'data', uid: 'uid-data' } });
    h.server.set('persistentvolumeclaims/default/data', { metadata: { name: 'data', namespace: 'default', uid: 'uid-data', resourceVersion: '1' }, spec: { volumeName: 'pv1' } });
    await h.c.syncVolumeKey('pv1');
    assert.equal(pvNow(h, 'pv1')!.status!.phase, 'Bound');
    assert.deepEqual(h.writes, []);
  });

  it('external provisioner and unknown policies', async () => {
    const h = harness();
    addPv(h, 'ext', '1Gi', { phase: 'Bound', policy: 'Delete', claimRef: { namespace: 'default', name: 'gone', uid: 'x' }, annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' } });
    addPv(h, 'rec', '1Gi', { phase: 'Bound', policy: 'Recycle', claimRef: { namespace: 'default', name: 'gone', uid: 'x' } });
    await h.c.syncVolumeKey('ext');
    await h.c.syncVolumeKey('rec');
    assert.equal(pvNow(h, 'ext')!.status!.phase, 'Released', 'left to its provisioner to delete');
    assert.equal(pvNow(h, 'rec')!.status!.phase, 'Failed');
    assert.deepEqual(h.events, [{ on: 'PersistentVolume/rec', type: 'Warning', reason: 'VolumeFailedRecycle', message: 'No recycler plugin found for the volume!' }]);
  });

  it('volume deleted under a bound claim: the claim is Lost', async () => {
    const h = harness();
    addPv(h, 'pv1', '1Gi', { phase: 'Available' });
    addPvc(h, 'data', '1Gi');
    await settle(h);
    const lastPv = pvNow(h, 'pv1')!;
    deleteObj(h, 'persistentvolumes//pv1');
    h.c.onVolumeDelete({ type: 'Deleted', key: 'pv1', lastKnown: lastPv, finalStateUnknown: false });
    assert.deepEqual(h.claimQ.at(-1), 'default/data');
    await h.c.syncClaimKey('default/data');
    const pvc = pvcNow(h, 'data')!;
    assert.deepEqual(pvc.status, { phase: 'Lost' });
    assert.equal(pvc.spec!.volumeName, 'pv1');
    assert.deepEqual(h.events.at(-1), { on: 'PersistentVolumeClaim/data', type: 'Warning', reason: 'ClaimLost', message: 'Bound claim has lost its PersistentVolume. Data on the volume is lost!' });
    await h.c.syncClaimKey('default/data');
    assert.equal(h.events.filter((e) => e.reason === 'ClaimLost').length, 1, 'the event is sent once, on the transition');
  });

  it('assigns the default class to a class-less claim when no volume fits', async () => {
    const h = harness();
    addClass(h, 'standard', { isDefault: true, provisioner: 'rancher.io/local-path' });
    addPv(h, 'none', '1Gi', { phase: 'Available' });
    addPvc(h, 'fits', '1Gi', { cls: null });
    addPvc(h, 'big', '5Gi', { cls: null });
    await h.c.syncClaimKey('default/fits');
    assert.equal(pvcNow(h, 'fits')!.spec!.volumeName, 'none', 'a class-less claim binds to a class-less volume first');
    await h.c.syncClaimKey('default/big');
    assert.equal(pvcNow(h, 'big')!.spec!.storageClassName, 'standard');
    await h.c.syncClaimKey('default/big');
    const pvc = pvcNow(h, 'big')!;
    assert.equal(pvc.metadata!.annotations!['volume.kubernetes.io/storage-provisioner'], 'rancher.io/local-path');
    assert.equal(pvc.metadata!.annotations!['volume.beta.kubernetes.io/storage-provisioner'], 'rancher.io/local-path');
    assert.deepEqual(h.events.at(-1), {
      on: 'PersistentVolumeClaim/big',
      type: 'Normal',
      reason: 'ExternalProvisioning',
      message: "Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
    });
  });

  it('a class without a provisioner plugin or a missing class reports ProvisioningFailed', async () => {
    const h = harness();
    addClass(h, 'manual');
    addPvc(h, 'a', '1Gi', { cls: 'manual' });
    addPvc(h, 'b', '1Gi', { cls: 'missing' });
    await h.c.syncClaimKey('default/a');
    await h.c.syncClaimKey('default/b');
    assert.deepEqual(
      h.events.map((e) => [e.reason, e.message]),
      [
        ['ProvisioningFailed', 'no volume plugin matched name: kubernetes.io/no-provisioner'],
        ['ProvisioningFailed', 'storageclass.storage.k8s.io "missing" not found'],
      ],
    );
  });

  it('unbinds a volume the controller bound to a claim that ended up bound elsewhere', async () => {
    const h = harness();
    addPv(h, 'loser', '1Gi', { phase: 'Bound', claimRef: { namespace: 'default', name: 'data', uid: 'uid-data' }, annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } });
    addPv(h, 'winner', '1Gi', { phase: 'Bound', claimRef: { namespace: 'default', name: 'data', uid: 'uid-data' } });
    addPvc(h, 'data', '1Gi', { volumeName: 'winner' });
    await h.c.syncVolumeKey('loser');
    const pv = pvNow(h, 'loser')!;
    assert.equal(pv.spec!.claimRef, undefined);
    assert.equal(pv.metadata!.annotations, undefined);
    assert.equal(pv.status!.phase, 'Available');
  });
});
