/**
 * Deletes everything in a terminating namespace, then finalizes it (upstream
 * namespace/deletion/namespaced_resources_deleter.go).
 *
 * Contracts of `delete(name)`:
 * - Nothing happens for a namespace that is gone, not being deleted, or already has no
 *   spec.finalizers. A deleting namespace is first marked phase Terminating if it is not.
 * - Every discovered namespaced resource supporting `delete` is removed with one deletecollection
 *   (propagationPolicy Background), or item by item where deletecollection is not served, and then
 *   listed again to count what remains (and under which finalizers).
 * - Pods give an estimate: the longest terminationGracePeriodSeconds among non-terminal pods, or 0
 *   once that long has passed since the namespace's deletionTimestamp. Items held by finalizers give
 *   15 s. Remaining items with neither are an error.
 * - The namespace conditions are written (status update) after every pass that changed them.
 * - Errors of a pass are collected per resource and thrown together after the pass; remaining
 *   content throws `ResourcesRemainingError` with the estimate. Only when neither happened is
 *   `kubernetes` removed from spec.finalizers through the `finalize` subresource, which lets the
 *   server remove the namespace. Status and finalize writes retry on conflict with a fresh read.
 */
import type { Namespace, Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/types.js';
import { isConflict, isNotFound, type ResourceRef, type RestClient } from '../../client/rest.js';
import { formatRfc3339 } from '../../machinery/meta.js';
import type { Logger } from '../../util/logger.js';
import { NamespaceConditionUpdater, type ContentTotals } from './conditions.js';
import type { DiscoveredResource, Discovery } from './discovery.js';

export const FINALIZER_KUBERNETES = 'kubernetes';
/** Assumed time for finalizers to finish on remaining items (upstream finalizerEstimateSeconds). */
export const FINALIZER_ESTIMATE_SECONDS = 15;

const NAMESPACES: ResourceRef = { group: '', version: 'v1', resource: 'namespaces', namespaced: false, kind: 'Namespace' };
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };

type NamespaceObj = Namespace & KubeObject;

export type DeleterClient = Pick<RestClient, 'get' | 'list' | 'delete' | 'deleteCollection' | 'updateStatus' | 'updateSubresource'>;

export class ResourcesRemainingError extends Error {
  constructor(readonly estimate: number) {
    super(`some content remains in the namespace, estimate ${estimate} seconds before it is removed`);
    this.name = 'ResourcesRemainingError';
  }
}

export interface DeleterOptions {
  client: DeleterClient;
  discover(): Promise<Discovery>;
  log: Logger;
  signal?: AbortSignal;
  now?: () => number;
}

interface GvrResult {
  estimate: number;
  remaining: number;
  finalizers: Map<string, number>;
  /** Items remain that neither graceful deletion nor finalizers explain. */
  error?: string;
}

const gvrString = (r: ResourceRef) => `${r.group}/${r.version}, Resource=${r.resource}`;

/** Upstream's utilerrors aggregate message. */
function aggregate(msgs: string[]): string {
  return msgs.length === 1 ? msgs[0]! : `[${msgs.join(', ')}]`;
}

const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** 405 MethodNotAllowed or 404 NotFound: the operation is not served for this resource. */
function notSupported(e: unknown): boolean {
  const code = (e as { code?: number }).code;
  return code === 405 || isNotFound(e);
}

export class NamespacedResourcesDeleter {
  private readonly client: DeleterClient;
  private readonly log: Logger;
  private readonly signal: AbortSignal | undefined;
  private readonly now: () => number;
  /** `operation|gvr` pairs the server does not serve. */
  private readonly unsupported = new Set<string>();

  constructor(private readonly o: DeleterOptions) {
    this.client = o.client;
    this.log = o.log;
    this.signal = o.signal;
    this.now = o.now ?? Date.now;
  }

