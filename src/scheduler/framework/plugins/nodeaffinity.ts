/**
 * NodeAffinity (plugins/nodeaffinity, component-helpers/scheduling/corev1/nodeaffinity).
 *
 * Contract:
 * - Filter: the node must match spec.nodeSelector (every label equal) and, when set,
 *   requiredDuringSchedulingIgnoredDuringExecution: at least one term matches; within a term every
 *   matchExpressions (In, NotIn, Exists, DoesNotExist, Gt, Lt over labels) and every matchFields
 *   (metadata.name, In/NotIn with one value) requirement matches. A term without requirements, or
 *   with an invalid one, matches nothing. Failure: UnschedulableAndUnresolvable,
 *   "node(s) didn't match Pod's node affinity/selector".
 * - Score: sum of the weights of matching preferred terms, normalized by the highest (weight 2).
 */
import type { NodeSelectorRequirement, NodeSelectorTerm, Pod } from 'kubernetes-types/core/v1.js';
import { Selector, newRequirement, selectorFromSet, type Operator, type Requirement } from '../../../machinery/labels.js';
import { defaultNormalizeScore, stateKey, type CycleState, type FilterPlugin, type ScorePlugin } from '../cyclestate.js';
import type { NodeInfo } from '../nodeinfo.js';
import { MAX_NODE_SCORE, SUCCESS, unresolvable } from '../types.js';

const PRE_SCORE = stateKey<PreferredTerm[]>('NodeAffinity/preScore');

export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";

/** A compiled node selector term: labels and name of a node → match. */
export type NodeTermMatcher = (labels: Readonly<Record<string, string>>, name: string) => boolean;

const labelOps: Record<string, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!', Gt: 'gt', Lt: 'lt' };

function labelRequirements(exprs: readonly NodeSelectorRequirement[]): Requirement[] {
  return exprs.map((e) => {
    const op = labelOps[e.operator];
    if (!op) throw new Error(`${JSON.stringify(e.operator)} is not a valid node selector operator`);
    return newRequirement(e.key, op, e.values ?? []);
  });
}

function fieldRequirements(exprs: readonly NodeSelectorRequirement[]): { equal: boolean; value: string }[] {
  return exprs.map((e) => {
    if (e.key !== 'metadata.name') throw new Error(`${e.key}: not a valid field selector key`);
    if ((e.values?.length ?? 0) !== 1) throw new Error('must have one element');
    if (e.operator !== 'In' && e.operator !== 'NotIn') throw new Error(`unsupported operator ${e.operator}`);
    return { equal: e.operator === 'In', value: e.values![0]! };
  });
}

/** Compiles one NodeSelectorTerm; undefined when it can match nothing (empty or invalid). */
export function compileNodeSelectorTerm(term: NodeSelectorTerm): NodeTermMatcher | undefined {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return undefined;
  let labels: Selector;
  let names: { equal: boolean; value: string }[];
  try {
    labels = Selector.of(labelRequirements(exprs));
    names = fieldRequirements(fields);
  } catch {
    return undefined;
  }
  return (l, name) => {
    if (!labels.matches(l)) return false;
    for (const f of names) if ((name === f.value) !== f.equal) return false;
    return true;
  };
}

export interface RequiredNodeAffinity {
  /** From spec.nodeSelector; undefined when unset. */
  readonly nodeSelector: Selector | undefined;
  /** Compiled required terms (any must match); undefined when no required affinity is set. */
  readonly terms: readonly NodeTermMatcher[] | undefined;
}

const requiredCache = new WeakMap<Pod, RequiredNodeAffinity>();

/** nodeaffinity.GetRequiredNodeAffinity, cached per pod object. */
export function requiredNodeAffinity(pod: Pod): RequiredNodeAffinity {
  let r = requiredCache.get(pod);
  if (r) return r;
  const ns = pod.spec?.nodeSelector;
  const req = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  let terms: NodeTermMatcher[] | undefined;
  if (req) {
    terms = [];
    for (const t of req.nodeSelectorTerms ?? []) {
      const m = compileNodeSelectorTerm(t);
      if (m) terms.push(m);
    }
  }
  r = { nodeSelector: ns && Object.keys(ns).length ? selectorFromSet(ns) : undefined, terms };
  requiredCache.set(pod, r);
  return r;
}

export function matchesRequiredNodeAffinity(r: RequiredNodeAffinity, ni: NodeInfo): boolean {
  if (r.nodeSelector && !r.nodeSelector.matches(ni.labels)) return false;
  if (r.terms) {
    for (const t of r.terms) if (t(ni.labels, ni.name)) return true;
    return false;
  }
  return true;
}

export const nodeAffinityFilter: FilterPlugin = {
  name: 'NodeAffinity',
  filter(pod, ni) {
    return matchesRequiredNodeAffinity(requiredNodeAffinity(pod), ni) ? SUCCESS : unresolvable(ERR_REASON_POD);
  },
};

interface PreferredTerm {
  readonly weight: number;
  readonly match: NodeTermMatcher;
}

function preferredTerms(pod: Pod, state: CycleState): PreferredTerm[] {
  return state.get(PRE_SCORE) ?? state.read(PRE_SCORE, () => {
    const out: PreferredTerm[] = [];
    for (const t of pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
      if (!t.weight) continue;
      const m = compileNodeSelectorTerm(t.preference);
      if (m) out.push({ weight: t.weight, match: m });
    }
    return out;
  });
}

export const nodeAffinityScore: ScorePlugin = {
  name: 'NodeAffinity',
  defaultWeight: 2,
  preScore(pod, _feasible, _snapshot, state) {
    return preferredTerms(pod, state).length > 0;
  },
  score(pod, ni, _snapshot, state) {
    let n = 0;
    for (const t of preferredTerms(pod, state)) if (t.match(ni.labels, ni.name)) n += t.weight;
    return n;
  },
  normalize(scores) {
    defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
  },
};
