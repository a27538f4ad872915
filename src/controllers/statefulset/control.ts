/**
 * One StatefulSet reconcile (pkg/controller/statefulset stateful_set_control.go and
 * stateful_pod_control.go): revisions, pod creation/deletion in ordinal order, rolling update and
 * status.
 *
 * Contracts:
 * - Revisions: the update revision is the one whose data equals the set's current template (the
 *   newest equal one is re-numbered when it is not the latest: a rollback); else a new one is
 *   created. The current revision is `status.currentRevision`'s, or the update revision at first.
 * - OrderedReady (monotonic): per sync at most one pod is created, and only when every lower
 *   ordinal is Running, Ready and available; scale-down deletes one pod at a time, highest ordinal
 *   first, only when all replicas are healthy (or the victim is the first unhealthy pod). Parallel
 *   creates and deletes without waiting (slow-start batches).
 * - Failed or succeeded pods are deleted and recreated on a later sync with the same identity.
 * - PVCs from volumeClaimTemplates are created (if missing) before their pod; their
 *   ownerReferences follow persistentVolumeClaimRetentionPolicy (default Retain: none).
 * - RollingUpdate deletes, one at a time from the highest ordinal down to the partition, a pod
 *   whose revision is not the update revision, waiting for each replacement to be healthy;
 *   OnDelete never deletes for an update. Nothing but status happens while the set is deleted.
 * - Status is written only when it changed; once every replica is updated and ready under
 *   RollingUpdate, currentRevision becomes updateRevision.
 * - Events (on the set): SuccessfulCreate "create Pod web-0 in StatefulSet web successful",
 *   SuccessfulDelete "delete Pod …", SuccessfulUpdate "update Pod …"; failures FailedCreate/…
 *   "create Pod web-0 in StatefulSet web failed error: <err>"; claims SuccessfulCreate
 *   "create Claim www-web-0 Pod web-0 in StatefulSet web success".
 */
import type { EventRecorder } from '../../client/events.js';
import type { Lister } from '../../client/informer.js';
import { isAlreadyExists, isConflict, isNotFound, type RestClient } from '../../client/rest.js';
import type { Logger } from '../../util/logger.js';
import { findEqualRevisions, equalRevision, nextRevision, revisionsToTruncate, RevisionHistory, sortControllerRevisions, type ControllerRevision } from '../common/history.js';
import type { PodObj } from '../common/podutil.js';
import { slowStartBatch } from '../common/slowstart.js';
import { PODS, PVCS, STATEFULSETS } from '../resources.js';
import {
  allowsBurst,
  applyRevision,
  claimOwnerUpToDate,
  desiredClaimOwnerRefs,
  getOrdinal,
  hasStaleOwnerRef,
  identityMatches,
  isCreated,
  isFailed,
  isHealthy,
  isPending,
  isRunningAndAvailable,
  isRunningAndReady,
  isSucceeded,
  isTerminating,
  newRevision,
  newVersionedPod,
  podClaims,
  podInOrdinalRange,
  podRevision,
  replicaStatus,
  retentionPolicy,
  startOrdinal,
  storageMatches,
  updateIdentity,
  updateStorage,
  type PvcObj,
  type StatefulSetObj,
  type StatefulSetStatus,
} from './utils.js';

export type StatefulSetClient = Pick<RestClient, 'get' | 'create' | 'update' | 'updateStatus' | 'patch' | 'delete'>;

export interface StatefulSetControlOptions {
  client: StatefulSetClient;
  pvcs: Lister<PvcObj>;
  recorder: Pick<EventRecorder, 'event'>;
  log: Logger;
  now?: () => number;
  signal?: AbortSignal;
}

type Status = StatefulSetStatus & { replicas: number; readyReplicas: number; availableReplicas: number; currentReplicas: number; updatedReplicas: number };

export class StatefulSetControl {
  private readonly history: RevisionHistory;
  private readonly now: () => number;

  constructor(private readonly o: StatefulSetControlOptions) {
    this.history = new RevisionHistory(o.client);
    this.now = o.now ?? Date.now;
  }