  async delete(name: string): Promise<void> {
    let ns: NamespaceObj;
    try {
      ns = await this.client.get<NamespaceObj>(NAMESPACES, undefined, name, { signal: this.signal });
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    if (!ns.metadata?.deletionTimestamp) return;
    try {
      ns = await this.retryOnConflict(ns, (cur) => this.markTerminating(cur));
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    if (!ns.metadata?.deletionTimestamp) return;
    if (!(ns.spec?.finalizers?.length ?? 0)) return;
    const estimate = await this.deleteAllContent(ns);
    if (estimate > 0) throw new ResourcesRemainingError(estimate);
    try {
      await this.retryOnConflict(ns, (cur) => this.finalize(cur));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private async markTerminating(ns: NamespaceObj): Promise<NamespaceObj> {
    if (!ns.metadata?.deletionTimestamp || ns.status?.phase === 'Terminating') return ns;
    return this.client.updateStatus<NamespaceObj>(NAMESPACES, { ...ns, status: { ...ns.status, phase: 'Terminating' } }, { signal: this.signal });
  }

  private async finalize(ns: NamespaceObj): Promise<NamespaceObj> {
    const rest = [...new Set((ns.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES))].sort();
    const body: NamespaceObj = { apiVersion: 'v1', kind: 'Namespace', metadata: ns.metadata, spec: { ...ns.spec, finalizers: rest } };
    return this.client.updateSubresource<NamespaceObj>(NAMESPACES, undefined, ns.metadata!.name!, 'finalize', body, { signal: this.signal });
  }

  private async retryOnConflict(ns: NamespaceObj, fn: (cur: NamespaceObj) => Promise<NamespaceObj>): Promise<NamespaceObj> {
    let cur = ns;
    for (;;) {
      try {
        return await fn(cur);
      } catch (e) {
        if (!isConflict(e)) throw e;
        const fresh = await this.client.get<NamespaceObj>(NAMESPACES, undefined, cur.metadata!.name!, { signal: this.signal });
        if (fresh.metadata?.uid !== cur.metadata?.uid) throw new Error('namespace uid has changed across retries');
        cur = fresh;
      }
    }
  }

  /** One pass over every namespaced resource; answers the estimate in seconds (0: nothing left). */
  private async deleteAllContent(ns: NamespaceObj): Promise<number> {
    const name = ns.metadata!.name!;
    const deletedAt = Date.parse(ns.metadata!.deletionTimestamp!);
    const errors: string[] = [];
    const conditions = new NamespaceConditionUpdater(() => formatRfc3339(new Date(this.now())));
    let discovery: Discovery;
    try {
      discovery = await this.o.discover();
    } catch (e) {
      if (this.signal?.aborted) throw e;
      discovery = { resources: [] };
      errors.push(errMsg(e));
      conditions.discoveryFailed(errMsg(e));
    }
    if (discovery.error) {
      errors.push(discovery.error.message);
      conditions.discoveryFailed(`Discovery failed for some groups, ${discovery.error.groups.size} failing: ${discovery.error.message}`);
    }
    const deletable = discovery.resources.filter((r) => r.verbs.includes('delete'));
    const totals: ContentTotals = { remainingByResource: new Map(), remainingByFinalizer: new Map() };
    let estimate = 0;
    const results = await Promise.all(
      deletable.map(async (r) => {
        try {
          return { r, res: await this.deleteAllOf(r, name, deletedAt) };
        } catch (e) {
          if (this.signal?.aborted) throw e;
          return { r, err: errMsg(e) };
        }
      }),
    );
    for (const { r, res, err } of results) {
      if (err !== undefined) {
        errors.push(err);
        conditions.deleteContentFailed(err);
        continue;
      }
      if (res!.error) {
        errors.push(res!.error);
        conditions.deleteContentFailed(res!.error);
      }
      estimate = Math.max(estimate, res!.estimate);
      if (res!.remaining > 0) {
        const key = `${r.ref.resource}.${r.ref.group}`;
        totals.remainingByResource.set(key, (totals.remainingByResource.get(key) ?? 0) + res!.remaining);
        for (const [f, n] of res!.finalizers) totals.remainingByFinalizer.set(f, (totals.remainingByFinalizer.get(f) ?? 0) + n);
      }
    }
    conditions.contentTotals(totals);
    const status = structuredClone(ns.status ?? {});
    if (conditions.apply(status)) {
      try {
        const updated = await this.client.updateStatus<NamespaceObj>(NAMESPACES, { ...ns, status }, { signal: this.signal });
        ns.metadata = updated.metadata;
        ns.status = updated.status;
      } catch (e) {
        if (this.signal?.aborted) throw e;
        this.log.warn({ namespace: name, err: errMsg(e) }, "couldn't update status condition for namespace");
      }
    }
    if (errors.length) throw new Error(aggregate(errors));
    this.log.debug({ namespace: name, estimate }, 'namespace content pass');
    return estimate;
  }

  private async deleteAllOf(r: DiscoveredResource, ns: string, deletedAt: number): Promise<GvrResult> {
    const estimate = await this.estimateGracefulTermination(r.ref, ns, deletedAt);
    const collectionDone = await this.deleteCollection(r, ns);
    if (!collectionDone) await this.deleteEachItem(r, ns);
    const items = await this.listCollection(r, ns);
    if (!items) return { estimate, remaining: 0, finalizers: new Map() };
    const finalizers = new Map<string, number>();
    for (const it of items) for (const f of it.metadata?.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
    if (estimate !== 0) return { estimate, remaining: items.length, finalizers };
    if (finalizers.size) return { estimate: FINALIZER_ESTIMATE_SECONDS, remaining: items.length, finalizers };
    if (items.length) return { estimate: 0, remaining: items.length, finalizers, error: `unexpected items still remain in namespace: ${ns} for gvr: ${gvrString(r.ref)}` };
    return { estimate: 0, remaining: 0, finalizers };
  }

  private async estimateGracefulTermination(res: ResourceRef, ns: string, deletedAt: number): Promise<number> {
    if (res.group !== '' || res.resource !== 'pods') return 0;
    const pods = await this.client.list<Pod & KubeObject>(PODS, ns, { signal: this.signal });
    let estimate = 0;
    for (const p of pods.items ?? []) {
      const phase = p.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') continue;
      const grace = p.spec?.terminationGracePeriodSeconds;
      if (grace !== undefined && grace > estimate) estimate = grace;
    }
    return this.now() - deletedAt >= estimate * 1000 ? 0 : estimate;
  }

  /** True when deletecollection is served (and was sent). */
  private async deleteCollection(r: DiscoveredResource, ns: string): Promise<boolean> {
    const key = `deletecollection|${gvrString(r.ref)}`;
    if (!r.verbs.includes('deletecollection') || this.unsupported.has(key)) return false;
    try {
      await this.client.deleteCollection(r.ref, ns, { propagationPolicy: 'Background', signal: this.signal });
      return true;
    } catch (e) {
      if (!notSupported(e)) throw e;
      this.unsupported.add(key);
      return false;
    }
  }

  private async deleteEachItem(r: DiscoveredResource, ns: string): Promise<void> {
    const items = await this.listCollection(r, ns);
    for (const it of items ?? []) {
      try {
        await this.client.delete(r.ref, ns, it.metadata!.name!, { propagationPolicy: 'Background', signal: this.signal });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  /** The items left, or undefined when list is not served. */
  private async listCollection(r: DiscoveredResource, ns: string): Promise<KubeObject[] | undefined> {
    const key = `list|${gvrString(r.ref)}`;
    if (!r.verbs.includes('list') || this.unsupported.has(key)) return undefined;
    try {
      return (await this.client.list(r.ref, ns, { signal: this.signal })).items ?? [];
    } catch (e) {
      if (!notSupported(e)) throw e;
      this.unsupported.add(key);
      return undefined;
    }
  }
}
