import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execProbe, httpProbe, MAX_OUTPUT_BYTES, probeHeaders, probeURL, ProbeError, resolvePort, tcpProbe, type ProbeExec } from './handlers.js';

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}
const close = (s: net.Server & { closeAllConnections?: () => void }) => {
  s.closeAllConnections?.();
  return new Promise<void>((r) => s.close(() => r()));
};
/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const s = net.createServer();
  const p = await listen(s);
  await close(s);
  return p;
}

test('httpProbe: 2xx succeeds with the body, 4xx/5xx fail with the status code', async () => {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    if (req.url === '/ok?x=1') res.end('fine');
    else if (req.url === '/big') res.end('a'.repeat(3 * MAX_OUTPUT_BYTES));
    else if (req.url === '/missing') {
      res.statusCode = 404;
      res.end('nope');
    } else {
      res.statusCode = 500;
      res.end('secret body');
    }
  });
  const port = await listen(server);
  try {
    const action = { port, path: '/ok?x=1', httpHeaders: [{ name: 'X-Custom', value: 'a' }, { name: 'X-Custom', value: 'b' }] };
    assert.deepEqual(await httpProbe(probeURL('HTTP', '127.0.0.1', port, '/ok?x=1'), probeHeaders(action), 1000), { result: 'success', output: 'fine' });
    assert.equal(seen[0]!['user-agent'], 'kube-probe/1.32');
    assert.equal(seen[0]!.accept, '*/*');
    assert.equal(seen[0]!['x-custom'], 'a, b');
    assert.equal(seen[0]!.host, `127.0.0.1:${port}`);

    assert.deepEqual(await httpProbe(probeURL('HTTP', '127.0.0.1', port, '/fail'), probeHeaders({ port }), 1000), { result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
    assert.deepEqual(await httpProbe(probeURL('HTTP', '127.0.0.1', port, '/missing'), probeHeaders({ port }), 1000), { result: 'failure', output: 'HTTP probe failed with statuscode: 404' });
    const big = await httpProbe(probeURL('HTTP', '127.0.0.1', port, '/big'), probeHeaders({ port }), 1000);
    assert.equal(big.result, 'success');
    assert.equal(big.output.length, MAX_OUTPUT_BYTES);

    // Custom User-Agent and Host replace the defaults.
    await httpProbe(probeURL('HTTP', '127.0.0.1', port, '/ok?x=1'), probeHeaders({ port, httpHeaders: [{ name: 'User-Agent', value: 'me' }, { name: 'Host', value: 'example.test' }] }), 1000);
    assert.equal(seen.at(-1)!['user-agent'], 'me');
    assert.equal(seen.at(-1)!.host, 'example.test');
  } finally {
    await close(server);
  }
});

test('httpProbe: follows redirects to the same host, stops with a warning at another host', async () => {
  const server = http.createServer((req, res) => {
    const port = (server.address() as net.AddressInfo).port;
    if (req.url === '/start') {
      res.writeHead(302, { location: '/healthz' });
      res.end();
    } else if (req.url === '/healthz') res.end('ok');
    else if (req.url === '/away') {
      res.writeHead(301, { location: `http://localhost:${port}/healthz` });
      res.end('moved');
    } else if (req.url === '/loop') {
      res.writeHead(302, { location: '/loop' });
      res.end();
    } else if (req.url === '/to-fail') {
      res.writeHead(307, { location: '/boom' });
      res.end();
    } else {
      res.statusCode = 503;
      res.end();
    }
  });
  const port = await listen(server);
  const get = (path: string) => httpProbe(probeURL('HTTP', '127.0.0.1', port, path), probeHeaders({ port }), 1000);
  try {
    assert.deepEqual(await get('/start'), { result: 'success', output: 'ok' });
    assert.deepEqual(await get('/away'), { result: 'warning', output: 'Probe terminated redirects, Response body: moved' });
    assert.deepEqual(await get('/to-fail'), { result: 'failure', output: 'HTTP probe failed with statuscode: 503' });
    assert.deepEqual(await get('/loop'), { result: 'failure', output: `Get "http://127.0.0.1:${port}/loop": stopped after 10 redirects` });
  } finally {
    await close(server);
  }
});

