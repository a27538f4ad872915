/**
 * Which pods a ReplicaSet deletes first when it has too many (getPodsToDelete with
 * controller.ActivePodsWithRanks): unassigned before assigned, Pending < Unknown < Running, not
 * ready before ready, lower `controller.kubernetes.io/pod-deletion-cost` first, then pods sharing
 * a node with more related pods (the same Deployment's ReplicaSets) first, then
 * `compareForDeletion`'s remaining order (ready for less time, more restarts, newer).
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { compareForDeletion, isPodActive, isPodReady, type PodObj } from '../common/podutil.js';

export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** The pod's deletion cost; a missing or invalid annotation counts as 0 (as upstream). */
export function deletionCost(pod: Pod): number {
  const v = pod.metadata?.annotations?.[POD_DELETION_COST];
  if (v === undefined || !/^[+-]?\d+$/.test(v.trim())) return 0;
  const n = Number(v.trim());
  return n >= INT32_MIN && n <= INT32_MAX ? n : 0;
}

const phaseOrdinal = (p: Pod): number => ({ Pending: 0, Unknown: 1, Running: 2 })[p.status?.phase ?? ''] ?? 0;

/** The ordering described above; `rankA`/`rankB` are the colocated related-pod counts. */
export function compareRanked(a: Pod, rankA: number, b: Pod, rankB: number): number {
  const an = a.spec?.nodeName ? 1 : 0;
  const bn = b.spec?.nodeName ? 1 : 0;
  if (an !== bn) return an - bn;
  if (phaseOrdinal(a) !== phaseOrdinal(b)) return phaseOrdinal(a) - phaseOrdinal(b);
  const ar = isPodReady(a) ? 1 : 0;
  const br = isPodReady(b) ? 1 : 0;
  if (ar !== br) return ar - br;
  const ca = deletionCost(a);
  const cb = deletionCost(b);
  if (ca !== cb) return ca - cb;
  if (rankA !== rankB) return rankB - rankA;
  return compareForDeletion(a, b);
}

/** The first `n` of `pods` in deletion order; `related` (active ones) rank pods by node. */
export function podsToDelete(pods: PodObj[], related: PodObj[], n: number): PodObj[] {
  if (n >= pods.length) return pods.slice();
  const onNode = new Map<string, number>();
  for (const p of related) {
    if (!isPodActive(p)) continue;
    const node = p.spec?.nodeName ?? '';
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const rank = (p: PodObj): number => onNode.get(p.spec?.nodeName ?? '') ?? 0;
  return pods
    .map((p) => ({ p, r: rank(p) }))
    .sort((x, y) => compareRanked(x.p, x.r, y.p, y.r))
    .slice(0, n)
    .map((x) => x.p);
}
