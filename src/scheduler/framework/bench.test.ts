/**
 * Micro-benchmark (prints, never fails on time): 1,000 pods onto 5,000 nodes in-process, assuming
 * each placement into the snapshot as the scheduling loop will.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Snapshot } from './nodeinfo.js';
import { defaultSpreadSelector } from './plugins/podtopologyspread.js';
import { scheduleOne, seededRandom } from './schedule.js';
import { CONTROL_PLANE_TAINT, makeNode, makePod } from './testfixtures.js';

test('benchmark: 1,000 pods onto 5,000 nodes', () => {
  const nodes = Array.from({ length: 5000 }, (_, i) =>
    makeNode(`node-${i}`, {
      cpu: '8',
      memory: '32Gi',
      labels: { 'topology.kubernetes.io/zone': `zone-${i % 10}`, 'topology.kubernetes.io/region': 'r1', ...(i % 4 === 0 ? { disk: 'ssd' } : {}) },
      ...(i < 3 ? { taints: [CONTROL_PLANE_TAINT] } : {}),
    }),
  );
  // Some pods already running, spread over the first 2,000 nodes.
  const existing = Array.from({ length: 4000 }, (_, i) => makePod(`old-${i}`, { cpu: '500m', memory: '1Gi', nodeName: `node-${i % 2000}`, labels: { app: `old-${i % 50}` } }));
  const snapshot = Snapshot.build(nodes, existing);
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-abc', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: {} },
  };
  const pods: Pod[] = Array.from({ length: 1000 }, (_, i) => {
    if (i % 2 === 0) {
      // A Deployment's replicas: default spreading applies.
      return makePod(`web-${i}`, {
        cpu: '250m',
        memory: '256Mi',
        labels: { app: 'web' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs', controller: true }],
      });
    }
    if (i % 10 === 1) {
      return makePod(`ssd-${i}`, { cpu: '1', memory: '2Gi', spec: { nodeSelector: { disk: 'ssd' } } });
    }
    return makePod(`job-${i}`, { cpu: '100m', memory: '128Mi' });
  });
  const selector = defaultSpreadSelector(pods[0]!, [], [rs]);
  const random = seededRandom(1);
  let start = 0;
  let scheduled = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (const pod of pods) {
    const r = scheduleOne(pod, snapshot, {
      startIndex: start,
      random,
      ...(pod.metadata?.labels?.app === 'web' ? { defaultSpreadSelector: selector } : {}),
    });
    start = r.nextStartIndex;
    if ('node' in r) {
      snapshot.assume(pod, r.node);
      scheduled++;
    }
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  assert.equal(scheduled, 1000);
  const perNode = new Map<string, number>();
  for (const ni of snapshot.list) for (const p of ni.pods) if (p.pod.metadata?.labels?.app === 'web') perNode.set(ni.name, (perNode.get(ni.name) ?? 0) + 1);
  console.log(
    `scheduler framework: 1000 pods onto 5000 nodes in ${ms.toFixed(0)} ms wall (${cpuMs.toFixed(0)} ms cpu) = ` +
      `${Math.round(1000 / (ms / 1000))} pods/s wall, ${Math.round(1000 / (cpuMs / 1000))} pods/s per cpu-second ` +
      `(web replicas on ${perNode.size} nodes, max ${Math.max(...perNode.values())} per node)`,
  );
});
