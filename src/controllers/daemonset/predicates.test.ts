import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import { addDaemonPodTolerations, nodeShouldRunDaemonPod, replaceNodeNameAffinity, requiredNodeAffinityMatches, targetNodeName, type DaemonSetObj, type NodeObj } from './predicates.js';

const node = (name: string, labels: Record<string, string> = {}, taints: any[] = []): NodeObj => ({ metadata: { name, labels }, spec: { taints } });
const ds = (spec: Partial<PodSpec> = {}): DaemonSetObj => ({ metadata: { name: 'd', namespace: 'default' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }], ...spec } } } });

describe('daemonset predicates', () => {
  it('adds the default daemon tolerations once, network-unavailable only for hostNetwork', () => {
    const spec: PodSpec = { containers: [], tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }] };
    addDaemonPodTolerations(spec);
    addDaemonPodTolerations(spec);
    const keys = spec.tolerations!.map((t) => `${t.key}:${t.effect}`);
    assert.deepEqual(keys, [
      'node.kubernetes.io/not-ready:NoExecute',
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule',
      'node.kubernetes.io/pid-pressure:NoSchedule',
      'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
    assert.equal(spec.tolerations![0]!.tolerationSeconds, undefined, 'the matching toleration is replaced (no seconds)');
    const host: PodSpec = { containers: [], hostNetwork: true };
    addDaemonPodTolerations(host);
    assert.ok(host.tolerations!.some((t) => t.key === 'node.kubernetes.io/network-unavailable'));
  });

  it('decides shouldRun / shouldContinueRunning from taints', () => {
    assert.deepEqual(nodeShouldRunDaemonPod(node('a'), ds()), { shouldRun: true, shouldContinueRunning: true });
    assert.deepEqual(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'x', value: 'y', effect: 'NoSchedule' }]), ds()), { shouldRun: false, shouldContinueRunning: true });
    assert.deepEqual(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'x', effect: 'NoExecute' }]), ds()), { shouldRun: false, shouldContinueRunning: false });
    assert.deepEqual(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'x', value: 'y', effect: 'NoSchedule' }]), ds({ tolerations: [{ key: 'x', operator: 'Equal', value: 'y' }] })).shouldRun, true);
    // Default tolerations cover the node-condition taints.
    assert.equal(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]), ds()).shouldRun, true);
    assert.equal(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), ds()).shouldRun, false);
    assert.equal(nodeShouldRunDaemonPod(node('a'), ds({ nodeName: 'b' })).shouldRun, false);
  });

  it('matches nodeSelector and required node affinity', () => {
    const n = node('n1', { zone: 'a', cores: '8' });
    assert.ok(requiredNodeAffinityMatches({ containers: [], nodeSelector: { zone: 'a' } }, n));
    assert.ok(!requiredNodeAffinityMatches({ containers: [], nodeSelector: { zone: 'b' } }, n));
    const aff = (terms: any[]): PodSpec => ({ containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });
    assert.ok(requiredNodeAffinityMatches(aff([{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] }]), n));
    assert.ok(!requiredNodeAffinityMatches(aff([{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }]), n));
    assert.ok(requiredNodeAffinityMatches(aff([{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }]), n));
    assert.ok(!requiredNodeAffinityMatches(aff([{}]), n), 'an empty term matches nothing');
    assert.equal(nodeShouldRunDaemonPod(n, ds({ nodeSelector: { zone: 'b' } })).shouldContinueRunning, false);
  });

  it('pins pods to their node with matchFields and reads the target back', () => {
    const a = replaceNodeNameAffinity({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'Exists' }] }] } }, podAffinity: {} }, 'n7');
    assert.deepEqual(a.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution, { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n7'] }] }] });
    assert.deepEqual(a.podAffinity, {});
    assert.equal(targetNodeName({ containers: [], affinity: a }), 'n7');
    assert.equal(targetNodeName({ containers: [], nodeName: 'n2', affinity: a }), 'n2');
    assert.equal(targetNodeName({ containers: [] }), undefined);
  });
});
