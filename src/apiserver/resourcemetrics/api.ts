/**
 * The resource metrics API `metrics.k8s.io/v1beta1`, served in-process as metrics-server serves it
 * behind the aggregator: NodeMetrics (cluster-scoped) and PodMetrics (namespaced), verbs get and
 * list only; label selectors, field selectors on metadata.name / metadata.namespace, JSON and
 * meta.k8s.io Tables (columns Name, cpu, memory, Window as metrics-server prints them).
 *
 * Contracts:
 * - Objects listed are the cluster's Nodes / Pods that match the selectors AND have usage in the
 *   storage; an object without usage is left out of lists and is NotFound on get.
 * - `handle` answers only paths under `/apis/metrics.k8s.io`; for anything else it returns
 *   undefined. Errors are thrown as ApiError.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject, TableColumn } from '../../api/types.js';
import * as errors from '../../machinery/errors.js';
import { parseSelector, type Selector } from '../../machinery/labels.js';
import { parseFieldSelector, type FieldSelector } from '../../machinery/fields.js';
import { Quantity, parseQuantity } from '../../machinery/quantity.js';
import { negotiate } from '../http/negotiation.js';
import { buildTable } from '../table.js';
import type { MetricsStorage, Usage } from './storage.js';

export const GROUP = 'metrics.k8s.io';
export const VERSION = 'v1beta1';
const GV = `${GROUP}/${VERSION}`;
const NODES_GR = { group: GROUP, resource: 'nodes' };
const PODS_GR = { group: GROUP, resource: 'pods' };

/** The group as discovery lists it (legacy and aggregated). */
export const METRICS_DISCOVERY = {
  group: GROUP,
  version: VERSION,
  resources: [
    { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
    { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
  ],
};

/** Read access to the cluster's Nodes and Pods (the registries' watch caches). */
export interface ObjectSource {
  nodes(selector: Selector): Node[];
  pods(namespace: string | undefined, selector: Selector): Pod[];
}

/** Go's time.Duration.String() for a whole number of milliseconds. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(Math.round(ms));
  if (rest < 1000) return `${neg ? '-' : ''}${rest}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = (rest / 1000).toFixed(3).replace(/\.?0+$/, '');
  return `${neg ? '-' : ''}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

const rfc3339 = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

export function usageList(u: Usage): { cpu: string; memory: string } {
  return { cpu: Quantity.fromScaled(u.cpuNanos, -9).toString(), memory: Quantity.fromValue(u.memoryBytes, 'BinarySI').toString() };
}

function meta(obj: Node | Pod, now: string): Record<string, unknown> {
  const m = obj.metadata ?? {};
  return {
    name: m.name,
    ...(m.namespace ? { namespace: m.namespace } : {}),
    creationTimestamp: now,
    ...(m.labels ? { labels: m.labels } : {}),
  };
}

const tableColumns = (): TableColumn[] => [
  { name: 'Name', type: 'string', format: 'name', description: 'Name of the resource', priority: 0 },
  { name: 'cpu', type: 'string', format: 'quantity', description: '', priority: 0 },
  { name: 'memory', type: 'string', format: 'quantity', description: '', priority: 0 },
  { name: 'Window', type: 'string', format: 'duration', description: '', priority: 0 },
];

/** The usage a Table row shows: the node's, or the sum of the pod's containers. */
function rowUsage(obj: KubeObject): { cpu: string; memory: string } {
  const o = obj as { usage?: { cpu: string; memory: string }; containers?: Array<{ usage: { cpu: string; memory: string } }> };
  if (o.usage) return o.usage;
  let cpu = 0n;
  let mem = 0n;
  for (const c of o.containers ?? []) {
    cpu += parseQuantity(c.usage.cpu).nanos;
    mem += parseQuantity(c.usage.memory).nanos;
  }
  return { cpu: new Quantity(cpu, 'DecimalSI').toString(), memory: new Quantity(mem, 'BinarySI').toString() };
}

const includeObject = (v: string | null): 'None' | 'Metadata' | 'Object' => (v === 'None' || v === 'Object' ? v : 'Metadata');

export class ResourceMetricsApi {
  constructor(
    private readonly storage: MetricsStorage,
    private readonly source: ObjectSource,
  ) {}

  /** The reply for `path`, or undefined when the path is not under this group. */
  handle(method: string, path: string, query: URLSearchParams, accept: string | undefined): { code: number; body: unknown } | undefined {
    // Every request passes here: answer "not mine" without splitting the path.
    if (!path.startsWith(`/apis/${GROUP}`)) return undefined;
    const seg = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (seg[0] !== 'apis' || seg[1] !== GROUP) return undefined;
    const group = { name: GROUP, versions: [{ groupVersion: GV, version: VERSION }], preferredVersion: { groupVersion: GV, version: VERSION } };
    if (seg.length === 2) return { code: 200, body: { kind: 'APIGroup', apiVersion: 'v1', ...group } };
    if (seg[2] !== VERSION) throw errors.noSuchResource();
    if (seg.length === 3) {
      return { code: 200, body: { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: GV, resources: METRICS_DISCOVERY.resources } };
    }
    let rest = seg.slice(3);
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const resource = rest[0];
    const name = rest[1];
    if (rest.length > 2 || (resource !== 'nodes' && resource !== 'pods') || (resource === 'nodes' && namespace !== undefined)) throw errors.noSuchResource();
    const gr = resource === 'nodes' ? NODES_GR : PODS_GR;
    const watch = ['true', '1'].includes(query.get('watch') ?? '');
    if ((method !== 'GET' && method !== 'HEAD') || watch) throw errors.methodNotAllowed(watch ? 'watch' : method.toLowerCase(), gr);

    let labels: Selector;
    let fields: FieldSelector;
    try {
      labels = parseSelector(query.get('labelSelector') ?? '');
      fields = parseFieldSelector(query.get('fieldSelector') ?? '');
    } catch (err) {
      throw errors.badRequest(err instanceof Error ? err.message : String(err));
    }
    const rep = negotiate(accept);
    const now = rfc3339(Date.now());
    let items: KubeObject[];
    if (resource === 'nodes') {
      const nodes = name !== undefined ? this.source.nodes(parseSelector('')).filter((n) => n.metadata?.name === name) : this.source.nodes(labels);
      items = nodes.filter((n) => fields.matches({ 'metadata.name': n.metadata?.name ?? '' })).flatMap((n): KubeObject[] => { const m = this.nodeMetrics(n, now); return m ? [m] : []; });
    } else {
      const pods = this.source.pods(namespace, name !== undefined ? parseSelector('') : labels).filter((p) => name === undefined || p.metadata?.name === name);
      items = pods
        .filter((p) => fields.matches({ 'metadata.name': p.metadata?.name ?? '', 'metadata.namespace': p.metadata?.namespace ?? '' }))
        .flatMap((p): KubeObject[] => { const m = this.podMetrics(p, now); return m ? [m] : []; });
    }
    if (name !== undefined && items.length === 0) throw errors.notFound(gr, name);
    if (rep.as === 'Table') {
      const printer = { columns: tableColumns(), cells: (o: KubeObject) => {
          const u = rowUsage(o);
          return [o.metadata?.name, u.cpu, u.memory, (o as { window?: string }).window ?? ''];
        },
      };
      return { code: 200, body: buildTable(items, printer, { version: rep.version, include: includeObject(query.get('includeObject')) }) };
    }
    if (name !== undefined) return { code: 200, body: items[0] };
    const kind = resource === 'nodes' ? 'NodeMetricsList' : 'PodMetricsList';
    return { code: 200, body: { kind, apiVersion: GV, metadata: {}, items } };
  }

  private nodeMetrics(n: Node, now: string): KubeObject | undefined {
    const u = this.storage.node(n.metadata?.name ?? '');
    if (!u) return undefined;
    return { kind: 'NodeMetrics', apiVersion: GV, metadata: meta(n, now), timestamp: rfc3339(u.timestampMs), window: goDuration(u.windowMs), usage: usageList(u) } as KubeObject;
  }

  private podMetrics(p: Pod, now: string): KubeObject | undefined {
    const u = this.storage.pod(p.metadata?.namespace ?? '', p.metadata?.name ?? '');
    if (!u) return undefined;
    return {
      kind: 'PodMetrics',
      apiVersion: GV,
      metadata: meta(p, now),
      timestamp: rfc3339(u.timestampMs),
      window: goDuration(u.windowMs),
      containers: u.containers.map((c) => ({ name: c.name, usage: usageList(c) })),
    } as KubeObject;
  }
}
