/**
 * The TTL-after-finished controller (pkg/controller/ttlafterfinished): deletes a finished Job
 * (Complete or Failed) once spec.ttlSecondsAfterFinished have passed since its terminal
 * condition's lastTransitionTime, with foreground propagation so its pods go first.
 *
 * Contracts:
 * - `sync(key)` re-reads the Job; before deleting it re-checks a fresh copy from the API server and
 *   deletes with that copy's resourceVersion as a precondition, so a Job whose TTL was just changed
 *   is not deleted by mistake.
 * - A Job not yet expired is re-queued for its expiry time.
 */
import type { Lister } from '../../client/informer.js';
import { isConflict, isNotFound, type RestClient } from '../../client/rest.js';
import type { Logger } from '../../util/logger.js';
import { keyOf, splitKey } from '../common/keys.js';
import { JOBS } from '../resources.js';
import { finishedCondition, type JobObj } from '../job/types.js';

export interface TtlControllerDeps {
  client: Pick<RestClient, 'get' | 'delete'>;
  jobs: Lister<JobObj>;
  log: Logger;
  enqueue(key: string, ms: number): void;
  now?: () => number;
  signal?: AbortSignal;
}

export function needsCleanup(job: JobObj): boolean {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  return ttl !== undefined && ttl !== null && !job.metadata?.deletionTimestamp && finishedCondition(job) !== undefined;
}

export class TtlAfterFinishedController {
  private readonly now: () => number;

  constructor(private readonly d: TtlControllerDeps) {
    this.now = d.now ?? Date.now;
  }

  onJob(job: JobObj): void {
    if (needsCleanup(job)) this.d.enqueue(keyOf(job), 0);
  }


  /** Milliseconds until the Job expires (<= 0: expired); throws when the finish time is unknown. */
  timeLeft(job: JobObj): number {
    const c = finishedCondition(job);
    const at = c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
    if (Number.isNaN(at)) throw new Error(`unable to find the time when the Job ${job.metadata?.namespace}/${job.metadata?.name} finished`);
    const now = this.now();
    if (at > now) this.d.log.info({ key: keyOf(job), finishTime: c!.lastTransitionTime }, 'warning: found Job finished in the future; this is likely due to time skew in the cluster, Job cleanup will be deferred');
    return at + job.spec!.ttlSecondsAfterFinished! * 1000 - now;
  }

  /** True when the Job has expired; otherwise re-queues it for its expiry. */
  private expired(job: JobObj): boolean {
    if (!needsCleanup(job)) return false;
    const left = this.timeLeft(job);
    if (left <= 0) return true;
    this.d.enqueue(keyOf(job), left);
    return false;
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const job = this.d.jobs.get(namespace, name);
    if (!job || !this.expired(job)) return;
    let fresh: JobObj;
    try {
      fresh = await this.d.client.get<JobObj>(JOBS, namespace, name, { signal: this.d.signal });
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    if (!this.expired(fresh)) return;
    this.d.log.info({ key, namespace, name }, 'cleaning up Job');
    try {
      await this.d.client.delete(JOBS, namespace, name, {
        propagationPolicy: 'Foreground',
        preconditions: { resourceVersion: fresh.metadata?.resourceVersion },
        signal: this.d.signal,
      });
    } catch (e) {
      if (isNotFound(e)) return;
      if (isConflict(e)) {
        this.d.enqueue(key, 0);
        return;
      }
      throw e;
    }
  }
}
