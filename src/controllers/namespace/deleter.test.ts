import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { ApiStatusError, type ResourceRef } from '../../client/rest.js';
import { silentLogger } from '../../util/logger.js';
import { NamespaceConditionUpdater } from './conditions.js';
import { NamespacedResourcesDeleter, ResourcesRemainingError, type DeleterClient } from './deleter.js';
import { GroupDiscoveryFailedError, type DiscoveredResource, type Discovery } from './discovery.js';

const ALL = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const res = (group: string, version: string, resource: string, verbs = ALL): DiscoveredResource => ({ ref: { group, version, resource, namespaced: true }, verbs });
const CONFIGMAPS = res('', 'v1', 'configmaps');
const PODS = res('', 'v1', 'pods');
const LEASES = res('coordination.k8s.io', 'v1', 'leases', ['create', 'delete', 'get', 'list']);

const notFound = () => new ApiStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 404, reason: 'NotFound', message: 'not found' });

type Obj = KubeObject & { spec?: any; status?: any };

/** A namespace and its content; pods delete gracefully, finalizers hold items. */
function fakeApi(nsName: string, deletedAt = '2024-01-01T00:00:00Z') {
  let ns: Obj | undefined = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: nsName, uid: 'ns-uid', resourceVersion: '1', deletionTimestamp: deletedAt },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Terminating' },
  };
  const items = new Map<string, Obj[]>();
  const calls: string[] = [];
  const key = (r: ResourceRef) => `${r.group}/${r.resource}`;
  const removeOne = (r: ResourceRef, o: Obj) => {
    if (o.metadata?.finalizers?.length || (r.resource === 'pods' && !o.status?.terminatedNow)) o.metadata!.deletionTimestamp = deletedAt;
    else items.set(key(r), (items.get(key(r)) ?? []).filter((x) => x !== o));
  };
  const client = {
    get: async (_r: ResourceRef, _ns: string | undefined, _name: string) => {
      if (!ns) throw notFound();
      return structuredClone(ns);
    },
    list: async (r: ResourceRef, _ns: string | undefined) => ({ metadata: {}, items: structuredClone(items.get(key(r)) ?? []) }),
    delete: async (r: ResourceRef, _ns: string | undefined, name: string, o?: { propagationPolicy?: string }) => {
      calls.push(`delete ${key(r)} ${name} ${o?.propagationPolicy}`);
      const it = (items.get(key(r)) ?? []).find((x) => x.metadata?.name === name);
      if (!it) throw notFound();
      removeOne(r, it);
      return it;
    },
    deleteCollection: async (r: ResourceRef, _ns: string | undefined, o?: { propagationPolicy?: string }) => {
      calls.push(`deletecollection ${key(r)} ${o?.propagationPolicy}`);
      for (const it of [...(items.get(key(r)) ?? [])]) removeOne(r, it);
      return { metadata: {}, items: [] };
    },
    updateStatus: async (_r: ResourceRef, o: Obj) => {
      calls.push('updateStatus');
      ns = { ...structuredClone(o), metadata: { ...o.metadata, resourceVersion: String(Number(ns!.metadata!.resourceVersion) + 1) } };
      return structuredClone(ns);
    },
    updateSubresource: async (_r: ResourceRef, _ns: string | undefined, _name: string, sub: string, body: Obj) => {
      calls.push(`${sub} ${JSON.stringify(body.spec?.finalizers)}`);
      ns!.spec = { ...ns!.spec, finalizers: body.spec?.finalizers };
      const done = !ns!.spec.finalizers?.length;
      const out = structuredClone(ns!);
      if (done) ns = undefined;
      return out;
    },
  };
  return {
    client: client as unknown as DeleterClient,
    calls,
    items,
    add: (r: DiscoveredResource, o: Obj) => items.set(key(r.ref), [...(items.get(key(r.ref)) ?? []), o]),
    ns: () => ns,
  };
}

function deleter(api: ReturnType<typeof fakeApi>, discovery: Discovery, now = Date.parse('2024-01-01T00:00:01Z')) {
  return new NamespacedResourcesDeleter({ client: api.client, discover: async () => discovery, log: silentLogger, now: () => now });
}

const conditionsOf = (ns: Obj | undefined) => Object.fromEntries((ns?.status?.conditions ?? []).map((c: any) => [c.type, `${c.status} ${c.reason}: ${c.message}`]));

