import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { CycleState } from './cyclestate.js';
import { Snapshot } from './nodeinfo.js';
import { defaultSpreadSelector, podTopologySpreadFilter, podTopologySpreadScore } from './plugins/podtopologyspread.js';
import { makeNode, makePod } from './testfixtures.js';

const ZONE = 'topology.kubernetes.io/zone';
const zone = (z: string, extra: Record<string, string> = {}) => ({ labels: { [ZONE]: z, ...extra } });

function filterAll(pod: Pod, s: Snapshot): Record<string, string> {
  const state = new CycleState();
  const out: Record<string, string> = {};
  for (const ni of s.list) {
    const st = podTopologySpreadFilter.filter(pod, ni, s, state);
    out[ni.name] = st.code === 'Success' ? 'ok' : `${st.code}: ${st.reasons.join()}`;
  }
  return out;
}

const web = (name: string, nodeName?: string, extra: Record<string, string> = {}) =>
  makePod(name, { labels: { app: 'web', ...extra }, ...(nodeName ? { nodeName } : {}) });

function spreadPod(c: Partial<TopologySpreadConstraint>, spec: Partial<NonNullable<Pod['spec']>> = {}, labels = { app: 'web' }): Pod {
  return makePod('new', {
    labels,
    spec: {
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...c },
      ],
      ...spec,
    },
  });
}

const SKEW = "Unschedulable: node(s) didn't match pod topology spread constraints";
const LABEL = "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)";

test('DoNotSchedule: maxSkew against the global minimum; nodes without the key are unresolvable', () => {
  const s = Snapshot.build(
    [makeNode('n1', zone('a')), makeNode('n2', zone('a')), makeNode('n3', zone('b')), makeNode('n4')],
    [web('w1', 'n1'), web('w2', 'n2'), web('w3', 'n3'), makePod('other', { labels: { app: 'db' }, nodeName: 'n3' })],
  );
  assert.deepEqual(filterAll(spreadPod({}), s), { n1: SKEW, n2: SKEW, n3: 'ok', n4: LABEL });
  assert.deepEqual(filterAll(spreadPod({ maxSkew: 2 }), s), { n1: 'ok', n2: 'ok', n3: 'ok', n4: LABEL });
  // A pod not matching its own selector does not count itself: 2 + 0 - 1 <= 1.
  assert.deepEqual(filterAll(spreadPod({}, {}, { app: 'other' } as never), s), { n1: 'ok', n2: 'ok', n3: 'ok', n4: LABEL });
});

test('minDomains: fewer domains than minDomains makes the global minimum 0', () => {
  const s = Snapshot.build([makeNode('n1', zone('a')), makeNode('n3', zone('b'))], [web('w1', 'n1'), web('w3', 'n3')]);
  assert.deepEqual(filterAll(spreadPod({}), s), { n1: 'ok', n3: 'ok' });
  assert.deepEqual(filterAll(spreadPod({ minDomains: 3 }), s), { n1: SKEW, n3: SKEW });
});

test('nodeAffinityPolicy Honor (default) counts only nodes the pod could use', () => {
  const s = Snapshot.build([makeNode('n1', zone('a', { disk: 'ssd' })), makeNode('n3', zone('b'))], [web('w1', 'n1')]);
  assert.equal(filterAll(spreadPod({}, { nodeSelector: { disk: 'ssd' } }), s).n1, 'ok');
  assert.equal(filterAll(spreadPod({ nodeAffinityPolicy: 'Ignore' }, { nodeSelector: { disk: 'ssd' } }), s).n1, SKEW);
});

test('nodeTaintsPolicy Honor skips nodes with untolerated taints', () => {
  const s = Snapshot.build(
    [makeNode('n1', zone('a')), makeNode('n3', { ...zone('b'), taints: [{ key: 'k', effect: 'NoSchedule' }] })],
    [web('w1', 'n1')],
  );
  assert.equal(filterAll(spreadPod({}), s).n1, SKEW);
  assert.equal(filterAll(spreadPod({ nodeTaintsPolicy: 'Honor' }), s).n1, 'ok');
});

