/**
 * StatefulSet pod identity, storage and revision helpers (pkg/controller/statefulset
 * stateful_set_utils.go).
 *
 * Contracts:
 * - A member pod is named `<set>-<ordinal>`; its ordinal is the trailing decimal number (-1 when
 *   the name has none). Pods in [start, start+replicas) are replicas, other valid ordinals are
 *   condemned.
 * - Identity: labels `statefulset.kubernetes.io/pod-name` = pod name and
 *   `apps.kubernetes.io/pod-index` = ordinal; on creation only, hostname = pod name and
 *   subdomain = spec.serviceName.
 * - Storage: every volumeClaimTemplate `<claim>` becomes PVC `<claim>-<set>-<ordinal>` (labels: the
 *   template's plus the selector's matchLabels) and a pod volume named `<claim>` using it; other
 *   volumes of the template are kept.
 * - A pod's revision is its `controller-revision-hash` label (the ControllerRevision's name).
 */
import type { PersistentVolumeClaim, Pod, PodSpec, Volume } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../api/types.js';
import { controllerRef } from '../common/controllerref.js';
import { newControllerRevision, templateFromRevision, templatePatch, type ControllerRevision } from '../common/history.js';
import { isPodAvailable, isPodReady, podFromTemplate, type PodObj } from '../common/podutil.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

export type PvcObj = PersistentVolumeClaim & KubeObject;

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  availableReplicas?: number;
  conditions?: unknown[];
}

export type StatefulSetObj = KubeObject & {
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
    template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: PodSpec };
    serviceName?: string;
    podManagementPolicy?: 'OrderedReady' | 'Parallel';
    updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
    volumeClaimTemplates?: PvcObj[];
    persistentVolumeClaimRetentionPolicy?: { whenDeleted?: 'Retain' | 'Delete'; whenScaled?: 'Retain' | 'Delete' };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    ordinals?: { start?: number };
  };
  status?: StatefulSetStatus;
};

const NAME_RE = /^(.*)-([0-9]+)$/;

export function parentAndOrdinal(pod: KubeObject): { parent: string; ordinal: number } {
  const m = NAME_RE.exec(pod.metadata?.name ?? '');
  if (!m) return { parent: '', ordinal: -1 };
  const n = Number(m[2]);
  return { parent: m[1]!, ordinal: Number.isSafeInteger(n) && n <= 0x7fffffff ? n : -1 };
}

export const getOrdinal = (pod: KubeObject): number => parentAndOrdinal(pod).ordinal;

export const isMemberOf = (set: StatefulSetObj, pod: KubeObject): boolean => parentAndOrdinal(pod).parent === set.metadata?.name;

export const startOrdinal = (set: StatefulSetObj): number => set.spec?.ordinals?.start ?? 0;

export const endOrdinal = (set: StatefulSetObj): number => startOrdinal(set) + (set.spec?.replicas ?? 1) - 1;

export function podInOrdinalRange(pod: KubeObject, set: StatefulSetObj): boolean {
  const o = getOrdinal(pod);
  return o >= startOrdinal(set) && o <= endOrdinal(set);
}

export const podName = (set: StatefulSetObj, ordinal: number): string => `${set.metadata?.name}-${ordinal}`;

export const claimName = (set: StatefulSetObj, template: PvcObj, ordinal: number): string => `${template.metadata?.name}-${set.metadata?.name}-${ordinal}`;

/** getPersistentVolumeClaims: the claims a pod needs, keyed by template (volume) name, in template order. */
export function podClaims(set: StatefulSetObj, pod: KubeObject): Map<string, PvcObj> {
  const ordinal = getOrdinal(pod);
  const out = new Map<string, PvcObj>();
  for (const t of set.spec?.volumeClaimTemplates ?? []) {
    const c: PvcObj = structuredClone(t);
    c.apiVersion = 'v1';
    c.kind = 'PersistentVolumeClaim';
    const meta = c.metadata ?? {};
    c.metadata = {
      name: claimName(set, t, ordinal),
      namespace: set.metadata?.namespace,
      labels: { ...(meta.labels ?? {}), ...(set.spec?.selector?.matchLabels ?? {}) },
      annotations: meta.annotations,
    };
    delete (c as { status?: unknown }).status;
    out.set(t.metadata?.name ?? '', c);
  }
  return out;
}

