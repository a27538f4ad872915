/**
 * Which nodes a DaemonSet runs on (pkg/controller/daemon: NodeShouldRunDaemonPod, NewPod,
 * util.AddOrUpdateDaemonPodTolerations, ReplaceDaemonSetPodNodeNameNodeAffinity, GetTargetNodeName).
 *
 * Contracts:
 * - `nodeShouldRunDaemonPod`: `shouldRun` when the template's nodeName (if any) is the node, the
 *   nodeSelector and required node affinity match, and every NoSchedule/NoExecute taint is
 *   tolerated by the template's tolerations plus the default daemon tolerations.
 *   `shouldContinueRunning` also holds when only NoSchedule taints are untolerated.
 * - Default tolerations (operator Exists, no value, no seconds): not-ready and unreachable
 *   (NoExecute); disk-pressure, memory-pressure, pid-pressure, unschedulable (NoSchedule); and
 *   network-unavailable (NoSchedule) for hostNetwork pods. A matching toleration is replaced in place.
 * - A node selector term without requirements or with an invalid one matches nothing.
 */
import type { Affinity, Node, NodeSelectorRequirement, NodeSelectorTerm, PodSpec, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/types.js';
import { toleratesTaint } from '../../api/core/v1/tolerations.js';
import { newRequirement, Selector, type Operator } from '../../machinery/labels.js';

export type DaemonSetObj = KubeObject & {
  spec?: {
    selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
    template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: PodSpec };
    updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
  };
  status?: DaemonSetStatus;
};

export interface DaemonSetStatus {
  currentNumberScheduled: number;
  numberMisscheduled: number;
  desiredNumberScheduled: number;
  numberReady: number;
  observedGeneration?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  collisionCount?: number;
  conditions?: unknown[];
}

export type NodeObj = Node & KubeObject;

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

const sameToleration = (a: Toleration, b: Toleration): boolean =>
  (a.key ?? '') === (b.key ?? '') && (a.effect ?? '') === (b.effect ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '');

/** v1helper.AddOrUpdateTolerationInPodSpec. */
function addOrUpdateToleration(spec: PodSpec, t: Toleration): void {
  const list = spec.tolerations ?? [];
  let updated = false;
  const next: Toleration[] = [];
  for (const cur of list) {
    if (sameToleration(cur, t)) {
      if (cur.tolerationSeconds === t.tolerationSeconds) return;
      next.push({ ...t });
      updated = true;
      continue;
    }
    next.push(cur);
  }
  if (!updated) next.push({ ...t });
  spec.tolerations = next;
}

/** util.AddOrUpdateDaemonPodTolerations (mutates `spec`). */
export function addDaemonPodTolerations(spec: PodSpec): void {
  addOrUpdateToleration(spec, { key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute' });
  addOrUpdateToleration(spec, { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' });
  addOrUpdateToleration(spec, { key: TAINT_DISK_PRESSURE, operator: 'Exists', effect: 'NoSchedule' });
  addOrUpdateToleration(spec, { key: TAINT_MEMORY_PRESSURE, operator: 'Exists', effect: 'NoSchedule' });
  addOrUpdateToleration(spec, { key: TAINT_PID_PRESSURE, operator: 'Exists', effect: 'NoSchedule' });
  addOrUpdateToleration(spec, { key: TAINT_UNSCHEDULABLE, operator: 'Exists', effect: 'NoSchedule' });
  if (spec.hostNetwork) addOrUpdateToleration(spec, { key: TAINT_NETWORK_UNAVAILABLE, operator: 'Exists', effect: 'NoSchedule' });
}

export { toleratesTaint };

function untolerated(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined, effects: readonly string[]): Taint | undefined {
  for (const taint of taints ?? []) {
    if (!effects.includes(taint.effect)) continue;
    if (!(tolerations ?? []).some((t) => toleratesTaint(t, taint))) return taint;
  }
  return undefined;
}

const OPS: Record<string, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!', Gt: 'gt', Lt: 'lt' };

function termMatches(term: NodeSelectorTerm, node: NodeObj): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  try {
    const sel = Selector.of(exprs.map((e: NodeSelectorRequirement) => {
      const op = OPS[e.operator];
      if (!op) throw new Error(`bad operator ${e.operator}`);
      return newRequirement(e.key, op, e.values ?? []);
    }));
    if (!sel.matches(node.metadata?.labels ?? {})) return false;
    for (const f of fields) {
      if (f.key !== 'metadata.name' || (f.values?.length ?? 0) !== 1) return false;
      const equal = node.metadata?.name === f.values![0];
      if (f.operator === 'In' ? !equal : f.operator === 'NotIn' ? equal : true) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): nodeSelector and required terms. */
export function requiredNodeAffinityMatches(spec: PodSpec | undefined, node: NodeObj): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => termMatches(t, node));
}

/** The spec a daemon pod for `nodeName` would have (daemon.NewPod). */
export function daemonPodSpec(ds: DaemonSetObj, nodeName: string): PodSpec {
  const spec: PodSpec = structuredClone(ds.spec?.template?.spec ?? { containers: [] });
  spec.nodeName = nodeName;
  addDaemonPodTolerations(spec);
  return spec;
}

export interface ShouldRun {
  shouldRun: boolean;
  shouldContinueRunning: boolean;
}

/** daemon.NodeShouldRunDaemonPod. */
export function nodeShouldRunDaemonPod(node: NodeObj, ds: DaemonSetObj): ShouldRun {
  const name = node.metadata?.name ?? '';
  const templateNode = ds.spec?.template?.spec?.nodeName;
  if (templateNode && templateNode !== name) return { shouldRun: false, shouldContinueRunning: false };
  const spec = daemonPodSpec(ds, name);
  if (!requiredNodeAffinityMatches(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints;
  if (untolerated(taints, spec.tolerations, ['NoSchedule', 'NoExecute'])) {
    return { shouldRun: false, shouldContinueRunning: !untolerated(taints, spec.tolerations, ['NoExecute']) };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

/** util.ReplaceDaemonSetPodNodeNameNodeAffinity: required affinity becomes `metadata.name In [node]`. */
export function replaceNodeNameAffinity(affinity: Affinity | undefined, nodeName: string): Affinity {
  const terms: NodeSelectorTerm[] = [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }];
  const a: Affinity = affinity ? structuredClone(affinity) : {};
  a.nodeAffinity ??= {};
  a.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: terms };
  return a;
}

/** util.GetTargetNodeName: spec.nodeName, else the node the `metadata.name` matchFields term names. */
export function targetNodeName(spec: PodSpec | undefined): string | undefined {
  if (spec?.nodeName) return spec.nodeName;
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms || terms.length < 1) return undefined;
  for (const f of terms[0]!.matchFields ?? []) {
    if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}
