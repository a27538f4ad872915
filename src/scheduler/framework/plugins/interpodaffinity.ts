/**
 * InterPodAffinity (plugins/interpodaffinity).
 *
 * Contract (filter, checked in this order):
 * - Required pod affinity: for every term the node has the topology key and some pod matching all
 *   the incoming pod's affinity terms runs in that topology domain. Exception: when no pod in the
 *   cluster matches and the pod matches its own terms, the node only needs the keys (first pod of a
 *   group). Failure: UnschedulableAndUnresolvable, "node(s) didn't match pod affinity rules".
 * - Required anti-affinity of the incoming pod: no matching pod in the node's domain for any term.
 *   Unschedulable, "node(s) didn't match pod anti-affinity rules".
 * - Required anti-affinity of existing pods: no existing pod whose term matches the incoming pod runs
 *   in the node's domain. Unschedulable, "node(s) didn't satisfy existing pods anti-affinity rules".
 * - Terms of the incoming pod with a namespaceSelector are resolved against
 *   `snapshot.namespaceLabels`; existing pods' namespaceSelectors are matched against the labels of
 *   the incoming pod's namespace.
 *
 * Score (weight 2): per topology domain, + weight for the incoming pod's preferred affinity terms
 * matched by an existing pod there, - weight for preferred anti-affinity, + 1 (hardPodAffinityWeight)
 * for existing pods' required affinity terms matching the incoming pod, ± weight for existing pods'
 * preferred terms; a node sums its domains; min-max normalized to 0..100.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Selector, type Labels } from '../../../machinery/labels.js';
import { stateKey, type CycleState, type FilterPlugin, type ScorePlugin } from '../cyclestate.js';
import type { NodeInfo, Snapshot } from '../nodeinfo.js';
import { podInfo, termMatches, type AffinityTerm, type PodInfo } from '../podinfo.js';
import { MAX_NODE_SCORE, SUCCESS, errorStatus, unresolvable, unschedulable } from '../types.js';

const TERMS = stateKey<IncomingTerms>('InterPodAffinity/terms');
const PRE_FILTER = stateKey<FilterState>('InterPodAffinity/preFilter');
const PRE_SCORE = stateKey<TopologyScore>('InterPodAffinity/preScore');

export const ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't satisfy existing pods anti-affinity rules";

/** args.HardPodAffinityWeight default. */
const HARD_POD_AFFINITY_WEIGHT = 1;

type Counts = Map<string, number>;

function pairKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

function inc(m: Counts, k: string, v: number): void {
  m.set(k, (m.get(k) ?? 0) + v);
}

interface IncomingTerms {
  readonly info: PodInfo;
  readonly requiredAffinity: readonly AffinityTerm[];
  readonly requiredAntiAffinity: readonly AffinityTerm[];
  readonly preferredAffinity: readonly AffinityTerm[];
  readonly preferredAntiAffinity: readonly AffinityTerm[];
  readonly nsLabels: Labels;
}

/** mergeAffinityTermNamespacesIfNotEmpty: a term's namespaceSelector becomes listed namespaces. */
function mergeNamespaces(terms: readonly AffinityTerm[], snapshot: Snapshot): AffinityTerm[] {
  return terms.map((t) => {
    if (t.namespaceSelector.matchesNothing) return t;
    const namespaces = new Set(t.namespaces);
    for (const [name, labels] of snapshot.namespaceLabels) if (t.namespaceSelector.matches(labels)) namespaces.add(name);
    return { ...t, namespaces, namespaceSelector: Selector.nothing() };
  });
}

function incoming(pod: Pod, snapshot: Snapshot, state: CycleState): IncomingTerms {
  return state.get(TERMS) ?? state.read(TERMS, () => {
    const info = podInfo(pod);
    return {
      info,
      requiredAffinity: mergeNamespaces(info.requiredAffinityTerms, snapshot),
      requiredAntiAffinity: mergeNamespaces(info.requiredAntiAffinityTerms, snapshot),
      preferredAffinity: mergeNamespaces(info.preferredAffinityTerms, snapshot),
      preferredAntiAffinity: mergeNamespaces(info.preferredAntiAffinityTerms, snapshot),
      nsLabels: snapshot.namespaceLabels.get(pod.metadata?.namespace ?? ''),
    };
  });
}

