/**
 * Scaling and housekeeping shared by every strategy (sync.go): the paused/scaling path `sync`,
 * proportional `scale`, `scaleReplicaSet` (spec.replicas plus the desired/max annotations, one
 * ScalingReplicaSet Event per size change), revision-history cleanup, and the paused condition.
 *
 * Contracts:
 * - `scale` runs only for scaling events and paused Deployments, never for a rollout step: with one
 *   active ReplicaSet (or none: the newest) it gets every replica; with a saturated new ReplicaSet
 *   the old ones go to 0; otherwise, for RollingUpdate, replicas + maxSurge - current are spread
 *   proportionally (larger first; ties: newer first when growing, older first when shrinking) and
 *   the leftover goes to the first (largest) one.
 * - `cleanupDeployment` deletes the oldest old ReplicaSets beyond revisionHistoryLimit, skipping any
 *   that still has replicas (spec or status), an unobserved generation, or a deletionTimestamp.
 * - Every write uses the cached object's resourceVersion: a stale cache answers Conflict and the
 *   key is retried.
 */
import { isNotFound } from '../../client/rest.js';
import { REPLICASETS } from '../resources.js';
import type { DeploymentDeps } from './deps.js';
import type { DeploymentObj, ReplicaSetObj } from './types.js';
import { desiredReplicasAnnotation, replicasAnnotationsNeedUpdate, setReplicasAnnotations } from './annotations.js';
import { PAUSED, PROGRESSING, RESUMED, TIMED_OUT, getCondition, newCondition, setCondition } from './conditions.js';
import { getAllReplicaSetsAndSyncRevision } from './newrs.js';
import { getRollbackTo } from './rollback.js';
import { isRollingUpdate, isSaturated, maxSurge, proportion, replicaCount, replicasOf } from './replicas.js';
import { byRevision, bySizeNewer, bySizeOlder, filterActive, findActiveOrLatest, sorted } from './rsutil.js';
import { calculateStatus, hasProgressDeadline, hasRevisionHistoryLimit, statusEqual, writeStatus } from './status.js';

/** Status only (a Deployment being deleted). */
export async function syncStatusOnly(dc: DeploymentDeps, d: DeploymentObj, rsList: ReplicaSetObj[]): Promise<void> {
  const [newRS, oldRSs] = await getAllReplicaSetsAndSyncRevision(dc, d, rsList, false);
  await syncDeploymentStatus(dc, [...oldRSs, newRS], newRS, d);
}

/** Scaling events and paused Deployments. */
export async function sync(dc: DeploymentDeps, d: DeploymentObj, rsList: ReplicaSetObj[]): Promise<void> {
  const [newRS, oldRSs] = await getAllReplicaSetsAndSyncRevision(dc, d, rsList, false);
  await scale(dc, d, newRS, oldRSs);
  if (d.spec?.paused && getRollbackTo(d) === undefined) await cleanupDeployment(dc, oldRSs, d);
  await syncDeploymentStatus(dc, [...oldRSs, newRS], newRS, d);
}

/** Progressing=Unknown DeploymentPaused / DeploymentResumed, unless the deadline was already exceeded. */
export async function checkPausedConditions(dc: DeploymentDeps, d: DeploymentObj): Promise<void> {
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(d.status, PROGRESSING);
  if (cond?.reason === TIMED_OUT) return;
  const pausedCondExists = cond?.reason === PAUSED;
  let c;
  if (d.spec?.paused && !pausedCondExists) c = newCondition(PROGRESSING, 'Unknown', PAUSED, 'Deployment is paused', dc.now());
  else if (!d.spec?.paused && pausedCondExists) c = newCondition(PROGRESSING, 'Unknown', RESUMED, 'Deployment is resumed', dc.now());
  if (!c) return;
  setCondition((d.status ??= {}), c);
  await writeStatus(dc, d);
}

