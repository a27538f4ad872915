/**
 * The generic registry store: runs the steps of every verb for one stored resource
 * (namespace check → prepare → default → validate → write) and serves reads from the watch cache.
 *
 * Consistency contract: a write returns only after the watch cache has applied it, so a read
 * that starts after a write's response has been received sees that write (read-your-writes
 * through one server). Updates are compare-and-swap on the store revision; a client-supplied
 * resourceVersion that is stale fails with 409 Conflict, an absent one retries on conflict.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../api/types.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { Logger } from '../../util/logger.js';
import * as errors from '../../machinery/errors.js';
import type { FieldError } from '../../machinery/fielderrors.js';
import { isStorageError, type KeyValue, type Store } from '../../storage/store.js';
import { decodeObject, encodeObject, namespacePrefix, objectKey } from './codec.js';
import { cachedObject, type CachedObject, type Cacher, type WatchFilter, type WatchSink } from './cacher.js';
import { specOf, type GcPolicy, type Strategy } from './strategy.js';

export interface NamespaceLookup {
  /** The namespace object, or undefined if it does not exist. */
  get(name: string): KubeObject | undefined;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: GcPolicy;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface ListOptions {
  matches: (o: CachedObject) => boolean;
  /** True when a label or field selector is in effect (remainingItemCount is then omitted). */
  filtered: boolean;
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  limit?: number;
  continueToken?: string;
}

