/**
 * Shared informers: one list+watch and one indexed cache per resource (and namespace/selectors),
 * shared by every controller in the process.
 *
 * Contracts:
 * - The cache only moves forward: it applies the list, then watch events in server order. After a
 *   clean end of a watch it watches again from the last resourceVersion seen (events or bookmarks);
 *   on 410 Expired/Gone it re-lists and hands out the difference between the old cache and the new
 *   list (adds, updates of objects whose resourceVersion changed, and deletes marked
 *   `finalStateUnknown`). Other failures are retried with exponential back-off and jitter.
 * - Handlers are called synchronously, one event at a time, after the cache was updated, so a
 *   handler (and any lister read it makes) sees the cache including that event. Handlers must
 *   return fast (compute a key, add it to a queue) and treat objects as immutable: they are the
 *   cache's own objects.
 * - A handler added after the informer holds objects first gets `onAdd` for each of them.
 * - `hasSynced()` is true once the first list is in the cache and its adds were handed out.
 * - Objects in the cache always carry `apiVersion` and `kind` (list items lack them on the wire).
 */
import type { KubeObject } from '../api/types.js';
import { keyOf, namespacedKey } from '../machinery/meta.js';
import { parseSelector, type Selector } from '../machinery/labels.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { backoffDelay } from '../util/backoff.js';
import { sleep } from '../util/abort.js';
import { isExpired, ApiStatusError, watchEventError, type ObjectList, type ResourceRef, type RestClient, type WatchEvent } from './rest.js';

/** A deletion as handlers see it. `lastKnown` is the final state, or the cached one when `finalStateUnknown`. */
export interface DeletedObject<T> {
  type: 'Deleted';
  key: string;
  lastKnown: T;
  /** True when the delete was inferred from a re-list (the watch missed it). */
  finalStateUnknown: boolean;
}

export interface EventHandler<T> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(deleted: DeletedObject<T>): void;
}

/** Maps an object to the index values it is filed under. */
export type IndexFunc<T> = (obj: T) => string[];

export const NAMESPACE_INDEX = 'namespace';

/** Indexes pods (or anything with spec.nodeName) by node name. */
export const byNodeName: IndexFunc<KubeObject> = (o) => {
  const n = (o as { spec?: { nodeName?: string } }).spec?.nodeName;
  return n ? [n] : [];
};

/** A keyed object store with secondary indexes, kept consistent on every write. */
export class Indexer<T extends KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly funcs = new Map<string, IndexFunc<T>>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.addIndexers({ [NAMESPACE_INDEX]: (o: T) => [o.metadata?.namespace ?? ''], ...indexers });
  }

  /** Adds indexes (building them over current items). Redefining an index name throws. */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.funcs.has(name)) {
        if (this.funcs.get(name) === fn) continue;
        throw new Error(`indexer "${name}" already exists`);
      }
      this.funcs.set(name, fn);
      const idx = new Map<string, Set<string>>();
      this.indices.set(name, idx);
      for (const [k, o] of this.items) for (const v of fn(o)) addTo(idx, v, k);
    }
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  list(): T[] {
    return [...this.items.values()];
  }

  /** Objects filed under `value` in index `name`. Throws for an unknown index. */
  byIndex(name: string, value: string): T[] {
    const idx = this.indices.get(name);
    if (!idx) throw new Error(`index "${name}" does not exist`);
    const keys = idx.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) out.push(this.items.get(k)!);
    return out;
  }

  /** Stores `obj` under `key`; returns the previous object. */
  set(key: string, obj: T): T | undefined {
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.funcs) {
      const idx = this.indices.get(name)!;
      for (const v of fn(obj)) addTo(idx, v, key);
    }
    return old;
  }

  /** Removes `key`; returns the removed object. */
  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.funcs) {
      const idx = this.indices.get(name)!;
      for (const v of fn(obj)) {
        const s = idx.get(v);
        if (!s) continue;
        s.delete(key);
        if (s.size === 0) idx.delete(v);
      }
    }
  }
}

function addTo(idx: Map<string, Set<string>>, value: string, key: string): void {
  let s = idx.get(value);
  if (!s) idx.set(value, (s = new Set()));
  s.add(key);
}

/** Read access to an informer's cache. Objects are shared: do not mutate them. */
export class Lister<T extends KubeObject> {
  constructor(private readonly indexer: Indexer<T>) {}

  /** One object; `namespace` is '' (or undefined) for cluster-scoped resources. */
  get(namespace: string | undefined, name: string): T | undefined {
    return this.indexer.get(namespacedKey(namespace, name));
  }

  /** Objects in `namespace` (all when undefined) whose labels match `selector`. */
  list(namespace?: string, selector?: Selector | string): T[] {
    const sel = typeof selector === 'string' ? parseSelector(selector) : selector;
    const all = namespace === undefined ? this.indexer.list() : this.indexer.byIndex(NAMESPACE_INDEX, namespace);
    if (!sel || sel.empty()) return all;
    return all.filter((o) => sel.matches(o.metadata?.labels));
  }