export function updateIdentity(set: StatefulSetObj, pod: PodObj): void {
  const ordinal = getOrdinal(pod);
  pod.metadata ??= {};
  pod.metadata.name = podName(set, ordinal);
  pod.metadata.namespace = set.metadata?.namespace;
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [POD_NAME_LABEL]: pod.metadata.name, [POD_INDEX_LABEL]: String(ordinal) };
}

export function identityMatches(set: StatefulSetObj, pod: PodObj): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod);
  return (
    ordinal >= 0 &&
    parent === set.metadata?.name &&
    pod.metadata?.name === podName(set, ordinal) &&
    pod.metadata?.namespace === set.metadata?.namespace &&
    pod.metadata?.labels?.[POD_NAME_LABEL] === pod.metadata?.name
  );
}

export function storageMatches(set: StatefulSetObj, pod: PodObj): boolean {
  const ordinal = getOrdinal(pod);
  if (ordinal < 0) return false;
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  for (const t of set.spec?.volumeClaimTemplates ?? []) {
    const v = volumes.get(t.metadata?.name ?? '');
    if (!v?.persistentVolumeClaim || v.persistentVolumeClaim.claimName !== claimName(set, t, ordinal)) return false;
  }
  return true;
}

export function updateStorage(set: StatefulSetObj, pod: PodObj): void {
  const claims = podClaims(set, pod);
  const volumes: Volume[] = [];
  for (const [name, c] of claims) volumes.push({ name, persistentVolumeClaim: { claimName: c.metadata!.name!, readOnly: false } });
  for (const v of pod.spec?.volumes ?? []) if (!claims.has(v.name)) volumes.push(v);
  pod.spec ??= { containers: [] };
  pod.spec.volumes = volumes;
}

/** newStatefulSetPod: the pod for `ordinal` from `set`'s template. */
export function newStatefulSetPod(set: StatefulSetObj, ordinal: number): PodObj {
  const pod = podFromTemplate(set.spec?.template ?? {}, set.metadata!.name!, [controllerRef(set, 'apps/v1', 'StatefulSet')]);
  delete pod.metadata!.generateName;
  pod.metadata!.name = podName(set, ordinal);
  updateIdentity(set, pod);
  pod.spec ??= { containers: [] };
  pod.spec.hostname = pod.metadata!.name;
  if (set.spec?.serviceName) pod.spec.subdomain = set.spec.serviceName;
  updateStorage(set, pod);
  return pod;
}

export function setPodRevision(pod: PodObj, revision: string): void {
  pod.metadata!.labels = { ...(pod.metadata!.labels ?? {}), [REVISION_LABEL]: revision };
}

export const podRevision = (pod: KubeObject): string => pod.metadata?.labels?.[REVISION_LABEL] ?? '';

/**
 * newVersionedStatefulSetPod: ordinals below the partition (or, without a rollingUpdate block,
 * below start+currentReplicas) get the current revision, the rest the update revision.
 */
export function newVersionedPod(currentSet: StatefulSetObj, updateSet: StatefulSetObj, currentRevision: string, updateRevision: string, ordinal: number): PodObj {
  const us = currentSet.spec?.updateStrategy;
  const start = startOrdinal(currentSet);
  const useCurrent =
    (us?.type === 'RollingUpdate' && !us.rollingUpdate && ordinal < start + (currentSet.status?.currentReplicas ?? 0)) ||
    (!!us?.rollingUpdate && ordinal < start + (us.rollingUpdate.partition ?? 0));
  const pod = newStatefulSetPod(useCurrent ? currentSet : updateSet, ordinal);
  setPodRevision(pod, useCurrent ? currentRevision : updateRevision);
  return pod;
}

/** ApplyRevision: the set with the template its revision recorded. */
export function applyRevision(set: StatefulSetObj, rev: ControllerRevision): StatefulSetObj {
  const clone: StatefulSetObj = structuredClone(set);
  clone.spec ??= {};
  clone.spec.template = templateFromRevision(rev) as NonNullable<StatefulSetObj['spec']>['template'];
  return clone;
}

/** newRevision: the revision of the set's current template (annotations copied from the set). */
export function newRevision(set: StatefulSetObj, revision: number, collisionCount: number): ControllerRevision {
  const cr = newControllerRevision(set, 'apps/v1', 'StatefulSet', set.spec?.template?.metadata?.labels, templatePatch(set), revision, collisionCount);
  cr.metadata!.annotations = { ...(set.metadata?.annotations ?? {}) };
  return cr;
}

