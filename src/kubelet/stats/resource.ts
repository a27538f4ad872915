/**
 * The kubelet's `/metrics/resource` (Prometheus text 0.0.4) from CRI container stats and the
 * node's /proc, with upstream's series names and labels:
 * `container_cpu_usage_seconds_total` / `container_memory_working_set_bytes` /
 * `container_start_time_seconds` {container, namespace, pod}, `pod_cpu_usage_seconds_total` /
 * `pod_memory_working_set_bytes` {namespace, pod}, `node_cpu_usage_seconds_total` /
 * `node_memory_working_set_bytes`, `resource_scrape_error`. Samples carry millisecond timestamps.
 * Series have no `node` label: a real kubelet's endpoint serves exactly one node.
 *
 * Containers are matched to pods by the labels upstream's kubelet sets on every CRI container
 * (`io.kubernetes.pod.namespace`, `io.kubernetes.pod.name`, `io.kubernetes.pod.uid`,
 * `io.kubernetes.container.name`); stats of containers of pods not in `pods` are left out.
 */
import { readFile } from 'node:fs/promises';
import type { Pod } from '../types.js';
import type { ContainerStats, CriClient } from '../runtime/cri/client.js';

export const LABEL_POD_NAME = 'io.kubernetes.pod.name';
export const LABEL_POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const LABEL_POD_UID = 'io.kubernetes.pod.uid';
export const LABEL_CONTAINER_NAME = 'io.kubernetes.container.name';

export interface NodeUsage {
  /** Cumulative cpu time of the node in core-seconds. */
  cpuSeconds: number;
  memoryWorkingSetBytes: number;
  timestampMs: number;
}

/** User-mode ticks per second of /proc/stat (USER_HZ is 100 on every Linux architecture in use). */
const USER_HZ = 100;

/** Node cpu (busy time of the `cpu` line of /proc/stat) and memory (MemTotal − MemAvailable). */
export function parseNodeUsage(procStat: string, meminfo: string, nowMs: number): NodeUsage {
  const cpu = procStat.split('\n').find((l) => /^cpu\s/.test(l));
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user/nice.
  const f = (cpu ?? '').trim().split(/\s+/).slice(1).map(Number);
  const busy = (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
  const kb = (key: string): number => {
    const m = new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(meminfo);
    return m ? Number(m[1]) * 1024 : 0;
  };
  return { cpuSeconds: busy / USER_HZ, memoryWorkingSetBytes: Math.max(0, kb('MemTotal') - kb('MemAvailable')), timestampMs: nowMs };
}

export async function readNodeUsage(nowMs = Date.now()): Promise<NodeUsage> {
  const [stat, mem] = await Promise.all([readFile('/proc/stat', 'utf8'), readFile('/proc/meminfo', 'utf8')]);
  return parseNodeUsage(stat, mem, nowMs);
}

/** Prometheus label value escaping. */
export const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
/** A sample value as the kubelet prints it. */
export const num = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15))));

/** The /metrics/resource series: name, type, help text (upstream's). */
export const HELP: Array<[string, string, string]> = [
  ['container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the container in core-seconds'],
  ['container_memory_working_set_bytes', 'gauge', 'Current working set of the container in bytes'],
  ['container_start_time_seconds', 'gauge', 'Start time of the container since unix epoch in seconds'],
  ['node_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the node in core-seconds'],
  ['node_memory_working_set_bytes', 'gauge', 'Current working set of the node in bytes'],
  ['pod_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the pod in core-seconds'],
  ['pod_memory_working_set_bytes', 'gauge', 'Current working set of the pod in bytes'],
  ['resource_scrape_error', 'gauge', '1 if there was an error while getting container metrics, 0 otherwise'],
];

export interface ResourceMetricsInput {
  pods: readonly Pod[];
  /** CRI stats; undefined when the runtime could not be asked (resource_scrape_error 1). */
  stats: readonly ContainerStats[] | undefined;
  node: NodeUsage | undefined;
  nowMs: number;
}

