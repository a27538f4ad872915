/**
 * Replica arithmetic of deployment/util: proportions for scaling mid-rollout, the new
 * ReplicaSet's allowed size, saturation, and sums over ReplicaSets. Nothing here mutates its
 * arguments. (The fenceposts live in fenceposts.ts and are re-exported here.)
 */
import type { DeploymentObj, ReplicaSetObj } from './types.js';
import { maxReplicasAnnotation, desiredReplicasAnnotation } from './annotations.js';
import { maxSurge, replicasOf, scaledValue } from './fenceposts.js';

export { isRollingUpdate, maxSurge, maxUnavailable, replicasOf, resolveFenceposts, scaledValue } from './fenceposts.js';

type RSs = ReadonlyArray<ReplicaSetObj | undefined>;
const sum = (rss: RSs, f: (rs: ReplicaSetObj) => number): number => rss.reduce((n, rs) => (rs ? n + f(rs) : n), 0);

/** Sum of spec.replicas. */
export const replicaCount = (rss: RSs): number => sum(rss, replicasOf);
/** Sum of status.replicas. */
export const actualReplicaCount = (rss: RSs): number => sum(rss, (rs) => rs.status?.replicas ?? 0);
export const readyReplicaCount = (rss: RSs): number => sum(rss, (rs) => rs.status?.readyReplicas ?? 0);
export const availableReplicaCount = (rss: RSs): number => sum(rss, (rs) => rs.status?.availableReplicas ?? 0);

/** Go's math.Round (half away from zero). */
const round = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

function replicaSetFraction(rs: ReplicaSetObj, d: DeploymentObj): number {
  if (replicasOf(d) === 0) return -replicasOf(rs);
  const deploymentMax = replicasOf(d) + maxSurge(d);
  let annotated = maxReplicasAnnotation(rs);
  // No (or a zero) annotation: fall back to the Deployment's current size.
  if (annotated === undefined || annotated === 0) annotated = d.status?.replicas ?? 0;
  if (annotated === 0) return 0;
  return round((replicasOf(rs) * deploymentMax) / annotated) - replicasOf(rs);
}

/** How many replicas `rs` gains (or loses, negative) of `toAdd`, given `added` so far (GetProportion). */
export function proportion(rs: ReplicaSetObj | undefined, d: DeploymentObj, toAdd: number, added: number): number {
  if (!rs || replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** The size the new ReplicaSet may have now (NewRSNewReplicas). Throws for an unknown strategy. */
export function newRSNewReplicas(d: DeploymentObj, allRSs: RSs, newRS: ReplicaSetObj): number {
  const type = d.spec?.strategy?.type ?? 'RollingUpdate';
  if (type === 'Recreate') return replicasOf(d);
  if (type !== 'RollingUpdate') throw new Error(`deployment type ${type} isn't supported`);
  const surge = scaledValue(d.spec?.strategy?.rollingUpdate?.maxSurge ?? 0, replicasOf(d), true);
  const current = replicaCount(allRSs);
  const maxTotal = replicasOf(d) + surge;
  if (current >= maxTotal) return replicasOf(newRS);
  const up = Math.min(maxTotal - current, replicasOf(d) - replicasOf(newRS));
  return replicasOf(newRS) + up;
}

/** The new ReplicaSet holds every desired replica, believes so (annotation), and all are available. */
export function isSaturated(d: DeploymentObj, rs: ReplicaSetObj | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasAnnotation(rs);
  if (desired === undefined) return false;
  return replicasOf(rs) === replicasOf(d) && desired === replicasOf(d) && (rs.status?.availableReplicas ?? 0) === replicasOf(d);
}
