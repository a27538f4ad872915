import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer, type Server } from 'node:net';
import { connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../types.js';
import type { CriClient, ExecRequest } from '../runtime/cri/client.js';
import { silentLogger } from '../../util/logger.js';
import { startKubeletServer, streamTarget, type KubeletServer, type KubeletServerHost } from './server.js';

function get(port: number, path: string): Promise<{ code: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends a raw upgrade request over TLS and collects everything the server sends back until it closes. */
function rawUpgrade(port: number, head: string, then: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      s.write(head);
      s.write(then);
    });
    let got = '';
    s.on('data', (c) => {
      got += c;
      if (got.includes('ECHO:ping')) s.end();
    });
    s.on('close', () => resolve(got));
    s.on('error', reject);
  });
}

describe('kubelet server', () => {
  let dir = '';
  let server: KubeletServer;
  let stream: Server;
  let streamRequest = '';
  const execs: ExecRequest[] = [];
  const ac = new AbortController();
  const pod: Pod = {
    metadata: { name: 'p', namespace: 'ns', uid: 'u' },
    spec: { containers: [{ name: 'c' }, { name: 'w' }] },
    status: { containerStatuses: [{ name: 'w', ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason: 'ImagePullBackOff' } } }] },
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-ksrv-'));
    const T = '2024-05-01T10:00:00.5Z';
    writeFileSync(join(dir, 'c.log'), `${T} stdout F a\n${T} stdout P b\n${T} stderr F c\n${T} stdout F b\n`);
    // A stand-in for the runtime's stream server: answers 101 and echoes what follows.
    stream = createServer((sock) => {
      let buf = '';
      sock.on('data', (d) => {
        buf += d.toString('latin1');
        const end = buf.indexOf('\r\n\r\n');
        if (end >= 0 && !streamRequest) {
          streamRequest = buf.slice(0, end);
          sock.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n');
          buf = buf.slice(end + 4);
        }
        if (streamRequest && buf) {
          sock.write(`ECHO:${buf}`);
          buf = '';
        }
      });
    });
    await new Promise<void>((r) => stream.listen(0, '127.0.0.1', r));
    const streamPort = (stream.address() as { port: number }).port;
    const cri = {
      exec: async (r: ExecRequest) => {
        execs.push(r);
        return `http://127.0.0.1:${streamPort}/exec/tok123`;
      },
    } as unknown as CriClient;
    const host: KubeletServerHost = {
      nodeName: 'n1',
      pods: () => [pod],
      lookupContainer: (ns, name, c) => {
        if (ns !== 'ns' || name !== 'p') return undefined;
        if (c === 'c') return { pod, containerId: 'cid', logPath: join(dir, 'c.log'), running: true };
        if (c === 'w') return { pod, running: false };
        return undefined;
      },
      sandboxId: () => 'sb',
      cri,
      resourceMetrics: async () => 'resource_scrape_error 0\n',
      extraHandlers: [async (req, res) => (req.url === '/extra' ? (res.end('extra'), true) : false)],
    };
    server = await startKubeletServer({ host, bindAddress: '127.0.0.1', port: 0, log: silentLogger, signal: ac.signal });
  });

  after(async () => {
    ac.abort();
    await server.close();
    stream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('parses stream paths with and without the pod uid', () => {
    assert.deepEqual(streamTarget('/exec/ns/p/c'), { kind: 'exec', namespace: 'ns', pod: 'p', container: 'c' });
    assert.deepEqual(streamTarget('/attach/ns/p/uid/c'), { kind: 'attach', namespace: 'ns', pod: 'p', container: 'c' });
    assert.deepEqual(streamTarget('/portForward/ns/p'), { kind: 'portForward', namespace: 'ns', pod: 'p', container: '' });
    assert.equal(streamTarget('/exec/ns/p'), undefined);
  });

  it('serves container logs with options and upstream error messages', async () => {
    const r = await get(server.port, '/containerLogs/ns/p/c');
    assert.equal(r.code, 200);
    assert.equal(r.type, 'text/plain');
    // File order: the stdout line split around a stderr line is written as its parts come.
    assert.equal(r.body, 'a\nbc\nb\n');
    assert.equal((await get(server.port, '/containerLogs/ns/p/c?tailLines=1')).body, 'b\n');
    assert.equal((await get(server.port, '/containerLogs/ns/p/c?tailLines=1&timestamps=true')).body, '2024-05-01T10:00:00.5Z b\n');
    assert.equal((await get(server.port, '/containerLogs/ns/p/c?limitBytes=3')).body, 'a\nb');
    assert.deepEqual(await get(server.port, '/containerLogs/ns/q/c').then((x) => [x.code, x.body]), [404, 'pod "q" does not exist']);
    assert.deepEqual(await get(server.port, '/containerLogs/ns/p/x').then((x) => [x.code, x.body]), [404, 'container "x" not found in pod "p"']);
    assert.deepEqual(await get(server.port, '/containerLogs/ns/p/w').then((x) => [x.code, x.body]), [400, 'container "w" in pod "p" is waiting to start: ImagePullBackOff']);
    assert.deepEqual(await get(server.port, '/containerLogs/ns/p/c?previous=true').then((x) => [x.code, x.body]), [400, 'previous terminated container "c" in pod "p" not found']);
    assert.equal((await get(server.port, '/containerLogs/ns/p/c?tailLines=x')).code, 400);
  });

  it('serves /pods, /metrics/resource, /healthz and extra handlers', async () => {
    const pods = JSON.parse((await get(server.port, '/pods')).body) as { kind: string; items: Pod[] };
    assert.equal(pods.kind, 'PodList');
    assert.equal(pods.items.length, 1);
    assert.equal((await get(server.port, '/metrics/resource')).body, 'resource_scrape_error 0\n');
    assert.equal((await get(server.port, '/healthz')).body, 'ok');
    assert.equal((await get(server.port, '/extra')).body, 'extra');
    assert.equal((await get(server.port, '/nope')).code, 404);
    assert.equal((await get(server.port, '/exec/ns/p/c?command=ls&output=1')).code, 400);
  });

  it('relays an exec upgrade to the runtime stream URL, rewriting only the request line and Host', async () => {
    const head = 'POST /exec/ns/p/c?command=sh&command=-c&command=echo%20hi&input=1&output=1&error=1&tty=1 HTTP/1.1\r\n' +
      'Host: kubelet:10250\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n';
    const got = await rawUpgrade(server.port, head, Buffer.from('ping'));
    assert.match(got, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(got, /ECHO:ping$/);
    const port = (stream.address() as { port: number }).port;
    assert.equal(streamRequest, `POST /exec/tok123 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io`);
    // tty merges stderr into stdout, as the CRI requires.
    assert.deepEqual(execs.at(-1), { containerId: 'cid', cmd: ['sh', '-c', 'echo hi'], tty: true, stdin: true, stdout: true, stderr: false });
  });

  it('answers a bad upgrade with a plain HTTP error on the socket', async () => {
    const got = await rawUpgrade(server.port, 'GET /exec/ns/p/c?command=ls HTTP/1.1\r\nHost: k\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n', Buffer.alloc(0));
    assert.match(got, /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*\r\n\r\nyou must specify at least 1 of stdin, stdout, stderr$/);
    const missing = await rawUpgrade(server.port, 'GET /exec/ns/zz/c?command=ls&output=1 HTTP/1.1\r\nHost: k\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n', Buffer.alloc(0));
    assert.match(missing, /^HTTP\/1\.1 404 Not Found\r\n[\s\S]*pod "zz" does not exist$/);
  });
});
