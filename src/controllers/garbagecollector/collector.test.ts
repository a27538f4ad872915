import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { silentLogger } from '../../util/logger.js';
import { CONFIGMAPS, NAMESPACES, STORAGECLASSES } from '../resources.js';
import { GarbageCollector, NamespacedOwnerOfClusterScopedError } from './collector.js';
import { DependencyGraph, type GraphNode } from './graph.js';
import { RestMapper, RestMappingError } from './mapper.js';
import { FakeApi, cm, ref } from './testing.js';

function setup() {
  const api = new FakeApi();
  const enqueued: string[] = [];
  const graph = new DependencyGraph({ attemptToDelete: (n) => enqueued.push(n.identity.uid), attemptToOrphan: () => {} });
  const gc = new GarbageCollector({ client: api.gcClient, graph, mapper: new RestMapper(), enqueueDelete: (n) => enqueued.push(n.identity.uid), log: silentLogger });
  /** Stores the object and shows it to the graph (as its informer would). */
  const seed = (obj: KubeObject, res = CONFIGMAPS) => {
    const stored = api.put(res, obj);
    graph.observe({ type: 'add', obj: stored });
    return stored;
  };
  const node = (uid: string): GraphNode => graph.get(uid)!;
  const drain = () => enqueued.splice(0, enqueued.length);
  return { api, graph, gc, seed, node, enqueued, drain };
}

