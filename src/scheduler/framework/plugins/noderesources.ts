/**
 * NodeResourcesFit (filter + LeastAllocated score) and NodeResourcesBalancedAllocation.
 *
 * Contract:
 * - Filter: "Too many pods" when the node already holds allocatable.pods pods; then, for a pod
 *   requesting anything, "Insufficient cpu", "Insufficient memory",
 *   "Insufficient ephemeral-storage" and "Insufficient <extended resource>" for each resource whose
 *   request exceeds allocatable minus the node's summed requests (all reasons kept, in that order;
 *   extended resources sorted by name). Unschedulable, or UnschedulableAndUnresolvable when a
 *   request exceeds the node's whole allocatable (no preemption can help).
 * - LeastAllocated score (weight 1): cpu and memory (weights 1 each) of
 *   (allocatable - requested) * 100 / allocatable, integer maths, with non-zero request defaults
 *   (100m, 200Mi) for containers without requests; resources the node does not offer are skipped.
 * - BalancedAllocation score (weight 1): (1 - |cpuFraction - memFraction| / 2) * 100 truncated,
 *   fractions capped at 1, using the plain requests.
 */
import { stateKey, type CycleState, type FilterPlugin, type ScorePlugin } from '../cyclestate.js';
import type { NodeInfo } from '../nodeinfo.js';
import { podNonZeroRequests, podRequests, type Resource } from '../resources.js';

const REQUESTS = stateKey<Resource>('NodeResourcesFit/preFilter');
const NON_ZERO = stateKey<Resource>('NodeResourcesFit/preScore');

function requestsOf(pod: Parameters<typeof podRequests>[0], state: CycleState | undefined): Resource {
  return state ? state.get(REQUESTS) ?? state.read(REQUESTS, () => podRequests(pod)) : podRequests(pod);
}
import { MAX_NODE_SCORE, SUCCESS, type Status } from '../types.js';

export const ERR_REASON_TOO_MANY_PODS = 'Too many pods';

export interface InsufficientResource {
  readonly resourceName: string;
  readonly reason: string;
  readonly requested: number;
  readonly used: number;
  readonly capacity: number;
  readonly unresolvable: boolean;
}

/** noderesources.fitsRequest over a pod's requests. */
export function insufficientResources(pod: Parameters<typeof podRequests>[0], ni: NodeInfo, state?: CycleState): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  if (ni.pods.length + 1 > ni.allowedPodNumber) {
    out.push({
      resourceName: 'pods',
      reason: ERR_REASON_TOO_MANY_PODS,
      requested: 1,
      used: ni.pods.length,
      capacity: ni.allowedPodNumber,
      unresolvable: false,
    });
  }
  const req = requestsOf(pod, state);
  if (req.milliCPU === 0 && req.memory === 0 && req.ephemeralStorage === 0 && req.scalar.size === 0) return out;
  const a = ni.allocatable;
  const u = ni.requested;
  const check = (name: string, want: number, cap: number, used: number) => {
    if (want > 0 && want > cap - used) {
      out.push({ resourceName: name, reason: `Insufficient ${name}`, requested: want, used, capacity: cap, unresolvable: want > cap });
    }
  };
  check('cpu', req.milliCPU, a.milliCPU, u.milliCPU);
  check('memory', req.memory, a.memory, u.memory);
  check('ephemeral-storage', req.ephemeralStorage, a.ephemeralStorage, u.ephemeralStorage);
  if (req.scalar.size) {
    const names = [...req.scalar.keys()].sort();
    for (const n of names) check(n, req.scalar.get(n)!, a.scalar.get(n) ?? 0, u.scalar.get(n) ?? 0);
  }
  return out;
}

export const nodeResourcesFitFilter: FilterPlugin = {
  name: 'NodeResourcesFit',
  filter(pod, ni, _snapshot, state): Status {
    // Fast path without allocation: everything fits.
    const req = requestsOf(pod, state);
    const a = ni.allocatable;
    const u = ni.requested;
    if (
      ni.pods.length + 1 <= ni.allowedPodNumber &&
      req.milliCPU <= a.milliCPU - u.milliCPU &&
      req.memory <= a.memory - u.memory &&
      req.ephemeralStorage <= a.ephemeralStorage - u.ephemeralStorage &&
      req.scalar.size === 0
    ) {
      return SUCCESS;
    }
    const ins = insufficientResources(pod, ni, state);
    if (ins.length === 0) return SUCCESS;
    let unresolvable = false;
    const reasons: string[] = [];
    for (const r of ins) {
      reasons.push(r.reason);
      if (r.unresolvable) unresolvable = true;
    }
    return { code: unresolvable ? 'UnschedulableAndUnresolvable' : 'Unschedulable', reasons };
  },
};

function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export const nodeResourcesFitScore: ScorePlugin = {
  name: 'NodeResourcesFit',
  defaultWeight: 1,
  score(pod, ni, _snapshot, state) {
    const req = state.get(NON_ZERO) ?? state.read(NON_ZERO, () => podNonZeroRequests(pod));
    let sum = 0;
    let weights = 0;
    const cpuAlloc = ni.allocatable.milliCPU;
    if (cpuAlloc !== 0) {
      sum += leastRequestedScore(ni.nonZeroRequested.milliCPU + req.milliCPU, cpuAlloc);
      weights++;
    }
    const memAlloc = ni.allocatable.memory;
    if (memAlloc !== 0) {
      sum += leastRequestedScore(ni.nonZeroRequested.memory + req.memory, memAlloc);
      weights++;
    }
    return weights === 0 ? 0 : Math.trunc(sum / weights);
  },
};

export const balancedAllocationScore: ScorePlugin = {
  name: 'NodeResourcesBalancedAllocation',
  defaultWeight: 1,
  score(pod, ni, _snapshot, state) {
    const req = requestsOf(pod, state);
    const cpuAlloc = ni.allocatable.milliCPU;
    const memAlloc = ni.allocatable.memory;
    // With one resource (or none) the deviation is 0.
    let std = 0;
    if (cpuAlloc !== 0 && memAlloc !== 0) {
      const cpu = Math.min(1, (ni.requested.milliCPU + req.milliCPU) / cpuAlloc);
      const mem = Math.min(1, (ni.requested.memory + req.memory) / memAlloc);
      std = Math.abs((cpu - mem) / 2);
    }
    return Math.trunc((1 - std) * MAX_NODE_SCORE);
  },
};
