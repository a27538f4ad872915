import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planMirror, type EndpointsObj } from './reconciler.js';
import type { SliceObj } from '../common/endpointset.js';

const ep = (subsets: EndpointsObj['subsets'], extra: Partial<NonNullable<EndpointsObj['metadata']>> = {}): EndpointsObj => ({
  metadata: { name: 'ext', namespace: 'ns', uid: 'ep-uid', labels: { team: 'a' }, annotations: { note: 'x', 'endpoints.kubernetes.io/last-change-trigger-time': 't' }, ...extra },
  subsets,
});

const stored = (s: SliceObj, i: number): SliceObj => {
  const meta = { ...structuredClone(s.metadata), name: s.metadata?.name ?? `ext-${i}`, uid: `u${i}`, resourceVersion: String(i) };
  delete meta.generateName;
  return { ...structuredClone(s), metadata: meta };
};

describe('planMirror', () => {
  it('mirrors ready and not-ready addresses with labels, annotations and owner', () => {
    const plan = planMirror(ep([{ addresses: [{ ip: '192.168.1.10', nodeName: 'n1' }], notReadyAddresses: [{ ip: '192.168.1.11' }], ports: [{ name: 'db', port: 5432 }] }]), []);
    assert.equal(plan.create.length, 1);
    const s = plan.create[0]!;
    assert.equal(s.metadata?.generateName, 'ext-');
    assert.deepEqual(s.metadata?.labels, { team: 'a', 'kubernetes.io/service-name': 'ext', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io' });
    assert.deepEqual(s.metadata?.annotations, { note: 'x' });
    assert.deepEqual(s.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Endpoints', name: 'ext', uid: 'ep-uid', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(s.ports, [{ name: 'db', port: 5432, protocol: 'TCP' }]);
    assert.deepEqual(s.endpoints, [
      { addresses: ['192.168.1.10'], conditions: { ready: true }, nodeName: 'n1' },
      { addresses: ['192.168.1.11'], conditions: { ready: false } },
    ]);
  });

  it('is a no-op when the slice matches, rewrites the first slice otherwise and deletes the rest', () => {
    const e = ep([{ addresses: [{ ip: '192.168.1.10' }], ports: [{ port: 80 }] }]);
    const existing = planMirror(e, []).create.map(stored);
    assert.deepEqual([planMirror(e, existing).create, planMirror(e, existing).update, planMirror(e, existing).delete], [[], [], []]);
    const dup = { ...stored(existing[0]!, 7) };
    const changed = ep([{ addresses: [{ ip: '192.168.1.12' }], ports: [{ port: 80 }] }]);
    const plan = planMirror(changed, [existing[0]!, dup]);
    assert.equal(plan.update.length, 1);
    assert.equal(plan.update[0]!.metadata?.name, existing[0]!.metadata?.name);
    assert.deepEqual(plan.update[0]!.endpoints.map((x) => x.addresses[0]), ['192.168.1.12']);
    assert.deepEqual(plan.delete.map((s) => s.metadata?.uid), ['u7']);
  });

  it('skips invalid IPs and addresses beyond the per-subset maximum, counting them', () => {
    const plan = planMirror(ep([{ addresses: [{ ip: 'not-an-ip' }, { ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: '10.0.0.3' }], ports: [{ port: 80 }] }]), [], 2);
    assert.equal(plan.invalidAddresses, 1);
    assert.equal(plan.skippedAddresses, 2);
    assert.equal(plan.create[0]!.endpoints.length, 2);
  });

  it('deletes slices of port sets that are gone and everything when no addresses are left', () => {
    const existing = planMirror(ep([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }]), []).create.map(stored);
    const plan = planMirror(ep([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 81 }] }]), existing);
    assert.deepEqual([plan.create.length, plan.delete.length, plan.update.length], [0, 0, 1], 'recycled');
    assert.equal(plan.update[0]!.ports?.[0]?.port, 81);
    assert.deepEqual(planMirror(ep([]), existing).delete.map((s) => s.metadata?.name), [existing[0]!.metadata?.name]);
  });
});

describe('shouldMirror', () => {
  it('skips Endpoints labeled skip-mirror or holding a leader-election record', async () => {
    const { shouldMirror } = await import('./controller.js');
    assert.equal(shouldMirror(ep([])), true);
    assert.equal(shouldMirror(ep([], { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } })), false);
    assert.equal(shouldMirror(ep([], { annotations: { 'control-plane.alpha.kubernetes.io/leader': '{}' } })), false);
    assert.equal(shouldMirror(undefined), false);
  });
});
