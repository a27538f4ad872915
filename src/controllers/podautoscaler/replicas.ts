/**
 * The replica calculator (pkg/controller/podautoscaler/replica_calculator.go) for resource
 * metrics: pure functions of the target's pods, their metrics and the time.
 *
 * Contracts (upstream's, v1.32):
 * - Pods being deleted or Failed are ignored; Pending pods count as unready; pods without a metric
 *   are missing. For cpu, a pod is also unready when it has no Ready condition or start time, or —
 *   within the cpu initialization period after its start — when it is not Ready or its metric was
 *   not sampled a full window after it became Ready, or — after that period — when it is not Ready
 *   and never was (its Ready transition is within the initial-readiness delay of its start).
 * - Without unready-on-scale-up or missing pods: the current count when |1 - ratio| <= tolerance,
 *   else ceil(ratio × ready pods). Otherwise missing pods count as 100 % of request (or the target
 *   when higher) on a scale-down and 0 on a scale-up, unready pods as 0 on a scale-up; the ratio is
 *   recomputed and the current count kept when within tolerance, when the direction flips, or when
 *   the new count would move the other way.
 * - Values are milli-units (MilliValue), utilizations integer percents.
 * - Errors carry upstream's messages.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { tryParseQuantity } from '../../machinery/quantity.js';

export interface PodMetric {
  timestampMs: number;
  windowMs: number;
  /** Milli-units (cpu millicores, memory millibytes). */
  value: number;
}

/** Pod name → metric. */
export type PodMetricsInfo = Map<string, PodMetric>;

export interface CalculatorOptions {
  /** Upstream's --horizontal-pod-autoscaler-tolerance (0.1). */
  tolerance: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period (5 min). */
  cpuInitializationPeriodMs: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay (30 s). */
  delayOfInitialReadinessStatusMs: number;
  now: number;
}

export const defaultCalculatorOptions = (): CalculatorOptions => ({
  tolerance: 0.1,
  cpuInitializationPeriodMs: 5 * 60_000,
  delayOfInitialReadinessStatusMs: 30_000,
  now: Date.now(),
});

export interface PodGroups {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

const ms = (t: string | undefined): number | undefined => {
  if (!t) return undefined;
  const v = Date.parse(t);
  return Number.isNaN(v) ? undefined : v;
};

export function groupPods(pods: readonly Pod[], metrics: PodMetricsInfo, resource: string, o: CalculatorOptions): PodGroups {
  const g: PodGroups = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === 'Failed') {
      g.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      g.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      g.missing.add(name);
      continue;
    }
    if (resource === 'cpu') {
      const cond = pod.status?.conditions?.find((c) => c.type === 'Ready');
      const start = ms(pod.status?.startTime);
      let unready: boolean;
      if (!cond || start === undefined) unready = true;
      else {
        const transition = ms(cond.lastTransitionTime) ?? 0;
        if (start + o.cpuInitializationPeriodMs > o.now) {
          unready = cond.status === 'False' || metric.timestampMs < transition + metric.windowMs;
        } else {
          unready = cond.status === 'False' && start + o.delayOfInitialReadinessStatusMs > transition;
        }
      }
      if (unready) {
        g.unready.add(name);
        continue;
      }
    }
    g.readyPodCount++;
  }
  return g;
}

