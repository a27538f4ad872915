import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { claimClass, defaultClass, findBestMatch, isVolumeBoundToClaim, volumeSatisfiesClaim } from './matching.js';
import type { ClaimRef, PvcObj, PvObj, StorageClassObj } from './types.js';

function pv(name: string, size: string, o: { modes?: string[]; cls?: string; phase?: string; labels?: Record<string, string>; mode?: string; claimRef?: ClaimRef; deleting?: boolean } = {}): PvObj {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, uid: `uid-${name}`, resourceVersion: '1', labels: o.labels, ...(o.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: {
      capacity: { storage: size },
      accessModes: o.modes ?? ['ReadWriteOnce'],
      storageClassName: o.cls,
      volumeMode: o.mode ?? 'Filesystem',
      hostPath: { path: `/tmp/${name}` },
      claimRef: o.claimRef,
    },
    status: { phase: (o.phase ?? 'Available') as never },
  };
}

function pvc(size: string, o: { modes?: string[]; cls?: string | null; selector?: Record<string, string>; mode?: string; name?: string } = {}): PvcObj {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: o.name ?? 'data', namespace: 'default', uid: 'claim-uid', resourceVersion: '5' },
    spec: {
      accessModes: o.modes ?? ['ReadWriteOnce'],
      resources: { requests: { storage: size } },
      ...(o.cls === null ? {} : { storageClassName: o.cls ?? '' }),
      volumeMode: o.mode ?? 'Filesystem',
      ...(o.selector ? { selector: { matchLabels: o.selector } } : {}),
    },
  };
}

const names = (v: PvObj | undefined): string | undefined => v?.metadata?.name;

