import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Snapshot } from './nodeinfo.js';
import { defaultSpreadSelector } from './plugins/podtopologyspread.js';
import { FitError, numFeasibleNodesToFind, scheduleOne, seededRandom, type ScheduleResult } from './schedule.js';
import { CONTROL_PLANE_TAINT, makeNode, makePod } from './testfixtures.js';

function fitError(r: ScheduleResult): FitError {
  assert.ok('error' in r, 'expected a failure');
  assert.ok(r.error instanceof FitError, `expected a FitError, got ${r.error}`);
  return r.error;
}

function nodeOf(r: ScheduleResult): string {
  assert.ok('node' in r, `expected a node, got ${'error' in r ? r.error.message : ''}`);
  return r.node;
}

function fiveNodes(): Snapshot {
  return Snapshot.build(
    [
      makeNode('cp1', { taints: [CONTROL_PLANE_TAINT] }),
      makeNode('cp2', { taints: [CONTROL_PLANE_TAINT] }),
      makeNode('w1', { cpu: '2' }),
      makeNode('w2', { cpu: '2' }),
      makeNode('w3', { cpu: '2' }),
    ],
    [makePod('a', { cpu: '1500m', nodeName: 'w1' }), makePod('b', { cpu: '1500m', nodeName: 'w2' }), makePod('c', { cpu: '1500m', nodeName: 'w3' })],
  );
}

test('FitError message: reasons counted per node, sorted, with the preemption diagnosis', () => {
  const r = scheduleOne(makePod('p', { cpu: '1' }), fiveNodes());
  const e = fitError(r);
  assert.equal(
    e.message,
    '0/5 nodes are available: 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu. ' +
      'preemption: 0/5 nodes are available: 2 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.',
  );
  assert.deepEqual([...e.unschedulablePlugins].sort(), ['NodeResourcesFit', 'TaintToleration']);
  assert.equal(e.nodeToStatus.get('w1')?.plugin, 'NodeResourcesFit');
  assert.deepEqual(e.preemptionCandidates, []);
});

test('FitError: a request larger than any node is not helped by preemption; several reasons per node', () => {
  const e = fitError(scheduleOne(makePod('p', { cpu: '3', memory: '9Gi' }), fiveNodes()));
  assert.equal(
    e.message,
    '0/5 nodes are available: 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu, 3 Insufficient memory. ' +
      'preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.',
  );
});

test('FitError: preemptionPolicy Never and disabled preemption', () => {
  const never = makePod('p', { cpu: '1', spec: { preemptionPolicy: 'Never' } });
  assert.equal(
    fitError(scheduleOne(never, fiveNodes())).message,
    '0/5 nodes are available: 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu. ' +
      'preemption: not eligible due to preemptionPolicy=Never.',
  );
  assert.equal(
    fitError(scheduleOne(makePod('p', { cpu: '1' }), fiveNodes(), { disablePreemption: true })).message,
    '0/5 nodes are available: 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu.',
  );
});

test('FitError: nodes where evicting lower-priority pods helps are reported, without a suffix', () => {
  const s = Snapshot.build(
    [makeNode('w1', { cpu: '2' }), makeNode('w2', { cpu: '2' })],
    [makePod('low', { cpu: '1500m', nodeName: 'w1', priority: -10 }), makePod('high', { cpu: '1500m', nodeName: 'w2', priority: 1000 })],
  );
  const e = fitError(scheduleOne(makePod('p', { cpu: '1', priority: 100 }), s));
  assert.equal(e.message, '0/2 nodes are available: 2 Insufficient cpu.');
  assert.deepEqual(e.preemptionCandidates, ['w1']);
  // Victims that do not free enough: the reasons after removing them are reported.
  const s2 = Snapshot.build(
    [makeNode('w1', { cpu: '2' })],
    [makePod('low', { cpu: '500m', nodeName: 'w1', priority: -10 }), makePod('high', { cpu: '1500m', nodeName: 'w1', priority: 1000 })],
  );
  assert.equal(
    fitError(scheduleOne(makePod('p', { cpu: '1', priority: 100 }), s2)).message,
    '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.',
  );
});

test('no nodes at all is a plain error', () => {
  const r = scheduleOne(makePod('p'), new Snapshot());
  assert.ok('error' in r && !(r.error instanceof FitError));
  assert.equal(r.error.message, 'no nodes available to schedule pods');
});

