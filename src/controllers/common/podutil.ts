/**
 * Pod facts controllers share (pkg/api/v1/pod/util.go, pkg/controller/controller_utils.go).
 */
import type { Pod, PodCondition, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/types.js';

export type PodObj = Pod & KubeObject;

export function podCondition(pod: Pod, type: string): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === type);
}

export function isPodReady(pod: Pod): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/** Ready for at least `minReadySeconds` at `now` (ms since the epoch). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  const c = podCondition(pod, 'Ready');
  if (c?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= now;
}

export function isPodTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** Not terminal and not being deleted (controller_utils.IsPodActive). */
export function isPodActive(pod: Pod): boolean {
  return !isPodTerminal(pod) && !pod.metadata?.deletionTimestamp;
}

function restarts(pod: Pod): number {
  let n = 0;
  for (const s of pod.status?.containerStatuses ?? []) n = Math.max(n, s.restartCount ?? 0);
  return n;
}

const ts = (s: string | undefined): number => (s ? Date.parse(s) : 0);

/**
 * Orders pods so that the ones to delete first come first (controller_utils.ActivePods Less):
 * unassigned < assigned; Pending < Unknown < Running; not ready < ready; ready for less time first;
 * more restarts first; newer first.
 */
export function compareForDeletion(a: Pod, b: Pod): number {
  const an = a.spec?.nodeName ? 1 : 0;
  const bn = b.spec?.nodeName ? 1 : 0;
  if (an !== bn) return an - bn;
  const rank = (p: Pod): number => ({ Pending: 0, Unknown: 1, Running: 2 })[p.status?.phase ?? 'Pending'] ?? 0;
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  const ar = isPodReady(a) ? 1 : 0;
  const br = isPodReady(b) ? 1 : 0;
  if (ar !== br) return ar - br;
  if (ar && br) {
    const at = ts(podCondition(a, 'Ready')?.lastTransitionTime);
    const bt = ts(podCondition(b, 'Ready')?.lastTransitionTime);
    if (at !== bt) return bt - at;
  }
  const rs = restarts(b) - restarts(a);
  if (rs !== 0) return rs;
  return ts(b.metadata?.creationTimestamp) - ts(a.metadata?.creationTimestamp);
}

/**
 * A new pod from a controller's template (controller_utils.GetPodFromTemplate): labels, annotations
 * and spec copied; named `<prefix>-<random>` by the server via generateName; owned by `ownerRef`.
 */
export function podFromTemplate(template: PodTemplateSpec, generateNamePrefix: string, ownerRef: NonNullable<KubeObject['metadata']>['ownerReferences']): PodObj {
  const meta = template.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${generateNamePrefix}-`,
      labels: meta.labels ? { ...meta.labels } : undefined,
      annotations: meta.annotations ? { ...meta.annotations } : undefined,
      finalizers: meta.finalizers ? [...meta.finalizers] : undefined,
      ownerReferences: ownerRef,
    },
    spec: structuredClone(template.spec),
  } as PodObj;
}
