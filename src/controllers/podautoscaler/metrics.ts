/**
 * The resource metrics client of the HPA (pkg/controller/podautoscaler/metrics): lists PodMetrics
 * of `metrics.k8s.io/v1beta1` with the target's selector and sums each pod's containers.
 *
 * Contracts (upstream's): no PodMetrics at all is an error; a pod with no containers or with a
 * container lacking the resource is left out (it counts as missing); with `container`, a pod whose
 * metrics lack that container fails the whole call. Values are milli-units.
 */
import type { KubeObject } from '../../api/types.js';
import type { RestClient, ResourceRef } from '../../client/rest.js';
import { parseGoDuration } from '../../machinery/duration.js';
import { tryParseQuantity } from '../../machinery/quantity.js';
import type { PodMetricsInfo } from './replicas.js';

export const POD_METRICS: ResourceRef = { group: 'metrics.k8s.io', version: 'v1beta1', resource: 'pods', namespaced: true, kind: 'PodMetrics' };

interface PodMetricsObj extends KubeObject {
  timestamp?: string;
  window?: string;
  containers?: Array<{ name: string; usage?: Record<string, string> }>;
}

export type MetricsClient = Pick<RestClient, 'list'>;

const windowMs = (w: string | undefined): number => {
  try {
    return w ? parseGoDuration(w) : 0;
  } catch {
    return 0;
  }
};

/** PodMetrics → per-pod usage of `resource`, and the first item's timestamp. */
export function podMetricsInfo(items: readonly PodMetricsObj[], resource: string, container: string): PodMetricsInfo {
  const out: PodMetricsInfo = new Map();
  for (const m of items) {
    const name = m.metadata?.name ?? '';
    const base = { timestampMs: Date.parse(m.timestamp ?? '') || 0, windowMs: windowMs(m.window) };
    const cs = m.containers ?? [];
    if (container !== '') {
      const c = cs.find((x) => x.name === container);
      if (!c) throw new Error(`container ${container} not present in metrics for pod ${m.metadata?.namespace ?? ''}/${name}`);
      const q = c.usage?.[resource] !== undefined ? tryParseQuantity(c.usage[resource]!) : undefined;
      if (q) out.set(name, { ...base, value: q.milliValue() });
      continue;
    }
    if (cs.length === 0) continue;
    let sum = 0;
    let missing = false;
    for (const c of cs) {
      const q = c.usage?.[resource] !== undefined ? tryParseQuantity(c.usage[resource]!) : undefined;
      if (!q) {
        missing = true;
        break;
      }
      sum += q.milliValue();
    }
    if (!missing) out.set(name, { ...base, value: sum });
  }
  return out;
}

export async function getResourceMetric(
  client: MetricsClient,
  resource: string,
  namespace: string,
  selector: string,
  container: string,
  signal?: AbortSignal,
): Promise<{ metrics: PodMetricsInfo; timestampMs: number }> {
  let items: PodMetricsObj[];
  try {
    items = (await client.list<PodMetricsObj>(POD_METRICS, namespace, { labelSelector: selector, signal })).items;
  } catch (err) {
    throw new Error(`unable to fetch metrics from resource metrics API: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (items.length === 0) throw new Error('no metrics returned from resource metrics API');
  let metrics: PodMetricsInfo;
  try {
    metrics = podMetricsInfo(items, resource, container);
  } catch (err) {
    throw new Error(`failed to get container metrics: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { metrics, timestampMs: Date.parse(items[0]!.timestamp ?? '') || 0 };
}
