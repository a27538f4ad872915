/**
 * The labels and annotations the kubelet puts on CRI sandboxes and containers (upstream's names),
 * and how it reads them back. Everything the kubelet knows about a pod's runtime objects after a
 * restart comes from these.
 */
import { createHash } from 'node:crypto';
import type { Container } from 'kubernetes-types/core/v1.js';
import type { Pod } from '../types.js';

export const POD_NAME = 'io.kubernetes.pod.name';
export const POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const POD_UID = 'io.kubernetes.pod.uid';
export const CONTAINER_NAME = 'io.kubernetes.container.name';
/** Marks containers and sandboxes made by a k8ts kubelet; value = node name. */
export const K8TS_NODE = 'io.k8ts.node';
export const CONTAINER_HASH = 'io.kubernetes.container.hash';
export const CONTAINER_RESTART_COUNT = 'io.kubernetes.container.restartCount';
export const CONTAINER_TERMINATION_MESSAGE_PATH = 'io.kubernetes.container.terminationMessagePath';
export const CONTAINER_TERMINATION_MESSAGE_POLICY = 'io.kubernetes.container.terminationMessagePolicy';
export const CONTAINER_INIT = 'io.k8ts.container.init';
/** Host path of the file mounted at the container's terminationMessagePath. */
export const TERMINATION_MESSAGE_HOST_PATH = 'io.k8ts.container.terminationMessageHostPath';
export const POD_TERMINATION_GRACE_PERIOD = 'io.kubernetes.pod.terminationGracePeriod';

export function sandboxLabels(pod: Pod, node: string): Record<string, string> {
  return {
    ...(pod.metadata?.labels ?? {}),
    [POD_NAME]: pod.metadata!.name!,
    [POD_NAMESPACE]: pod.metadata!.namespace ?? 'default',
    [POD_UID]: pod.metadata!.uid!,
    [K8TS_NODE]: node,
  };
}

export function containerLabels(pod: Pod, c: Container, node: string): Record<string, string> {
  return {
    [POD_NAME]: pod.metadata!.name!,
    [POD_NAMESPACE]: pod.metadata!.namespace ?? 'default',
    [POD_UID]: pod.metadata!.uid!,
    [CONTAINER_NAME]: c.name,
    [K8TS_NODE]: node,
  };
}

/** Stable JSON (sorted keys) so the hash does not depend on property order. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Hash of the container spec; a running container whose hash differs from the spec's is restarted. */
export function containerHash(c: Container): string {
  return createHash('sha256').update(stable(c)).digest('hex').slice(0, 8);
}
