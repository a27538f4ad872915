import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, PodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { CycleState } from './cyclestate.js';
import { Snapshot } from './nodeinfo.js';
import { interPodAffinityFilter, interPodAffinityScore } from './plugins/interpodaffinity.js';
import { makeNode, makePod } from './testfixtures.js';

const zone = (z: string) => ({ labels: { 'topology.kubernetes.io/zone': z } });
const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';

function cluster(pods: Pod[] = []): Snapshot {
  return Snapshot.build([makeNode('n1', zone('a')), makeNode('n2', zone('a')), makeNode('n3', zone('b')), makeNode('n4')], pods, [
    { metadata: { name: 'default', labels: { team: 'x' } } },
    { metadata: { name: 'other', labels: { team: 'y' } } },
  ]);
}

function filterAll(pod: Pod, s: Snapshot): Record<string, string> {
  const state = new CycleState();
  const out: Record<string, string> = {};
  for (const ni of s.list) {
    const st = interPodAffinityFilter.filter(pod, ni, s, state);
    out[ni.name] = st.code === 'Success' ? 'ok' : `${st.code}: ${st.reasons.join()}`;
  }
  return out;
}

const term = (labels: Record<string, string>, topologyKey: string, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({
  labelSelector: { matchLabels: labels },
  topologyKey,
  ...extra,
});

const AFF = "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules";
const ANTI = "Unschedulable: node(s) didn't match pod anti-affinity rules";
const EXISTING = "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules";

test('required affinity: only domains holding a matching pod', () => {
  const s = cluster([makePod('db', { labels: { app: 'db' }, nodeName: 'n1' })]);
  const pod = makePod('web', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, ZONE)] } } } });
  assert.deepEqual(filterAll(pod, s), { n1: 'ok', n2: 'ok', n3: AFF, n4: AFF });
});

test('required affinity: the first pod of a self-affine group may go anywhere with the key', () => {
  const s = cluster();
  const pod = makePod('db', {
    labels: { app: 'db' },
    spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, ZONE)] } } },
  });
  assert.deepEqual(filterAll(pod, s), { n1: 'ok', n2: 'ok', n3: 'ok', n4: AFF });
});

test('required anti-affinity of the incoming pod; namespaces default to the pod own', () => {
  const s = cluster([makePod('w1', { labels: { app: 'web' }, nodeName: 'n1' }), makePod('w2', { namespace: 'other', labels: { app: 'web' }, nodeName: 'n3' })]);
  const pod = makePod('web', {
    labels: { app: 'web' },
    spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, HOST)] } } },
  });
  assert.deepEqual(filterAll(pod, s), { n1: ANTI, n2: 'ok', n3: 'ok', n4: 'ok' });
  const allNs = makePod('web', {
    labels: { app: 'web' },
    spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, HOST, { namespaceSelector: {} })] } } },
  });
  assert.deepEqual(filterAll(allNs, s), { n1: ANTI, n2: 'ok', n3: ANTI, n4: 'ok' });
  const byLabel = makePod('web', {
    labels: { app: 'web' },
    spec: {
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, HOST, { namespaceSelector: { matchLabels: { team: 'y' } } })],
        },
      },
    },
  });
  assert.deepEqual(filterAll(byLabel, s), { n1: 'ok', n2: 'ok', n3: ANTI, n4: 'ok' });
});

test("existing pods' required anti-affinity keeps the incoming pod out of their domain", () => {
  const guard = makePod('guard', {
    nodeName: 'n1',
    spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'noisy' }, ZONE)] } } },
  });
  const s = cluster([guard]);
  assert.deepEqual(filterAll(makePod('x', { labels: { app: 'noisy' } }), s), { n1: EXISTING, n2: EXISTING, n3: 'ok', n4: 'ok' });
  assert.deepEqual(filterAll(makePod('y', { labels: { app: 'quiet' } }), s), { n1: 'ok', n2: 'ok', n3: 'ok', n4: 'ok' });
});

test('preferred affinity and anti-affinity scores, min-max normalized', () => {
  const s = cluster([makePod('db', { labels: { app: 'db' }, nodeName: 'n1' }), makePod('cache', { labels: { app: 'cache' }, nodeName: 'n3' })]);
  const pod = makePod('web', {
    spec: {
      affinity: {
        podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term({ app: 'db' }, ZONE) }] },
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term({ app: 'cache' }, HOST) }] },
      },
    },
  });
  const state = new CycleState();
  const nodes = ['n1', 'n2', 'n3', 'n4'].map((n) => s.get(n)!);
  assert.equal(interPodAffinityScore.preScore!(pod, nodes, s, state), true);
  const raw = nodes.map((ni) => interPodAffinityScore.score(pod, ni, s, state));
  assert.deepEqual(raw, [10, 10, -5, 0]);
  interPodAffinityScore.normalize!(raw, nodes, state);
  assert.deepEqual(raw, [100, 100, 0, 33]);
});

test("existing pods' required affinity counts with hardPodAffinityWeight 1 in scoring", () => {
  const follower = makePod('f', {
    nodeName: 'n3',
    spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'leader' }, ZONE)] } } },
  });
  const s = cluster([follower]);
  const pod = makePod('leader', { labels: { app: 'leader' } });
  const state = new CycleState();
  const nodes = ['n1', 'n2', 'n3', 'n4'].map((n) => s.get(n)!);
  assert.equal(interPodAffinityScore.preScore!(pod, nodes, s, state), true);
  const raw = nodes.map((ni) => interPodAffinityScore.score(pod, ni, s, state));
  assert.deepEqual(raw, [0, 0, 1, 0]);
  // Nothing to score for a pod no term refers to.
  assert.equal(interPodAffinityScore.preScore!(makePod('z'), nodes, s, new CycleState()), false);
});
