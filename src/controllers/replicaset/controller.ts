/**
 * The ReplicaSet engine (pkg/controller/replicaset): keeps `replicas` active pods matching an
 * owner's selector, for ReplicaSets and (through a ReplicaSetKind adapter) ReplicationControllers.
 *
 * Contracts:
 * - Informer handlers only adjust expectations and enqueue owner keys: a pod's controller (resolved
 *   by kind, name and uid), or for an orphan every owner whose non-empty selector matches it; on a
 *   label or controller change both the old and the new owner. A pod with a deletionTimestamp counts
 *   as an observed deletion.
 * - `sync(key)` is level-triggered: it reads the owner and pods from the caches, adopts matching
 *   orphans (after a fresh GET of the owner proves it is the same object and not being deleted) and
 *   releases owned pods that no longer match, then - only when expectations are satisfied and the
 *   owner is not being deleted - creates (slow-start batches, generateName `<name>-`) or deletes
 *   (ranked, see ranking.ts) at most `burstReplicas` pods, then writes status if it changed.
 *   Terminal and terminating pods are not active: they neither count nor are adopted.
 * - Every create/delete is expected before it is sent; a failed or skipped one lowers the
 *   expectation, so the next sync proceeds. A failure is reported as a Warning Event and the
 *   ReplicaFailure condition, and `sync` rejects (the key is retried rate-limited).
 * - Events (on the owner): Normal SuccessfulCreate "Created pod: <name>", Normal SuccessfulDelete
 *   "Deleted pod: <name>", Warning FailedCreate "Error creating: <err>", Warning FailedDelete
 *   "Error deleting: <err>".
 */
import type { KubeObject } from '../../api/types.js';
import type { DeletedObject, SharedInformer } from '../../client/informer.js';
import type { WorkQueue } from '../../client/workqueue.js';
import type { EventRecorder } from '../../client/events.js';
import { isNotFound, type RestClient } from '../../client/rest.js';
import { labelSelectorToSelector, Selector } from '../../machinery/labels.js';
import type { Logger } from '../../util/logger.js';
import { claim, controllerOf, controllerRef } from '../common/controllerref.js';
import { Expectations } from '../common/expectations.js';
import { keyOf, splitKey } from '../common/keys.js';
import { isPodActive, isPodReady, podFromTemplate, type PodObj } from '../common/podutil.js';
import { PODS } from '../resources.js';
import type { ReplicaSetKind, ReplicaSetView } from './kind.js';
import { podsToDelete } from './ranking.js';
import { slowStartBatch } from './slowstart.js';
import { calculateStatus, errorMessage, nextAvailableIn, statusUnchanged } from './status.js';

/** Upstream's burstReplicas: creates or deletes per sync. */
export const BURST_REPLICAS = 500;
/** Upstream's SlowStartInitialBatchSize. */
export const SLOW_START_INITIAL_BATCH = 1;
/** Status writes retried once with a fresh GET (upstream statusUpdateRetries). */
const STATUS_UPDATE_RETRIES = 1;

export type ReplicaSetClient = Pick<RestClient, 'get' | 'create' | 'delete' | 'patch' | 'updateStatus'>;

export interface ReplicaSetControllerOptions {
  kind: ReplicaSetKind;
  client: ReplicaSetClient;
  /** Informer over `kind.resource`. */
  owners: SharedInformer<KubeObject>;
  pods: SharedInformer<PodObj>;
  queue: WorkQueue<string>;
  recorder: Pick<EventRecorder, 'event'>;
  log: Logger;
  burstReplicas?: number;
  now?: () => number;
  signal?: AbortSignal;
}

export class ReplicaSetController {
  readonly expectations: Expectations;
  private readonly kind: ReplicaSetKind;
  private readonly client: ReplicaSetClient;
  private readonly owners: SharedInformer<KubeObject>;
  private readonly pods: SharedInformer<PodObj>;
  private readonly queue: WorkQueue<string>;
  private readonly recorder: Pick<EventRecorder, 'event'>;
  private readonly log: Logger;
  private readonly burst: number;
  private readonly now: () => number;
  private readonly signal: AbortSignal | undefined;
  private readonly unsubscribe: Array<() => void>;

