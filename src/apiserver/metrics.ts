/** Prometheus metrics of the API server (`/metrics`), on a registry owned by the server. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface RequestLabel {
  verb: string;
  group: string;
  resource: string;
  subresource: string;
}

export class ApiMetrics {
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;
  private readonly requests = new Counter({
    name: 'apiserver_request_total',
    help: 'Counter of apiserver requests broken out for each verb, group, resource, subresource and HTTP response code.',
    labelNames: ['verb', 'group', 'resource', 'subresource', 'code'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Response latency distribution in seconds for each verb, group, resource and subresource.',
    labelNames: ['verb', 'group', 'resource', 'subresource'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  private sources: Array<{ group: string; resource: string; watchers(): number; objects(): number }> = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const sources = () => this.sources;
    new Gauge({
      name: 'apiserver_registered_watchers',
      help: 'Number of currently registered watchers for a given resource.',
      labelNames: ['group', 'resource'] as const,
      registers: [this.registry],
      collect() {
        for (const src of sources()) this.set({ group: src.group, resource: src.resource }, src.watchers());
      },
    });
    new Gauge({
      name: 'apiserver_storage_objects',
      help: 'Number of stored objects at the time of last check split by kind.',
      labelNames: ['resource'] as const,
      registers: [this.registry],
      collect() {
        for (const src of sources()) this.set({ resource: src.group ? `${src.resource}.${src.group}` : src.resource }, src.objects());
      },
    });
  }

  /** Registers a watch cache whose watcher and object counts are reported on scrape. */
  addCacheSource(src: { group: string; resource: string; watchers(): number; objects(): number }): void {
    this.sources.push(src);
  }

  observe(l: RequestLabel, code: number, startedNs: bigint): void {
    // Watches are long; their duration says nothing about latency.
    this.requests.inc({ ...l, code: String(code) });
    if (l.verb !== 'WATCH') this.latency.observe(l, Number(process.hrtime.bigint() - startedNs) / 1e9);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
