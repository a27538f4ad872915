/**
 * PodTopologySpread (plugins/podtopologyspread) and the "system default" spreading selector
 * (plugins/helper.DefaultSelector).
 *
 * Contract:
 * - Constraints come from spec.topologySpreadConstraints (DoNotSchedule ones for the filter,
 *   ScheduleAnyway ones for scoring). A constraint's selector is its labelSelector plus, for each
 *   matchLabelKeys key the pod has, `key in (pod's value)`. minDomains defaults to 1,
 *   nodeAffinityPolicy to Honor, nodeTaintsPolicy to Ignore.
 * - A pod without any constraints gets upstream's system defaults for scoring only:
 *   {maxSkew 3, kubernetes.io/hostname} and {maxSkew 5, topology.kubernetes.io/zone}, both
 *   ScheduleAnyway, over `CycleOptions.defaultSpreadSelector` (none when that selector is empty).
 * - Counting: pods on eligible nodes (all constraint keys present, inclusion policies passed) in
 *   the pod's namespace, not terminating, matching the selector.
 * - Filter: a node lacking a constraint's key fails UnschedulableAndUnresolvable with
 *   "node(s) didn't match pod topology spread constraints (missing required label)"; a node where
 *   matching + self-match - global minimum (0 when fewer domains than minDomains) exceeds maxSkew
 *   fails Unschedulable with "node(s) didn't match pod topology spread constraints".
 * - Score (weight 2): sum over constraints of count·log(domains + 2) + (maxSkew - 1), rounded;
 *   normalized so the fewest matching pods scores 100; nodes missing a required key score 0.
 */
import type { ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Pod as CorePod, ReplicationController, Service, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { Selector, labelSelectorToSelector, newRequirement, selectorFromSet } from '../../../machinery/labels.js';
import { stateKey, type CycleState, type FilterPlugin, type ScorePlugin } from '../cyclestate.js';
import type { NodeInfo, Snapshot } from '../nodeinfo.js';
import type { PodInfo } from '../podinfo.js';
import { LABEL_HOSTNAME, LABEL_TOPOLOGY_ZONE, MAX_NODE_SCORE, SUCCESS, errorStatus, unresolvable, unschedulable } from '../types.js';
import { matchesRequiredNodeAffinity, requiredNodeAffinity, type RequiredNodeAffinity } from './nodeaffinity.js';
import { findUntoleratedTaint } from './tainttoleration.js';

const PRE_FILTER = stateKey<FilterState>('PodTopologySpread/preFilter');
const PRE_SCORE = stateKey<ScoreState>('PodTopologySpread/preScore');

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = ERR_REASON_CONSTRAINTS_NOT_MATCH + ' (missing required label)';

export interface SpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly selector: Selector;
  readonly minDomains: number;
  readonly nodeAffinityPolicy: 'Honor' | 'Ignore';
  readonly nodeTaintsPolicy: 'Honor' | 'Ignore';
}

/** filterTopologySpreadConstraints: throws on an invalid label selector. */
export function spreadConstraints(pod: CorePod, action: 'DoNotSchedule' | 'ScheduleAnyway'): SpreadConstraint[] {
  const out: SpreadConstraint[] = [];
  const podLabels = pod.metadata?.labels ?? {};
  for (const c of pod.spec?.topologySpreadConstraints ?? ([] as TopologySpreadConstraint[])) {
    if (c.whenUnsatisfiable !== action) continue;
    let selector = labelSelectorToSelector(c.labelSelector);
    if (c.matchLabelKeys?.length) {
      const reqs = [];
      for (const k of c.matchLabelKeys) {
        const v = podLabels[k];
        if (v !== undefined) reqs.push(newRequirement(k, 'in', [v]));
      }
      if (reqs.length) selector = selector.add(...reqs);
    }
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      nodeAffinityPolicy: (c.nodeAffinityPolicy as 'Honor' | 'Ignore' | undefined) ?? 'Honor',
      nodeTaintsPolicy: (c.nodeTaintsPolicy as 'Honor' | 'Ignore' | undefined) ?? 'Ignore',
    });
  }
  return out;
}

