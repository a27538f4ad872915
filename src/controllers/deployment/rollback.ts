/**
 * Server-side rollback (rollback.go), requested through the `deprecated.deployment.rollback.to`
 * annotation (how apps/v1 round-trips the old spec.rollbackTo). kubectl v1.32's `rollout undo`
 * does not use it: it patches the template client-side; both end in the same state.
 *
 * Contracts:
 * - Revision 0 means the previous revision (the second largest). The template of the ReplicaSet
 *   with that revision is copied into the Deployment (hash label removed) together with that
 *   ReplicaSet's annotations (change-cause…); the annotation is always cleared with one update.
 * - Events: Normal DeploymentRollback "Rolled back deployment "<name>" to revision <n>"; Warning
 *   DeploymentRollbackRevisionNotFound / DeploymentRollbackTemplateUnchanged.
 */
import { DEPLOYMENTS } from '../resources.js';
import type { DeploymentDeps } from './deps.js';
import type { DeploymentObj, ReplicaSetObj } from './types.js';
import { DEPRECATED_ROLLBACK_TO, lastRevision, revisionOf, setDeploymentAnnotationsTo } from './annotations.js';
import { getAllReplicaSetsAndSyncRevision } from './newrs.js';
import { POD_TEMPLATE_HASH, equalIgnoreHash } from './rsutil.js';

export const ROLLBACK_REVISION_NOT_FOUND = 'DeploymentRollbackRevisionNotFound';
export const ROLLBACK_TEMPLATE_UNCHANGED = 'DeploymentRollbackTemplateUnchanged';
export const ROLLBACK_DONE = 'DeploymentRollback';

/** The requested revision, or undefined when there is no (valid) request. */
export function getRollbackTo(d: DeploymentObj): number | undefined {
  const v = d.metadata?.annotations?.[DEPRECATED_ROLLBACK_TO];
  if (!v || !/^[+-]?\d+$/.test(v)) return undefined;
  return Number.parseInt(v, 10);
}

export async function rollback(dc: DeploymentDeps, d: DeploymentObj, rsList: ReplicaSetObj[]): Promise<void> {
  const [newRS, allOld] = await getAllReplicaSetsAndSyncRevision(dc, d, rsList, true);
  const allRSs = [...allOld, ...(newRS ? [newRS] : [])];
  let to = getRollbackTo(d) ?? 0;
  if (to === 0) {
    to = lastRevision(allRSs);
    if (to === 0) {
      dc.recorder.event(d, 'Warning', ROLLBACK_REVISION_NOT_FOUND, 'Unable to find last revision.');
      return updateAndClearRollbackTo(dc, d);
    }
  }
  const target = allRSs.find((rs) => revisionOf(rs) === to);
  if (!target) {
    dc.recorder.event(d, 'Warning', ROLLBACK_REVISION_NOT_FOUND, 'Unable to find the revision to rollback to.');
    return updateAndClearRollbackTo(dc, d);
  }
  if (equalIgnoreHash(d.spec?.template, target.spec?.template)) {
    dc.recorder.event(d, 'Warning', ROLLBACK_TEMPLATE_UNCHANGED, `The rollback revision contains the same template as current deployment "${d.metadata?.name}"`);
    return updateAndClearRollbackTo(dc, d);
  }
  const template = structuredClone(target.spec!.template!);
  if (template.metadata?.labels) delete template.metadata.labels[POD_TEMPLATE_HASH];
  d.spec = { ...d.spec!, template };
  setDeploymentAnnotationsTo(d, target);
  await updateAndClearRollbackTo(dc, d);
  dc.recorder.event(d, 'Normal', ROLLBACK_DONE, `Rolled back deployment "${d.metadata?.name}" to revision ${to}`);
}

async function updateAndClearRollbackTo(dc: DeploymentDeps, d: DeploymentObj): Promise<void> {
  if (d.metadata?.annotations) delete d.metadata.annotations[DEPRECATED_ROLLBACK_TO];
  await dc.client.update(DEPLOYMENTS, d);
}
