/**
 * The pod garbage collector (pkg/controller/podgc).
 *
 * Contracts (one `gc()` pass, run every 20 s):
 * - Terminated pods (Succeeded/Failed) beyond `threshold` (> 0) are deleted, evicted ones first,
 *   then oldest creationTimestamp first, then by name.
 * - Terminating pods on a node that is not Ready and carries the
 *   `node.kubernetes.io/out-of-service` taint are force deleted.
 * - Pods bound to a node missing from the cache are force deleted once the node has been missing
 *   for `quarantineMs` and a GET confirms it is gone; they are first marked Failed with condition
 *   DisruptionTarget (reason DeletionByPodGC). A pass is also requested when the quarantine ends.
 * - Terminating pods that were never scheduled are force deleted.
 * - "Force deleted" = a non-terminal pod is first set to phase Failed through pods/status, then
 *   deleted with gracePeriodSeconds 0. Pods already gone are skipped silently.
 */
import type { PodCondition } from 'kubernetes-types/core/v1.js';
import type { SharedInformer } from '../../client/informer.js';
import { isNotFound, type RestClient } from '../../client/rest.js';
import { TAINT_NODE_OUT_OF_SERVICE } from '../../api/core/v1/tolerations.js';
import { formatRfc3339 } from '../../machinery/meta.js';
import type { Logger } from '../../util/logger.js';
import { isPodTerminal, type PodObj } from '../common/podutil.js';
import { NODES, PODS } from '../resources.js';
import type { Node } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/types.js';
import { forEachLimit, errorText as errText } from '../../util/concurrency.js';

export type NodeObj = Node & KubeObject;

export const GC_PERIOD_MS = 20_000;
/** Upstream waits 40 s; a shorter quarantine still rides out a node that is re-registering. */
export const QUARANTINE_MS = 10_000;
const CONCURRENCY = 50;

export interface PodGcOptions {
  client: Pick<RestClient, 'get' | 'patch' | 'delete'>;
  pods: Pick<SharedInformer<PodObj>, 'lister'>;
  nodes: Pick<SharedInformer<NodeObj>, 'lister'>;
  /** --terminated-pod-gc-threshold; <= 0 disables the terminated-pod pass. */
  threshold: number;
  quarantineMs?: number;
  /** Asks for another pass after `ms`. */
  requestPass(ms: number): void;
  log: Logger;
  now?: () => number;
  signal?: AbortSignal;
}

const isEvicted = (p: PodObj) => p.status?.phase === 'Failed' && p.status?.reason === 'Evicted';

/** byEvictionAndCreationTimestamp: evicted first, then older, then by name. */
export function compareForGc(a: PodObj, b: PodObj): number {
  const ae = isEvicted(a);
  const be = isEvicted(b);
  if (ae !== be) return ae ? -1 : 1;
  const at = Date.parse(a.metadata?.creationTimestamp ?? '') || 0;
  const bt = Date.parse(b.metadata?.creationTimestamp ?? '') || 0;
  if (at !== bt) return at - bt;
  const an = a.metadata?.name ?? '';
  const bn = b.metadata?.name ?? '';
  return an < bn ? -1 : an > bn ? 1 : 0;
}

export class PodGcController {
  /** Node name → when this controller first found pods bound to it while it was missing. */
  private readonly missingSince = new Map<string, number>();
  private readonly now: () => number;
  private readonly quarantineMs: number;

  constructor(private readonly o: PodGcOptions) {
    this.now = o.now ?? Date.now;
    this.quarantineMs = o.quarantineMs ?? QUARANTINE_MS;
  }

  /** True when `nodeName` is set and the node is not in the cache. */
  boundToMissingNode(pod: PodObj): boolean {
    const n = pod.spec?.nodeName;
    return !!n && !this.o.nodes.lister.get(undefined, n);
  }