  /** UpdateStatefulSet: reconciles `set` given its pods and revisions; answers the status written. */
  async update(setIn: StatefulSetObj, pods: PodObj[], revisionsIn: ControllerRevision[]): Promise<Status | undefined> {
    const set: StatefulSetObj = structuredClone(setIn);
    const revisions = sortControllerRevisions([...revisionsIn]);
    const { current, update, collisionCount } = await this.revisions(set, revisions);
    let status: Status | undefined;
    let err: unknown;
    try {
      status = await this.updateStatefulSet(set, current, update, collisionCount, pods);
    } catch (e) {
      err = e;
      status = (e as { status?: Status }).status;
    }
    if (status) {
      try {
        await this.writeStatus(set, status);
      } catch (e) {
        err ??= e;
      }
    }
    try {
      await this.truncateHistory(set, pods, revisions, current, update);
    } catch (e) {
      err ??= e;
    }
    if (err) throw err;
    return status;
  }

  /** getStatefulSetRevisions. */
  private async revisions(set: StatefulSetObj, revisions: ControllerRevision[]): Promise<{ current: ControllerRevision; update: ControllerRevision; collisionCount: number }> {
    const collision = { count: set.status?.collisionCount ?? 0 };
    let update = newRevision(set, nextRevision(revisions), collision.count);
    const equal = findEqualRevisions(revisions, update);
    const last = revisions[revisions.length - 1];
    if (equal.length > 0 && equalRevision(last, equal[equal.length - 1])) update = last!;
    else if (equal.length > 0) update = await this.history.updateRevision(equal[equal.length - 1]!, update.revision, this.o.signal);
    else update = await this.history.create(set, update, collision, this.o.signal);
    const current = revisions.find((r) => r.metadata?.name === set.status?.currentRevision) ?? update;
    return { current, update, collisionCount: collision.count };
  }

  private async updateStatefulSet(set: StatefulSetObj, current: ControllerRevision, update: ControllerRevision, collisionCount: number, pods: PodObj[]): Promise<Status> {
    const currentSet = applyRevision(set, current);
    const updateSet = applyRevision(set, update);
    const currentName = current.metadata!.name!;
    const updateName = update.metadata!.name!;
    const minReady = set.spec?.minReadySeconds ?? 0;
    const status: Status = {
      observedGeneration: set.metadata?.generation,
      currentRevision: currentName,
      updateRevision: updateName,
      collisionCount,
      replicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
      currentReplicas: 0,
      updatedReplicas: 0,
    };
    const fillStatus = (...lists: PodObj[][]): void => {
      Object.assign(status, { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 });
      for (const l of lists) {
        const s = replicaStatus(l, minReady, currentName, updateName, this.now());
        status.replicas += s.replicas;
        status.readyReplicas += s.readyReplicas;
        status.availableReplicas += s.availableReplicas;
        status.currentReplicas += s.currentReplicas;
        status.updatedReplicas += s.updatedReplicas;
      }
    };
    fillStatus(pods);

    const replicaCount = set.spec?.replicas ?? 1;
    const start = startOrdinal(set);
    const replicas: PodObj[] = new Array(replicaCount);
    const condemned: PodObj[] = [];
    for (const pod of pods) {
      if (podInOrdinalRange(pod, set)) replicas[getOrdinal(pod) - start] = pod;
      else if (getOrdinal(pod) >= 0) condemned.push(pod);
    }
    for (let i = 0; i < replicaCount; i++) {
      replicas[i] ??= newVersionedPod(currentSet, updateSet, currentName, updateName, start + i);
    }
    condemned.sort((a, b) => getOrdinal(b) - getOrdinal(a));
    let firstUnhealthy: PodObj | undefined;
    for (const p of replicas) if (!firstUnhealthy && !isHealthy(p)) firstUnhealthy = p;
    for (let i = condemned.length - 1; i >= 0; i--) if (!firstUnhealthy && !isHealthy(condemned[i]!)) firstUnhealthy = condemned[i];

    if (set.metadata?.deletionTimestamp) return status;
    const monotonic = !allowsBurst(set);
    const fail = (err: unknown): never => {
      fillStatus(replicas, condemned);
      throw Object.assign(err instanceof Error ? err : new Error(String(err)), { status });
    };

    let exit = false;
    try {
      exit = await runForAll(replicas.length, (i) => this.processReplica(set, updateSet, monotonic, replicas, i), monotonic);
    } catch (e) {
      fail(e);
    }
    if (exit) {
      fillStatus(replicas, condemned);
      return status;
    }
    try {
      exit = await runForAll(
        condemned.length,
        async (i) => {
          if (!this.claimsMatchRetention(updateSet, condemned[i]!)) await this.updateClaimsForRetention(updateSet, condemned[i]!);
          return false;
        },
        monotonic,
      );
      if (!exit) exit = await runForAll(condemned.length, (i) => this.processCondemned(set, firstUnhealthy, monotonic, condemned, i), monotonic);
    } catch (e) {
      fail(e);
    }
    fillStatus(replicas, condemned);
    if (exit) return status;
    if (set.spec?.updateStrategy?.type === 'OnDelete') return status;

    const updateMin = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    for (let target = replicas.length - 1; target >= updateMin; target--) {
      const pod = replicas[target]!;
      if (podRevision(pod) !== updateName && !isTerminating(pod)) {
        this.o.log.debug({ namespace: set.metadata?.namespace, name: set.metadata?.name, pod: pod.metadata?.name }, 'pod of StatefulSet is terminating for update');
        try {
          await this.deletePod(set, pod);
        } catch (e) {
          if (!isNotFound(e)) fail(e);
        }
        status.currentReplicas--;
        return status;
      }
      if (!isHealthy(pod)) return status;
    }
    return status;
  }

