/**
 * Rollout progress (progress.go): the status written during a rollout, with the Progressing
 * condition and its deadline.
 *
 * Contracts:
 * - Progressing is estimated only with a progress deadline and while the latest rollout is not
 *   already marked complete: complete → True NewReplicaSetAvailable; progress since the last status
 *   (more updated, ready or available replicas, fewer old ones) → True ReplicaSetUpdated with a
 *   fresh lastUpdateTime; no progress past the deadline → False ProgressDeadlineExceeded.
 * - The new (else any) ReplicaSet's ReplicaFailure condition is mirrored; none removes it.
 * - When nothing changed, a Deployment that is neither complete nor timed out is requeued for when
 *   its deadline passes (+1 s), or rate-limited when that is less than a second away.
 */
import type { DeploymentDeps } from './deps.js';
import type { Condition, DeploymentObj, ReplicaSetObj, Status } from './types.js';
import { NEW_RS_AVAILABLE, PROGRESSING, REPLICASET_UPDATED, REPLICA_FAILURE, TIMED_OUT, getCondition, newCondition, removeCondition, setCondition } from './conditions.js';
import { replicasOf } from './replicas.js';
import { calculateStatus, hasProgressDeadline, statusEqual, writeStatus } from './status.js';

/** All desired replicas updated and available, no old ones, and the generation observed. */
export function deploymentComplete(d: DeploymentObj, s: Status): boolean {
  const r = replicasOf(d);
  return (s.updatedReplicas ?? 0) === r && (s.replicas ?? 0) === r && (s.availableReplicas ?? 0) === r && (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
}

export function deploymentProgressing(d: DeploymentObj, s: Status): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

export function deploymentTimedOut(d: DeploymentObj, s: Status, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, PROGRESSING);
  if (!c) return false;
  if (c.reason === NEW_RS_AVAILABLE) return false;
  if (c.reason === TIMED_OUT) return true;
  const from = c.lastUpdateTime ? Date.parse(c.lastUpdateTime) : NaN;
  if (Number.isNaN(from)) return false;
  return from + (d.spec!.progressDeadlineSeconds ?? 0) * 1000 < now;
}

function replicaFailures(allRSs: ReadonlyArray<ReplicaSetObj | undefined>, newRS: ReplicaSetObj | undefined): Condition[] {
  const of = (rs: ReplicaSetObj | undefined): Condition[] =>
    (rs?.status?.conditions ?? [])
      .filter((c) => c.type === REPLICA_FAILURE)
      .map((c) => ({ type: c.type, status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message }));
  const fromNew = of(newRS);
  if (fromNew.length) return fromNew;
  return allRSs.flatMap(of);
}

export async function syncRolloutStatus(dc: DeploymentDeps, allRSs: Array<ReplicaSetObj | undefined>, newRS: ReplicaSetObj | undefined, d: DeploymentObj): Promise<void> {
  const now = dc.now();
  const next = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(next, PROGRESSING);
  const current = getCondition(d.status, PROGRESSING);
  const isComplete = (next.replicas ?? 0) === (next.updatedReplicas ?? 0) && current?.reason === NEW_RS_AVAILABLE;
  if (hasProgressDeadline(d) && !isComplete) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata?.name}"` : `Deployment "${d.metadata?.name}"`;
    if (deploymentComplete(d, next)) {
      setCondition(next, newCondition(PROGRESSING, 'True', NEW_RS_AVAILABLE, `${subject} has successfully progressed.`, now));
    } else if (deploymentProgressing(d, next)) {
      const c = newCondition(PROGRESSING, 'True', REPLICASET_UPDATED, `${subject} is progressing.`, now);
      if (current) {
        if (current.status === 'True') c.lastTransitionTime = current.lastTransitionTime;
        removeCondition(next, PROGRESSING);
      }
      setCondition(next, c);
    } else if (deploymentTimedOut(d, next, now)) {
      setCondition(next, newCondition(PROGRESSING, 'False', TIMED_OUT, `${subject} has timed out progressing.`, now));
    }
  }
  const failures = replicaFailures(allRSs, newRS);
  if (failures.length) setCondition(next, failures[0]!);
  else removeCondition(next, REPLICA_FAILURE);

  if (statusEqual(d.status, next)) {
    requeueStuckDeployment(dc, d, next);
    return;
  }
  d.status = next;
  await writeStatus(dc, d);
}

/** ms until the progress check (-1: none needed, 0: requeued rate-limited now). */
export function requeueStuckDeployment(dc: DeploymentDeps, d: DeploymentObj, next: Status): number {
  const current = getCondition(d.status, PROGRESSING);
  if (!hasProgressDeadline(d) || !current) return -1;
  if (deploymentComplete(d, next) || current.reason === TIMED_OUT) return -1;
  const last = current.lastUpdateTime ? Date.parse(current.lastUpdateTime) : NaN;
  if (Number.isNaN(last)) return -1;
  const after = last + (d.spec!.progressDeadlineSeconds ?? 0) * 1000 - dc.now();
  if (after < 1000) {
    dc.enqueueRateLimited(d);
    return 0;
  }
  dc.enqueueAfter(d, after + 1000);
  return after;
}