function startedAtSeconds(pod: Pod, container: string): number | undefined {
  const s = pod.status?.containerStatuses?.find((c) => c.name === container)?.state?.running?.startedAt;
  const ms = s ? Date.parse(s) : NaN;
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

/** Renders the exposition text (pure). */
export function renderResourceMetrics(i: ResourceMetricsInput): string {
  const series = new Map<string, string[]>(HELP.map(([n]) => [n, []]));
  const put = (name: string, labels: Record<string, string>, v: number, tsMs: number) => {
    const l = Object.entries(labels).map(([k, x]) => `${k}="${esc(x)}"`).join(',');
    series.get(name)!.push(`${name}${l ? `{${l}}` : ''} ${num(v)} ${Math.round(tsMs)}`);
  };
  const byUid = new Map<string, Pod>();
  const byName = new Map<string, Pod>();
  for (const p of i.pods) {
    if (p.metadata?.uid) byUid.set(p.metadata.uid, p);
    byName.set(`${p.metadata?.namespace}/${p.metadata?.name}`, p);
  }
  const podTotals = new Map<Pod, { cpu: number; mem: number; ts: number }>();
  for (const s of i.stats ?? []) {
    const labels = s.attributes?.labels ?? {};
    const uid = labels[LABEL_POD_UID];
    const pod = uid ? byUid.get(uid) : byName.get(`${labels[LABEL_POD_NAMESPACE]}/${labels[LABEL_POD_NAME]}`);
    const container = labels[LABEL_CONTAINER_NAME] ?? s.attributes?.metadata?.name;
    const cpuNs = s.cpu?.usageCoreNanoSeconds?.value;
    const mem = s.memory?.workingSetBytes?.value;
    if (!pod || !container || cpuNs === undefined || mem === undefined) continue;
    const ts = (s.cpu?.timestamp ? s.cpu.timestamp / 1e6 : 0) || i.nowMs;
    const l = { container, namespace: pod.metadata?.namespace ?? '', pod: pod.metadata?.name ?? '' };
    put('container_cpu_usage_seconds_total', l, cpuNs / 1e9, ts);
    put('container_memory_working_set_bytes', l, mem, (s.memory?.timestamp ? s.memory.timestamp / 1e6 : 0) || ts);
    const start = startedAtSeconds(pod, container);
    if (start !== undefined) put('container_start_time_seconds', l, start, ts);
    const t = podTotals.get(pod) ?? { cpu: 0, mem: 0, ts };
    t.cpu += cpuNs / 1e9;
    t.mem += mem;
    t.ts = Math.max(t.ts, ts);
    podTotals.set(pod, t);
  }
  for (const [pod, t] of podTotals) {
    const l = { namespace: pod.metadata?.namespace ?? '', pod: pod.metadata?.name ?? '' };
    put('pod_cpu_usage_seconds_total', l, t.cpu, t.ts);
    put('pod_memory_working_set_bytes', l, t.mem, t.ts);
  }
  if (i.node) {
    put('node_cpu_usage_seconds_total', {}, i.node.cpuSeconds, i.node.timestampMs);
    put('node_memory_working_set_bytes', {}, i.node.memoryWorkingSetBytes, i.node.timestampMs);
  }
  let out = '';
  for (const [name, type, help] of HELP) {
    out += `# HELP ${name} [STABLE] ${help}\n# TYPE ${name} ${type}\n`;
    if (name === 'resource_scrape_error') out += `resource_scrape_error ${i.stats ? 0 : 1}\n`;
    else for (const line of series.get(name)!) out += `${line}\n`;
  }
  return out;
}

/** Asks the runtime and /proc, then renders; a failing runtime yields node series only and resource_scrape_error 1. */
export async function collectResourceMetrics(cri: Pick<CriClient, 'listContainerStats'>, pods: readonly Pod[], signal?: AbortSignal): Promise<string> {
  const [stats, node] = await Promise.all([
    cri.listContainerStats(undefined, { timeoutMs: 10_000, signal }).catch(() => undefined),
    readNodeUsage().catch(() => undefined),
  ]);
  return renderResourceMetrics({ pods, stats, node, nowMs: Date.now() });
}
