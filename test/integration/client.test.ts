/**
 * The client library (src/client) against a real k8ts server: REST verbs and typed errors, watch,
 * an informer that sees changes in order and survives a server restart, a re-list with the right
 * deltas after 410 Expired, the workqueue driving a small controller, leader election between two
 * candidates, and event aggregation.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/types.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import {
  RestClient,
  isAlreadyExists,
  isConflict,
  isExpired,
  isInvalid,
  isNotFound,
  type ResourceRef,
  type WatchEvent,
} from '../../src/client/rest.js';
import { SharedInformer, restListerWatcher, type DeletedObject, type EventHandler, type ListerWatcher } from '../../src/client/informer.js';
import { WorkQueue, runWorkers, ItemExponentialRateLimiter } from '../../src/client/workqueue.js';
import { LeaderElector, LEASES } from '../../src/client/leaderelection.js';
import { EventRecorder, EVENTS, type CoreEvent } from '../../src/client/events.js';
import { silentLogger } from '../../src/util/logger.js';
import { TestServer, eventually } from '../support/server.js';

const NAMESPACES: ResourceRef = { group: '', version: 'v1', resource: 'namespaces', namespaced: false, kind: 'Namespace' };
const CMS: ResourceRef = { group: '', version: 'v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap' };
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
const DEPLOYS: ResourceRef = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true, kind: 'Deployment' };

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

const cm = (ns: string, name: string, data: Record<string, string> = {}, labels?: Record<string, string>): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, ...(labels ? { labels } : {}) },
  data,
});

function logHandler(log: string[]): EventHandler<ConfigMap> {
  return {
    onAdd: (o) => log.push(`add ${o.metadata?.name} ${o.data?.v ?? ''}`.trim()),
    onUpdate: (a, b) => {
      if (a.metadata?.resourceVersion !== b.metadata?.resourceVersion) log.push(`update ${b.metadata?.name} ${b.data?.v ?? ''}`.trim());
    },
    onDelete: (d: DeletedObject<ConfigMap>) => log.push(`delete ${d.key}${d.finalStateUnknown ? ' (unknown)' : ''}`),
  };
}

describe('client library against k8ts', { timeout: 120_000 }, () => {
  let s: TestServer;
  let c: RestClient;

  before(async () => {
    s = await TestServer.start({ extraArgs: ['--watch-cache-size', '20', '--disable-scheduler', '--disable-controller-manager'] }); // the client against the API alone
    c = new RestClient(loadKubeconfig(s.kubeconfig), { qps: 'unlimited', userAgent: 'k8ts-client-it' });
    for (const ns of ['crud', 'inf', 'relist', 'churn', 'wq', 'ev']) await c.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });
  after(async () => {
    c?.close();
    await s?.destroy();
  });

  it('does CRUD, subresources and typed errors', async () => {
    const created = await c.create<ConfigMap>(CMS, 'crud', cm('crud', 'a', { v: '1' }, { app: 'x' }));
    assert.equal(created.metadata?.namespace, 'crud');
    assert.ok(created.metadata?.uid);
    await assert.rejects(c.create(CMS, 'crud', cm('crud', 'a')), isAlreadyExists);
    await assert.rejects(c.get(CMS, 'crud', 'missing'), (e) => isNotFound(e) && !isConflict(e));
    await assert.rejects(c.create(CMS, 'crud', cm('crud', 'Bad_Name')), isInvalid);

    const got = await c.get<ConfigMap>(CMS, 'crud', 'a');
    assert.deepEqual(got.data, { v: '1' });
    const updated = await c.update<ConfigMap>(CMS, { ...got, data: { v: '2' } });
    assert.notEqual(updated.metadata?.resourceVersion, got.metadata?.resourceVersion);
    await assert.rejects(c.update(CMS, { ...got, data: { v: 'stale' } }), isConflict);

    await c.patch(CMS, 'crud', 'a', 'merge', { data: { m: 'merge' } });
    await c.patch(CMS, 'crud', 'a', 'strategic', { metadata: { labels: { s: 'strategic' } } });
    const patched = await c.patch<ConfigMap>(CMS, 'crud', 'a', 'json', [{ op: 'add', path: '/data/j', value: 'json' }]);
    assert.deepEqual(patched.data, { v: '2', m: 'merge', j: 'json' });
    assert.deepEqual(patched.metadata?.labels, { app: 'x', s: 'strategic' });

    for (let i = 0; i < 5; i++) await c.create(CMS, 'crud', cm('crud', `b${i}`, {}, { app: i % 2 ? 'odd' : 'even' }));
    const sel = await c.list<ConfigMap>(CMS, 'crud', { labelSelector: 'app=even' });
    assert.deepEqual(
      sel.items.map((i) => i.metadata?.name),
      ['b0', 'b2', 'b4'],
    );
    const byField = await c.list<ConfigMap>(CMS, 'crud', { fieldSelector: 'metadata.name=b3' });
    assert.deepEqual(
      byField.items.map((i) => i.metadata?.name),
      ['b3'],
    );
    const page1 = await c.list(CMS, 'crud', { limit: 2 });
    assert.equal(page1.items.length, 2);
    assert.ok(page1.metadata.continue);
    const all = await c.listAll(CMS, 'crud', { pageSize: 2 });
    assert.equal(all.items.length, 6, all.items.map((i) => i.metadata?.name).join(','));
    assert.ok(all.metadata.resourceVersion);

    await assert.rejects(c.delete(CMS, 'crud', 'a', { preconditions: { uid: 'not-the-uid' } }), isConflict);
    await c.delete(CMS, 'crud', 'a', { preconditions: { uid: created.metadata!.uid! } });
    await assert.rejects(c.get(CMS, 'crud', 'a'), isNotFound);
    await c.deleteCollection(CMS, 'crud', { labelSelector: 'app=odd' });
    const left = await c.list(CMS, 'crud');
    assert.deepEqual(left.items.map((i) => i.metadata?.name).filter((n) => n?.startsWith('b')), ['b0', 'b2', 'b4']);

    // Subresources: scale, binding, status.
    await c.create(DEPLOYS, 'crud', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    const scale = await c.getSubresource<{ spec: { replicas: number }; metadata: { resourceVersion: string } }>(DEPLOYS, 'crud', 'd', 'scale');
    assert.equal(scale.spec.replicas, 1);
    await c.updateSubresource(DEPLOYS, 'crud', 'd', 'scale', { ...scale, spec: { replicas: 3 } });
    assert.equal(((await c.get(DEPLOYS, 'crud', 'd')).spec as { replicas: number }).replicas, 3);
    const d = await c.get(DEPLOYS, 'crud', 'd');
    await c.updateStatus(DEPLOYS, { ...d, status: { observedGeneration: 2, replicas: 0 } });
    assert.equal(((await c.get(DEPLOYS, 'crud', 'd')).status as { observedGeneration: number }).observedGeneration, 2);

    await c.create(PODS, 'crud', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await c.createSubresource(PODS, 'crud', 'p', 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } });
    assert.equal(((await c.get(PODS, 'crud', 'p')).spec as { nodeName: string }).nodeName, 'node-1');
  });

  it('watches from a resourceVersion and reports 410 for one too old', async () => {
    const start = await c.list(CMS, 'crud');
    const ctl = new AbortController();
    const events: string[] = [];
    const reading = (async () => {
      for await (const ev of c.watch<ConfigMap>(CMS, 'crud', { resourceVersion: start.metadata.resourceVersion, allowWatchBookmarks: true, signal: ctl.signal })) {
        if (ev.type === 'BOOKMARK') continue;
        events.push(`${ev.type} ${(ev.object as ConfigMap).metadata?.name}`);
        if (events.length === 3) ctl.abort();
      }
    })();
    await c.create(CMS, 'crud', cm('crud', 'w'));
    await c.patch(CMS, 'crud', 'w', 'merge', { data: { x: '1' } });
    await c.delete(CMS, 'crud', 'w');
    await reading;
    assert.deepEqual(events, ['ADDED w', 'MODIFIED w', 'DELETED w']);

    // Churn past the 20-event window, then watch from the old version.
    for (let i = 0; i < 25; i++) await c.patch(CMS, 'crud', 'b0', 'merge', { data: { i: String(i) } });
    const seen: WatchEvent<ConfigMap>[] = [];
    let thrown: unknown;
    try {
      for await (const ev of c.watch<ConfigMap>(CMS, 'crud', { resourceVersion: start.metadata.resourceVersion })) {
        seen.push(ev);
        if (ev.type === 'ERROR') break;
      }
    } catch (e) {
      thrown = e;
    }
    assert.ok(isExpired(thrown) || (seen.length === 1 && isExpired(seen[0])), `expected 410, got ${JSON.stringify(seen[0] ?? String(thrown))}`);
  });

  it('an informer re-lists after 410 Expired and hands out exactly the missed deltas', async () => {
    for (const n of ['change', 'gone', 'keep']) await c.create(CMS, 'relist', cm('relist', n, { v: '0' }));
    await c.create(CMS, 'churn', cm('churn', 'x'));
    // A ListerWatcher whose watches the test can cut and hold back.
    const base = restListerWatcher<ConfigMap>(c, CMS, { namespace: 'relist' });
    const watchRvs: string[] = [];
    let lists = 0;
    let current: AbortController | undefined;
    let gate: Promise<void> | undefined;
    let openGate = () => {};
    const lw: ListerWatcher<ConfigMap> = {
      list: (signal) => {
        lists++;
        return base.list(signal);
      },
      async *watch(rv, signal) {
        watchRvs.push(rv);
        if (gate) await gate;
        const ctl = new AbortController();
        current = ctl;
        const stop = () => ctl.abort();
        signal.addEventListener('abort', stop, { once: true });
        try {
          yield* base.watch(rv, ctl.signal);
        } finally {
          signal.removeEventListener('abort', stop);
        }
      },
    };
    const inf = new SharedInformer<ConfigMap>(undefined, CMS, { listerWatcher: lw, backoffBaseMs: 50, backoffMaxMs: 500 });
    const log: string[] = [];
    inf.addEventHandler(logHandler(log));
    const ctl = new AbortController();
    const run = inf.run(ctl.signal);
    try {
      await inf.waitForSync(ctl.signal);
      assert.deepEqual(log, ['add change 0', 'add gone 0', 'add keep 0']);
      await eventually(() => current !== undefined);
      const rvBefore = inf.lastSyncResourceVersion();

      gate = new Promise((r) => (openGate = r));
      current!.abort();
      await eventually(() => watchRvs.length === 2);
      assert.equal(watchRvs[1], rvBefore, 'a cut watch resumes from the last resourceVersion');

      // While the informer is held back: its changes, then churn past the 20-event window.
      await c.patch(CMS, 'relist', 'change', 'merge', { data: { v: '1' } });
      await c.delete(CMS, 'relist', 'gone');
      await c.create(CMS, 'relist', cm('relist', 'new', { v: '1' }));
      for (let i = 0; i < 25; i++) await c.patch(CMS, 'churn', 'x', 'merge', { data: { i: String(i) } });
      assert.equal(log.length, 3, 'nothing delivered while held back');

      openGate();
      await eventually(() => log.length >= 6);
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(log.slice(3), ['update change 1', 'add new 1', 'delete relist/gone (unknown)']);
      assert.equal(lists, 2, 'one re-list after the 410');
      assert.deepEqual(
        inf.lister.list('relist').map((o) => o.metadata?.name).sort(),
        ['change', 'keep', 'new'],
      );
      // And it is live again afterwards.
      await c.patch(CMS, 'relist', 'keep', 'merge', { data: { v: '2' } });
      await eventually(() => log.includes('update keep 2'));
    } finally {
      ctl.abort();
      await run;
    }
  });

  it('workqueue: a controller built on informer + queue merges keys, never overlaps a key, retries failures', async () => {
    const inf = new SharedInformer<ConfigMap>(c, CMS, { namespace: 'wq', labelSelector: 'role=source' });
    const q = new WorkQueue<string>('mirror', new ItemExponentialRateLimiter(20, 1000));
    const enqueue = (o: ConfigMap) => q.add(`${o.metadata?.namespace}/${o.metadata?.name}`);
    inf.addEventHandler({ onAdd: enqueue, onUpdate: (_a, b) => enqueue(b), onDelete: (d) => q.add(d.key) });
    const syncs = new Map<string, number>();
    const active = new Set<string>();
    let overlapped = false;
    let flakyFailures = 0;
    const sync = async (key: string) => {
      if (active.has(key)) overlapped = true;
      active.add(key);
      try {
        syncs.set(key, (syncs.get(key) ?? 0) + 1);
        const [ns, name] = key.split('/') as [string, string];
        if (name === 'flaky' && flakyFailures < 2) {
          flakyFailures++;
          throw new Error('transient');
        }
        await new Promise((r) => setTimeout(r, 60));
        const src = inf.lister.get(ns, name);
        const mirror = `${name}-mirror`;
        if (!src) {
          try {
            await c.delete(CMS, ns, mirror);
          } catch (e) {
            if (!isNotFound(e)) throw e;
          }
          return;
        }
        try {
          const cur = await c.get<ConfigMap>(CMS, ns, mirror);
          await c.update(CMS, { ...cur, data: { ...(src.data ?? {}) } });
        } catch (e) {
          if (!isNotFound(e)) throw e;
          await c.create(CMS, ns, cm(ns, mirror, { ...(src.data ?? {}) }));
        }
      } finally {
        active.delete(key);
      }
    };
    const ctl = new AbortController();
    const run = inf.run(ctl.signal);
    const workers = runWorkers(q, 3, sync, ctl.signal, silentLogger);
    try {
      await inf.waitForSync(ctl.signal);
      await c.create(CMS, 'wq', cm('wq', 'src', { v: '0' }, { role: 'source' }));
      await c.create(CMS, 'wq', cm('wq', 'flaky', { v: 'f' }, { role: 'source' }));
      for (let i = 1; i <= 15; i++) await c.patch(CMS, 'wq', 'src', 'merge', { data: { v: String(i) } });
      await eventually(async () => (await c.get<ConfigMap>(CMS, 'wq', 'src-mirror')).data?.v === '15');
      await eventually(async () => (await c.get<ConfigMap>(CMS, 'wq', 'flaky-mirror')).data?.v === 'f');
      assert.equal(overlapped, false, 'a key never runs twice at once');
      assert.ok(syncs.get('wq/src')! < 16, `16 changes merged into ${syncs.get('wq/src')} syncs`);
      assert.equal(syncs.get('wq/flaky'), 3, 'two failures retried, then success');
      assert.equal(q.numRequeues('wq/flaky'), 0, 'forgotten after success');
      await c.delete(CMS, 'wq', 'src');
      await eventually(async () => {
        try {
          await c.get(CMS, 'wq', 'src-mirror');
          return false;
        } catch (e) {
          return isNotFound(e);
        }
      });
    } finally {
      ctl.abort();
      await Promise.all([run, workers]);
    }
  });

  it('records events, aggregating repeats into a count', async () => {
    const obj = await c.create<ConfigMap>(CMS, 'ev', cm('ev', 'subject'));
    const rec = new EventRecorder({ client: c, component: 'client-it', host: 'h' });
    for (let i = 0; i < 3; i++) rec.event(obj, 'Warning', 'Repeated', 'same thing again');
    rec.event(obj, 'Normal', 'Other', 'different');
    await rec.flush();
    const evs = await c.list<CoreEvent>(EVENTS, 'ev', { fieldSelector: 'involvedObject.name=subject' });
    const byReason = Object.fromEntries(evs.items.map((e) => [e.reason, e]));
    assert.equal(evs.items.length, 2);
    assert.equal(byReason.Repeated!.count, 3);
    assert.equal(byReason.Repeated!.type, 'Warning');
    assert.equal(byReason.Repeated!.involvedObject.uid, obj.metadata?.uid);
    assert.match(byReason.Repeated!.metadata!.name!, /^subject\.[0-9a-f]+$/);
    assert.equal(byReason.Other!.count, 1);
    rec.shutDown();
  });

  it('leader election: exactly one of two leads; when it stops the other takes over within the lease duration', async () => {
    const timing = { leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 250 };
    const mk = (id: string) => {
      const ctl = new AbortController();
      const state = { leading: false, stopped: false };
      const el = new LeaderElector({ client: c, namespace: 'kube-system', name: 'client-it', identity: id, releaseOnCancel: false, ...timing });
      const done = el.run(ctl.signal, { onStartedLeading: () => {
          state.leading = true;
        },
        onStoppedLeading: () => {
          state.leading = false;
          state.stopped = true;
        },
      });
      return { id, el, ctl, state, done };
    };
    const a = mk('candidate-a');
    const b = mk('candidate-b');
    try {
      await eventually(() => a.state.leading || b.state.leading, 5000, 20);
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal([a, b].filter((x) => x.state.leading).length, 1, 'exactly one leads');
      const leader = a.state.leading ? a : b;
      const other = leader === a ? b : a;
      const lease = await c.get<{ spec: { holderIdentity: string; leaseDurationSeconds: number; renewTime: string; leaseTransitions: number } } & KubeObject>(LEASES, 'kube-system', 'client-it');
      assert.equal(lease.spec.holderIdentity, leader.id);
      assert.equal(lease.spec.leaseDurationSeconds, 2);
      assert.match(lease.spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      // The leader stops without releasing (as a crash would).
      const t0 = Date.now();
      leader.ctl.abort();
      await leader.done;
      assert.ok(leader.state.stopped);
      await eventually(() => other.state.leading, 6000, 20);
      const took = Date.now() - t0;
      assert.ok(took < 2000 + 2 * 250 * 2.2 + 500, `took over after ${took} ms`);
      const after = await c.get<{ spec: { holderIdentity: string; leaseTransitions: number } } & KubeObject>(LEASES, 'kube-system', 'client-it');
      assert.equal(after.spec.holderIdentity, other.id);
      assert.equal(after.spec.leaseTransitions, lease.spec.leaseTransitions + 1);
    } finally {
      a.ctl.abort();
      b.ctl.abort();
      await Promise.all([a.done, b.done]);
    }
  });

  it('an informer sees add/update/delete in order and recovers after the server restarts', async () => {
    const inf = new SharedInformer<ConfigMap>(c, CMS, { namespace: 'inf', backoffBaseMs: 100, backoffMaxMs: 1000 });
    const log: string[] = [];
    inf.addEventHandler(logHandler(log));
    const ctl = new AbortController();
    const run = inf.run(ctl.signal);
    try {
      await inf.waitForSync(ctl.signal);
      await c.create(CMS, 'inf', cm('inf', 'a', { v: '1' }));
      for (let i = 2; i <= 4; i++) await c.patch(CMS, 'inf', 'a', 'merge', { data: { v: String(i) } });
      await c.delete(CMS, 'inf', 'a');
      await eventually(() => log.length === 5);
      assert.deepEqual(log, ['add a 1', 'update a 2', 'update a 3', 'update a 4', 'delete inf/a']);

      await c.create(CMS, 'inf', cm('inf', 'survivor', { v: '1' }));
      await eventually(() => log.includes('add survivor 1'));
      await s.restart();
      await c.create(CMS, 'inf', cm('inf', 'b', { v: '1' }));
      await c.patch(CMS, 'inf', 'survivor', 'merge', { data: { v: '2' } });
      await eventually(() => log.includes('add b 1') && log.includes('update survivor 2'), 15_000);
      assert.equal(log.filter((l) => l.startsWith('add survivor')).length, 1, 'no duplicate add after the restart');
      await c.delete(CMS, 'inf', 'b');
      await eventually(() => log.includes('delete inf/b'));
      assert.deepEqual(
        inf.lister.list('inf').map((o) => `${o.metadata?.name} ${o.data?.v}`),
        ['survivor 2'],
      );
    } finally {
      ctl.abort();
      await run;
    }
  });
});
