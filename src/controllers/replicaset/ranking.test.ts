import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PodObj } from '../common/podutil.js';
import { deletionCost, podsToDelete, POD_DELETION_COST } from './ranking.js';

const t0 = Date.parse('2024-01-01T00:00:00Z');
const iso = (ms: number) => new Date(t0 + ms).toISOString().replace(/\.\d+Z$/, 'Z');

function pod(name: string, o: { node?: string; phase?: string; ready?: boolean; readyAt?: number; created?: number; cost?: string; restarts?: number } = {}): PodObj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, uid: name, creationTimestamp: iso(o.created ?? 0), annotations: o.cost !== undefined ? { [POD_DELETION_COST]: o.cost } : undefined },
    spec: { nodeName: o.node, containers: [] },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: iso(o.readyAt ?? 0) }],
      containerStatuses: [{ name: 'c', image: 'x', imageID: '', ready: true, restartCount: o.restarts ?? 0 }],
    },
  } as PodObj;
}

const names = (ps: PodObj[]) => ps.map((p) => p.metadata!.name);

describe('podsToDelete', () => {
  it('orders unassigned, pending, not ready, cost, colocation, ready time, restarts, age', () => {
    const pods = [
      pod('old-ready', { node: 'a', readyAt: 0 }),
      pod('unassigned', { phase: 'Pending', ready: false }),
      pod('pending', { node: 'a', phase: 'Pending', ready: false }),
      pod('not-ready', { node: 'a', ready: false }),
      pod('cheap', { node: 'a', cost: '-10', readyAt: -1000 }),
      pod('young-ready', { node: 'b', readyAt: 5000 }),
      pod('restarts', { node: 'c', readyAt: 0, restarts: 3 }),
    ];
    assert.deepEqual(names(podsToDelete(pods, [], 7)), names(pods), 'all of them when n covers them');
    assert.deepEqual(names(podsToDelete(pods, [], 6)), ['unassigned', 'pending', 'not-ready', 'cheap', 'young-ready', 'restarts']);
  });

  it('prefers pods doubled up on a node with related pods', () => {
    const a1 = pod('a1', { node: 'a', readyAt: 0, created: 0 });
    const b1 = pod('b1', { node: 'b', readyAt: 0, created: 0 });
    const related = [a1, b1, pod('other-a', { node: 'a' })];
    assert.deepEqual(names(podsToDelete([b1, a1], related, 1)), ['a1']);
    assert.deepEqual(names(podsToDelete([b1, a1], [], 1)), ['b1'], 'without ranks: equal pods keep their order');
  });

  it('newest first among equals', () => {
    const ps = [pod('old', { node: 'a', created: 0 }), pod('new', { node: 'a', created: 1000 })];
    assert.deepEqual(names(podsToDelete(ps, [], 1)), ['new']);
  });

  it('reads the deletion cost annotation as int32, invalid as 0', () => {
    assert.equal(deletionCost(pod('x', { cost: '42' })), 42);
    assert.equal(deletionCost(pod('x', { cost: 'abc' })), 0);
    assert.equal(deletionCost(pod('x', { cost: '99999999999' })), 0);
    assert.equal(deletionCost(pod('x')), 0);
  });
});