test('numFeasibleNodesToFind: adaptive percentage, 5% floor, 100 node minimum', () => {
  assert.equal(numFeasibleNodesToFind(undefined, 50), 50);
  assert.equal(numFeasibleNodesToFind(undefined, 150), 100);
  assert.equal(numFeasibleNodesToFind(undefined, 1000), 420);
  assert.equal(numFeasibleNodesToFind(undefined, 5000), 500);
  assert.equal(numFeasibleNodesToFind(undefined, 10000), 500);
  assert.equal(numFeasibleNodesToFind(0, 20000), 1000);
  assert.equal(numFeasibleNodesToFind(30, 1000), 300);
  assert.equal(numFeasibleNodesToFind(1, 1000), 100);
  assert.equal(numFeasibleNodesToFind(100, 1000), 1000);
});

test('sampling stops after enough feasible nodes and rotates the start index', () => {
  const nodes = Array.from({ length: 1000 }, (_, i) => makeNode(`n${i}`));
  const s = Snapshot.build(nodes);
  const r1 = scheduleOne(makePod('p'), s, { random: seededRandom(1) });
  assert.ok('node' in r1);
  assert.equal(r1.evaluatedNodes, 420);
  assert.equal(r1.feasibleNodes, 420);
  assert.equal(r1.nextStartIndex, 420);
  const r2 = scheduleOne(makePod('p'), s, { startIndex: 900, random: seededRandom(1) });
  assert.ok('node' in r2);
  assert.equal(r2.nextStartIndex, (900 + 420) % 1000);
  const idx = Number(r2.node.slice(1));
  assert.ok(idx >= 900 || idx < 320, `chosen ${r2.node} must be among the sampled nodes`);
});

test('picks the least allocated node; ties broken by the seeded generator', () => {
  const s = Snapshot.build(
    [makeNode('a'), makeNode('b'), makeNode('c'), makeNode('d')],
    [makePod('x', { cpu: '2', memory: '2Gi', nodeName: 'a' }), makePod('y', { cpu: '1', memory: '1Gi', nodeName: 'b' })],
  );
  const pod = makePod('p', { cpu: '500m', memory: '512Mi' });
  const picks = new Set<string>();
  for (let seed = 0; seed < 40; seed++) picks.add(nodeOf(scheduleOne(pod, s, { random: seededRandom(seed) })));
  assert.deepEqual([...picks].sort(), ['c', 'd']);
  const a = nodeOf(scheduleOne(pod, s, { random: seededRandom(7) }));
  const b = nodeOf(scheduleOne(pod, s, { random: seededRandom(7) }));
  assert.equal(a, b);
});

test('a single feasible node is chosen; spec.nodeName is honoured', () => {
  const s = fiveNodes();
  assert.equal(nodeOf(scheduleOne(makePod('p', { cpu: '100m', spec: { nodeName: 'w2' } }), s)), 'w2');
  const tolerant = makePod('p', { cpu: '1', spec: { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }] } });
  assert.ok(['cp1', 'cp2'].includes(nodeOf(scheduleOne(tolerant, s))));
});

test('replicas of a ReplicaSet spread over zones and hosts by the system default constraints', () => {
  const nodes = ['a', 'b', 'c'].flatMap((z) =>
    [1, 2].map((i) => makeNode(`${z}${i}`, { labels: { 'topology.kubernetes.io/zone': z } })),
  );
  const s = Snapshot.build(nodes);
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-1', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: {} },
  };
  const placed: string[] = [];
  const rnd = seededRandom(42);
  for (let i = 0; i < 6; i++) {
    const pod: Pod = makePod(`web-${i}`, {
      labels: { app: 'web' },
      cpu: '100m',
      memory: '128Mi',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs', controller: true }],
    });
    const node = nodeOf(scheduleOne(pod, s, { random: rnd, defaultSpreadSelector: defaultSpreadSelector(pod, [], [rs]) }));
    placed.push(node);
    s.assume(pod, node);
  }
  assert.deepEqual([...placed].sort(), ['a1', 'a2', 'b1', 'b2', 'c1', 'c2']);
  const zonesOfFirstThree = new Set(placed.slice(0, 3).map((n) => n[0]));
  assert.equal(zonesOfFirstThree.size, 3, `first three replicas in three zones: ${placed}`);
});

test('required anti-affinity replicas fill one node each and then fail with the upstream reason', () => {
  const s = Snapshot.build([makeNode('n1'), makeNode('n2')]);
  const mk = (i: number) =>
    makePod(`db-${i}`, {
      labels: { app: 'db' },
      spec: {
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'db' } } }],
          },
        },
      },
    });
  const used = new Set<string>();
  for (let i = 0; i < 2; i++) {
    const p = mk(i);
    const n = nodeOf(scheduleOne(p, s, { random: seededRandom(i) }));
    used.add(n);
    s.assume(p, n);
  }
  assert.equal(used.size, 2);
  assert.equal(
    fitError(scheduleOne(mk(3), s)).message,
    "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. " +
      'preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
  );
});
