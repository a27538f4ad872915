/**
 * The garbage collector's decisions (upstream garbagecollector.go attemptToDeleteItem,
 * processDeletingDependentsItem, attemptToOrphanWorker), made against live API reads.
 *
 * Contracts:
 * - `attemptToDelete(node)` re-reads the node's object; absent (NotFound or another uid) → the graph
 *   drops it (`virtualDelete`). An object deleting its dependents loses `foregroundDeletion` once no
 *   dependent with `blockOwnerDeletion: true` remains. Otherwise each owner reference is classified
 *   by a live GET of the owner (absent owners are remembered in the graph's absent cache):
 *   solid (exists), dangling (absent, or another uid), waiting (being deleted with
 *   `foregroundDeletion`).
 *   - some solid: dangling and waiting references are patched out; the object stays;
 *   - none solid, some waiting, and the object has dependents: deleted with Foreground (references
 *     unblocked first when a dependent is itself deleting dependents, to break cycles);
 *   - otherwise (every owner absent or waiting): deleted with the policy its own finalizers ask
 *     for (orphan → Orphan, foregroundDeletion → Foreground), else Background.
 *   Deletes carry uid and resourceVersion preconditions; a resourceVersion conflict with unchanged
 *   ownerReferences is retried with the uid precondition only.
 * - It resolves `'requeue'` when the node is still virtual (not yet seen by an informer), throws on
 *   API errors and unknown kinds (the caller retries with back-off), and throws
 *   `NamespacedOwnerOfClusterScopedError` for a cluster-scoped object naming a namespaced owner
 *   (never retried).
 * - `attemptToOrphan(owner)` patches the owner's reference out of every dependent in the graph
 *   (NotFound ignored), then removes the `orphan` finalizer; throws if any step failed.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../api/types.js';
import { isConflict, isNotFound, type ResourceRef, type RestClient } from '../../client/rest.js';
import type { Logger } from '../../util/logger.js';
import { FINALIZER_FOREGROUND, FINALIZER_ORPHAN, hasFinalizer, identityString, type DependencyGraph, type GraphNode, type Identity } from './graph.js';
import type { RestMapper } from './mapper.js';

export type GcClient = Pick<RestClient, 'get' | 'patch' | 'delete'>;

export class NamespacedOwnerOfClusterScopedError extends Error {
  constructor(item: Identity, ref: OwnerReference) {
    super(`cluster-scoped ${identityString(item)} refers to a namespaced owner ${ref.apiVersion}/${ref.kind} ${ref.name}`);
    this.name = 'NamespacedOwnerOfClusterScopedError';
  }
}

export type DeleteOutcome = 'done' | 'requeue';

type Policy = 'Orphan' | 'Background' | 'Foreground';

const MAX_FINALIZER_RETRIES = 5;

export interface CollectorOptions {
  client: GcClient;
  graph: DependencyGraph;
  mapper: RestMapper;
  /** Hands a node to attemptToDelete (the same queue the graph feeds). */
  enqueueDelete(n: GraphNode): void;
  log: Logger;
  signal?: AbortSignal;
}

export class GarbageCollector {
  private readonly client: GcClient;
  private readonly graph: DependencyGraph;
  private readonly mapper: RestMapper;
  private readonly log: Logger;
  private readonly signal: AbortSignal | undefined;
  private readonly enqueueDelete: (n: GraphNode) => void;

  constructor(o: CollectorOptions) {
    this.enqueueDelete = o.enqueueDelete;
    this.client = o.client;
    this.graph = o.graph;
    this.mapper = o.mapper;
    this.log = o.log;
    this.signal = o.signal;
  }

  async attemptToDelete(item: GraphNode): Promise<DeleteOutcome> {
    if (item.beingDeleted && !item.deletingDependents) return 'done';
    const latest = await this.getObject(item.identity);
    if (!latest || latest.metadata?.uid !== item.identity.uid) {
      this.graph.virtualDelete(item.identity);
      return 'done';
    }
    await this.decide(item, latest);
    return item.virtual ? 'requeue' : 'done';
  }

