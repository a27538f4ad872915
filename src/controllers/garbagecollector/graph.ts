/**
 * The garbage collector's dependency graph (upstream graph.go + graph_builder.go): one node per
 * object uid with its ownerReferences and the nodes that name it as an owner.
 *
 * Contracts:
 * - `observe` applies one informer event synchronously and never does I/O; it only tells the hooks
 *   which nodes need work (`attemptToDelete`, `attemptToOrphan`).
 * - An owner named by a reference but not (yet) observed gets a *virtual* node, handed to
 *   `attemptToDelete` so the collector can verify it against the API server. An informer event for
 *   that uid later turns it into an observed node, taking the observed identity.
 * - Removing a node (informer delete, or `virtualDelete` after the API server confirmed the object
 *   absent) hands every dependent to `attemptToDelete`, and every owner that is deleting its
 *   dependents (foreground) too, so it can drop its `foregroundDeletion` finalizer.
 * - An object starting deletion with finalizer `orphan` goes to `attemptToOrphan`; one starting
 *   deletion with `foregroundDeletion` is marked deletingDependents and goes, with its dependents,
 *   to `attemptToDelete`.
 * - A reference with `blockOwnerDeletion: true` that is removed or unblocked hands its owner to
 *   `attemptToDelete`.
 * - A namespaced dependent naming an observed owner in another namespace is reported through
 *   `invalidNamespaceOwnerRef` and handed to `attemptToDelete` for verification.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../api/types.js';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

/** An object's coordinates; `namespace` is '' for cluster-scoped objects (and unknown scopes). */
export interface Identity {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  namespace: string;
}

/** Upstream's objectReference String(), used in logs and Event messages. */
export function identityString(i: Identity): string {
  return `[${i.apiVersion}/${i.kind}, namespace: ${i.namespace}, name: ${i.name}, uid: ${i.uid}]`;
}

export function identityOf(obj: KubeObject): Identity {
  const m = obj.metadata ?? {};
  return { apiVersion: obj.apiVersion ?? '', kind: obj.kind ?? '', name: m.name ?? '', uid: m.uid ?? '', namespace: m.namespace ?? '' };
}

export function hasFinalizer(obj: KubeObject, f: string): boolean {
  return obj.metadata?.finalizers?.includes(f) ?? false;
}

const beingDeleted = (obj: KubeObject | undefined): boolean => !!obj?.metadata?.deletionTimestamp;

/** The object is being deleted and carries finalizer `f`, and `old` was not (or did not). */
function startsDeletionWith(old: KubeObject | undefined, obj: KubeObject, f: string): boolean {
  if (!beingDeleted(obj) || !hasFinalizer(obj, f)) return false;
  return !old || !beingDeleted(old) || !hasFinalizer(old, f);
}

export function refMatches(ref: OwnerReference, id: Identity): boolean {
  return ref.uid === id.uid && ref.name === id.name && ref.kind === id.kind && ref.apiVersion === id.apiVersion;
}

export class GraphNode {
  owners: OwnerReference[] = [];
  readonly dependents = new Set<GraphNode>();
  beingDeleted = false;
  deletingDependents = false;

  constructor(
    public identity: Identity,
    /** True until an informer event for this uid was seen. */
    public virtual: boolean,
  ) {}

  /** Dependents whose reference to this node has `blockOwnerDeletion: true`. */
  blockingDependents(): GraphNode[] {
    const out: GraphNode[] = [];
    for (const d of this.dependents) {
      if (d.owners.some((r) => r.uid === this.identity.uid && r.blockOwnerDeletion === true)) out.push(d);
    }
    return out;
  }
}

/** A bounded set of identities known to be absent (upstream's absentOwnerCache, an LRU). */
export class ReferenceCache {
  private readonly m = new Map<string, true>();
  constructor(private readonly max = 500) {}

  static key(i: Pick<Identity, 'apiVersion' | 'kind' | 'name' | 'uid' | 'namespace'>): string {
    return `${i.namespace}|${i.apiVersion}|${i.kind}|${i.name}|${i.uid}`;
  }

