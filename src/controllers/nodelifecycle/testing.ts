/**
 * In-memory fakes for the node lifecycle, taint eviction and pod GC unit tests: informer-like
 * stores (lister + handlers, updated synchronously) and a client whose writes land in them with
 * resourceVersion checks, so controllers see their own writes as they would through a watch.
 */
import type { KubeObject } from '../../api/types.js';
import { Indexer, Lister, byNodeName, type EventHandler } from '../../client/informer.js';
import { ApiStatusError, type ResourceRef } from '../../client/rest.js';
import type { EventType } from '../../client/events.js';
import { keyOf } from '../../machinery/meta.js';

export class FakeInformer<T extends KubeObject> {
  readonly indexer: Indexer<T>;
  readonly lister: Lister<T>;
  private readonly handlers: EventHandler<T>[] = [];
  private rv = 1;

  constructor(indexers: Record<string, (o: T) => string[]> = {}) {
    this.indexer = new Indexer<T>(indexers);
    this.lister = new Lister(this.indexer);
  }

  addEventHandler(h: EventHandler<T>): () => void {
    this.handlers.push(h);
    for (const o of this.indexer.list()) h.onAdd?.(o);
    return () => undefined;
  }

  hasSynced(): boolean {
    return true;
  }

  /** Stores `obj` with a new resourceVersion and notifies handlers. */
  put(obj: T): T {
    const o = structuredClone(obj);
    o.metadata = { ...o.metadata, resourceVersion: String(++this.rv) };
    o.metadata.uid ??= `uid-${keyOf(o)}`;
    const old = this.indexer.set(keyOf(o), o);
    for (const h of this.handlers) old ? h.onUpdate?.(old, o) : h.onAdd?.(o);
    return o;
  }

  remove(key: string): void {
    const old = this.indexer.delete(key);
    if (old) for (const h of this.handlers) h.onDelete?.({ type: 'Deleted', key, lastKnown: old, finalStateUnknown: false });
  }
}

export const err = (code: number, reason: string, message = reason) =>
  new ApiStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason: reason as never, message });

export interface Call {
  verb: string;
  resource: string;
  namespace?: string;
  name: string;
  body?: unknown;
  opts?: unknown;
}

/** A client over FakeInformers keyed by resource name (`nodes`, `pods`, ...). */
export class FakeClient {
  readonly calls: Call[] = [];
  /** Makes the next call of `verb` on `resource` fail with this error. */
  readonly failNext = new Map<string, ApiStatusError>();

  constructor(readonly stores: Record<string, FakeInformer<KubeObject>>) {}

  private store(res: ResourceRef): FakeInformer<KubeObject> {
    const s = this.stores[res.resource];
    if (!s) throw new Error(`no fake store for ${res.resource}`);
    return s;
  }

  private check(verb: string, res: ResourceRef): void {
    const k = `${verb} ${res.resource}`;
    const e = this.failNext.get(k);
    if (e) {
      this.failNext.delete(k);
      throw e;
    }
  }

  private cur(res: ResourceRef, ns: string | undefined, name: string): KubeObject {
    const o = this.store(res).lister.get(ns, name);
    if (!o) throw err(404, 'NotFound', `${res.resource} "${name}" not found`);
    return o;
  }

  async get<T extends KubeObject>(res: ResourceRef, ns: string | undefined, name: string): Promise<T> {
    this.calls.push({ verb: 'get', resource: res.resource, namespace: ns, name });
    this.check('get', res);
    return structuredClone(this.cur(res, ns, name)) as T;
  }

  async create<T extends KubeObject>(res: ResourceRef, ns: string | undefined, obj: T): Promise<T> {
    const name = obj.metadata?.name ?? '';
    this.calls.push({ verb: 'create', resource: res.resource, namespace: ns, name, body: obj });
    this.check('create', res);
    if (this.store(res).lister.get(ns, name)) throw err(409, 'AlreadyExists');
    return this.store(res).put({ ...obj, metadata: { ...obj.metadata, namespace: ns } }) as T;
  }

