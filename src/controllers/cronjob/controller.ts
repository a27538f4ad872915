/**
 * The CronJob controller (pkg/controller/cronjob, the v2 controller): creates a Job for each
 * scheduled time, tracks them in status.active, and prunes finished Jobs beyond the history limits.
 *
 * Contracts:
 * - `sync(key)` re-reads the CronJob and the Jobs it controls (by controller ref uid) from the
 *   listers; when a next run is scheduled it re-queues the key for 100 ms after that time.
 * - The Job for scheduled time T is named `<cronjob>-<T in minutes since the epoch>`, so creating it
 *   twice fails with AlreadyExists (the name is the lock); it carries the annotation
 *   `batch.kubernetes.io/cronjob-scheduled-timestamp` (T in RFC 3339, in spec.timeZone or UTC).
 * - Only the most recent missed time is started; more than 100 missed times also give a
 *   TooManyMissedTimes warning. A time older than startingDeadlineSeconds is skipped (MissSchedule).
 * - Without spec.timeZone the schedule is read in the controller's local zone (as upstream).
 */
import type { CronJob, CronJobSpec, CronJobStatus } from 'kubernetes-types/batch/v1.js';
import type { ObjectReference } from 'kubernetes-types/core/v1.js';
import type { DeletedObject, Lister } from '../../client/informer.js';
import type { EventRecorder } from '../../client/events.js';
import { isAlreadyExists, isNotFound, type RestClient } from '../../client/rest.js';
import type { KubeObject } from '../../api/types.js';
import type { Logger } from '../../util/logger.js';
import { controllerOf, controllerRef } from '../common/controllerref.js';
import { keyOf, splitKey } from '../common/keys.js';
import { CRONJOBS, JOBS } from '../resources.js';
import { isJobFinished, type JobObj } from '../job/types.js';
import { formatInZone, isKnownZone, localZone, parseSchedule, type Schedule } from './schedule.js';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** Requeue padding after a scheduled time, against clock skew. */
export const NEXT_SCHEDULE_DELTA_MS = 100;

export type CronJobObj = KubeObject &
  Omit<CronJob, 'metadata' | 'spec' | 'status'> & {
    spec?: CronJobSpec;
    status?: CronJobStatus;
  };

export interface CronJobControllerDeps {
  client: Pick<RestClient, 'create' | 'delete' | 'get' | 'updateStatus'>;
  cronJobs: Lister<CronJobObj>;
  jobs: Lister<JobObj>;
  recorder: Pick<EventRecorder, 'event'>;
  log: Logger;
  /** Adds a CronJob key to the work queue after `ms` (0: at once). */
  enqueue(key: string, ms: number): void;
  now?: () => number;
  /** The zone schedules without spec.timeZone are read in (default: the process's local zone). */
  localZone?: string;
  signal?: AbortSignal;
}

const ts = (s: string | undefined | null): number | undefined => (s ? Date.parse(s) : undefined);

/** RFC 1123 with numeric zone, in UTC (Go's time.RFC1123Z of t.UTC()). */
function rfc1123z(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p2(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
}

/** Complete or Failed, when the Job finished. */
function finishedType(job: JobObj): 'Complete' | 'Failed' | undefined {
  const c = job.status?.conditions?.find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c?.type as 'Complete' | 'Failed' | undefined;
}

export interface MostRecent {
  /** The most recent unmet time at or before now, if any. */
  mostRecent?: number;
  missed: number;
}

/**
 * mostRecentScheduleTime: the latest activation in (earliest, now] where earliest is the last
 * schedule time (else the creation time), raised to now - startingDeadlineSeconds when asked.
 * Throws when two consecutive activations are less than a second apart.
 */
export function mostRecentScheduleTime(cj: CronJobObj, now: number, sched: Schedule, includeDeadline: boolean): MostRecent {
  let earliest = ts(cj.status?.lastScheduleTime) ?? ts(cj.metadata?.creationTimestamp) ?? now;
  const sds = cj.spec?.startingDeadlineSeconds;
  if (includeDeadline && sds !== undefined && sds !== null) {
    const deadline = now - sds * 1000;
    if (deadline > earliest) earliest = deadline;
  }
  const t1 = sched.next(earliest);
  if (t1 === undefined || now < t1) return { missed: 0 };
  const t2 = sched.next(t1);
  if (t2 === undefined || now < t2) return { mostRecent: t1, missed: 1 };
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) throw new Error('time difference between two schedules is less than 1 second');
  const elapsed = Math.floor((now - t1) / 1000);
  const missed = Math.floor(elapsed / between) + 1;
  let mostRecent: number | undefined;
  const potentialEarliest = t1 + (missed - 2) * between * 1000;
  for (let t = sched.next(potentialEarliest); t !== undefined && t <= now; t = sched.next(t)) mostRecent = t;
  return { mostRecent, missed };
}

