/**
 * The Job controller (pkg/controller/job, batch/v1, as of Kubernetes 1.32): runs a Job's pods to
 * completion and tracks them with the `batch.kubernetes.io/job-tracking` finalizer.
 *
 * Contracts:
 * - `sync(key)` is level-triggered: it re-reads the Job and its pods from the listers. Informer
 *   handlers (`onPod*`, `onJob*`) only enqueue keys: Job creation/spec changes at once, pod events
 *   and status-only Job updates after a 1 s batch period.
 * - Every pod is created with the tracking finalizer. A finished pod is first recorded in
 *   status.uncountedTerminatedPods (one status write), then its finalizer is removed, then it is
 *   moved into status.succeeded/failed (second write), so no pod is counted twice or lost even if
 *   the controller stops in between.
 * - Finishing takes two steps (1.31+ with JobManagedBy/JobPodReplacementPolicy on): first the
 *   interim SuccessCriteriaMet or FailureTarget condition, then, once no pod is terminating and
 *   nothing is uncounted, Complete (with completionTime) or Failed, with the Completed /
 *   <failure reason> Event.
 * - Replacements for failed pods wait 10 s · 2^(n-1) (max 10 min) after the n-th consecutive
 *   failure; the Job key is re-queued for then.
 * - Pods of a Job that is finished or gone, and orphans, get their finalizer removed by
 *   `syncOrphanPod` (a separate queue of pod keys).
 */
