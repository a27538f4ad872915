/**
 * NodePorts filter: a container hostPort (protocol, port) already used on the node fails it —
 * 0.0.0.0 conflicts with any IP. Unschedulable, "node(s) didn't have free ports for the requested
 * pod ports".
 */
import type { FilterPlugin } from '../cyclestate.js';
import { podInfo } from '../podinfo.js';
import { SUCCESS, unschedulable } from '../types.js';

export const ERR_REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

export const nodePortsFilter: FilterPlugin = {
  name: 'NodePorts',
  filter(pod, ni) {
    const ports = podInfo(pod).hostPorts;
    for (const hp of ports) if (ni.portConflicts(hp)) return unschedulable(ERR_REASON_NODE_PORTS);
    return SUCCESS;
  },
};