  constructor(o: ReplicaSetControllerOptions) {
    this.kind = o.kind;
    this.client = o.client;
    this.owners = o.owners;
    this.pods = o.pods;
    this.queue = o.queue;
    this.recorder = o.recorder;
    this.log = o.log;
    this.burst = o.burstReplicas ?? BURST_REPLICAS;
    this.now = o.now ?? Date.now;
    this.signal = o.signal;
    this.expectations = new Expectations(this.now);
    this.unsubscribe = [
      this.owners.addEventHandler({
        onAdd: (obj) => this.queue.add(keyOf(obj)),
        onUpdate: (old, cur) => this.ownerUpdated(old, cur),
        onDelete: (d) => this.ownerDeleted(d.lastKnown),
      }),
      this.pods.addEventHandler({
        onAdd: (pod) => this.podAdded(pod),
        onUpdate: (old, cur) => this.podUpdated(old, cur),
        onDelete: (d: DeletedObject<PodObj>) => this.podDeleted(d.lastKnown),
      }),
    ];
  }

  /** Removes the informer handlers (the informers are shared and outlive the controller). */
  stop(): void {
    for (const u of this.unsubscribe) u();
  }

  // ---- informer handlers: expectations and keys only ----

  private ownerUpdated(old: KubeObject, cur: KubeObject): void {
    if (old.metadata?.uid !== cur.metadata?.uid) this.ownerDeleted(old);
    this.queue.add(keyOf(cur));
  }

  private ownerDeleted(obj: KubeObject): void {
    const key = keyOf(obj);
    this.expectations.delete(key);
    this.queue.add(key);
  }

  private podAdded(pod: PodObj): void {
    if (pod.metadata?.deletionTimestamp) {
      // A pod first seen while being deleted (e.g. after a restart) is no creation observation.
      this.podDeleted(pod);
      return;
    }
    const ref = controllerOf(pod);
    if (ref) {
      const owner = this.resolve(pod.metadata?.namespace, ref);
      if (!owner) return;
      const key = keyOf(owner);
      this.expectations.creationObserved(key);
      this.queue.add(key);
      return;
    }
    for (const owner of this.matchingOwners(pod)) this.queue.add(keyOf(owner));
  }

  private podUpdated(old: PodObj, cur: PodObj): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    const labelsChanged = !sameMap(old.metadata?.labels, cur.metadata?.labels);
    if (cur.metadata?.deletionTimestamp) {
      this.podDeleted(cur);
      if (labelsChanged) this.podDeleted(old);
      return;
    }
    const curRef = controllerOf(cur);
    const oldRef = controllerOf(old);
    const refChanged = JSON.stringify(curRef) !== JSON.stringify(oldRef);
    if (refChanged && oldRef) {
      const prev = this.resolve(old.metadata?.namespace, oldRef);
      if (prev) this.queue.add(keyOf(prev));
    }
    if (curRef) {
      const owner = this.resolve(cur.metadata?.namespace, curRef);
      if (!owner) return;
      const key = keyOf(owner);
      this.queue.add(key);
      const minReady = this.kind.view(owner).minReadySeconds;
      if (minReady > 0 && !isPodReady(old) && isPodReady(cur)) this.queue.addAfter(key, minReady * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const owner of this.matchingOwners(cur)) this.queue.add(keyOf(owner));
  }

  private podDeleted(pod: PodObj): void {
    const ref = controllerOf(pod);
    if (!ref) return;
    const owner = this.resolve(pod.metadata?.namespace, ref);
    if (!owner) return;
    const key = keyOf(owner);
    this.expectations.deletionObservedOf(key, keyOf(pod));
    this.queue.add(key);
  }

  /** The cached owner a controller reference points at: same kind, name and uid. */
  private resolve(namespace: string | undefined, ref: { kind: string; name: string; uid: string }): KubeObject | undefined {
    if (ref.kind !== this.kind.kind) return undefined;
    const owner = this.owners.lister.get(namespace, ref.name);
    return owner && owner.metadata?.uid === ref.uid ? owner : undefined;
  }

