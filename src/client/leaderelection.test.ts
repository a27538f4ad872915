import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LeaderElector, type Lease, type LeaseClient } from './leaderelection.js';
import { ApiStatusError } from './rest.js';

const fail = (code: number, reason: string, message: string) => new ApiStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message });

/** An in-memory lease store with resourceVersion compare-and-swap, like the API server's. */
function leaseStore() {
  let stored: Lease | undefined;
  let rv = 0;
  const state = { down: false, writes: 0 };
  const client = {
    async get(_res, _ns, name) {
      if (state.down) throw new Error('connect ECONNREFUSED');
      if (!stored || stored.metadata?.name !== name) throw fail(404, 'NotFound', `leases.coordination.k8s.io "${name}" not found`);
      return structuredClone(stored) as never;
    },
    async create(_res, ns, obj) {
      if (state.down) throw new Error('connect ECONNREFUSED');
      if (stored) throw fail(409, 'AlreadyExists', 'exists');
      stored = { ...structuredClone(obj), metadata: { ...obj.metadata, namespace: ns, resourceVersion: String(++rv) } };
      state.writes++;
      return structuredClone(stored) as never;
    },
    async update(_res, obj) {
      if (state.down) throw new Error('connect ECONNREFUSED');
      if (!stored) throw fail(404, 'NotFound', 'not found');
      if (obj.metadata?.resourceVersion !== stored.metadata?.resourceVersion) throw fail(409, 'Conflict', 'the object has been modified');
      stored = { ...structuredClone(obj), metadata: { ...obj.metadata, resourceVersion: String(++rv) } } as Lease;
      state.writes++;
      return structuredClone(stored) as never;
    },
  } satisfies LeaseClient;
  return { client, state, lease: () => stored };
}

const timing = { leaseDurationMs: 600, renewDeadlineMs: 400, retryPeriodMs: 100 };
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function candidate(store: ReturnType<typeof leaseStore>, identity: string, releaseOnCancel = true) {
  const ctl = new AbortController();
  const events: string[] = [];
  let leadSignal: AbortSignal | undefined;
  const el = new LeaderElector({ client: store.client, namespace: 'kube-system', name: 'ctrl', identity, releaseOnCancel, ...timing });
  const done = el.run(ctl.signal, {
    onStartedLeading: (s) => {
      leadSignal = s;
      events.push('started');
    },
    onStoppedLeading: () => events.push('stopped'),
    onNewLeader: (id) => events.push(`leader ${id}`),
  });
  return { el, ctl, events, done, leadSignal: () => leadSignal };
}

describe('LeaderElector', () => {
  it('validates its timing', () => {
    const s = leaseStore();
    assert.throws(() => new LeaderElector({ client: s.client, name: 'x', identity: 'a', leaseDurationMs: 10, renewDeadlineMs: 10 }), /greater than renewDeadline/);
    assert.throws(() => new LeaderElector({ client: s.client, name: 'x', identity: '', ...timing }), /identity/);
  });

  it('exactly one of two candidates leads; on a crash the other takes over after the lease duration', async () => {
    const s = leaseStore();
    const a = candidate(s, 'a', false);
    await wait(50);
    const b = candidate(s, 'b', false);
    await wait(400);
    assert.equal(a.el.isLeader(), true);
    assert.equal(b.el.isLeader(), false);
    assert.equal(b.el.getLeader(), 'a');
    const lease = s.lease()!;
    assert.equal(lease.spec?.holderIdentity, 'a');
    assert.equal(lease.spec?.leaseDurationSeconds, 1);
    assert.equal(lease.spec?.leaseTransitions, 0);
    assert.match(lease.spec!.renewTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const acquired = lease.spec!.acquireTime;
    await wait(250);
    assert.equal(s.lease()!.spec!.acquireTime, acquired, 'renewals keep acquireTime');
    assert.notEqual(s.lease()!.spec!.renewTime, lease.spec!.renewTime, 'renewals move renewTime');

    // "Crash": a stops without releasing. b must wait out the lease duration (1 s as written).
    const t0 = Date.now();
    a.ctl.abort();
    await a.done;
    assert.ok(a.leadSignal()!.aborted);
    assert.deepEqual(a.events, ['leader a', 'started', 'stopped']);
    while (!b.el.isLeader()) await wait(20);
    const took = Date.now() - t0;
    assert.ok(took >= 600 && took < 2500, `took over after ${took} ms`);
    assert.equal(s.lease()!.spec?.holderIdentity, 'b');
    assert.equal(s.lease()!.spec?.leaseTransitions, 1);
    assert.deepEqual(b.events, ['leader a', 'leader b', 'started']);
    b.ctl.abort();
    await b.done;
  });

  it('releases on cancel so the other candidate takes over at its next try', async () => {
    const s = leaseStore();
    const a = candidate(s, 'a');
    await wait(50);
    const b = candidate(s, 'b');
    await wait(150);
    assert.ok(a.el.isLeader());
    const t0 = Date.now();
    a.ctl.abort();
    await a.done;
    assert.equal(s.lease()!.spec?.holderIdentity, '');
    while (!b.el.isLeader()) await wait(10);
    assert.ok(Date.now() - t0 < 500, `took ${Date.now() - t0} ms`);
    b.ctl.abort();
    await b.done;
    assert.equal(s.lease()!.spec?.holderIdentity, '');
    assert.equal(s.lease()!.spec?.leaseTransitions, 1);
  });

  it('stops leading when it cannot renew within the renew deadline', async () => {
    const s = leaseStore();
    const a = candidate(s, 'a');
    while (!a.el.isLeader()) await wait(10);
    const t0 = Date.now();
    s.state.down = true;
    await a.done;
    const took = Date.now() - t0;
    assert.ok(took >= 400 && took < 1000, `stopped after ${took} ms`);
    assert.deepEqual(a.events.slice(-2), ['started', 'stopped']);
    assert.ok(a.leadSignal()!.aborted);
    assert.equal(a.el.isLeader(), false);
  });
});
