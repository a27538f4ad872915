/**
 * API semantics over raw HTTPS against a real server: watch resume, bookmarks, 410 Expired,
 * initial events, paging, too-large resource versions, dry-run, generateName, deletecollection,
 * tables, the status split, binding and graceful deletion, finalizers, terminating namespaces
 * and field validation.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { RestClient } from '../../src/client/rest.js';
import { TestServer, eventually, type Credentials } from '../support/server.js';

interface Answer {
  code: number;
  headers: Record<string, string | string[] | undefined>;
  json: any;
  body: string;
}

function call(s: TestServer, c: Credentials, method: string, path: string, body?: unknown, contentType = 'application/json', accept = 'application/json'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = request(
      { host: '127.0.0.1', port: s.port, method, path, ca: c.ca, cert: c.cert, key: c.key, headers: { 'content-type': contentType, accept, ...(data !== undefined ? { 'content-length': String(Buffer.byteLength(data)) } : {}) } },
      (res) => {
        let b = '';
        res.on('data', (d) => (b += d));
        res.on('end', () => {
          let json;
          try {
            json = JSON.parse(b);
          } catch {
            json = undefined;
          }
          resolve({ code: res.statusCode ?? 0, headers: res.headers, json, body: b });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** Opens a watch and collects its events until `until` holds or the stream ends. */
function watch(s: TestServer, c: Credentials, path: string): { events: any[]; ended: Promise<void>; stop: () => void } {
  const events: any[] = [];
  let stop = () => {};
  const ended = new Promise<void>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: s.port, path, ca: c.ca, cert: c.cert, key: c.key, headers: { accept: 'application/json' } }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
        }
      });
      res.on('end', () => resolve());
      res.on('error', () => resolve());
    });
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(e)));
    req.end();
    stop = () => req.destroy();
  });
  return { events, ended, stop };
}

const cm = (name: string, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels },
  data: { v: '1' },
  ...extra,
});