  private async decide(item: GraphNode, latest: KubeObject): Promise<void> {
    if (item.deletingDependents) return this.processDeletingDependents(item);
    const refs = latest.metadata?.ownerReferences ?? [];
    if (!refs.length) return;
    const { solid, dangling, waiting } = await this.classify(item, refs);
    const ctx = { ...logFields(item.identity), solid: solid.length, dangling: dangling.length, waiting: waiting.length };
    if (solid.length) {
      if (!dangling.length && !waiting.length) return;
      this.log.info(ctx, 'removing dangling and waiting references');
      await this.patchOutOwners(item, [...dangling, ...waiting].map((r) => r.uid));
      return;
    }
    if (waiting.length && item.dependents.size) {
      for (const dep of item.dependents) {
        if (!dep.deletingDependents) continue;
        this.log.info({ ...ctx, dependent: identityString(dep.identity) }, 'owner and dependent are both deleting dependents; unblocking references to avoid a cycle');
        await this.unblockOwnerReferences(item, refs);
        break;
      }
      this.log.info(ctx, 'deleting item with Foreground: an owner waits for its dependents');
      return this.deleteObject(item, latest, 'Foreground');
    }
    const policy: Policy = hasFinalizer(latest, FINALIZER_ORPHAN) ? 'Orphan' : hasFinalizer(latest, FINALIZER_FOREGROUND) ? 'Foreground' : 'Background';
    this.log.info({ ...ctx, propagationPolicy: policy }, 'deleting item: no solid owner remains');
    return this.deleteObject(item, latest, policy);
  }

  private async processDeletingDependents(item: GraphNode): Promise<void> {
    const blocking = item.blockingDependents();
    if (!blocking.length) {
      this.log.info(logFields(item.identity), 'removing foregroundDeletion finalizer: no blocking dependents remain');
      await this.removeFinalizer(item, FINALIZER_FOREGROUND);
      return;
    }
    for (const dep of blocking) if (!dep.deletingDependents) this.enqueueDelete(dep);
  }

  async attemptToOrphan(owner: GraphNode): Promise<void> {
    const errors: string[] = [];
    await Promise.all(
      [...owner.dependents].map(async (dep) => {
        try {
          await this.patchOutOwners(dep, [owner.identity.uid]);
        } catch (e) {
          if (!isNotFound(e)) errors.push(`orphaning ${identityString(dep.identity)} failed, ${errMsg(e)}`);
        }
      }),
    );
    if (errors.length) throw new Error(`failed to orphan dependents of owner ${identityString(owner.identity)}, got errors: ${errors.join(', ')}`);
    await this.removeFinalizer(owner, FINALIZER_ORPHAN);
  }

