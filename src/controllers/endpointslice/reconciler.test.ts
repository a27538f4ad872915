import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { ServiceObj } from '../common/endpointutil.js';
import { EndpointSliceTracker } from '../common/endpointslicetracker.js';
import { applyPlan, planSlices, type ApplyOptions, type PlanInput } from './reconciler.js';
import { CONTROLLER_NAME, type SliceObj } from './slices.js';

const svc: ServiceObj = {
  metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', labels: { tier: 'front' } },
  spec: { selector: { app: 'web' }, clusterIP: '10.43.0.10', ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
};

const pod = (i: number, o: { ready?: boolean; port?: number; deleting?: boolean; node?: string } = {}): Pod => ({
  metadata: { name: `p${i}`, namespace: 'ns', uid: `uid-${i}`, labels: { app: 'web' }, ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { nodeName: o.node ?? 'n1', containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: o.port ?? 8080 }] }] },
  status: { phase: 'Running', podIP: `10.42.${Math.floor(i / 250)}.${(i % 250) + 2}`, podIPs: [{ ip: `10.42.${Math.floor(i / 250)}.${(i % 250) + 2}` }], conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
});

const nodes: Record<string, Node> = { n1: { metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'z1' } } } };

const input = (pods: Pod[], existing: SliceObj[] = [], max = 100): PlanInput => ({
  service: svc,
  pods,
  existing,
  node: (n) => nodes[n],
  maxEndpointsPerSlice: max,
  controllerName: CONTROLLER_NAME,
});

let seq = 0;
/** What the server would store for a planned create or update. */
const stored = (s: SliceObj): SliceObj => {
  const name = s.metadata?.name ?? `${s.metadata?.generateName}${++seq}`;
  const meta = { ...structuredClone(s.metadata), name, uid: s.metadata?.uid ?? `slice-${name}`, resourceVersion: String(++seq) };
  delete meta.generateName;
  return { ...structuredClone(s), metadata: meta };
};

