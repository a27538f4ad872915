/**
 * One scheduling cycle over a Snapshot (pkg/scheduler/schedule_one.go, framework runtime, the
 * default profile and DefaultPreemption's diagnosis).
 *
 * Contract:
 * - Filters run in the default profile's order (NodeUnschedulable, NodeName, TaintToleration,
 *   NodeAffinity, NodePorts, NodeResourcesFit, PodTopologySpread, InterPodAffinity); the first
 *   failing filter decides a node's Status.
 * - Nodes are visited in snapshot order starting at `startIndex`, wrapping; the search stops once
 *   `numFeasibleNodesToFind` nodes fit. `nextStartIndex` is where the next cycle should start.
 * - One feasible node is chosen without scoring. Otherwise each score plugin's raw scores are
 *   normalized, multiplied by its weight and summed; the highest total wins, ties broken uniformly
 *   at random with `random` (seedable: `seededRandom`).
 * - An Error status from a filter aborts the cycle with a plain Error; no nodes at all gives
 *   "no nodes available to schedule pods". Otherwise failure is a FitError whose message is
 *   upstream's: `0/N nodes are available: <count> <reason>, ... .` followed, as upstream's
 *   DefaultPreemption PostFilter prints when it finds no preemption candidate, by
 *   ` preemption: 0/N nodes are available: <count> <reason>, ... .` where nodes failing with
 *   UnschedulableAndUnresolvable count as "Preemption is not helpful for scheduling", nodes without
 *   lower-priority pods as "No preemption victims found for incoming pod", and other nodes with the
 *   reasons the filters give after removing all lower-priority pods; or
 *   ` preemption: not eligible due to preemptionPolicy=Never.` for such pods. When removing
 *   lower-priority pods would make the pod fit somewhere, upstream preempts and prints no suffix;
 *   this core does not evict anything, it omits the suffix and lists those nodes in
 *   `FitError.preemptionCandidates` for the caller.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { CycleState, type CycleOptions, type FilterPlugin, type ScorePlugin } from './cyclestate.js';
import { NodeInfo, type Snapshot } from './nodeinfo.js';
import { imageLocalityScore } from './plugins/imagelocality.js';
import { interPodAffinityFilter, interPodAffinityScore } from './plugins/interpodaffinity.js';
import { nodeAffinityFilter, nodeAffinityScore } from './plugins/nodeaffinity.js';
import { nodePortsFilter } from './plugins/nodeports.js';
import { balancedAllocationScore, nodeResourcesFitFilter, nodeResourcesFitScore } from './plugins/noderesources.js';
import { nodeNameFilter, nodeUnschedulableFilter } from './plugins/nodeunschedulable.js';
import { podTopologySpreadFilter, podTopologySpreadScore } from './plugins/podtopologyspread.js';
import { taintTolerationFilter, taintTolerationScore } from './plugins/tainttoleration.js';
import type { Status } from './types.js';

export const DEFAULT_FILTERS: readonly FilterPlugin[] = [
  nodeUnschedulableFilter,
  nodeNameFilter,
  taintTolerationFilter,
  nodeAffinityFilter,
  nodePortsFilter,
  nodeResourcesFitFilter,
  podTopologySpreadFilter,
  interPodAffinityFilter,
];

export const DEFAULT_SCORES: readonly ScorePlugin[] = [
  taintTolerationScore,
  nodeAffinityScore,
  nodeResourcesFitScore,
  podTopologySpreadScore,
  interPodAffinityScore,
  balancedAllocationScore,
  imageLocalityScore,
];

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';
export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';
export const NOT_ELIGIBLE_PREEMPTION_POLICY_NEVER = 'not eligible due to preemptionPolicy=Never.';

const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/** Scheduler.numFeasibleNodesToFind; percentage 0 (or undefined) = adaptive (50 - n/125, ≥ 5). */
export function numFeasibleNodesToFind(percentageOfNodesToScore: number | undefined, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let percentage = percentageOfNodesToScore ?? 0;
  if (percentage >= 100) return numAllNodes;
  if (percentage <= 0) {
    percentage = 50 - Math.trunc(numAllNodes / 125);
    if (percentage < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) percentage = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const n = Math.trunc((numAllNodes * percentage) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

/** A deterministic [0,1) generator (mulberry32) for reproducible tie-breaking. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface NodeStatus {
  readonly plugin: string;
  readonly status: Status;
}

/** "0/N nodes are available: ..." with reasons counted per node and sorted as strings. */
export function formatFitMessage(numAllNodes: number, statuses: Iterable<Status>, postFilterMessage = ''): string {
  const counts = new Map<string, number>();
  for (const s of statuses) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const parts = [...counts].map(([r, n]) => `${n} ${r}`);
  parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let msg = `0/${numAllNodes} nodes are available:`;
  if (parts.length) msg += ` ${parts.join(', ')}.`;
  if (postFilterMessage) msg += ` ${postFilterMessage}`;
  return msg;
}

export class FitError extends Error {
  constructor(
    readonly pod: Pod,
    readonly numAllNodes: number,
    /** Node name → the failing filter and its Status, for every node evaluated. */
    readonly nodeToStatus: ReadonlyMap<string, NodeStatus>,
    /** Filter plugins that rejected at least one node (queueing hints use these). */
    readonly unschedulablePlugins: ReadonlySet<string>,
    /** The PostFilter (preemption) part of the message, "" when none. */
    readonly postFilterMessage: string,
    /** Nodes where evicting all lower-priority pods would let the pod fit. */
    readonly preemptionCandidates: readonly string[],
  ) {
    super(formatFitMessage(numAllNodes, [...nodeToStatus.values()].map((s) => s.status), postFilterMessage));
    this.name = 'FitError';
  }
}

export interface ScheduleOptions extends CycleOptions {
  /** percentageOfNodesToScore; 0 or undefined = adaptive. */
  percentageOfNodesToScore?: number;
  /** Index in `snapshot.list` to start filtering at (Scheduler.nextStartNodeIndex). */
  startIndex?: number;
  /** [0,1) generator for tie-breaking; Math.random when absent. */
  random?: () => number;
  /** Score weights by plugin name; 0 disables a score plugin. */
  weights?: Readonly<Record<string, number>>;
  filters?: readonly FilterPlugin[];
  scores?: readonly ScorePlugin[];
  /** Skip the preemption diagnosis (no " preemption: ..." suffix). */
  disablePreemption?: boolean;
}

export type ScheduleResult =
  | { readonly node: string; readonly evaluatedNodes: number; readonly feasibleNodes: number; readonly nextStartIndex: number }
  | { readonly error: FitError | Error; readonly nextStartIndex: number };

/** Runs the filters for one node; the first failing plugin's status, or undefined on success. */
export function runFilters(
  pod: Pod,
  ni: NodeInfo,
  snapshot: Snapshot,
  state: CycleState,
  filters: readonly FilterPlugin[] = DEFAULT_FILTERS,
): NodeStatus | undefined {
  for (const f of filters) {
    const s = f.filter(pod, ni, snapshot, state);
    if (s.code !== 'Success') return { plugin: f.name, status: s };
  }
  return undefined;
}

export interface NodeScore {
  readonly node: string;
  readonly total: number;
  /** Weighted, normalized score per plugin (only when asked for with `detail`). */
  readonly plugins?: Readonly<Record<string, number>>;
}

/** Weighted totals per feasible node; `perPlugin`, when given, receives each plugin's share. */
function scoreTotals(
  pod: Pod,
  feasible: readonly NodeInfo[],
  snapshot: Snapshot,
  state: CycleState,
  scores: readonly ScorePlugin[],
  weights: Readonly<Record<string, number>>,
  perPlugin?: Record<string, number>[],
): number[] {
  const n = feasible.length;
  const totals = new Array<number>(n).fill(0);
  const raw = new Array<number>(n);
  for (const p of scores) {
    const weight = weights[p.name] ?? p.defaultWeight;
    if (weight === 0) continue;
    if (p.preScore && !p.preScore(pod, feasible, snapshot, state)) continue;
    for (let i = 0; i < n; i++) raw[i] = p.score(pod, feasible[i]!, snapshot, state);
    p.normalize?.(raw, feasible, state);
    for (let i = 0; i < n; i++) {
      const v = raw[i]! * weight;
      totals[i]! += v;
      if (perPlugin) perPlugin[i]![p.name] = v;
    }
  }
  return totals;
}

/** Scores feasible nodes (PreScore, Score, NormalizeScore, weights); parallel to `feasible`. */
export function scoreNodes(
  pod: Pod,
  feasible: readonly NodeInfo[],
  snapshot: Snapshot,
  state: CycleState,
  scores: readonly ScorePlugin[] = DEFAULT_SCORES,
  weights: Readonly<Record<string, number>> = {},
  detail = false,
): NodeScore[] {
  const perPlugin: Record<string, number>[] | undefined = detail ? feasible.map(() => ({})) : undefined;
  const totals = scoreTotals(pod, feasible, snapshot, state, scores, weights, perPlugin);
  return feasible.map((ni, i) => (perPlugin ? { node: ni.name, total: totals[i]!, plugins: perPlugin[i]! } : { node: ni.name, total: totals[i]! }));
}

function podPriority(pod: Pod): number {
  return pod.spec?.priority ?? 0;
}

/** DefaultPreemption's dry run, reduced to its diagnosis (see module contract). */
function diagnosePreemption(
  pod: Pod,
  snapshot: Snapshot,
  statuses: ReadonlyMap<string, NodeStatus>,
  filters: readonly FilterPlugin[],
  options: CycleOptions,
): { message: string; candidates: string[] } {
  if (pod.spec?.preemptionPolicy === 'Never') return { message: `preemption: ${NOT_ELIGIBLE_PREEMPTION_POLICY_NEVER}`, candidates: [] };
  const out: Status[] = [];
  const candidates: string[] = [];
  const priority = podPriority(pod);
  for (const ni of snapshot.list) {
    const st = statuses.get(ni.name);
    if (!st || st.status.code === 'UnschedulableAndUnresolvable') {
      out.push({ code: 'UnschedulableAndUnresolvable', reasons: [PREEMPTION_NOT_HELPFUL] });
      continue;
    }
    const remaining = ni.pods.filter((p) => podPriority(p.pod) >= priority);
    if (remaining.length === ni.pods.length) {
      out.push({ code: 'UnschedulableAndUnresolvable', reasons: [NO_PREEMPTION_VICTIMS] });
      continue;
    }
    // Approximation: the prefilter state (pod affinity and spreading counts) is the cycle's, so
    // victims still count for those two plugins.
    const trial = new NodeInfo(ni.node, remaining.map((p) => p.pod));
    const res = runFilters(pod, trial, snapshot, new CycleState(options), filters);
    if (res) out.push(res.status);
    else candidates.push(ni.name);
  }
  if (candidates.length) return { message: '', candidates };
  return { message: `preemption: ${formatFitMessage(snapshot.size, out)}`, candidates };
}

/** Finds a node for `pod` (see module contract). Does not modify the snapshot. */
export function scheduleOne(pod: Pod, snapshot: Snapshot, opts: ScheduleOptions = {}): ScheduleResult {
  const nodes = snapshot.list;
  const numAll = nodes.length;
  const start = numAll ? (opts.startIndex ?? 0) % numAll : 0;
  if (numAll === 0) return { error: new Error(NO_NODES_AVAILABLE), nextStartIndex: 0 };
  const filters = opts.filters ?? DEFAULT_FILTERS;
  const state = new CycleState(opts);
  const toFind = numFeasibleNodesToFind(opts.percentageOfNodesToScore, numAll);
  const feasible: NodeInfo[] = [];
  const statuses = new Map<string, NodeStatus>();
  let processed = 0;
  for (let i = 0; i < numAll && feasible.length < toFind; i++) {
    const ni = nodes[(start + i) % numAll]!;
    processed++;
    const res = runFilters(pod, ni, snapshot, state, filters);
    if (!res) {
      feasible.push(ni);
      continue;
    }
    if (res.status.code === 'Error') {
      return {
        error: new Error(`running PreFilter plugin ${JSON.stringify(res.plugin)}: ${res.status.reasons.join(', ')}`),
        nextStartIndex: start,
      };
    }
    statuses.set(ni.name, res);
  }
  const nextStartIndex = (start + processed) % numAll;
  if (feasible.length === 0) {
    const plugins = new Set<string>();
    for (const s of statuses.values()) plugins.add(s.plugin);
    const { message, candidates } = opts.disablePreemption
      ? { message: '', candidates: [] as string[] }
      : diagnosePreemption(pod, snapshot, statuses, filters, opts);
    return { error: new FitError(pod, numAll, statuses, plugins, message, candidates), nextStartIndex };
  }
  if (feasible.length === 1) {
    return { node: feasible[0]!.name, evaluatedNodes: processed, feasibleNodes: 1, nextStartIndex };
  }
  const totals = scoreTotals(pod, feasible, snapshot, state, opts.scores ?? DEFAULT_SCORES, opts.weights ?? {});
  const random = opts.random ?? Math.random;
  let best = -Infinity;
  let chosen = '';
  let ties = 0;
  for (let i = 0; i < totals.length; i++) {
    const t = totals[i]!;
    if (t > best) {
      best = t;
      chosen = feasible[i]!.name;
      ties = 1;
    } else if (t === best) {
      ties++;
      if (Math.floor(random() * ties) === 0) chosen = feasible[i]!.name;
    }
  }
  return { node: chosen, evaluatedNodes: processed, feasibleNodes: feasible.length, nextStartIndex };
}