/** How long until 100 ms after the next activation following the most recent one (or the earliest time). */
export function nextScheduleDelay(cj: CronJobObj, now: number, sched: Schedule): number | undefined {
  const earliest = ts(cj.status?.lastScheduleTime) ?? ts(cj.metadata?.creationTimestamp) ?? now;
  let from: number;
  try {
    from = mostRecentScheduleTime(cj, now, sched, false).mostRecent ?? earliest;
  } catch {
    from = now;
  }
  const next = sched.next(from);
  return next === undefined ? undefined : next + NEXT_SCHEDULE_DELTA_MS - now;
}

export class CronJobController {
  private readonly now: () => number;
  private readonly zone: string;

  constructor(private readonly d: CronJobControllerDeps) {
    this.now = d.now ?? Date.now;
    this.zone = d.localZone ?? localZone();
  }

  // ---- informer handlers ---------------------------------------------------------------------------

  onCronJobAdd(cj: CronJobObj): void {
    this.d.enqueue(keyOf(cj), 0);
  }

  onCronJobUpdate(old: CronJobObj, cur: CronJobObj): void {
    const key = keyOf(cur);
    if (old.spec?.schedule !== cur.spec?.schedule || (old.spec?.timeZone ?? null) !== (cur.spec?.timeZone ?? null)) {
      let sched: Schedule;
      try {
        sched = this.schedule(cur, false);
      } catch (e) {
        this.d.recorder.event(cur, 'Warning', 'UnParseableCronJobSchedule', `unparseable schedule for cronjob: ${cur.spec?.schedule}`);
        this.d.log.debug({ key, err: String(e) }, 'unparseable schedule');
        return;
      }
      const delay = nextScheduleDelay(cur, this.now(), sched);
      if (delay !== undefined) this.d.enqueue(key, Math.max(0, delay));
      return;
    }
    this.d.enqueue(key, 0);
  }

  onCronJobDelete(d: DeletedObject<CronJobObj>): void {
    this.d.enqueue(d.key, 0);
  }

  onJobAdd(job: JobObj): void {
    const cj = this.ownerOf(job);
    if (cj) this.d.enqueue(keyOf(cj), 0);
  }

