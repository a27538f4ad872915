/**
 * The new ReplicaSet of a Deployment (sync.go getAllReplicaSetsAndSyncRevision / getNewReplicaSet).
 *
 * Contracts:
 * - The new ReplicaSet's revision becomes max(old revisions)+1 when lower, its annotations follow
 *   the Deployment's, its minReadySeconds the Deployment's; the Deployment's revision annotation
 *   follows the new ReplicaSet's. A Progressing condition FoundNewReplicaSet is recorded when
 *   there is a deadline and no Progressing condition yet.
 * - With `create`, a missing new ReplicaSet is created as `<deployment>-<hash>` (hash of the
 *   template and status.collisionCount) with the pod-template-hash label in its selector, labels
 *   and template, sized by newRSNewReplicas. AlreadyExists from a ReplicaSet we own with an equal
 *   template counts as created; from any other it is a hash collision: collisionCount is bumped
 *   in the status and the error is thrown (the next sync uses the next name).
 * - ReplicaSets written here replace their stale copies in `rsList` (the caller's own array).
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { ApiStatusError, isAlreadyExists } from '../../client/rest.js';
import { controllerOf, controllerRef } from '../common/controllerref.js';
import { REPLICASETS } from '../resources.js';
import type { DeploymentDeps } from './deps.js';
import { APPS_V1, DEPLOYMENT_KIND, REPLICASET_KIND, type DeploymentObj, type ReplicaSetObj } from './types.js';
import { REVISION, maxRevision, setDeploymentRevision, setNewReplicaSetAnnotations } from './annotations.js';
import { FAILED_RS_CREATE, FOUND_NEW_RS, NEW_REPLICASET, PROGRESSING, getCondition, newCondition, setCondition } from './conditions.js';
import { computeHash } from './hash.js';
import { newRSNewReplicas } from './replicas.js';
import { POD_TEMPLATE_HASH, equalIgnoreHash, findNewReplicaSet, findOldReplicaSets } from './rsutil.js';
import { hasProgressDeadline, writeStatus } from './status.js';

export function cloneSelectorAndAddLabel(sel: LabelSelector | undefined, key: string, value: string): LabelSelector {
  const out: LabelSelector = {};
  out.matchLabels = { ...(sel?.matchLabels ?? {}), [key]: value };
  if (sel?.matchExpressions) out.matchExpressions = structuredClone(sel.matchExpressions);
  return out;
}

export function replaceIn(rsList: ReplicaSetObj[], rs: ReplicaSetObj): void {
  const i = rsList.findIndex((x) => x.metadata?.uid === rs.metadata?.uid);
  if (i >= 0) rsList[i] = rs;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const namespaceTerminating = (e: unknown): boolean =>
  e instanceof ApiStatusError && !!e.status.details?.causes?.some((c) => c.reason === 'NamespaceTerminating');

/** [new ReplicaSet (undefined when absent and not created), all old ReplicaSets]. */
export async function getAllReplicaSetsAndSyncRevision(dc: DeploymentDeps, d: DeploymentObj, rsList: ReplicaSetObj[], create: boolean): Promise<[ReplicaSetObj | undefined, ReplicaSetObj[]]> {
  const [, allOld] = findOldReplicaSets(d, rsList);
  const newRS = await getNewReplicaSet(dc, d, rsList, allOld, create);
  return [newRS, allOld];
}

