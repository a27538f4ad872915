/**
 * The NoExecute taint manager (pkg/controller/tainteviction): deletes pods from nodes with
 * NoExecute taints they do not tolerate, or tolerate only for a while.
 *
 * Contracts:
 * - Handlers only queue pod keys: a pod when it is bound or its tolerations change, every pod of a
 *   node whose NoExecute taints change.
 * - `sync(podKey)` decides with `evictionDecision` (eviction.ts). A pod to evict later is queued
 *   again for that time; when the time comes the decision is taken again from the listers, so a
 *   taint that went away cancels the eviction (Normal `TaintManagerEviction` "Cancelling deletion
 *   of Pod <ns>/<name>" when one was pending).
 * - Eviction: Normal `TaintManagerEviction` "Marking for deletion Pod <ns>/<name>", then the pod
 *   (re-read from the API, same uid) gets condition DisruptionTarget=True reason
 *   DeletionByTaintManager through pods/status, then it is deleted with its own grace period.
 *   Pods already being deleted are left alone.
 */
import type { Taint } from 'kubernetes-types/core/v1.js';
import type { EventRecorder } from '../../client/events.js';
import { isNotFound, type RestClient } from '../../client/rest.js';
import type { WorkQueue } from '../../client/workqueue.js';
import type { SharedInformer } from '../../client/informer.js';
import { formatRfc3339 } from '../../machinery/meta.js';
import type { Logger } from '../../util/logger.js';
import { keyOf, splitKey } from '../common/keys.js';
import { PODS } from '../resources.js';
import { evictionDecision, noExecuteTaints } from './eviction.js';
import type { NodeObj, PodObj } from './nodewrites.js';

type InformerLike<T extends PodObj | NodeObj> = Pick<SharedInformer<T>, 'lister' | 'addEventHandler'>;

export interface TaintEvictionOptions {
  client: Pick<RestClient, 'get' | 'updateStatus' | 'delete'>;
  nodes: InformerLike<NodeObj>;
  /** Must carry the `podNodeIndex` index. */
  pods: InformerLike<PodObj>;
  podNodeIndex: string;
  queue: WorkQueue<string>;
  recorder: Pick<EventRecorder, 'event'>;
  log: Logger;
  now?: () => number;
  signal?: AbortSignal;
}

interface Pending {
  uid: string | undefined;
  /** When this controller first saw NoExecute taints for the pod (for taints without timeAdded). */
  firstSeenMs: number;
  /** Set while an eviction is scheduled. */
  atMs?: number;
}

const taintsSig = (ts: readonly Taint[]) =>
  ts
    .map((t) => `${t.key}=${t.value ?? ''}:${t.effect}@${t.timeAdded ?? ''}`)
    .sort()
    .join(',');

export class TaintEvictionController {
  private readonly pending = new Map<string, Pending>();
  private readonly now: () => number;

  constructor(private readonly o: TaintEvictionOptions) {
    this.now = o.now ?? Date.now;
  }

  register(): void {
    this.o.pods.addEventHandler({
      onAdd: (p) => {
        if (p.spec?.nodeName) this.o.queue.add(keyOf(p));
      },
      onUpdate: (old, p) => {
        if (!p.spec?.nodeName) return;
        if (p.spec.nodeName !== old.spec?.nodeName || JSON.stringify(p.spec.tolerations ?? []) !== JSON.stringify(old.spec?.tolerations ?? [])) this.o.queue.add(keyOf(p));
      },
      onDelete: (d) => this.o.queue.add(d.key),
    });
    this.o.nodes.addEventHandler({
      onAdd: (n) => this.enqueueNode(n, undefined),
      onUpdate: (old, n) => this.enqueueNode(n, old),
      onDelete: (d) => this.enqueueNode(d.lastKnown, undefined),
    });
  }

  private enqueueNode(n: NodeObj, old: NodeObj | undefined): void {
    const now = noExecuteTaints(n.spec?.taints);
    if (old && taintsSig(now) === taintsSig(noExecuteTaints(old.spec?.taints))) return;
    if (!old && now.length === 0) return;
    for (const p of this.o.pods.lister.byIndex(this.o.podNodeIndex, n.metadata!.name!)) this.o.queue.add(keyOf(p));
  }

  /** True while an eviction of `key` is scheduled (tests). */
  isScheduled(key: string): boolean {
    return this.pending.get(key)?.atMs !== undefined;
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.o.pods.lister.get(namespace, name);
    let prev = this.pending.get(key);
    if (prev && prev.uid !== pod?.metadata?.uid) {
      this.pending.delete(key);
      prev = undefined;
    }
    if (!pod || pod.metadata?.deletionTimestamp || !pod.spec?.nodeName) {
      this.pending.delete(key);
      return;
    }
    const node = this.o.nodes.lister.get(undefined, pod.spec.nodeName);
    const taints = noExecuteTaints(node?.spec?.taints);
    const now = this.now();
    if (taints.length === 0) {
      this.cancel(key, pod, prev);
      return;
    }
    const firstSeenMs = prev?.firstSeenMs ?? now;
    const d = evictionDecision(pod, taints, now, firstSeenMs);
    switch (d.kind) {
      case 'keep':
        this.cancel(key, pod, prev);
        this.pending.set(key, { uid: pod.metadata?.uid, firstSeenMs });
        return;
      case 'at':
        this.pending.set(key, { uid: pod.metadata?.uid, firstSeenMs, atMs: d.atMs });
        this.o.queue.addAfter(key, d.atMs - now);
        return;
      case 'evict':
        await this.evict(key, pod);
        this.pending.delete(key);
        return;
    }
  }

  private cancel(key: string, pod: PodObj, prev: Pending | undefined): void {
    if (prev?.atMs !== undefined) this.o.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
    this.pending.delete(key);
  }

  private async evict(key: string, cached: PodObj): Promise<void> {
    const { namespace, name } = splitKey(key);
    this.o.recorder.event(cached, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    this.o.log.info({ key, namespace, name, node: cached.spec?.nodeName }, 'deleting pod for a NoExecute taint');
    let pod: PodObj;
    try {
      pod = await this.o.client.get<PodObj>(PODS, namespace, name, { signal: this.o.signal });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    const uid = cached.metadata?.uid;
    if (pod.metadata?.uid !== uid || pod.metadata?.deletionTimestamp) return;
    const conds = pod.status?.conditions ?? [];
    const cur = conds.find((c) => c.type === 'DisruptionTarget');
    if (cur?.status !== 'True' || cur.reason !== 'DeletionByTaintManager') {
      const cond = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: formatRfc3339(new Date(this.now())) };
      try {
        await this.o.client.updateStatus<PodObj>(PODS, { ...pod, status: { ...pod.status, conditions: [...conds.filter((c) => c.type !== 'DisruptionTarget'), cond] } }, { signal: this.o.signal });
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
    }
    try {
      await this.o.client.delete(PODS, namespace, name, { preconditions: uid ? { uid } : undefined, signal: this.o.signal });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