  /** processReplica: answers true when this sync must stop here (monotonic) or the pod was replaced. */
  private async processReplica(set: StatefulSetObj, updateSet: StatefulSetObj, monotonic: boolean, replicas: PodObj[], i: number): Promise<boolean> {
    const pod = replicas[i]!;
    const minReady = set.spec?.minReadySeconds ?? 0;
    if (isFailed(pod) || isSucceeded(pod)) {
      if (!pod.metadata?.deletionTimestamp) await this.deletePod(set, pod);
      return true;
    }
    if (!isCreated(pod)) {
      if (this.podClaimIsStale(set, pod)) return true;
      await this.createPod(set, pod);
      if (monotonic) return true;
      return false;
    }
    if (isPending(pod)) await this.createClaims(set, pod);
    if (isTerminating(pod) && monotonic) return true;
    if (!isRunningAndReady(pod) && monotonic) return true;
    if (!isRunningAndAvailable(pod, minReady, this.now()) && monotonic) return true;
    if (identityMatches(set, pod) && storageMatches(set, pod) && this.claimsMatchRetention(updateSet, pod)) return false;
    await this.updatePod(updateSet, structuredClone(pod));
    return false;
  }

  /** processCondemned: deletes a surplus pod when the ordering rules allow it. */
  private async processCondemned(set: StatefulSetObj, firstUnhealthy: PodObj | undefined, monotonic: boolean, condemned: PodObj[], i: number): Promise<boolean> {
    const pod = condemned[i]!;
    if (isTerminating(pod)) return monotonic;
    if (!isRunningAndReady(pod) && monotonic && pod !== firstUnhealthy) return true;
    if (!isRunningAndAvailable(pod, set.spec?.minReadySeconds ?? 0, this.now()) && monotonic && pod !== firstUnhealthy) return true;
    this.o.log.debug({ namespace: set.metadata?.namespace, name: set.metadata?.name, pod: pod.metadata?.name }, 'pod of StatefulSet is terminating for scale down');
    await this.deletePod(set, pod);
    return true;
  }

  // ---- pod control ----

  private podEvent(verb: 'create' | 'delete' | 'update', set: StatefulSetObj, pod: PodObj, err?: unknown): void {
    const Verb = verb[0]!.toUpperCase() + verb.slice(1);
    if (err === undefined) this.o.recorder.event(set, 'Normal', `Successful${Verb}`, `${verb} Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} successful`);
    else this.o.recorder.event(set, 'Warning', `Failed${Verb}`, `${verb} Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} failed error: ${errMessage(err)}`);
  }

