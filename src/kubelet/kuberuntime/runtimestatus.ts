/**
 * A pod's objects in the container runtime, read from CRI: its sandboxes (newest first) and every
 * container of every sandbox (newest first per name). The kubelet's decisions and the API status are
 * computed from this snapshot only.
 */
import type { CriClient, ContainerState } from '../runtime/cri/client.js';
import { CONTAINER_INIT, CONTAINER_NAME, CONTAINER_RESTART_COUNT, CONTAINER_HASH, TERMINATION_MESSAGE_HOST_PATH, POD_UID } from './labels.js';

export interface SandboxInfo {
  id: string;
  ready: boolean;
  attempt: number;
  createdAtMs: number;
  ip?: string;
}

export interface ContainerInfo {
  id: string;
  name: string;
  sandboxId: string;
  state: ContainerState;
  init: boolean;
  attempt: number;
  restartCount: number;
  hash: string;
  createdAtMs: number;
  startedAtMs: number;
  finishedAtMs: number;
  exitCode: number;
  reason: string;
  message: string;
  image: string;
  imageRef: string;
  logPath: string;
  terminationMessageHostPath?: string;
}

export interface RuntimePodStatus {
  uid: string;
  sandboxes: SandboxInfo[];
  /** Every container of the pod, newest first. */
  containers: ContainerInfo[];
}

const nsToMs = (ns: number): number => Math.floor(ns / 1e6);

/** Latest container of `name` (newest first list), optionally only init or only app containers. */
export function latest(s: RuntimePodStatus, name: string, init: boolean): ContainerInfo | undefined {
  return s.containers.find((c) => c.name === name && c.init === init);
}

/** The container before `latest` of the same name (for lastState and `logs --previous`). */
export function previous(s: RuntimePodStatus, name: string, init: boolean): ContainerInfo | undefined {
  return s.containers.filter((c) => c.name === name && c.init === init)[1];
}

export async function readPodStatus(cri: CriClient, uid: string, signal?: AbortSignal): Promise<RuntimePodStatus> {
  const o = signal ? { signal } : undefined;
  const [sbs, cs] = await Promise.all([
    cri.listPodSandbox({ labelSelector: { [POD_UID]: uid } }, o),
    cri.listContainers({ labelSelector: { [POD_UID]: uid } }, o),
  ]);
  const sandboxes: SandboxInfo[] = [];
  for (const sb of sbs.sort((a, b) => b.createdAt - a.createdAt)) {
    const info: SandboxInfo = { id: sb.id, ready: sb.state === 'SANDBOX_READY', attempt: sb.metadata?.attempt ?? 0, createdAtMs: nsToMs(sb.createdAt) };
    if (info.ready) {
      try {
        const st = await cri.podSandboxStatus(sb.id, false, o);
        if (st.status?.network?.ip) info.ip = st.status.network.ip;
      } catch { /* gone meanwhile */ }
    }
    sandboxes.push(info);
  }
  const containers: ContainerInfo[] = [];
  for (const c of cs) {
    try {
      const st = (await cri.containerStatus(c.id, false, o)).status;
      if (!st) continue;
      containers.push({
        id: c.id,
        name: c.labels[CONTAINER_NAME] ?? st.metadata?.name ?? '',
        sandboxId: c.podSandboxId,
        state: st.state,
        init: c.annotations[CONTAINER_INIT] === 'true',
        attempt: st.metadata?.attempt ?? 0,
        restartCount: Number(c.annotations[CONTAINER_RESTART_COUNT] ?? 0) || 0,
        hash: c.annotations[CONTAINER_HASH] ?? '',
        createdAtMs: nsToMs(st.createdAt),
        startedAtMs: nsToMs(st.startedAt),
        finishedAtMs: nsToMs(st.finishedAt),
        exitCode: st.exitCode,
        reason: st.reason,
        message: st.message,
        image: st.image?.image ?? c.image?.image ?? '',
        imageRef: st.imageRef,
        logPath: st.logPath,
        ...(c.annotations[TERMINATION_MESSAGE_HOST_PATH] ? { terminationMessageHostPath: c.annotations[TERMINATION_MESSAGE_HOST_PATH] } : {}),
      });
    } catch { /* removed meanwhile */ }
  }
  containers.sort((a, b) => b.createdAtMs - a.createdAtMs || b.restartCount - a.restartCount);
  return { uid, sandboxes, containers };
}