describe('GarbageCollector.attemptToDelete', () => {
  it('deletes (Background, uid and resourceVersion preconditions) a dependent whose only owner is gone', async () => {
    const t = setup();
    const dep = t.seed(cm('dep', 'd1', { owners: [ref('own', 'o1')] }));
    t.seed(cm('own', 'o1'));
    t.drain();
    t.api.objects.delete('configmaps|default|own');
    t.graph.observe({ type: 'delete', obj: cm('own', 'o1') });
    assert.deepEqual(t.drain(), ['d1']);
    assert.equal(await t.gc.attemptToDelete(t.node('d1')), 'done');
    const del = t.api.writes();
    assert.equal(del.length, 1);
    assert.equal(del[0]!.verb, 'delete');
    assert.deepEqual(del[0]!.opts, { propagationPolicy: 'Background', preconditions: { uid: 'd1', resourceVersion: dep.metadata!.resourceVersion } });
    assert.equal(t.api.objects.has('configmaps|default|dep'), false);
  });

  it('keeps a dependent with a live owner and patches out only the dangling reference', async () => {
    const t = setup();
    t.seed(cm('alive', 'a1'));
    t.seed(cm('dep', 'd1', { owners: [ref('gone', 'g1'), ref('alive', 'a1')] }));
    await t.gc.attemptToDelete(t.node('d1'));
    const writes = t.api.writes();
    assert.deepEqual(writes.map((w) => w.verb), ['patch']);
    assert.deepEqual(writes[0]!.body, { metadata: { ownerReferences: [{ $patch: 'delete', uid: 'g1' }], uid: 'd1' } });
    assert.deepEqual(t.api.objects.get('configmaps|default|dep')!.metadata!.ownerReferences, [ref('alive', 'a1')]);
  });

  it('treats an owner that exists under another uid as gone', async () => {
    const t = setup();
    t.seed(cm('own', 'other-uid'));
    t.seed(cm('dep', 'd1', { owners: [ref('own', 'o1')] }));
    await t.gc.attemptToDelete(t.node('d1'));
    assert.equal(t.api.objects.has('configmaps|default|dep'), false);
    assert.equal(t.api.objects.has('configmaps|default|own'), true);
  });

  it('leaves an object being deleted alone', async () => {
    const t = setup();
    t.seed(cm('dep', 'd1', { owners: [ref('gone', 'g1')], deleting: true, finalizers: ['x'] }));
    await t.gc.attemptToDelete(t.node('d1'));
    assert.deepEqual(t.api.calls, []);
  });

  it('honours the dependent’s own orphan finalizer when collecting it', async () => {
    const t = setup();
    t.seed(cm('dep', 'd1', { owners: [ref('gone', 'g1')], finalizers: ['orphan'] }));
    await t.gc.attemptToDelete(t.node('d1'));
    assert.equal(t.api.writes()[0]!.opts!.propagationPolicy, 'Orphan');
  });

  it('a virtual owner that does not exist leaves the graph and its dependents are handed over', async () => {
    const t = setup();
    t.seed(cm('dep', 'd1', { owners: [ref('ghost', 'g1')] }));
    assert.deepEqual(t.drain(), ['g1']);
    assert.equal(await t.gc.attemptToDelete(t.node('g1')), 'done');
    assert.equal(t.graph.get('g1'), undefined);
    assert.deepEqual(t.drain(), ['d1']);
  });

  it('a virtual owner that exists but was not observed yet asks to be retried', async () => {
    const t = setup();
    t.api.put(CONFIGMAPS, cm('own', 'o1'));
    t.seed(cm('dep', 'd1', { owners: [ref('own', 'o1')] }));
    assert.equal(await t.gc.attemptToDelete(t.node('o1')), 'requeue');
    t.graph.observe({ type: 'add', obj: cm('own', 'o1') });
    assert.equal(await t.gc.attemptToDelete(t.node('o1')), 'done');
    assert.deepEqual(t.api.writes(), []);
  });

  it('foreground: deletes the dependents of a waiting owner, then removes foregroundDeletion once none blocks', async () => {
    const t = setup();
    t.seed(cm('own', 'o1'));
    t.seed(cm('leaf', 'd1', { owners: [ref('own', 'o1', true)] }));
    t.seed(cm('mid', 'd2', { owners: [ref('own', 'o1', true)] }));
    t.seed(cm('grandchild', 'd3', { owners: [ref('mid', 'd2', true)] }));
    t.drain();
    const before = t.api.objects.get('configmaps|default|own')!;
    const deleting = t.api.put(CONFIGMAPS, { ...before, metadata: { ...before.metadata, deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['foregroundDeletion'] } });
    t.graph.observe({ type: 'update', old: before, obj: deleting });
    assert.deepEqual(t.drain().sort(), ['d1', 'd2', 'o1']);

    // The owner still has blocking dependents: they are handed over again, the finalizer stays.
    await t.gc.attemptToDelete(t.node('o1'));
    assert.deepEqual(t.drain().sort(), ['d1', 'd2']);
    assert.deepEqual(t.api.objects.get('configmaps|default|own')!.metadata!.finalizers, ['foregroundDeletion']);

    // A leaf dependent goes in Background, one with dependents of its own in Foreground.
    await t.gc.attemptToDelete(t.node('d1'));
    await t.gc.attemptToDelete(t.node('d2'));
    const dels = t.api.writes().filter((w) => w.verb === 'delete');
    assert.deepEqual(dels.map((d) => `${d.key}:${d.opts!.propagationPolicy}`), ['configmaps|default|leaf:Background', 'configmaps|default|mid:Foreground']);

    // Once the dependents are gone from the graph, the owner's finalizer is removed and it goes.
    t.graph.observe({ type: 'delete', obj: cm('leaf', 'd1', { owners: [ref('own', 'o1', true)] }) });
    t.graph.observe({ type: 'delete', obj: cm('mid', 'd2', { owners: [ref('own', 'o1', true)] }) });
    assert.ok(t.drain().includes('o1'));
    await t.gc.attemptToDelete(t.node('o1'));
    const last = t.api.writes().at(-1)!;
    assert.equal(last.verb, 'patch');
    assert.deepEqual(last.body, { metadata: { resourceVersion: deleting.metadata!.resourceVersion, finalizers: null } });
    assert.equal(t.api.objects.has('configmaps|default|own'), false);
  });

  it('foreground: a dependent with another solid owner only loses the waiting reference', async () => {
    const t = setup();
    t.seed(cm('keeper', 'k1'));
    t.seed(cm('own', 'o1', { deleting: true, finalizers: ['foregroundDeletion'] }));
    t.seed(cm('dep', 'd1', { owners: [ref('own', 'o1', true), ref('keeper', 'k1')] }));
    await t.gc.attemptToDelete(t.node('d1'));
    assert.deepEqual(t.api.objects.get('configmaps|default|dep')!.metadata!.ownerReferences, [ref('keeper', 'k1')]);
  });

  it('resolves a cluster-scoped owner without a namespace', async () => {
    const t = setup();
    t.seed({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast', uid: 's1' } }, STORAGECLASSES);
    t.seed(cm('dep', 'd1', { owners: [{ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', name: 'fast', uid: 's1' }] }));
    await t.gc.attemptToDelete(t.node('d1'));
    assert.ok(t.api.calls.some((c) => c.key === 'storageclasses||fast'));
    assert.deepEqual(t.api.writes(), []);
  });

  it('refuses a cluster-scoped object naming a namespaced owner', async () => {
    const t = setup();
    t.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1', uid: 'n1', ownerReferences: [ref('own', 'o1')] } }, NAMESPACES);
    await assert.rejects(() => t.gc.attemptToDelete(t.node('n1')), NamespacedOwnerOfClusterScopedError);
    assert.deepEqual(t.api.writes(), []);
  });

  it('fails (to be retried) on an owner kind the server does not serve', async () => {
    const t = setup();
    t.seed(cm('dep', 'd1', { owners: [{ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', uid: 'w1' }] }));
    await assert.rejects(() => t.gc.attemptToDelete(t.node('d1')), RestMappingError);
    assert.deepEqual(t.api.writes(), []);
  });
});

describe('GarbageCollector.attemptToOrphan', () => {
  it('patches the owner out of every dependent, then removes the orphan finalizer', async () => {
    const t = setup();
    t.seed(cm('keeper', 'k1'));
    t.seed(cm('own', 'o1', { deleting: true, finalizers: ['orphan'] }));
    t.seed(cm('a', 'd1', { owners: [ref('own', 'o1', true)] }));
    t.seed(cm('b', 'd2', { owners: [ref('own', 'o1'), ref('keeper', 'k1')] }));
    await t.gc.attemptToOrphan(t.node('o1'));
    assert.equal(t.api.objects.get('configmaps|default|a')!.metadata!.ownerReferences, undefined);
    assert.deepEqual(t.api.objects.get('configmaps|default|b')!.metadata!.ownerReferences, [ref('keeper', 'k1')]);
    assert.equal(t.api.objects.has('configmaps|default|own'), false);
    assert.equal(t.api.writes().filter((w) => w.verb === 'delete').length, 0);
  });

  it('ignores dependents that are already gone', async () => {
    const t = setup();
    t.seed(cm('own', 'o1', { deleting: true, finalizers: ['orphan', 'example.com/keep'] }));
    t.seed(cm('a', 'd1', { owners: [ref('own', 'o1')] }));
    t.api.objects.delete('configmaps|default|a');
    await t.gc.attemptToOrphan(t.node('o1'));
    assert.deepEqual(t.api.objects.get('configmaps|default|own')!.metadata!.finalizers, ['example.com/keep']);
  });
});
