/**
 * Pod-failure back-off for Jobs (pkg/controller/job/backoff_utils.go): after failures, replacement
 * pods are created only once 10 s · 2^(failures-1) (capped at 10 min) have passed since the last
 * failure, where failures are those since the last success.
 *
 * Contracts:
 * - `BackoffStore` keeps one record per Job key in memory. `next(key, succeeded, failed)` computes
 *   the record as it will be once the newly finished pods are counted, without storing it;
 *   `store` commits it (after the status carrying those pods was written); `remove` forgets it.
 * - `remainingMs` is 0 when no failure is pending or the delay has passed.
 */
import type { PodObj } from '../common/podutil.js';
import { podCondition } from '../common/podutil.js';

export const DEFAULT_POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 600_000;

export interface BackoffRecord {
  key: string;
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

const ts = (s: string | undefined): number | undefined => {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
};

/**
 * When a pod finished: the latest container finish time when every container terminated; else the
 * Ready=False transition; else deletionTimestamp minus the grace period; else its creation time.
 */
export function finishedTime(p: PodObj): number {
  const statuses = p.status?.containerStatuses ?? [];
  let latest: number | undefined;
  let allDone = statuses.length > 0;
  for (const s of statuses) {
    const f = ts(s.state?.terminated?.finishedAt);
    if (f === undefined) {
      allDone = false;
      break;
    }
    if (latest === undefined || f > latest) latest = f;
  }
  if (allDone && latest !== undefined) return latest;
  const ready = podCondition(p, 'Ready');
  const rt = ready?.status === 'False' ? ts(ready.lastTransitionTime) : undefined;
  if (rt !== undefined) return rt;
  const del = ts(p.metadata?.deletionTimestamp);
  if (del !== undefined) return del - (p.metadata?.deletionGracePeriodSeconds ?? 0) * 1000;
  return ts(p.metadata?.creationTimestamp) ?? 0;
}

export class BackoffStore {
  private readonly records = new Map<string, BackoffRecord>();

  next(key: string, newSucceeded: readonly PodObj[], newFailed: readonly PodObj[]): BackoffRecord {
    const old = this.records.get(key);
    const rec: BackoffRecord = { key, failuresAfterLastSuccess: old?.failuresAfterLastSuccess ?? 0, lastFailureTime: old?.lastFailureTime };
    const failedTimes = newFailed.map(finishedTime).sort((a, b) => a - b);
    if (newSucceeded.length === 0) {
      if (failedTimes.length === 0) return rec;
      rec.failuresAfterLastSuccess += failedTimes.length;
      rec.lastFailureTime = failedTimes[failedTimes.length - 1];
      return rec;
    }
    rec.failuresAfterLastSuccess = 0;
    rec.lastFailureTime = undefined;
    const lastSuccess = Math.max(...newSucceeded.map(finishedTime));
    for (let i = failedTimes.length - 1; i >= 0; i--) {
      const f = failedTimes[i]!;
      if (f <= lastSuccess) break;
      rec.lastFailureTime ??= f;
      rec.failuresAfterLastSuccess++;
    }
    return rec;
  }

  store(rec: BackoffRecord): void {
    this.records.set(rec.key, { ...rec });
  }

  remove(key: string): void {
    this.records.delete(key);
  }
}

export function remainingMs(rec: BackoffRecord, now: number, baseMs = DEFAULT_POD_FAILURE_BACKOFF_MS, maxMs = MAX_POD_FAILURE_BACKOFF_MS): number {
  if (rec.failuresAfterLastSuccess === 0 || rec.lastFailureTime === undefined) return 0;
  let d = baseMs;
  for (let i = 1; i < rec.failuresAfterLastSuccess; i++) {
    d *= 2;
    if (d >= maxMs) {
      d = maxMs;
      break;
    }
  }
  const elapsed = now - rec.lastFailureTime;
  return d < elapsed ? 0 : d - elapsed;
}
