/**
 * TaintToleration (plugins/tainttoleration) and the toleration helpers (v1helper).
 *
 * Contract:
 * - Filter: the first NoSchedule/NoExecute taint (in the node's order) that no toleration
 *   tolerates fails the node, UnschedulableAndUnresolvable, reason
 *   `node(s) had untolerated taint {<key>: <value>}`.
 * - Score: number of PreferNoSchedule taints not tolerated by the pod's tolerations whose effect is
 *   PreferNoSchedule or empty; normalized reversed (fewer → higher). Default weight 3.
 */
import type { Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { defaultNormalizeScore, stateKey, type CycleState, type FilterPlugin, type ScorePlugin } from '../cyclestate.js';
import type { NodeInfo } from '../nodeinfo.js';
import { toleratesTaint } from '../../../api/core/v1/tolerations.js';
import { MAX_NODE_SCORE, SUCCESS, unresolvable, type Status } from '../types.js';

const PRE_SCORE = stateKey<Toleration[]>('TaintToleration/preScore');

export { toleratesTaint };

export function tolerationsTolerateTaint(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  if (!tolerations) return false;
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first taint with effect NoSchedule or NoExecute that `tolerations` do not tolerate. */
export function findUntoleratedTaint(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined): Taint | undefined {
  if (!taints) return undefined;
  for (const taint of taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}

export function untoleratedTaintReason(taint: Taint): string {
  return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
}

function filter(pod: Pod, ni: NodeInfo): Status {
  const taints = ni.node.spec?.taints;
  if (!taints || taints.length === 0) return SUCCESS;
  const taint = findUntoleratedTaint(taints, pod.spec?.tolerations);
  return taint ? unresolvable(untoleratedTaintReason(taint)) : SUCCESS;
}

export const taintTolerationFilter: FilterPlugin = { name: 'TaintToleration', filter };

function preferNoScheduleTolerations(pod: Pod, state: CycleState): Toleration[] {
  return state.get(PRE_SCORE) ?? state.read(PRE_SCORE, () =>
    (pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule'),
  );
}

export const taintTolerationScore: ScorePlugin = {
  name: 'TaintToleration',
  defaultWeight: 3,
  score(pod, ni, _snapshot, state) {
    const taints = ni.node.spec?.taints;
    if (!taints) return 0;
    const tols = preferNoScheduleTolerations(pod, state);
    let n = 0;
    for (const taint of taints) {
      if (taint.effect !== 'PreferNoSchedule') continue;
      if (!tolerationsTolerateTaint(tols, taint)) n++;
    }
    return n;
  },
  normalize(scores) {
    defaultNormalizeScore(MAX_NODE_SCORE, true, scores);
  },
};
