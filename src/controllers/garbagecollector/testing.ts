/**
 * Test helpers for the garbage collector: object builders and an in-memory API holding objects by
 * `resource|namespace|name`, with the calls the collector makes.
 *
 * Contracts:
 * - `get` answers a copy or 404. `delete` honours uid/resourceVersion preconditions (409), records
 *   the call, and removes the object unless the policy is Foreground/Orphan (then it sets a
 *   deletionTimestamp and the matching finalizer, as the server does).
 * - `patch` 'strategic' understands ownerReferences by uid (`$patch: delete`, or a merge of fields)
 *   with `metadata.uid` as precondition; 'merge' understands `metadata.finalizers` (null removes)
 *   with `metadata.resourceVersion` as precondition. Every write bumps resourceVersion.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../api/types.js';
import { ApiStatusError, type DeleteOptions, type ResourceRef } from '../../client/rest.js';
import type { GcClient } from './collector.js';

export function cm(name: string, uid: string, o: { ns?: string; owners?: OwnerReference[]; finalizers?: string[]; deleting?: boolean } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      uid,
      namespace: o.ns ?? 'default',
      ownerReferences: o.owners,
      finalizers: o.finalizers,
      deletionTimestamp: o.deleting ? '2024-01-01T00:00:00Z' : undefined,
      resourceVersion: '1',
    },
  };
}

export const ref = (name: string, uid: string, block?: boolean): OwnerReference => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  name,
  uid,
  ...(block === undefined ? {} : { blockOwnerDeletion: block }),
});

export function apiError(code: number, reason: string, message = reason): ApiStatusError {
  return new ApiStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message });
}

export interface Call {
  verb: 'get' | 'patch' | 'delete';
  key: string;
  body?: unknown;
  opts?: DeleteOptions;
}

export class FakeApi {
  readonly objects = new Map<string, KubeObject>();
  readonly calls: Call[] = [];
  private rv = 100;

  static key(res: ResourceRef, ns: string | undefined, name: string): string {
    return `${res.resource}|${res.namespaced ? (ns ?? '') : ''}|${name}`;
  }

  put(res: ResourceRef, obj: KubeObject): KubeObject {
    const copy = structuredClone(obj);
    copy.metadata!.resourceVersion = String(++this.rv);
    this.objects.set(FakeApi.key(res, obj.metadata?.namespace, obj.metadata!.name!), copy);
    return structuredClone(copy);
  }

  writes(): Call[] {
    return this.calls.filter((c) => c.verb !== 'get');
  }

  readonly client = {
    get: async (res: ResourceRef, ns: string | undefined, name: string) => {
      const key = FakeApi.key(res, ns, name);
      this.calls.push({ verb: 'get', key });
      const o = this.objects.get(key);
      if (!o) throw apiError(404, 'NotFound');
      return structuredClone(o);
    },
    delete: async (res: ResourceRef, ns: string | undefined, name: string, opts?: DeleteOptions) => {
      const key = FakeApi.key(res, ns, name);
      this.calls.push({ verb: 'delete', key, opts: opts && { propagationPolicy: opts.propagationPolicy, preconditions: opts.preconditions } });
      const o = this.objects.get(key);
      if (!o) throw apiError(404, 'NotFound');
      const pre = opts?.preconditions;
      if (pre?.uid && pre.uid !== o.metadata?.uid) throw apiError(409, 'Conflict', 'uid precondition');
      if (pre?.resourceVersion && pre.resourceVersion !== o.metadata?.resourceVersion) throw apiError(409, 'Conflict', 'resourceVersion precondition');
      const policy = opts?.propagationPolicy;
      if (policy === 'Foreground' || policy === 'Orphan') {
        const f = policy === 'Foreground' ? 'foregroundDeletion' : 'orphan';
        o.metadata!.deletionTimestamp ??= '2024-01-01T00:00:00Z';
        o.metadata!.finalizers = [...new Set([...(o.metadata!.finalizers ?? []), f])];
        o.metadata!.resourceVersion = String(++this.rv);
        return structuredClone(o);
      }
      this.objects.delete(key);
      return structuredClone(o);
    },
    patch: async (res: ResourceRef, ns: string | undefined, name: string, type: string, body: any) => {
      const key = FakeApi.key(res, ns, name);
      this.calls.push({ verb: 'patch', key, body });
      const o = this.objects.get(key);
      if (!o) throw apiError(404, 'NotFound');
      const m = o.metadata!;
      if (type === 'strategic') {
        if (body.metadata?.uid && body.metadata.uid !== m.uid) throw apiError(409, 'Conflict', 'uid mismatch');
        let refs = [...(m.ownerReferences ?? [])];
        for (const r of body.metadata?.ownerReferences ?? []) {
          if (r.$patch === 'delete') refs = refs.filter((x) => x.uid !== r.uid);
          else refs = refs.map((x) => (x.uid === r.uid ? { ...x, ...r } : x));
        }
        m.ownerReferences = refs.length ? refs : undefined;
      } else if (type === 'merge') {
        if (body.metadata?.resourceVersion && body.metadata.resourceVersion !== m.resourceVersion) throw apiError(409, 'Conflict', 'resourceVersion');
        if ('finalizers' in (body.metadata ?? {})) m.finalizers = body.metadata.finalizers ?? undefined;
      } else throw new Error(`unsupported patch ${type}`);
      m.resourceVersion = String(++this.rv);
      if (m.deletionTimestamp && !m.finalizers?.length) this.objects.delete(key);
      return structuredClone(o);
    },
  };

  get gcClient(): GcClient {
    return this.client as unknown as GcClient;
  }
}
