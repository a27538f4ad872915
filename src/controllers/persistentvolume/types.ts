/** Shapes, annotations and Event reasons of the PV binder (k8s.io/component-helpers/storage/volume, pkg/controller/volume/events). */
import type { ObjectReference, PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimStatus, PersistentVolumeStatus } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { KubeObject } from '../../api/types.js';

/** status is writable here (kubernetes-types marks it readonly): the controller owns it. */
export type PvObj = KubeObject & Omit<PersistentVolume, 'metadata' | 'status'> & { status?: PersistentVolumeStatus };
export type PvcObj = KubeObject & Omit<PersistentVolumeClaim, 'metadata' | 'status'> & { status?: PersistentVolumeClaimStatus };
export type StorageClassObj = KubeObject & Omit<StorageClass, 'metadata'>;
export type ClaimRef = ObjectReference;

export type VolumePhase = 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed';
export type ClaimPhase = 'Pending' | 'Bound' | 'Lost';

/** On claims: the binding has completed once (its value does not matter). */
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
/** On claims and volumes: the controller (not the user) made the binding. */
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
/** On volumes: the plugin or external provisioner that created it. */
export const ANN_DYNAMICALLY_PROVISIONED = 'pv.kubernetes.io/provisioned-by';
/** On claims: the scheduler picked this node for delayed provisioning. */
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
/** On claims: the provisioner asked to create a volume. */
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
/** The deprecated class annotation; wins over spec.storageClassName when present. */
export const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
export const ANN_IS_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
export const ANN_BETA_IS_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';

export const REASON = {
  FailedBinding: 'FailedBinding',
  VolumeMismatch: 'VolumeMismatch',
  WaitForFirstConsumer: 'WaitForFirstConsumer',
  WaitForPodScheduled: 'WaitForPodScheduled',
  ExternalProvisioning: 'ExternalProvisioning',
  ProvisioningFailed: 'ProvisioningFailed',
  VolumeFailedDelete: 'VolumeFailedDelete',
  VolumeFailedRecycle: 'VolumeFailedRecycle',
  VolumeUnknownReclaimPolicy: 'VolumeUnknownReclaimPolicy',
  ClaimLost: 'ClaimLost',
  ClaimMisbound: 'ClaimMisbound',
} as const;

export const annotation = (o: KubeObject, key: string): string | undefined => o.metadata?.annotations?.[key];
export const hasAnnotation = (o: KubeObject, key: string): boolean => annotation(o, key) !== undefined;

/** `namespace/name` of a claim, as the claim queue keys it. */
export const claimKey = (c: { namespace?: string; name?: string }): string => `${c.namespace ?? ''}/${c.name ?? ''}`;