function matchesAllTerms(terms: readonly AffinityTerm[], pod: Pod): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!termMatches(t, pod, undefined)) return false;
  return true;
}

interface FilterState {
  readonly skip: boolean;
  readonly error: string | undefined;
  readonly terms: IncomingTerms;
  readonly existingAntiAffinityCounts: Counts;
  readonly affinityCounts: Counts;
  readonly antiAffinityCounts: Counts;
}

function preFilter(pod: Pod, snapshot: Snapshot, state: CycleState): FilterState {
  return state.get(PRE_FILTER) ?? state.read(PRE_FILTER, () => {
    const terms = incoming(pod, snapshot, state);
    const existingAntiAffinityCounts: Counts = new Map();
    const affinityCounts: Counts = new Map();
    const antiAffinityCounts: Counts = new Map();
    if (terms.info.parseError) {
      return { skip: false, error: `parsing pod: ${terms.info.parseError}`, terms, existingAntiAffinityCounts, affinityCounts, antiAffinityCounts };
    }
    for (const ni of snapshot.havePodsWithRequiredAntiAffinity()) {
      for (const existing of ni.podsWithRequiredAntiAffinity) {
        for (const t of existing.requiredAntiAffinityTerms) {
          const v = ni.labels[t.topologyKey];
          if (v !== undefined && termMatches(t, pod, terms.nsLabels)) inc(existingAntiAffinityCounts, pairKey(t.topologyKey, v), 1);
        }
      }
    }
    const aff = terms.requiredAffinity;
    const anti = terms.requiredAntiAffinity;
    if (aff.length || anti.length) {
      for (const ni of snapshot.list) {
        for (const existing of ni.pods) {
          if (aff.length && matchesAllTerms(aff, existing.pod)) {
            for (const t of aff) {
              const v = ni.labels[t.topologyKey];
              if (v !== undefined) inc(affinityCounts, pairKey(t.topologyKey, v), 1);
            }
          }
          for (const t of anti) {
            if (!termMatches(t, existing.pod, undefined)) continue;
            const v = ni.labels[t.topologyKey];
            if (v !== undefined) inc(antiAffinityCounts, pairKey(t.topologyKey, v), 1);
          }
        }
      }
    }
    const skip = existingAntiAffinityCounts.size === 0 && aff.length === 0 && anti.length === 0;
    return { skip, error: undefined, terms, existingAntiAffinityCounts, affinityCounts, antiAffinityCounts };
  });
}

function satisfyPodAffinity(s: FilterState, pod: Pod, ni: NodeInfo): boolean {
  let podsExist = true;
  for (const t of s.terms.requiredAffinity) {
    const v = ni.labels[t.topologyKey];
    if (v === undefined) return false;
    if ((s.affinityCounts.get(pairKey(t.topologyKey, v)) ?? 0) <= 0) podsExist = false;
  }
  if (!podsExist) return s.affinityCounts.size === 0 && matchesAllTerms(s.terms.requiredAffinity, pod);
  return true;
}

function satisfyPodAntiAffinity(s: FilterState, ni: NodeInfo): boolean {
  if (s.antiAffinityCounts.size === 0) return true;
  for (const t of s.terms.requiredAntiAffinity) {
    const v = ni.labels[t.topologyKey];
    if (v !== undefined && (s.antiAffinityCounts.get(pairKey(t.topologyKey, v)) ?? 0) > 0) return false;
  }
  return true;
}