  /** Owners in the pod's namespace whose (non-empty, valid) selector matches the pod's labels. */
  private matchingOwners(pod: PodObj): KubeObject[] {
    return this.owners.lister.list(pod.metadata?.namespace ?? '').filter((o) => {
      const sel = selectorOrUndefined(this.kind.view(o));
      return !!sel && !sel.empty() && sel.matches(pod.metadata?.labels);
    });
  }

  // ---- sync ----

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const raw = this.owners.lister.get(namespace, name);
    if (!raw) {
      this.expectations.delete(key);
      return;
    }
    const log = this.log.child({ key, namespace, name });
    const rs = this.kind.view(raw);
    const needsSync = this.expectations.satisfied(key);
    let selector: Selector;
    try {
      selector = labelSelectorToSelector(rs.selector);
    } catch (err) {
      log.error({ err: errorMessage(err) }, 'invalid selector; not syncing');
      return;
    }
    // An empty selector would claim every pod in the namespace; validation forbids it, be safe.
    if (selector.empty()) selector = Selector.nothing();

    const active = this.pods.lister.list(namespace).filter(isPodActive);
    const owner = await this.ownerForClaim(raw, active, selector);
    const owned = await claim<PodObj>({
      client: this.client,
      resource: PODS,
      owner,
      ownerApiVersion: this.kind.apiVersion,
      ownerKind: this.kind.kind,
      selector,
      candidates: active,
      signal: this.signal,
    });

