/**
 * Pure Job status helpers (conditions and pod classification) as pkg/controller/job uses them.
 * Times are metav1.Time strings (RFC 3339, whole seconds).
 */
import { formatRfc3339 } from '../../machinery/meta.js';
import type { PodObj } from '../common/podutil.js';
import type { Condition, JobConditionType, JobObj } from './types.js';

export function newCondition(type: JobConditionType, status: 'True' | 'False', reason: string, message: string, now: number): Condition {
  const t = formatRfc3339(new Date(now));
  return { type, status, lastProbeTime: t, lastTransitionTime: t, reason, message };
}

export function findCondition(list: Condition[] | undefined, type: JobConditionType): Condition | undefined {
  return list?.find((c) => c.type === type);
}

/**
 * ensureJobConditionStatus: sets the condition of `type` (replacing it when status, reason or
 * message differ); a missing condition is not added with status False. Returns whether it changed.
 */
export function ensureCondition(job: JobObj, type: JobConditionType, status: 'True' | 'False', reason: string, message: string, now: number): boolean {
  const st = (job.status ??= {});
  const list = (st.conditions ??= []);
  const i = list.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = list[i]!;
    if (c.status !== status || (c.reason ?? '') !== reason || (c.message ?? '') !== message) {
      list[i] = newCondition(type, status, reason, message, now);
      return true;
    }
    return false;
  }
  if (status === 'False') {
    if (list.length === 0) delete st.conditions;
    return false;
  }
  list.push(newCondition(type, status, reason, message, now));
  return true;
}

/** The SuccessCriteriaMet=True condition, if any. */
export function successCriteriaMet(job: JobObj): Condition | undefined {
  const c = findCondition(job.status?.conditions, 'SuccessCriteriaMet');
  return c?.status === 'True' ? c : undefined;
}

/**
 * onlyReplaceFailedPods: replacements wait for pods to be Failed (not merely terminating) when
 * podReplacementPolicy is Failed or a podFailurePolicy is set.
 */
export function onlyReplaceFailedPods(job: JobObj): boolean {
  return job.spec?.podReplacementPolicy === 'Failed' || !!job.spec?.podFailurePolicy;
}

/** Failed, or (unless only failed pods are replaced) being deleted without having succeeded. */
export function isPodFailed(p: PodObj, job: JobObj): boolean {
  if (p.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return !!p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded';
}

/** Being deleted and not terminal (controller.CountTerminatingPods). */
export function isPodTerminating(p: PodObj): boolean {
  return !!p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';
}

/**
 * With restartPolicy OnFailure, the summed container restarts of running/pending pods count
 * against backoffLimit (reached at >= backoffLimit, or any restart when it is 0).
 */
export function pastBackoffLimitOnFailure(job: JobObj, pods: readonly PodObj[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let n = 0;
  for (const p of pods) {
    const ph = p.status?.phase;
    if (ph !== 'Running' && ph !== 'Pending') continue;
    for (const s of p.status?.initContainerStatuses ?? []) n += s.restartCount ?? 0;
    for (const s of p.status?.containerStatuses ?? []) n += s.restartCount ?? 0;
  }
  const limit = job.spec?.backoffLimit ?? 6;
  return limit === 0 ? n > 0 : n >= limit;
}

/** True once activeDeadlineSeconds have passed since status.startTime (never while suspended). */
export function pastActiveDeadline(job: JobObj, now: number): boolean {
  const ads = job.spec?.activeDeadlineSeconds;
  const start = job.status?.startTime;
  if (ads === undefined || ads === null || !start || job.spec?.suspend === true) return false;
  return now - Date.parse(start) >= ads * 1000;
}
