/**
 * An in-memory API for the engine's unit tests: pods and one owner resource, a client with the
 * calls the engine makes, and informers fed by its watch stream.
 *
 * Contracts:
 * - Writes bump a global resourceVersion and are delivered to watchers in order, unless
 *   `hold` is set (a stale cache): events then queue until `release()`.
 * - `create` fills name (generateName + counter), uid, resourceVersion, creationTimestamp; a
 *   `failCreate` hook may refuse it. `delete` removes at once, or with `graceful` sets a
 *   deletionTimestamp. `patch` understands what `claim` sends (ownerReferences by uid, with
 *   `$patch: delete`; `metadata.uid` as precondition) and labels. `updateStatus` is
 *   compare-and-swap on resourceVersion (409 Conflict otherwise).
 * - `harness` runs a ReplicaSetController over a FakeApi with a settable clock; tests call `sync`
 *   themselves and `settle()` to let watch events reach the informers.
 */
import type { KubeObject } from '../../api/types.js';
import { ApiStatusError, type ObjectList, type ResourceRef, type WatchEvent } from '../../client/rest.js';
import { SharedInformer, type ListerWatcher } from '../../client/informer.js';
import type { EventRecorder } from '../../client/events.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { Status } from '../../machinery/errors.js';
import { WorkQueue } from '../../client/workqueue.js';
import { silentLogger } from '../../util/logger.js';
import type { PodObj } from '../common/podutil.js';
import { PODS } from '../resources.js';
import { ReplicaSetController, type ReplicaSetClient } from './controller.js';
import { REPLICASET_KIND, type ReplicaSetKind } from './kind.js';

export function apiError(code: number, reason: string, message: string): ApiStatusError {
  return new ApiStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message });
}

type Watcher = (ev: WatchEvent<KubeObject>) => void;

export interface RecordedEvent {
  type: string;
  reason: string;
  message: string;
  name?: string;
}

export class FakeApi {
  readonly store = new Map<string, Map<string, KubeObject>>();
  private readonly watchers = new Map<string, Set<Watcher>>();
  private rv = 1;
  private seq = 0;
  hold = false;
  private held: Array<() => void> = [];
  graceful = false;
  failCreate: ((pod: KubeObject) => ApiStatusError | undefined) | undefined;
  readonly calls: string[] = [];
  readonly events: RecordedEvent[] = [];

  readonly recorder = {
    event: (obj: KubeObject | { name?: string }, type: 'Normal' | 'Warning', reason: string, message: string) => {
      this.events.push({ type, reason, message, name: (obj as KubeObject).metadata?.name });
    },
  } satisfies Pick<EventRecorder, 'event'>;