  byIndex(indexName: string, value: string): T[] {
    return this.indexer.byIndex(indexName, value);
  }
}

/** Where an informer gets its data. `list` answers a consistent full list. */
export interface ListerWatcher<T> {
  list(signal: AbortSignal): Promise<ObjectList<T>>;
  watch(resourceVersion: string, signal: AbortSignal): AsyncIterable<WatchEvent<T>>;
}

export interface Selection {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** A ListerWatcher over the REST client: paged lists, watches with bookmarks and a 5–10 min timeout. */
export function restListerWatcher<T extends KubeObject>(client: RestClient, res: ResourceRef, sel: Selection = {}, pageSize = 500): ListerWatcher<T> {
  return {
    list: (signal) => client.listAll<T>(res, sel.namespace, { labelSelector: sel.labelSelector, fieldSelector: sel.fieldSelector, pageSize, signal }),
    watch: (resourceVersion, signal) =>
      client.watch<T>(res, sel.namespace, {
        labelSelector: sel.labelSelector,
        fieldSelector: sel.fieldSelector,
        resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: Math.floor(300 * (1 + Math.random())),
        signal,
      }),
  };
}

export interface InformerOptions<T> extends Selection {
  indexers?: Record<string, IndexFunc<T>>;
  /** When set, every handler gets `onUpdate(o, o)` for every cached object this often. */
  resyncMs?: number;
  log?: Logger;
  /** Back-off after failures: base and cap (default 800 ms → 30 s, as client-go's reflector). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Replaces the REST list/watch (tests). */
  listerWatcher?: ListerWatcher<T>;
}

export class SharedInformer<T extends KubeObject = KubeObject> {
  readonly indexer: Indexer<T>;
  readonly lister: Lister<T>;
  private readonly handlers = new Set<EventHandler<T>>();
  private readonly lw: ListerWatcher<T>;
  private readonly log: Logger;
  private synced = false;
  private syncWaiters: Array<() => void> = [];
  private rv = '';
  private running: Promise<void> | undefined;
  private readonly apiVersion: string;
  private kind: string | undefined;

  constructor(
    client: RestClient | undefined,
    readonly resource: ResourceRef,
    private readonly opts: InformerOptions<T> = {},
  ) {
    this.indexer = new Indexer<T>(opts.indexers);
    this.lister = new Lister(this.indexer);
    this.log = (opts.log ?? silentLogger).child({ informer: resource.group ? `${resource.resource}.${resource.group}` : resource.resource });
    if (opts.listerWatcher) this.lw = opts.listerWatcher;
    else if (client) this.lw = restListerWatcher<T>(client, resource, opts);
    else throw new Error('informer needs a client or a listerWatcher');
    this.apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    this.kind = resource.kind;
  }