test('httpProbe: refused connections and timeouts fail with Go-style messages', async () => {
  const dead = await deadPort();
  assert.deepEqual(await httpProbe(probeURL('HTTP', '127.0.0.1', dead, '/x'), probeHeaders({ port: dead }), 1000), {
    result: 'failure',
    output: `Get "http://127.0.0.1:${dead}/x": dial tcp 127.0.0.1:${dead}: connect: connection refused`,
  });
  const hang = http.createServer(() => {});
  const port = await listen(hang);
  try {
    const t0 = Date.now();
    const r = await httpProbe(probeURL('HTTP', '127.0.0.1', port, '/slow'), probeHeaders({ port }), 150);
    assert.ok(Date.now() - t0 < 1000);
    assert.deepEqual(r, { result: 'failure', output: `Get "http://127.0.0.1:${port}/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
  } finally {
    await close(hang);
  }
});

test('httpProbe: HTTPS does not verify the certificate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-probe-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'c'), '-days', '1', '-subj', '/CN=probe'], { stdio: 'ignore' });
    const server = https.createServer({ key: readFileSync(join(dir, 'k')), cert: readFileSync(join(dir, 'c')) }, (_req, res) => res.end('tls ok'));
    const port = await listen(server);
    try {
      assert.deepEqual(await httpProbe(probeURL('HTTPS', '127.0.0.1', port, '/'), probeHeaders({ port }), 2000), { result: 'success', output: 'tls ok' });
    } finally {
      await close(server);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tcpProbe: connects, or fails with the dial error', async () => {
  const server = net.createServer((s) => s.destroy());
  const port = await listen(server);
  try {
    assert.deepEqual(await tcpProbe('127.0.0.1', port, 1000), { result: 'success', output: '' });
  } finally {
    await close(server);
  }
  const dead = await deadPort();
  assert.deepEqual(await tcpProbe('127.0.0.1', dead, 1000), { result: 'failure', output: `dial tcp 127.0.0.1:${dead}: connect: connection refused` });
});

test('execProbe: exit code decides; timeouts fail with upstream message; other errors are ProbeErrors', async () => {
  const calls: unknown[][] = [];
  const exec: ProbeExec = async (id, cmd, t) => {
    calls.push([id, cmd, t]);
    if (cmd[0] === 'ok') return { exitCode: 0, output: 'fine\n' };
    if (cmd[0] === 'bad') return { exitCode: 2, output: 'x'.repeat(MAX_OUTPUT_BYTES + 10) };
    if (cmd[0] === 'deadline') throw Object.assign(new Error('CRI ExecSync: DEADLINE_EXCEEDED'), { code: 4 });
    if (cmd[0] === 'hang') return new Promise(() => {});
    throw new Error('container not found');
  };
  assert.deepEqual(await execProbe(exec, 'c1', ['ok'], 3, 1000), { result: 'success', output: 'fine\n' });
  assert.deepEqual(calls[0], ['c1', ['ok'], 3]);
  const bad = await execProbe(exec, 'c1', ['bad'], 1, 1000);
  assert.equal(bad.result, 'failure');
  assert.equal(bad.output.length, MAX_OUTPUT_BYTES);
  assert.deepEqual(await execProbe(exec, 'c1', ['deadline', 'x'], 1, 1000), { result: 'failure', output: 'command "deadline x" timed out' });
  const t0 = Date.now();
  assert.deepEqual(await execProbe(exec, 'c1', ['hang'], 1, 50), { result: 'failure', output: 'command "hang" timed out' });
  assert.ok(Date.now() - t0 < 500);
  await assert.rejects(execProbe(exec, 'c1', ['gone'], 1, 1000), (e) => e instanceof ProbeError && e.message === 'container not found');
});

test('resolvePort: numbers, container port names, numeric strings', () => {
  const c = { name: 'c', ports: [{ name: 'http', containerPort: 8080 }] };
  assert.equal(resolvePort(81, c), 81);
  assert.equal(resolvePort('http', c), 8080);
  assert.equal(resolvePort('9090', c), 9090);
  assert.throws(() => resolvePort('metrics', c), /port metrics not found/);
  assert.throws(() => resolvePort(70000, c), /invalid port number: 70000/);
});

test('probeURL: path and query, IPv6 hosts', () => {
  assert.equal(probeURL('HTTP', '10.0.0.1', 80, '/healthz?full=1').toString(), 'http://10.0.0.1/healthz?full=1');
  assert.equal(probeURL('HTTPS', 'fd00::1', 8443, '').toString(), 'https://[fd00::1]:8443/');
  assert.equal(probeURL('HTTP', '10.0.0.1', 8080, undefined).toString(), 'http://10.0.0.1:8080/');
});