  readonly client = {
    get: async <T extends KubeObject = KubeObject>(res: ResourceRef, ns: string | undefined, name: string): Promise<T> => {
      this.calls.push(`get ${res.resource} ${name}`);
      const o = this.objects(res).get(`${ns}/${name}`);
      if (!o) throw apiError(404, 'NotFound', `${res.resource} "${name}" not found`);
      return structuredClone(o) as T;
    },
    create: async <T extends KubeObject = KubeObject>(res: ResourceRef, ns: string | undefined, obj: T): Promise<T> => {
      const refused = this.failCreate?.(obj);
      this.calls.push(`create ${res.resource}${refused ? ' (refused)' : ''}`);
      if (refused) throw refused;
      const o = structuredClone(obj) as KubeObject;
      o.metadata ??= {};
      o.metadata.namespace = ns;
      o.metadata.name ??= `${o.metadata.generateName ?? ''}${(++this.seq).toString(36).padStart(5, '0')}`;
      return this.put(res, o, true) as T;
    },
    delete: async <T extends KubeObject = KubeObject>(res: ResourceRef, ns: string | undefined, name: string): Promise<T | Status> => {
      this.calls.push(`delete ${res.resource} ${name}`);
      const key = `${ns}/${name}`;
      const o = this.objects(res).get(key);
      if (!o) throw apiError(404, 'NotFound', `${res.resource} "${name}" not found`);
      if (this.graceful && !o.metadata?.deletionTimestamp) {
        const next = structuredClone(o);
        next.metadata!.deletionTimestamp = new Date().toISOString();
        return this.put(res, next, false) as T;
      }
      this.remove(res, key);
      return o as T;
    },
    patch: async <T extends KubeObject = KubeObject>(res: ResourceRef, ns: string | undefined, name: string, _type: string, body: unknown): Promise<T> => {
      this.calls.push(`patch ${res.resource} ${name}`);
      const cur = this.objects(res).get(`${ns}/${name}`);
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
    updateStatus: async <T extends KubeObject = KubeObject>(res: ResourceRef, obj: T): Promise<T> => {
      this.calls.push(`updateStatus ${res.resource} ${obj.metadata?.name}`);
      const key = `${obj.metadata?.namespace}/${obj.metadata?.name}`;
      const cur = this.objects(res).get(key);
      if (!cur) throw apiError(404, 'NotFound', 'not found');
      if (obj.metadata?.resourceVersion !== cur.metadata?.resourceVersion) throw apiError(409, 'Conflict', 'the object has been modified');
      const next = structuredClone(cur);
      next.status = structuredClone(obj.status);
      return this.put(res, next, false) as T;
    },
  } satisfies ReplicaSetClient;

  objects(res: ResourceRef): Map<string, KubeObject> {
    let m = this.store.get(res.resource);
    if (!m) this.store.set(res.resource, (m = new Map()));
    return m;
  }

  list(res: ResourceRef): KubeObject[] {
    return [...this.objects(res).values()];
  }

  /** Stores an object as a user would (a write the engine did not make). */
  seed(res: ResourceRef, obj: KubeObject): KubeObject {
    const o = structuredClone(obj);
    o.metadata ??= {};
    o.metadata.namespace ??= 'default';
    return this.put(res, o, true);
  }

  /** Applies `fn` to a copy of the stored object and stores it (a user's or kubelet's write). */
  mutate(res: ResourceRef, ns: string, name: string, fn: (o: KubeObject) => void): KubeObject {
    const next = structuredClone(this.objects(res).get(`${ns}/${name}`)!);
    fn(next);
    return this.put(res, next, false);
  }

  remove(res: ResourceRef, key: string): void {
    const o = this.objects(res).get(key);
    if (!o) return;
    this.objects(res).delete(key);
    const gone = structuredClone(o);
    gone.metadata!.resourceVersion = String(++this.rv);
    this.emit(res, { type: 'DELETED', object: gone });
  }

  /** Delivers the events held while `hold` was set. */
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
    const key = `${o.metadata!.namespace}/${o.metadata!.name}`;
    if (isNew) {
      if (this.objects(res).has(key)) throw apiError(409, 'AlreadyExists', `${res.resource} "${o.metadata!.name}" already exists`);
      o.metadata!.uid ??= `uid-${++this.seq}`;
      o.metadata!.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    }
    o.metadata!.resourceVersion = String(++this.rv);
    this.objects(res).set(key, o);
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

/** Lets queued microtasks and immediate callbacks (watch deliveries) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** A work queue that records delayed adds. */
export class SpyQueue extends WorkQueue<string> {
  readonly afters: Array<[string, number]> = [];
  override addAfter(item: string, ms: number): void {
    this.afters.push([item, ms]);
    super.addAfter(item, ms);
  }
}

/** A loosely typed object, for terse test fixtures. */
export type Obj = KubeObject & { spec?: any; status?: any };

export interface Harness {
  api: FakeApi;
  c: ReplicaSetController;
  queue: SpyQueue;
  clock: { now: number };
  pods(): PodObj[];
  owner(name?: string): Obj;
  /** What a kubelet does: bind, run and (optionally) make ready `ms` ago. */
  runPod(name: string, o?: { node?: string; ready?: boolean; readyAgoMs?: number; phase?: string }): void;
  stop(): void;
}

/** A controller over a FakeApi with running informers; `stop()` ends it. */
export async function harness(kind: ReplicaSetKind = REPLICASET_KIND, o: { burst?: number; seed?: (api: FakeApi) => void } = {}): Promise<Harness> {
  const api = new FakeApi();
  o.seed?.(api);
  const ac = new AbortController();
  const owners = api.informer<KubeObject>(kind.resource);
  const podInf = api.informer<PodObj>(PODS);
  const queue = new SpyQueue('test');
  const clock = { now: Date.now() };
  const c = new ReplicaSetController({ kind, client: api.client, owners, pods: podInf, queue, recorder: api.recorder, log: silentLogger, burstReplicas: o.burst, now: () => clock.now });
  void owners.run(ac.signal);
  void podInf.run(ac.signal);
  await Promise.all([owners.waitForSync(), podInf.waitForSync()]);
  await settle();
  const stop = () => {
    ac.abort();
    c.stop();
    queue.shutDown();
  };
  return {
    api,
    c,
    queue,
    clock,
    pods: () => api.list(PODS) as PodObj[],
    owner: (name = 'web') => api.objects(kind.resource).get(`default/${name}`) as Obj,
    runPod(name, p = {}) {
      const ready = p.ready ?? true;
      const at = new Date(clock.now - (p.readyAgoMs ?? 60_000)).toISOString().replace(/\.\d+Z$/, 'Z');
      api.mutate(PODS, 'default', name, (pod: Obj) => {
        pod.spec = { ...pod.spec, nodeName: p.node ?? 'n1' };
        pod.status = { phase: p.phase ?? 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: at }] };
      });
    },
    stop,
  };
}

export function rs(name: string, replicas: number, labels: Record<string, string> = { app: 'web' }, extra: Record<string, unknown> = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', generation: 1 },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, ...extra },
  };
}

