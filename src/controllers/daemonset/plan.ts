/**
 * The DaemonSet controller's decisions as pure functions over cached state (pkg/controller/daemon
 * manage/podsShouldBeOnNode, update.go rollingUpdate, updateDaemonSetStatus).
 *
 * Contracts:
 * - `nodeToPods` maps a node name to the DaemonSet's pods targeting it (spec.nodeName or the
 *   `metadata.name` affinity), excluding terminal pods that are being deleted.
 * - `planManage`: a node that should run the daemon and has no pod gets one; a node that must not
 *   keep running it loses every non-deleting pod; failed pods are deleted (rate-limited per node by
 *   the caller's back-off), succeeded ones too; without surge only the oldest running pod stays;
 *   with surge, an old and a new pod coexist only while the old is ready and the new is not.
 *   Pods that were never scheduled and target a node that no longer exists are deleted.
 * - `planRollingUpdate` never has more than maxUnavailable daemon pods unavailable (no surge) or
 *   more than maxSurge extra pods (surge); deleted pods do not count as unavailable.
 * - A pod is "updated" when its `controller-revision-hash` is the current hash or its
 *   `pod-template-generation` is the DaemonSet's template generation.
 */
import type { PodObj } from '../common/podutil.js';
import { isPodAvailable, isPodReady, isPodTerminal } from '../common/podutil.js';
import { nodeShouldRunDaemonPod, targetNodeName, type DaemonSetObj, type NodeObj } from './predicates.js';

export const HASH_LABEL = 'controller-revision-hash';
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

/**
 * The template generation: upstream's `deprecated.daemonset.template.generation` annotation, or
 * metadata.generation when the server does not write that annotation.
 */
export function templateGeneration(ds: DaemonSetObj): number | undefined {
  const a = ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  if (a !== undefined) {
    const n = Number(a);
    return Number.isInteger(n) ? n : undefined;
  }
  return ds.metadata?.generation;
}

export function isPodUpdated(pod: PodObj, hash: string, generation: number | undefined): boolean {
  const labels = pod.metadata?.labels ?? {};
  const templateMatches = generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === String(generation);
  const hashMatches = hash.length > 0 && labels[HASH_LABEL] === hash;
  return hashMatches || templateMatches;
}

const ts = (p: PodObj): number => (p.metadata?.creationTimestamp ? Date.parse(p.metadata.creationTimestamp) : 0);

