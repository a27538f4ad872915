/**
 * ReplicaSet status (pkg/controller/replicaset/replica_set_utils.go calculateStatus).
 *
 * Contracts:
 * - `calculateStatus` counts the active pods the owner controls: `replicas`; `fullyLabeledReplicas`
 *   (labels match the template's labels); `readyReplicas`; `availableReplicas` (ready for
 *   minReadySeconds at `now`). It keeps the other conditions, adds `ReplicaFailure` (reason
 *   FailedCreate / FailedDelete, message = the error) when a create/delete failed and none is set,
 *   and removes it after a sync without failure. `observedGeneration` is carried over.
 * - `statusUnchanged` is upstream's "skip the write" test: same counts and conditions, and the
 *   observed generation is the object's generation.
 * - Zero counts are omitted on the wire except `replicas`, as Go's omitempty does.
 */
import type { ReplicaSetCondition, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import { selectorFromSet } from '../../machinery/labels.js';
import { formatRfc3339 } from '../../machinery/meta.js';
import { isPodAvailable, isPodReady, podCondition, type PodObj } from '../common/podutil.js';
import type { ReplicaSetView } from './kind.js';
import { errorText as errorMessage } from '../../util/concurrency.js';

export const REPLICA_FAILURE = 'ReplicaFailure';

export { errorMessage };

export function calculateStatus(rs: ReplicaSetView, pods: PodObj[], manageErr: unknown, now: number): ReplicaSetStatus {
  const templateLabels = selectorFromSet(rs.template?.metadata?.labels);
  let fully = 0;
  let ready = 0;
  let available = 0;
  for (const p of pods) {
    if (templateLabels.matches(p.metadata?.labels)) fully++;
    if (isPodReady(p)) ready++;
    if (isPodAvailable(p, rs.minReadySeconds, now)) available++;
  }
  let conditions: ReplicaSetCondition[] = [...(rs.status?.conditions ?? [])];
  const failure = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (manageErr !== undefined && !failure) {
    const diff = pods.length - rs.replicas;
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const cond: ReplicaSetCondition = { type: REPLICA_FAILURE, status: 'True', lastTransitionTime: formatRfc3339(new Date(now)), message: errorMessage(manageErr) };
    if (reason) cond.reason = reason;
    conditions.push(cond);
  } else if (manageErr === undefined && failure) {
    conditions = conditions.filter((c) => c.type !== REPLICA_FAILURE);
  }
  const status: ReplicaSetStatus = { replicas: pods.length };
  if (fully) status.fullyLabeledReplicas = fully;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  if (rs.status?.observedGeneration) status.observedGeneration = rs.status.observedGeneration;
  if (conditions.length) status.conditions = conditions;
  return status;
}

export function statusUnchanged(rs: ReplicaSetView, next: ReplicaSetStatus): boolean {
  const cur = rs.status ?? { replicas: 0 };
  return (
    (cur.replicas ?? 0) === (next.replicas ?? 0) &&
    (cur.fullyLabeledReplicas ?? 0) === (next.fullyLabeledReplicas ?? 0) &&
    (cur.readyReplicas ?? 0) === (next.readyReplicas ?? 0) &&
    (cur.availableReplicas ?? 0) === (next.availableReplicas ?? 0) &&
    (rs.metadata.generation ?? 0) === (cur.observedGeneration ?? 0) &&
    JSON.stringify(cur.conditions ?? []) === JSON.stringify(next.conditions ?? [])
  );
}

/**
 * Milliseconds until the next ready pod becomes available (ready for minReadySeconds), or
 * undefined when none is waiting. Pods without a Ready transition time never become available, as upstream.
 */
export function nextAvailableIn(rs: ReplicaSetView, pods: PodObj[], now: number): number | undefined {
  if (rs.minReadySeconds <= 0) return undefined;
  let next: number | undefined;
  for (const p of pods) {
    if (!isPodReady(p) || isPodAvailable(p, rs.minReadySeconds, now)) continue;
    const since = Date.parse(podCondition(p, 'Ready')?.lastTransitionTime ?? '');
    if (Number.isNaN(since)) continue;
    const wait = since + rs.minReadySeconds * 1000 - now;
    next = next === undefined ? wait : Math.min(next, wait);
  }
  return next === undefined ? undefined : Math.max(0, next) + 100;
}
