/**
 * The in-process "metrics-server": a Scraper filling a MetricsStorage from the kubelets the Node
 * objects announce, and the `metrics.k8s.io/v1beta1` API over it. Nodes and Pods are read from the
 * registries' watch caches.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../util/logger.js';
import { parseSelector, type Selector } from '../../machinery/labels.js';
import type { Registries } from '../registries.js';
import { namespacePrefix } from '../registry/codec.js';
import { ResourceMetricsApi, type ObjectSource } from './api.js';
import { MetricsStorage } from './storage.js';
import { Scraper } from './scraper.js';

export { ResourceMetricsApi, METRICS_DISCOVERY } from './api.js';

export function registrySource(registries: Registries): ObjectSource {
  const nodes = registries.byName('', 'nodes');
  const pods = registries.byName('', 'pods');
  return {
    nodes: (sel: Selector) => nodes.cacher.list(nodes.cacher.prefix, (o) => sel.matches(o.labels)).map((o) => o.obj as Node),
    pods: (ns: string | undefined, sel: Selector) => pods.cacher.list(namespacePrefix(pods.cacher.prefix, ns), (o) => sel.matches(o.labels)).map((o) => o.obj as Pod),
  };
}

export interface ResourceMetricsOptions {
  /** How often every kubelet endpoint is scraped (metrics-server's --metric-resolution). */
  intervalMs: number;
  log: Logger;
  signal: AbortSignal;
  /** Client certificate presented to kubelets (the API server's kubelet client certificate). */
  kubeletClient?: { cert: string; key: string };
}

/** Starts scraping (until `signal` aborts) and returns the API to mount on the server. */
export function startResourceMetrics(registries: Registries, opts: ResourceMetricsOptions): ResourceMetricsApi {
  const storage = new MetricsStorage();
  const source = registrySource(registries);
  const everything = parseSelector('');
  const scraper = new Scraper({ storage, nodes: () => source.nodes(everything), intervalMs: opts.intervalMs, log: opts.log, clientCert: opts.kubeletClient });
  void scraper.run(opts.signal);
  return new ResourceMetricsApi(storage, source);
}