describe('NamespacedResourcesDeleter', () => {
  it('ignores a namespace that is not being deleted', async () => {
    const api = fakeApi('x');
    delete api.ns()!.metadata!.deletionTimestamp;
    await deleter(api, { resources: [CONFIGMAPS] }).delete('x');
    assert.deepEqual(api.calls, []);
  });

  it('deletes every resource collection with Background, then finalizes the namespace', async () => {
    const api = fakeApi('x');
    api.add(CONFIGMAPS, { metadata: { name: 'a' } });
    api.add(CONFIGMAPS, { metadata: { name: 'b' } });
    let finalizedSeen: Obj | undefined;
    const orig = api.client.updateSubresource;
    (api.client as any).updateSubresource = async (...a: any[]) => {
      finalizedSeen = structuredClone(api.ns());
      return (orig as any)(...a);
    };
    await deleter(api, { resources: [CONFIGMAPS, PODS] }).delete('x');
    assert.deepEqual(api.calls, ['deletecollection /configmaps Background', 'deletecollection /pods Background', 'updateStatus', 'finalize []']);
    assert.equal(api.ns(), undefined);
    assert.deepEqual(conditionsOf(finalizedSeen), {
      NamespaceDeletionDiscoveryFailure: 'False ResourcesDiscovered: All resources successfully discovered',
      NamespaceDeletionGroupVersionParsingFailure: 'False ParsedGroupVersions: All legacy kube types successfully parsed',
      NamespaceDeletionContentFailure: 'False ContentDeleted: All content successfully deleted, may be waiting on finalization',
      NamespaceContentRemaining: 'False ContentRemoved: All content successfully removed',
      NamespaceFinalizersRemaining: 'False ContentRemoved: All content successfully removed',
    });
  });

  it('waits for gracefully terminating pods (estimate from their grace period), then finalizes', async () => {
    const api = fakeApi('x');
    const pod = (name: string) => ({ metadata: { name }, spec: { terminationGracePeriodSeconds: 30 }, status: { phase: 'Running' } });
    api.add(PODS, pod('p1'));
    api.add(PODS, pod('p2'));
    await assert.rejects(
      () => deleter(api, { resources: [PODS] }).delete('x'),
      (e: unknown) => e instanceof ResourcesRemainingError && e.estimate === 30 && /estimate 30 seconds/.test(e.message),
    );
    assert.equal(conditionsOf(api.ns()).NamespaceContentRemaining, 'True SomeResourcesRemain: Some resources are remaining: pods. has 2 resource instances');
    // The kubelet finished the pods.
    api.items.clear();
    await deleter(api, { resources: [PODS] }).delete('x');
    assert.equal(api.ns(), undefined);
  });

  it('reports items held by finalizers with a 15 s estimate', async () => {
    const api = fakeApi('x');
    api.add(CONFIGMAPS, { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    await assert.rejects(() => deleter(api, { resources: [CONFIGMAPS] }).delete('x'), (e: unknown) => e instanceof ResourcesRemainingError && e.estimate === 15);
    const c = conditionsOf(api.ns());
    assert.equal(c.NamespaceContentRemaining, 'True SomeResourcesRemain: Some resources are remaining: configmaps. has 1 resource instances');
    assert.equal(c.NamespaceFinalizersRemaining, 'True SomeFinalizerRemain: Some finalizers are remaining: example.com/hold in 1 resource instances');
    assert.ok(api.ns());
  });

  it('deletes item by item where deletecollection is not served', async () => {
    const api = fakeApi('x');
    api.add(LEASES, { metadata: { name: 'l1' } });
    await deleter(api, { resources: [LEASES] }).delete('x');
    assert.deepEqual(api.calls.slice(0, 1), ['delete coordination.k8s.io/leases l1 Background']);
    assert.equal(api.ns(), undefined);
  });

  it('fails the pass (no finalize) and says so when items remain unexplained', async () => {
    const api = fakeApi('x', '2023-01-01T00:00:00Z');
    // A pod past its grace period that the kubelet did not finish.
    api.add(PODS, { metadata: { name: 'stuck' }, spec: { terminationGracePeriodSeconds: 30 }, status: { phase: 'Running' } });
    await assert.rejects(() => deleter(api, { resources: [PODS] }).delete('x'), /unexpected items still remain in namespace: x for gvr: \/v1, Resource=pods/);
    assert.equal(
      conditionsOf(api.ns()).NamespaceDeletionContentFailure,
      'True ContentDeletionFailed: Failed to delete all resource types, 1 remaining: unexpected items still remain in namespace: x for gvr: /v1, Resource=pods',
    );
    assert.ok(!api.calls.some((c) => c.startsWith('finalize')));
  });

  it('reports partial discovery failure and does not finalize', async () => {
    const api = fakeApi('x');
    const error = new GroupDiscoveryFailedError(new Map([['metrics.k8s.io/v1beta1', 'the server is currently unable to handle the request']]));
    await assert.rejects(() => deleter(api, { resources: [CONFIGMAPS], error }).delete('x'), /unable to retrieve the complete list of server APIs: metrics.k8s.io\/v1beta1/);
    assert.match(conditionsOf(api.ns()).NamespaceDeletionDiscoveryFailure, /^True DiscoveryFailed: Discovery failed for some groups, 1 failing: unable to retrieve/);
    assert.ok(api.ns());
  });
});

describe('NamespaceConditionUpdater', () => {
  it('writes only changes, and moves lastTransitionTime only when the status flips', () => {
    const status: { conditions?: any[] } = {};
    let t = 0;
    const now = () => `2024-01-01T00:00:0${t}Z`;
    const remaining = (n: number) => {
      const u = new NamespaceConditionUpdater(now);
      u.contentTotals({ remainingByResource: new Map(n ? [['pods.', n]] : []), remainingByFinalizer: new Map() });
      return u;
    };
    assert.equal(remaining(2).apply(status), true);
    t = 1;
    assert.equal(remaining(2).apply(status), false);
    assert.equal(remaining(1).apply(status), true);
    const c = () => status.conditions!.find((x) => x.type === 'NamespaceContentRemaining');
    assert.equal(c().lastTransitionTime, '2024-01-01T00:00:00Z');
    assert.equal(c().message, 'Some resources are remaining: pods. has 1 resource instances');
    t = 2;
    assert.equal(remaining(0).apply(status), true);
    assert.equal(c().status, 'False');
    assert.equal(c().lastTransitionTime, '2024-01-01T00:00:02Z');
    assert.equal(status.conditions!.length, 5);
  });
});
