/**
 * What the resource metrics API serves, as metrics-server's storage: per node, the last two
 * samples of the node and of every container on it; usage is the cpu counter's rate between them
 * (window = their time difference) and the latest working set.
 *
 * Contracts:
 * - `store(node, batch)` replaces everything known about `node` by `batch`; containers and pods
 *   missing from it are gone. A sample no newer than the stored one is ignored (same scrape twice).
 * - A counter that went backwards or a container whose start time changed restarts its window: it
 *   has no rate until the next sample.
 * - A pod is served only when every one of its sampled containers has a rate; a node only with a rate.
 */

export interface Point {
  /** Cumulative cpu in core-seconds. */
  cpu: number;
  /** Working set in bytes. */
  memory: number;
  /** Sample time, ms since the epoch. */
  ts: number;
  /** Container start time (seconds), when known. */
  start?: number;
}

export interface NodeBatch {
  node?: Point;
  /** `namespace/pod` → container name → point. */
  pods: Map<string, Map<string, Point>>;
}

interface Series {
  prev?: Point;
  cur: Point;
}

interface NodeEntry {
  node?: Series;
  pods: Map<string, Map<string, Series>>;
}

export interface Usage {
  /** cpu in nanocores. */
  cpuNanos: number;
  memoryBytes: number;
}

export interface NodeUsage extends Usage {
  timestampMs: number;
  windowMs: number;
}

export interface PodUsage {
  timestampMs: number;
  windowMs: number;
  containers: Array<Usage & { name: string }>;
}

function advance(old: Series | undefined, p: Point): Series {
  if (!old) return { cur: p };
  if (p.ts <= old.cur.ts) return old;
  const restarted = p.cpu < old.cur.cpu || (p.start !== undefined && old.cur.start !== undefined && p.start !== old.cur.start);
  return restarted ? { cur: p } : { prev: old.cur, cur: p };
}

function rate(s: Series | undefined): (Usage & { ts: number; window: number }) | undefined {
  if (!s?.prev) return undefined;
  const window = s.cur.ts - s.prev.ts;
  if (window <= 0) return undefined;
  const cpuNanos = Math.max(0, Math.round(((s.cur.cpu - s.prev.cpu) / (window / 1000)) * 1e9));
  return { cpuNanos, memoryBytes: Math.round(s.cur.memory), ts: s.cur.ts, window };
}

export class MetricsStorage {
  private readonly nodes = new Map<string, NodeEntry>();
  /** `namespace/pod` → node name. */
  private readonly podNode = new Map<string, string>();

  store(node: string, batch: NodeBatch): void {
    const old = this.nodes.get(node);
    const entry: NodeEntry = { node: batch.node ? advance(old?.node, batch.node) : undefined, pods: new Map() };
    for (const [podKey, containers] of batch.pods) {
      const oldPod = old?.pods.get(podKey);
      const m = new Map<string, Series>();
      for (const [c, p] of containers) m.set(c, advance(oldPod?.get(c), p));
      entry.pods.set(podKey, m);
      this.podNode.set(podKey, node);
    }
    if (old) for (const k of old.pods.keys()) if (!entry.pods.has(k) && this.podNode.get(k) === node) this.podNode.delete(k);
    this.nodes.set(node, entry);
  }

  /** Forgets `node` (its scrape failed or it is gone). */
  drop(node: string): void {
    const old = this.nodes.get(node);
    if (!old) return;
    for (const k of old.pods.keys()) if (this.podNode.get(k) === node) this.podNode.delete(k);
    this.nodes.delete(node);
  }

  /** Names of nodes with stored data. */
  nodeNames(): string[] {
    return [...this.nodes.keys()];
  }

  node(name: string): NodeUsage | undefined {
    const r = rate(this.nodes.get(name)?.node);
    return r && { cpuNanos: r.cpuNanos, memoryBytes: r.memoryBytes, timestampMs: r.ts, windowMs: r.window };
  }

  pod(namespace: string, name: string): PodUsage | undefined {
    const key = `${namespace}/${name}`;
    const node = this.podNode.get(key);
    const containers = node ? this.nodes.get(node)?.pods.get(key) : undefined;
    if (!containers || containers.size === 0) return undefined;
    const out: PodUsage = { timestampMs: 0, windowMs: 0, containers: [] };
    for (const [c, s] of containers) {
      const r = rate(s);
      if (!r) return undefined;
      out.containers.push({ name: c, cpuNanos: r.cpuNanos, memoryBytes: r.memoryBytes });
      if (r.ts > out.timestampMs) {
        out.timestampMs = r.ts;
        out.windowMs = r.window;
      }
    }
    return out;
  }
}