export interface ListResult {
  items: CachedObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

export interface WriteOptions {
  dryRun?: boolean;
}

const RETRY: unique symbol = Symbol('retry');

const timeIn = (seconds: number): string => new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

const GENERATE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_CONFLICT_RETRIES = 20;
const CACHE_WAIT_MS = 5000;

export const nowTime = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

function generateName(prefix: string): string {
  let s = prefix;
  for (let i = 0; i < 5; i++) s += GENERATE_CHARS[Math.floor(Math.random() * GENERATE_CHARS.length)];
  return s;
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

function encodeContinue(rv: number, lastKey: string, prefix: string): string {
  const t: ContinueToken = { v: 'meta.k8s.io/v1', rv, start: lastKey.slice(prefix.length) + '\u0000' };
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string' || t.rv <= 0) throw new Error('bad');
    return t;
  } catch {
    throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

const CONTINUE_EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export class RegistryStore {
  readonly gr: errors.GroupResource;
  readonly kindRef: { group: string; kind: string };

  constructor(
    readonly info: ResourceInfo,
    readonly strategy: Strategy,
    private readonly store: Store,
    readonly cacher: Cacher,
    private readonly namespaces: NamespaceLookup,
    private readonly log: Logger,
  ) {
    this.gr = { group: info.group, resource: info.resource };
    this.kindRef = { group: info.group, kind: info.kind };
  }

  private key(ns: string | undefined, name: string): string {
    return objectKey(this.cacher.prefix, this.info.namespaced ? ns : undefined, name);
  }

  // ---- reads ----

  get(ns: string | undefined, name: string): CachedObject {
    const o = this.cacher.get(this.key(ns, name));
    if (!o) throw errors.notFound(this.gr, name);
    return o;
  }

  /** A fresh copy from the store (for read-modify-write). */
  private async getFresh(key: string): Promise<KeyValue | undefined> {
    return this.store.get(key);
  }

  async list(ns: string | undefined, opts: ListOptions): Promise<ListResult> {
    const prefix = namespacePrefix(this.cacher.prefix, this.info.namespaced ? ns : undefined);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    if (opts.continueToken) {
      const t = decodeContinue(opts.continueToken);
      return this.listFromStore(prefix, opts, t.rv, prefix + t.start.replace(/\u0000$/, ''), limit, true);
    }
    const rv = opts.resourceVersion;
    if (rv && rv !== '0') {
      const n = Number(rv);
      if (!Number.isInteger(n) || n < 0) throw errors.badRequest(`invalid resource version "${rv}"`);
      if (opts.resourceVersionMatch === 'Exact') return this.listFromStore(prefix, opts, n, undefined, limit, false);
      if (this.cacher.rv < n) {
        const current = await this.store.currentRevision();
        if (n > current) {
          const ok = await this.cacher.waitForRv(n, 3000);
          if (!ok) throw tooLargeResourceVersion(n, this.cacher.rv);
        } else {
          return this.listFromStore(prefix, opts, 0, undefined, limit, false);
        }
      }
    }
    const all = this.cacher.list(prefix, opts.matches);
    const cacheRv = this.cacher.rv;
    if (limit && all.length > limit && rv !== '0') {
      const items = all.slice(0, limit);
      const res: ListResult = {
        items,
        resourceVersion: String(cacheRv),
        continueToken: encodeContinue(cacheRv, items[items.length - 1].key, prefix),
      };
      if (!opts.filtered) res.remainingItemCount = all.length - limit;
      return res;
    }
    return { items: all, resourceVersion: String(cacheRv) };
  }

  /** A (possibly paged) list at a fixed revision (0: latest), read from the backend. */
  private async listFromStore(
    prefix: string,
    opts: ListOptions,
    revision: number,
    startAfter: string | undefined,
    limit: number,
    fromContinue: boolean,
  ): Promise<ListResult> {
    const items: CachedObject[] = [];
    let rev = revision;
    let after = startAfter;
    let more = false;
    try {
      for (;;) {
        const want = limit ? Math.max(limit - items.length, 1) : 0;
        const page = await this.store.list(prefix, { revision: rev || undefined, limit: want ? Math.max(want, 100) : undefined, startAfter: after });
        rev = page.revision;
        let i = 0;
        for (; i < page.items.length; i++) {
          const kv = page.items[i];
          const obj = decodeObject(kv);
          const o = cachedObject(kv.key, obj, kv.modRevision);
          after = kv.key;
          if (!opts.matches(o)) continue;
          if (limit && items.length === limit) {
            more = true;
            break;
          }
          items.push(o);
        }
        if (more) break;
        if (!page.more) break;
      }
    } catch (err) {
      if (isStorageError(err, 'Compacted')) {
        if (fromContinue) throw errors.expired(CONTINUE_EXPIRED);
        throw errors.expired(`too old resource version: ${revision} (${err.compactedRevision ?? 0})`);
      }
      throw err;
    }
    const res: ListResult = { items, resourceVersion: String(rev) };
    if (more && items.length) res.continueToken = encodeContinue(rev, items[items.length - 1].key, prefix);
    return res;
  }

  /**
   * Starts a watch. `resourceVersion` as the API defines it: undefined or "0" → snapshot of
   * current state as ADDED events, then changes; "N" → changes after N (410 if too old).
   */
  async watch(
    ns: string | undefined,
    filter: Omit<WatchFilter, 'namespace'>,
    resourceVersion: string | undefined,
    sendInitialEvents: boolean,
    sink: WatchSink,
  ): Promise<{ startRv: number; stop: () => void }> {
    const wf: WatchFilter = { namespace: this.info.namespaced ? ns : undefined, matches: filter.matches };
    if (resourceVersion === undefined || resourceVersion === '' || resourceVersion === '0') {
      return this.cacher.watch(undefined, wf, sink, true);
    }
    const n = Number(resourceVersion);
    if (!Number.isInteger(n) || n < 0) throw errors.badRequest(`invalid resource version "${resourceVersion}"`);
    if (n > this.cacher.rv) {
      const current = await this.store.currentRevision();
      if (n > current && !(await this.cacher.waitForRv(n, 3000))) throw tooLargeResourceVersion(n, this.cacher.rv);
    }
    return this.cacher.watch(n, wf, sink, sendInitialEvents);
  }

  // ---- writes ----

  private checkNamespace(ns: string | undefined, name: string): void {
    if (!this.info.namespaced) return;
    if (!ns) throw errors.badRequest('the server could not find the requested resource');
    const nsObj = this.namespaces.get(ns);
    if (!nsObj) throw errors.notFound({ group: '', resource: 'namespaces' }, ns);
    const phase = (nsObj.status as { phase?: string } | undefined)?.phase;
    if (nsObj.metadata?.deletionTimestamp || phase === 'Terminating') {
      throw new errors.ApiError(
        403,
        'Forbidden',
        `${errors.grString(this.gr)} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
        { name, group: this.gr.group, kind: this.gr.resource, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }] },
      );
    }
  }

  private invalid(obj: KubeObject, all: FieldError[]): errors.ApiError {
    // Identical causes (e.g. from create and update checks of the same field) are reported once.
    const seen = new Set<string>();
    const errs = all.filter((e) => {
      const k = JSON.stringify([e.type, e.field, e.badValue, e.detail]);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    return errors.invalid(this.kindRef, obj.metadata?.name ?? obj.metadata?.generateName ?? '', errs);
  }

  private async afterWrite(rev: number): Promise<void> {
    if (!(await this.cacher.waitForRv(rev, CACHE_WAIT_MS))) {
      this.log.warn({ resource: this.info.resource, revision: rev }, 'watch cache did not catch up with a write in time');
    }
  }

  async create(ns: string | undefined, obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    const meta = (obj.metadata ??= {});
    if (this.info.namespaced) meta.namespace = ns;
    else delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    this.checkNamespace(ns, meta.name ?? '');
    // Server-owned metadata.
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTime();
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (this.strategy.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    this.strategy.prepareForCreate(obj);
    this.strategy.defaults(obj);
    const errs = this.strategy.validate(obj);
    if (errs.length) throw this.invalid(obj, errs);
    if (opts.dryRun) {
      if (this.cacher.get(this.key(ns, meta.name!))) throw errors.alreadyExists(this.gr, meta.name!);
      return obj;
    }
    try {
      const kv = await this.store.create(this.key(ns, meta.name!), encodeObject(obj));
      meta.resourceVersion = String(kv.modRevision);
      await this.afterWrite(kv.modRevision);
      return obj;
    } catch (err) {
      if (isStorageError(err, 'KeyExists')) {
        throw errors.alreadyExists(this.gr, meta.name!);
      }
      throw err;
    }
  }

  /**
   * Read-modify-write with optimistic concurrency. `tryUpdate` gets a private copy of the
   * current object and returns the desired object; `expectedRv` (from the client's object) pins
   * the revision: a mismatch is a 409 Conflict, no retry.
   */
  async guaranteedUpdate(
    ns: string | undefined,
    name: string,
    tryUpdate: (current: KubeObject | undefined) => KubeObject,
    opts: WriteOptions & {
      subresource?: 'status';
      createIfMissing?: boolean;
      expectedRv?: () => string | undefined;
      /** Server-internal transition (binding): store `tryUpdate`'s result without strategy steps. */
      raw?: boolean;
    },
  ): Promise<{ obj: KubeObject; created: boolean }> {
    const key = this.key(ns, name);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.getFresh(key);
      if (!kv) {
        if (opts.createIfMissing && this.strategy.allowCreateOnUpdate && !opts.subresource) {
          const desired = tryUpdate(undefined);
          if (desired.metadata?.resourceVersion) throw errors.notFound(this.gr, name);
          try {
            return { obj: await this.create(ns, desired, opts), created: true };
          } catch (err) {
            if (err instanceof errors.ApiError && err.reason === 'AlreadyExists' && attempt < MAX_CONFLICT_RETRIES) continue;
            throw err;
          }
        }
        throw errors.notFound(this.gr, name);
      }
      const current = decodeObject(kv);
      const currentRv = String(kv.modRevision);
      let desired = tryUpdate(structuredClone(current));
      const wanted = opts.expectedRv ? opts.expectedRv() : desired.metadata?.resourceVersion;
      if (wanted && wanted !== currentRv) throw errors.conflict(this.gr, name, errors.CONFLICT_MODIFIED);
      if (opts.raw) {
        desired.metadata!.resourceVersion = currentRv;
      } else if (opts.subresource === 'status') {
        desired = this.strategy.prepareForStatusUpdate(desired, current);
        this.carryServerMeta(desired, current);
      } else {
        this.carryServerMeta(desired, current);
        this.strategy.prepareForUpdate(desired, current);
      }
      desired.metadata!.resourceVersion = currentRv;
      if (!opts.raw) {
        this.strategy.defaults(desired);
        if (this.strategy.tracksGeneration && !opts.subresource && specOf(desired) !== specOf(current)) {
          desired.metadata!.generation = (current.metadata?.generation ?? 0) + 1;
        }
        const errs =
          opts.subresource === 'status' ? this.strategy.validateStatusUpdate(desired, current) : this.strategy.validateUpdate(desired, current);
        if (errs.length) throw this.invalid(desired, errs);
      }
      // A deleting object (with no grace period left) whose last finalizer is removed goes away;
      // a gracefully deleting pod is removed by its kubelet's delete instead.
      const graceLeft = current.metadata?.deletionGracePeriodSeconds ?? 0;
      if (current.metadata?.deletionTimestamp && graceLeft === 0 && !desired.metadata?.finalizers?.length && !this.hasSpecFinalizers(desired)) {
        if (opts.dryRun) return { obj: desired, created: false };
        try {
          const del = await this.store.delete(key, kv.modRevision);
          await this.afterWrite(del.revision);
          return { obj: desired, created: false };
        } catch (err) {
          if (isStorageError(err) && (err.code === 'Conflict' || err.code === 'KeyNotFound') && !wanted && attempt < MAX_CONFLICT_RETRIES) continue;
          if (isStorageError(err, 'KeyNotFound')) throw errors.notFound(this.gr, name);
          if (isStorageError(err, 'Conflict')) throw errors.conflict(this.gr, name, errors.CONFLICT_MODIFIED);
          throw err;
        }
      }
      if (JSON.stringify(desired) === JSON.stringify(current)) return { obj: current, created: false };
      if (opts.dryRun) return { obj: desired, created: false };
      try {
        const out = await this.store.update(key, encodeObject(desired), kv.modRevision);
        desired.metadata!.resourceVersion = String(out.modRevision);
        await this.afterWrite(out.modRevision);
        return { obj: desired, created: false };
      } catch (err) {
        if (isStorageError(err) && (err.code === 'Conflict' || err.code === 'KeyNotFound')) {
          if (!wanted && attempt < MAX_CONFLICT_RETRIES) continue;
          if (err.code === 'KeyNotFound') throw errors.notFound(this.gr, name);
          throw errors.conflict(this.gr, name, errors.CONFLICT_MODIFIED);
        }
        throw err;
      }
    }
  }

  private hasSpecFinalizers(obj: KubeObject): boolean {
    if (this.info.resource !== 'namespaces' || this.info.group !== '') return false;
    return ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers?.length ?? 0) > 0;
  }

  /** Metadata the client cannot change through an update. */
  private carryServerMeta(desired: KubeObject, current: KubeObject): void {
    const d = (desired.metadata ??= {});
    const c = current.metadata ?? {};
    // A client-sent uid is kept so that update validation refuses a different one (immutable), as upstream.
    if (!d.uid) d.uid = c.uid;
    d.creationTimestamp = c.creationTimestamp;
    if (c.deletionTimestamp) d.deletionTimestamp = c.deletionTimestamp;
    else delete d.deletionTimestamp;
    if (c.deletionGracePeriodSeconds !== undefined) d.deletionGracePeriodSeconds = c.deletionGracePeriodSeconds;
    else delete d.deletionGracePeriodSeconds;
    if (this.strategy.tracksGeneration) d.generation = c.generation;
    else delete d.generation;
    delete d.selfLink;
    if (!d.name) d.name = c.name;
    if (this.info.namespaced) d.namespace = c.namespace;
  }

  /** PUT semantics: the body replaces the object. */
  async update(ns: string | undefined, name: string, obj: KubeObject, opts: WriteOptions & { subresource?: 'status' } = {}) {
    const meta = (obj.metadata ??= {});
    if (this.info.namespaced) {
      if (meta.namespace && meta.namespace !== ns) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = ns;
    }
    if (meta.name !== name) {
      throw errors.badRequest(`the name of the object (${meta.name ?? ''}) does not match the name on the URL (${name})`);
    }
    if (this.info.namespaced && !opts.subresource) this.checkNamespaceForUpdate(ns!);
    const clientRv = meta.resourceVersion;
    return this.guaranteedUpdate(ns, name, () => structuredClone(obj), {
      ...opts,
      createIfMissing: true,
      expectedRv: () => clientRv,
    });
  }

  private checkNamespaceForUpdate(ns: string): void {
    if (!this.namespaces.get(ns)) throw errors.notFound({ group: '', resource: 'namespaces' }, ns);
  }

  /**
   * Deletes one object, honouring preconditions, graceful deletion, finalizers and the
   * propagation policy. Returns the object and whether it is gone now.
   */
  async delete(ns: string | undefined, name: string, opts: DeleteOptions = {}): Promise<{ obj: KubeObject; deleted: boolean }> {
    const key = this.key(ns, name);
    for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
      const kv = await this.getFresh(key);
      if (!kv) throw errors.notFound(this.gr, name);
      const current = decodeObject(kv);
      const meta = current.metadata!;
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== meta.uid) {
        throw errors.conflict(this.gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
        throw errors.conflict(
          this.gr,
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`,
        );
      }
      const desired = structuredClone(current);
      const dm = desired.metadata!;
      const finalizers = new Set(dm.finalizers ?? []);
      const policy: GcPolicy | undefined =
        opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : opts.orphanDependents === false ? 'Background' : undefined);
      const effective = policy ?? (meta.deletionTimestamp ? undefined : this.strategy.defaultGcPolicy);
      if (effective === 'Orphan') {
        finalizers.add('orphan');
        finalizers.delete('foregroundDeletion');
      } else if (effective === 'Foreground') {
        finalizers.add('foregroundDeletion');
        finalizers.delete('orphan');
      } else if (effective === 'Background') {
        finalizers.delete('orphan');
        finalizers.delete('foregroundDeletion');
      }
      if (finalizers.size) dm.finalizers = [...finalizers];
      else delete dm.finalizers;
      const grace = this.strategy.gracePeriod ? this.strategy.gracePeriod(current, opts.gracePeriodSeconds) : 0;
      const isNamespace = this.info.resource === 'namespaces' && this.info.group === '';
      const blocked = finalizers.size > 0 || this.hasSpecFinalizers(current);
      let res: { obj: KubeObject; deleted: boolean } | typeof RETRY;
      if (meta.deletionTimestamp) {
        if (!blocked && !isNamespace && grace === 0) {
          res = await this.deleteNow(key, kv, current, opts);
        } else {
          const curGrace = meta.deletionGracePeriodSeconds ?? 0;
          if (grace < curGrace) {
            dm.deletionGracePeriodSeconds = grace;
            dm.deletionTimestamp = timeIn(grace);
          }
          if (JSON.stringify(desired) === JSON.stringify(current)) return { obj: current, deleted: false };
          res = await this.writeDeleting(key, kv, desired, opts);
        }
      } else if (grace === 0 && !blocked && !isNamespace) {
        res = await this.deleteNow(key, kv, current, opts);
      } else {
        dm.deletionTimestamp = timeIn(grace);
        dm.deletionGracePeriodSeconds = grace;
        if (isNamespace) desired.status = { ...(desired.status as object), phase: 'Terminating' };
        res = await this.writeDeleting(key, kv, desired, opts);
      }
      if (res !== RETRY) return res;
    }
    throw errors.conflict(this.gr, name, errors.CONFLICT_MODIFIED);
  }

  private async writeDeleting(key: string, kv: KeyValue, desired: KubeObject, opts: DeleteOptions) {
    if (opts.dryRun) return { obj: desired, deleted: false };
    try {
      const out = await this.store.update(key, encodeObject(desired), kv.modRevision);
      desired.metadata!.resourceVersion = String(out.modRevision);
      await this.afterWrite(out.modRevision);
      return { obj: desired, deleted: false };
    } catch (err) {
      if (isStorageError(err) && (err.code === 'Conflict' || err.code === 'KeyNotFound')) return RETRY;
      throw err;
    }
  }

  private async deleteNow(key: string, kv: KeyValue, current: KubeObject, opts: DeleteOptions) {
    if (opts.dryRun) return { obj: current, deleted: true };
    try {
      const res = await this.store.delete(key, kv.modRevision);
      await this.afterWrite(res.revision);
      return { obj: current, deleted: true };
    } catch (err) {
      if (isStorageError(err) && (err.code === 'Conflict' || err.code === 'KeyNotFound')) return RETRY;
      throw err;
    }
  }

  /** Deletes every object the list options select; returns the deleted/deleting objects. */
  async deleteCollection(ns: string | undefined, listOpts: ListOptions, opts: DeleteOptions): Promise<KubeObject[]> {
    const { items } = await this.list(ns, { ...listOpts, limit: 0, continueToken: undefined });
    const out: KubeObject[] = [];
    const queue = [...items];
    const workers = Array.from({ length: Math.min(16, queue.length) }, async () => {
      for (let o = queue.shift(); o; o = queue.shift()) {
        try {
          out.push((await this.delete(o.namespace || undefined, o.name, opts)).obj);
        } catch (err) {
          if (!(err instanceof errors.ApiError && err.code === 404)) throw err;
        }
      }
    });
    await Promise.all(workers);
    return out;
  }
}


export function tooLargeResourceVersion(requested: number, current: number): errors.ApiError {
  return new errors.ApiError(504, 'Timeout', `Timeout: Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}
