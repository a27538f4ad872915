/**
 * The API status of a pod from its runtime snapshot (upstream's generateAPIPodStatus + getPhase).
 * Pure.
 *
 * Contracts:
 * - One containerStatus per spec container, in spec order; `state` from the newest runtime container
 *   of that name in the current sandbox, or `waiting` with the reason the last sync left
 *   (ContainerCreating, PodInitializing, ErrImagePull, ImagePullBackOff, CrashLoopBackOff,
 *   CreateContainerConfigError, CreateContainerError); `lastState` from the one before it.
 * - `restartCount` is the newest container's restart count (kept across sandboxes).
 * - Phase as upstream: Pending until initialized and while a container waits without having run;
 *   Running while one runs (or will restart); Succeeded/Failed once all exited and none restarts.
 *   A terminal phase already in the API never changes back.
 * - Conditions PodReadyToStartContainers, Initialized, ContainersReady, Ready (kept transition
 *   times when unchanged); other conditions (PodScheduled, DisruptionTarget …) are kept as they are.
 */
import type { ContainerState, ContainerStatus, Container, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import type { Pod } from '../types.js';
import { latest, previous, type ContainerInfo, type RuntimePodStatus } from '../kuberuntime/runtimestatus.js';

export interface Waiting { reason: string; message?: string }

export interface StatusInputs {
  hostIP: string;
  /** When the kubelet first saw the pod (status.startTime unless already set). */
  firstSeen: string;
  /** Reasons left by the last sync for containers that could not start, by container name. */
  waiting: Map<string, Waiting>;
  isReady(containerName: string, containerId: string): boolean;
  isStarted(containerName: string, containerId: string): boolean;
  /** Contents of the container's termination message file (already applying the fallback policy). */
  terminationMessage(c: ContainerInfo): string | undefined;
  /** The pod failed because an init container failed under restartPolicy Never. */
  initFailed?: boolean;
  now: string;
}

const rfc = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const cid = (id: string): string => `containerd://${id}`;

function terminatedReason(c: ContainerInfo): string {
  if (c.reason === 'OOMKilled') return 'OOMKilled';
  if (c.reason && c.reason !== 'Completed' && c.reason !== 'Error') return c.reason;
  return c.exitCode === 0 ? 'Completed' : 'Error';
}

function stateOf(c: ContainerInfo, msg: string | undefined): ContainerState {
  if (c.state === 'CONTAINER_RUNNING') return { running: { startedAt: rfc(c.startedAtMs) } };
  if (c.state === 'CONTAINER_EXITED') {
    return {
      terminated: {
        exitCode: c.exitCode,
        reason: terminatedReason(c),
        ...(msg ? { message: msg } : {}),
        startedAt: rfc(c.startedAtMs || c.createdAtMs),
        finishedAt: rfc(c.finishedAtMs || c.createdAtMs),
        containerID: cid(c.id),
      },
    };
  }
  if (c.state === 'CONTAINER_CREATED') return { waiting: { reason: 'ContainerCreating' } };
  return { waiting: { reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' } };
}

function containerStatus(spec: Container, init: boolean, rs: RuntimePodStatus, sandboxId: string | undefined, inp: StatusInputs, defaultWaiting: string): ContainerStatus {
  const all: RuntimePodStatus = { ...rs, containers: rs.containers };
  const cur = latest(all, spec.name, init);
  const inSandbox = cur && cur.sandboxId === sandboxId ? cur : undefined;
  const base: ContainerStatus = { name: spec.name, image: spec.image ?? '', imageID: '', ready: false, restartCount: cur?.restartCount ?? 0, started: false };
  const waiting = inp.waiting.get(spec.name);
  if (!cur) {
    base.state = { waiting: waiting ?? { reason: defaultWaiting } };
    return base;
  }
  base.imageID = cur.imageRef;
  if (cur.image) base.image = cur.image;
  base.containerID = cid(cur.id);
  const state = stateOf(cur, inp.terminationMessage(cur));
  if (waiting && (cur.state !== 'CONTAINER_RUNNING' || !inSandbox)) {
    // Not running and held back (crash loop, pull or config error): waiting, with the exit as lastState.
    base.state = { waiting };
    if (state.terminated) base.lastState = { terminated: state.terminated };
    return base;
  }
  base.state = state;
  const prev = previous(all, spec.name, init);
  if (prev && prev.state === 'CONTAINER_EXITED') base.lastState = stateOf(prev, inp.terminationMessage(prev));
  if (cur.state === 'CONTAINER_RUNNING') {
    base.started = inp.isStarted(spec.name, cur.id);
    base.ready = inp.isReady(spec.name, cur.id);
  } else if (init && cur.state === 'CONTAINER_EXITED' && cur.exitCode === 0) {
    base.ready = true;
  }
  return base;
}

type Phase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

function phaseOf(pod: Pod, statuses: ContainerStatus[], initialized: boolean, initFailed: boolean): Phase {
  if (initFailed) return 'Failed';
  if (!initialized) return 'Pending';
  let running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const s of statuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) { stopped++; if (s.state.terminated.exitCode === 0) succeeded++; }
    else if (s.state?.waiting) {
      if (s.lastState?.terminated) { stopped++; if (s.lastState.terminated.exitCode === 0) succeeded++; }
      else waiting++;
    }
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    const policy = pod.spec?.restartPolicy ?? 'Always';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) {
      // All exited 0: done unless a crash-looping container will run again.
      return statuses.some((s) => s.state?.waiting) ? 'Running' : 'Succeeded';
    }
    if (policy === 'OnFailure') return 'Running';
    return 'Failed';
  }
  return 'Pending';
}