import type { Container, EnvVar, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { Lister } from '../../client/informer.js';
import type { DeletedObject } from '../../client/informer.js';
import type { EventRecorder } from '../../client/events.js';
import { isNotFound, type RestClient } from '../../client/rest.js';
import { labelSelectorToSelector, type Selector } from '../../machinery/labels.js';
import { formatRfc3339 } from '../../machinery/meta.js';
import type { Logger } from '../../util/logger.js';
import { claim, controllerOf, controllerRef } from '../common/controllerref.js';
import { Expectations } from '../common/expectations.js';
import { keyOf, splitKey } from '../common/keys.js';
import { compareForDeletion, isPodActive, isPodReady, podFromTemplate, type PodObj } from '../common/podutil.js';
import { JOBS, PODS } from '../resources.js';
import { BackoffStore, remainingMs, type BackoffRecord } from './backoff.js';
import { completionIndex, duplicatedIndexPodsForRemoval, firstPendingIndexes, generateNameWithIndex, indexesOf, Intervals, parseIndexes, UNKNOWN_INDEX } from './indexes.js';
import { matchPodFailurePolicy } from './podfailurepolicy.js';
import {
  ensureCondition,
  findCondition,
  isPodFailed,
  isPodTerminating,
  newCondition,
  onlyReplaceFailedPods,
  pastActiveDeadline,
  pastBackoffLimitOnFailure,
  successCriteriaMet,
} from './status.js';
import { FinalizerExpectations, hasTrackingFinalizer, removeFinalizerPatch } from './tracking.js';
import { isIndexedJob, isJobFinished, jobSuspended, JOB_COMPLETION_INDEX, JOB_COMPLETION_INDEX_ENV, JOB_TRACKING_FINALIZER, managedByExternalController, type Condition, type JobObj } from './types.js';

export const SYNC_BATCH_PERIOD_MS = 1000;
const MAX_UNCOUNTED_PODS = 500;
const MAX_CREATE_DELETE_PER_SYNC = 500;
const SLOW_START_INITIAL_BATCH = 1;

export interface JobControllerDeps {
  client: Pick<RestClient, 'create' | 'delete' | 'patch' | 'updateStatus'>;
  jobs: Lister<JobObj>;
  pods: Lister<PodObj>;
  recorder: Pick<EventRecorder, 'event'>;
  log: Logger;
  /** Adds a Job key to the work queue after `ms` (0: at once). */
  enqueue(key: string, ms: number): void;
  /** Adds a pod key to the orphan-pod queue. */
  enqueueOrphan(podKey: string): void;
  now?: () => number;
  signal?: AbortSignal;
}

interface SyncCtx {
  job: JobObj;
  key: string;
  pods: PodObj[];
  activePods: PodObj[];
  ready: number;
  terminating: number;
  succeeded: number;
  failed: number;
  finishedCondition?: Condition;
  uncountedSucceeded: Set<string>;
  uncountedFailed: Set<string>;
  expectedRmFinalizers: ReadonlySet<string>;
  prevSucceededIndexes: Intervals;
  succeededIndexes: Intervals;
  newBackoffRecord: BackoffRecord;
}

const uidOf = (p: PodObj): string => p.metadata?.uid ?? '';

export class JobController {
  readonly expectations: Expectations;
  readonly finalizerExpectations = new FinalizerExpectations();
  readonly backoff = new BackoffStore();
  private readonly now: () => number;

  constructor(private readonly d: JobControllerDeps) {
    this.now = d.now ?? Date.now;
    this.expectations = new Expectations(this.now);
  }

  // ---- informer handlers (enqueue only) -----------------------------------------------------------

  onJobAdd(job: JobObj): void {
    this.d.enqueue(keyOf(job), 0);
  }

  onJobUpdate(old: JobObj, cur: JobObj): void {
    const key = keyOf(cur);
    this.d.enqueue(key, cur.metadata?.generation === old.metadata?.generation ? SYNC_BATCH_PERIOD_MS : 0);
    if (isJobFinished(cur)) this.cleanupPodFinalizers(cur);
    const ads = cur.spec?.activeDeadlineSeconds;
    const start = cur.status?.startTime;
    if (start && ads !== undefined && ads !== null && old.spec?.activeDeadlineSeconds !== ads) {
      this.d.enqueue(key, Math.max(0, ads * 1000 - (this.now() - Date.parse(start))));
    }
  }

  onJobDelete(d: DeletedObject<JobObj>): void {
    this.d.enqueue(d.key, 0);
    this.cleanupPodFinalizers(d.lastKnown);
  }

  onPodAdd(pod: PodObj): void {
    if (pod.metadata?.deletionTimestamp) {
      this.podDeleted(pod, false);
      return;
    }
    const ref = controllerOf(pod);
    if (ref) {
      const job = this.resolveRef(pod.metadata?.namespace, ref);
      if (!job) return;
      const key = keyOf(job);
      this.expectations.creationObserved(key);
      this.d.enqueue(key, SYNC_BATCH_PERIOD_MS);
      return;
    }
    if (hasTrackingFinalizer(pod)) this.d.enqueueOrphan(keyOf(pod));
    for (const job of this.jobsSelecting(pod)) this.d.enqueue(keyOf(job), SYNC_BATCH_PERIOD_MS);
  }

  onPodUpdate(old: PodObj, cur: PodObj): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    if (cur.metadata?.deletionTimestamp) {
      this.podDeleted(cur, false);
      return;
    }
    const finalizerRemoved = !hasTrackingFinalizer(cur);
    const curRef = controllerOf(cur);
    const oldRef = controllerOf(old);
    const refChanged = curRef?.uid !== oldRef?.uid;
    if (refChanged && oldRef) {
      const job = this.resolveRef(old.metadata?.namespace, oldRef);
      if (job) {
        if (finalizerRemoved) this.finalizerExpectations.observed(keyOf(job), uidOf(cur));
        this.d.enqueue(keyOf(job), SYNC_BATCH_PERIOD_MS);
      }
    }
    if (curRef) {
      const job = this.resolveRef(cur.metadata?.namespace, curRef);
      if (!job) return;
      if (finalizerRemoved) this.finalizerExpectations.observed(keyOf(job), uidOf(cur));
      this.d.enqueue(keyOf(job), SYNC_BATCH_PERIOD_MS);
      return;
    }
    if (hasTrackingFinalizer(cur)) this.d.enqueueOrphan(keyOf(cur));
    const labelsChanged = JSON.stringify(cur.metadata?.labels ?? {}) !== JSON.stringify(old.metadata?.labels ?? {});
    if (labelsChanged || refChanged) for (const job of this.jobsSelecting(cur)) this.d.enqueue(keyOf(job), SYNC_BATCH_PERIOD_MS);
  }

  onPodDelete(d: DeletedObject<PodObj>): void {
    this.podDeleted(d.lastKnown, true);
  }

  private podDeleted(pod: PodObj, final: boolean): void {
    const ref = controllerOf(pod);
    const hasFinalizer = hasTrackingFinalizer(pod);
    if (!ref) {
      if (hasFinalizer) this.d.enqueueOrphan(keyOf(pod));
      return;
    }
    const job = this.resolveRef(pod.metadata?.namespace, ref);
    if (!job || isJobFinished(job)) {
      if (hasFinalizer) this.d.enqueueOrphan(keyOf(pod));
      return;
    }
    const key = keyOf(job);
    this.expectations.deletionObservedOf(key, keyOf(pod));
    if (final || !hasFinalizer) this.finalizerExpectations.observed(key, uidOf(pod));
    this.d.enqueue(key, SYNC_BATCH_PERIOD_MS);
  }

  private resolveRef(namespace: string | undefined, ref: { kind?: string; name?: string; uid?: string }): JobObj | undefined {
    if (ref.kind !== 'Job' || !ref.name) return undefined;
    const job = this.d.jobs.get(namespace, ref.name);
    return job && job.metadata?.uid === ref.uid ? job : undefined;
  }

  private jobsSelecting(pod: PodObj): JobObj[] {
    const labels = pod.metadata?.labels;
    if (!labels) return [];
    return this.d.jobs.list(pod.metadata?.namespace ?? '').filter((j) => {
      const sel = selectorOf(j);
      return !!sel && !sel.empty() && sel.matches(labels);
    });
  }

  private cleanupPodFinalizers(job: JobObj): void {
    const sel = selectorOf(job);
    if (!sel) return;
    for (const p of this.d.pods.list(job.metadata?.namespace ?? '', sel)) {
      if (controllerOf(p)?.uid === job.metadata?.uid && hasTrackingFinalizer(p)) this.d.enqueueOrphan(keyOf(p));
    }
  }

  // ---- orphan pods -----------------------------------------------------------------------------------

  /** Removes the tracking finalizer from a pod no unfinished built-in-managed Job owns. */
  async syncOrphanPod(podKey: string): Promise<void> {
    const { namespace, name } = splitKey(podKey);
    const pod = this.d.pods.get(namespace, name);
    if (!pod || !hasTrackingFinalizer(pod)) return;
    const ref = controllerOf(pod);
    if (ref) {
      if (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return;
      const job = this.resolveRef(namespace, ref);
      if (job && managedByExternalController(job)) return;
      if (job && !isJobFinished(job)) return;
    }
    try {
      await this.d.client.patch(PODS, namespace, name, 'strategic', removeFinalizerPatch(), { signal: this.d.signal });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  // ---- sync ------------------------------------------------------------------------------------------

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const shared = this.d.jobs.get(namespace, name);
    if (!shared) {
      this.expectations.delete(key);
      this.finalizerExpectations.delete(key);
      this.backoff.remove(key);
      return;
    }
    if (managedByExternalController(shared)) return;
    const job = structuredClone(shared);
    if (isJobFinished(job)) {
      this.backoff.remove(key);
      return;
    }
    const mode = job.spec?.completionMode;
    if (mode && mode !== 'NonIndexed' && mode !== 'Indexed') {
      this.d.recorder.event(job, 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown');
      return;
    }
    const status = (job.status ??= {});
    status.uncountedTerminatedPods ??= {};
    const now = this.now();

    // Expectations are read before the pods, so a pod that appears meanwhile only defers the sync.
    const satisfied = this.expectations.satisfied(key);
    const pods = await this.podsForJob(job);
    const activePods = pods.filter(isPodActive);
    const ctx: SyncCtx = {
      job,
      key,
      pods,
      activePods,
      ready: activePods.filter(isPodReady).length,
      terminating: pods.filter(isPodTerminating).length,
      succeeded: 0,
      failed: 0,
      uncountedSucceeded: new Set(status.uncountedTerminatedPods.succeeded ?? []),
      uncountedFailed: new Set(status.uncountedTerminatedPods.failed ?? []),
      expectedRmFinalizers: new Set(this.finalizerExpectations.expected(key)),
      prevSucceededIndexes: new Intervals(),
      succeededIndexes: new Intervals(),
      newBackoffRecord: { key, failuresAfterLastSuccess: 0 },
    };
    let active = activePods.length;
    const newSucceeded = this.newFinishedPods(ctx, ctx.uncountedSucceeded, (p) => p.status?.phase === 'Succeeded');
    const newFailed = this.newFinishedPods(ctx, ctx.uncountedFailed, (p) => isPodFailed(p, job));
    const nonIgnoredFailed = job.spec?.podFailurePolicy ? newFailed.filter((p) => matchPodFailurePolicy(job.spec!.podFailurePolicy, p).countFailed).length : newFailed.length;
    ctx.succeeded = (status.succeeded ?? 0) + newSucceeded.length + ctx.uncountedSucceeded.size;
    ctx.failed = (status.failed ?? 0) + nonIgnoredFailed + ctx.uncountedFailed.size;

    if (!status.startTime && !jobSuspended(job)) status.startTime = formatRfc3339(new Date(now));
    ctx.newBackoffRecord = this.backoff.next(key, newSucceeded, newFailed);

    let manageErr: unknown;
    const backoffLimit = job.spec?.backoffLimit ?? 6;
    ctx.finishedCondition = successCriteriaMet(job);
    if (!ctx.finishedCondition) {
      const target = findCondition(status.conditions, 'FailureTarget');
      if (target?.status === 'True') {
        ctx.finishedCondition = newCondition('Failed', 'True', target.reason ?? '', target.message ?? '', now);
      } else {
        const msg = this.failJobMessage(job, pods);
        if (msg) ctx.finishedCondition = newCondition('FailureTarget', 'True', 'PodFailurePolicy', msg, now);
      }
    }
    if (!ctx.finishedCondition) {
      if (ctx.failed > backoffLimit || pastBackoffLimitOnFailure(job, pods)) {
        ctx.finishedCondition = newCondition('FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', now);
      } else if (pastActiveDeadline(job, now)) {
        ctx.finishedCondition = newCondition('FailureTarget', 'True', 'DeadlineExceeded', 'Job was active longer than specified deadline', now);
      } else if (job.spec?.activeDeadlineSeconds !== undefined && job.spec.activeDeadlineSeconds !== null && !jobSuspended(job)) {
        this.d.enqueue(key, Math.max(0, job.spec.activeDeadlineSeconds * 1000 - (now - Date.parse(status.startTime!))));
      }
    }

    if (isIndexedJob(job)) {
      const completions = job.spec?.completions ?? 0;
      ctx.prevSucceededIndexes = parseIndexes(status.completedIndexes, completions);
      const fresh = new Set<number>();
      for (const p of pods) {
        const ix = completionIndex(p);
        if (p.status?.phase === 'Succeeded' && ix !== UNKNOWN_INDEX && ix < completions && hasTrackingFinalizer(p)) fresh.add(ix);
      }
      ctx.succeededIndexes = ctx.prevSucceededIndexes.withOrderedIndexes([...fresh].sort((a, b) => a - b));
      ctx.succeeded = ctx.succeededIndexes.total();
    }

    let suspendChanged = false;
    if (ctx.finishedCondition) {
      const { deleted, deletedReady, err } = await this.deleteActivePods(job, ctx.activePods);
      if (deleted !== active || !satisfied) ctx.finishedCondition = undefined;
      active -= deleted;
      ctx.terminating += deleted;
      ctx.ready -= deletedReady;
      manageErr = err;
    } else {
      let manageCalled = false;
      if (satisfied && !job.metadata?.deletionTimestamp) {
        ({ active, err: manageErr } = await this.manageJob(ctx));
        manageCalled = true;
      }
      const completions = job.spec?.completions;
      const complete = completions === undefined || completions === null ? ctx.succeeded > 0 && active === 0 : ctx.succeeded >= completions && active === 0;
      if (complete) {
        ctx.finishedCondition = newCondition('SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', now);
      } else if (manageCalled) {
        if (jobSuspended(job)) {
          if (ensureCondition(job, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now)) {
            suspendChanged = true;
            this.d.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
          }
        } else if (ensureCondition(job, 'Suspended', 'False', 'JobResumed', 'Job resumed', now)) {
          suspendChanged = true;
          this.d.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
          // activeDeadlineSeconds counts continuous activity: resuming restarts the clock.
          status.startTime = formatRfc3339(new Date(now));
        }
      }
    }

    const needsUpdate = suspendChanged || active !== (status.active ?? 0) || ctx.ready !== status.ready || ctx.terminating !== status.terminating;
    status.active = active;
    status.ready = ctx.ready;
    status.terminating = ctx.terminating;
    await this.trackStatusAndRemoveFinalizers(ctx, needsUpdate);
    if (manageErr) throw manageErr;
  }

  private newFinishedPods(ctx: SyncCtx, uncounted: Set<string>, filter: (p: PodObj) => boolean): PodObj[] {
    const completions = ctx.job.spec?.completions ?? 0;
    return ctx.pods.filter((p) => {
      const uid = uidOf(p);
      if (!hasTrackingFinalizer(p) || uncounted.has(uid) || ctx.expectedRmFinalizers.has(uid)) return false;
      if (isIndexedJob(ctx.job)) {
        const ix = completionIndex(p);
        if (ix === UNKNOWN_INDEX || ix >= completions) return false;
      }
      return filter(p);
    });
  }

  private failJobMessage(job: JobObj, pods: readonly PodObj[]): string | undefined {
    if (!job.spec?.podFailurePolicy) return undefined;
    for (const p of pods) {
      if (!isPodFailed(p, job)) continue;
      const m = matchPodFailurePolicy(job.spec.podFailurePolicy, p);
      if (m.failJobMessage) return m.failJobMessage;
    }
    return undefined;
  }

  /** Pods the Job controls after adoption/release; adopted pods get the tracking finalizer. */
  private async podsForJob(job: JobObj): Promise<PodObj[]> {
    const sel = selectorOf(job);
    const ns = job.metadata?.namespace ?? '';
    const candidates = this.d.pods.list(ns);
    if (!sel) return candidates.filter((p) => controllerOf(p)?.uid === job.metadata?.uid);
    const owned = await claim<PodObj>({
      client: this.d.client,
      resource: PODS,
      owner: job,
      ownerApiVersion: 'batch/v1',
      ownerKind: 'Job',
      selector: sel,
      candidates,
      signal: this.d.signal,
    });
    const ownedBefore = new Set(candidates.filter((p) => controllerOf(p)?.uid === job.metadata?.uid).map(uidOf));
    const out: PodObj[] = [];
    for (const p of owned) {
      if (ownedBefore.has(uidOf(p)) || hasTrackingFinalizer(p) || p.metadata?.deletionTimestamp) {
        out.push(p);
        continue;
      }
      // Adopted just now: tracked like pods the Job created.
      try {
        out.push(await this.d.client.patch<PodObj>(PODS, ns, p.metadata!.name!, 'strategic', { metadata: { finalizers: [JOB_TRACKING_FINALIZER] } }, { signal: this.d.signal }));
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    return out;
  }

  // ---- manageJob -------------------------------------------------------------------------------------

  /** Creates or deletes pods towards the wanted active count; answers the new active count. */
  private async manageJob(ctx: SyncCtx): Promise<{ active: number; err?: unknown }> {
    const { job, key } = ctx;
    let active = ctx.activePods.length;
    const parallelism = job.spec?.parallelism ?? 1;

    if (jobSuspended(job)) {
      const rm = this.activePodsForRemoval(job, ctx.activePods, active);
      const r = await this.deleteJobPods(job, key, rm);
      active -= r.deleted;
      ctx.terminating += r.deleted;
      ctx.ready -= r.deletedReady;
      return { active, err: r.err };
    }

    let wantActive: number;
    const completions = job.spec?.completions;
    if (completions === undefined || completions === null) wantActive = ctx.succeeded > 0 ? active : parallelism;
    else wantActive = Math.max(0, Math.min(parallelism, completions - ctx.succeeded));

    const rmAtLeast = Math.max(0, active - wantActive);
    let toDelete = this.activePodsForRemoval(job, ctx.activePods, rmAtLeast);
    if (toDelete.length > MAX_CREATE_DELETE_PER_SYNC) toDelete = toDelete.slice(0, MAX_CREATE_DELETE_PER_SYNC);
    if (toDelete.length > 0) {
      const r = await this.deleteJobPods(job, key, toDelete);
      active -= r.deleted;
      ctx.terminating += r.deleted;
      ctx.ready -= r.deletedReady;
      return { active, err: r.err };
    }

    const terminating = onlyReplaceFailedPods(job) ? ctx.terminating : 0;
    let diff = wantActive - terminating - active;
    if (diff <= 0) return { active };
    const wait = remainingMs(ctx.newBackoffRecord, this.now());
    if (wait > 0) {
      this.d.enqueue(key, Math.max(wait, SYNC_BATCH_PERIOD_MS));
      return { active };
    }
    diff = Math.min(diff, MAX_CREATE_DELETE_PER_SYNC);
    let indexes: number[] = [];
    if (isIndexedJob(job)) {
      let nonPending = ctx.succeededIndexes.withOrderedIndexes(indexesOf(ctx.activePods));
      if (onlyReplaceFailedPods(job)) nonPending = nonPending.withOrderedIndexes(indexesOf(ctx.pods.filter(isPodTerminating)));
      indexes = firstPendingIndexes(nonPending, diff, completions ?? 0);
      diff = indexes.length;
    }
    if (diff <= 0) return { active };

    this.expectations.expectCreations(key, diff);
    const template = structuredClone(job.spec!.template) as PodTemplateSpec;
    if (isIndexedJob(job)) addCompletionIndexEnv(template);
    const meta = (template.metadata ??= {});
    if (!meta.finalizers?.includes(JOB_TRACKING_FINALIZER)) meta.finalizers = [...(meta.finalizers ?? []), JOB_TRACKING_FINALIZER];
    const ref = [controllerRef(job, 'batch/v1', 'Job')];

    active += diff;
    let firstErr: unknown;
    for (let batch = Math.min(diff, SLOW_START_INITIAL_BATCH); diff > 0; batch = Math.min(2 * batch, diff)) {
      const results = await Promise.all(
        Array.from({ length: batch }, async () => {
          const ix = indexes.shift();
          const pod = podFromTemplate(template, job.metadata!.name!, ref);
          pod.metadata!.namespace = job.metadata!.namespace;
          if (ix !== undefined) {
            pod.metadata!.annotations = { ...(pod.metadata!.annotations ?? {}), [JOB_COMPLETION_INDEX]: String(ix) };
            pod.metadata!.labels = { ...(pod.metadata!.labels ?? {}), [JOB_COMPLETION_INDEX]: String(ix) };
            pod.spec!.hostname = `${job.metadata!.name}-${ix}`;
            pod.metadata!.generateName = generateNameWithIndex(job.metadata!.name!, ix);
          }
          try {
            const created = await this.d.client.create<PodObj>(PODS, job.metadata!.namespace, pod, { signal: this.d.signal });
            this.d.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
            return true;
          } catch (e) {
            this.expectations.creationObserved(key);
            active--;
            if (isNamespaceTerminating(e)) return true;
            this.d.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${errMessage(e)}`);
            firstErr ??= e;
            return false;
          }
        }),
      );
      diff -= batch;
      if (results.includes(false) && diff > 0) {
        // Slow start: after a failure, the rest is left for a later sync.
        active -= diff;
        for (let i = 0; i < diff; i++) this.expectations.creationObserved(key);
        break;
      }
    }
    return { active, err: firstErr };
  }

  private activePodsForRemoval(job: JobObj, pods: PodObj[], rmAtLeast: number): PodObj[] {
    let rm: PodObj[] = [];
    let left: PodObj[] = pods;
    if (isIndexedJob(job)) ({ rm, left } = duplicatedIndexPodsForRemoval(pods, job.spec?.completions ?? 0));
    if (rm.length < rmAtLeast) rm = rm.concat([...left].sort(compareForDeletion).slice(0, rmAtLeast - rm.length));
    return rm;
  }

  /** Removes the finalizer, then deletes (suspend, scale-down, duplicates). */
  private async deleteJobPods(job: JobObj, key: string, pods: PodObj[]): Promise<{ deleted: number; deletedReady: number; err?: unknown }> {
    this.expectations.expectDeletionsOf(key, pods.map(keyOf));
    let deleted = pods.length;
    let deletedReady = 0;
    let err: unknown;
    await Promise.all(
      pods.map(async (p) => {
        const fail = (e: unknown) => {
          this.expectations.deletionObservedOf(key, keyOf(p));
          if (!isNotFound(e)) {
            deleted--;
            err ??= e;
            this.d.recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${errMessage(e)}`);
          }
        };
        try {
          if (hasTrackingFinalizer(p)) await this.d.client.patch(PODS, p.metadata?.namespace, p.metadata!.name!, 'strategic', removeFinalizerPatch(), { signal: this.d.signal });
          await this.d.client.delete(PODS, p.metadata?.namespace, p.metadata!.name!, { signal: this.d.signal });
          this.d.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata?.name}`);
        } catch (e) {
          fail(e);
          if (!isNotFound(e)) return;
        }
        if (isPodReady(p)) deletedReady++;
      }),
    );
    return { deleted, deletedReady, err };
  }

  /** Deletes active pods of a finishing Job, keeping their finalizers (removed when counted). */
  private async deleteActivePods(job: JobObj, pods: PodObj[]): Promise<{ deleted: number; deletedReady: number; err?: unknown }> {
    let deleted = pods.length;
    let deletedReady = 0;
    let err: unknown;
    await Promise.all(
      pods.map(async (p) => {
        try {
          await this.d.client.delete(PODS, p.metadata?.namespace, p.metadata!.name!, { signal: this.d.signal });
          this.d.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata?.name}`);
        } catch (e) {
          if (!isNotFound(e)) {
            deleted--;
            err ??= e;
            this.d.recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${errMessage(e)}`);
          }
        }
        if (isPodReady(p)) deletedReady++;
      }),
    );
    return { deleted, deletedReady, err };
  }

  // ---- status tracking ---------------------------------------------------------------------------------

  /**
   * Records newly finished pods as uncounted, removes their finalizers, moves them into the
   * counters, and adds the terminal condition once everything is counted.
   */
  private async trackStatusAndRemoveFinalizers(ctx: SyncCtx, needsFlushIn: boolean): Promise<void> {
    let needsFlush = needsFlushIn;
    const job = ctx.job;
    const indexed = isIndexedJob(job);
    const completions = job.spec?.completions ?? 0;
    const uncounted = job.status!.uncountedTerminatedPods!;
    uncounted.succeeded ??= [];
    uncounted.failed ??= [];
    const pods = indexed ? [...ctx.pods].sort((a, b) => completionIndex(a) - completionIndex(b)) : ctx.pods;
    const withFinalizer = new Set<string>();
    for (const p of pods) if (hasTrackingFinalizer(p) && !ctx.expectedRmFinalizers.has(uidOf(p))) withFinalizer.add(uidOf(p));
    if (cleanUncounted(job, withFinalizer)) needsFlush = true;

    const toRemove: PodObj[] = [];
    const newSucceededIndexes: number[] = [];
    let reachedMax = false;
    for (const p of pods) {
      const uid = uidOf(p);
      if (!hasTrackingFinalizer(p) || ctx.expectedRmFinalizers.has(uid)) continue;
      const failed = isPodFailed(p, job);
      const canRemove = !!job.metadata?.deletionTimestamp || !!ctx.finishedCondition || p.status?.phase === 'Succeeded' || failed;
      if (!canRemove) continue;
      toRemove.push(p);
      if (p.status?.phase === 'Succeeded' && !ctx.uncountedFailed.has(uid)) {
        if (indexed) {
          const ix = completionIndex(p);
          if (ix !== UNKNOWN_INDEX && ix < completions && !ctx.prevSucceededIndexes.has(ix)) {
            newSucceededIndexes.push(ix);
            needsFlush = true;
          }
        } else if (!ctx.uncountedSucceeded.has(uid)) {
          needsFlush = true;
          uncounted.succeeded.push(uid);
        }
      } else if (failed || (ctx.finishedCondition && ctx.finishedCondition.type !== 'SuccessCriteriaMet')) {
        const ix = completionIndex(p);
        if (!ctx.uncountedFailed.has(uid) && (!indexed || (ix !== UNKNOWN_INDEX && ix < completions))) {
          if (!job.spec?.podFailurePolicy || matchPodFailurePolicy(job.spec.podFailurePolicy, p).countFailed) {
            needsFlush = true;
            uncounted.failed.push(uid);
          }
        }
      }
      if (newSucceededIndexes.length + uncounted.succeeded.length + uncounted.failed.length >= MAX_UNCOUNTED_PODS) {
        reachedMax = true;
        break;
      }
    }
    if (indexed) {
      ctx.succeededIndexes = ctx.succeededIndexes.withOrderedIndexes([...new Set(newSucceededIndexes)].sort((a, b) => a - b));
      const s = ctx.succeededIndexes.toString();
      if (s !== (job.status!.completedIndexes ?? '')) needsFlush = true;
      job.status!.succeeded = ctx.succeededIndexes.total();
      job.status!.completedIndexes = s;
    }
    const now = this.now();
    if (ctx.finishedCondition?.type === 'FailureTarget') {
      (job.status!.conditions ??= []).push(ctx.finishedCondition);
      needsFlush = true;
      ctx.finishedCondition = newCondition('Failed', 'True', ctx.finishedCondition.reason ?? '', ctx.finishedCondition.message ?? '', now);
    }
    if (ctx.finishedCondition?.type === 'SuccessCriteriaMet') {
      if (!successCriteriaMet(job)) {
        (job.status!.conditions ??= []).push(ctx.finishedCondition);
        needsFlush = true;
      }
      ctx.finishedCondition = newCondition('Complete', 'True', ctx.finishedCondition.reason ?? '', ctx.finishedCondition.message ?? '', now);
    }

    // 1. Flush the uncounted pods (and interim condition) before touching finalizers.
    if (needsFlush) {
      ctx.job = await this.updateStatus(ctx.job);
      this.backoff.store(ctx.newBackoffRecord);
      needsFlush = false;
    }
    // 2. Remove finalizers; 3. count the pods whose finalizer is gone.
    let rmErr: unknown;
    if (toRemove.length > 0) {
      this.finalizerExpectations.expectRemoved(ctx.key, toRemove.map(uidOf));
      await Promise.all(
        toRemove.map(async (p) => {
          try {
            await this.d.client.patch(PODS, p.metadata?.namespace, p.metadata!.name!, 'strategic', removeFinalizerPatch(), { signal: this.d.signal });
            withFinalizer.delete(uidOf(p));
          } catch (e) {
            this.finalizerExpectations.observed(ctx.key, uidOf(p));
            if (isNotFound(e)) withFinalizer.delete(uidOf(p));
            else rmErr ??= e;
          }
        }),
      );
    }
    if (cleanUncounted(ctx.job, withFinalizer)) needsFlush = true;
    if (rmErr) {
      if (needsFlush) await this.updateStatus(ctx.job);
      throw rmErr;
    }
    // 4. The terminal condition, once nothing is uncounted or terminating.
    const finished = !reachedMax && this.enactFinished(ctx, now);
    if (finished) needsFlush = true;
    if (needsFlush) {
      ctx.job = await this.updateStatus(ctx.job);
      if (finished) this.recordFinished(ctx.job, ctx.finishedCondition!);
    }
  }

  private enactFinished(ctx: SyncCtx, now: number): boolean {
    const cond = ctx.finishedCondition;
    if (!cond) return false;
    const st = ctx.job.status!;
    if ((st.uncountedTerminatedPods?.succeeded?.length ?? 0) + (st.uncountedTerminatedPods?.failed?.length ?? 0) > 0) return false;
    if (ctx.terminating > 0) return false;
    ensureCondition(ctx.job, cond.type as 'Complete' | 'Failed', 'True', cond.reason ?? '', cond.message ?? '', now);
    if (cond.type === 'Complete') st.completionTime = findCondition(st.conditions, 'Complete')?.lastTransitionTime;
    return true;
  }

  private recordFinished(job: JobObj, cond: Condition): void {
    if (cond.type === 'Complete') {
      const completions = job.spec?.completions;
      if (completions !== undefined && completions !== null && (job.status?.succeeded ?? 0) > completions) {
        this.d.recorder.event(job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
      }
      this.d.recorder.event(job, 'Normal', 'Completed', 'Job completed');
    } else {
      this.d.recorder.event(job, 'Warning', cond.reason ?? '', cond.message ?? '');
    }
  }

  private async updateStatus(job: JobObj): Promise<JobObj> {
    const st = job.status!;
    const u = st.uncountedTerminatedPods ?? {};
    const body: JobObj = {
      ...job,
      status: { ...st, uncountedTerminatedPods: { ...(u.succeeded?.length ? { succeeded: u.succeeded } : {}), ...(u.failed?.length ? { failed: u.failed } : {}) } },
    };
    const out = await this.d.client.updateStatus<JobObj>(JOBS, body, { signal: this.d.signal });
    const status = (out.status ??= {});
    const ou = (status.uncountedTerminatedPods ??= {});
    ou.succeeded ??= [];
    ou.failed ??= [];
    return out;
  }
}

/** Moves uncounted UIDs whose pods no longer carry a finalizer into the counters. */
function cleanUncounted(job: JobObj, withFinalizer: ReadonlySet<string>): boolean {
  const st = job.status!;
  const u = (st.uncountedTerminatedPods ??= {});
  let changed = false;
  const s = (u.succeeded ?? []).filter((x) => withFinalizer.has(x));
  if (s.length !== (u.succeeded ?? []).length) {
    st.succeeded = (st.succeeded ?? 0) + (u.succeeded!.length - s.length);
    u.succeeded = s;
    changed = true;
  }
  const f = (u.failed ?? []).filter((x) => withFinalizer.has(x));
  if (f.length !== (u.failed ?? []).length) {
    st.failed = (st.failed ?? 0) + (u.failed!.length - f.length);
    u.failed = f;
    changed = true;
  }
  return changed;
}

function selectorOf(job: JobObj): Selector | undefined {
  const s = job.spec?.selector;
  if (!s) return undefined;
  try {
    return labelSelectorToSelector(s as never);
  } catch {
    return undefined;
  }
}

/** Adds JOB_COMPLETION_INDEX (from the pod's index annotation) to every container lacking it. */
function addCompletionIndexEnv(t: PodTemplateSpec): void {
  const env: EnvVar = { name: JOB_COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${JOB_COMPLETION_INDEX}']` } } };
  const add = (c: Container) => {
    if (!(c.env ?? []).some((e) => e.name === JOB_COMPLETION_INDEX_ENV)) c.env = [...(c.env ?? []), structuredClone(env)];
  };
  for (const c of t.spec?.initContainers ?? []) add(c);
  for (const c of t.spec?.containers ?? []) add(c);
}

function isNamespaceTerminating(e: unknown): boolean {
  const causes = (e as { status?: { details?: { causes?: { reason?: string }[] } } }).status?.details?.causes;
  return !!causes?.some((c) => c.reason === 'NamespaceTerminating');
}

function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
