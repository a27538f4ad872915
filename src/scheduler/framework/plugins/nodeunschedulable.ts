/**
 * NodeUnschedulable and NodeName filters.
 *
 * Contract:
 * - NodeUnschedulable: a node with spec.unschedulable fails unless the pod tolerates the taint
 *   `node.kubernetes.io/unschedulable:NoSchedule`; UnschedulableAndUnresolvable,
 *   "node(s) were unschedulable".
 * - NodeName: a pod with spec.nodeName fits only that node; UnschedulableAndUnresolvable,
 *   "node(s) didn't match the requested node name".
 */
import type { FilterPlugin } from '../cyclestate.js';
import { SUCCESS, TAINT_NODE_UNSCHEDULABLE, unresolvable } from '../types.js';
import { tolerationsTolerateTaint } from './tainttoleration.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

export const nodeUnschedulableFilter: FilterPlugin = {
  name: 'NodeUnschedulable',
  filter(pod, ni) {
    if (!ni.node.spec?.unschedulable) return SUCCESS;
    if (tolerationsTolerateTaint(pod.spec?.tolerations, { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' })) return SUCCESS;
    return unresolvable(ERR_REASON_UNSCHEDULABLE);
  },
};

export const nodeNameFilter: FilterPlugin = {
  name: 'NodeName',
  filter(pod, ni) {
    const want = pod.spec?.nodeName;
    if (!want || want === ni.name) return SUCCESS;
    return unresolvable(ERR_REASON_NODE_NAME);
  },
};
