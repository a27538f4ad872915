/**
 * The `endpoints.kubernetes.io/last-change-trigger-time` value (upstream TriggerTimeTracker): when
 * the earliest change that this sync of a Service's endpoints reflects happened.
 *
 * Contracts:
 * - A pod's trigger time is its Ready condition's lastTransitionTime; a Service's is its
 *   creationTimestamp.
 * - `compute` answers the Service's creationTimestamp the first time a Service is seen; afterwards
 *   the earliest trigger time that moved forward since the previous call for that Service, or
 *   undefined when none did (the annotation is then removed). It always records the current times.
 * - One call per Service at a time (the workqueue guarantees it).
 */
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { podCondition } from './podutil.js';

interface State {
  pods: Map<string, number>;
  service: number;
}

const ms = (s: string | undefined): number => {
  const t = s ? Date.parse(s) : NaN;
  return Number.isNaN(t) ? 0 : t;
};

export class TriggerTimeTracker {
  private readonly states = new Map<string, State>();

  /** Milliseconds since the epoch, or undefined for "no new trigger". */
  compute(key: string, service: Service, pods: Pod[]): number | undefined {
    const prev = this.states.get(key);
    let min: number | undefined;
    const podTimes = new Map<string, number>();
    for (const pod of pods) {
      const t = ms(podCondition(pod, 'Ready')?.lastTransitionTime);
      if (!t) continue;
      const name = pod.metadata?.name ?? '';
      podTimes.set(name, t);
      if (t > (prev?.pods.get(name) ?? 0)) min = min === undefined ? t : Math.min(min, t);
    }
    const svcTime = ms(service.metadata?.creationTimestamp);
    if (svcTime > (prev?.service ?? 0)) min = min === undefined ? svcTime : Math.min(min, svcTime);
    this.states.set(key, { pods: podTimes, service: svcTime });
    if (!prev) return svcTime || undefined;
    return min;
  }

  deleteService(key: string): void {
    this.states.delete(key);
  }
}

/** RFC 3339 with nanoseconds, UTC, as Go's time.RFC3339Nano prints (trailing zeros dropped). */
export function formatRfc3339Nano(msSinceEpoch: number): string {
  const iso = new Date(msSinceEpoch).toISOString();
  return iso.replace(/\.(\d*?)0*Z$/, (_m, frac: string) => (frac ? `.${frac}Z` : 'Z'));
}