describe('PV matching', () => {
  it('picks the smallest Available volume that is large enough', () => {
    const vols = [pv('big', '10Gi'), pv('small', '500Mi'), pv('fit', '2Gi'), pv('exact', '1Gi')];
    assert.equal(names(findBestMatch(pvc('1Gi'), vols, false)), 'exact');
    assert.equal(names(findBestMatch(pvc('1500Mi'), vols, false)), 'fit');
    assert.equal(findBestMatch(pvc('20Gi'), vols, false), undefined);
  });

  it('needs every requested access mode and prefers the volume with the fewest extra modes', () => {
    const vols = [pv('rwo-rox', '1Gi', { modes: ['ReadWriteOnce', 'ReadOnlyMany'] }), pv('rwo', '5Gi'), pv('rwx', '1Gi', { modes: ['ReadWriteMany'] })];
    // rwo has only the requested mode although it is bigger: the smaller mode set is searched first.
    assert.equal(names(findBestMatch(pvc('1Gi', { modes: ['ReadWriteOnce'] }), vols, false)), 'rwo');
    assert.equal(names(findBestMatch(pvc('1Gi', { modes: ['ReadOnlyMany'] }), vols, false)), 'rwo-rox');
    assert.equal(names(findBestMatch(pvc('1Gi', { modes: ['ReadWriteOnce', 'ReadOnlyMany'] }), vols, false)), 'rwo-rox');
    assert.equal(findBestMatch(pvc('1Gi', { modes: ['ReadWriteOncePod'] }), vols, false), undefined);
  });

  it('matches the storage class exactly ("" and no class both mean "")', () => {
    const vols = [pv('fast', '1Gi', { cls: 'fast' }), pv('none', '2Gi')];
    assert.equal(names(findBestMatch(pvc('1Gi', { cls: 'fast' }), vols, false)), 'fast');
    assert.equal(names(findBestMatch(pvc('1Gi', { cls: '' }), vols, false)), 'none');
    assert.equal(names(findBestMatch(pvc('1Gi', { cls: null }), vols, false)), 'none');
    assert.equal(findBestMatch(pvc('1Gi', { cls: 'slow' }), vols, false), undefined);
    const legacy = pvc('1Gi', { cls: null });
    legacy.metadata!.annotations = { 'volume.beta.kubernetes.io/storage-class': 'fast' };
    assert.equal(claimClass(legacy), 'fast');
    assert.equal(names(findBestMatch(legacy, vols, false)), 'fast');
  });

  it('filters by selector, volumeMode, phase, claimRef and deletion', () => {
    const vols = [
      pv('labelled', '5Gi', { labels: { tier: 'gold' } }),
      pv('plain', '1Gi'),
      pv('block', '1Gi', { mode: 'Block' }),
      pv('released', '1Gi', { phase: 'Released', claimRef: { namespace: 'default', name: 'old', uid: 'gone' } }),
      pv('deleting', '1Gi', { deleting: true }),
    ];
    assert.equal(names(findBestMatch(pvc('1Gi', { selector: { tier: 'gold' } }), vols, false)), 'labelled');
    assert.equal(names(findBestMatch(pvc('1Gi', { mode: 'Block' }), vols, false)), 'block');
    assert.equal(names(findBestMatch(pvc('1Gi'), vols, false)), 'plain');
    assert.equal(findBestMatch(pvc('1Gi', { name: 'other' }), vols.filter((v) => v.metadata!.name !== 'plain' && v.metadata!.name !== 'labelled'), false), undefined);
  });

  it('returns a volume pre-bound to the claim before any other, if large enough, even with delayed binding', () => {
    const pre = pv('pre', '8Gi', { phase: 'Pending', modes: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany'], claimRef: { namespace: 'default', name: 'data' } });
    const vols = [pv('small', '1Gi'), pre, pv('other', '1Gi', { claimRef: { namespace: 'default', name: 'someone' } })];
    assert.equal(names(findBestMatch(pvc('1Gi'), vols, false)), 'pre');
    assert.equal(names(findBestMatch(pvc('1Gi'), vols, true)), 'pre');
    assert.equal(names(findBestMatch(pvc('10Gi'), vols, false)), undefined);
    assert.equal(findBestMatch(pvc('1Gi', { name: 'x' }), [pv('a', '1Gi')], true), undefined, 'delayed binding leaves unbound volumes to the scheduler');
  });

  it('a claimRef with another UID is not this claim', () => {
    const claim = pvc('1Gi');
    assert.equal(isVolumeBoundToClaim(pv('a', '1Gi', { claimRef: { namespace: 'default', name: 'data', uid: 'claim-uid' } }), claim), true);
    assert.equal(isVolumeBoundToClaim(pv('a', '1Gi', { claimRef: { namespace: 'default', name: 'data' } }), claim), true);
    assert.equal(isVolumeBoundToClaim(pv('a', '1Gi', { claimRef: { namespace: 'default', name: 'data', uid: 'old' } }), claim), false);
    assert.equal(isVolumeBoundToClaim(pv('a', '1Gi', { claimRef: { namespace: 'kube-system', name: 'data' } }), claim), false);
  });

  it('explains why a requested volume does not fit, in upstream words', () => {
    assert.equal(volumeSatisfiesClaim(pv('a', '1Gi'), pvc('1Gi')), undefined);
    assert.equal(volumeSatisfiesClaim(pv('a', '1Gi'), pvc('2Gi')), 'requested PV is too small');
    assert.equal(volumeSatisfiesClaim(pv('a', '1Gi', { cls: 'x' }), pvc('1Gi')), 'storageClassName does not match');
    assert.equal(volumeSatisfiesClaim(pv('a', '1Gi', { mode: 'Block' }), pvc('1Gi')), 'incompatible volumeMode');
    assert.equal(volumeSatisfiesClaim(pv('a', '1Gi', { modes: ['ReadOnlyMany'] }), pvc('1Gi')), 'incompatible accessMode');
    assert.equal(volumeSatisfiesClaim(pv('a', '1Gi', { deleting: true }), pvc('1Gi')), 'the volume is marked for deletion "a"');
  });

  it('the default class is the newest one annotated as default', () => {
    const sc = (name: string, ts: string, def?: string, beta?: string): StorageClassObj => ({
      metadata: { name, creationTimestamp: ts, annotations: { ...(def ? { 'storageclass.kubernetes.io/is-default-class': def } : {}), ...(beta ? { 'storageclass.beta.kubernetes.io/is-default-class': beta } : {}) } },
      provisioner: 'x',
    });
    assert.equal(defaultClass([sc('a', '2024-01-01T00:00:00Z'), sc('b', '2024-01-02T00:00:00Z', 'false')]), undefined);
    assert.equal(defaultClass([sc('old', '2024-01-01T00:00:00Z', 'true'), sc('new', '2024-02-01T00:00:00Z', undefined, 'true'), sc('x', '2024-03-01T00:00:00Z')])?.metadata?.name, 'new');
  });
});
