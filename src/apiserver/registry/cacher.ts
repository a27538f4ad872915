/**
 * The watch cache of one stored resource (one storage prefix). It lists the prefix once, then
 * follows one backend watch, keeping every current object and a window of recent events, so that
 * gets, lists and watches at recent revisions never touch the backend and any number of watchers
 * costs one backend watch.
 *
 * Contracts:
 * - `rv` is the highest store revision whose effects on this prefix are all applied.
 * - Objects handed out are shared and must be treated as immutable by callers.
 * - A watcher registered with `watch(fromRv)` receives, in order, exactly the events with
 *   revision > fromRv (after an optional synthetic ADDED snapshot when `initial` is set).
 * - Events older than the window make `watch` throw 410 Expired ("too old resource version").
 */
import type { KubeObject } from '../../api/types.js';
import type { Logger } from '../../util/logger.js';
import { expired } from '../../machinery/errors.js';
import { isStorageError, type Store } from '../../storage/store.js';
import { sleep } from '../../util/abort.js';
import { decodeObject } from './codec.js';

/**
 * One object as the cache holds it: its JSON (the compact, primary form), its identity and labels.
 * The parsed object is materialized on demand and only weakly held, so a large cache costs
 * about the size of its JSON. Callers must treat `obj` as immutable.
 */
export interface CachedObject {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly rv: number;
  readonly labels: Readonly<Record<string, string>> | undefined;
  /** The parsed object (shared; do not mutate). */
  readonly obj: KubeObject;
  /** The object's JSON. */
  json(): string;
  /** Per-object memo for derived values (e.g. field-selector fields), dropped with the object. */
  memo?: Map<string, unknown>;
}

class Entry implements CachedObject {
  private ref: WeakRef<KubeObject> | undefined;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>> | undefined;
  private readonly text: string;
  memo?: Map<string, unknown>;

  constructor(
    readonly key: string,
    obj: KubeObject,
    readonly rv: number,
  ) {
    this.text = JSON.stringify(obj);
    this.namespace = obj.metadata?.namespace ?? '';
    this.name = obj.metadata?.name ?? '';
    this.labels = obj.metadata?.labels;
    // The ingested object is not kept, not even weakly: it would survive until the next full GC.
  }

  get obj(): KubeObject {
    let o = this.ref?.deref();
    if (!o) {
      o = JSON.parse(this.text) as KubeObject;
      this.ref = new WeakRef(o);
    }
    return o;
  }

  json(): string {
    return this.text;
  }
}

