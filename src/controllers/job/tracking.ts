/**
 * Finalizer bookkeeping for Job pods (pkg/controller/job/tracking_utils.go and the finalizer
 * helpers of job_controller.go).
 *
 * Contracts:
 * - `FinalizerExpectations` remembers, per Job key, the pod UIDs whose tracking-finalizer removal
 *   was requested but not yet observed by the pod informer. Such pods are treated as already
 *   counted, so a stale cache never counts a pod twice.
 * - `removeFinalizerPatch` is the strategic merge patch that removes only the tracking finalizer.
 */
import type { PodObj } from '../common/podutil.js';
import { JOB_TRACKING_FINALIZER } from './types.js';

export class FinalizerExpectations {
  private readonly m = new Map<string, Set<string>>();

  expectRemoved(jobKey: string, uids: readonly string[]): void {
    let s = this.m.get(jobKey);
    if (!s) this.m.set(jobKey, (s = new Set()));
    for (const u of uids) s.add(u);
  }

  observed(jobKey: string, uid: string): void {
    const s = this.m.get(jobKey);
    if (!s) return;
    s.delete(uid);
    if (s.size === 0) this.m.delete(jobKey);
  }

  expected(jobKey: string): ReadonlySet<string> {
    return this.m.get(jobKey) ?? new Set();
  }

  delete(jobKey: string): void {
    this.m.delete(jobKey);
  }
}

export function hasTrackingFinalizer(pod: PodObj): boolean {
  return pod.metadata?.finalizers?.includes(JOB_TRACKING_FINALIZER) ?? false;
}

export function removeFinalizerPatch(): unknown {
  return { metadata: { [`$deleteFromPrimitiveList/finalizers`]: [JOB_TRACKING_FINALIZER] } };
}
