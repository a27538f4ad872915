import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PodObj } from '../common/podutil.js';
import { computeStatus, groupByNode, planManage, planRollingUpdate, scaledValue } from './plan.js';
import type { DaemonSetObj, NodeObj } from './predicates.js';

const NOW = Date.parse('2024-01-01T01:00:00Z');
const nodes = (n: number): NodeObj[] => Array.from({ length: n }, (_, i) => ({ metadata: { name: `n${i}` }, spec: {} }));
const ds = (ru: Record<string, unknown> = { maxUnavailable: 1, maxSurge: 0 }): DaemonSetObj => ({
  metadata: { name: 'd', namespace: 'default', uid: 'ds', generation: 2 },
  spec: { selector: { matchLabels: { a: 'b' } }, updateStrategy: { type: 'RollingUpdate', rollingUpdate: ru as never }, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } },
});
let seq = 0;
function pod(node: string, hash: string, o: { ready?: boolean; phase?: string; created?: string; deleting?: boolean } = {}): PodObj {
  return {
    metadata: { name: `p${++seq}`, namespace: 'default', labels: { 'controller-revision-hash': hash }, creationTimestamp: o.created ?? '2024-01-01T00:00:00Z', deletionTimestamp: o.deleting ? '2024-01-01T00:30:00Z' : undefined },
    spec: { nodeName: node, containers: [] },
    status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] },
  };
}
const allow = () => ({ allowed: true as const });

describe('daemonset plan', () => {
  it('creates on nodes without a pod and keeps only the oldest of several', () => {
    const old = pod('n1', 'h', { created: '2024-01-01T00:00:00Z' });
    const young = pod('n1', 'h', { created: '2024-01-01T00:00:05Z' });
    const plan = planManage(ds(), nodes(3), groupByNode([pod('n0', 'h'), old, young]), 'h', allow);
    assert.deepEqual(plan.nodesNeedingPods, ['n2']);
    assert.deepEqual(plan.podsToDelete, [young.metadata!.name]);
  });

  it('deletes pods on nodes that no longer fit, failed pods (back-off gated) and unscheduled pods of gone nodes', () => {
    const tainted: NodeObj = { metadata: { name: 'n0' }, spec: { taints: [{ key: 'k', effect: 'NoExecute' }] } };
    const onTainted = pod('n0', 'h');
    const failed = pod('n1', 'h', { phase: 'Failed' });
    const orphan: PodObj = { ...pod('gone', 'h'), spec: { containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['gone'] }] }] } } } } };
    const plan = planManage(ds(), [tainted, { metadata: { name: 'n1' }, spec: {} }], groupByNode([onTainted, failed, orphan]), 'h', allow);
    assert.deepEqual(plan.podsToDelete.sort(), [onTainted.metadata!.name!, failed.metadata!.name!, orphan.metadata!.name!].sort());
    assert.equal(plan.failedPods.length, 1);
    const gated = planManage(ds(), [{ metadata: { name: 'n1' }, spec: {} }], groupByNode([failed]), 'h', () => ({ allowed: false, delayMs: 500 }));
    assert.deepEqual(gated.podsToDelete, []);
    assert.equal(gated.requeueAfterMs, 500);
  });

  it('replaces at most maxUnavailable available old pods at a time', () => {
    const pods = [pod('n0', 'old'), pod('n1', 'old'), pod('n2', 'old'), pod('n3', 'old')];
    assert.equal(planRollingUpdate(ds(), nodes(4), groupByNode(pods), 'new', NOW).podsToDelete.length, 1);
    assert.equal(planRollingUpdate(ds({ maxUnavailable: '50%', maxSurge: 0 }), nodes(4), groupByNode(pods), 'new', NOW).podsToDelete.length, 2);
    // A new pod not yet ready uses up the budget.
    const busy = [pod('n0', 'new', { ready: false }), pod('n1', 'old'), pod('n2', 'old'), pod('n3', 'old')];
    assert.deepEqual(planRollingUpdate(ds(), nodes(4), groupByNode(busy), 'new', NOW).podsToDelete, []);
    // Unavailable old pods are replaced regardless of the budget.
    const sick = [pod('n0', 'old', { ready: false }), pod('n1', 'old', { ready: false }), pod('n2', 'old')];
    assert.equal(planRollingUpdate(ds(), nodes(3), groupByNode(sick), 'new', NOW).podsToDelete.length, 2);
    // A node with no pod counts as unavailable.
    assert.deepEqual(planRollingUpdate(ds(), nodes(3), groupByNode([pod('n0', 'old'), pod('n1', 'old')]), 'new', NOW).podsToDelete, []);
  });

  it('surges new pods first, then deletes old pods whose replacement is available', () => {
    const d = ds({ maxUnavailable: 0, maxSurge: 1 });
    const pods = [pod('n0', 'old'), pod('n1', 'old')];
    assert.deepEqual(planRollingUpdate(d, nodes(2), groupByNode(pods), 'new', NOW), { podsToDelete: [], nodesToCreate: ['n0'] });
    const oldOnN0 = pod('n0', 'old');
    const surged = [oldOnN0, pod('n0', 'new'), pod('n1', 'old')];
    const plan = planRollingUpdate(d, nodes(2), groupByNode(surged), 'new', NOW);
    assert.deepEqual(plan.podsToDelete, [oldOnN0.metadata!.name]);
    assert.deepEqual(plan.nodesToCreate, ['n1']);
  });

  it('computes status from the oldest pod per node', () => {
    const d = ds();
    const tainted: NodeObj = { metadata: { name: 'n2' }, spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } };
    const st = computeStatus(d, [...nodes(2), tainted], groupByNode([pod('n0', 'new'), pod('n1', 'old', { ready: false }), pod('n2', 'new')]), 'new', NOW);
    assert.deepEqual(st, { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberMisscheduled: 1, numberReady: 1, updatedNumberScheduled: 1, numberAvailable: 1, numberUnavailable: 1 });
  });

  it('scales int-or-percent like intstr', () => {
    assert.equal(scaledValue('25%', 3, true), 1);
    assert.equal(scaledValue('25%', 3, false), 0);
    assert.equal(scaledValue(2, 10, true), 2);
    assert.throws(() => scaledValue('x', 1, true));
  });
});
