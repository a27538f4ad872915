/**
 * Revision and replica annotations on Deployments and their ReplicaSets (deployment/util).
 *
 * Contracts:
 * - A ReplicaSet's revision is its `deployment.kubernetes.io/revision` (absent = 0; unparsable
 *   ones are skipped by max/last revision, as upstream logs and skips them).
 * - `setNewReplicaSetAnnotations` copies the Deployment's annotations except ANNOTATIONS_TO_SKIP,
 *   raises the revision to `newRevision` only when it is larger (remembering the former one in
 *   `revision-history`, at most 2000 characters, oldest dropped first) and, for a ReplicaSet about
 *   to be created, sets desired-replicas and max-replicas. Returns whether anything changed.
 * - Mutating functions change only the object passed in (callers pass their own copies).
 */
import type { DeploymentObj, ReplicaSetObj } from './types.js';
import { maxSurge, replicasOf } from './fenceposts.js';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const DEPRECATED_ROLLBACK_TO = 'deprecated.deployment.rollback.to';
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
export const MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000;

export const ANNOTATIONS_TO_SKIP: ReadonlySet<string> = new Set([LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, DEPRECATED_ROLLBACK_TO]);

type Annotated = { metadata?: { annotations?: Record<string, string> } };

function annotationsOf(obj: Annotated): Record<string, string> {
  const m = (obj.metadata ??= {});
  return (m.annotations ??= {});
}

const INT = /^[+-]?\d+$/;

/** The revision, 0 when absent; undefined when unparsable. */
export function revisionOf(obj: Annotated): number | undefined {
  const v = obj.metadata?.annotations?.[REVISION];
  if (v === undefined) return 0;
  return INT.test(v) ? Number.parseInt(v, 10) : undefined;
}

export function maxRevision(rss: Array<ReplicaSetObj | undefined>): number {
  let max = 0;
  for (const rs of rss) {
    const v = rs ? revisionOf(rs) : undefined;
    if (v !== undefined && v > max) max = v;
  }
  return max;
}

/** The second largest revision (deployment/util LastRevision). */
export function lastRevision(rss: Array<ReplicaSetObj | undefined>): number {
  let max = 0;
  let second = 0;
  for (const rs of rss) {
    const v = rs ? revisionOf(rs) : undefined;
    if (v === undefined) continue;
    if (v >= max) {
      second = max;
      max = v;
    } else if (v > second) second = v;
  }
  return second;
}

/** Sets the Deployment's revision annotation; true when it changed. */
export function setDeploymentRevision(d: DeploymentObj, revision: string): boolean {
  const a = annotationsOf(d);
  if (a[REVISION] === revision) return false;
  a[REVISION] = revision;
  return true;
}

function copyDeploymentAnnotationsToReplicaSet(d: DeploymentObj, rs: ReplicaSetObj): boolean {
  const rsa = annotationsOf(rs);
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(k) || rsa[k] === v) continue;
    rsa[k] = v;
    changed = true;
  }
  return changed;
}

export function setNewReplicaSetAnnotations(d: DeploymentObj, rs: ReplicaSetObj, newRevision: string, exists: boolean, limitChars = MAX_REV_HISTORY_LENGTH_IN_CHARS): boolean {
  let changed = copyDeploymentAnnotationsToReplicaSet(d, rs);
  const a = annotationsOf(rs);
  const had = Object.prototype.hasOwnProperty.call(a, REVISION);
  const oldRevision = a[REVISION] ?? '';
  let oldInt = 0;
  if (oldRevision !== '') {
    if (!INT.test(oldRevision)) return false;
    oldInt = Number.parseInt(oldRevision, 10);
  }
  if (!INT.test(newRevision)) return false;
  const newInt = Number.parseInt(newRevision, 10);
  if (oldInt < newInt) {
    a[REVISION] = newRevision;
    changed = true;
  }
  if (had && oldInt < newInt) {
    const history = a[REVISION_HISTORY] ?? '';
    let old = history.split(',');
    if (old[0]!.length === 0) a[REVISION_HISTORY] = oldRevision;
    else {
      let total = history.length + oldRevision.length + 1;
      let start = 0;
      while (total > limitChars && start < old.length) {
        total -= old[start]!.length + 1;
        start++;
      }
      if (total <= limitChars) {
        old = [...old.slice(start), oldRevision];
        a[REVISION_HISTORY] = old.join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  return changed;
}

/** For a rollback: keep only the Deployment's skipped annotations, then copy the rest from `rs`. */
export function setDeploymentAnnotationsTo(d: DeploymentObj, rs: ReplicaSetObj): void {
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) if (ANNOTATIONS_TO_SKIP.has(k)) kept[k] = v;
  for (const [k, v] of Object.entries(rs.metadata?.annotations ?? {})) if (!ANNOTATIONS_TO_SKIP.has(k)) kept[k] = v;
  (d.metadata ??= {}).annotations = kept;
}

function intAnnotation(rs: ReplicaSetObj, key: string): number | undefined {
  const v = rs.metadata?.annotations?.[key];
  return v !== undefined && INT.test(v) ? Number.parseInt(v, 10) : undefined;
}

export const desiredReplicasAnnotation = (rs: ReplicaSetObj): number | undefined => intAnnotation(rs, DESIRED_REPLICAS);
export const maxReplicasAnnotation = (rs: ReplicaSetObj): number | undefined => intAnnotation(rs, MAX_REPLICAS);

export function setReplicasAnnotations(rs: ReplicaSetObj, desired: number, max: number): boolean {
  const a = annotationsOf(rs);
  let changed = false;
  if (a[DESIRED_REPLICAS] !== String(desired)) {
    a[DESIRED_REPLICAS] = String(desired);
    changed = true;
  }
  if (a[MAX_REPLICAS] !== String(max)) {
    a[MAX_REPLICAS] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSetObj, desired: number, max: number): boolean {
  const a = rs.metadata?.annotations;
  return !a || a[DESIRED_REPLICAS] !== String(desired) || a[MAX_REPLICAS] !== String(max);
}