  add(i: Identity): void {
    const k = ReferenceCache.key(i);
    this.m.delete(k);
    this.m.set(k, true);
    if (this.m.size > this.max) this.m.delete(this.m.keys().next().value!);
  }

  has(i: Identity): boolean {
    const k = ReferenceCache.key(i);
    if (!this.m.has(k)) return false;
    this.m.delete(k);
    this.m.set(k, true);
    return true;
  }
}

export interface GraphHooks {
  attemptToDelete(n: GraphNode): void;
  attemptToOrphan(n: GraphNode): void;
  invalidNamespaceOwnerRef?(dependent: GraphNode, ref: OwnerReference): void;
}

export type GraphEvent = { type: 'add' | 'update'; obj: KubeObject; old?: KubeObject } | { type: 'delete'; obj: KubeObject };

export class DependencyGraph {
  private readonly nodes = new Map<string, GraphNode>();
  readonly absent = new ReferenceCache(500);

  constructor(private readonly hooks: GraphHooks) {}

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  get size(): number {
    return this.nodes.size;
  }

  observe(ev: GraphEvent): void {
    const id = identityOf(ev.obj);
    if (!id.uid) return;
    let existing = this.nodes.get(id.uid);
    if (existing && ev.type !== 'delete' && existing.virtual) this.markObserved(existing, id);
    if (ev.type === 'delete') {
      if (existing) this.remove(existing, id);
      return;
    }
    const owners = ev.obj.metadata?.ownerReferences ?? [];
    if (!existing) {
      existing = new GraphNode(id, false);
      existing.owners = [...owners];
      existing.beingDeleted = beingDeleted(ev.obj);
      existing.deletingDependents = existing.beingDeleted && hasFinalizer(ev.obj, FINALIZER_FOREGROUND);
      this.nodes.set(id.uid, existing);
      this.addDependentToOwners(existing, existing.owners);
    } else {
      if (existing.identity.apiVersion !== id.apiVersion || existing.identity.kind !== id.kind) {
        existing.identity = { ...existing.identity, apiVersion: id.apiVersion, kind: id.kind };
      }
      const { added, removed, changed } = referencesDiffs(existing.owners, owners);
      if (added.length || removed.length || changed.length) {
        this.addUnblockedOwners(removed, changed);
        existing.owners = [...owners];
        this.addDependentToOwners(existing, added);
        for (const r of removed) this.nodes.get(r.uid)?.dependents.delete(existing);
      }
      if (beingDeleted(ev.obj)) existing.beingDeleted = true;
    }
    this.processTransitions(ev.type === 'update' ? ev.old : undefined, ev.obj, existing);
  }

  /**
   * The API server answered that `id` does not exist (NotFound or another uid): drops a virtual node
   * (or a stale observed one with the same identity) and hands the dependents that reference exactly
   * `id` to `attemptToDelete`.
   */
  virtualDelete(id: Identity): void {
    const existing = this.nodes.get(id.uid);
    if (!existing) return;
    const sameIdentity = sameId(existing.identity, id);
    if (!existing.virtual && !sameIdentity) {
      const matching = [...existing.dependents].filter((d) => dependsOnExactly(d, id));
      if (matching.length) this.absent.add(id);
      for (const d of matching) this.hooks.attemptToDelete(d);
      return;
    }
    this.remove(existing, id);
  }

  private remove(n: GraphNode, deleted: Identity): void {
    this.nodes.delete(n.identity.uid);
    for (const r of n.owners) this.nodes.get(r.uid)?.dependents.delete(n);
    if (n.dependents.size > 0) this.absent.add(deleted);
    for (const d of n.dependents) this.hooks.attemptToDelete(d);
    for (const r of n.owners) {
      const o = this.nodes.get(r.uid);
      if (o?.deletingDependents) this.hooks.attemptToDelete(o);
    }
  }

  private markObserved(n: GraphNode, observed: Identity): void {
    if (!sameId(n.identity, observed)) {
      for (const d of n.dependents) {
        if (dependsOnExactly(d, observed)) continue;
        if (observed.namespace && d.identity.namespace !== observed.namespace) this.reportInvalid(d, observed.uid);
        this.hooks.attemptToDelete(d);
      }
      n.identity = observed;
    }
    n.virtual = false;
  }

