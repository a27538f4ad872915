import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DependencyGraph, ReferenceCache, type GraphNode } from './graph.js';
import { cm, ref } from './testing.js';

function recorder() {
  const deletes: string[] = [];
  const orphans: string[] = [];
  const invalid: string[] = [];
  const graph = new DependencyGraph({
    attemptToDelete: (n: GraphNode) => deletes.push(n.identity.uid),
    attemptToOrphan: (n: GraphNode) => orphans.push(n.identity.uid),
    invalidNamespaceOwnerRef: (n, r) => invalid.push(`${n.identity.name}->${r.uid}`),
  });
  const drain = (a: string[]) => a.splice(0, a.length);
  return { graph, deletes, orphans, invalid, drain };
}

describe('DependencyGraph', () => {
  it('adds a virtual node for an unseen owner, hands it to attemptToDelete, and turns it real when observed', () => {
    const { graph, deletes, drain } = recorder();
    graph.observe({ type: 'add', obj: cm('dep', 'd1', { owners: [ref('own', 'o1')] }) });
    assert.deepEqual(drain(deletes), ['o1']);
    const owner = graph.get('o1')!;
    assert.equal(owner.virtual, true);
    assert.equal(owner.identity.namespace, 'default');
    assert.deepEqual([...owner.dependents].map((d) => d.identity.uid), ['d1']);
    graph.observe({ type: 'add', obj: cm('own', 'o1') });
    assert.equal(graph.get('o1')!.virtual, false);
    assert.deepEqual(drain(deletes), []);
  });

  it('an observed owner adds no work for a new dependent', () => {
    const { graph, deletes } = recorder();
    graph.observe({ type: 'add', obj: cm('own', 'o1') });
    graph.observe({ type: 'add', obj: cm('dep', 'd1', { owners: [ref('own', 'o1')] }) });
    assert.deepEqual(deletes, []);
  });

  it('removing an owner hands its dependents to attemptToDelete and remembers it absent', () => {
    const { graph, deletes } = recorder();
    graph.observe({ type: 'add', obj: cm('own', 'o1') });
    graph.observe({ type: 'add', obj: cm('a', 'd1', { owners: [ref('own', 'o1')] }) });
    graph.observe({ type: 'add', obj: cm('b', 'd2', { owners: [ref('own', 'o1')] }) });
    graph.observe({ type: 'delete', obj: cm('own', 'o1') });
    assert.deepEqual(deletes.sort(), ['d1', 'd2']);
    assert.equal(graph.get('o1'), undefined);
    assert.ok(graph.absent.has({ apiVersion: 'v1', kind: 'ConfigMap', name: 'own', uid: 'o1', namespace: 'default' }));
  });

  it('foreground deletion marks the owner deletingDependents and hands it and its dependents over', () => {
    const { graph, deletes, drain } = recorder();
    const owner = cm('own', 'o1');
    graph.observe({ type: 'add', obj: owner });
    graph.observe({ type: 'add', obj: cm('a', 'd1', { owners: [ref('own', 'o1', true)] }) });
    const deleting = cm('own', 'o1', { deleting: true, finalizers: ['foregroundDeletion'] });
    graph.observe({ type: 'update', old: owner, obj: deleting });
    assert.equal(graph.get('o1')!.deletingDependents, true);
    assert.deepEqual(drain(deletes).sort(), ['d1', 'o1']);
    // The same state again is no new transition.
    graph.observe({ type: 'update', old: deleting, obj: deleting });
    assert.deepEqual(drain(deletes), []);
    assert.deepEqual(graph.get('o1')!.blockingDependents().map((d) => d.identity.uid), ['d1']);
    // The dependent going away wakes the waiting owner.
    graph.observe({ type: 'delete', obj: cm('a', 'd1', { owners: [ref('own', 'o1', true)] }) });
    assert.deepEqual(drain(deletes), ['o1']);
    assert.deepEqual(graph.get('o1')!.blockingDependents(), []);
  });

  it('orphan deletion goes to attemptToOrphan', () => {
    const { graph, orphans, deletes } = recorder();
    const owner = cm('own', 'o1');
    graph.observe({ type: 'add', obj: owner });
    graph.observe({ type: 'update', old: owner, obj: cm('own', 'o1', { deleting: true, finalizers: ['orphan'] }) });
    assert.deepEqual(orphans, ['o1']);
    assert.deepEqual(deletes, []);
  });

  it('removing or unblocking a blocking reference hands the owner over', () => {
    const { graph, deletes, drain } = recorder();
    graph.observe({ type: 'add', obj: cm('own', 'o1') });
    graph.observe({ type: 'add', obj: cm('own2', 'o2') });
    const a = cm('a', 'd1', { owners: [ref('own', 'o1', true), ref('own2', 'o2', true)] });
    graph.observe({ type: 'add', obj: a });
    const b = cm('a', 'd1', { owners: [ref('own', 'o1', false)] });
    graph.observe({ type: 'update', old: a, obj: b });
    assert.deepEqual(drain(deletes).sort(), ['o1', 'o2']);
    assert.deepEqual([...graph.get('o2')!.dependents], []);
    assert.deepEqual(graph.get('o1')!.blockingDependents(), []);
  });

  it('reports a dependent naming an observed owner in another namespace, and hands it over', () => {
    const { graph, deletes, invalid } = recorder();
    graph.observe({ type: 'add', obj: cm('own', 'o1', { ns: 'a' }) });
    graph.observe({ type: 'add', obj: cm('dep', 'd1', { ns: 'b', owners: [ref('own', 'o1')] }) });
    assert.deepEqual(invalid, ['dep->o1']);
    assert.deepEqual(deletes, ['d1']);
  });

  it('a virtual delete drops a virtual node and hands its dependents over', () => {
    const { graph, deletes, drain } = recorder();
    graph.observe({ type: 'add', obj: cm('dep', 'd1', { owners: [ref('ghost', 'g1')] }) });
    drain(deletes);
    graph.virtualDelete(graph.get('g1')!.identity);
    assert.equal(graph.get('g1'), undefined);
    assert.deepEqual(deletes, ['d1']);
  });

  it('ReferenceCache evicts the least recently used identity', () => {
    const c = new ReferenceCache(2);
    const id = (uid: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: uid, uid, namespace: '' });
    c.add(id('a'));
    c.add(id('b'));
    assert.ok(c.has(id('a')));
    c.add(id('c'));
    assert.ok(c.has(id('a')));
    assert.ok(!c.has(id('b')));
    assert.ok(c.has(id('c')));
  });
});