function satisfyExistingPodsAntiAffinity(s: FilterState, ni: NodeInfo): boolean {
  if (s.existingAntiAffinityCounts.size === 0) return true;
  for (const k in ni.labels) {
    if ((s.existingAntiAffinityCounts.get(pairKey(k, ni.labels[k]!)) ?? 0) > 0) return false;
  }
  return true;
}

export const interPodAffinityFilter: FilterPlugin = {
  name: 'InterPodAffinity',
  filter(pod, ni, snapshot, state) {
    const s = preFilter(pod, snapshot, state);
    if (s.error) return errorStatus(s.error);
    if (s.skip) return SUCCESS;
    if (!satisfyPodAffinity(s, pod, ni)) return unresolvable(ERR_REASON_AFFINITY_RULES_NOT_MATCH);
    if (!satisfyPodAntiAffinity(s, ni)) return unschedulable(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
    if (!satisfyExistingPodsAntiAffinity(s, ni)) return unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH);
    return SUCCESS;
  },
};

/** topologyKey → value → score. */
type TopologyScore = Map<string, Map<string, number>>;

function addScore(m: TopologyScore, t: AffinityTerm, weight: number, pod: Pod, nsLabels: Labels, node: NodeInfo, mult: number): void {
  if (!termMatches(t, pod, nsLabels)) return;
  const v = node.labels[t.topologyKey];
  if (v === undefined) return;
  let inner = m.get(t.topologyKey);
  if (!inner) m.set(t.topologyKey, (inner = new Map()));
  inner.set(v, (inner.get(v) ?? 0) + weight * mult);
}

function processExistingPod(m: TopologyScore, terms: IncomingTerms, existing: PodInfo, node: NodeInfo, pod: Pod): void {
  // Nodes without labels cannot be in any topology domain.
  let hasLabels = false;
  for (const _ in node.labels) {
    hasLabels = true;
    break;
  }
  if (!hasLabels) return;
  for (const t of terms.preferredAffinity) addScore(m, t, t.weight, existing.pod, undefined, node, 1);
  for (const t of terms.preferredAntiAffinity) addScore(m, t, t.weight, existing.pod, undefined, node, -1);
  for (const t of existing.requiredAffinityTerms) addScore(m, t, HARD_POD_AFFINITY_WEIGHT, pod, terms.nsLabels, node, 1);
  for (const t of existing.preferredAffinityTerms) addScore(m, t, t.weight, pod, terms.nsLabels, node, 1);
  for (const t of existing.preferredAntiAffinityTerms) addScore(m, t, t.weight, pod, terms.nsLabels, node, -1);
}

function scoreState(state: CycleState): TopologyScore {
  return state.get(PRE_SCORE) ?? state.read(PRE_SCORE, () => new Map());
}

export const interPodAffinityScore: ScorePlugin = {
  name: 'InterPodAffinity',
  defaultWeight: 2,
  preScore(pod, _feasible, snapshot, state) {
    const terms = incoming(pod, snapshot, state);
    const hasConstraints = terms.preferredAffinity.length > 0 || terms.preferredAntiAffinity.length > 0;
    const m: TopologyScore = new Map();
    const nodes: Iterable<NodeInfo> = hasConstraints ? snapshot.list : snapshot.havePodsWithAffinity();
    for (const ni of nodes) {
      const pods = hasConstraints ? ni.pods : ni.podsWithAffinity;
      for (const existing of pods) processExistingPod(m, terms, existing, ni, pod);
    }
    state.write(PRE_SCORE, m);
    return m.size > 0;
  },
  score(_pod, ni, _snapshot, state) {
    const m = scoreState(state);
    let score = 0;
    for (const [key, values] of m) {
      const v = ni.labels[key];
      if (v !== undefined) score += values.get(v) ?? 0;
    }
    return score;
  },
  normalize(scores, _nodes, state) {
    if (scoreState(state).size === 0) return;
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      if (s > max) max = s;
      if (s < min) min = s;
    }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++) {
      scores[i] = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((scores[i]! - min) / diff)) : 0;
    }
  },
};
