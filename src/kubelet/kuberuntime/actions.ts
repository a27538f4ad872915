/**
 * What one sync of a pod must do, computed from the pod spec and its runtime snapshot (upstream's
 * computePodActions). Pure: the runtime manager carries the actions out.
 *
 * Contracts:
 * - A missing or not-ready sandbox (or one without an IP for a pod-network pod) means: kill what is
 *   left, create a new sandbox (attempt + 1) and start over with the first init container — except
 *   for a `restartPolicy: Never` pod whose containers already ran: that pod is done.
 * - Init containers run one at a time in order; a failed one is restarted (with back-off) unless the
 *   policy is Never, which fails the pod. App containers start only once every init container exited 0.
 * - An exited app container is restarted when the policy says so (Always; OnFailure and exit code ≠ 0),
 *   unless its back-off since it finished has not elapsed; then it is listed in `waiting`.
 * - A running container whose spec hash differs from the pod's (an image update) is killed and started again.
 */
import type { Container } from 'kubernetes-types/core/v1.js';
import type { Pod } from '../types.js';
import type { Backoff } from './backoff.js';
import { containerHash } from './labels.js';
import { latest, type ContainerInfo, type RuntimePodStatus } from './runtimestatus.js';

export interface ContainerToKill { id: string; name: string; message: string }
export interface BackoffWait { name: string; init: boolean; remainingMs: number; delayMs: number }

export interface PodActions {
  /** Stop every container and sandbox of the pod first. */
  killPod: boolean;
  createSandbox: boolean;
  sandboxAttempt: number;
  /** The ready sandbox to start containers in (when not creating one). */
  sandboxId?: string;
  /** Init container to start now. */
  startInit?: string;
  /** An init container failed and the policy is Never: the pod failed. */
  initFailed: boolean;
  /** App containers to start now. */
  start: string[];
  kill: ContainerToKill[];
  waiting: BackoffWait[];
}

export const backoffKey = (uid: string, name: string): string => `${uid}/${name}`;

export function hostNetwork(pod: Pod): boolean {
  return pod.spec?.hostNetwork === true;
}

function shouldRestart(pod: Pod, c: ContainerInfo): boolean {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Always') return true;
  if (policy === 'OnFailure') return c.state !== 'CONTAINER_EXITED' || c.exitCode !== 0;
  return false;
}

export function computePodActions(pod: Pod, rs: RuntimePodStatus, backoff: Backoff): PodActions {
  const uid = pod.metadata!.uid!;
  const a: PodActions = { killPod: false, createSandbox: false, sandboxAttempt: 0, initFailed: false, start: [], kill: [], waiting: [] };
  const sb = rs.sandboxes[0];
  const inits: Container[] = pod.spec?.initContainers ?? [];
  const apps: Container[] = pod.spec?.containers ?? [];
  const sandboxOk = sb !== undefined && sb.ready && (hostNetwork(pod) || !!sb.ip);
  if (!sandboxOk) {
    const anyRunning = rs.containers.some((c) => c.state === 'CONTAINER_RUNNING') || rs.sandboxes.some((s) => s.ready);
    a.killPod = anyRunning;
    if ((pod.spec?.restartPolicy ?? 'Always') === 'Never' && rs.sandboxes.length > 0 && rs.containers.length > 0) return a;
    a.createSandbox = true;
    a.sandboxAttempt = sb ? sb.attempt + 1 : 0;
    if (inits.length > 0) a.startInit = inits[0]!.name;
    else a.start = apps.map((c) => c.name);
    return a;
  }
  a.sandboxId = sb.id;

  // Containers from older sandboxes do not count.
  const current: RuntimePodStatus = { ...rs, containers: rs.containers.filter((c) => c.sandboxId === sb.id) };

  for (const ic of inits) {
    const l = latest(current, ic.name, true);
    if (!l) { a.startInit = ic.name; return a; }
    if (l.state === 'CONTAINER_RUNNING') return a;
    if (l.state === 'CONTAINER_EXITED' && l.exitCode === 0) continue;
    if ((pod.spec?.restartPolicy ?? 'Always') === 'Never') { a.initFailed = true; return a; }
    const key = backoffKey(uid, ic.name);
    const since = l.finishedAtMs || l.createdAtMs;
    if (backoff.inBackoff(key, since)) a.waiting.push({ name: ic.name, init: true, remainingMs: backoff.remaining(key, since), delayMs: backoff.delay(key) });
    else a.startInit = ic.name;
    return a;
  }

  for (const c of apps) {
    const l = latest(current, c.name, false);
    if (!l) { a.start.push(c.name); continue; }
    if (l.state === 'CONTAINER_RUNNING') {
      if (l.hash && l.hash !== containerHash(c)) {
        a.kill.push({ id: l.id, name: c.name, message: `Container ${c.name} definition changed, will be restarted` });
        a.start.push(c.name);
      }
      continue;
    }
    if (l.state === 'CONTAINER_UNKNOWN') {
      a.kill.push({ id: l.id, name: c.name, message: `Container ${c.name} is in an unknown state, will be restarted` });
    }
    if (!shouldRestart(pod, l)) continue;
    const key = backoffKey(uid, c.name);
    const since = l.finishedAtMs || l.createdAtMs;
    if (backoff.inBackoff(key, since)) a.waiting.push({ name: c.name, init: false, remainingMs: backoff.remaining(key, since), delayMs: backoff.delay(key) });
    else a.start.push(c.name);
  }
  return a;
}
