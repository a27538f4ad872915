/**
 * Synthetic resource usage of simulated pods and nodes, exposed the way a kubelet's
 * `/metrics/resource` endpoint does (Prometheus text format, cumulative cpu counters, working-set
 * gauges, millisecond timestamps).
 *
 * Usage contract:
 * - `k8ts.io/simulated-cpu-usage` / `k8ts.io/simulated-memory-usage` on a pod give the POD's total
 *   usage as a quantity (`250m`, `64Mi`); it is split across the pod's containers in proportion to
 *   their requests of that resource (evenly when none has a request). Editing the annotation changes
 *   the rate from the moment the agent sees it.
 * - Without the annotation a container uses `fraction × request` (the agent's
 *   `--simulated-cpu-usage` / `--simulated-memory-usage`); without a request, `fraction × 100m`
 *   cpu and `fraction × 128Mi` memory.
 * - A node uses the sum of its running pods plus a base (`nodeBaseCpuMilli`, `nodeBaseMemoryBytes`).
 * - cpu counters are integrated over time (core-seconds, monotonic per container and per node as long
 *   as the agent runs); a scraper derives the rate from two samples, as metrics-server does.
 *
 * Exposition contract (one endpoint per agent process, many nodes): every series carries a `node`
 * label naming the node it belongs to, in addition to upstream's labels (`container`, `namespace`,
 * `pod`). A single-node kubelet may omit `node`; its series then belong to the endpoint's only node.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { tryParseQuantity } from '../../machinery/quantity.js';
import { HELP, esc, num } from '../stats/resource.js';

export const ANNOTATION_CPU_USAGE = 'k8ts.io/simulated-cpu-usage';
export const ANNOTATION_MEMORY_USAGE = 'k8ts.io/simulated-memory-usage';

const CPU_BASIS_NANOS = 100_000_000; // 100m
const MEMORY_BASIS_BYTES = 128 * 1024 * 1024;

export interface UsageConfig {
  /** Fraction of each container's cpu request used without an annotation. */
  cpuFraction: number;
  /** Fraction of each container's memory request used without an annotation. */
  memoryFraction: number;
  nodeBaseCpuMilli: number;
  nodeBaseMemoryBytes: number;
}

export const defaultUsageConfig: UsageConfig = { cpuFraction: 0.1, memoryFraction: 0.1, nodeBaseCpuMilli: 50, nodeBaseMemoryBytes: 256 * 1024 * 1024 };

export interface ContainerUsage {
  name: string;
  /** cpu rate in nanocores. */
  cpuNanos: number;
  memoryBytes: number;
}

function request(c: Container, resource: 'cpu' | 'memory'): number {
  const raw = c.resources?.requests?.[resource] ?? c.resources?.limits?.[resource];
  const q = raw === undefined ? undefined : tryParseQuantity(raw);
  if (!q) return 0;
  return resource === 'cpu' ? Number(q.nanos) : q.value();
}

function split(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map(() => total / weights.length);
  return weights.map((w) => (total * w) / sum);
}

/** Per-container usage rates of `pod` (regular containers only). */
export function podUsage(pod: Pod, cfg: UsageConfig): ContainerUsage[] {
  const containers = pod.spec?.containers ?? [];
  if (containers.length === 0) return [];
  const ann = pod.metadata?.annotations ?? {};
  const perResource = (resource: 'cpu' | 'memory', annotation: string, fraction: number, basis: number): number[] => {
    const reqs = containers.map((c) => request(c, resource));
    const q = ann[annotation] !== undefined ? tryParseQuantity(ann[annotation]!.trim()) : undefined;
    if (q && q.sign() >= 0) return split(resource === 'cpu' ? Number(q.nanos) : q.value(), reqs);
    return reqs.map((r) => fraction * (r > 0 ? r : basis));
  };
  const cpu = perResource('cpu', ANNOTATION_CPU_USAGE, cfg.cpuFraction, CPU_BASIS_NANOS);
  const mem = perResource('memory', ANNOTATION_MEMORY_USAGE, cfg.memoryFraction, MEMORY_BASIS_BYTES);
  // Working sets are whole pages, as a kernel reports them.
  return containers.map((c, i) => ({ name: c.name, cpuNanos: Math.round(cpu[i]!), memoryBytes: Math.round(mem[i]! / 4096) * 4096 }));
}