  private async classify(item: GraphNode, refs: OwnerReference[]) {
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of refs) {
      const owner = await this.liveOwner(ref, item);
      if (!owner) dangling.push(ref);
      else if (owner.metadata?.deletionTimestamp && hasFinalizer(owner, FINALIZER_FOREGROUND)) waiting.push(ref);
      else solid.push(ref);
    }
    return { solid, dangling, waiting };
  }

  /** The owner `ref` names, or undefined when it is absent (upstream isDangling). */
  private async liveOwner(ref: OwnerReference, item: GraphNode): Promise<KubeObject | undefined> {
    const coords = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid };
    if (this.graph.absent.has({ ...coords, namespace: '' })) return undefined;
    if (this.graph.absent.has({ ...coords, namespace: item.identity.namespace })) return undefined;
    const res = this.mapper.map(ref.apiVersion, ref.kind);
    if (!item.identity.namespace && res.namespaced) throw new NamespacedOwnerOfClusterScopedError(item.identity, ref);
    const key = { ...coords, namespace: res.namespaced ? item.identity.namespace : '' };
    try {
      const owner = await this.client.get(res, res.namespaced ? item.identity.namespace : undefined, ref.name, { signal: this.signal });
      if (owner.metadata?.uid === ref.uid) return owner;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    this.graph.absent.add(key);
    return undefined;
  }

  private resourceOf(id: Identity): { res: ResourceRef; ns: string | undefined } {
    const res = this.mapper.map(id.apiVersion, id.kind);
    return { res, ns: res.namespaced ? id.namespace || undefined : undefined };
  }

  /** The live object, or undefined when NotFound. */
  private async getObject(id: Identity): Promise<KubeObject | undefined> {
    const { res, ns } = this.resourceOf(id);
    if (res.namespaced && !ns) return undefined;
    try {
      return await this.client.get(res, ns, id.name, { signal: this.signal });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  private async deleteObject(item: GraphNode, latest: KubeObject, policy: Policy): Promise<void> {
    const { res, ns } = this.resourceOf(item.identity);
    const uid = item.identity.uid;
    const rv = latest.metadata?.resourceVersion;
    try {
      try {
        await this.client.delete(res, ns, item.identity.name, { propagationPolicy: policy, preconditions: { uid, resourceVersion: rv }, signal: this.signal });
      } catch (e) {
        if (!isConflict(e) || !rv) throw e;
        // Retry with the uid precondition alone when only fields other than the owners changed.
        const live = await this.getObject(item.identity);
        if (!live) throw e;
        if (live.metadata?.uid !== uid || JSON.stringify(live.metadata?.ownerReferences ?? []) !== JSON.stringify(latest.metadata?.ownerReferences ?? [])) throw e;
        await this.client.delete(res, ns, item.identity.name, { propagationPolicy: policy, preconditions: { uid }, signal: this.signal });
      }
    } catch (e) {
      if (!isNotFound(e)) throw e;
      this.graph.virtualDelete(item.identity);
    }
  }

  /** Removes the references with these uids; the dependent's uid is a precondition of the patch. */
  private async patchOutOwners(dep: GraphNode, ownerUids: string[]): Promise<void> {
    const { res, ns } = this.resourceOf(dep.identity);
    const body = { metadata: { ownerReferences: ownerUids.map((uid) => ({ $patch: 'delete', uid })), uid: dep.identity.uid } };
    await this.client.patch(res, ns, dep.identity.name, 'strategic', body, { signal: this.signal });
  }

  private async unblockOwnerReferences(item: GraphNode, refs: OwnerReference[]): Promise<void> {
    const blocking = refs.filter((r) => r.blockOwnerDeletion === true).map((r) => ({ ...r, blockOwnerDeletion: false }));
    if (!blocking.length) return;
    const { res, ns } = this.resourceOf(item.identity);
    await this.client.patch(res, ns, item.identity.name, 'strategic', { metadata: { ownerReferences: blocking, uid: item.identity.uid } }, { signal: this.signal });
  }

  /** Removes finalizer `f` with a resourceVersion-guarded merge patch, re-reading on conflicts. */
  private async removeFinalizer(n: GraphNode, f: string): Promise<void> {
    const { res, ns } = this.resourceOf(n.identity);
    for (let attempt = 0; ; attempt++) {
      const obj = await this.getObject(n.identity);
      if (!obj || obj.metadata?.uid !== n.identity.uid) return;
      const finalizers = obj.metadata?.finalizers ?? [];
      if (!finalizers.includes(f)) return;
      const rest = finalizers.filter((x) => x !== f);
      try {
        await this.client.patch(res, ns, n.identity.name, 'merge', { metadata: { resourceVersion: obj.metadata?.resourceVersion, finalizers: rest.length ? rest : null } }, { signal: this.signal });
        return;
      } catch (e) {
        if (isNotFound(e)) return;
        if (!isConflict(e)) throw e;
        if (attempt + 1 >= MAX_FINALIZER_RETRIES) {
          throw new Error(`updateMaxRetries(${MAX_FINALIZER_RETRIES}) has reached. The garbage collector will retry later for owner ${identityString(n.identity)}`);
        }
      }
    }
  }
}

function logFields(id: Identity): Record<string, unknown> {
  return { kind: id.kind, namespace: id.namespace || undefined, name: id.name, uid: id.uid };
}

function errMsg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
