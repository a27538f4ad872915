/** The Node, Lease and pod status objects a simulated kubelet writes. Pure functions of their inputs. */
import type { Node, NodeCondition, Pod, PodCondition, PodStatus, ContainerStatus, Container } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';

export const KUBELET_VERSION = 'v1.32.0-k8ts';
export const RUNTIME_VERSION = 'simulated://1.0';
export const LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;

/** Pod annotations that steer the simulation. */
export const ANNOTATION_EXIT_CODE = 'k8ts.io/simulated-exit-code';
export const ANNOTATION_RUN_SECONDS = 'k8ts.io/simulated-run-seconds';
export const ANNOTATION_RESTARTS = 'k8ts.io/simulated-restarts';
/** `"false"`: containers run but report not ready (readiness probe failing); any other value or none: ready. */
export const ANNOTATION_READY = 'k8ts.io/simulated-ready';

export interface NodeShape {
  name: string;
  podCidr: string;
  internalIP: string;
  cpu: string;
  memory: string;
  pods: string;
  /** Port of the agent's kubelet endpoint on 127.0.0.1 (metricsendpoint.ts); registered with `InternalDNS: localhost`. */
  kubeletPort?: number;
}

export function nodeLabels(name: string): Record<string, string> {
  return {
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'beta.kubernetes.io/arch': 'amd64',
    type: 'simulated',
  };
}

/** Healthy conditions; `since` is every condition's lastTransitionTime, `now` the heartbeat. */
export function nodeConditions(since: string, now: string): NodeCondition[] {
  const c = (type: string, status: string, reason: string, message: string): NodeCondition => ({ type, status, lastHeartbeatTime: now, lastTransitionTime: since, reason, message });
  return [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

export function nodeStatus(s: NodeShape, since: string, now: string): Node['status'] {
  const resources = { cpu: s.cpu, memory: s.memory, pods: s.pods, 'ephemeral-storage': '100Gi' };
  return {
    capacity: { ...resources },
    allocatable: { ...resources },
    conditions: nodeConditions(since, now),
    addresses: [
      { type: 'InternalIP', address: s.internalIP },
      { type: 'Hostname', address: s.name },
      ...(s.kubeletPort ? [{ type: 'InternalDNS', address: 'localhost' }] : []),
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: s.kubeletPort || 10250 } },
    nodeInfo: {
      machineID: '',
      systemUUID: '',
      bootID: '',
      kernelVersion: '6.1.0-simulated',
      osImage: 'k8ts simulated node',
      containerRuntimeVersion: RUNTIME_VERSION,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

export function nodeObject(s: NodeShape, since: string, now: string): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: s.name, labels: nodeLabels(s.name), annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
    spec: { podCIDR: s.podCidr, podCIDRs: [s.podCidr] },
    status: nodeStatus(s, since, now),
  };
}

export function leaseObject(nodeName: string, nodeUid: string | undefined, renewTime: string): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: nodeName,
      namespace: LEASE_NAMESPACE,
      ...(nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUid }] } : {}),
    },
    spec: { holderIdentity: nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime },
  };
}

/** What the simulation decided about one pod; times are RFC 3339. */
export interface PodRun {
  podIP: string;
  hostIP: string;
  startTime: string;
  /** Set once the pod's containers have "exited". */
  exit?: { code: number; at: string };
  restarts: number;
}

/** Exit code and run time from the annotations, when the restart policy lets the pod end. */
export function plannedExit(pod: Pod): { code: number; runMs: number } | undefined {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Always') return undefined;
  const raw = pod.metadata?.annotations?.[ANNOTATION_EXIT_CODE];
  if (raw === undefined || !/^-?\d+$/.test(raw.trim())) return undefined;
  const code = Number(raw.trim());
  const secs = pod.metadata?.annotations?.[ANNOTATION_RUN_SECONDS];
  const runMs = secs !== undefined && Number.isFinite(Number(secs)) && Number(secs) >= 0 ? Number(secs) * 1000 : 0;
  // Without a run time the pod ends right away; "never ends" applies only without an exit code.
  return { code, runMs };
}

/** False when the pod's annotation asks for failing readiness. */
export function plannedReady(pod: Pod): boolean {
  return pod.metadata?.annotations?.[ANNOTATION_READY]?.trim() !== 'false';
}