/** Sum of the pod's requests of `resource` in milli-units, per pod name; `container` limits it to one. */
export function calculatePodRequests(pods: readonly Pod[], container: string, resource: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    let sum = 0;
    const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
    for (const c of containers) {
      if (container !== '' && container !== c.name) continue;
      const raw = c.resources?.requests?.[resource];
      const q = raw === undefined ? undefined : tryParseQuantity(raw);
      if (!q) throw new Error(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata?.name ?? ''}`);
      sum += q.milliValue();
    }
    out.set(pod.metadata?.name ?? '', sum);
  }
  return out;
}

/** metricsclient.GetResourceUtilizationRatio. */
export function resourceUtilizationRatio(metrics: PodMetricsInfo, requests: Map<string, number>, targetUtilization: number): { ratio: number; utilization: number; rawAverage: number } {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let n = 0;
  for (const [pod, m] of metrics) {
    const r = requests.get(pod);
    if (r === undefined) continue;
    metricsTotal += m.value;
    requestsTotal += r;
    n++;
  }
  if (requestsTotal === 0) throw new Error('no metrics returned matched known pods');
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / targetUtilization, utilization, rawAverage: Math.trunc(metricsTotal / n) };
}

/** metricsclient.GetMetricUsageRatio. */
export function metricUsageRatio(metrics: PodMetricsInfo, targetUsage: number): { ratio: number; usage: number } {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const usage = Math.trunc(total / metrics.size);
  return { ratio: usage / targetUsage, usage };
}

const removeAll = (metrics: PodMetricsInfo, names: Set<string>) => {
  for (const n of names) metrics.delete(n);
};

const flips = (a: number, b: number) => (a < 1 && b > 1) || (a > 1 && b < 1);

/** GetResourceReplicas: a Utilization target. `metrics` is consumed (modified). */
export function resourceReplicas(
  currentReplicas: number,
  targetUtilization: number,
  resource: string,
  container: string,
  pods: readonly Pod[],
  metrics: PodMetricsInfo,
  o: CalculatorOptions,
): { replicas: number; utilization: number; rawAverage: number } {
  if (pods.length === 0) throw new Error('no pods returned by selector while calculating replica count');
  const g = groupPods(pods, metrics, resource, o);
  removeAll(metrics, g.ignored);
  removeAll(metrics, g.unready);
  if (metrics.size === 0) throw new Error('did not receive metrics for targeted pods (pods might be unready)');
  const requests = calculatePodRequests(pods, container, resource);
  const { ratio, utilization, rawAverage } = resourceUtilizationRatio(metrics, requests, targetUtilization);
  const scaleUpWithUnready = g.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (Math.abs(1 - ratio) <= o.tolerance) return { replicas: currentReplicas, utilization, rawAverage };
    return { replicas: Math.ceil(ratio * g.readyPodCount), utilization, rawAverage };
  }
  if (g.missing.size > 0) {
    if (ratio < 1) {
      const fallback = Math.max(100, targetUtilization);
      for (const p of g.missing) metrics.set(p, { timestampMs: 0, windowMs: 0, value: Math.trunc(((requests.get(p) ?? 0) * fallback) / 100) });
    } else if (ratio > 1) {
      for (const p of g.missing) metrics.set(p, { timestampMs: 0, windowMs: 0, value: 0 });
    }
  }
  if (scaleUpWithUnready) for (const p of g.unready) metrics.set(p, { timestampMs: 0, windowMs: 0, value: 0 });
  const next = resourceUtilizationRatio(metrics, requests, targetUtilization).ratio;
  if (Math.abs(1 - next) <= o.tolerance || flips(ratio, next)) return { replicas: currentReplicas, utilization, rawAverage };
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1 && replicas > currentReplicas) || (next > 1 && replicas < currentReplicas)) return { replicas: currentReplicas, utilization, rawAverage };
  return { replicas, utilization, rawAverage };
}

/** GetRawResourceReplicas / calcPlainMetricReplicas: an AverageValue target (milli-units). */
export function plainMetricReplicas(
  currentReplicas: number,
  targetUsage: number,
  resource: string,
  pods: readonly Pod[],
  metrics: PodMetricsInfo,
  o: CalculatorOptions,
): { replicas: number; usage: number } {
  if (pods.length === 0) throw new Error('no pods returned by selector while calculating replica count');
  const g = groupPods(pods, metrics, resource, o);
  removeAll(metrics, g.ignored);
  removeAll(metrics, g.unready);
  if (metrics.size === 0) throw new Error('did not receive metrics for targeted pods (pods might be unready)');
  const { ratio, usage } = metricUsageRatio(metrics, targetUsage);
  const scaleUpWithUnready = g.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (Math.abs(1 - ratio) <= o.tolerance) return { replicas: currentReplicas, usage };
    return { replicas: Math.ceil(ratio * g.readyPodCount), usage };
  }
  if (g.missing.size > 0) {
    const v = ratio < 1 ? targetUsage : 0;
    for (const p of g.missing) metrics.set(p, { timestampMs: 0, windowMs: 0, value: v });
  }
  if (scaleUpWithUnready) for (const p of g.unready) metrics.set(p, { timestampMs: 0, windowMs: 0, value: 0 });
  const next = metricUsageRatio(metrics, targetUsage).ratio;
  if (Math.abs(1 - next) <= o.tolerance || flips(ratio, next)) return { replicas: currentReplicas, usage };
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1 && replicas > currentReplicas) || (next > 1 && replicas < currentReplicas)) return { replicas: currentReplicas, usage };
  return { replicas, usage };
}
