import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { CycleState, type FilterPlugin } from './cyclestate.js';
import { NodeInfo, Snapshot } from './nodeinfo.js';
import { nodeAffinityFilter } from './plugins/nodeaffinity.js';
import { nodePortsFilter } from './plugins/nodeports.js';
import { nodeResourcesFitFilter } from './plugins/noderesources.js';
import { nodeNameFilter, nodeUnschedulableFilter } from './plugins/nodeunschedulable.js';
import { taintTolerationFilter } from './plugins/tainttoleration.js';
import { CONTROL_PLANE_TAINT, makeNode, makePod } from './testfixtures.js';

function run(f: FilterPlugin, pod: Pod, ni: NodeInfo) {
  const s = new Snapshot();
  return f.filter(pod, ni, s, new CycleState());
}

test('NodeUnschedulable: cordoned node fails unless the taint is tolerated', () => {
  const ni = new NodeInfo(makeNode('n', { unschedulable: true }));
  assert.deepEqual(run(nodeUnschedulableFilter, makePod('p'), ni), {
    code: 'UnschedulableAndUnresolvable',
    reasons: ['node(s) were unschedulable'],
  });
  const tolerant = makePod('p', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } });
  assert.equal(run(nodeUnschedulableFilter, tolerant, ni).code, 'Success');
  assert.equal(run(nodeUnschedulableFilter, makePod('p'), new NodeInfo(makeNode('m'))).code, 'Success');
});

test('NodeName', () => {
  const pod = makePod('p', { nodeName: 'n2' });
  assert.deepEqual(run(nodeNameFilter, pod, new NodeInfo(makeNode('n1'))), {
    code: 'UnschedulableAndUnresolvable',
    reasons: ["node(s) didn't match the requested node name"],
  });
  assert.equal(run(nodeNameFilter, pod, new NodeInfo(makeNode('n2'))).code, 'Success');
});

test('NodeResourcesFit: each insufficient resource is a reason; Too many pods', () => {
  const ni = new NodeInfo(makeNode('n', { cpu: '2', memory: '2Gi', pods: '2', extra: { 'example.com/gpu': '1' } }));
  ni.addPod(makePod('a', { cpu: '1500m', memory: '1Gi', nodeName: 'n' }));
  assert.equal(run(nodeResourcesFitFilter, makePod('p', { cpu: '500m', memory: '1Gi' }), ni).code, 'Success');
  assert.deepEqual(run(nodeResourcesFitFilter, makePod('p', { cpu: '501m', memory: '1025Mi' }), ni), {
    code: 'Unschedulable',
    reasons: ['Insufficient cpu', 'Insufficient memory'],
  });
  assert.deepEqual(run(nodeResourcesFitFilter, makePod('p', { requests: { 'example.com/gpu': '2', 'ephemeral-storage': '200Gi' } }), ni), {
    code: 'UnschedulableAndUnresolvable',
    reasons: ['Insufficient ephemeral-storage', 'Insufficient example.com/gpu'],
  });
  assert.deepEqual(run(nodeResourcesFitFilter, makePod('p', { cpu: '3' }), ni), {
    code: 'UnschedulableAndUnresolvable',
    reasons: ['Insufficient cpu'],
  });
  ni.addPod(makePod('b', { nodeName: 'n' }));
  assert.deepEqual(run(nodeResourcesFitFilter, makePod('p'), ni), { code: 'Unschedulable', reasons: ['Too many pods'] });
});