export function plannedRestarts(pod: Pod): number {
  const raw = pod.metadata?.annotations?.[ANNOTATION_RESTARTS];
  const n = raw === undefined ? 0 : Number(raw);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

function containerStatus(pod: Pod, c: Container, run: PodRun, init: boolean): ContainerStatus {
  const image = c.image ?? '';
  const base = {
    name: c.name,
    image,
    imageID: `simulated://${image}`,
    containerID: `simulated://${pod.metadata?.uid ?? ''}-${c.name}`,
  };
  if (init) {
    return { ...base, ready: true, started: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: run.startTime, finishedAt: run.startTime, containerID: base.containerID } } };
  }
  if (run.exit) {
    return {
      ...base,
      ready: false,
      started: false,
      restartCount: run.restarts,
      state: { terminated: { exitCode: run.exit.code, reason: run.exit.code === 0 ? 'Completed' : 'Error', startedAt: run.startTime, finishedAt: run.exit.at, containerID: base.containerID } },
    };
  }
  return { ...base, ready: plannedReady(pod), started: true, restartCount: run.restarts, state: { running: { startedAt: run.startTime } } };
}

/**
 * The status the simulated kubelet reports for `pod`. Keeps fields others own (qosClass, nominated
 * node, resize, other conditions); transition times of conditions whose status did not change are kept.
 */
export function podStatus(pod: Pod, run: PodRun, now: string): PodStatus {
  const old = pod.status ?? {};
  const ended = run.exit !== undefined;
  const phase = ended ? (run.exit!.code === 0 ? 'Succeeded' : 'Failed') : 'Running';
  const prev = new Map((old.conditions ?? []).map((c) => [c.type, c]));
  const unready = ended ? [] : plannedReady(pod) ? [] : (pod.spec?.containers ?? []).map((c) => c.name);
  const notReadyMsg = `containers with unready status: [${unready.join(' ')}]`;
  const cond = (type: string, status: string, reason?: string, message?: string): PodCondition => {
    const p = prev.get(type);
    const keep = p && p.status === status;
    return { type, status, lastTransitionTime: keep ? p.lastTransitionTime : now, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
  };
  const mine = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
  const conditions: PodCondition[] = [
    cond('PodReadyToStartContainers', ended ? 'False' : 'True'),
    cond('Initialized', 'True'),
    unready.length
      ? cond('Ready', 'False', 'ContainersNotReady', notReadyMsg)
      : cond('Ready', ended ? 'False' : 'True', ended ? 'PodCompleted' : undefined),
    unready.length
      ? cond('ContainersReady', 'False', 'ContainersNotReady', notReadyMsg)
      : cond('ContainersReady', ended ? 'False' : 'True', ended ? 'PodCompleted' : undefined),
    cond('PodScheduled', 'True'),
    ...(old.conditions ?? []).filter((c) => !mine.has(c.type)),
  ];
  const status: PodStatus = {
    ...old,
    phase,
    conditions,
    hostIP: run.hostIP,
    hostIPs: [{ ip: run.hostIP }],
    podIP: run.podIP,
    podIPs: [{ ip: run.podIP }],
    startTime: run.startTime,
    containerStatuses: (pod.spec?.containers ?? []).map((c) => containerStatus(pod, c, run, false)),
  };
  delete status.message;
  delete status.reason;
  if (pod.spec?.initContainers?.length) status.initContainerStatuses = pod.spec.initContainers.map((c) => containerStatus(pod, c, run, true));
  else delete status.initContainerStatuses;
  return status;
}

/** True when `current` already says what `desired` says (ignoring timestamps). */
export function sameStatus(current: PodStatus | undefined, desired: PodStatus): boolean {
  if (!current) return false;
  if (current.phase !== desired.phase || current.podIP !== desired.podIP || current.hostIP !== desired.hostIP) return false;
  const sig = (cs: ContainerStatus[] | undefined) => (cs ?? []).map((c) => `${c.name}:${c.ready}:${c.restartCount}:${Object.keys(c.state ?? {}).join()}`).join('|');
  if (sig(current.containerStatuses) !== sig(desired.containerStatuses)) return false;
  if (sig(current.initContainerStatuses) !== sig(desired.initContainerStatuses)) return false;
  const cond = (s: PodStatus) => (s.conditions ?? []).map((c) => `${c.type}=${c.status}`).sort().join();
  return cond(current) === cond(desired);
}