/** podByCreationTimestampAndPhase: scheduled first, then oldest, then by name. */
export function byCreation(a: PodObj, b: PodObj): number {
  const an = a.spec?.nodeName ? 0 : 1;
  const bn = b.spec?.nodeName ? 0 : 1;
  if (an !== bn) return an - bn;
  const d = ts(a) - ts(b);
  if (d !== 0) return d;
  const x = a.metadata?.name ?? '';
  const y = b.metadata?.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Groups the DaemonSet's pods by target node (getNodesToDaemonPods). */
export function groupByNode(pods: PodObj[], includeDeletedTerminal = false): Map<string, PodObj[]> {
  const m = new Map<string, PodObj[]>();
  for (const p of pods) {
    if (!includeDeletedTerminal && isPodTerminal(p) && p.metadata?.deletionTimestamp) continue;
    const node = targetNodeName(p.spec);
    if (!node) continue;
    let l = m.get(node);
    if (!l) m.set(node, (l = []));
    l.push(p);
  }
  return m;
}

/** Whether a failed pod on a node may be deleted now, or how long to wait. */
export type FailedPodGate = (nodeName: string) => { allowed: true } | { allowed: false; delayMs: number };

export interface ManagePlan {
  nodesNeedingPods: string[];
  podsToDelete: string[];
  /** Failed pods about to be deleted (for the FailedDaemonPod event). */
  failedPods: { pod: PodObj; node: string }[];
  /** Sync again after this long (a failed pod waits for its back-off). */
  requeueAfterMs?: number;
}

export function allowsSurge(ds: DaemonSetObj, desired: number): boolean {
  return surgeCount(ds, desired) > 0;
}

/** intstr.GetScaledValueFromIntOrPercent. */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^([0-9]+)%$/.exec(v);
  if (!m) {
    const n = Number(v);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid value for IntOrString: invalid value ${JSON.stringify(v)}`);
  }
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

export function surgeCount(ds: DaemonSetObj, desired: number): number {
  const us = ds.spec?.updateStrategy;
  if (us?.type !== 'RollingUpdate' || !us.rollingUpdate) return 0;
  return scaledValue(us.rollingUpdate.maxSurge, desired, true);
}

export function unavailableCount(ds: DaemonSetObj, desired: number): number {
  const us = ds.spec?.updateStrategy;
  if (us?.type !== 'RollingUpdate' || !us.rollingUpdate) return 0;
  return scaledValue(us.rollingUpdate.maxUnavailable, desired, true);
}

function podsShouldBeOnNode(node: NodeObj, nodeToPods: Map<string, PodObj[]>, ds: DaemonSetObj, hash: string, surge: boolean, gate: FailedPodGate, plan: ManagePlan): void {
  const name = node.metadata!.name!;
  const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
  const pods = nodeToPods.get(name);
  if (shouldRun && !pods) {
    plan.nodesNeedingPods.push(name);
    return;
  }
  if (shouldContinueRunning) {
    const running: PodObj[] = [];
    for (const pod of pods ?? []) {
      if (pod.metadata?.deletionTimestamp) continue;
      if (pod.status?.phase === 'Failed') {
        const g = gate(name);
        if (!g.allowed) {
          plan.requeueAfterMs = Math.min(plan.requeueAfterMs ?? Infinity, g.delayMs);
          continue;
        }
        plan.failedPods.push({ pod, node: name });
        plan.podsToDelete.push(pod.metadata!.name!);
      } else if (pod.status?.phase === 'Succeeded') {
        plan.podsToDelete.push(pod.metadata!.name!);
      } else running.push(pod);
    }
    if (!surge) {
      if (running.length <= 1) return;
      running.sort(byCreation);
      for (const p of running.slice(1)) plan.podsToDelete.push(p.metadata!.name!);
      return;
    }
    if (running.length <= 1) {
      if (running.length === 0 && shouldRun) plan.nodesNeedingPods.push(name);
      return;
    }
    running.sort(byCreation);
    let oldestNew: PodObj | undefined;
    let oldestOld: PodObj | undefined;
    for (const p of running) {
      if (p.metadata?.labels?.[HASH_LABEL] === hash) {
        if (!oldestNew) {
          oldestNew = p;
          continue;
        }
      } else if (!oldestOld) {
        oldestOld = p;
        continue;
      }
      plan.podsToDelete.push(p.metadata!.name!);
    }
    if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodReady(oldestNew))) plan.podsToDelete.push(oldestOld.metadata!.name!);
    return;
  }
  if (pods) for (const p of pods) if (!p.metadata?.deletionTimestamp) plan.podsToDelete.push(p.metadata!.name!);
}

/** manage(): which nodes need a pod and which pods must go. */
export function planManage(ds: DaemonSetObj, nodes: NodeObj[], nodeToPods: Map<string, PodObj[]>, hash: string, gate: FailedPodGate): ManagePlan {
  const plan: ManagePlan = { nodesNeedingPods: [], podsToDelete: [], failedPods: [] };
  let desired = 0;
  for (const n of nodes) if (nodeShouldRunDaemonPod(n, ds).shouldRun) desired++;
  const surge = allowsSurge(ds, desired);
  for (const n of nodes) podsShouldBeOnNode(n, nodeToPods, ds, hash, surge, gate, plan);
  const known = new Set(nodes.map((n) => n.metadata!.name!));
  for (const [node, pods] of nodeToPods) {
    if (known.has(node)) continue;
    for (const p of pods) if (!p.spec?.nodeName) plan.podsToDelete.push(p.metadata!.name!);
  }
  return plan;
}

/** findUpdatedPodsOnNode: at most one new and one old non-deleting pod, else `ok` is false. */
export function findUpdatedPodsOnNode(pods: PodObj[], hash: string, generation: number | undefined): { ok: boolean; newPod?: PodObj; oldPod?: PodObj } {
  let newPod: PodObj | undefined;
  let oldPod: PodObj | undefined;
  for (const p of pods) {
    if (p.metadata?.deletionTimestamp) continue;
    if (isPodUpdated(p, hash, generation)) {
      if (newPod) return { ok: false };
      newPod = p;
    } else {
      if (oldPod) return { ok: false };
      oldPod = p;
    }
  }
  return { ok: true, newPod, oldPod };
}

export interface RollingPlan {
  podsToDelete: string[];
  nodesToCreate: string[];
}

/** update.go rollingUpdate (with updatedDesiredNodeCounts). `nodeToPods` is not modified. */
export function planRollingUpdate(ds: DaemonSetObj, nodes: NodeObj[], nodeToPodsIn: Map<string, PodObj[]>, hash: string, now: number): RollingPlan {
  const nodeToPods = new Map(nodeToPodsIn);
  const byName = new Map(nodes.map((n) => [n.metadata!.name!, n]));
  let desired = 0;
  for (const n of nodes) {
    if (!nodeShouldRunDaemonPod(n, ds).shouldRun) continue;
    desired++;
    if (!nodeToPods.has(n.metadata!.name!)) nodeToPods.set(n.metadata!.name!, []);
  }
  let maxUnavailable = unavailableCount(ds, desired);
  const maxSurge = surgeCount(ds, desired);
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  const generation = templateGeneration(ds);
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const available = (p: PodObj): boolean => isPodAvailable(p, minReady, now);

  if (maxSurge === 0) {
    let numUnavailable = 0;
    const allowed: string[] = [];
    const candidates: string[] = [];
    for (const pods of nodeToPods.values()) {
      const { ok, newPod, oldPod } = findUpdatedPodsOnNode(pods, hash, generation);
      if (!ok) {
        numUnavailable++;
        continue;
      }
      if ((!oldPod && !newPod) || (oldPod && newPod)) numUnavailable++;
      else if (newPod) {
        if (!available(newPod)) numUnavailable++;
      } else if (!available(oldPod!)) {
        allowed.push(oldPod!.metadata!.name!);
        numUnavailable++;
      } else if (numUnavailable < maxUnavailable) {
        candidates.push(oldPod!.metadata!.name!);
      }
    }
    const remaining = Math.min(Math.max(maxUnavailable - numUnavailable, 0), candidates.length);
    return { podsToDelete: [...allowed, ...candidates.slice(0, remaining)], nodesToCreate: [] };
  }

  const oldPodsToDelete: string[] = [];
  const shouldNotRun: PodObj[] = [];
  const candidateNodes: string[] = [];
  const allowedNodes: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const [nodeName, pods] of nodeToPods) {
    const { ok, newPod, oldPod } = findUpdatedPodsOnNode(pods, hash, generation);
    if (!ok) {
      numSurge++;
      continue;
    }
    if (oldPod) {
      if (available(oldPod)) numAvailable++;
    } else if (newPod && available(newPod)) numAvailable++;
    if (!oldPod) continue;
    const node = byName.get(nodeName);
    if (!newPod) {
      const shouldRun = node ? nodeShouldRunDaemonPod(node, ds).shouldRun : false;
      if (!available(oldPod)) {
        if (!shouldRun) oldPodsToDelete.push(oldPod.metadata!.name!);
        else allowedNodes.push(nodeName);
        continue;
      }
      if (!shouldRun) {
        shouldNotRun.push(oldPod);
        continue;
      }
      if (numSurge >= maxSurge) continue;
      candidateNodes.push(nodeName);
      continue;
    }
    if (!available(newPod)) {
      numSurge++;
      continue;
    }
    oldPodsToDelete.push(oldPod.metadata!.name!);
  }
  const deletable = Math.min(numAvailable - desired, shouldNotRun.length);
  for (const p of shouldNotRun.slice(0, Math.max(deletable, 0))) {
    if (p.metadata?.deletionTimestamp || !available(p)) continue;
    oldPodsToDelete.push(p.metadata!.name!);
  }
  const remainingSurge = Math.min(Math.max(maxSurge - numSurge, 0), candidateNodes.length);
  return { podsToDelete: oldPodsToDelete, nodesToCreate: [...allowedNodes, ...candidateNodes.slice(0, remainingSurge)] };
}

export interface StatusCounts {
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberMisscheduled: number;
  numberReady: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberUnavailable: number;
}

/** updateDaemonSetStatus's counts: the oldest pod of each node that should run the daemon counts. */
export function computeStatus(ds: DaemonSetObj, nodes: NodeObj[], nodeToPods: Map<string, PodObj[]>, hash: string, now: number): StatusCounts {
  const s: StatusCounts = { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: 0 };
  const generation = templateGeneration(ds);
  for (const node of nodes) {
    const pods = nodeToPods.get(node.metadata!.name!) ?? [];
    const scheduled = pods.length > 0;
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) {
      if (scheduled) s.numberMisscheduled++;
      continue;
    }
    s.desiredNumberScheduled++;
    if (!scheduled) continue;
    s.currentNumberScheduled++;
    const pod = [...pods].sort(byCreation)[0]!;
    if (isPodReady(pod)) {
      s.numberReady++;
      if (isPodAvailable(pod, ds.spec?.minReadySeconds ?? 0, now)) s.numberAvailable++;
    }
    if (isPodUpdated(pod, hash, generation)) s.updatedNumberScheduled++;
  }
  s.numberUnavailable = s.desiredNumberScheduled - s.numberAvailable;
  return s;
}