test('NodeAffinity: nodeSelector and required terms with every operator', () => {
  const ni = new NodeInfo(makeNode('n1', { labels: { zone: 'a', disk: 'ssd', cores: '16' } }));
  const fail = { code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match Pod's node affinity/selector"] };
  const withTerms = (...terms: object[]) =>
    makePod('p', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms as never } } } } });
  assert.equal(run(nodeAffinityFilter, makePod('p', { spec: { nodeSelector: { disk: 'ssd' } } }), ni).code, 'Success');
  assert.deepEqual(run(nodeAffinityFilter, makePod('p', { spec: { nodeSelector: { disk: 'hdd' } } }), ni), fail);
  const ok = (e: object) => run(nodeAffinityFilter, withTerms({ matchExpressions: [e] }), ni).code === 'Success';
  assert.equal(ok({ key: 'zone', operator: 'In', values: ['a', 'b'] }), true);
  assert.equal(ok({ key: 'zone', operator: 'In', values: ['b'] }), false);
  assert.equal(ok({ key: 'zone', operator: 'NotIn', values: ['b'] }), true);
  assert.equal(ok({ key: 'gpu', operator: 'NotIn', values: ['x'] }), true);
  assert.equal(ok({ key: 'disk', operator: 'Exists' }), true);
  assert.equal(ok({ key: 'disk', operator: 'DoesNotExist' }), false);
  assert.equal(ok({ key: 'cores', operator: 'Gt', values: ['8'] }), true);
  assert.equal(ok({ key: 'cores', operator: 'Lt', values: ['8'] }), false);
  assert.equal(ok({ key: 'zone', operator: 'Gt', values: ['1'] }), false, 'non-integer label never matches Gt');
  assert.equal(ok({ key: 'zone', operator: 'Bogus', values: ['a'] }), false);
  // matchFields metadata.name
  assert.equal(run(nodeAffinityFilter, withTerms({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }), ni).code, 'Success');
  assert.deepEqual(run(nodeAffinityFilter, withTerms({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] }), ni), fail);
  // terms are ORed; an empty term matches nothing
  assert.equal(run(nodeAffinityFilter, withTerms({}, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }), ni).code, 'Success');
  assert.deepEqual(run(nodeAffinityFilter, withTerms({}), ni), fail);
  // nodeSelector and affinity must both match
  const both = withTerms({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] });
  both.spec!.nodeSelector = { disk: 'hdd' };
  assert.deepEqual(run(nodeAffinityFilter, both, ni), fail);
});

test('TaintToleration: first untolerated NoSchedule/NoExecute taint, upstream format', () => {
  const ni = new NodeInfo(
    makeNode('n', {
      taints: [{ key: 'soft', effect: 'PreferNoSchedule' }, CONTROL_PLANE_TAINT, { key: 'dedicated', value: 'gpu', effect: 'NoExecute' }],
    }),
  );
  assert.deepEqual(run(taintTolerationFilter, makePod('p'), ni), {
    code: 'UnschedulableAndUnresolvable',
    reasons: ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
  });
  const p1 = makePod('p', { spec: { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] } });
  assert.deepEqual(run(taintTolerationFilter, p1, ni).reasons, ['node(s) had untolerated taint {dedicated: gpu}']);
  const p2 = makePod('p', {
    spec: {
      tolerations: [
        { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' },
        { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoExecute' },
      ],
    },
  });
  assert.equal(run(taintTolerationFilter, p2, ni).code, 'Success');
  assert.equal(run(taintTolerationFilter, makePod('p', { spec: { tolerations: [{ operator: 'Exists' }] } }), ni).code, 'Success');
  const wrongValue = makePod('p', {
    spec: { tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }, { key: 'dedicated', value: 'cpu', effect: 'NoExecute' }] },
  });
  assert.equal(run(taintTolerationFilter, wrongValue, ni).code, 'UnschedulableAndUnresolvable');
});

test('NodePorts', () => {
  const ni = new NodeInfo(makeNode('n'));
  ni.addPod(makePod('a', { nodeName: 'n', containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 80 }] }] }));
  const want = (port: number, protocol = 'TCP', hostIP?: string) =>
    makePod('p', { containers: [{ name: 'c', ports: [{ containerPort: port, hostPort: port, protocol, ...(hostIP ? { hostIP } : {}) }] }] });
  assert.deepEqual(run(nodePortsFilter, want(80), ni), {
    code: 'Unschedulable',
    reasons: ["node(s) didn't have free ports for the requested pod ports"],
  });
  assert.equal(run(nodePortsFilter, want(80, 'TCP', '127.0.0.1'), ni).code, 'Unschedulable');
  assert.equal(run(nodePortsFilter, want(80, 'UDP'), ni).code, 'Success');
  assert.equal(run(nodePortsFilter, want(81), ni).code, 'Success');
  assert.equal(run(nodePortsFilter, makePod('p', { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] }), ni).code, 'Success');
});
