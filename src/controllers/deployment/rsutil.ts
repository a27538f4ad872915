/**
 * Finding and ordering a Deployment's ReplicaSets (deployment/util and controller_utils).
 *
 * Contracts:
 * - The new ReplicaSet is the oldest one whose template equals the Deployment's, ignoring the
 *   pod-template-hash label (upstream picks the oldest deterministically when several match).
 * - Sorting functions return new arrays; inputs are never mutated.
 */
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { semanticEqual } from '../../api/apps/v1/helpers.js';
import type { DeploymentObj, ReplicaSetObj } from './types.js';
import { revisionOf } from './annotations.js';
import { replicasOf } from './replicas.js';

export const POD_TEMPLATE_HASH = 'pod-template-hash';

export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  const strip = (t: PodTemplateSpec | undefined): unknown => {
    const c = structuredClone(t ?? {}) as PodTemplateSpec & { metadata?: { labels?: Record<string, string> } };
    if (c.metadata?.labels) delete c.metadata.labels[POD_TEMPLATE_HASH];
    return c;
  };
  return semanticEqual(strip(a), strip(b));
}

const created = (rs: ReplicaSetObj): number => {
  const t = rs.metadata?.creationTimestamp;
  return t ? Date.parse(t) : 0;
};
const nameOf = (rs: ReplicaSetObj): string => rs.metadata?.name ?? '';

/** controller.ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function byCreation(a: ReplicaSetObj, b: ReplicaSetObj): number {
  const d = created(a) - created(b);
  if (d !== 0) return d;
  return nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0;
}

/** ReplicaSetsBySizeOlder: larger first; equal size, older first. */
export const bySizeOlder = (a: ReplicaSetObj, b: ReplicaSetObj): number => replicasOf(b) - replicasOf(a) || byCreation(a, b);
/** ReplicaSetsBySizeNewer: larger first; equal size, newer first. */
export const bySizeNewer = (a: ReplicaSetObj, b: ReplicaSetObj): number => replicasOf(b) - replicasOf(a) || byCreation(b, a);
/** ReplicaSetsByRevision: lower revision first; equal (or unparsable), by creation. */
export function byRevision(a: ReplicaSetObj, b: ReplicaSetObj): number {
  const ra = revisionOf(a);
  const rb = revisionOf(b);
  if (ra === undefined || rb === undefined || ra === rb) return byCreation(a, b);
  return ra - rb;
}

export const sorted = (rss: readonly ReplicaSetObj[], cmp: (a: ReplicaSetObj, b: ReplicaSetObj) => number): ReplicaSetObj[] => [...rss].sort(cmp);

/** controller.FilterActiveReplicaSets: present and spec.replicas > 0. */
export const filterActive = (rss: ReadonlyArray<ReplicaSetObj | undefined>): ReplicaSetObj[] => rss.filter((rs): rs is ReplicaSetObj => !!rs && replicasOf(rs) > 0);

export function findNewReplicaSet(d: DeploymentObj, rsList: readonly ReplicaSetObj[]): ReplicaSetObj | undefined {
  return sorted(rsList, byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** [old ReplicaSets with replicas, all old ReplicaSets]. */
export function findOldReplicaSets(d: DeploymentObj, rsList: readonly ReplicaSetObj[]): [ReplicaSetObj[], ReplicaSetObj[]] {
  const newRS = findNewReplicaSet(d, rsList);
  const all = rsList.filter((rs) => !newRS || rs.metadata?.uid !== newRS.metadata?.uid);
  return [all.filter((rs) => replicasOf(rs) !== 0), all];
}

/**
 * The one ReplicaSet that should hold every replica when scaling (FindActiveOrLatest): the only
 * active one; with none active, the new one, else the newest old one; undefined with several active.
 */
export function findActiveOrLatest(newRS: ReplicaSetObj | undefined, oldRSs: readonly ReplicaSetObj[]): ReplicaSetObj | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = sorted(oldRSs, (a, b) => byCreation(b, a));
  const active = filterActive([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  if (active.length === 1) return active[0];
  return undefined;
}
