import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeInfo, Snapshot } from './nodeinfo.js';
import { makeNode, makePod } from './testfixtures.js';

test('NodeInfo sums requests, non-zero requests and ports; removePod undoes addPod', () => {
  const ni = new NodeInfo(makeNode('n1', { cpu: '2', memory: '4Gi', pods: '10' }));
  assert.equal(ni.allocatable.milliCPU, 2000);
  assert.equal(ni.allocatable.memory, 4 * 1024 ** 3);
  assert.equal(ni.allowedPodNumber, 10);
  const a = makePod('a', { cpu: '500m', memory: '1Gi', nodeName: 'n1' });
  const b = makePod('b', {
    nodeName: 'n1',
    containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 53, hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.1' }] }],
  });
  ni.addPod(a);
  ni.addPod(b);
  assert.equal(ni.requested.milliCPU, 500);
  assert.equal(ni.nonZeroRequested.milliCPU, 600);
  assert.equal(ni.nonZeroRequested.memory, 1024 ** 3 + 200 * 1024 * 1024);
  assert.equal(ni.portConflicts({ ip: '0.0.0.0', protocol: 'TCP', port: 8080 }), true);
  assert.equal(ni.portConflicts({ ip: '10.0.0.2', protocol: 'TCP', port: 8080 }), true, '0.0.0.0 binding covers every IP');
  assert.equal(ni.portConflicts({ ip: '10.0.0.2', protocol: 'UDP', port: 53 }), false);
  assert.equal(ni.portConflicts({ ip: '0.0.0.0', protocol: 'UDP', port: 53 }), true);
  assert.equal(ni.removePod(b), true);
  assert.equal(ni.portConflicts({ ip: '0.0.0.0', protocol: 'TCP', port: 8080 }), false);
  assert.equal(ni.removePod(a), true);
  assert.equal(ni.requested.milliCPU, 0);
  assert.equal(ni.nonZeroRequested.memory, 0);
  assert.equal(ni.removePod(a), false);
});

test('Snapshot orders nodes round-robin over zones and keeps pods of unknown nodes', () => {
  const z = (zone: string) => ({ labels: { 'topology.kubernetes.io/zone': zone, 'topology.kubernetes.io/region': 'r' } });
  const s = Snapshot.build([makeNode('a1', z('a')), makeNode('a2', z('a')), makeNode('a3', z('a')), makeNode('b1', z('b')), makeNode('c1', z('c'))]);
  assert.deepEqual(
    s.list.map((n) => n.name),
    ['a1', 'b1', 'c1', 'a2', 'a3'],
  );
  const p = makePod('p', { cpu: '1', nodeName: 'later' });
  s.addPod(p);
  const ni = s.setNode(makeNode('later'));
  assert.equal(ni.pods.length, 1);
  assert.equal(ni.requested.milliCPU, 1000);
  s.removeNode('later');
  assert.equal(s.get('later'), undefined);
  assert.equal(s.setNode(makeNode('later')).pods.length, 1, 'pods survive a node delete/re-add');
});

test('Snapshot indexes nodes with affinity pods and image spread', () => {
  const img = [{ names: ['registry.local/app:1.0'], sizeBytes: 100 * 1024 * 1024 }];
  const s = Snapshot.build([makeNode('n1', { images: img }), makeNode('n2', { images: img }), makeNode('n3')]);
  assert.equal(s.imageNodeCounts.get('registry.local/app:1.0'), 2);
  const anti = makePod('anti', {
    nodeName: 'n1',
    labels: { app: 'x' },
    spec: {
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'x' } } }],
        },
      },
    },
  });
  s.addPod(anti);
  assert.deepEqual([...s.havePodsWithAffinity()].map((n) => n.name), ['n1']);
  assert.deepEqual([...s.havePodsWithRequiredAntiAffinity()].map((n) => n.name), ['n1']);
  s.removePod(anti);
  assert.equal([...s.havePodsWithRequiredAntiAffinity()].length, 0);
});