  async gc(): Promise<void> {
    const pods = this.o.pods.lister.list();
    let errors = 0;
    const del = async (p: PodObj, cond?: PodCondition) => {
      try {
        await this.forceDelete(p, cond);
      } catch (err) {
        errors++;
        this.o.log.warn({ namespace: p.metadata?.namespace, name: p.metadata?.name, err: errText(err) }, 'pod GC failed to delete a pod');
      }
    };
    if (this.o.threshold > 0) {
      const terminated = pods.filter((p) => isPodTerminal(p));
      const excess = terminated.length - this.o.threshold;
      if (excess > 0) {
        terminated.sort(compareForGc);
        this.o.log.info({ numPods: excess }, 'Garbage collecting pods');
        await forEachLimit(terminated.slice(0, excess), CONCURRENCY, (p) => del(p));
      }
    }
    const outOfService = pods.filter((p) => {
      if (!p.metadata?.deletionTimestamp || !p.spec?.nodeName) return false;
      const node = this.o.nodes.lister.get(undefined, p.spec.nodeName);
      if (!node) return false;
      const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      return !ready && (node.spec?.taints ?? []).some((t) => t.key === TAINT_NODE_OUT_OF_SERVICE);
    });
    await forEachLimit(outOfService, CONCURRENCY, (p) => del(p));
    await this.gcOrphaned(pods, del);
    const unscheduled = pods.filter((p) => p.metadata?.deletionTimestamp && !p.spec?.nodeName);
    await forEachLimit(unscheduled, CONCURRENCY, (p) => del(p));
    if (errors) this.o.log.warn({ errors }, 'pod GC pass finished with errors');
  }

  private async gcOrphaned(pods: PodObj[], del: (p: PodObj, cond?: PodCondition) => Promise<void>): Promise<void> {
    const now = this.now();
    const byNode = new Map<string, PodObj[]>();
    for (const p of pods) {
      if (!this.boundToMissingNode(p)) continue;
      const n = p.spec!.nodeName!;
      (byNode.get(n) ?? byNode.set(n, []).get(n)!).push(p);
    }
    for (const n of [...this.missingSince.keys()]) if (!byNode.has(n)) this.missingSince.delete(n);
    for (const [nodeName, list] of byNode) {
      const since = this.missingSince.get(nodeName);
      if (since === undefined) {
        this.missingSince.set(nodeName, now);
        this.o.requestPass(this.quarantineMs);
        continue;
      }
      if (now - since < this.quarantineMs) {
        this.o.requestPass(since + this.quarantineMs - now);
        continue;
      }
      try {
        await this.o.client.get(NODES, undefined, nodeName, { signal: this.o.signal });
        this.missingSince.delete(nodeName);
        continue;
      } catch (err) {
        if (!isNotFound(err)) {
          this.o.log.warn({ node: nodeName, err: errText(err) }, 'could not check whether a node exists');
          continue;
        }
      }
      this.missingSince.delete(nodeName);
      const cond: PodCondition = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' };
      await forEachLimit(list, CONCURRENCY, (p) => del(p, cond));
    }
  }

  /** markFailedAndDeletePodWithCondition. */
  private async forceDelete(pod: PodObj, cond?: PodCondition): Promise<void> {
    const ns = pod.metadata?.namespace;
    const name = pod.metadata!.name!;
    this.o.log.info({ namespace: ns, name }, 'PodGC is force deleting Pod');
    try {
      if (!isPodTerminal(pod)) {
        // Strategic merge: conditions merge by type, so only ours is added or replaced.
        const status: Record<string, unknown> = { phase: 'Failed' };
        if (cond) status.conditions = [{ ...cond, lastTransitionTime: formatRfc3339(new Date(this.now())) }];
        await this.o.client.patch(PODS, ns, name, 'strategic', { metadata: { uid: pod.metadata?.uid }, status }, { subresource: 'status', signal: this.o.signal });
      }
      await this.o.client.delete(PODS, ns, name, { gracePeriodSeconds: 0, preconditions: pod.metadata?.uid ? { uid: pod.metadata.uid } : undefined, signal: this.o.signal });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
