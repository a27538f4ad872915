/**
 * When the NoExecute taint manager evicts a pod (processPodOnNode in pkg/controller/tainteviction).
 * Pure.
 *
 * Contracts:
 * - No NoExecute taints: keep the pod (and cancel any scheduled eviction).
 * - A NoExecute taint the pod does not tolerate: evict now.
 * - Every taint tolerated: each (taint, first tolerating toleration) pair with tolerationSeconds s
 *   allows the pod until taint.timeAdded + s (s <= 0: until now); the pod is evicted at the
 *   earliest such time. Taints without timeAdded count from `firstSeenMs` (when this controller
 *   first saw them). Without any tolerationSeconds the pod stays forever.
 */
import type { Pod, Taint } from 'kubernetes-types/core/v1.js';
import { matchingTolerations } from '../../api/core/v1/tolerations.js';

export type EvictionDecision = { kind: 'keep' } | { kind: 'evict' } | { kind: 'at'; atMs: number };

export function noExecuteTaints(taints: readonly Taint[] | undefined): Taint[] {
  return (taints ?? []).filter((t) => t.effect === 'NoExecute');
}

export function evictionDecision(pod: Pod, taints: readonly Taint[], nowMs: number, firstSeenMs: number = nowMs): EvictionDecision {
  if (taints.length === 0) return { kind: 'keep' };
  const m = matchingTolerations(taints, pod.spec?.tolerations);
  if (!m.all) return { kind: 'evict' };
  let at = Infinity;
  for (const { taint, toleration } of m.used) {
    const s = toleration.tolerationSeconds;
    if (s === undefined || s === null) continue;
    if (s <= 0) return { kind: 'evict' };
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : NaN;
    const since = Number.isNaN(added) ? firstSeenMs : added;
    at = Math.min(at, since + s * 1000);
  }
  if (at === Infinity) return { kind: 'keep' };
  return at <= nowMs ? { kind: 'evict' } : { kind: 'at', atMs: at };
}