describe('planSlices', () => {
  it('creates slices owned by the Service with its labels, ports, conditions, node, zone and targetRef', () => {
    const plan = planSlices(input([pod(1), pod(2, { ready: false }), pod(3, { deleting: true })]));
    assert.equal(plan.create.length, 1);
    assert.deepEqual([plan.update.length, plan.delete.length, plan.errors.length], [0, 0, 0]);
    const s = plan.create[0]!;
    assert.equal(s.metadata?.generateName, 'web-');
    assert.deepEqual(s.metadata?.labels, { tier: 'front', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    assert.deepEqual(s.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }]);
    assert.equal(s.addressType, 'IPv4');
    assert.deepEqual(s.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const byName = new Map(s.endpoints.map((e) => [e.targetRef?.name, e]));
    assert.deepEqual(byName.get('p1'), {
      addresses: ['10.42.0.3'],
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: 'Pod', namespace: 'ns', name: 'p1', uid: 'uid-1' },
      nodeName: 'n1',
      zone: 'z1',
    });
    assert.deepEqual(byName.get('p2')?.conditions, { ready: false, serving: false, terminating: false });
    assert.deepEqual(byName.get('p3')?.conditions, { ready: false, serving: true, terminating: true });
  });

  it('splits by resolved ports and caps slices at maxEndpointsPerSlice', () => {
    const pods = [...Array.from({ length: 250 }, (_, i) => pod(i)), pod(900, { port: 9090 })];
    const plan = planSlices(input(pods));
    const sizes = plan.create.map((s) => `${s.ports?.[0]?.port}:${s.endpoints.length}`).sort();
    assert.deepEqual(sizes, ['8080:100', '8080:100', '8080:50', '9090:1']);
  });

  it('changes only the slice holding a changed endpoint, and is a no-op when nothing changed', () => {
    const pods = Array.from({ length: 150 }, (_, i) => pod(i));
    const existing = planSlices(input(pods)).create.map(stored);
    assert.deepEqual(planSlices(input(pods, existing)), { create: [], update: [], delete: [], errors: [] });
    pods[120] = pod(120, { ready: false });
    const plan = planSlices(input(pods, existing));
    assert.equal(plan.update.length, 1);
    assert.deepEqual([plan.create.length, plan.delete.length], [0, 0]);
    const u = plan.update[0]!;
    const holder = existing.find((s) => s.endpoints.some((e) => e.targetRef?.name === 'p120'))!;
    assert.equal(u.metadata?.name, holder.metadata?.name);
    assert.equal(u.metadata?.resourceVersion, holder.metadata?.resourceVersion, 'optimistic concurrency on the cached version');
    assert.equal(u.endpoints.find((e) => e.targetRef?.name === 'p120')?.conditions?.ready, false);
  });

  it('adds new endpoints to the unchanged slice they fit best and deletes an emptied slice', () => {
    const pods = Array.from({ length: 150 }, (_, i) => pod(i));
    const existing = planSlices(input(pods)).create.map(stored);
    const small = existing.find((s) => s.endpoints.length === 50)!;
    const plan = planSlices(input([...pods, pod(500), pod(501)], existing));
    assert.deepEqual(plan.update.map((s) => [s.metadata?.name, s.endpoints.length]), [[small.metadata?.name, 52]]);
    // Remove every pod of the small slice: it goes away, the other stays untouched.
    const gone = new Set(small.endpoints.map((e) => e.targetRef?.name));
    const plan2 = planSlices(input(pods.filter((p) => !gone.has(p.metadata?.name)), existing));
    assert.deepEqual(plan2.delete.map((s) => s.metadata?.name), [small.metadata?.name]);
    assert.deepEqual([plan2.create.length, plan2.update.length], [0, 0]);
  });

  it('keeps one placeholder slice for a Service without endpoints and does not churn it', () => {
    const plan = planSlices(input([]));
    assert.equal(plan.create.length, 1);
    assert.deepEqual([plan.create[0]!.endpoints, plan.create[0]!.ports], [[], []]);
    const again = planSlices(input([], plan.create.map(stored)));
    assert.deepEqual([again.create.length, again.update.length, again.delete.length], [0, 0, 0]);
    // The last pod leaving turns its slice into the placeholder by an update, not delete+create.
    const withPod = planSlices(input([pod(1)])).create.map(stored);
    const emptied = planSlices(input([], withPod));
    assert.deepEqual([emptied.create.length, emptied.delete.length], [0, 0]);
    assert.equal(emptied.update[0]!.metadata?.name, withPod[0]!.metadata?.name);
    assert.equal(emptied.update[0]!.endpoints.length, 0);
  });

  it('updates slices whose labels no longer match the Service', () => {
    const existing = planSlices(input([pod(1)])).create.map(stored);
    const plan = planSlices({ ...input([pod(1)], existing), service: { ...svc, metadata: { ...svc.metadata, labels: { tier: 'back' } } } });
    assert.equal(plan.update.length, 1);
    assert.equal(plan.update[0]!.metadata?.labels?.tier, 'back');
  });

  it('deletes slices not owned by the Service and skips pods on unknown nodes (reporting them)', () => {
    const foreign = stored({ ...planSlices(input([pod(1)])).create[0]!, metadata: { ...planSlices(input([pod(1)])).create[0]!.metadata, ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'old' }] } });
    const plan = planSlices(input([pod(1), pod(2, { node: 'ghost' })], [foreign]));
    assert.equal(plan.errors.length, 1);
    assert.match(plan.errors[0]!, /Node ghost Not Found/);
    assert.deepEqual(plan.delete.map((s) => s.metadata?.name), [foreign.metadata?.name], 'a slice of an older Service of that name is never reused');
    assert.equal(plan.update.length, 0);
    assert.deepEqual(plan.create.map((s) => s.endpoints.map((e) => e.targetRef?.name)), [['p1']]);
  });
});

describe('applyPlan', () => {
  it('creates, updates and deletes, stamping the trigger time and tracking its writes', async () => {
    const calls: string[] = [];
    const existing = planSlices(input([pod(1), pod(2)])).create.map(stored);
    const plan = { create: planSlices(input([pod(3)])).create, update: existing.slice(0, 1), delete: [], errors: [] };
    const tracker = new EndpointSliceTracker();
    const client = {
      create: async (_r: unknown, _ns: unknown, o: SliceObj) => {
        calls.push(`create ${o.metadata?.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']}`);
        return stored(o) as never;
      },
      update: async (_r: unknown, o: SliceObj) => {
        calls.push(`update ${o.metadata?.name}`);
        return { ...o, metadata: { ...o.metadata, resourceVersion: '999' } } as never;
      },
      delete: async () => ({}) as never,
    };
    await applyPlan(plan, { client: client as unknown as ApplyOptions['client'], tracker, service: svc, triggerTime: Date.parse('2026-01-02T03:04:05.5Z') });
    assert.deepEqual(calls, ['create 2026-01-02T03:04:05.5Z', `update ${existing[0]!.metadata?.name}`]);
    assert.ok(tracker.staleSlices('ns/web', existing), 'the cache has not seen the writes yet');
  });
});