  onJobUpdate(old: JobObj, cur: JobObj): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    if (controllerOf(old)?.uid !== controllerOf(cur)?.uid) {
      const prev = this.ownerOf(old);
      if (prev) this.d.enqueue(keyOf(prev), 0);
    }
    const cj = this.ownerOf(cur);
    if (cj) this.d.enqueue(keyOf(cj), 0);
  }

  onJobDelete(d: DeletedObject<JobObj>): void {
    const cj = this.ownerOf(d.lastKnown);
    if (cj) this.d.enqueue(keyOf(cj), 0);
  }

  private ownerOf(job: JobObj): CronJobObj | undefined {
    const ref = controllerOf(job);
    if (!ref || ref.kind !== 'CronJob') return undefined;
    const cj = this.d.cronJobs.get(job.metadata?.namespace, ref.name);
    return cj && cj.metadata?.uid === ref.uid ? cj : undefined;
  }

  /** formatSchedule + ParseStandard: spec.timeZone becomes the zone unless the schedule has its own TZ. */
  private schedule(cj: CronJobObj, warn: boolean): Schedule {
    const spec = cj.spec?.schedule ?? '';
    if (spec.includes('TZ')) {
      if (warn) {
        this.d.recorder.event(cj, 'Warning', 'UnsupportedSchedule', `CRON_TZ or TZ used in schedule ${JSON.stringify(spec)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`);
      }
      return parseSchedule(spec, this.zone);
    }
    const tz = cj.spec?.timeZone;
    if (tz !== undefined && tz !== null && isKnownZone(tz)) return parseSchedule(spec, tz === '' ? 'UTC' : tz);
    return parseSchedule(spec, this.zone);
  }

  // ---- sync ------------------------------------------------------------------------------------------

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const shared = this.d.cronJobs.get(namespace, name);
    if (!shared) return;
    const cj = structuredClone(shared);
    const uid = cj.metadata?.uid;
    const jobs = this.d.jobs.list(namespace ?? '').filter((j) => controllerOf(j)?.uid === uid);
    const cleaned = await this.cleanupFinishedJobs(cj, jobs);
    let requeueMs: number | undefined;
    let syncErr: unknown;
    let changed = false;
    try {
      const r = await this.syncCronJob(cj, jobs);
      requeueMs = r.requeueMs;
      changed = r.changed;
    } catch (e) {
      syncErr = e;
      changed = true;
    }
    if (cleaned || changed) {
      await this.d.client.updateStatus(CRONJOBS, cj, { signal: this.d.signal });
    }
    if (syncErr) throw syncErr;
    if (requeueMs !== undefined) this.d.enqueue(key, Math.max(0, requeueMs));
  }

  /** Returns whether the status changed, and when to look again. Mutates `cj.status`. */
  private async syncCronJob(cj: CronJobObj, jobs: JobObj[]): Promise<{ requeueMs?: number; changed: boolean }> {
    const now = this.now();
    let changed = false;
    const status = (cj.status ??= {});
    const children = new Set<string>();
    for (const j of jobs) {
      const juid = j.metadata?.uid ?? '';
      children.add(juid);
      const found = inActiveList(cj, juid);
      if (!found && !isJobFinished(j)) {
        const fresh = await this.d.client.get<CronJobObj>(CRONJOBS, cj.metadata?.namespace, cj.metadata!.name!, { signal: this.d.signal });
        if (inActiveList(fresh, juid)) {
          Object.assign(cj, structuredClone(fresh));
          continue;
        }
        this.d.recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata?.name}`);
      } else if (found && isJobFinished(j)) {
        deleteFromActiveList(cj, juid);
        this.d.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata?.name}, condition: ${finishedType(j)}`);
        changed = true;
      } else if (finishedType(j) === 'Complete') {
        const ct = j.status?.completionTime;
        if (ct && (!status.lastSuccessfulTime || Date.parse(ct) > Date.parse(status.lastSuccessfulTime))) {
          status.lastSuccessfulTime = ct;
          changed = true;
        }
      }
    }
    for (const ref of [...(cj.status?.active ?? [])]) {
      if (children.has(ref.uid ?? '')) continue;
      try {
        await this.d.client.get(JOBS, ref.namespace, ref.name ?? '', { signal: this.d.signal });
      } catch (e) {
        if (!isNotFound(e)) throw e;
        this.d.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        deleteFromActiveList(cj, ref.uid ?? '');
        changed = true;
      }
    }
    if (cj.metadata?.deletionTimestamp) return { changed };

    const tz = cj.spec?.timeZone;
    if (tz !== undefined && tz !== null && !isKnownZone(tz)) {
      this.d.recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(tz)}: unknown time zone ${tz}`);
      return { changed };
    }
    if (cj.spec?.suspend === true) return { changed };

    let sched: Schedule;
    try {
      sched = this.schedule(cj, true);
    } catch (e) {
      this.d.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec?.schedule ?? '')} : ${(e as Error).message}`);
      return { changed };
    }
    let recent: MostRecent;
    try {
      recent = mostRecentScheduleTime(cj, now, sched, true);
    } catch (e) {
      this.d.recorder.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${cj.spec?.schedule} : ${(e as Error).message}`);
      return { changed };
    }
    const next = (): number | undefined => nextScheduleDelay(cj, now, sched);
    const scheduled = recent.mostRecent;
    if (scheduled === undefined || scheduled > now) return { requeueMs: next(), changed };
    if (recent.missed > 100) {
      this.d.recorder.event(cj, 'Warning', 'TooManyMissedTimes', `too many missed start times: ${recent.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
      this.d.log.info({ key: keyOf(cj), missedTimes: recent.missed }, 'too many missed times');
    }

    const sds = cj.spec?.startingDeadlineSeconds;
    if (sds !== undefined && sds !== null && scheduled + sds * 1000 < now) {
      this.d.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
      return { requeueMs: next(), changed };
    }
    const jobName = `${cj.metadata!.name}-${Math.floor(scheduled / 60_000)}`;
    if ((status.active ?? []).some((r) => r.name === jobName) || ts(status.lastScheduleTime) === scheduled) {
      return { requeueMs: next(), changed };
    }
    if (cj.spec?.concurrencyPolicy === 'Forbid' && (status.active?.length ?? 0) > 0) {
      this.d.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return { requeueMs: next(), changed };
    }
    if (cj.spec?.concurrencyPolicy === 'Replace') {
      for (const ref of [...(status.active ?? [])]) {
        let job: JobObj;
        try {
          job = await this.d.client.get<JobObj>(JOBS, ref.namespace, ref.name ?? '', { signal: this.d.signal });
        } catch (e) {
          this.d.recorder.event(cj, 'Warning', 'FailedGet', `Get job: ${(e as Error).message}`);
          throw e;
        }
        if (!(await this.deleteJob(cj, job))) throw new Error(`could not replace job ${job.metadata?.namespace}/${job.metadata?.name}`);
        changed = true;
      }
    }

    const req = jobFromTemplate(cj, scheduled, jobName);
    let created: JobObj;
    let existed = false;
    try {
      created = await this.d.client.create<JobObj>(JOBS, cj.metadata?.namespace, req, { signal: this.d.signal });
    } catch (e) {
      if (!isAlreadyExists(e)) {
        if (!isNamespaceTerminating(e)) this.d.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(e as Error).message}`);
        throw e;
      }
      existed = true;
      created = await this.d.client.get<JobObj>(JOBS, cj.metadata?.namespace, jobName, { signal: this.d.signal });
      if (controllerOf(created)?.uid !== cj.metadata?.uid) return { changed };
      if (inActiveList(cj, created.metadata?.uid ?? '')) return { changed };
    }
    if (existed) this.d.log.info({ key: keyOf(cj), job: jobName }, 'job already exists');
    else this.d.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata?.name}`);

    (status.active ??= []).push(referenceTo(created));
    status.lastScheduleTime = new Date(scheduled).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return { requeueMs: next(), changed: true };
  }

  /** Deletes the oldest finished Jobs beyond the history limits; returns whether the status changed. */
  private async cleanupFinishedJobs(cj: CronJobObj, jobs: JobObj[]): Promise<boolean> {
    const succLimit = cj.spec?.successfulJobsHistoryLimit;
    const failLimit = cj.spec?.failedJobsHistoryLimit;
    if ((succLimit === undefined || succLimit === null) && (failLimit === undefined || failLimit === null)) return false;
    const ok = jobs.filter((j) => finishedType(j) === 'Complete');
    const bad = jobs.filter((j) => finishedType(j) === 'Failed');
    let changed = false;
    if (succLimit !== undefined && succLimit !== null && (await this.removeOldest(cj, ok, succLimit))) changed = true;
    if (failLimit !== undefined && failLimit !== null && (await this.removeOldest(cj, bad, failLimit))) changed = true;
    return changed;
  }

  private async removeOldest(cj: CronJobObj, jobs: JobObj[], keep: number): Promise<boolean> {
    const n = jobs.length - keep;
    if (n <= 0) return false;
    const sorted = [...jobs].sort(byStartTime);
    let changed = false;
    for (const j of sorted.slice(0, n)) if (await this.deleteJob(cj, j)) changed = true;
    return changed;
  }

  /** Deletes a Job (its pods in the background) and its active-list entry. */
  private async deleteJob(cj: CronJobObj, job: JobObj): Promise<boolean> {
    try {
      await this.d.client.delete(JOBS, job.metadata?.namespace, job.metadata!.name!, { propagationPolicy: 'Background', signal: this.d.signal });
    } catch (e) {
      this.d.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${(e as Error).message}`);
      this.d.log.error({ key: keyOf(cj), job: job.metadata?.name, err: String(e) }, 'error deleting job from cronjob');
      return false;
    }
    deleteFromActiveList(cj, job.metadata?.uid ?? '');
    this.d.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata?.name}`);
    return true;
  }
}

