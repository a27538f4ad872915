/**
 * Deployment status: computing it from the ReplicaSets (calculateStatus), comparing and writing it.
 *
 * Contracts:
 * - `calculateStatus` copies the current conditions and sets Available from availability against
 *   replicas - maxUnavailable; counts come from the ReplicaSets' status (updated = the new one's).
 *   Zero counts are left out, as Go's omitempty does on the wire.
 * - `statusEqual` treats absent counts as 0 and compares conditions field by field in order.
 * - `writeStatus` PUTs `/status` with `d` (its resourceVersion guards the write) and then carries the
 *   new resourceVersion into `d`, so later writes in the same sync do not conflict with our own.
 *   The status write also stores `d`'s annotations (the revision), as upstream's status strategy
 *   keeps the request's metadata.
 */
import type { Meta } from '../../api/types.js';
import { DEPLOYMENTS } from '../resources.js';
import type { DeploymentDeps } from './deps.js';
import type { DeploymentObj, ReplicaSetObj, Status } from './types.js';
import { AVAILABLE, MIN_REPLICAS_AVAILABLE, MIN_REPLICAS_UNAVAILABLE, newCondition, setCondition } from './conditions.js';
import { actualReplicaCount, availableReplicaCount, maxUnavailable, readyReplicaCount, replicaCount, replicasOf } from './replicas.js';

const MAX_INT32 = 2147483647;

export const hasProgressDeadline = (d: DeploymentObj): boolean => {
  const p = d.spec?.progressDeadlineSeconds;
  return p !== undefined && p !== null && p !== MAX_INT32;
};

export const hasRevisionHistoryLimit = (d: DeploymentObj): boolean => {
  const l = d.spec?.revisionHistoryLimit;
  return l !== undefined && l !== null && l !== MAX_INT32;
};

const omitZero = (s: Status): Status => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) if (v !== 0 && v !== undefined && v !== null) out[k] = v;
  return out as Status;
};

export function calculateStatus(allRSs: ReadonlyArray<ReplicaSetObj | undefined>, newRS: ReplicaSetObj | undefined, d: DeploymentObj, now: number): Status {
  const available = availableReplicaCount(allRSs);
  const total = replicaCount(allRSs);
  const status: Status = omitZero({
    observedGeneration: d.metadata?.generation ?? 0,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    collisionCount: d.status?.collisionCount,
  });
  if (d.status?.conditions?.length) status.conditions = d.status.conditions.map((c) => ({ ...c }));
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition(AVAILABLE, 'True', MIN_REPLICAS_AVAILABLE, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition(AVAILABLE, 'False', MIN_REPLICAS_UNAVAILABLE, 'Deployment does not have minimum availability.', now));
  }
  return status;
}

function normalized(s: Status | undefined): string {
  const n = (v: number | undefined | null): number => v ?? 0;
  return JSON.stringify({
    observedGeneration: n(s?.observedGeneration),
    replicas: n(s?.replicas),
    updatedReplicas: n(s?.updatedReplicas),
    readyReplicas: n(s?.readyReplicas),
    availableReplicas: n(s?.availableReplicas),
    unavailableReplicas: n(s?.unavailableReplicas),
    collisionCount: s?.collisionCount ?? null,
    conditions: (s?.conditions ?? []).map((c) => [c.type, c.status, c.reason ?? '', c.message ?? '', c.lastUpdateTime ?? '', c.lastTransitionTime ?? '']),
  });
}

export const statusEqual = (a: Status | undefined, b: Status | undefined): boolean => normalized(a) === normalized(b);

export async function writeStatus(dc: DeploymentDeps, d: DeploymentObj): Promise<void> {
  const res = await dc.client.updateStatus<DeploymentObj>(DEPLOYMENTS, d);
  const meta: Meta = (d.metadata ??= {});
  meta.resourceVersion = res.metadata?.resourceVersion;
}
