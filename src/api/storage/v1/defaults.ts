/**
 * storage.k8s.io/v1 StorageClass defaulting, as upstream's pkg/apis/storage/v1/defaults.go:
 * reclaimPolicy Delete, volumeBindingMode Immediate. Idempotent, never fails, mutates in place.
 */
import type { KubeObject } from '../../types.js';
import { isSet } from '../../apps/v1/helpers.js';

export function defaultStorageClass(obj: KubeObject): void {
  if (!isSet(obj['reclaimPolicy'])) obj['reclaimPolicy'] = 'Delete';
  if (!isSet(obj['volumeBindingMode'])) obj['volumeBindingMode'] = 'Immediate';
}
