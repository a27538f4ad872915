import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApiStatusError,
  RequestTimeoutError,
  RestClient,
  isAlreadyExists,
  isConflict,
  isExpired,
  isNotFound,
  isTooManyRequests,
  resourcePath,
  watchEventError,
  type ResourceRef,
} from './rest.js';

const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true };
const DEPLOYS: ResourceRef = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true };
const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false };

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const status = (code: number, reason: string, message: string) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message });

describe('RestClient', () => {
  let server: Server;
  let url: string;
  const seen: Seen[] = [];
  let handler: Handler = (_q, res) => res.end('{}');

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        handler(req, res, body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const client = (o: ConstructorParameters<typeof RestClient>[1] = {}) => new RestClient({ server: url, token: 'sekret' }, { qps: 'unlimited', ...o });
  const json = (res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(code, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  it('builds resource paths', () => {
    assert.equal(resourcePath(PODS, 'ns1', 'p'), '/api/v1/namespaces/ns1/pods/p');
    assert.equal(resourcePath(PODS, undefined), '/api/v1/pods');
    assert.equal(resourcePath(DEPLOYS, 'a b', 'd', 'scale'), '/apis/apps/v1/namespaces/a%20b/deployments/d/scale');
    assert.equal(resourcePath(NODES, 'ignored', 'n1', 'status'), '/api/v1/nodes/n1/status');
    assert.throws(() => resourcePath(PODS, 'ns', ''), /may not be empty/);
  });

  it('sends the verbs with the right method, path, query, headers and bodies', async () => {
    seen.length = 0;
    handler = (req, res, body) => json(res, 200, { kind: 'X', echo: req.method, body: body ? JSON.parse(body) : null });
    const c = client({ userAgent: 'unit-test/1' });
    const got = await c.get(PODS, 'ns1', 'p1', { resourceVersion: '0' });
    assert.equal(got.echo, 'GET');
    await c.list(DEPLOYS, 'ns1', { labelSelector: 'a=b,c in (d)', fieldSelector: 'metadata.name=x', limit: 5, continue: 'tok', resourceVersion: '7', resourceVersionMatch: 'NotOlderThan' });
    await c.create(PODS, undefined, { metadata: { name: 'p', namespace: 'from-obj' } }, { dryRun: true, fieldManager: 'me', fieldValidation: 'Strict' });
    await c.update(DEPLOYS, { metadata: { name: 'd', namespace: 'ns1', resourceVersion: '3' } });
    await c.updateStatus(NODES, { metadata: { name: 'n1' } });
    await c.patch(PODS, 'ns1', 'p', 'merge', { metadata: { labels: { a: 'b' } } });
    await c.patch(PODS, 'ns1', 'p', 'strategic', { spec: {} }, { subresource: 'status' });
    await c.patch(PODS, 'ns1', 'p', 'json', [{ op: 'add', path: '/metadata/labels/x', value: 'y' }]);
    await c.delete(PODS, 'ns1', 'p', { propagationPolicy: 'Foreground', gracePeriodSeconds: 0, preconditions: { uid: 'u1', resourceVersion: '9' } });
    await c.delete(PODS, 'ns1', 'q');
    await c.deleteCollection(PODS, 'ns1', { labelSelector: 'app=x', propagationPolicy: 'Background' });
    await c.getSubresource(DEPLOYS, 'ns1', 'd', 'scale');
    await c.updateSubresource(DEPLOYS, 'ns1', 'd', 'scale', { spec: { replicas: 3 } });
    await c.createSubresource(PODS, 'ns1', 'p', 'binding', { target: { kind: 'Node', name: 'n1' } });
    c.close();
    const lines = seen.map((s) => `${s.method} ${s.url}`);
    assert.deepEqual(lines, [
      'GET /api/v1/namespaces/ns1/pods/p1?resourceVersion=0',
      'GET /apis/apps/v1/namespaces/ns1/deployments?labelSelector=a%3Db%2Cc%20in%20(d)&fieldSelector=metadata.name%3Dx&limit=5&continue=tok&resourceVersion=7&resourceVersionMatch=NotOlderThan',
      'POST /api/v1/namespaces/from-obj/pods?dryRun=All&fieldManager=me&fieldValidation=Strict',
      'PUT /apis/apps/v1/namespaces/ns1/deployments/d',
      'PUT /api/v1/nodes/n1/status',
      'PATCH /api/v1/namespaces/ns1/pods/p',
      'PATCH /api/v1/namespaces/ns1/pods/p/status',
      'PATCH /api/v1/namespaces/ns1/pods/p',
      'DELETE /api/v1/namespaces/ns1/pods/p',
      'DELETE /api/v1/namespaces/ns1/pods/q',
      'DELETE /api/v1/namespaces/ns1/pods?labelSelector=app%3Dx',
      'GET /apis/apps/v1/namespaces/ns1/deployments/d/scale',
      'PUT /apis/apps/v1/namespaces/ns1/deployments/d/scale',
      'POST /api/v1/namespaces/ns1/pods/p/binding',
    ]);
    assert.equal(seen[0]!.headers['user-agent'], 'unit-test/1');
    assert.equal(seen[0]!.headers.authorization, 'Bearer sekret');
    assert.equal(seen[0]!.headers.accept, 'application/json');
    assert.equal(seen[2]!.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(seen[2]!.body), { metadata: { name: 'p', namespace: 'from-obj' } });
    assert.equal(seen[5]!.headers['content-type'], 'application/merge-patch+json');
    assert.equal(seen[6]!.headers['content-type'], 'application/strategic-merge-patch+json');
    assert.equal(seen[7]!.headers['content-type'], 'application/json-patch+json');
    assert.deepEqual(JSON.parse(seen[8]!.body), {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      propagationPolicy: 'Foreground',
      gracePeriodSeconds: 0,
      preconditions: { uid: 'u1', resourceVersion: '9' },
    });
    assert.equal(seen[9]!.body, '');
    assert.deepEqual(JSON.parse(seen[10]!.body), { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
  });

  it('turns error answers into ApiStatusError with helpers', async () => {
    const c = client({ maxRetries: 0 });
    const cases: Array<[number, unknown, (e: unknown) => boolean, string]> = [
      [404, status(404, 'NotFound', 'pods "x" not found'), isNotFound, 'NotFound'],
      [409, status(409, 'Conflict', 'the object has been modified'), isConflict, 'Conflict'],
      [409, status(409, 'AlreadyExists', 'pods "x" already exists'), isAlreadyExists, 'AlreadyExists'],
      [410, status(410, 'Expired', 'too old resource version: 1 (5)'), isExpired, 'Expired'],
      [410, 'gone', isExpired, 'Gone'],
      [429, status(429, 'TooManyRequests', 'slow down'), isTooManyRequests, 'TooManyRequests'],
      [502, '<html>bad gateway</html>', () => true, 'InternalError'],
    ];
    for (const [code, body, pred, reason] of cases) {
      handler = (_q, res) => {
        res.writeHead(code, { 'content-type': typeof body === 'string' ? 'text/html' : 'application/json' });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      const err = await c.get(PODS, 'ns', 'x').then(
        () => assert.fail('expected an error'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ApiStatusError, String(err));
      assert.equal(err.code, code);
      assert.equal(err.reason, reason);
      assert.equal(err.status.kind, 'Status');
      assert.ok(pred(err), `${reason} helper`);
      if (reason !== 'NotFound') assert.ok(!isNotFound(err));
    }
    c.close();
    const ev = { type: 'ERROR', object: status(410, 'Expired', 'too old resource version: 1 (5)') };
    assert.ok(isExpired(ev));
    assert.equal(watchEventError(ev)?.message, 'too old resource version: 1 (5)');
    assert.ok(!isExpired({ type: 'ERROR', object: status(500, 'InternalError', 'x') }));
    assert.ok(!isExpired(new Error('x')));
  });

  it('retries 429 after Retry-After and gives up after maxRetries', async () => {
    let n = 0;
    handler = (_q, res) => {
      n++;
      if (n < 3) json(res, 429, status(429, 'TooManyRequests', 'later'), { 'retry-after': '0' });
      else json(res, 200, { kind: 'Pod', n });
    };
    const c = client({ maxRetries: 5 });
    assert.equal((await c.get(PODS, 'ns', 'p')).n, 3);
    n = -10;
    const c2 = client({ maxRetries: 2 });
    await assert.rejects(c2.get(PODS, 'ns', 'p'), (e) => isTooManyRequests(e));
    assert.equal(n, -7);
    c.close();
    c2.close();
  });

  it('sends a GET again when a reused keep-alive socket was dead', async () => {
    const perSocket = new WeakMap<object, number>();
    let answered = 0;
    handler = (req, res) => {
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      if (n === 2) {
        req.socket.destroy();
        return;
      }
      answered++;
      json(res, 200, { kind: 'Pod', n: answered });
    };
    const c = client({ maxSockets: 1 });
    assert.equal((await c.get(PODS, 'ns', 'p')).n, 1);
    assert.equal((await c.get(PODS, 'ns', 'p')).n, 2, 'second GET hit the dead socket and was sent again');
    // A POST is not sent twice.
    await c.get(PODS, 'ns', 'p');
    await assert.rejects(c.create(PODS, 'ns', { metadata: { name: 'x' } }), (e: NodeJS.ErrnoException) => e.code === 'ECONNRESET');
    c.close();
  });

  it('times out and honours abort signals', async () => {
    handler = () => {
      /* never answers */
    };
    const c = client({ timeoutMs: 150 });
    const t0 = Date.now();
    await assert.rejects(c.get(PODS, 'ns', 'p'), (e) => e instanceof RequestTimeoutError);
    assert.ok(Date.now() - t0 >= 140);
    const ctl = new AbortController();
    const p = c.get(PODS, 'ns', 'p', { signal: ctl.signal, timeoutMs: 10_000 });
    setTimeout(() => ctl.abort(new Error('stop now')), 30);
    await assert.rejects(p, /stop now/);
    c.close();
  });

  it('rate limits with a token bucket', async () => {
    handler = (_q, res) => json(res, 200, {});
    const c = client({ qps: 20, burst: 2 });
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) await c.get(PODS, 'ns', 'p');
    // 2 from the burst, 3 more at 20/s: at least ~150 ms.
    assert.ok(Date.now() - t0 >= 130, `took ${Date.now() - t0} ms`);
    c.close();
  });

  it('pages through lists with listAll and keeps the first page resourceVersion', async () => {
    seen.length = 0;
    handler = (req, res) => {
      const q = new URL(req.url!, 'http://x').searchParams;
      const cont = q.get('continue');
      if (!cont) json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '100', continue: 'c1' }, items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }] });
      else json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '100' }, items: [{ metadata: { name: 'c' } }] });
    };
    const c = client();
    const l = await c.listAll(PODS, 'ns', { pageSize: 2, labelSelector: 'x=y' });
    assert.deepEqual(
      l.items.map((i) => i.metadata?.name),
      ['a', 'b', 'c'],
    );
    assert.equal(l.metadata.resourceVersion, '100');
    assert.equal(l.kind, 'PodList');
    assert.deepEqual(
      seen.map((s) => s.url),
      ['/api/v1/namespaces/ns/pods?labelSelector=x%3Dy&limit=2', '/api/v1/namespaces/ns/pods?labelSelector=x%3Dy&limit=2&continue=c1'],
    );
    // An expired continue token restarts the list from the beginning.
    let expiredOnce = false;
    handler = (req, res) => {
      const cont = new URL(req.url!, 'http://x').searchParams.get('continue');
      if (!cont) json(res, 200, { kind: 'PodList', metadata: { resourceVersion: expiredOnce ? '200' : '100', continue: 'c1' }, items: [{ metadata: { name: 'a' } }] });
      else if (!expiredOnce) {
        expiredOnce = true;
        json(res, 410, status(410, 'Expired', 'The provided continue parameter is too old'));
      } else json(res, 200, { kind: 'PodList', metadata: { resourceVersion: '200' }, items: [{ metadata: { name: 'b' } }] });
    };
    const l2 = await c.listAll(PODS, 'ns', { pageSize: 1 });
    assert.deepEqual(
      l2.items.map((i) => i.metadata?.name),
      ['a', 'b'],
    );
    assert.equal(l2.metadata.resourceVersion, '200');
    c.close();
  });

  it('streams watch events split across chunks and ends when the server ends', async () => {
    seen.length = 0;
    handler = (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      const lines = [
        JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '5' } } }),
        JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'a', resourceVersion: '6', annotations: { note: 'ünïcödé ✓' } } } }),
        JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '8' } } }),
        JSON.stringify({ type: 'DELETED', object: { metadata: { name: 'a', resourceVersion: '9' } } }),
      ];
      const all = Buffer.from(lines.join('\n') + '\n');
      // Split in odd places (inside a multi-byte character too).
      const cuts = [3, 40, 41, 97, 150, all.length];
      let at = 0;
      let i = 0;
      const next = () => {
        if (i >= cuts.length) return res.end();
        res.write(all.subarray(at, cuts[i]));
        at = cuts[i++]!;
        setTimeout(next, 5);
      };
      next();
    };
    const c = client();
    const evs = [];
    for await (const ev of c.watch(PODS, 'ns', { resourceVersion: '4', allowWatchBookmarks: true, timeoutSeconds: 30, labelSelector: 'a=b' })) evs.push(ev);
    assert.deepEqual(
      evs.map((e) => `${e.type}:${(e.object.metadata as { resourceVersion?: string }).resourceVersion}`),
      ['ADDED:5', 'MODIFIED:6', 'BOOKMARK:8', 'DELETED:9'],
    );
    assert.equal((evs[1]!.object.metadata as { annotations: Record<string, string> }).annotations.note, 'ünïcödé ✓');
    assert.equal(seen[0]!.url, '/api/v1/namespaces/ns/pods?watch=true&labelSelector=a%3Db&resourceVersion=4&allowWatchBookmarks=true&timeoutSeconds=30');
    c.close();
  });

  it('yields ERROR events, throws on an error answer, and stops quietly on abort', async () => {
    const c = client();
    handler = (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', 'too old resource version: 2 (10)') }) + '\n');
    };
    const evs = [];
    for await (const ev of c.watch(PODS, undefined, { resourceVersion: '2' })) evs.push(ev);
    assert.equal(evs.length, 1);
    assert.ok(isExpired(evs[0]));

    handler = (_q, res) => json(res, 410, status(410, 'Gone', 'gone'));
    await assert.rejects(
      (async () => {
        for await (const _ of c.watch(PODS, undefined, { resourceVersion: '2' })) void _;
      })(),
      (e) => isExpired(e),
    );

    let serverRes: ServerResponse | undefined;
    handler = (_q, res) => {
      serverRes = res;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'x' } } }) + '\n');
    };
    const ctl = new AbortController();
    const got: string[] = [];
    const done = (async () => {
      for await (const ev of c.watch(PODS, 'ns', { signal: ctl.signal })) {
        got.push(ev.type);
        ctl.abort();
      }
    })();
    await done;
    assert.deepEqual(got, ['ADDED']);
    serverRes?.end();

    // A connection cut mid-stream is an error, not a clean end.
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.write(JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'y' } } }) + '\n');
      setTimeout(() => req.socket.destroy(), 20);
    };
    const types: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const ev of c.watch(PODS, 'ns')) types.push(ev.type);
      })(),
    );
    assert.deepEqual(types, ['ADDED']);
    c.close();
  });
});