/**
 * Cumulative cpu counters: `sample(key, rate, now)` integrates the previous rate up to `now`, then
 * remembers `rate` for the next interval. Counters are monotonic; `forget` drops a key.
 */
export class CpuCounters {
  private readonly state = new Map<string, { coreSeconds: number; atMs: number; rateNanos: number }>();

  sample(key: string, rateNanos: number, nowMs: number): number {
    const s = this.state.get(key);
    if (!s) {
      this.state.set(key, { coreSeconds: 0, atMs: nowMs, rateNanos });
      return 0;
    }
    if (nowMs > s.atMs) s.coreSeconds += (s.rateNanos / 1e9) * ((nowMs - s.atMs) / 1000);
    s.atMs = Math.max(s.atMs, nowMs);
    s.rateNanos = rateNanos;
    return s.coreSeconds;
  }

  /** Drops keys not in `live`. */
  retain(live: Set<string>): void {
    for (const k of this.state.keys()) if (!live.has(k)) this.state.delete(k);
  }
}

export interface RunningPod {
  node: string;
  pod: Pod;
  startedMs: number;
}


/**
 * The `/metrics/resource` text for `nodes` and the pods running on them, sampled at `nowMs`.
 * Keys of `counters` are `node/<name>`, `pod/<uid>` and `container/<uid>/<name>`; with `prune`
 * (pass it when `nodes` are all the nodes the counters serve) keys not rendered are dropped.
 */
export function renderResourceMetrics(nodes: readonly string[], pods: Iterable<RunningPod>, cfg: UsageConfig, counters: CpuCounters, nowMs: number, prune = true): string {
  const series = new Map<string, string[]>(HELP.map(([n]) => [n, []]));
  const put = (name: string, labels: Record<string, string>, v: number) => {
    const l = Object.entries(labels)
      .map(([k, x]) => `${k}="${esc(x)}"`)
      .join(',');
    series.get(name)!.push(`${name}${l ? `{${l}}` : ''} ${num(v)} ${nowMs}`);
  };
  const live = new Set<string>();
  const nodeCpu = new Map<string, number>(nodes.map((n) => [n, cfg.nodeBaseCpuMilli * 1e6]));
  const nodeMem = new Map<string, number>(nodes.map((n) => [n, cfg.nodeBaseMemoryBytes]));
  for (const rp of pods) {
    if (!nodeCpu.has(rp.node)) continue;
    const uid = rp.pod.metadata?.uid ?? '';
    const namespace = rp.pod.metadata?.namespace ?? '';
    const pod = rp.pod.metadata?.name ?? '';
    let podCpu = 0;
    let podMem = 0;
    for (const c of podUsage(rp.pod, cfg)) {
      const key = `container/${uid}/${c.name}`;
      live.add(key);
      const labels = { container: c.name, namespace, node: rp.node, pod };
      put('container_cpu_usage_seconds_total', labels, counters.sample(key, c.cpuNanos, nowMs));
      put('container_memory_working_set_bytes', labels, c.memoryBytes);
      put('container_start_time_seconds', labels, rp.startedMs / 1000);
      podCpu += c.cpuNanos;
      podMem += c.memoryBytes;
    }
    live.add(`pod/${uid}`);
    put('pod_cpu_usage_seconds_total', { namespace, node: rp.node, pod }, counters.sample(`pod/${uid}`, podCpu, nowMs));
    put('pod_memory_working_set_bytes', { namespace, node: rp.node, pod }, podMem);
    nodeCpu.set(rp.node, nodeCpu.get(rp.node)! + podCpu);
    nodeMem.set(rp.node, nodeMem.get(rp.node)! + podMem);
  }
  for (const n of nodes) {
    live.add(`node/${n}`);
    put('node_cpu_usage_seconds_total', { node: n }, counters.sample(`node/${n}`, nodeCpu.get(n)!, nowMs));
    put('node_memory_working_set_bytes', { node: n }, nodeMem.get(n)!);
  }
  if (prune) counters.retain(live);
  let out = '';
  for (const [name, type, help] of HELP) {
    out += `# HELP ${name} [STABLE] ${help}\n# TYPE ${name} ${type}\n`;
    if (name === 'resource_scrape_error') out += 'resource_scrape_error 0\n';
    else for (const line of series.get(name)!) out += `${line}\n`;
  }
  return out;
}
