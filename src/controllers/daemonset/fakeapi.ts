/**
 * An in-memory API for the DaemonSet and StatefulSet unit tests: a client with the calls the
 * controllers make and informers fed by its watch stream.
 *
 * Contracts:
 * - Writes bump one resourceVersion counter and reach watchers in order, unless `hold` is set
 *   (a stale cache): events then wait for `release()`.
 * - `create` fills name (generateName + counter), uid, resourceVersion, creationTimestamp and, for
 *   pods, phase Pending; `delete` honours a uid precondition and removes at once. `patch` merges
 *   labels and handles ownerReferences as `claim` sends them (by uid, `$patch: delete`).
 *   `update`/`updateStatus` are compare-and-swap on resourceVersion (409 Conflict otherwise).
 * - Every call is logged in `calls` as `<verb> <resource> <name>`.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../api/types.js';
import { ApiStatusError, type DeleteOptions, type ObjectList, type ResourceRef, type WatchEvent } from '../../client/rest.js';
import { SharedInformer, type ListerWatcher } from '../../client/informer.js';
import type { EventRecorder } from '../../client/events.js';
import type { Status } from '../../machinery/errors.js';

export function apiError(code: number, reason: string, message: string): ApiStatusError {
  return new ApiStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message });
}

type Watcher = (ev: WatchEvent<KubeObject>) => void;

export class FakeApi {
  private readonly store = new Map<string, Map<string, KubeObject>>();
  private readonly watchers = new Map<string, Set<Watcher>>();
  private rv = 1;
  private seq = 0;
  private clock = Date.parse('2024-01-01T00:00:00Z');
  hold = false;
  private held: Array<() => void> = [];
  readonly calls: string[] = [];
  readonly events: { type: string; reason: string; message: string }[] = [];

  readonly recorder = {
    event: (_obj: unknown, type: 'Normal' | 'Warning', reason: string, message: string) => {
      this.events.push({ type, reason, message });
    },
  } satisfies Pick<EventRecorder, 'event'>;

  readonly client = {
    get: async <T extends KubeObject = KubeObject>(res: ResourceRef, ns: string | undefined, name: string): Promise<T> => {
      this.calls.push(`get ${res.resource} ${name}`);
      const o = this.objects(res).get(key(ns, name));
      if (!o) throw apiError(404, 'NotFound', `${res.resource} "${name}" not found`);
      return structuredClone(o) as T;
    },
    create: async <T extends KubeObject = KubeObject>(res: ResourceRef, ns: string | undefined, obj: T): Promise<T> => {
      const o = structuredClone(obj) as KubeObject;
      o.metadata ??= {};
      o.metadata.namespace = ns ?? o.metadata.namespace;
      o.metadata.name ??= `${o.metadata.generateName ?? ''}${(++this.seq).toString(36).padStart(5, '0')}`;
      this.calls.push(`create ${res.resource} ${o.metadata.name}`);
      if (res.resource === 'pods') o.status = { phase: 'Pending' };
      return this.put(res, o, true) as T;
    },
    update: async <T extends KubeObject = KubeObject>(res: ResourceRef, obj: T): Promise<T> => {
      this.calls.push(`update ${res.resource} ${obj.metadata?.name}`);
      const cur = this.cas(res, obj);
      const next = structuredClone(obj) as KubeObject;
      next.status = cur.status;
      next.metadata = { ...next.metadata, uid: cur.metadata?.uid, creationTimestamp: cur.metadata?.creationTimestamp };
      return this.put(res, next, false) as T;
    },
    updateStatus: async <T extends KubeObject = KubeObject>(res: ResourceRef, obj: T): Promise<T> => {
      this.calls.push(`updateStatus ${res.resource} ${obj.metadata?.name}`);
      const cur = this.cas(res, obj);
      const next = structuredClone(cur);
      next.status = structuredClone(obj.status);
      return this.put(res, next, false) as T;
    },
    patch: async <T extends KubeObject = KubeObject>(res: ResourceRef, ns: string | undefined, name: string, _type: string, body: unknown): Promise<T> => {
      this.calls.push(`patch ${res.resource} ${name}`);
      const cur = this.objects(res).get(key(ns, name));
      if (!cur) throw apiError(404, 'NotFound', `${res.resource} "${name}" not found`);
      const meta = (body as { metadata?: { uid?: string; labels?: Record<string, string>; ownerReferences?: Array<OwnerReference & { $patch?: string }> } }).metadata ?? {};
      if (meta.uid && meta.uid !== cur.metadata?.uid) throw apiError(409, 'Conflict', 'uid mismatch');
      const next = structuredClone(cur);
      if (meta.labels) next.metadata!.labels = { ...next.metadata!.labels, ...meta.labels };
      for (const r of meta.ownerReferences ?? []) {
        const refs = (next.metadata!.ownerReferences ?? []).filter((x) => x.uid !== r.uid);
        if (r.$patch !== 'delete') refs.push(r);
        next.metadata!.ownerReferences = refs.length ? refs : undefined;
      }
      return this.put(res, next, false) as T;
    },
    delete: async (res: ResourceRef, ns: string | undefined, name: string, o?: DeleteOptions): Promise<Status> => {
      this.calls.push(`delete ${res.resource} ${name}`);
      const o0 = this.objects(res).get(key(ns, name));
      if (!o0) throw apiError(404, 'NotFound', `${res.resource} "${name}" not found`);
      if (o?.preconditions?.uid && o.preconditions.uid !== o0.metadata?.uid) throw apiError(409, 'Conflict', 'Precondition failed: UID in precondition');
      this.remove(res, ns, name);
      return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
    },
  };

  private cas(res: ResourceRef, obj: KubeObject): KubeObject {
    const cur = this.objects(res).get(key(obj.metadata?.namespace, obj.metadata?.name ?? ''));
    if (!cur) throw apiError(404, 'NotFound', `${res.resource} "${obj.metadata?.name}" not found`);
    if (obj.metadata?.resourceVersion !== cur.metadata?.resourceVersion) throw apiError(409, 'Conflict', 'the object has been modified');
    return cur;
  }

  objects(res: ResourceRef): Map<string, KubeObject> {
    let m = this.store.get(res.resource);
    if (!m) this.store.set(res.resource, (m = new Map()));
    return m;
  }

  list<T extends KubeObject = KubeObject>(res: ResourceRef): T[] {
    return [...this.objects(res).values()] as T[];
  }

  get<T extends KubeObject = KubeObject>(res: ResourceRef, ns: string | undefined, name: string): T | undefined {
    return this.objects(res).get(key(ns, name)) as T | undefined;
  }

  /** Stores an object as a user would. */
  seed(res: ResourceRef, obj: KubeObject): KubeObject {
    const o = structuredClone(obj);
    o.metadata ??= {};
    if (res.namespaced) o.metadata.namespace ??= 'default';
    if (o.metadata.generation === undefined && (res.group === 'apps')) o.metadata.generation = 1;
    return this.put(res, o, true);
  }

  /** Applies `fn` to a copy of the stored object and stores it. */
  mutate(res: ResourceRef, ns: string | undefined, name: string, fn: (o: KubeObject) => void): KubeObject {
    const next = structuredClone(this.objects(res).get(key(ns, name))!);
    fn(next);
    return this.put(res, next, false);
  }

  remove(res: ResourceRef, ns: string | undefined, name: string): void {
    const k = key(ns, name);
    const o = this.objects(res).get(k);
    if (!o) return;
    this.objects(res).delete(k);
    const gone = structuredClone(o);
    gone.metadata!.resourceVersion = String(++this.rv);
    this.emit(res, { type: 'DELETED', object: gone });
  }

  release(): void {
    this.hold = false;
    const h = this.held;
    this.held = [];
    for (const f of h) f();
  }

  informer<T extends KubeObject>(res: ResourceRef): SharedInformer<T> {
    const lw: ListerWatcher<T> = {
      list: async () => ({ metadata: { resourceVersion: String(this.rv) }, items: structuredClone(this.list(res)) as T[] }) as ObjectList<T>,
      watch: (_rv, signal) => this.stream(res, signal) as AsyncIterable<WatchEvent<T>>,
    };
    return new SharedInformer<T>(undefined, res, { listerWatcher: lw });
  }

  private put(res: ResourceRef, o: KubeObject, isNew: boolean): KubeObject {
    const k = key(o.metadata!.namespace, o.metadata!.name!);
    if (isNew) {
      if (this.objects(res).has(k)) throw apiError(409, 'AlreadyExists', `${res.resource} "${o.metadata!.name}" already exists`);
      o.metadata!.uid ??= `uid-${++this.seq}`;
      this.clock += 1000;
      o.metadata!.creationTimestamp ??= new Date(this.clock).toISOString().replace(/\.\d+Z$/, 'Z');
    }
    o.metadata!.resourceVersion = String(++this.rv);
    this.objects(res).set(k, o);
    this.emit(res, { type: isNew ? 'ADDED' : 'MODIFIED', object: structuredClone(o) });
    return structuredClone(o);
  }

  private emit(res: ResourceRef, ev: WatchEvent<KubeObject>): void {
    const deliver = () => {
      for (const w of this.watchers.get(res.resource) ?? []) w(ev);
    };
    if (this.hold) this.held.push(deliver);
    else deliver();
  }

  private async *stream(res: ResourceRef, signal: AbortSignal): AsyncGenerator<WatchEvent<KubeObject>> {
    const q: WatchEvent<KubeObject>[] = [];
    let wake: (() => void) | undefined;
    const w: Watcher = (ev) => {
      q.push(ev);
      wake?.();
    };
    let set = this.watchers.get(res.resource);
    if (!set) this.watchers.set(res.resource, (set = new Set()));
    set.add(w);
    const onAbort = () => wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      while (!signal.aborted) {
        if (q.length === 0) await new Promise<void>((r) => (wake = r));
        wake = undefined;
        while (q.length) yield q.shift()!;
      }
    } finally {
      set.delete(w);
      signal.removeEventListener('abort', onAbort);
    }
  }
}

const key = (ns: string | undefined, name: string): string => (ns ? `${ns}/${name}` : name);

/** Lets queued watch deliveries run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** Marks a stored pod Running and Ready (what a kubelet would write). */
export function runPod(api: FakeApi, res: ResourceRef, ns: string, name: string, at = '2024-01-01T00:00:00Z'): void {
  api.mutate(res, ns, name, (p) => {
    p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at }] };
  });
}
