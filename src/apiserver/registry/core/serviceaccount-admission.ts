/**
 * The ServiceAccount admission plugin on pod creation (upstream's
 * plugin/pkg/admission/serviceaccount, Admit and the create half of Validate):
 * - mirror pods are not mutated; they may not name a service account, reference secrets or project
 *   a service account token (403 Forbidden);
 * - an empty spec.serviceAccountName (after taking the deprecated spec.serviceAccount) becomes
 *   "default", and spec.serviceAccount is kept equal to it;
 * - when the token is automounted (pod's automountServiceAccountToken, else the ServiceAccount's,
 *   else true), every init container and container not already mounting
 *   /var/run/secrets/kubernetes.io/serviceaccount gets a read-only mount of the pod's
 *   `kube-api-access-*` volume, added (projected token + kube-root-ca.crt + namespace) when missing;
 * - a pod without imagePullSecrets takes the ServiceAccount's.
 * Not done: the `kubernetes.io/enforce-mountable-secrets` check.
 */
import type { ServiceAccount, Volume, VolumeMount } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../api/types.js';
import * as errors from '../../../machinery/errors.js';

export const DEFAULT_SERVICE_ACCOUNT_NAME = 'default';
export const DEFAULT_API_TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const SERVICE_ACCOUNT_VOLUME_NAME = 'kube-api-access';
/** Bound token lifetime of the automounted volume (upstream's WarnOnlyBoundTokenExpirationSeconds). */
export const AUTOMOUNT_TOKEN_EXPIRATION_SECONDS = 3607;
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
/** upstream's utilrand alphabet (no vowels, no confusable digits). */
const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const PODS = { group: '', resource: 'pods' };

/** Synchronous ServiceAccount lookup (the serviceaccounts watch cache); undefined when absent. */
export type ServiceAccountLookup = (namespace: string, name: string) => ServiceAccount | undefined;

export interface ServiceAccountAdmission {
  lookup: ServiceAccountLookup;
  /** Five characters for the volume name; defaults to random ones from upstream's alphabet. */
  randomSuffix?: () => string;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const randomSuffix = (): string => {
  let s = '';
  for (let i = 0; i < 5; i++) s += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return s;
};

/** The projected volume source upstream's TokenVolumeSource builds. */
export function tokenVolumeSource(): NonNullable<Volume['projected']> {
  return {
    defaultMode: 0o644,
    sources: [
      { serviceAccountToken: { expirationSeconds: AUTOMOUNT_TOKEN_EXPIRATION_SECONDS, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  };
}

/**
 * Admits a pod being created in `namespace`: mutates it in place as described above, or throws a
 * 403 Forbidden ApiError with upstream's message.
 *
 * Deliberate deviation: upstream refuses a pod whose service account does not exist. Here a missing
 * `default` ServiceAccount is tolerated (the pod is admitted as if the account existed with no
 * settings), because the serviceaccount controller creates it moments after the namespace and many
 * setups run the API server without controllers. Any other missing ServiceAccount is refused as
 * upstream does.
 */
export function admitPodServiceAccount(obj: KubeObject, namespace: string, opts: ServiceAccountAdmission): void {
  const pod = obj as Any;
  const spec = (pod.spec ??= {}) as Any;
  const name: string = pod.metadata?.name || pod.metadata?.generateName || 'Unknown';
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (pod.metadata?.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) {
    validateMirrorPod(spec, name);
    return;
  }
  if (!spec.serviceAccountName) spec.serviceAccountName = DEFAULT_SERVICE_ACCOUNT_NAME;
  spec.serviceAccount = spec.serviceAccountName;
  const saName: string = spec.serviceAccountName;
  const sa = opts.lookup(namespace, saName);
  if (!sa && saName !== DEFAULT_SERVICE_ACCOUNT_NAME) {
    throw errors.forbidden(PODS, name, `error looking up service account ${namespace}/${saName}: serviceaccount "${saName}" not found`);
  }
  if (shouldAutomount(sa, spec)) mountServiceAccountToken(spec, opts.randomSuffix ?? randomSuffix);
  if (!Array.isArray(spec.imagePullSecrets) || spec.imagePullSecrets.length === 0) {
    const pull = (sa?.imagePullSecrets ?? []).map((r) => ({ name: r.name }));
    if (pull.length > 0) spec.imagePullSecrets = pull;
  }
}

function shouldAutomount(sa: ServiceAccount | undefined, spec: Any): boolean {
  if (typeof spec.automountServiceAccountToken === 'boolean') return spec.automountServiceAccountToken;
  if (typeof sa?.automountServiceAccountToken === 'boolean') return sa.automountServiceAccountToken;
  return true;
}

function mountServiceAccountToken(spec: Any, suffix: () => string): void {
  const volumes: Volume[] = Array.isArray(spec.volumes) ? spec.volumes : [];
  const existing = volumes.find((v) => typeof v?.name === 'string' && v.name.startsWith(`${SERVICE_ACCOUNT_VOLUME_NAME}-`));
  const volumeName = existing?.name ?? `${SERVICE_ACCOUNT_VOLUME_NAME}-${suffix()}`;
  let needsVolume = false;
  for (const list of [spec.initContainers, spec.containers]) {
    if (!Array.isArray(list)) continue;
    for (const c of list as Array<{ volumeMounts?: VolumeMount[] }>) {
      if (!c || typeof c !== 'object') continue;
      const mounts = Array.isArray(c.volumeMounts) ? c.volumeMounts : [];
      if (mounts.some((m) => m?.mountPath === DEFAULT_API_TOKEN_MOUNT_PATH)) continue;
      c.volumeMounts = [...mounts, { name: volumeName, readOnly: true, mountPath: DEFAULT_API_TOKEN_MOUNT_PATH }];
      needsVolume = true;
    }
  }
  if (!existing && needsVolume) spec.volumes = [...volumes, { name: volumeName, projected: tokenVolumeSource() }];
}

function validateMirrorPod(spec: Any, name: string): void {
  if (spec.serviceAccountName) throw errors.forbidden(PODS, name, 'a mirror pod may not reference service accounts');
  if (referencesSecrets(spec)) throw errors.forbidden(PODS, name, 'a mirror pod may not reference secrets');
  for (const v of arr(spec.volumes)) {
    if (arr(v?.projected?.sources).some((s: Any) => s?.serviceAccountToken)) {
      throw errors.forbidden(PODS, name, 'a mirror pod may not use ServiceAccountToken volume projections');
    }
  }
}

const arr = (v: unknown): Any[] => (Array.isArray(v) ? v : []);

/** Whether the pod spec names any Secret (upstream's VisitPodSecretNames over all containers). */
function referencesSecrets(spec: Any): boolean {
  if (arr(spec.imagePullSecrets).some((r) => r?.name)) return true;
  for (const c of [...arr(spec.initContainers), ...arr(spec.containers), ...arr(spec.ephemeralContainers)]) {
    if (arr(c?.envFrom).some((e) => e?.secretRef?.name)) return true;
    if (arr(c?.env).some((e) => e?.valueFrom?.secretKeyRef?.name)) return true;
  }
  for (const v of arr(spec.volumes)) {
    if (!v || typeof v !== 'object') continue;
    if (v.secret?.secretName || v.azureFile?.secretName) return true;
    for (const k of ['cephfs', 'cinder', 'flexVolume', 'rbd', 'scaleIO', 'iscsi', 'storageos']) {
      if (v[k]?.secretRef?.name) return true;
    }
    if (v.csi?.nodePublishSecretRef?.name) return true;
    if (arr(v.projected?.sources).some((s) => s?.secret?.name)) return true;
  }
  return false;
}
