/**
 * Scrapes kubelets' `/metrics/resource` into a MetricsStorage, as metrics-server does, with one
 * difference that lets one agent host thousands of nodes: requests are grouped per endpoint.
 *
 * Contracts:
 * - A node's endpoint is `https://<address>:<status.daemonEndpoints.kubeletEndpoint.Port>`, the
 *   address being the first of its status.addresses by type in `ADDRESS_TYPES` order. Nodes sharing
 *   an endpoint are scraped with ONE request per interval; series name their node with a `node`
 *   label, and a series without one belongs to the endpoint's only node (else it is ignored).
 * - Every interval, every endpoint is asked once (at most `concurrency` at a time, each bounded by
 *   the timeout). A failed endpoint drops the stored data of its nodes (no stale usage); nodes that
 *   are gone from the cluster are dropped too.
 * - HTTPS with the API server's kubelet client certificate (`clientCert`); the kubelet's serving
 *   certificate is not verified (kubelets serve self-signed ones, as upstream's default). Names are
 *   resolved to IPv4 (agents bind 127.0.0.1 only).
 */
import { Agent, request } from 'node:https';
import type { Node } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../util/logger.js';
import { sleep } from '../../util/abort.js';
import { parseExposition } from './prometheus.js';
import type { MetricsStorage, NodeBatch, Point } from './storage.js';

export const ADDRESS_TYPES = ['InternalDNS', 'InternalIP', 'ExternalDNS', 'ExternalIP', 'Hostname'];

export interface Endpoint {
  address: string;
  port: number;
}

/** Where `node`'s kubelet serves, or undefined when it announces no port or address. */
export function kubeletEndpoint(node: Node): Endpoint | undefined {
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!port) return undefined;
  const addrs = node.status?.addresses ?? [];
  for (const t of ADDRESS_TYPES) {
    const a = addrs.find((x) => x.type === t && x.address);
    if (a) return { address: a.address, port };
  }
  return undefined;
}

/** Splits one endpoint's exposition into per-node batches; `nodes` are the endpoint's nodes. */
export function batchesFromExposition(text: string, nodes: readonly string[], scrapeMs: number): Map<string, NodeBatch> {
  const known = new Set(nodes);
  const only = nodes.length === 1 ? nodes[0] : undefined;
  const out = new Map<string, NodeBatch>(nodes.map((n) => [n, { pods: new Map() }]));
  const nodePoints = new Map<string, Point>();
  const containerPoint = (b: NodeBatch, ns: string, pod: string, c: string, ts: number): Point => {
    const key = `${ns}/${pod}`;
    let m = b.pods.get(key);
    if (!m) b.pods.set(key, (m = new Map()));
    let p = m.get(c);
    if (!p) m.set(c, (p = { cpu: NaN, memory: NaN, ts }));
    return p;
  };
  parseExposition(text, (s) => {
    const node = s.labels.node ?? only;
    if (!node || !known.has(node)) return;
    const b = out.get(node)!;
    const ts = s.timestampMs ?? scrapeMs;
    switch (s.name) {
      case 'node_cpu_usage_seconds_total':
      case 'node_memory_working_set_bytes': {
        let p = nodePoints.get(node);
        if (!p) nodePoints.set(node, (p = { cpu: NaN, memory: NaN, ts }));
        if (s.name === 'node_cpu_usage_seconds_total') {
          p.cpu = s.value;
          p.ts = ts;
        } else p.memory = s.value;
        return;
      }
      case 'container_cpu_usage_seconds_total':
      case 'container_memory_working_set_bytes':
      case 'container_start_time_seconds': {
        const { namespace, pod, container } = s.labels;
        if (!namespace || !pod || !container) return;
        const p = containerPoint(b, namespace, pod, container, ts);
        if (s.name === 'container_cpu_usage_seconds_total') {
          p.cpu = s.value;
          p.ts = ts;
        } else if (s.name === 'container_memory_working_set_bytes') p.memory = s.value;
        else p.start = s.value;
        return;
      }
    }
  });
  for (const [node, p] of nodePoints) if (Number.isFinite(p.cpu) && Number.isFinite(p.memory)) out.get(node)!.node = p;
  for (const b of out.values()) {
    for (const [key, m] of b.pods) {
      for (const [c, p] of m) if (!Number.isFinite(p.cpu) || !Number.isFinite(p.memory)) m.delete(c);
      if (m.size === 0) b.pods.delete(key);
    }
  }
  return out;
}

