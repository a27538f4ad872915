import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../../util/logger.js';
import { startHttpSource } from './http.js';
import { Updates, names } from './testutil.js';

const pod = (name: string, image = 'busybox') => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image }] } });

describe('http source', () => {
  let server: Server;
  let url: string;
  let status = 200;
  let body = '';
  let lastHeaders: IncomingHttpHeaders = {};
  let requests = 0;

  before(async () => {
    server = createServer((req, res) => {
      requests++;
      lastHeaders = req.headers;
      res.writeHead(status, { 'content-type': 'application/yaml' });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pods`;
  });
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });

  it('polls the URL and emits the set when it changes; keeps it on errors', async () => {
    status = 200;
    body = JSON.stringify(pod('a'));
    const updates = new Updates();
    const ctl = new AbortController();
    try {
      startHttpSource({ url, headers: { 'X-Token': 'secret' }, periodMs: 50, nodeName: 'node1', onUpdate: updates.push, log: silentLogger, signal: ctl.signal });
      const first = await updates.next();
      assert.equal(first.source, 'http');
      assert.deepEqual(names(first), ['default/a-node1']);
      assert.equal(lastHeaders['x-token'], 'secret');
      const p = first.pods[0]!;
      assert.equal(p.metadata!.annotations?.['kubernetes.io/config.source'], 'http');
      assert.equal(p.spec?.tolerations, undefined);

      // Same body: nothing.
      assert.ok(await updates.none(200));

      // A YAML PodList.
      body = `apiVersion: v1\nkind: PodList\nitems:\n- ${JSON.stringify(pod('a'))}\n- ${JSON.stringify(pod('b'))}\n`;
      assert.deepEqual(names(await updates.next()), ['default/a-node1', 'default/b-node1']);

      // Errors keep the last set.
      status = 500;
      body = 'boom';
      const before = requests;
      assert.ok(await updates.none(250));
      assert.ok(requests > before + 1, 'still polling');
      status = 200;
      body = 'kind: [';
      assert.ok(await updates.none(250));
      body = JSON.stringify({ ...pod('c'), spec: { containers: [{ name: 'c' }] } });
      assert.ok(await updates.none(250), 'an invalid pod keeps the last set');

      // Multi-document YAML, then an empty body (= no pods).
      body = `${JSON.stringify(pod('d'))}\n---\n${JSON.stringify(pod('e'))}\n`;
      assert.deepEqual(names(await updates.next()), ['default/d-node1', 'default/e-node1']);
      body = '';
      assert.deepEqual(names(await updates.next()), []);
    } finally {
      ctl.abort();
    }
    body = JSON.stringify(pod('z'));
    assert.ok(await updates.none(200), 'no update after abort');
  });

  it('survives an unreachable URL and picks up once it answers', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const updates = new Updates();
    const ctl = new AbortController();
    let late: Server | undefined;
    try {
      startHttpSource({ url: `http://127.0.0.1:${port}/`, periodMs: 50, nodeName: 'node1', onUpdate: updates.push, log: silentLogger, signal: ctl.signal });
      assert.ok(await updates.none(200));
      late = createServer((_req, res) => res.end(JSON.stringify(pod('late'))));
      await new Promise<void>((r) => late!.listen(port, '127.0.0.1', r));
      assert.deepEqual(names(await updates.next()), ['default/late-node1']);
    } finally {
      ctl.abort();
      late?.closeAllConnections();
      if (late) await new Promise<void>((r) => late!.close(() => r()));
    }
  });
});
