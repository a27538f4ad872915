/**
 * The persistentvolume-binder controller inside a real `k8ts server` (no node needed), driven by the
 * real kubectl: PV + PVC bind, a PV pre-bound by claimRef, and reclaim on claim deletion (Retain →
 * Released, Delete → the PV object is deleted). Events are read back through the API.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestServer, eventually } from '../support/server.js';

type Obj = { metadata: { name: string; uid: string; annotations?: Record<string, string> }; spec: Record<string, any>; status?: Record<string, any> };

function pv(name: string, size: string, o: { policy?: string; claimRef?: { namespace: string; name: string }; cls?: string } = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      capacity: { storage: size },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: o.policy ?? 'Retain',
      ...(o.cls ? { storageClassName: o.cls } : {}),
      hostPath: { path: `/tmp/k8ts-pv-binder/${name}` },
      ...(o.claimRef ? { claimRef: o.claimRef } : {}),
    },
  };
}

function pvc(name: string, size: string, o: { volumeName?: string; cls?: string } = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default' },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: o.cls ?? '',
      resources: { requests: { storage: size } },
      ...(o.volumeName ? { volumeName: o.volumeName } : {}),
    },
  };
}

describe('persistentvolume-binder', { timeout: 60_000 }, () => {
  let server: TestServer;

  before(async () => {
    server = await TestServer.start();
  });

  after(async () => {
    await server?.destroy();
  });

  const apply = (...objs: Record<string, unknown>[]) => server.k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objs }));
  const getJson = async (args: string[]): Promise<Obj> => JSON.parse(await server.k(['get', ...args, '-o', 'json'])) as Obj;
  const phaseOf = async (args: string[]): Promise<string | undefined> => (await getJson(args)).status?.phase;
  const gone = async (args: string[]): Promise<boolean> => {
    const r = await server.kubectl(['get', ...args, '--ignore-not-found', '-o', 'name']);
    return r.code === 0 && r.stdout.trim() === '';
  };

  it('binds a claim to the smallest fitting volume; both become Bound', async () => {
    await apply(pv('small', '1Gi'), pv('medium', '2Gi'), pv('large', '10Gi'));
    await eventually(async () => (await phaseOf(['pv', 'medium'])) === 'Available', 15_000);
    await apply(pvc('data', '1500Mi'));
    await eventually(async () => (await phaseOf(['pvc', 'data'])) === 'Bound', 15_000);
    const claim = await getJson(['pvc', 'data']);
    assert.equal(claim.spec.volumeName, 'medium');
    assert.equal(claim.status!.capacity.storage, '2Gi');
    assert.deepEqual(claim.status!.accessModes, ['ReadWriteOnce']);
    assert.equal(claim.metadata.annotations!['pv.kubernetes.io/bind-completed'], 'yes');
    assert.equal(claim.metadata.annotations!['pv.kubernetes.io/bound-by-controller'], 'yes');
    await eventually(async () => (await phaseOf(['pv', 'medium'])) === 'Bound', 15_000);
    const vol = await getJson(['pv', 'medium']);
    assert.equal(vol.spec.claimRef.kind, 'PersistentVolumeClaim');
    assert.equal(vol.spec.claimRef.namespace, 'default');
    assert.equal(vol.spec.claimRef.name, 'data');
    assert.equal(vol.spec.claimRef.uid, claim.metadata.uid);
    assert.equal(vol.metadata.annotations!['pv.kubernetes.io/bound-by-controller'], 'yes');
    const table = await server.k(['get', 'pvc', 'data', '--no-headers']);
    assert.match(table, /^data\s+Bound\s+medium\s+2Gi\s+RWO/);
  });

  it('binds a volume pre-bound by claimRef, and reports FailedBinding when nothing fits', async () => {
    await apply(pv('reserved', '5Gi', { claimRef: { namespace: 'default', name: 'mine' } }));
    await eventually(async () => (await phaseOf(['pv', 'reserved'])) === 'Available', 15_000);
    await apply(pvc('mine', '1Gi'), pvc('toolarge', '100Gi'));
    await eventually(async () => (await phaseOf(['pvc', 'mine'])) === 'Bound', 15_000);
    assert.equal((await getJson(['pvc', 'mine'])).spec.volumeName, 'reserved');
    const vol = await getJson(['pv', 'reserved']);
    assert.equal(vol.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined, 'the user made this binding');
    await eventually(async () => {
      const ev = await server.k(['get', 'events', '--field-selector', 'involvedObject.name=toolarge', '-o', 'jsonpath={range .items[*]}{.reason}|{.message}|{.source.component}{"\\n"}{end}']);
      return ev.includes('FailedBinding|no persistent volumes available for this claim and no storage class is set|persistentvolume-controller');
    }, 15_000);
    assert.equal(await phaseOf(['pvc', 'toolarge']), 'Pending');
  });

  it('releases a Retain volume and deletes a Delete volume when their claims go', async () => {
    await apply(pv('kept', '3Gi', { cls: 'manual' }), pv('scratch', '3Gi', { cls: 'scratch', policy: 'Delete' }));
    await apply(pvc('keep-claim', '1Gi', { cls: 'manual' }), pvc('scratch-claim', '1Gi', { cls: 'scratch' }));
    await eventually(async () => (await phaseOf(['pvc', 'keep-claim'])) === 'Bound' && (await phaseOf(['pvc', 'scratch-claim'])) === 'Bound', 15_000);
    await server.k(['delete', 'pvc', 'keep-claim', 'scratch-claim', '--wait=false']);
    await eventually(async () => (await phaseOf(['pv', 'kept'])) === 'Released', 15_000);
    await eventually(() => gone(['pv', 'scratch']), 15_000);
    const kept = await getJson(['pv', 'kept']);
    assert.equal(kept.spec.claimRef.name, 'keep-claim', 'a Released volume keeps its claimRef');
    // A new claim with the same name is a different claim: the Released volume is not rebound.
    await apply(pvc('keep-claim', '1Gi', { cls: 'manual' }));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await phaseOf(['pvc', 'keep-claim']), 'Pending');
    assert.equal(await phaseOf(['pv', 'kept']), 'Released');
  });
});