  private addDependentToOwners(n: GraphNode, owners: OwnerReference[]): void {
    let potentiallyInvalid = false;
    for (const ref of owners) {
      let owner = this.nodes.get(ref.uid);
      if (!owner) {
        owner = new GraphNode({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace: n.identity.namespace }, true);
        this.nodes.set(ref.uid, owner);
        owner.dependents.add(n);
        this.hooks.attemptToDelete(owner);
        continue;
      }
      owner.dependents.add(n);
      if (potentiallyInvalid) continue;
      const ownerNamespaced = owner.identity.namespace !== '';
      if (ownerNamespaced && owner.identity.namespace !== n.identity.namespace) {
        if (!owner.virtual) this.reportInvalid(n, ref.uid);
        potentiallyInvalid = true;
      } else if (!refMatches(ref, owner.identity)) {
        potentiallyInvalid = true;
      } else if (!ownerNamespaced && owner.identity.namespace !== n.identity.namespace && owner.virtual) {
        potentiallyInvalid = true;
      }
    }
    if (potentiallyInvalid) this.hooks.attemptToDelete(n);
  }

  private reportInvalid(n: GraphNode, ownerUid: string): void {
    const ref = n.owners.find((r) => r.uid === ownerUid);
    if (ref) this.hooks.invalidNamespaceOwnerRef?.(n, ref);
  }

  private addUnblockedOwners(removed: OwnerReference[], changed: Array<{ oldRef: OwnerReference; newRef: OwnerReference }>): void {
    for (const r of removed) {
      if (r.blockOwnerDeletion !== true) continue;
      const o = this.nodes.get(r.uid);
      if (o) this.hooks.attemptToDelete(o);
    }
    for (const c of changed) {
      if (c.oldRef.blockOwnerDeletion === true && c.newRef.blockOwnerDeletion !== true) {
        const o = this.nodes.get(c.newRef.uid);
        if (o) this.hooks.attemptToDelete(o);
      }
    }
  }

  private processTransitions(old: KubeObject | undefined, obj: KubeObject, n: GraphNode): void {
    if (startsDeletionWith(old, obj, FINALIZER_ORPHAN)) {
      this.hooks.attemptToOrphan(n);
      return;
    }
    if (startsDeletionWith(old, obj, FINALIZER_FOREGROUND)) {
      n.deletingDependents = true;
      for (const d of n.dependents) this.hooks.attemptToDelete(d);
      this.hooks.attemptToDelete(n);
    }
  }
}

function sameId(a: Identity, b: Identity): boolean {
  return a.uid === b.uid && a.name === b.name && a.kind === b.kind && a.apiVersion === b.apiVersion && a.namespace === b.namespace;
}

/** `d` references `owner` with matching coordinates, from a namespace where that owner can live. */
function dependsOnExactly(d: GraphNode, owner: Identity): boolean {
  if (owner.namespace && owner.namespace !== d.identity.namespace) return false;
  return d.owners.some((r) => refMatches(r, owner));
}

function referencesDiffs(
  old: OwnerReference[],
  next: readonly OwnerReference[],
): { added: OwnerReference[]; removed: OwnerReference[]; changed: Array<{ oldRef: OwnerReference; newRef: OwnerReference }> } {
  const byUid = new Map(old.map((r) => [r.uid, r]));
  const added: OwnerReference[] = [];
  const changed: Array<{ oldRef: OwnerReference; newRef: OwnerReference }> = [];
  for (const r of next) {
    const o = byUid.get(r.uid);
    if (!o) added.push(r);
    else {
      if (!sameRef(o, r)) changed.push({ oldRef: o, newRef: r });
      byUid.delete(r.uid);
    }
  }
  return { added, removed: [...byUid.values()], changed };
}

function sameRef(a: OwnerReference, b: OwnerReference): boolean {
  return (
    a.apiVersion === b.apiVersion &&
    a.kind === b.kind &&
    a.name === b.name &&
    a.uid === b.uid &&
    (a.controller ?? null) === (b.controller ?? null) &&
    (a.blockOwnerDeletion ?? null) === (b.blockOwnerDeletion ?? null)
  );
}
