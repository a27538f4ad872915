import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { KubeObject } from '../../types.js';
import { storageClassPrinter } from './printers.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const created = new Date(NOW.getTime() - 3 * 24 * 3600_000).toISOString();

describe('storageclasses', () => {
  const cells = (sc: StorageClass) => storageClassPrinter.cells(sc as unknown as KubeObject, NOW);

  it('has upstream columns', () => {
    assert.deepEqual(storageClassPrinter.columns.map((c) => c.name), [
      'Name',
      'Provisioner',
      'ReclaimPolicy',
      'VolumeBindingMode',
      'AllowVolumeExpansion',
      'Age',
    ]);
  });

  it('marks the default class and fills upstream defaults', () => {
    const sc: StorageClass = {
      metadata: { name: 'local-path', creationTimestamp: created, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'rancher.io/local-path',
    };
    assert.deepEqual(cells(sc), ['local-path (default)', 'rancher.io/local-path', 'Delete', 'Immediate', false, '3d']);
  });

  it('prints explicit values and the beta default annotation', () => {
    const sc: StorageClass = {
      metadata: { name: 'fast', creationTimestamp: created, annotations: { 'storageclass.beta.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'csi.example.com',
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
    };
    assert.deepEqual(cells(sc), ['fast (default)', 'csi.example.com', 'Retain', 'WaitForFirstConsumer', true, '3d']);
    const notDefault: StorageClass = { ...sc, metadata: { name: 'slow', annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' } } };
    assert.equal(cells(notDefault)[0], 'slow');
    assert.equal(cells(notDefault)[5], '<unknown>');
  });
});