describe('API semantics over HTTPS', { timeout: 180_000 }, () => {
  let s: TestServer;
  let c: Credentials;
  const base = '/api/v1/namespaces/default/configmaps';

  before(async () => {
    // The API alone: no scheduler or controller writes to the objects these tests write and check.
    s = await TestServer.start({ extraArgs: ['--watch-cache-size', '50', '--disable-scheduler', '--disable-controller-manager'] });
    c = s.credentials();
  });
  after(async () => {
    await s?.destroy();
  });

  it('resumes a watch from a list resourceVersion and sees changes in order', async () => {
    const list = await call(s, c, 'GET', `${base}?labelSelector=set%3Dw`);
    const rv = list.json.metadata.resourceVersion;
    const w = watch(s, c, `${base}?watch=1&labelSelector=set%3Dw&resourceVersion=${rv}`);
    try {
      await call(s, c, 'POST', base, cm('w1', { set: 'w' }));
      await call(s, c, 'PATCH', `${base}/w1`, { data: { v: '2' } }, 'application/merge-patch+json');
      await call(s, c, 'DELETE', `${base}/w1`);
      await eventually(() => w.events.length >= 3);
      assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
      const rvs = w.events.map((e) => Number(e.object.metadata.resourceVersion));
      assert.ok(rvs[0] > Number(rv) && rvs[0] < rvs[1] && rvs[1] < rvs[2], `revisions ${rvs}`);
      assert.equal(w.events[1].object.data.v, '2');
    } finally {
      w.stop();
    }
  });

  it('sends a bookmark before a watch times out', async () => {
    const w = watch(s, c, `${base}?watch=1&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion=0`);
    await w.ended;
    const last = w.events[w.events.length - 1];
    assert.equal(last.type, 'BOOKMARK');
    assert.equal(last.object.kind, 'ConfigMap');
    assert.ok(Number(last.object.metadata.resourceVersion) > 0);
  });

  it('answers a too old resourceVersion with an ERROR event carrying 410 Expired', async () => {
    const first = await call(s, c, 'POST', base, cm('old-0'));
    const rv = first.json.metadata.resourceVersion;
    for (let i = 1; i <= 60; i++) await call(s, c, 'PATCH', `${base}/old-0`, { data: { v: String(i) } }, 'application/merge-patch+json');
    const w = watch(s, c, `${base}?watch=1&resourceVersion=${rv}`);
    await w.ended;
    assert.equal(w.events.length, 1);
    assert.equal(w.events[0].type, 'ERROR');
    assert.equal(w.events[0].object.kind, 'Status');
    assert.equal(w.events[0].object.code, 410);
    assert.equal(w.events[0].object.reason, 'Expired');
    assert.match(w.events[0].object.message, /too old resource version/);
  });

  it('streams initial events then an initial-events-end bookmark', async () => {
    await call(s, c, 'POST', base, cm('init-a', { set: 'init' }));
    await call(s, c, 'POST', base, cm('init-b', { set: 'init' }));
    const w = watch(s, c, `${base}?watch=1&labelSelector=set%3Dinit&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&resourceVersion=`);
    try {
      await eventually(() => w.events.length >= 3);
      assert.deepEqual(w.events.slice(0, 2).map((e) => `${e.type} ${e.object.metadata.name}`).sort(), ['ADDED init-a', 'ADDED init-b']);
      assert.equal(w.events[2].type, 'BOOKMARK');
      assert.equal(w.events[2].object.metadata.annotations['k8s.io/initial-events-end'], 'true');
    } finally {
      w.stop();
    }
  });

  it('pages lists with limit and continue, each item once', async () => {
    for (let i = 0; i < 7; i++) await call(s, c, 'POST', base, cm(`pg-${i}`, { set: 'pg' }));
    const names: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const a = await call(s, c, 'GET', `${base}?labelSelector=set%3Dpg&limit=3${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      assert.equal(a.code, 200);
      names.push(...a.json.items.map((o: any) => o.metadata.name));
      cont = a.json.metadata.continue ?? '';
      pages++;
    } while (cont);
    assert.equal(pages, 3);
    assert.deepEqual(names, ['pg-0', 'pg-1', 'pg-2', 'pg-3', 'pg-4', 'pg-5', 'pg-6']);
    const unfiltered = await call(s, c, 'GET', `/api/v1/namespaces?limit=1`);
    assert.ok(unfiltered.json.metadata.remainingItemCount >= 3);
  });

  it('refuses a resourceVersion from the future with 504 Timeout', async () => {
    const a = await call(s, c, 'GET', `${base}?resourceVersion=999999999`);
    assert.equal(a.code, 504);
    assert.equal(a.json.reason, 'Timeout');
    assert.match(a.json.message, /Too large resource version/);
  });

  it('dry-runs creates and generates names', async () => {
    const d = await call(s, c, 'POST', `${base}?dryRun=All`, cm('dry'));
    assert.equal(d.code, 201);
    assert.equal((await call(s, c, 'GET', `${base}/dry`)).code, 404);
    const g = await call(s, c, 'POST', base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } });
    assert.equal(g.code, 201);
    assert.match(g.json.metadata.name, /^gen-[a-z0-9]{5}$/);
  });

  it('deletes collections by label', async () => {
    for (let i = 0; i < 3; i++) await call(s, c, 'POST', base, cm(`dc-${i}`, { set: 'dc' }));
    const d = await call(s, c, 'DELETE', `${base}?labelSelector=set%3Ddc`);
    assert.equal(d.code, 200);
    assert.equal(d.json.items.length, 3);
    assert.equal((await call(s, c, 'GET', `${base}?labelSelector=set%3Ddc`)).json.items.length, 0);
  });

  it('answers tables with upstream columns', async () => {
    const a = await call(s, c, 'GET', `${base}?limit=2`, undefined, 'application/json', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json');
    assert.equal(a.json.kind, 'Table');
    assert.equal(a.json.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(a.json.columnDefinitions.map((col: any) => col.name), ['Name', 'Data', 'Age']);
    assert.equal(a.json.rows.length, 2);
    assert.equal(a.json.rows[0].object.kind, 'PartialObjectMetadata');
    assert.ok(a.json.metadata.continue);
  });

  it('splits status from spec and bumps generation on spec changes', async () => {
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'gen' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
      status: { replicas: 42 },
    };
    const d = await call(s, c, 'POST', '/apis/apps/v1/namespaces/default/deployments', dep);
    assert.equal(d.code, 201);
    assert.equal(d.json.metadata.generation, 1);
    assert.equal(d.json.status, undefined);
    const st = await call(s, c, 'PUT', '/apis/apps/v1/namespaces/default/deployments/gen/status', { ...d.json, status: { replicas: 3, observedGeneration: 1 }, spec: { ...d.json.spec, replicas: 9 } });
    assert.equal(st.code, 200);
    assert.equal(st.json.status.replicas, 3);
    assert.equal(st.json.spec.replicas, 1);
    assert.equal(st.json.metadata.generation, 1);
    const up = await call(s, c, 'PUT', '/apis/apps/v1/namespaces/default/deployments/gen', { ...st.json, spec: { ...st.json.spec, replicas: 2 }, status: { replicas: 0 } });
    assert.equal(up.code, 200);
    assert.equal(up.json.metadata.generation, 2);
    assert.equal(up.json.status.replicas, 3);
  });

  it('binds pods and deletes bound pods gracefully', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
    const p = await call(s, c, 'POST', '/api/v1/namespaces/default/pods', pod);
    assert.equal(p.code, 201);
    assert.equal(p.json.status.phase, 'Pending');
    const b = await call(s, c, 'POST', '/api/v1/namespaces/default/pods/p/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { kind: 'Node', name: 'node-a' } });
    assert.equal(b.code, 201, b.body);
    const bound = await call(s, c, 'GET', '/api/v1/namespaces/default/pods/p');
    assert.equal(bound.json.spec.nodeName, 'node-a');
    assert.equal(bound.json.status.conditions.find((x: any) => x.type === 'PodScheduled').status, 'True');
    const again = await call(s, c, 'POST', '/api/v1/namespaces/default/pods/p/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { name: 'node-b' } });
    assert.equal(again.code, 409);
    const del = await call(s, c, 'DELETE', '/api/v1/namespaces/default/pods/p');
    assert.equal(del.code, 200);
    assert.ok(del.json.metadata.deletionTimestamp);
    assert.equal(del.json.metadata.deletionGracePeriodSeconds, 30);
    assert.equal((await call(s, c, 'GET', '/api/v1/namespaces/default/pods/p')).code, 200);
    const now = await call(s, c, 'DELETE', '/api/v1/namespaces/default/pods/p', { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 });
    assert.equal(now.code, 200, now.body);
    assert.equal((await call(s, c, 'GET', '/api/v1/namespaces/default/pods/p')).code, 404);
  });

  it('holds deleting objects until their finalizers are gone', async () => {
    await call(s, c, 'POST', base, { ...cm('held'), metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    const d = await call(s, c, 'DELETE', `${base}/held`);
    assert.equal(d.code, 200);
    assert.ok(d.json.metadata.deletionTimestamp);
    const pre = await call(s, c, 'DELETE', `${base}/held`, { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'not-the-uid' } });
    assert.equal(pre.code, 409, pre.body);
    const p = await call(s, c, 'PATCH', `${base}/held`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
    assert.equal(p.code, 200);
    assert.equal((await call(s, c, 'GET', `${base}/held`)).code, 404);
  });

  it('refuses new content in a terminating namespace', async () => {
    assert.equal((await call(s, c, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'going' } })).code, 201);
    const d = await call(s, c, 'DELETE', '/api/v1/namespaces/going');
    assert.equal(d.code, 200);
    assert.equal(d.json.status.phase, 'Terminating');
    const a = await call(s, c, 'POST', '/api/v1/namespaces/going/configmaps', cm('late'));
    assert.equal(a.code, 403);
    assert.match(a.json.message, /unable to create new content in namespace going because it is being terminated/);
    const missing = await call(s, c, 'POST', '/api/v1/namespaces/nowhere/configmaps', cm('x'));
    assert.equal(missing.code, 404);
    assert.match(missing.json.message, /namespaces "nowhere" not found/);
  });

  it('validates fields strictly, with warnings, or not at all', async () => {
    const body = { ...cm('fv'), bogus: 1, metadata: { name: 'fv', nonsense: true } };
    const strict = await call(s, c, 'POST', `${base}?fieldValidation=Strict`, body);
    assert.equal(strict.code, 400);
    assert.match(strict.json.message, /strict decoding error: unknown field "bogus", unknown field "metadata.nonsense"|strict decoding error: unknown field "metadata.nonsense", unknown field "bogus"/);
    const warn = await call(s, c, 'POST', `${base}?fieldValidation=Warn`, body);
    assert.equal(warn.code, 201);
    assert.match(String(warn.headers.warning), /unknown field \\"bogus\\"/);
    assert.equal(warn.json.bogus, undefined);
    const ignore = await call(s, c, 'POST', `${base}?fieldValidation=Ignore`, { ...body, metadata: { name: 'fv2' } });
    assert.equal(ignore.code, 201);
    assert.equal(ignore.headers.warning, undefined);
  });

  it('reports duplicate JSON fields under field validation', async () => {
    const raw = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup"},"data":{"a":"1","a":"2"}}';
    const strict = await call(s, c, 'POST', `${base}?fieldValidation=Strict`, raw);
    assert.equal(strict.code, 400);
    assert.match(strict.json.message, /strict decoding error: duplicate field "data\.a"/);
    const warn = await call(s, c, 'POST', base, raw);
    assert.equal(warn.code, 201);
    assert.match(String(warn.headers.warning), /duplicate field/);
    assert.equal(warn.json.data.a, '2');
  });

  it('serves metrics with request counts, watchers and stored objects', async () => {
    const w = watch(s, c, `${base}?watch=1`);
    try {
      await eventually(async () => {
        const m = await call(s, c, 'GET', '/metrics', undefined, 'application/json', 'text/plain');
        return /apiserver_registered_watchers\{group="",resource="configmaps"\} [1-9]/.test(m.body) && m.body;
      });
      const m = await call(s, c, 'GET', '/metrics', undefined, 'application/json', 'text/plain');
      assert.match(m.body, /apiserver_request_total\{verb="POST",group="",resource="configmaps",subresource="",code="201"\} \d+/);
      assert.match(m.body, /apiserver_storage_objects\{resource="namespaces"\} [4-9]/);
      assert.match(m.body, /apiserver_request_duration_seconds_bucket/);
    } finally {
      w.stop();
    }
  });

  it('survives kill -9 with every acknowledged write', async () => {
    const names: string[] = [];
    for (let i = 0; i < 20; i++) {
      const a = await call(s, c, 'POST', base, cm(`k9-${i}`));
      assert.equal(a.code, 201);
      names.push(a.json.metadata.name);
    }
    await s.kill9();
    await s.launch();
    const list = await call(s, c, 'GET', base);
    const have = new Set(list.json.items.map((o: any) => o.metadata.name));
    for (const n of names) assert.ok(have.has(n), `lost ${n}`);
  });
});

describe('the loopback socket of the server components', { timeout: 60_000 }, () => {
  let s: TestServer;
  before(async () => {
    s = await TestServer.start({ extraArgs: ['--disable-scheduler', '--disable-controller-manager'] });
  });
  after(async () => {
    await s?.destroy();
  });

  it('is a 0600 Unix socket answering as a system:masters user without TLS', async () => {
    const path = join(s.dataDir, 'server', 'apiserver.sock');
    const st = statSync(path);
    assert.ok(st.isSocket());
    assert.equal(st.mode & 0o777, 0o600);
    const client = new RestClient({ server: 'http://localhost', socketPath: path });
    try {
      const ns = await client.list({ group: '', version: 'v1', resource: 'namespaces', namespaced: false }, undefined);
      assert.ok(ns.items.some((n) => n.metadata?.name === 'kube-system'));
      const created = await client.create({ group: '', version: 'v1', resource: 'configmaps', namespaced: true }, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'via-socket' } });
      assert.equal(created.metadata?.name, 'via-socket');
    } finally {
      client.close();
    }
  });
});