export function generatePodStatus(pod: Pod, rs: RuntimePodStatus, inp: StatusInputs): PodStatus {
  const old = pod.status ?? {};
  const sb = rs.sandboxes[0];
  const sandboxReady = !!sb && sb.ready && (pod.spec?.hostNetwork === true || !!sb.ip);
  const inits = pod.spec?.initContainers ?? [];
  const initStatuses = inits.map((c) => containerStatus(c, true, rs, sb?.id, inp, 'PodInitializing'));
  const initialized = initStatuses.every((s) => s.state?.terminated?.exitCode === 0);
  const appDefault = inits.length > 0 && !initialized ? 'PodInitializing' : 'ContainerCreating';
  const statuses = (pod.spec?.containers ?? []).map((c) => containerStatus(c, false, rs, sb?.id, inp, appDefault));

  let phase: Phase = phaseOf(pod, statuses, initialized, inp.initFailed === true);
  if (old.phase === 'Succeeded' || old.phase === 'Failed') phase = old.phase;

  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const notReady = statuses.filter((s) => !s.ready).map((s) => s.name);
  const containersReady = !terminal && notReady.length === 0 && statuses.length > 0;
  const uninit = initStatuses.filter((s) => s.state?.terminated?.exitCode !== 0).map((s) => s.name);

  const prev = new Map((old.conditions ?? []).map((c) => [c.type, c]));
  const cond = (type: string, ok: boolean, reason?: string, message?: string): PodCondition => {
    const status = ok ? 'True' : 'False';
    const p = prev.get(type);
    return {
      type,
      status,
      lastProbeTime: null as unknown as string,
      lastTransitionTime: p && p.status === status ? p.lastTransitionTime! : inp.now,
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
    };
  };
  const unreadyMsg = `containers with unready status: [${notReady.join(' ')}]`;
  const mine = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']);
  const conditions: PodCondition[] = [
    cond('PodReadyToStartContainers', sandboxReady && !terminal),
    initialized || terminal && uninit.length === 0
      ? cond('Initialized', true, inits.length && terminal ? 'PodCompleted' : undefined)
      : cond('Initialized', false, 'ContainersNotInitialized', `containers with incomplete status: [${uninit.join(' ')}]`),
    containersReady ? cond('Ready', true) : cond('Ready', false, terminal ? 'PodCompleted' : 'ContainersNotReady', terminal ? undefined : unreadyMsg),
    containersReady ? cond('ContainersReady', true) : cond('ContainersReady', false, terminal ? 'PodCompleted' : 'ContainersNotReady', terminal ? undefined : unreadyMsg),
    ...(old.conditions ?? []).filter((c) => !mine.has(c.type)),
  ];

  const status: PodStatus = {
    ...old,
    phase,
    conditions,
    hostIP: inp.hostIP,
    hostIPs: [{ ip: inp.hostIP }],
    startTime: old.startTime ?? inp.firstSeen,
    containerStatuses: statuses,
  };
  const ip = pod.spec?.hostNetwork ? inp.hostIP : sb?.ip ?? (terminal ? old.podIP : undefined);
  if (ip) { status.podIP = ip; status.podIPs = [{ ip }]; } else { delete status.podIP; delete status.podIPs; }
  if (initStatuses.length) status.initContainerStatuses = initStatuses; else delete status.initContainerStatuses;
  delete status.message;
  delete status.reason;
  return status;
}

/** True when the two statuses say the same (ignoring heartbeat-like timestamps of unchanged conditions). */
export function sameStatus(a: PodStatus | undefined, b: PodStatus): boolean {
  if (!a) return false;
  const norm = (s: PodStatus) => JSON.stringify({ ...s, conditions: (s.conditions ?? []).map((c) => ({ ...c, lastProbeTime: null })) });
  return norm(a) === norm(b);
}
