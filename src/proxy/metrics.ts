/**
 * The proxy's Prometheus metrics (`/metrics` on --proxy-metrics-bind-address, upstream's
 * --metrics-bind-address 127.0.0.1:10249), with upstream kube-proxy's names for sync figures and
 * k8ts names for traffic:
 *
 * - kubeproxy_sync_proxy_rules_duration_seconds (histogram), …_last_timestamp_seconds (gauge),
 *   kubeproxy_sync_full_proxy_rules_duration_seconds / …_partial_… (histograms),
 *   kubeproxy_sync_proxy_rules_service_changes_total / …_endpoint_changes_total (counters of source events);
 * - k8ts_proxy_service_connections_total{service_port,protocol} and
 *   k8ts_proxy_endpoint_connections_total{service_port,protocol,endpoint}: new connections (UDP:
 *   flows) sent to a service's endpoints — in iptables mode read at scrape time from the packet
 *   counters of the endpoints' DNAT rules (the nat table sees only a connection's first packet);
 * - k8ts_proxy_service_bytes_total{service_port,protocol,direction} where the mode can count bytes
 *   (userspace).
 * Traffic figures come from `traffic()`: one read at a time, its result reused by scrapes until
 * `trafficMaxAgeMs` (5 s) after it finished (reading the counters costs an `iptables-save -c`,
 * seconds at 10,000 services). They are cumulative since the rules or sockets were created: an endpoint's DNAT rule
 * keeps its counter across partial syncs and starts again from 0 when its chain is re-created
 * (a full sync, a re-created service), which Prometheus treats as a counter reset.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface TrafficSample {
  /** Upstream ServicePortName: `ns/name` or `ns/name:port`. */
  servicePort: string;
  protocol: string;
  /** `ip:port`. */
  endpoint: string;
  connections: number;
  bytesIn?: number;
  bytesOut?: number;
}

export interface SyncObservation {
  seconds: number;
  partial?: boolean;
}

const SYNC_BUCKETS = Array.from({ length: 15 }, (_, i) => 0.001 * 2 ** i);

export class ProxyMetrics {
  readonly registry = new Registry();
  private readonly duration = new Histogram({ name: 'kubeproxy_sync_proxy_rules_duration_seconds', help: 'SyncProxyRules latency in seconds', buckets: SYNC_BUCKETS, registers: [this.registry] });
  private readonly full = new Histogram({ name: 'kubeproxy_sync_full_proxy_rules_duration_seconds', help: 'SyncProxyRules latency in seconds for full resyncs', buckets: SYNC_BUCKETS, registers: [this.registry] });
  private readonly partial = new Histogram({ name: 'kubeproxy_sync_partial_proxy_rules_duration_seconds', help: 'SyncProxyRules latency in seconds for partial resyncs', buckets: SYNC_BUCKETS, registers: [this.registry] });
  private readonly last = new Gauge({ name: 'kubeproxy_sync_proxy_rules_last_timestamp_seconds', help: 'The last time proxy rules were successfully synced', registers: [this.registry] });
  readonly serviceChanges = new Counter({ name: 'kubeproxy_sync_proxy_rules_service_changes_total', help: 'Cumulative proxy rules Service changes', registers: [this.registry] });
  readonly endpointChanges = new Counter({ name: 'kubeproxy_sync_proxy_rules_endpoint_changes_total', help: 'Cumulative proxy rules Endpoint changes', registers: [this.registry] });
  /** Wall-clock ms of the last successful sync (0: none yet), for /healthz. */
  lastSyncAt = 0;

  constructor(traffic: () => Promise<TrafficSample[]>, trafficMaxAgeMs = 5_000) {
    collectDefaultMetrics({ register: this.registry });
    let last: { doneAt: number | undefined; result: Promise<TrafficSample[]> } | undefined;
    const read = (): Promise<TrafficSample[]> => {
      const fresh = last && (last.doneAt === undefined || Date.now() - last.doneAt < trafficMaxAgeMs);
      if (!fresh) {
        const entry: { doneAt: number | undefined; result: Promise<TrafficSample[]> } = { doneAt: undefined, result: traffic().catch(() => []) };
        void entry.result.then(() => (entry.doneAt = Date.now()));
        last = entry;
      }
      return last!.result;
    };
    new Counter({
      name: 'k8ts_proxy_service_connections_total',
      help: 'New connections (UDP: flows) the proxy sent to the endpoints of a service port',
      labelNames: ['service_port', 'protocol'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const s of await read()) this.inc({ service_port: s.servicePort, protocol: s.protocol }, s.connections);
      },
    });
    new Counter({
      name: 'k8ts_proxy_endpoint_connections_total',
      help: 'New connections (UDP: flows) the proxy sent to one endpoint of a service port',
      labelNames: ['service_port', 'protocol', 'endpoint'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const s of await read()) this.inc({ service_port: s.servicePort, protocol: s.protocol, endpoint: s.endpoint }, s.connections);
      },
    });
    new Counter({
      name: 'k8ts_proxy_service_bytes_total',
      help: 'Bytes the proxy forwarded for a service port (modes that count bytes: userspace)',
      labelNames: ['service_port', 'protocol', 'direction'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const s of await read()) {
          if (s.bytesIn !== undefined) this.inc({ service_port: s.servicePort, protocol: s.protocol, direction: 'in' }, s.bytesIn);
          if (s.bytesOut !== undefined) this.inc({ service_port: s.servicePort, protocol: s.protocol, direction: 'out' }, s.bytesOut);
        }
      },
    });
  }

  observeSync(o: SyncObservation): void {
    this.duration.observe(o.seconds);
    if (o.partial === true) this.partial.observe(o.seconds);
    else this.full.observe(o.seconds);
    this.lastSyncAt = Date.now();
    this.last.set(this.lastSyncAt / 1000);
  }
}

/**
 * Connections per endpoint from `iptables-save -c -t nat` output: the counters of every
 * `-A K8TS-SEP-… -j DNAT --to-destination ip:port` rule, keyed by the rule's comment (the service port).
 */
export function trafficFromIptablesSave(save: string): TrafficSample[] {
  const out: TrafficSample[] = [];
  for (const line of save.split('\n')) {
    if (!line.includes('-j DNAT') || !line.includes(' -A K8TS-SEP-')) continue;
    const m = /^\[(\d+):(\d+)\] -A K8TS-SEP-\S+ (.*)$/.exec(line);
    if (!m) continue;
    const rest = m[3]!;
    const comment = /--comment (?:"([^"]*)"|(\S+))/.exec(rest);
    const dest = /--to-destination (\S+)/.exec(rest);
    const proto = /-p (\w+)/.exec(rest);
    if (!comment || !dest) continue;
    out.push({ servicePort: comment[1] ?? comment[2]!, protocol: (proto?.[1] ?? 'tcp').toUpperCase(), endpoint: dest[1]!, connections: Number(m[1]) });
  }
  return out;
}