/** A cache entry for `obj` (which must already carry its resourceVersion). */
export function cachedObject(key: string, obj: KubeObject, rv: number): CachedObject {
  return new Entry(key, obj, rv);
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacheEvent {
  readonly rv: number;
  readonly type: WatchEventType;
  /** For DELETED, the last state before deletion (with resourceVersion = deletion revision). */
  readonly object: CachedObject;
  readonly prev?: CachedObject;
}

export interface WatchFilter {
  namespace?: string;
  /** Matches an object; evaluated against both the new and the previous state. */
  matches(o: CachedObject): boolean;
}

export interface WatchSink {
  /** Delivers one event; returns false when the consumer is gone (the watcher is removed). */
  event(type: WatchEventType, o: CachedObject): boolean;
  /** The cache advanced to `rv` (for bookmarks). */
  progress?(rv: number): void;
  /** The watch cannot continue (e.g. the cache re-listed after compaction). */
  close(reason: string): void;
}

interface Watcher {
  filter: WatchFilter;
  sink: WatchSink;
  /** Events at or below this revision are not delivered (client already has them). */
  after: number;
}

/** Default number of recent events a cache keeps for watches that resume from a resourceVersion. */
export const DEFAULT_WATCH_WINDOW = 10_000;

const cached = cachedObject;

export class Cacher {
  rv = 0;
  private readonly objects = new Map<string, CachedObject>();
  private events: CacheEvent[] = [];
  /** All events with revision > windowStart are in `events`. */
  private windowStart = 0;
  private readonly watchers = new Set<Watcher>();
  private readonly rvWaiters: Array<{ rv: number; resolve: () => void }> = [];
  private readyPromise: Promise<void>;
  private markReady!: () => void;
  private isReady = false;

  constructor(
    private readonly store: Store,
    readonly prefix: string,
    private readonly log: Logger,
    private readonly window: number = DEFAULT_WATCH_WINDOW,
  ) {
    this.readyPromise = new Promise((r) => (this.markReady = r));
  }

  /** Runs until `signal` aborts: initial list, then the backend watch; re-lists on compaction. */
  async run(signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      try {
        await this.listAndWatch(signal);
        attempt = 0;
      } catch (err) {
        if (signal.aborted) break;
        attempt++;
        this.log.warn({ prefix: this.prefix, err: String(err) }, 'watch cache restarting');
        if (!isStorageError(err, 'Compacted')) await sleep(Math.min(5000, 100 * 2 ** attempt), signal).catch(() => {});
      }
    }
    for (const w of this.watchers) w.sink.close('server shutting down');
    this.watchers.clear();
  }

  ready(): Promise<void> {
    return this.readyPromise;
  }

  private async listAndWatch(signal: AbortSignal): Promise<void> {
    const all: Array<{ key: string; obj: KubeObject; rv: number }> = [];
    let startAfter: string | undefined;
    let revision = 0;
    for (;;) {
      const page = await this.store.list(this.prefix, { revision: revision || undefined, limit: 5000, startAfter });
      revision = page.revision;
      for (const kv of page.items) all.push({ key: kv.key, obj: decodeObject(kv), rv: kv.modRevision });
      if (!page.more || page.items.length === 0) break;
      startAfter = page.items[page.items.length - 1].key;
    }
    if (this.isReady) {
      // Re-list: watchers cannot be told what they missed; close them so clients re-list too.
      for (const w of this.watchers) w.sink.close('watch cache re-listed');
      this.watchers.clear();
    }
    this.objects.clear();
    for (const o of all) this.objects.set(o.key, cached(o.key, o.obj, o.rv));
    this.events = [];
    this.windowStart = revision;
    this.setRv(revision);
    if (!this.isReady) {
      this.isReady = true;
      this.markReady();
    }
    for await (const ev of this.store.watch(this.prefix, revision, signal)) {
      if (ev.type === 'put') {
        const obj = decodeObject(ev.kv);
        const prev = this.objects.get(ev.kv.key);
        const cur = cached(ev.kv.key, obj, ev.revision);
        this.objects.set(ev.kv.key, cur);
        this.apply({ rv: ev.revision, type: prev ? 'MODIFIED' : 'ADDED', object: cur, prev });
      } else {
        const prev = this.objects.get(ev.key);
        const last = decodeObject(ev.prevKv);
        last.metadata!.resourceVersion = String(ev.revision);
        this.objects.delete(ev.key);
        this.apply({ rv: ev.revision, type: 'DELETED', object: cached(ev.key, last, ev.revision), prev });
      }
    }
  }

  private apply(ev: CacheEvent): void {
    this.events.push(ev);
    // Trim in batches (amortized O(1) per event); the window may exceed its size by up to an eighth.
    if (this.events.length > this.window + Math.max(1, this.window >> 3)) {
      const drop = this.events.length - this.window;
      this.windowStart = this.events[drop - 1].rv;
      this.events = this.events.slice(drop);
    }
    for (const w of this.watchers) {
      if (!this.deliver(w, ev)) this.watchers.delete(w);
    }
    this.setRv(ev.rv);
  }

  /** Sends `ev` to `w` translated through its filter; false when the watcher is gone. */
  private deliver(w: Watcher, ev: CacheEvent): boolean {
    if (ev.rv <= w.after) return true;
    const f = w.filter;
    const inNs = (o: CachedObject | undefined) => !!o && (!f.namespace || o.namespace === f.namespace);
    const cur = inNs(ev.object) && f.matches(ev.object);
    const was = ev.prev !== undefined && inNs(ev.prev) && f.matches(ev.prev);
    if (ev.type === 'DELETED') return was || (cur && !ev.prev) ? w.sink.event('DELETED', ev.object) : true;
    if (cur && was) return w.sink.event('MODIFIED', ev.object);
    if (cur) return w.sink.event('ADDED', ev.object);
    if (was) return w.sink.event('DELETED', ev.object);
    return true;
  }

  private setRv(rv: number): void {
    if (rv < this.rv) return;
    this.rv = rv;
    if (this.rvWaiters.length) {
      for (let i = this.rvWaiters.length - 1; i >= 0; i--) {
        if (this.rvWaiters[i].rv <= rv) {
          this.rvWaiters[i].resolve();
          this.rvWaiters.splice(i, 1);
        }
      }
    }
  }

  /** Resolves true once the cache has applied revision `rv`, false after `timeoutMs`. */
  waitForRv(rv: number, timeoutMs: number): Promise<boolean> {
    if (this.rv >= rv) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        const i = this.rvWaiters.indexOf(waiter);
        if (i >= 0) this.rvWaiters.splice(i, 1);
        resolve(false);
      }, timeoutMs);
      const waiter = {
        rv,
        resolve: () => {
          clearTimeout(t);
          resolve(true);
        },
      };
      this.rvWaiters.push(waiter);
    });
  }

  /** A revision at which the event window allows a watch to start. */
  oldestWatchableRv(): number {
    return this.windowStart;
  }

  get(key: string): CachedObject | undefined {
    return this.objects.get(key);
  }

  /** Objects under `keyPrefix` matching `filter`, in key order. */
  list(keyPrefix: string, matches: (o: CachedObject) => boolean): CachedObject[] {
    const out: CachedObject[] = [];
    for (const [k, o] of this.objects) if (k.startsWith(keyPrefix) && matches(o)) out.push(o);
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out;
  }

  count(keyPrefix: string): number {
    let n = 0;
    for (const k of this.objects.keys()) if (k.startsWith(keyPrefix)) n++;
    return n;
  }

  /**
   * Registers a watcher. With `fromRv` undefined the watcher first gets ADDED for every current
   * matching object (a consistent snapshot at `this.rv`), then live events. With `fromRv` it gets
   * the buffered events after `fromRv`, then live events; `fromRv` may be ahead of the cache (the
   * caller checked it is not beyond the store's revision): events up to it are skipped.
   * Returns the revision the watch starts after, and a function that removes the watcher.
   */
  watch(fromRv: number | undefined, filter: WatchFilter, sink: WatchSink, initial: boolean): { startRv: number; stop: () => void } {
    const w: Watcher = { filter, sink, after: 0 };
    let alive = true;
    if (fromRv === undefined || initial) {
      const snapshotRv = this.rv;
      if (initial || fromRv === undefined) {
        for (const o of this.objects.values()) {
          if (filter.namespace && o.namespace !== filter.namespace) continue;
          if (!filter.matches(o)) continue;
          if (!sink.event('ADDED', o)) {
            alive = false;
            break;
          }
        }
      }
      w.after = snapshotRv;
    } else {
      if (fromRv < this.windowStart) {
        throw expired(`too old resource version: ${fromRv} (${this.windowStart + 1})`);
      }
      w.after = fromRv;
      for (const ev of this.events) {
        if (ev.rv <= fromRv) continue;
        if (!this.deliver(w, ev)) {
          alive = false;
          break;
        }
      }
      // Events ≤ fromRv still in flight from the backend are skipped by `after`.
      w.after = Math.max(fromRv, this.rv);
    }
    if (alive) this.watchers.add(w);
    return {
      startRv: w.after,
      stop: () => {
        this.watchers.delete(w);
      },
    };
  }

  /** Calls `progress` on every watcher (bookmarks). */
  notifyProgress(): void {
    for (const w of this.watchers) w.sink.progress?.(Math.max(this.rv, w.after));
  }

  watcherCount(): number {
    return this.watchers.size;
  }
}
