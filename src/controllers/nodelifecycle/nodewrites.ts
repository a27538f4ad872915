/**
 * The writes the node lifecycle controller makes: node taints (SwapNodeControllerTaint), node
 * conditions (UpdateStatus) and pod Ready conditions (MarkPodsNotReady).
 *
 * Contracts:
 * - `swapTaints` applies the add/remove that `change` computes from the node to its taints with a
 *   merge patch carrying the node's resourceVersion; on 409 it re-reads the node from the API and
 *   computes the change again from that copy (5 attempts in all). It answers the node as written, or undefined when nothing had to change or the node
 *   is gone.
 * - `markPodsNotReady` sets Ready False (new lastTransitionTime) on every pod of the node whose
 *   Ready is not already False, records a Warning `NodeNotReady` "Node is not ready" event per
 *   pod written, skips pods that are gone, and throws the first other error after trying all.
 */
import type { Node, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/types.js';
import { isConflict, isNotFound, type RestClient } from '../../client/rest.js';
import type { EventRecorder } from '../../client/events.js';
import { formatRfc3339 } from '../../machinery/meta.js';
import { NODES, PODS } from '../resources.js';
import { applyTaints, type TaintChange } from './taints.js';

export type NodeObj = Node & KubeObject;
export type PodObj = Pod & KubeObject;
export type WriteClient = Pick<RestClient, 'get' | 'patch' | 'updateStatus'>;

const ATTEMPTS = 5;

export async function swapTaints(client: WriteClient, node: NodeObj, change: (node: NodeObj) => TaintChange, now: () => number, signal?: AbortSignal): Promise<NodeObj | undefined> {
  let cur = node;
  for (let attempt = 1; ; attempt++) {
    const taints = applyTaints(cur.spec?.taints, change(cur), formatRfc3339(new Date(now())));
    if (!taints) return undefined;
    try {
      return await client.patch<NodeObj>(NODES, undefined, cur.metadata!.name!, 'merge', { metadata: { resourceVersion: cur.metadata?.resourceVersion }, spec: { taints } }, { signal });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      if (!isConflict(err) || attempt >= ATTEMPTS) throw err;
      try {
        cur = await client.get<NodeObj>(NODES, undefined, cur.metadata!.name!, { signal });
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    }
  }
}

export async function markPodsNotReady(
  client: WriteClient,
  recorder: Pick<EventRecorder, 'event'>,
  pods: readonly PodObj[],
  nodeName: string,
  now: () => number,
  signal?: AbortSignal,
): Promise<void> {
  let first: unknown;
  for (const pod of pods) {
    if (pod.spec?.nodeName !== nodeName) continue;
    const conds = pod.status?.conditions ?? [];
    const i = conds.findIndex((c) => c.type === 'Ready');
    if (i < 0 || conds[i]!.status === 'False') continue;
    const ready: PodCondition = { ...conds[i]!, status: 'False', lastTransitionTime: formatRfc3339(new Date(now())) };
    const next = conds.map((c, j) => (j === i ? ready : c));
    try {
      await client.updateStatus<PodObj>(PODS, { ...pod, status: { ...pod.status, conditions: next } }, { signal });
      recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
    } catch (err) {
      if (!isNotFound(err)) first ??= err;
    }
  }
  if (first) throw first;
}