/** Oldest first by status.startTime (Jobs without one last), then by name. */
function byStartTime(a: JobObj, b: JobObj): number {
  const as = ts(a.status?.startTime);
  const bs = ts(b.status?.startTime);
  if (as === undefined && bs !== undefined) return 1;
  if (as !== undefined && bs === undefined) return -1;
  if (as === bs) return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : (a.metadata?.name ?? '') > (b.metadata?.name ?? '') ? 1 : 0;
  return as! - bs!;
}

function inActiveList(cj: CronJobObj, uid: string): boolean {
  return (cj.status?.active ?? []).some((r) => r.uid === uid);
}

function deleteFromActiveList(cj: CronJobObj, uid: string): void {
  if (!cj.status?.active) return;
  cj.status.active = cj.status.active.filter((r) => r.uid !== uid);
}

function referenceTo(job: JobObj): ObjectReference {
  return { apiVersion: 'batch/v1', kind: 'Job', namespace: job.metadata?.namespace, name: job.metadata?.name, uid: job.metadata?.uid, resourceVersion: job.metadata?.resourceVersion };
}

/** getJobFromTemplate2: the template's labels, annotations (plus the scheduled timestamp) and spec. */
export function jobFromTemplate(cj: CronJobObj, scheduled: number, name: string): JobObj {
  const tmpl = cj.spec?.jobTemplate;
  const annotations: Record<string, string> = { ...(tmpl?.metadata?.annotations ?? {}) };
  annotations[SCHEDULED_TIMESTAMP_ANNOTATION] = formatInZone(scheduled, cj.spec?.timeZone ?? 'UTC');
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: cj.metadata?.namespace,
      labels: { ...(tmpl?.metadata?.labels ?? {}) },
      annotations,
      ownerReferences: [controllerRef(cj, 'batch/v1', 'CronJob')],
    },
    spec: structuredClone(tmpl?.spec ?? { template: {} }),
  } as JobObj;
}

function isNamespaceTerminating(e: unknown): boolean {
  const causes = (e as { status?: { details?: { causes?: { reason?: string }[] } } }).status?.details?.causes;
  return !!causes?.some((c) => c.reason === 'NamespaceTerminating');
}