export async function getNewReplicaSet(dc: DeploymentDeps, d: DeploymentObj, rsList: ReplicaSetObj[], oldRSs: ReplicaSetObj[], create: boolean): Promise<ReplicaSetObj | undefined> {
  const existing = findNewReplicaSet(d, rsList);
  const newRevision = String(maxRevision(oldRSs) + 1);
  const now = dc.now();
  if (existing) {
    const rsCopy = structuredClone(existing);
    const annotationsUpdated = setNewReplicaSetAnnotations(d, rsCopy, newRevision, true);
    const minReady = d.spec?.minReadySeconds ?? 0;
    const minReadyNeedsUpdate = (rsCopy.spec?.minReadySeconds ?? 0) !== minReady;
    if (annotationsUpdated || minReadyNeedsUpdate) {
      // Touch the spec only when it differs, so an annotation-only write does not bump the generation.
      if (minReadyNeedsUpdate) rsCopy.spec = { ...rsCopy.spec!, minReadySeconds: minReady };
      const updated = await dc.client.update<ReplicaSetObj>(REPLICASETS, rsCopy);
      replaceIn(rsList, updated);
      return updated;
    }
    let needsUpdate = setDeploymentRevision(d, rsCopy.metadata?.annotations?.[REVISION] ?? '');
    if (hasProgressDeadline(d) && !getCondition(d.status, PROGRESSING)) {
      setCondition((d.status ??= {}), newCondition(PROGRESSING, 'True', FOUND_NEW_RS, `Found new replica set "${rsCopy.metadata?.name}"`, now));
      needsUpdate = true;
    }
    if (needsUpdate) await writeStatus(dc, d);
    return rsCopy;
  }
  if (!create) return undefined;

  const ns = d.metadata?.namespace;
  const template = structuredClone(d.spec?.template ?? {});
  const hash = computeHash(d.spec?.template, d.status?.collisionCount);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
  const newRS: ReplicaSetObj = {
    apiVersion: APPS_V1,
    kind: REPLICASET_KIND,
    metadata: {
      name: `${d.metadata?.name}-${hash}`,
      namespace: ns,
      ownerReferences: [controllerRef(d, APPS_V1, DEPLOYMENT_KIND)],
      labels: { ...template.metadata.labels },
    },
    spec: {
      replicas: 0,
      minReadySeconds: d.spec?.minReadySeconds ?? 0,
      selector: cloneSelectorAndAddLabel(d.spec?.selector, POD_TEMPLATE_HASH, hash),
      template,
    },
  };
  const replicas = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
  newRS.spec!.replicas = replicas;
  setNewReplicaSetAnnotations(d, newRS, newRevision, false);

  let created: ReplicaSetObj;
  let alreadyExists = false;
  try {
    created = await dc.client.create<ReplicaSetObj>(REPLICASETS, ns, newRS);
  } catch (e) {
    if (isAlreadyExists(e)) {
      const rs = dc.replicaSets.get(ns, newRS.metadata!.name!);
      if (!rs) throw e;
      const ref = controllerOf(rs);
      if (ref && ref.uid === d.metadata?.uid && equalIgnoreHash(d.spec?.template, rs.spec?.template)) {
        created = rs;
        alreadyExists = true;
      } else {
        const status = (d.status ??= {});
        const before = status.collisionCount ?? 0;
        status.collisionCount = before + 1;
        try {
          await writeStatus(dc, d);
          dc.log.info({ collisionCount: status.collisionCount, previous: before }, 'Found a hash collision for deployment - bumping collisionCount to resolve it');
        } catch {
          /* the original error is what we report; the next sync retries */
        }
        throw e;
      }
    } else if (namespaceTerminating(e)) {
      throw e;
    } else {
      const msg = `Failed to create new replica set "${newRS.metadata!.name}": ${errorText(e)}`;
      if (hasProgressDeadline(d)) {
        setCondition((d.status ??= {}), newCondition(PROGRESSING, 'False', FAILED_RS_CREATE, msg, now));
        await writeStatus(dc, d).catch(() => undefined);
      }
      dc.recorder.event(d, 'Warning', FAILED_RS_CREATE, msg);
      throw e;
    }
  }
  if (!alreadyExists) {
    rsList.push(created);
    if (replicas > 0) dc.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata?.name} from 0 to ${replicas}`);
  }
  let needsUpdate = setDeploymentRevision(d, newRevision);
  if (!alreadyExists && hasProgressDeadline(d)) {
    setCondition((d.status ??= {}), newCondition(PROGRESSING, 'True', NEW_REPLICASET, `Created new replica set "${created.metadata?.name}"`, now));
    needsUpdate = true;
  }
  if (needsUpdate) await writeStatus(dc, d);
  return created;
}