/** Upstream's system default constraints over `selector` (none when it is empty). */
export function systemDefaultConstraints(selector: Selector | undefined): SpreadConstraint[] {
  if (!selector || selector.empty() || selector.matchesNothing) return [];
  return [
    { maxSkew: 3, topologyKey: LABEL_HOSTNAME, selector, minDomains: 1, nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Ignore' },
    { maxSkew: 5, topologyKey: LABEL_TOPOLOGY_ZONE, selector, minDomains: 1, nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Ignore' },
  ];
}

interface ControllerLike {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

/**
 * helper.DefaultSelector: the merged selectors of the Services in the pod's namespace that select
 * the pod, plus the selector of its controlling ReplicationController (v1), ReplicaSet or
 * StatefulSet (apps/v1), found by name among `controllers`.
 */
export function defaultSpreadSelector(
  pod: CorePod,
  services: readonly Service[],
  controllers: readonly (ReplicationController | ReplicaSet | StatefulSet)[] = [],
): Selector {
  const ns = pod.metadata?.namespace ?? '';
  const podLabels = pod.metadata?.labels ?? {};
  const set: Record<string, string> = {};
  for (const svc of services) {
    if ((svc.metadata?.namespace ?? '') !== ns) continue;
    const sel = svc.spec?.selector;
    if (sel == null) continue;
    if (!selectorFromSet(sel).matches(podLabels)) continue;
    Object.assign(set, sel);
  }
  let selector = selectorFromSet(set);
  const owner = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (!owner) return selector;
  const find = (apiVersion: string, kind: string) =>
    controllers.find(
      (c) =>
        ((c as ControllerLike).kind ?? kind) === kind &&
        ((c as ControllerLike).apiVersion ?? apiVersion) === apiVersion &&
        c.metadata?.name === owner.name &&
        (c.metadata?.namespace ?? ns) === ns,
    );
  try {
    if (owner.apiVersion === 'v1' && owner.kind === 'ReplicationController') {
      const rc = find('v1', 'ReplicationController') as ReplicationController | undefined;
      if (rc) selector = selectorFromSet({ ...set, ...(rc.spec?.selector ?? {}) });
    } else if (owner.apiVersion === 'apps/v1' && (owner.kind === 'ReplicaSet' || owner.kind === 'StatefulSet')) {
      const c = find('apps/v1', owner.kind) as ReplicaSet | StatefulSet | undefined;
      if (c) {
        const other = labelSelectorToSelector(c.spec?.selector);
        if (!other.matchesNothing) selector = selector.add(...other.requirements);
      }
    }
  } catch {
    // An invalid controller selector is ignored, as upstream does.
  }
  return selector;
}

function countPodsMatchSelector(pods: readonly PodInfo[], selector: Selector, ns: string): number {
  if (selector.empty()) return 0;
  let n = 0;
  for (const p of pods) {
    const m = p.pod.metadata;
    if (m?.deletionTimestamp || (m?.namespace ?? '') !== ns) continue;
    if (selector.matches(m?.labels)) n++;
  }
  return n;
}

function nodeHasAllKeys(ni: NodeInfo, cs: readonly SpreadConstraint[]): boolean {
  for (const c of cs) if (ni.labels[c.topologyKey] === undefined) return false;
  return true;
}

function matchInclusionPolicies(c: SpreadConstraint, pod: CorePod, ni: NodeInfo, req: RequiredNodeAffinity): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !matchesRequiredNodeAffinity(req, ni)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && findUntoleratedTaint(ni.node.spec?.taints, pod.spec?.tolerations)) return false;
  return true;
}

interface FilterState {
  readonly error: string | undefined;
  readonly constraints: readonly SpreadConstraint[];
  /** topologyKey → domain value → matching pods (TpPairToMatchNum). */
  readonly pairCounts: Map<string, Map<string, number>>;
  /** topologyKey → smallest count over its domains (critical paths). */
  readonly minMatch: Map<string, number>;
}

function preFilter(pod: CorePod, snapshot: Snapshot, state: CycleState): FilterState {
  return state.get(PRE_FILTER) ?? state.read(PRE_FILTER, () => {
    const pairCounts = new Map<string, Map<string, number>>();
    const minMatch = new Map<string, number>();
    let constraints: SpreadConstraint[];
    try {
      constraints = spreadConstraints(pod, 'DoNotSchedule');
    } catch (e) {
      return { error: (e as Error).message, constraints: [], pairCounts, minMatch };
    }
    if (constraints.length === 0) return { error: undefined, constraints, pairCounts, minMatch };
    const req = requiredNodeAffinity(pod);
    const ns = pod.metadata?.namespace ?? '';
    for (const c of constraints) if (!pairCounts.has(c.topologyKey)) pairCounts.set(c.topologyKey, new Map());
    // Domains: every eligible node's value, with count 0 until pods are counted.
    for (const ni of snapshot.list) {
      if (!nodeHasAllKeys(ni, constraints)) continue;
      for (const c of constraints) {
        if (!matchInclusionPolicies(c, pod, ni, req)) continue;
        const m = pairCounts.get(c.topologyKey)!;
        const v = ni.labels[c.topologyKey]!;
        if (!m.has(v)) m.set(v, 0);
      }
    }
    // Counting walks the namespace's pods instead of every node's pods (same result).
    for (const { pod: pi, node: ni } of snapshot.podsInNamespace(ns)) {
      if (pi.pod.metadata?.deletionTimestamp) continue;
      if (!nodeHasAllKeys(ni, constraints)) continue;
      const labels = pi.pod.metadata?.labels;
      for (const c of constraints) {
        if (c.selector.empty() || !c.selector.matches(labels)) continue;
        if (!matchInclusionPolicies(c, pod, ni, req)) continue;
        const m = pairCounts.get(c.topologyKey)!;
        const v = ni.labels[c.topologyKey]!;
        m.set(v, (m.get(v) ?? 0) + 1);
      }
    }
    for (const [key, m] of pairCounts) {
      let min: number | undefined;
      for (const n of m.values()) if (min === undefined || n < min) min = n;
      if (min !== undefined) minMatch.set(key, min);
    }
    return { error: undefined, constraints, pairCounts, minMatch };
  });
}

export const podTopologySpreadFilter: FilterPlugin = {
  name: 'PodTopologySpread',
  filter(pod, ni, snapshot, state) {
    const s = preFilter(pod, snapshot, state);
    if (s.error) return errorStatus(s.error);
    if (s.constraints.length === 0) return SUCCESS;
    const podLabels = pod.metadata?.labels;
    for (const c of s.constraints) {
      const v = ni.labels[c.topologyKey];
      if (v === undefined) return unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
      const domains = s.pairCounts.get(c.topologyKey)!;
      let minMatchNum = s.minMatch.get(c.topologyKey) ?? 0x7fffffff;
      if (domains.size < c.minDomains) minMatchNum = 0;
      const self = c.selector.matches(podLabels) ? 1 : 0;
      const matchNum = domains.get(v) ?? 0;
      if (matchNum + self - minMatchNum > c.maxSkew) return unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
    }
    return SUCCESS;
  },
};

interface ScoreState {
  readonly constraints: readonly SpreadConstraint[];
  readonly ignored: Set<string>;
  /** Per constraint: domain value → matching pods (unused for hostname constraints). */
  readonly counts: Map<string, number>[];
  readonly weights: number[];
}

const EMPTY_SCORE_STATE: ScoreState = { constraints: [], ignored: new Set(), counts: [], weights: [] };

function scoreState(state: CycleState): ScoreState {
  return state.get(PRE_SCORE) ?? state.read(PRE_SCORE, () => EMPTY_SCORE_STATE);
}

export const podTopologySpreadScore: ScorePlugin = {
  name: 'PodTopologySpread',
  defaultWeight: 2,
  preScore(pod, feasible, snapshot, state) {
    if (feasible.length === 0) return false;
    let constraints: SpreadConstraint[];
    let requireAll: boolean;
    if ((pod.spec?.topologySpreadConstraints?.length ?? 0) > 0) {
      try {
        constraints = spreadConstraints(pod, 'ScheduleAnyway');
      } catch {
        return false;
      }
      requireAll = true;
    } else {
      constraints = systemDefaultConstraints(state.options.defaultSpreadSelector);
      requireAll = false;
    }
    if (constraints.length === 0) return false;
    const ignored = new Set<string>();
    // Validation keeps topology keys unique among one pod's ScheduleAnyway constraints, so one
    // map per constraint equals upstream's map keyed by (key, value).
    const counts = constraints.map(() => new Map<string, number>());
    const nc = constraints.length;
    for (const ni of feasible) {
      if (requireAll && !nodeHasAllKeys(ni, constraints)) {
        ignored.add(ni.name);
        continue;
      }
      for (let i = 0; i < nc; i++) {
        const key = constraints[i]!.topologyKey;
        if (key === LABEL_HOSTNAME) continue;
        const m = counts[i]!;
        const v = ni.labels[key] ?? '';
        if (!m.has(v)) m.set(v, 0);
      }
    }
    const weights = constraints.map((c, i) => {
      const size = c.topologyKey === LABEL_HOSTNAME ? feasible.length - ignored.size : counts[i]!.size;
      return Math.log(size + 2);
    });
    const req = requiredNodeAffinity(pod);
    const ns = pod.metadata?.namespace ?? '';
    // Counting walks the namespace's pods instead of every node's pods (same result).
    for (const { pod: pi, node: ni } of snapshot.podsInNamespace(ns)) {
      if (pi.pod.metadata?.deletionTimestamp) continue;
      if (requireAll && !nodeHasAllKeys(ni, constraints)) continue;
      const labels = pi.pod.metadata?.labels;
      for (let i = 0; i < nc; i++) {
        const c = constraints[i]!;
        if (c.topologyKey === LABEL_HOSTNAME) continue;
        const m = counts[i]!;
        const v = ni.labels[c.topologyKey] ?? '';
        const cur = m.get(v);
        if (cur === undefined) continue;
        if (c.selector.empty() || !c.selector.matches(labels)) continue;
        if (!matchInclusionPolicies(c, pod, ni, req)) continue;
        m.set(v, cur + 1);
      }
    }
    state.write(PRE_SCORE, { constraints, ignored, counts, weights } satisfies ScoreState);
    return true;
  },
  score(pod, ni, _snapshot, state) {
    const s = scoreState(state);
    if (s.ignored.has(ni.name)) return 0;
    const ns = pod.metadata?.namespace ?? '';
    let score = 0;
    s.constraints.forEach((c, i) => {
      const v = ni.labels[c.topologyKey];
      if (v === undefined) return;
      const cnt = c.topologyKey === LABEL_HOSTNAME ? countPodsMatchSelector(ni.pods, c.selector, ns) : (s.counts[i]!.get(v) ?? 0);
      score += cnt * s.weights[i]! + (c.maxSkew - 1);
    });
    return Math.round(score);
  },
  normalize(scores, nodes, state) {
    const s = scoreState(state);
    let min = Infinity;
    let max = 0;
    for (let i = 0; i < scores.length; i++) {
      if (s.ignored.has(nodes[i]!.name)) continue;
      const v = scores[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    for (let i = 0; i < scores.length; i++) {
      if (s.ignored.has(nodes[i]!.name)) {
        scores[i] = 0;
        continue;
      }
      if (max === 0) {
        scores[i] = MAX_NODE_SCORE;
        continue;
      }
      scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i]!)) / max);
    }
  },
};