    let manageErr: unknown;
    if (needsSync && !raw.metadata?.deletionTimestamp) {
      try {
        await this.manageReplicas(key, raw, rs, owned, log);
      } catch (err) {
        manageErr = err ?? new Error('unknown error');
      }
    }
    const now = this.now();
    await this.writeStatus(raw, rs, calculateStatus(rs, owned, manageErr, now), log);
    if (manageErr !== undefined) throw manageErr;
    const wait = nextAvailableIn(rs, owned, now);
    if (wait !== undefined) this.queue.addAfter(key, wait);
  }

  /**
   * The owner to claim with. When an orphan would be adopted, a fresh GET (not the cache) must show
   * the same uid and no deletionTimestamp, else the sync fails (upstream RecheckDeletionTimestamp);
   * the informer then brings the news and the next sync neither adopts nor creates.
   */
  private async ownerForClaim(raw: KubeObject, active: PodObj[], selector: Selector): Promise<KubeObject> {
    if (raw.metadata?.deletionTimestamp) return raw;
    const wouldAdopt = active.some((p) => !controllerOf(p) && selector.matches(p.metadata?.labels));
    if (!wouldAdopt) return raw;
    const fresh = await this.client.get(this.kind.resource, raw.metadata?.namespace, raw.metadata!.name!, { signal: this.signal });
    const ns = raw.metadata?.namespace;
    const name = raw.metadata?.name;
    if (fresh.metadata?.uid !== raw.metadata?.uid) throw new Error(`original ${this.kind.kind} ${ns}/${name} is gone: got uid ${fresh.metadata?.uid}, wanted ${raw.metadata?.uid}`);
    if (fresh.metadata?.deletionTimestamp) throw new Error(`${ns}/${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    return fresh;
  }

  private async manageReplicas(key: string, raw: KubeObject, rs: ReplicaSetView, owned: PodObj[], log: Logger): Promise<void> {
    const diff = owned.length - rs.replicas;
    if (diff < 0) {
      const n = Math.min(-diff, this.burst);
      this.expectations.expectCreations(key, n);
      log.info({ need: rs.replicas, creating: n }, 'too few replicas');
      const ref = controllerRef(raw, this.kind.apiVersion, this.kind.kind);
      const res = await slowStartBatch(n, SLOW_START_INITIAL_BATCH, () => this.createPod(raw, rs, ref));
      const skipped = n - res.successes;
      if (skipped > 0) {
        log.info({ skipped }, 'slow-start failure; skipped pod creations, lowered expectations');
        this.expectations.lowerExpectations(key, skipped, 0);
      }
      if (res.error !== undefined) throw res.error;
    } else if (diff > 0) {
      const n = Math.min(diff, this.burst);
      log.info({ need: rs.replicas, deleting: n }, 'too many replicas');
      const victims = podsToDelete(owned, this.relatedPods(raw), n);
      this.expectations.expectDeletionsOf(key, victims.map(keyOf));
      const errors: unknown[] = [];
      await Promise.all(
        victims.map(async (pod) => {
          try {
            await this.deletePod(raw, pod);
          } catch (err) {
            // The informer will not observe this deletion.
            this.expectations.deletionObservedOf(key, keyOf(pod));
            if (!isNotFound(err)) errors.push(err);
          }
        }),
      );
      if (errors.length > 0) throw errors[0];
    }
  }

  private async createPod(raw: KubeObject, rs: ReplicaSetView, ref: ReturnType<typeof controllerRef>): Promise<void> {
    const pod = podFromTemplate(rs.template ?? {}, raw.metadata!.name!, [ref]);
    if (Object.keys(pod.metadata?.labels ?? {}).length === 0) throw new Error('unable to create pods, no labels');
    let created: PodObj;
    try {
      created = await this.client.create<PodObj>(PODS, raw.metadata?.namespace, pod, { signal: this.signal });
    } catch (err) {
      // Creates in a terminating namespace cannot succeed; nothing to report (as upstream).
      if (isNamespaceTerminating(err)) return;
      this.recorder.event(raw, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
      throw err;
    }
    this.recorder.event(raw, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
  }

  private async deletePod(raw: KubeObject, pod: PodObj): Promise<void> {
    const name = pod.metadata!.name!;
    try {
      await this.client.delete(PODS, pod.metadata?.namespace, name, { signal: this.signal });
    } catch (err) {
      if (!isNotFound(err)) this.recorder.event(raw, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
      throw err;
    }
    this.recorder.event(raw, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
  }

  /** Pods selected by the owners sharing this owner's controller (a Deployment's ReplicaSets). */
  private relatedPods(raw: KubeObject): PodObj[] {
    const ref = controllerOf(raw);
    if (!ref) return [];
    const ns = raw.metadata?.namespace ?? '';
    const seen = new Map<string, PodObj>();
    for (const o of this.owners.lister.list(ns)) {
      if (controllerOf(o)?.uid !== ref.uid) continue;
      const sel = selectorOrUndefined(this.kind.view(o));
      if (!sel) continue;
      for (const p of this.pods.lister.list(ns, sel)) if (!seen.has(p.metadata!.uid!)) seen.set(p.metadata!.uid!, p);
    }
    return [...seen.values()];
  }

  /** Writes `next` as the status unless nothing changed; retries once with a fresh GET. */
  private async writeStatus(raw: KubeObject, rs: ReplicaSetView, next: NonNullable<ReplicaSetView['status']>, log: Logger): Promise<void> {
    if (statusUnchanged(rs, next)) return;
    const generation = rs.metadata.generation ?? 0;
    const status = { ...next };
    if (generation) status.observedGeneration = generation;
    else delete status.observedGeneration;
    let cur = raw;
    for (let i = 0; ; i++) {
      try {
        await this.client.updateStatus(this.kind.resource, { ...cur, status }, { signal: this.signal });
        log.debug({ replicas: status.replicas, readyReplicas: status.readyReplicas ?? 0, availableReplicas: status.availableReplicas ?? 0 }, 'status updated');
        return;
      } catch (err) {
        if (i >= STATUS_UPDATE_RETRIES) throw err;
        cur = await this.client.get(this.kind.resource, raw.metadata?.namespace, raw.metadata!.name!, { signal: this.signal });
      }
    }
  }
}

function selectorOrUndefined(rs: ReplicaSetView): Selector | undefined {
  try {
    return labelSelectorToSelector(rs.selector);
  } catch {
    return undefined;
  }
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ak = Object.keys(a ?? {});
  if (ak.length !== Object.keys(b ?? {}).length) return false;
  return ak.every((k) => b?.[k] === a?.[k]);
}

/** A create refused because the namespace is being deleted (StatusCause NamespaceTerminating). */
function isNamespaceTerminating(err: unknown): boolean {
  const causes = (err as { status?: { details?: { causes?: Array<{ reason?: string }> } } }).status?.details?.causes;
  return !!causes?.some((c) => c.reason === 'NamespaceTerminating');
}