// ---- pod states ----

export const isCreated = (pod: Pod): boolean => !!pod.status?.phase;
export const isPending = (pod: Pod): boolean => pod.status?.phase === 'Pending';
export const isFailed = (pod: Pod): boolean => pod.status?.phase === 'Failed';
export const isSucceeded = (pod: Pod): boolean => pod.status?.phase === 'Succeeded';
export const isTerminating = (pod: Pod): boolean => !!pod.metadata?.deletionTimestamp;
export const isRunningAndReady = (pod: Pod): boolean => pod.status?.phase === 'Running' && isPodReady(pod);
export const isRunningAndAvailable = (pod: Pod, minReadySeconds: number, now: number): boolean => pod.status?.phase === 'Running' && isPodAvailable(pod, minReadySeconds, now);
export const isHealthy = (pod: Pod): boolean => isRunningAndReady(pod) && !isTerminating(pod);

export const allowsBurst = (set: StatefulSetObj): boolean => set.spec?.podManagementPolicy === 'Parallel';

/** Status counts over pods (computeReplicaStatus). */
export function replicaStatus(pods: PodObj[], minReadySeconds: number, currentRevision: string, updateRevision: string, now: number) {
  const s = { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 };
  for (const pod of pods) {
    if (isCreated(pod)) s.replicas++;
    if (isRunningAndReady(pod)) {
      s.readyReplicas++;
      if (isRunningAndAvailable(pod, minReadySeconds, now)) s.availableReplicas++;
    }
    if (isCreated(pod) && !isTerminating(pod)) {
      const r = podRevision(pod);
      if (r === currentRevision) s.currentReplicas++;
      if (r === updateRevision) s.updatedReplicas++;
    }
  }
  return s;
}

// ---- PVC retention (StatefulSetAutoDeletePVC) ----

export function retentionPolicy(set: StatefulSetObj): { whenDeleted: string; whenScaled: string } {
  const p = set.spec?.persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: p?.whenDeleted ?? 'Retain', whenScaled: p?.whenScaled ?? 'Retain' };
}

/** A reference to an owner of the same kind and name but another uid (a previous incarnation). */
export function hasStaleOwnerRef(target: KubeObject, owner: KubeObject, kind: string): boolean {
  return (target.metadata?.ownerReferences ?? []).some((r) => r.kind === kind && r.name === owner.metadata?.name && r.uid !== owner.metadata?.uid);
}

/** The ownerReferences a claim should carry under the set's retention policy (updateClaimOwnerRefForSetAndPod). */
export function desiredClaimOwnerRefs(claim: PvcObj, set: StatefulSetObj, pod: PodObj): OwnerReference[] {
  const { whenDeleted, whenScaled } = retentionPolicy(set);
  const scaledDown = !podInOrdinalRange(pod, set);
  const wantSet = whenDeleted === 'Delete' && (whenScaled !== 'Delete' || !scaledDown);
  const wantPod = whenScaled === 'Delete' && scaledDown && !!pod.metadata?.uid;
  // Drop references to this set and pod, current or stale (same kind and name), then add the wanted ones.
  let refs = (claim.metadata?.ownerReferences ?? []).filter(
    (r) => r.uid !== set.metadata?.uid && r.uid !== pod.metadata?.uid && !(r.kind === 'StatefulSet' && r.name === set.metadata?.name) && !(r.kind === 'Pod' && r.name === pod.metadata?.name),
  );
  if (wantSet) refs = [...refs, { apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata!.name!, uid: set.metadata!.uid! }];
  if (wantPod) refs = [...refs, { apiVersion: 'v1', kind: 'Pod', name: pod.metadata!.name!, uid: pod.metadata!.uid! }];
  return refs;
}

/** isClaimOwnerUpToDate. */
export function claimOwnerUpToDate(claim: PvcObj, set: StatefulSetObj, pod: PodObj): boolean {
  if (hasStaleOwnerRef(claim, set, 'StatefulSet') || hasStaleOwnerRef(claim, pod, 'Pod')) return false;
  const want = desiredClaimOwnerRefs(claim, set, pod);
  const have = claim.metadata?.ownerReferences ?? [];
  const uids = (l: OwnerReference[]) => l.map((r) => r.uid).sort().join(',');
  return uids(want) === uids(have);
}
