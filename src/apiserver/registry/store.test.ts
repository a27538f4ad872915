import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory/store.js';
import { findResource } from '../../api/resources.js';
import { rulesFor } from '../../api/rules.js';
import { silentLogger } from '../../util/logger.js';
import { ApiError } from '../../machinery/errors.js';
import type { KubeObject } from '../../api/types.js';
import { Cacher, type CachedObject, type WatchEventType } from './cacher.js';
import { genericStrategy } from './strategy.js';
import { RegistryStore } from './store.js';
import { resourcePrefix } from './codec.js';
import { podStrategy } from './core/pods.js';

const isErr = (code: number, reason?: string) => (e: unknown) => e instanceof ApiError && e.code === code && (!reason || e.reason === reason);

describe('RegistryStore over the watch cache', () => {
  const store = new MemoryStore();
  const stop = new AbortController();
  const nsObjects = new Map<string, KubeObject>();
  const namespaces = { get: (n: string) => nsObjects.get(n) };
  const make = (group: string, version: string, resource: string) => {
    const info = findResource(group, version, resource)!;
    const cacher = new Cacher(store, resourcePrefix(group, resource), silentLogger);
    let strategy = genericStrategy(info, rulesFor(group, version, resource), undefined);
    if (resource === 'pods') strategy = podStrategy(strategy);
    void cacher.run(stop.signal);
    return new RegistryStore(info, strategy, store, cacher, namespaces, silentLogger);
  };
  let cms: RegistryStore;
  let pods: RegistryStore;
  let deploys: RegistryStore;

  before(async () => {
    nsObjects.set('default', { metadata: { name: 'default' }, status: { phase: 'Active' } });
    nsObjects.set('doomed', { metadata: { name: 'doomed', deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Terminating' } });
    cms = make('', 'v1', 'configmaps');
    pods = make('', 'v1', 'pods');
    deploys = make('apps', 'v1', 'deployments');
    await Promise.all([cms.cacher.ready(), pods.cacher.ready(), deploys.cacher.ready()]);
  });
  after(() => stop.abort());

  const cm = (name: string, data: Record<string, string> = {}, labels?: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels },
    data,
  });

  it('creates with server-owned metadata and reads it back from the cache at once', async () => {
    const created = await cms.create('default', cm('a', { k: 'v' }));
    assert.ok(created.metadata?.uid);
    assert.ok(created.metadata?.creationTimestamp);
    assert.ok(Number(created.metadata?.resourceVersion) > 0);
    assert.equal(created.metadata?.generation, undefined);
    const got = cms.get('default', 'a');
    assert.equal(got.obj.metadata?.resourceVersion, created.metadata?.resourceVersion);
    await assert.rejects(cms.create('default', cm('a')), isErr(409, 'AlreadyExists'));
  });

  it('checks the namespace: missing is 404, terminating is 403', async () => {
    await assert.rejects(cms.create('nowhere', cm('x')), isErr(404, 'NotFound'));
    await assert.rejects(cms.create('doomed', cm('x')), isErr(403, 'Forbidden'));
  });

  it('generates names', async () => {
    const o = await cms.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } });
    assert.match(o.metadata!.name!, /^gen-[a-z0-9]{5}$/);
  });

  it('updates with optimistic concurrency', async () => {
    const cur = cms.get('default', 'a').obj;
    const next = structuredClone(cur);
    (next.data as Record<string, string>).k = 'v2';
    const res = await cms.update('default', 'a', next);
    assert.equal((res.obj.data as Record<string, string>).k, 'v2');
    assert.notEqual(res.obj.metadata?.resourceVersion, cur.metadata?.resourceVersion);
    const stale = structuredClone(cur);
    (stale.data as Record<string, string>).k = 'lost';
    await assert.rejects(cms.update('default', 'a', stale), isErr(409, 'Conflict'));
    // A no-op update writes nothing.
    const again = await cms.update('default', 'a', structuredClone(res.obj));
    assert.equal(again.obj.metadata?.resourceVersion, res.obj.metadata?.resourceVersion);
  });

  it('validates with one 422 listing every cause', async () => {
    const bad: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name', labels: { 'no way!': 'x' } } };
    await assert.rejects(cms.create('default', bad), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 422);
      assert.ok((e.details?.causes?.length ?? 0) >= 2, JSON.stringify(e.details));
      return true;
    });
  });

  it('tracks generation on spec changes only', async () => {
    const d: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
      },
    };
    const created = await deploys.create('default', d);
    assert.equal(created.metadata?.generation, 1);
    assert.equal((created.spec as { replicas: number }).replicas, 1);
    const labelled = await deploys.guaranteedUpdate('default', 'web', (c) => ({ ...c!, metadata: { ...c!.metadata, labels: { x: 'y' } } }), {});
    assert.equal(labelled.obj.metadata?.generation, 1);
    const scaled = await deploys.guaranteedUpdate('default', 'web', (c) => ({ ...c!, spec: { ...(c!.spec as object), replicas: 3 } }), {});
    assert.equal(scaled.obj.metadata?.generation, 2);
    // Status writes through the main resource are ignored; through /status they land.
    const st = await deploys.guaranteedUpdate('default', 'web', (c) => ({ ...c!, status: { replicas: 9 } }), {});
    assert.equal(st.obj.status, undefined);
    const st2 = await deploys.guaranteedUpdate('default', 'web', (c) => ({ ...c!, status: { replicas: 9 } }), { subresource: 'status' });
    assert.deepEqual(st2.obj.status, { replicas: 9 });
    assert.equal(st2.obj.metadata?.generation, 2);
  });

  it('lists with selectors and pages with continue tokens', async () => {
    for (let i = 0; i < 7; i++) await cms.create('default', cm(`page-${i}`, {}, { page: 'yes', n: String(i % 2) }));
    const matches = (o: CachedObject) => o.obj.metadata?.labels?.page === 'yes';
    const first = await cms.list('default', { matches, filtered: true, limit: 3 });
    assert.deepEqual(first.items.map((o) => o.name), ['page-0', 'page-1', 'page-2']);
    assert.ok(first.continueToken);
    const second = await cms.list('default', { matches, filtered: true, limit: 3, continueToken: first.continueToken });
    assert.deepEqual(second.items.map((o) => o.name), ['page-3', 'page-4', 'page-5']);
    assert.equal(second.resourceVersion, first.resourceVersion);
    const third = await cms.list('default', { matches, filtered: true, limit: 3, continueToken: second.continueToken });
    assert.deepEqual(third.items.map((o) => o.name), ['page-6']);
    assert.equal(third.continueToken, undefined);
  });

  it('watches from a resource version, and a relabeled object leaves a selector as DELETED', async () => {
    const start = (await cms.list('default', { matches: () => true, filtered: false })).resourceVersion;
    const seen: string[] = [];
    const w = await cms.watch(
      'default',
      { matches: (o) => o.obj.metadata?.labels?.watch === 'me' },
      start,
      false,
      { event: (t: WatchEventType, o: CachedObject) => (seen.push(`${t} ${o.name}`), true), close: () => {} },
    );
    await cms.create('default', cm('w1', {}, { watch: 'me' }));
    await cms.create('default', cm('w2', {}, { watch: 'not-me' }));
    await cms.guaranteedUpdate('default', 'w1', (c) => ({ ...c!, data: { a: '1' } }), {});
    await cms.guaranteedUpdate('default', 'w2', (c) => ({ ...c!, metadata: { ...c!.metadata, labels: { watch: 'me' } } }), {});
    await cms.guaranteedUpdate('default', 'w1', (c) => ({ ...c!, metadata: { ...c!.metadata, labels: {} } }), {});
    await cms.delete('default', 'w2');
    w.stop();
    assert.deepEqual(seen, ['ADDED w1', 'MODIFIED w1', 'ADDED w2', 'DELETED w1', 'DELETED w2']);
  });

  it('deletes: preconditions, finalizers, then removal when the last finalizer goes', async () => {
    const o = await cms.create('default', { ...cm('fin'), metadata: { name: 'fin', finalizers: ['example.com/hold'] } });
    await assert.rejects(cms.delete('default', 'fin', { preconditions: { uid: 'other' } }), isErr(409, 'Conflict'));
    const d = await cms.delete('default', 'fin', { preconditions: { uid: o.metadata!.uid } });
    assert.equal(d.deleted, false);
    assert.ok(d.obj.metadata?.deletionTimestamp);
    assert.ok(cms.get('default', 'fin'));
    await cms.guaranteedUpdate('default', 'fin', (c) => ({ ...c!, metadata: { ...c!.metadata, finalizers: [] } }), {});
    assert.throws(() => cms.get('default', 'fin'), isErr(404));
    await assert.rejects(cms.delete('default', 'fin'), isErr(404, 'NotFound'));
  });

  it('adds the orphan and foreground finalizers for those propagation policies', async () => {
    await cms.create('default', cm('orph'));
    const r = await cms.delete('default', 'orph', { propagationPolicy: 'Orphan' });
    assert.deepEqual(r.obj.metadata?.finalizers, ['orphan']);
    await cms.create('default', cm('fg'));
    const f = await cms.delete('default', 'fg', { propagationPolicy: 'Foreground' });
    assert.deepEqual(f.obj.metadata?.finalizers, ['foregroundDeletion']);
  });

  it('deletes scheduled pods gracefully and unscheduled ones at once', async () => {
    const pod = (name: string, nodeName?: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }] },
    });
    const p = await pods.create('default', pod('pending'));
    assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'BestEffort' });
    assert.equal((await pods.delete('default', 'pending')).deleted, true);
    await pods.create('default', pod('bound', 'node-1'));
    const g = await pods.delete('default', 'bound');
    assert.equal(g.deleted, false);
    assert.equal(g.obj.metadata?.deletionGracePeriodSeconds, 30);
    // A status write while terminating (the kubelet's) keeps the pod.
    await pods.guaranteedUpdate('default', 'bound', (c) => ({ ...c!, status: { ...(c!.status as object), phase: 'Running' } }), { subresource: 'status' });
    assert.equal((pods.get('default', 'bound').obj.status as { phase: string }).phase, 'Running');
    const now = await pods.delete('default', 'bound', { gracePeriodSeconds: 0 });
    assert.equal(now.deleted, true);
  });
});