  private claimEvent(set: StatefulSetObj, pod: PodObj, claim: PvcObj, err?: unknown): void {
    if (err === undefined) this.o.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata?.name} Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} success`);
    else this.o.recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${claim.metadata?.name} for Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} failed error: ${errMessage(err)}`);
  }

  /** createPersistentVolumeClaims: creates the pod's missing claims; throws one error for all failures. */
  private async createClaims(set: StatefulSetObj, pod: PodObj): Promise<void> {
    const errs: string[] = [];
    for (const claim of podClaims(set, pod).values()) {
      const existing = this.o.pvcs.get(claim.metadata?.namespace, claim.metadata!.name!);
      if (existing) {
        if (existing.metadata?.deletionTimestamp) errs.push(`pvc ${claim.metadata?.name} is being deleted`);
        continue;
      }
      try {
        await this.o.client.create(PVCS, claim.metadata?.namespace, claim, { signal: this.o.signal });
        this.claimEvent(set, pod, claim);
      } catch (err) {
        if (isAlreadyExists(err)) continue;
        errs.push(`failed to create PVC ${claim.metadata?.name}: ${errMessage(err)}`);
        this.claimEvent(set, pod, claim, err);
      }
    }
    if (errs.length) throw new Error(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
  }

  private async createPod(set: StatefulSetObj, pod: PodObj): Promise<void> {
    try {
      await this.createClaims(set, pod);
    } catch (err) {
      this.podEvent('create', set, pod, err);
      throw err;
    }
    let created: PodObj;
    try {
      created = await this.o.client.create<PodObj>(PODS, set.metadata?.namespace, pod, { signal: this.o.signal });
    } catch (err) {
      if (!isAlreadyExists(err)) this.podEvent('create', set, pod, err);
      throw err;
    }
    try {
      if (!this.claimsMatchRetention(set, created)) await this.updateClaimsForRetention(set, created);
    } catch (err) {
      this.podEvent('update', set, pod, err);
      throw err;
    }
    this.podEvent('create', set, pod);
  }

  private async deletePod(set: StatefulSetObj, pod: PodObj): Promise<void> {
    try {
      await this.o.client.delete(PODS, pod.metadata?.namespace, pod.metadata!.name!, { signal: this.o.signal, preconditions: pod.metadata?.uid ? { uid: pod.metadata.uid } : undefined });
      this.podEvent('delete', set, pod);
    } catch (err) {
      this.podEvent('delete', set, pod, err);
      throw err;
    }
  }

  /** UpdateStatefulPod: fixes identity, storage and claim ownership; retries conflicts with a fresh GET. */
  private async updatePod(set: StatefulSetObj, podIn: PodObj): Promise<void> {
    let pod = podIn;
    let attempted = false;
    let lastErr: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      let consistent = true;
      if (!identityMatches(set, pod)) {
        updateIdentity(set, pod);
        consistent = false;
      }
      try {
        if (!storageMatches(set, pod)) {
          updateStorage(set, pod);
          consistent = false;
          await this.createClaims(set, pod);
        }
        if (!this.claimsMatchRetention(set, pod)) {
          await this.updateClaimsForRetention(set, pod);
          consistent = false;
        }
      } catch (err) {
        this.podEvent('update', set, pod, err);
        throw err;
      }
      if (consistent) {
        lastErr = undefined;
        break;
      }
      attempted = true;
      try {
        await this.o.client.update(PODS, pod, { signal: this.o.signal });
        lastErr = undefined;
        break;
      } catch (err) {
        lastErr = err;
        if (!isConflict(err)) break;
        pod = await this.o.client.get<PodObj>(PODS, pod.metadata?.namespace, pod.metadata!.name!, { signal: this.o.signal });
      }
    }
    if (attempted) this.podEvent('update', set, pod, lastErr);
    if (lastErr) throw lastErr;
  }

  // ---- claims and retention ----

  private claimsMatchRetention(set: StatefulSetObj, pod: PodObj): boolean {
    for (const c of podClaims(set, pod).values()) {
      const claim = this.o.pvcs.get(c.metadata?.namespace, c.metadata!.name!);
      if (claim && !claimOwnerUpToDate(claim, set, pod)) return false;
    }
    return true;
  }

  private async updateClaimsForRetention(set: StatefulSetObj, pod: PodObj): Promise<void> {
    for (const c of podClaims(set, pod).values()) {
      const claim = this.o.pvcs.get(c.metadata?.namespace, c.metadata!.name!);
      if (!claim || claimOwnerUpToDate(claim, set, pod)) continue;
      const next: PvcObj = structuredClone(claim);
      const refs = desiredClaimOwnerRefs(claim, set, pod);
      next.metadata!.ownerReferences = refs.length ? refs : undefined;
      try {
        await this.o.client.update(PVCS, next, { signal: this.o.signal });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  /** PodClaimIsStale: with whenScaled=Delete, a claim still owned by an earlier pod of this name. */
  private podClaimIsStale(set: StatefulSetObj, pod: PodObj): boolean {
    if (retentionPolicy(set).whenScaled === 'Retain') return false;
    for (const c of podClaims(set, pod).values()) {
      const claim = this.o.pvcs.get(c.metadata?.namespace, c.metadata!.name!);
      if (claim && hasStaleOwnerRef(claim, pod, 'Pod')) return true;
    }
    return false;
  }

  // ---- status and history ----

  /** updateStatefulSetStatus: completes a finished rolling update and writes a changed status. */
  private async writeStatus(set: StatefulSetObj, status: Status): Promise<void> {
    if (set.spec?.updateStrategy?.type === 'RollingUpdate' && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
      status.currentReplicas = status.updatedReplicas;
      status.currentRevision = status.updateRevision;
    }
    const s = set.status;
    const changed =
      !s ||
      (status.observedGeneration ?? 0) > (s.observedGeneration ?? 0) ||
      status.replicas !== (s.replicas ?? 0) ||
      status.currentReplicas !== (s.currentReplicas ?? 0) ||
      status.readyReplicas !== (s.readyReplicas ?? 0) ||
      status.updatedReplicas !== (s.updatedReplicas ?? 0) ||
      status.currentRevision !== s.currentRevision ||
      status.availableReplicas !== (s.availableReplicas ?? 0) ||
      status.updateRevision !== s.updateRevision ||
      status.collisionCount !== s.collisionCount;
    if (!changed) return;
    let toUpdate: StatefulSetObj = structuredClone(set);
    for (let attempt = 0; ; attempt++) {
      toUpdate.status = { ...(toUpdate.status ?? {}), ...status };
      try {
        await this.o.client.updateStatus(STATEFULSETS, toUpdate, { signal: this.o.signal });
        return;
      } catch (err) {
        if (attempt >= 4 || !isConflict(err)) throw err;
        toUpdate = await this.o.client.get<StatefulSetObj>(STATEFULSETS, set.metadata?.namespace, set.metadata!.name!, { signal: this.o.signal });
      }
    }
  }

  /** truncateHistory: keeps revisions in use plus revisionHistoryLimit others. */
  private async truncateHistory(set: StatefulSetObj, pods: PodObj[], sorted: ControllerRevision[], current: ControllerRevision, update: ControllerRevision): Promise<void> {
    const live = new Set<string>([current.metadata!.name!, update.metadata!.name!]);
    for (const p of pods) live.add(podRevision(p));
    for (const r of revisionsToTruncate(sorted, live, set.spec?.revisionHistoryLimit ?? 10)) {
      await this.history.delete(r, this.o.signal).catch((e) => {
        if (!isNotFound(e)) throw e;
      });
    }
  }
}

/** runForAll: in order, stopping at the first `true` (monotonic), or in slow-start batches. */
async function runForAll(count: number, fn: (i: number) => Promise<boolean>, monotonic: boolean): Promise<boolean> {
  if (monotonic) {
    for (let i = 0; i < count; i++) if (await fn(i)) return true;
    return false;
  }
  const r = await slowStartBatch(count, 1, async (i) => {
    await fn(i);
  });
  if (r.error !== undefined) throw r.error;
  return false;
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
