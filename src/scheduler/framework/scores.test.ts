import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { CycleState, type ScorePlugin } from './cyclestate.js';
import { Snapshot } from './nodeinfo.js';
import { imageLocalityScore } from './plugins/imagelocality.js';
import { nodeAffinityScore } from './plugins/nodeaffinity.js';
import { balancedAllocationScore, nodeResourcesFitScore } from './plugins/noderesources.js';
import { taintTolerationScore } from './plugins/tainttoleration.js';
import { makeNode, makePod } from './testfixtures.js';

function scores(p: ScorePlugin, pod: Pod, s: Snapshot, names: string[]): number[] {
  const state = new CycleState();
  const nodes = names.map((n) => s.get(n)!);
  if (p.preScore && !p.preScore(pod, nodes, s, state)) return nodes.map(() => 0);
  const raw = nodes.map((ni) => p.score(pod, ni, s, state));
  p.normalize?.(raw, nodes, state);
  return raw;
}

test('NodeResourcesFit LeastAllocated over cpu and memory with non-zero defaults', () => {
  const s = Snapshot.build(
    [makeNode('busy', { cpu: '4', memory: '8Gi' }), makeNode('idle', { cpu: '4', memory: '8Gi' }), makeNode('nocpu', { cpu: '0', memory: '8Gi' })],
    [makePod('a', { cpu: '1', memory: '2Gi', nodeName: 'busy' })],
  );
  assert.deepEqual(scores(nodeResourcesFitScore, makePod('p', { cpu: '1', memory: '2Gi' }), s, ['busy', 'idle', 'nocpu']), [50, 75, 75]);
  // A pod without requests counts as 100m / 200Mi: (4000-100)·100/4000 = 97, (8192-200)·100/8192 = 97.
  assert.deepEqual(scores(nodeResourcesFitScore, makePod('p'), s, ['idle']), [97]);
  // Over-committed resources score 0.
  assert.deepEqual(scores(nodeResourcesFitScore, makePod('p', { cpu: '5', memory: '2Gi' }), s, ['idle']), [37]);
});

test('BalancedAllocation: 1 - |cpu fraction - memory fraction| / 2', () => {
  const s = Snapshot.build([makeNode('n', { cpu: '4', memory: '8Gi' })], [makePod('a', { cpu: '1', nodeName: 'n' })]);
  // cpu (1+1)/4 = 0.5, memory 2/8 = 0.25 → (1 - 0.125)·100 = 87
  assert.deepEqual(scores(balancedAllocationScore, makePod('p', { cpu: '1', memory: '2Gi' }), s, ['n']), [87]);
  // Fractions are capped at 1.
  assert.deepEqual(scores(balancedAllocationScore, makePod('p', { cpu: '8' }), s, ['n']), [50]);
});

test('TaintToleration: fewer untolerated PreferNoSchedule taints score higher', () => {
  const soft = (k: string) => ({ key: k, effect: 'PreferNoSchedule' });
  const s = Snapshot.build([
    makeNode('clean'),
    makeNode('one', { taints: [soft('a')] }),
    makeNode('two', { taints: [soft('a'), soft('b'), { key: 'hard', effect: 'NoSchedule' }] }),
  ]);
  assert.deepEqual(scores(taintTolerationScore, makePod('p'), s, ['clean', 'one', 'two']), [100, 50, 0]);
  const tolerant = makePod('p', { spec: { tolerations: [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }, { key: 'b', operator: 'Exists' }] } });
  assert.deepEqual(scores(taintTolerationScore, tolerant, s, ['clean', 'one', 'two']), [100, 100, 100]);
});

test('NodeAffinity: preferred term weights, normalized by the best node', () => {
  const s = Snapshot.build([
    makeNode('both', { labels: { zone: 'a', disk: 'ssd' } }),
    makeNode('zone', { labels: { zone: 'a' } }),
    makeNode('none'),
  ]);
  const pod = makePod('p', {
    spec: {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 10, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
            { weight: 5, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } },
          ],
        },
      },
    },
  });
  assert.deepEqual(scores(nodeAffinityScore, pod, s, ['both', 'zone', 'none']), [100, 66, 0]);
  assert.deepEqual(scores(nodeAffinityScore, makePod('q'), s, ['both', 'zone', 'none']), [0, 0, 0]);
});

test('ImageLocality: image size scaled by spread, clamped between 23Mi and 1000Mi per container', () => {
  const big = [{ names: ['registry.local/app:1.0'], sizeBytes: 500 * 1024 * 1024 }];
  const s = Snapshot.build([makeNode('has', { images: big }), makeNode('lacks')]);
  // 500Mi · 1/2 = 250Mi → 100·(250-23)/(1000-23) = 23
  assert.deepEqual(scores(imageLocalityScore, makePod('p'), s, ['has', 'lacks']), [23, 0]);
  const untagged = makePod('p', { containers: [{ name: 'c', image: 'registry.local/app' }] });
  assert.deepEqual(scores(imageLocalityScore, untagged, s, ['has']), [0], 'untagged means :latest');
});