  /** Registers handlers; returns a function that removes them. */
  addEventHandler(h: EventHandler<T>): () => void {
    this.handlers.add(h);
    for (const o of this.indexer.list()) this.call(h, 'onAdd', () => h.onAdd?.(o));
    return () => this.handlers.delete(h);
  }

  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    this.indexer.addIndexers(indexers);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once synced; rejects with the signal's reason if `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        this.syncWaiters = this.syncWaiters.filter((w) => w !== done);
        reject(signal!.reason);
      };
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.syncWaiters.push(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The resourceVersion the cache is at (the last list, event or bookmark). */
  lastSyncResourceVersion(): string {
    return this.rv;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** Starts list+watch; the promise settles when `signal` aborts. Running twice returns the first run. */
  run(signal: AbortSignal): Promise<void> {
    this.running ??= this.loop(signal);
    return this.running;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const base = this.opts.backoffBaseMs ?? 800;
    const max = this.opts.backoffMaxMs ?? 30_000;
    let resync: NodeJS.Timeout | undefined;
    if (this.opts.resyncMs && this.opts.resyncMs > 0) {
      resync = setInterval(() => this.resync(), this.opts.resyncMs);
      resync.unref();
    }
    let needList = true;
    let attempt = 0;
    try {
      while (!signal.aborted) {
        try {
          if (needList) {
            const list = await this.lw.list(signal);
            if (signal.aborted) break;
            this.replace(list);
            needList = false;
            attempt = 0;
          }
          const started = Date.now();
          let seen = 0;
          for await (const ev of this.lw.watch(this.rv, signal)) {
            if (signal.aborted) break;
            if (ev.type === 'ERROR') throw watchEventError(ev)!;
            seen++;
            this.apply(ev);
          }
          if (signal.aborted) break;
          if (seen > 0 || Date.now() - started > 1000) attempt = 0;
          else await sleep(backoffDelay(attempt++, base, max), signal);
        } catch (err) {
          if (signal.aborted) break;
          if (isExpired(err)) {
            this.log.info({ resourceVersion: this.rv, err: String(err) }, 'watch expired; re-listing');
            needList = true;
            continue;
          }
          // A server answer other than 410 (e.g. too large resourceVersion) calls for a re-list;
          // a broken connection only for a new watch from where we are.
          if (err instanceof ApiStatusError) needList = true;
          this.log.warn({ err: String(err), attempt, relist: needList }, needList && !this.synced ? 'list failed' : 'watch failed');
          await sleep(backoffDelay(attempt++, base, max), signal);
        }
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    } finally {
      if (resync) clearInterval(resync);
    }
  }

  private normalize(o: T): T {
    if (!o.apiVersion) o.apiVersion = this.apiVersion;
    if (!o.kind && this.kind) o.kind = this.kind;
    return o;
  }

  /** Replaces the cache with a fresh list and hands out the difference. */
  private replace(list: ObjectList<T>): void {
    if (!this.kind && list.kind?.endsWith('List')) this.kind = list.kind.slice(0, -4);
    const fresh = new Map<string, T>();
    for (const item of list.items ?? []) fresh.set(keyOf(item), this.normalize(item));
    for (const [key, obj] of fresh) {
      const old = this.indexer.set(key, obj);
      if (!old) this.notify('add', undefined, obj);
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.notify('update', old, obj);
    }
    for (const key of [...this.indexer.keys()]) {
      if (fresh.has(key)) continue;
      const old = this.indexer.delete(key)!;
      this.notifyDelete({ type: 'Deleted', key, lastKnown: old, finalStateUnknown: true });
    }
    this.rv = list.metadata?.resourceVersion ?? '';
    if (!this.synced) {
      this.synced = true;
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      for (const w of waiters) w();
    }
  }

  private apply(ev: WatchEvent<T>): void {
    const rv = (ev.object?.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
    if (ev.type === 'BOOKMARK') {
      if (rv) this.rv = rv;
      return;
    }
    if (ev.type === 'ERROR') return;
    const obj = this.normalize(ev.object);
    const key = keyOf(obj);
    if (ev.type === 'DELETED') {
      this.indexer.delete(key);
      if (rv) this.rv = rv;
      this.notifyDelete({ type: 'Deleted', key, lastKnown: obj, finalStateUnknown: false });
      return;
    }
    const old = this.indexer.set(key, obj);
    if (rv) this.rv = rv;
    if (old) this.notify('update', old, obj);
    else this.notify('add', undefined, obj);
  }

  private resync(): void {
    if (!this.synced) return;
    for (const o of this.indexer.list()) this.notify('update', o, o);
  }

  private notify(kind: 'add' | 'update', old: T | undefined, obj: T): void {
    for (const h of this.handlers) {
      if (kind === 'add') this.call(h, 'onAdd', () => h.onAdd?.(obj));
      else this.call(h, 'onUpdate', () => h.onUpdate?.(old!, obj));
    }
  }

  private notifyDelete(d: DeletedObject<T>): void {
    for (const h of this.handlers) this.call(h, 'onDelete', () => h.onDelete?.(d));
  }

  private call(_h: EventHandler<T>, what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err: String(err), handler: what }, 'informer handler threw');
    }
  }
}

export interface FactoryOptions {
  log?: Logger;
  resyncMs?: number;
  /** Default namespace for every informer (undefined: all namespaces). */
  namespace?: string;
}

/**
 * One informer per (resource, namespace, selectors) across every controller of the process.
 * `start(signal)` runs every informer made so far; informers asked for after `start` run at once.
 */
export class SharedInformerFactory {
  private readonly informers = new Map<string, SharedInformer<KubeObject>>();
  private readonly runs: Promise<void>[] = [];
  private signal: AbortSignal | undefined;

  constructor(
    readonly client: RestClient,
    private readonly opts: FactoryOptions = {},
  ) {}

  informerFor<T extends KubeObject = KubeObject>(res: ResourceRef, o: Selection & { indexers?: Record<string, IndexFunc<T>> } = {}): SharedInformer<T> {
    const ns = o.namespace ?? this.opts.namespace;
    const key = [res.group, res.version, res.resource, ns ?? '', o.labelSelector ?? '', o.fieldSelector ?? ''].join('|');
    let inf = this.informers.get(key) as unknown as SharedInformer<T> | undefined;
    if (!inf) {
      inf = new SharedInformer<T>(this.client, res, {
        namespace: ns,
        labelSelector: o.labelSelector,
        fieldSelector: o.fieldSelector,
        indexers: o.indexers,
        resyncMs: this.opts.resyncMs,
        log: this.opts.log,
      });
      this.informers.set(key, inf as unknown as SharedInformer<KubeObject>);
      if (this.signal) this.runs.push(inf.run(this.signal));
    } else if (o.indexers) {
      inf.addIndexers(o.indexers);
    }
    return inf;
  }

  /** Runs all informers until `signal` aborts. Calling again with another signal is an error. */
  start(signal: AbortSignal): void {
    if (this.signal && this.signal !== signal) throw new Error('informer factory already started');
    this.signal = signal;
    for (const inf of this.informers.values()) if (!inf.isRunning) this.runs.push(inf.run(signal));
  }

  /** Resolves when every informer made so far has synced. */
  async waitForCacheSync(signal?: AbortSignal): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
  }

  /** Settles when every started informer has stopped. */
  async stopped(): Promise<void> {
    await Promise.all(this.runs);
  }
}