test('matchLabelKeys narrows the selector to the pod values', () => {
  const s = Snapshot.build(
    [makeNode('n1', zone('a')), makeNode('n3', zone('b'))],
    [web('old1', 'n1', { 'pod-template-hash': 'v1' }), web('old2', 'n1', { 'pod-template-hash': 'v1' })],
  );
  const pod = spreadPod({ matchLabelKeys: ['pod-template-hash'] }, {}, { app: 'web', 'pod-template-hash': 'v2' } as never);
  assert.deepEqual(filterAll(pod, s), { n1: 'ok', n3: 'ok' });
  const without = spreadPod({}, {}, { app: 'web', 'pod-template-hash': 'v2' } as never);
  assert.deepEqual(filterAll(without, s), { n1: SKEW, n3: 'ok' });
});

test('system default spreading scores by hostname and zone', () => {
  const s = Snapshot.build(
    [makeNode('n1', zone('a')), makeNode('n2', zone('a')), makeNode('n3', zone('b'))],
    [web('w1', 'n1'), web('w2', 'n1')],
  );
  const pod = web('new');
  const state = new CycleState({ defaultSpreadSelector: defaultSpreadSelector(pod, [{ metadata: { name: 'svc', namespace: 'default' }, spec: { selector: { app: 'web' } } }]) });
  const nodes = ['n1', 'n2', 'n3'].map((n) => s.get(n)!);
  assert.equal(podTopologySpreadScore.preScore!(pod, nodes, s, state), true);
  const raw = nodes.map((ni) => podTopologySpreadScore.score(pod, ni, s, state));
  // n1: 2·ln5 + 2 + 2·ln4 + 4 = 11.99; n2: 2 + 2·ln4 + 4 = 8.77; n3: 2 + 4
  assert.deepEqual(raw, [12, 9, 6]);
  podTopologySpreadScore.normalize!(raw, nodes, state);
  assert.deepEqual(raw, [50, 75, 100]);
  // Without a selector there is no default spreading.
  assert.equal(podTopologySpreadScore.preScore!(pod, nodes, s, new CycleState()), false);
});

test('ScheduleAnyway constraints ignore nodes missing the key when scoring', () => {
  const s = Snapshot.build([makeNode('n1', zone('a')), makeNode('n3', zone('b')), makeNode('n4')], [web('w1', 'n1')]);
  const pod = spreadPod({ whenUnsatisfiable: 'ScheduleAnyway' });
  const state = new CycleState();
  const nodes = ['n1', 'n3', 'n4'].map((n) => s.get(n)!);
  assert.equal(podTopologySpreadScore.preScore!(pod, nodes, s, state), true);
  const raw = nodes.map((ni) => podTopologySpreadScore.score(pod, ni, s, state));
  assert.deepEqual(raw, [1, 0, 0]); // 1·ln4 + 0 = 1.39 → 1
  podTopologySpreadScore.normalize!(raw, nodes, state);
  assert.deepEqual(raw, [0, 100, 0]);
  // ScheduleAnyway constraints never filter.
  assert.deepEqual(filterAll(pod, s), { n1: 'ok', n3: 'ok', n4: 'ok' });
});

test('defaultSpreadSelector merges matching services and the controlling ReplicaSet', () => {
  const pod = makePod('p', {
    labels: { app: 'web', tier: 'front', 'pod-template-hash': 'abc' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'u', controller: true }],
  });
  const sel = defaultSpreadSelector(
    pod,
    [
      { metadata: { name: 's1', namespace: 'default' }, spec: { selector: { app: 'web' } } },
      { metadata: { name: 's2', namespace: 'default' }, spec: { selector: { app: 'db' } } },
      { metadata: { name: 's3', namespace: 'other' }, spec: { selector: { tier: 'front' } } },
      { metadata: { name: 'headless', namespace: 'default' }, spec: {} },
    ],
    [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'web-abc', namespace: 'default' },
        spec: { selector: { matchLabels: { app: 'web', 'pod-template-hash': 'abc' } }, template: {} },
      },
    ],
  );
  assert.equal(sel.toString(), 'app=web,app=web,pod-template-hash=abc');
  assert.equal(sel.matches({ app: 'web', 'pod-template-hash': 'abc' }), true);
  assert.equal(defaultSpreadSelector(makePod('lonely'), []).empty(), true);
});
