/**
 * Server-side table printing for storage.k8s.io/v1, as upstream's
 * pkg/printers/internalversion/printers.go.
 */
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { age, ageColumn, column, nameColumn, nameOf, printer } from '../../core/v1/printers.js';
import type { Printer } from '../../types.js';

const D = {
  provisioner: 'provisioner indicates the type of the provisioner.',
  reclaimPolicy:
    'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.',
  volumeBindingMode:
    'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.',
  allowVolumeExpansion: 'allowVolumeExpansion shows whether the storage class allow volume expand.',
} as const;

const IS_DEFAULT_STORAGE_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const BETA_IS_DEFAULT_STORAGE_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

/** storageutil.IsDefaultAnnotation: either default-class annotation set to "true". */
export function isDefaultStorageClass(obj: StorageClass): boolean {
  const a = obj.metadata?.annotations ?? {};
  return a[IS_DEFAULT_STORAGE_CLASS_ANNOTATION] === 'true' || a[BETA_IS_DEFAULT_STORAGE_CLASS_ANNOTATION] === 'true';
}

export const storageClassPrinter = printer<StorageClass>(
  [
    nameColumn(),
    column('Provisioner', 'string', D.provisioner),
    column('ReclaimPolicy', 'string', D.reclaimPolicy),
    column('VolumeBindingMode', 'string', D.volumeBindingMode),
    column('AllowVolumeExpansion', 'string', D.allowVolumeExpansion),
    ageColumn(),
  ],
  (obj, now) => [
    isDefaultStorageClass(obj) ? `${nameOf(obj)} (default)` : nameOf(obj),
    obj.provisioner ?? '',
    obj.reclaimPolicy ?? 'Delete',
    obj.volumeBindingMode ?? 'Immediate',
    obj.allowVolumeExpansion ?? false,
    age(obj, now),
  ],
);

/** storage.k8s.io printers by resource. */
export const storagePrinters: Readonly<Record<string, Printer>> = {
  storageclasses: storageClassPrinter,
};
