/**
 * The Recreate strategy (recreate.go): scale every old ReplicaSet to 0, wait until no old pod is
 * left (terminating ones count, terminal ones do not), only then create the new ReplicaSet at full
 * size. So old and new pods never run at once.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { DeploymentDeps } from './deps.js';
import type { DeploymentObj, ReplicaSetObj } from './types.js';
import { getAllReplicaSetsAndSyncRevision } from './newrs.js';
import { deploymentComplete, syncRolloutStatus } from './progress.js';
import { actualReplicaCount, replicasOf } from './replicas.js';
import { filterActive } from './rsutil.js';
import { cleanupDeployment, scaleReplicaSetAndRecordEvent } from './sync.js';

/** Pods by the uid of the ReplicaSet controlling them (every ReplicaSet of the Deployment has an entry). */
export type PodMap = Map<string, Pod[]>;

export async function rolloutRecreate(dc: DeploymentDeps, d: DeploymentObj, rsList: ReplicaSetObj[], podMap: PodMap): Promise<void> {
  let [newRS, oldRSs] = await getAllReplicaSetsAndSyncRevision(dc, d, rsList, false);
  let allRSs = [...oldRSs, newRS];
  if (await scaleDownOldReplicaSetsForRecreate(dc, filterActive(oldRSs), d)) return syncRolloutStatus(dc, allRSs, newRS, d);
  if (oldPodsRunning(newRS, oldRSs, podMap)) return syncRolloutStatus(dc, allRSs, newRS, d);
  if (!newRS) {
    [newRS, oldRSs] = await getAllReplicaSetsAndSyncRevision(dc, d, rsList, true);
    allRSs = [...oldRSs, newRS];
  }
  await scaleReplicaSetAndRecordEvent(dc, newRS!, replicasOf(d), d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(dc, oldRSs, d);
  return syncRolloutStatus(dc, allRSs, newRS, d);
}

async function scaleDownOldReplicaSetsForRecreate(dc: DeploymentDeps, oldRSs: ReplicaSetObj[], d: DeploymentObj): Promise<boolean> {
  let scaled = false;
  for (const rs of oldRSs) {
    if (replicasOf(rs) === 0) continue;
    const [did] = await scaleReplicaSetAndRecordEvent(dc, rs, 0, d);
    if (did) scaled = true;
  }
  return scaled;
}

/** True while an old ReplicaSet reports replicas or owns a pod that is not Succeeded/Failed. */
export function oldPodsRunning(newRS: ReplicaSetObj | undefined, oldRSs: ReplicaSetObj[], podMap: PodMap): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata?.uid === uid) continue;
    for (const p of pods) {
      const phase = p.status?.phase;
      if (phase === 'Failed' || phase === 'Succeeded') continue;
      return true;
    }
  }
  return false;
}