export type Fetch = (ep: Endpoint, signal: AbortSignal) => Promise<string>;

export interface ScraperOptions {
  storage: MetricsStorage;
  /** The cluster's current Nodes. */
  nodes: () => Node[];
  intervalMs: number;
  /** Per-request timeout (default min(interval, 10 s)). */
  timeoutMs?: number;
  concurrency?: number;
  log: Logger;
  /** Replaces the HTTPS fetch (tests). */
  fetch?: Fetch;
  /** Client certificate presented to kubelets. */
  clientCert?: { cert: string; key: string };
}

export class Scraper {
  private readonly agent: Agent;
  private readonly fetch: Fetch;

  constructor(private readonly opts: ScraperOptions) {
    const cert = opts.clientCert ? { cert: opts.clientCert.cert, key: opts.clientCert.key } : {};
    this.agent = new Agent({ keepAlive: true, maxSockets: 4, rejectUnauthorized: false, ...cert });
    this.fetch = opts.fetch ?? ((ep, signal) => this.httpGet(ep, signal));
  }

  /** Scrapes every interval until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const started = Date.now();
      try {
        await this.scrapeOnce(signal);
      } catch (err) {
        this.opts.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'resource metrics scrape failed');
      }
      await sleep(Math.max(0, this.opts.intervalMs - (Date.now() - started)), signal).catch(() => undefined);
    }
    this.agent.destroy();
  }

  /** One round over every endpoint. */
  async scrapeOnce(signal?: AbortSignal): Promise<void> {
    const groups = new Map<string, { ep: Endpoint; nodes: string[] }>();
    const present = new Set<string>();
    for (const n of this.opts.nodes()) {
      const name = n.metadata?.name;
      if (!name) continue;
      present.add(name);
      const ep = kubeletEndpoint(n);
      if (!ep) {
        this.opts.storage.drop(name);
        continue;
      }
      const k = `${ep.address}:${ep.port}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { ep, nodes: [] }));
      g.nodes.push(name);
    }
    for (const name of this.opts.storage.nodeNames()) if (!present.has(name)) this.opts.storage.drop(name);
    const list = [...groups.values()];
    let next = 0;
    const worker = async () => {
      while (next < list.length && !signal?.aborted) await this.scrapeGroup(list[next++]!, signal);
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency ?? 16, list.length) }, worker));
  }

  private async scrapeGroup(g: { ep: Endpoint; nodes: string[] }, outer?: AbortSignal): Promise<void> {
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? Math.min(this.opts.intervalMs, 10_000));
    const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
    let text: string;
    const at = Date.now();
    try {
      text = await this.fetch(g.ep, signal);
    } catch (err) {
      for (const n of g.nodes) this.opts.storage.drop(n);
      this.opts.log.debug({ endpoint: `${g.ep.address}:${g.ep.port}`, nodes: g.nodes.length, err: err instanceof Error ? err.message : String(err) }, 'kubelet scrape failed');
      return;
    }
    for (const [node, batch] of batchesFromExposition(text, g.nodes, at)) this.opts.storage.store(node, batch);
  }

  private httpGet(ep: Endpoint, signal: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: ep.address, port: ep.port, path: '/metrics/resource', family: ep.address.includes(':') ? 6 : 4, agent: this.agent, signal, headers: { accept: 'text/plain' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}`));
            else resolve(Buffer.concat(chunks).toString('utf8'));
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }
}
