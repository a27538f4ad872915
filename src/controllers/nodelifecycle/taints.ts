/**
 * Which taints the node lifecycle controller wants on a node (doNoScheduleTaintingPass,
 * processTaintBaseEviction and ComputeZoneState in pkg/controller/nodelifecycle). Pure functions.
 *
 * Contracts:
 * - NoSchedule taints follow conditions (TaintNodesByCondition): Ready False → not-ready,
 *   Ready Unknown → unreachable, MemoryPressure/DiskPressure/PIDPressure/NetworkUnavailable True →
 *   the matching taint, spec.unschedulable → unschedulable. Only those keys are managed; other
 *   NoSchedule taints are left alone.
 * - NoExecute: Ready False → not-ready, Unknown → unreachable (the opposite one removed in the
 *   same write), True → both removed.
 * - `applyTaints` keeps taints already present (same key and effect) untouched, stamps new ones
 *   with `timeAdded`, and answers undefined when nothing changes.
 */
import type { Node, NodeCondition, Taint } from 'kubernetes-types/core/v1.js';
import {
  sameTaint,
  TAINT_NODE_DISK_PRESSURE,
  TAINT_NODE_MEMORY_PRESSURE,
  TAINT_NODE_NETWORK_UNAVAILABLE,
  TAINT_NODE_NOT_READY,
  TAINT_NODE_PID_PRESSURE,
  TAINT_NODE_UNREACHABLE,
  TAINT_NODE_UNSCHEDULABLE,
} from '../../api/core/v1/tolerations.js';

export const NOT_READY_NO_EXECUTE: Taint = { key: TAINT_NODE_NOT_READY, effect: 'NoExecute' };
export const UNREACHABLE_NO_EXECUTE: Taint = { key: TAINT_NODE_UNREACHABLE, effect: 'NoExecute' };

const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NODE_NOT_READY, Unknown: TAINT_NODE_UNREACHABLE },
  MemoryPressure: { True: TAINT_NODE_MEMORY_PRESSURE },
  DiskPressure: { True: TAINT_NODE_DISK_PRESSURE },
  NetworkUnavailable: { True: TAINT_NODE_NETWORK_UNAVAILABLE },
  PIDPressure: { True: TAINT_NODE_PID_PRESSURE },
};
const MANAGED_NO_SCHEDULE = new Set([...Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)), TAINT_NODE_UNSCHEDULABLE]);

export interface TaintChange {
  add: Taint[];
  remove: Taint[];
}

const has = (taints: readonly Taint[], t: Taint) => taints.some((x) => sameTaint(x, t));

export function noScheduleChange(node: Node): TaintChange {
  const want: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) want.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) want.push({ key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' });
  const current = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' && MANAGED_NO_SCHEDULE.has(t.key));
  return { add: want.filter((t) => !has(current, t)), remove: current.filter((t) => !has(want, t)) };
}

/**
 * The NoExecute change for the node's Ready condition. `mayTaint` false (zone in disruption) still
 * swaps an existing taint for its opposite and removes taints from Ready nodes, but adds none anew.
 */
export function noExecuteChange(node: Node, ready: NodeCondition | undefined, mayTaint: boolean): TaintChange {
  const taints = node.spec?.taints ?? [];
  const notReady = has(taints, NOT_READY_NO_EXECUTE);
  const unreachable = has(taints, UNREACHABLE_NO_EXECUTE);
  const none: TaintChange = { add: [], remove: [] };
  switch (ready?.status) {
    case 'False':
      if (notReady && !unreachable) return none;
      if (unreachable || mayTaint) return { add: [NOT_READY_NO_EXECUTE], remove: unreachable ? [UNREACHABLE_NO_EXECUTE] : [] };
      return none;
    case 'Unknown':
      if (unreachable && !notReady) return none;
      if (notReady || mayTaint) return { add: [UNREACHABLE_NO_EXECUTE], remove: notReady ? [NOT_READY_NO_EXECUTE] : [] };
      return none;
    case 'True':
      return { add: [], remove: [NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE].filter((t) => has(taints, t)) };
    default:
      return none;
  }
}

/** Both NoExecute node-controller taints removed (markNodeAsReachable). */
export function reachableChange(node: Node): TaintChange {
  const taints = node.spec?.taints ?? [];
  return { add: [], remove: [NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE].filter((t) => has(taints, t)) };
}

export function isEmptyChange(c: TaintChange): boolean {
  return c.add.length === 0 && c.remove.length === 0;
}

/** The node's taints after `change`, or undefined when they stay the same. */
export function applyTaints(current: readonly Taint[] | undefined, change: TaintChange, nowIso: string): Taint[] | undefined {
  let out = [...(current ?? [])];
  let changed = false;
  for (const r of change.remove) {
    const next = out.filter((t) => !sameTaint(t, r));
    if (next.length !== out.length) changed = true;
    out = next;
  }
  for (const a of change.add) {
    if (has(out, a)) continue;
    out.push({ ...a, timeAdded: nowIso });
    changed = true;
  }
  return changed ? out : undefined;
}

export type ZoneState = 'Normal' | 'PartialDisruption' | 'FullDisruption';

/** Upstream's defaults: --unhealthy-zone-threshold 0.55, --large-cluster-size-threshold 50. */
export const UNHEALTHY_ZONE_THRESHOLD = 0.55;
export const LARGE_CLUSTER_THRESHOLD = 50;

/** ComputeZoneState over the Ready conditions of a zone's nodes. */
export function computeZoneState(ready: ReadonlyArray<NodeCondition | undefined>): { notReady: number; state: ZoneState } {
  let readyN = 0;
  let notReady = 0;
  for (const c of ready) {
    if (c?.status === 'True') readyN++;
    else notReady++;
  }
  if (readyN === 0 && notReady > 0) return { notReady, state: 'FullDisruption' };
  if (notReady > 2 && notReady / (notReady + readyN) >= UNHEALTHY_ZONE_THRESHOLD) return { notReady, state: 'PartialDisruption' };
  return { notReady, state: 'Normal' };
}

/** utilnode.GetZoneKey: region and zone labels (topology.kubernetes.io, then failure-domain.beta). */
export function zoneKey(node: Node): string {
  const l = node.metadata?.labels ?? {};
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  return region || zone ? `${region}:\u0000:${zone}` : '';
}

/**
 * Whether new NoExecute taints may be added in a zone: no when every zone is fully disrupted
 * (master disruption mode), and no in a partially disrupted zone of at most 50 nodes (upstream's
 * eviction rate drops to 0 there; above that it drops to the secondary rate, which is not modelled).
 */
export function zoneMayTaint(state: ZoneState, zoneSize: number, allFullyDisrupted: boolean): boolean {
  if (allFullyDisrupted) return false;
  if (state === 'PartialDisruption') return zoneSize > LARGE_CLUSTER_THRESHOLD;
  return true;
}