/** True when an active ReplicaSet's desired-replicas annotation differs from spec.replicas. */
export async function isScalingEvent(dc: DeploymentDeps, d: DeploymentObj, rsList: ReplicaSetObj[]): Promise<boolean> {
  const [newRS, oldRSs] = await getAllReplicaSetsAndSyncRevision(dc, d, rsList, false);
  for (const rs of filterActive([...oldRSs, newRS])) {
    const desired = desiredReplicasAnnotation(rs);
    if (desired !== undefined && desired !== replicasOf(d)) return true;
  }
  return false;
}

export async function scale(dc: DeploymentDeps, d: DeploymentObj, newRS: ReplicaSetObj | undefined, oldRSs: ReplicaSetObj[]): Promise<void> {
  const one = findActiveOrLatest(newRS, oldRSs);
  if (one) {
    if (replicasOf(one) !== replicasOf(d)) await scaleReplicaSetAndRecordEvent(dc, one, replicasOf(d), d);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of filterActive(oldRSs)) await scaleReplicaSetAndRecordEvent(dc, old, 0, d);
    return;
  }
  if (!isRollingUpdate(d)) return;
  let all = filterActive([...oldRSs, newRS]);
  const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowed - replicaCount(all);
  let op = '';
  if (toAdd > 0) {
    all = sorted(all, bySizeNewer);
    op = 'up';
  } else if (toAdd < 0) {
    all = sorted(all, bySizeOlder);
    op = 'down';
  }
  let added = 0;
  const sizes = all.map((rs) => {
    if (toAdd === 0) return replicasOf(rs);
    const p = proportion(rs, d, toAdd, added);
    added += p;
    return replicasOf(rs) + p;
  });
  for (let i = 0; i < all.length; i++) {
    let size = sizes[i]!;
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    await scaleReplicaSet(dc, all[i]!, size, d, op);
  }
}

/** [scaled, the ReplicaSet as written (or as given)]. */
export async function scaleReplicaSetAndRecordEvent(dc: DeploymentDeps, rs: ReplicaSetObj, newScale: number, d: DeploymentObj): Promise<[boolean, ReplicaSetObj]> {
  if (replicasOf(rs) === newScale) return [false, rs];
  return scaleReplicaSet(dc, rs, newScale, d, replicasOf(rs) < newScale ? 'up' : 'down');
}

export async function scaleReplicaSet(dc: DeploymentDeps, rs: ReplicaSetObj, newScale: number, d: DeploymentObj, op: string): Promise<[boolean, ReplicaSetObj]> {
  const sizeNeedsUpdate = replicasOf(rs) !== newScale;
  const desired = replicasOf(d);
  const max = desired + maxSurge(d);
  if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desired, max)) return [false, rs];
  const oldScale = replicasOf(rs);
  const copy = structuredClone(rs);
  copy.spec = { ...copy.spec!, replicas: newScale };
  setReplicasAnnotations(copy, desired, max);
  const updated = await dc.client.update<ReplicaSetObj>(REPLICASETS, copy);
  if (!sizeNeedsUpdate) return [false, updated];
  dc.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${updated.metadata?.name} from ${oldScale} to ${newScale}`);
  return [true, updated];
}

export async function cleanupDeployment(dc: DeploymentDeps, oldRSs: ReplicaSetObj[], d: DeploymentObj): Promise<void> {
  if (!hasRevisionHistoryLimit(d)) return;
  const cleanable = sorted(
    oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp),
    byRevision,
  );
  const diff = cleanable.length - (d.spec?.revisionHistoryLimit ?? 10);
  for (let i = 0; i < diff; i++) {
    const rs = cleanable[i]!;
    if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0) continue;
    if ((rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    dc.log.debug({ replicaSet: rs.metadata?.name }, 'Trying to cleanup replica set for deployment');
    try {
      await dc.client.delete(REPLICASETS, rs.metadata?.namespace, rs.metadata!.name!);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

export async function syncDeploymentStatus(dc: DeploymentDeps, allRSs: Array<ReplicaSetObj | undefined>, newRS: ReplicaSetObj | undefined, d: DeploymentObj): Promise<void> {
  const next = calculateStatus(allRSs, newRS, d, dc.now());
  if (statusEqual(d.status, next)) return;
  d.status = next;
  await writeStatus(dc, d);
}

