/**
 * The RollingUpdate strategy (rolling.go). One step per sync: scale the new ReplicaSet up if the
 * surge allows; otherwise scale old ones down if availability allows; once complete, clean up
 * history. Every step ends by writing the rollout status.
 *
 * Contracts (D = spec.replicas, all counts from spec.replicas of the ReplicaSets):
 * - Scale up: total never exceeds D + maxSurge, the new ReplicaSet never exceeds D.
 * - Scale down: at most total - (D - maxUnavailable) - (new ReplicaSet's unavailable replicas).
 *   Unhealthy replicas of old ReplicaSets (spec - available, oldest ReplicaSet first) go first,
 *   then available ones only while available replicas stay above D - maxUnavailable.
 */
import type { DeploymentDeps } from './deps.js';
import type { DeploymentObj, ReplicaSetObj } from './types.js';
import { getAllReplicaSetsAndSyncRevision } from './newrs.js';
import { deploymentComplete, syncRolloutStatus } from './progress.js';
import { availableReplicaCount, maxUnavailable, newRSNewReplicas, replicaCount, replicasOf } from './replicas.js';
import { byCreation, filterActive, sorted } from './rsutil.js';
import { cleanupDeployment, scaleReplicaSetAndRecordEvent } from './sync.js';

export async function rolloutRolling(dc: DeploymentDeps, d: DeploymentObj, rsList: ReplicaSetObj[]): Promise<void> {
  const [newRS, oldRSs] = await getAllReplicaSetsAndSyncRevision(dc, d, rsList, true);
  // getNewReplicaSet with create=true always answers a ReplicaSet (or throws).
  const rs = newRS!;
  const allRSs = [...oldRSs, rs];
  if (await reconcileNewReplicaSet(dc, allRSs, rs, d)) return syncRolloutStatus(dc, allRSs, rs, d);
  if (await reconcileOldReplicaSets(dc, allRSs, filterActive(oldRSs), rs, d)) return syncRolloutStatus(dc, allRSs, rs, d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(dc, oldRSs, d);
  return syncRolloutStatus(dc, allRSs, rs, d);
}

export async function reconcileNewReplicaSet(dc: DeploymentDeps, allRSs: ReplicaSetObj[], newRS: ReplicaSetObj, d: DeploymentObj): Promise<boolean> {
  const want = replicasOf(d);
  if (replicasOf(newRS) === want) return false;
  if (replicasOf(newRS) > want) return (await scaleReplicaSetAndRecordEvent(dc, newRS, want, d))[0];
  const count = newRSNewReplicas(d, allRSs, newRS);
  return (await scaleReplicaSetAndRecordEvent(dc, newRS, count, d))[0];
}

export async function reconcileOldReplicaSets(dc: DeploymentDeps, allRSs: ReplicaSetObj[], oldRSs: ReplicaSetObj[], newRS: ReplicaSetObj, d: DeploymentObj): Promise<boolean> {
  if (replicaCount(oldRSs) === 0) return false;
  const allPods = replicaCount(allRSs);
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  let cleaned: ReplicaSetObj[];
  let cleanupCount: number;
  try {
    [cleaned, cleanupCount] = await cleanupUnhealthyReplicas(dc, oldRSs, d, maxScaledDown);
  } catch (err) {
    // Upstream swallows the error here (the step reports "not scaled"; the next sync retries).
    dc.log.warn({ err: String(err) }, 'cleaning up unhealthy replicas failed');
    return false;
  }
  let scaledDown: number;
  try {
    scaledDown = await scaleDownOldReplicaSetsForRollingUpdate(dc, [...cleaned, newRS], cleaned, d);
  } catch (err) {
    dc.log.warn({ err: String(err) }, 'scaling down old replica sets failed');
    return false;
  }
  return cleanupCount + scaledDown > 0;
}

/** Scales old ReplicaSets down by their unavailable replicas, oldest first, at most `maxCleanup` in all. */
export async function cleanupUnhealthyReplicas(dc: DeploymentDeps, oldRSs: ReplicaSetObj[], d: DeploymentObj, maxCleanup: number): Promise<[ReplicaSetObj[], number]> {
  const rss = sorted(oldRSs, byCreation);
  let total = 0;
  for (let i = 0; i < rss.length; i++) {
    if (total >= maxCleanup) break;
    const rs = rss[i]!;
    const spec = replicasOf(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (spec === 0 || spec === available) continue;
    const n = Math.min(maxCleanup - total, spec - available);
    const next = spec - n;
    if (next > spec) throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata?.namespace}/${rs.metadata?.name} ${spec} -> ${next}`);
    const [, updated] = await scaleReplicaSetAndRecordEvent(dc, rs, next, d);
    total += n;
    rss[i] = updated;
  }
  return [rss, total];
}

/** Scales old ReplicaSets down (oldest first) while available replicas exceed D - maxUnavailable. */
export async function scaleDownOldReplicaSetsForRollingUpdate(dc: DeploymentDeps, allRSs: ReplicaSetObj[], oldRSs: ReplicaSetObj[], d: DeploymentObj): Promise<number> {
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const available = availableReplicaCount(allRSs);
  if (available <= minAvailable) return 0;
  const want = available - minAvailable;
  let total = 0;
  for (const rs of sorted(oldRSs, byCreation)) {
    if (total >= want) break;
    if (replicasOf(rs) === 0) continue;
    const n = Math.min(replicasOf(rs), want - total);
    const next = replicasOf(rs) - n;
    if (next > replicasOf(rs)) throw new Error(`when scaling down old RS, got invalid request to scale down ${rs.metadata?.namespace}/${rs.metadata?.name} ${replicasOf(rs)} -> ${next}`);
    await scaleReplicaSetAndRecordEvent(dc, rs, next, d);
    total += n;
  }
  return total;
}