  async updateStatus<T extends KubeObject>(res: ResourceRef, obj: T): Promise<T> {
    const ns = obj.metadata?.namespace;
    const name = obj.metadata!.name!;
    this.calls.push({ verb: 'updateStatus', resource: res.resource, namespace: ns, name, body: obj });
    this.check('updateStatus', res);
    const cur = this.cur(res, ns, name);
    if (obj.metadata?.resourceVersion && obj.metadata.resourceVersion !== cur.metadata?.resourceVersion) throw err(409, 'Conflict');
    return this.store(res).put({ ...cur, status: obj.status }) as T;
  }

  async patch<T extends KubeObject>(res: ResourceRef, ns: string | undefined, name: string, type: string, body: any, opts?: { subresource?: string }): Promise<T> {
    this.calls.push({ verb: 'patch', resource: res.resource, namespace: ns, name, body, opts: { type, subresource: opts?.subresource } });
    this.check('patch', res);
    const cur = structuredClone(this.cur(res, ns, name)) as any;
    const rv = body?.metadata?.resourceVersion;
    if (rv && rv !== cur.metadata?.resourceVersion) throw err(409, 'Conflict');
    if (body?.spec) cur.spec = { ...cur.spec, ...body.spec };
    if (body?.status) {
      const { conditions, ...rest } = body.status;
      cur.status = { ...cur.status, ...rest };
      if (conditions) {
        const types = new Set(conditions.map((c: any) => c.type));
        cur.status.conditions = [...(cur.status.conditions ?? []).filter((c: any) => !types.has(c.type)), ...conditions];
      }
    }
    return this.store(res).put(cur) as T;
  }

  async delete(res: ResourceRef, ns: string | undefined, name: string, opts?: unknown): Promise<unknown> {
    this.calls.push({ verb: 'delete', resource: res.resource, namespace: ns, name, opts });
    this.check('delete', res);
    this.cur(res, ns, name);
    this.store(res).remove(ns ? `${ns}/${name}` : name);
    return {};
  }

  verbs(verb: string, resource?: string): Call[] {
    return this.calls.filter((c) => c.verb === verb && (!resource || c.resource === resource));
  }
}

export class FakeRecorder {
  readonly events: Array<{ name?: string; type: EventType; reason: string; message: string }> = [];
  event(obj: KubeObject | { name?: string }, type: EventType, reason: string, message: string): void {
    const name = (obj as KubeObject).metadata?.name ?? (obj as { name?: string }).name;
    this.events.push({ name, type, reason, message });
  }
  reasons(): string[] {
    return this.events.map((e) => e.reason);
  }
}

export const podIndexers = { 'spec.nodeName': byNodeName };

export function node(name: string, o: { ready?: string; heartbeat?: string; taints?: any[]; labels?: Record<string, string> } = {}): any {
  const hb = o.heartbeat ?? '2024-01-01T00:00:00Z';
  const c = (type: string, status: string) => ({ type, status, lastHeartbeatTime: hb, lastTransitionTime: '2024-01-01T00:00:00Z', reason: 'Kubelet', message: 'kubelet' });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: o.labels },
    spec: o.taints ? { taints: o.taints } : {},
    status: { conditions: [c('MemoryPressure', 'False'), c('DiskPressure', 'False'), c('PIDPressure', 'False'), c('Ready', o.ready ?? 'True')] },
  };
}

export function pod(name: string, nodeName: string | undefined, o: { tolerations?: any[]; phase?: string; created?: string; deleting?: boolean; ready?: boolean } = {}): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', creationTimestamp: o.created ?? '2024-01-01T00:00:00Z', ...(o.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: { nodeName, containers: [{ name: 'c', image: 'i' }], tolerations: o.tolerations },
    status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  };
}
