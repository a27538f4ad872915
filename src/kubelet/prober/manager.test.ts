import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import type { Container } from 'kubernetes-types/core/v1.js';
import { silentLogger } from '../../util/logger.js';
import type { Pod } from '../types.js';
import { ProbeManager, probeKillMessage, type ContainerRuntimeState, type ProbeExec } from './manager.js';

/** One probe "second" in these tests. */
const S = 40;

function makePod(containers: Container[], extra: { restartPolicy?: 'Always' | 'Never'; phase?: string; deleting?: boolean } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1', ...(extra.deleting ? { deletionTimestamp: new Date().toISOString() } : {}) },
    spec: { containers, restartPolicy: extra.restartPolicy ?? 'Always' },
    status: { phase: extra.phase ?? 'Running' },
  };
}

interface Harness {
  m: ProbeManager;
  events: { type: string; reason: string; message: string; fieldPath: string | undefined }[];
  changes: string[];
  failures: { container: string; id: string; probe: string; output: string }[];
}

function harness(exec: ProbeExec = async () => ({ exitCode: 0, output: '' }), opts: { initialJitter?: boolean } = {}): Harness {
  const h: Omit<Harness, 'm'> = { events: [], changes: [], failures: [] };
  const m = new ProbeManager({
    exec,
    onResultChange: (uid) => h.changes.push(uid),
    onFailure: (_pod, container, id, probe, output) => h.failures.push({ container, id, probe, output }),
    recordEvent: (_pod, type, reason, message, fieldPath) => h.events.push({ type, reason, message, fieldPath }),
    log: silentLogger,
    secondMs: S,
    execGraceMs: S,
    initialJitter: opts.initialJitter ?? false,
  });
  return { m, ...h };
}

const running = (name: string, containerId: string, startedAtMs = Date.now()): ContainerRuntimeState => ({ name, containerId, running: true, startedAtMs });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function httpServer(handler: http.RequestListener): Promise<{ port: number; close(): Promise<void> }> {
  const s = http.createServer(handler);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    port: (s.address() as net.AddressInfo).port,
    close: () => {
      s.closeAllConnections();
      return new Promise<void>((r) => s.close(() => r()));
    },
  };
}

test('no probes: started and ready once running', async () => {
  const { m } = harness();
  m.update(makePod([{ name: 'c', image: 'busybox' }]), '127.0.0.1', [running('c', 'a')]);
  assert.equal(m.isStarted('uid-1', 'c', 'a'), true);
  assert.equal(m.isReady('uid-1', 'c', 'a'), true);
  await m.stop();
});

test('readiness follows an HTTP server that starts failing', async () => {
  let status = 200;
  const srv = await httpServer((_req, res) => {
    res.statusCode = status;
    res.end();
  });
  const h = harness();
  const c: Container = { name: 'c', image: 'x', readinessProbe: { httpGet: { port: srv.port, path: '/ready' }, periodSeconds: 1, timeoutSeconds: 20, failureThreshold: 2 } };
  try {
    h.m.update(makePod([c]), '127.0.0.1', [running('c', 'a')]);
    assert.equal(h.m.isReady('uid-1', 'c', 'a'), false, 'not ready before the first success');
    await waitFor(() => h.m.isReady('uid-1', 'c', 'a'), 'ready');
    assert.ok(h.changes.includes('uid-1'));
    const changesBefore = h.changes.length;
    h.events.length = 0;
    status = 500;
    await waitFor(() => !h.m.isReady('uid-1', 'c', 'a'), 'not ready');
    assert.equal(h.events.length, 2, 'flips on the failureThreshold-th failure');
    assert.ok(h.changes.length > changesBefore);
    assert.deepEqual(h.events[0], { type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 500', fieldPath: 'spec.containers{c}' });
    assert.equal(h.failures.length, 0, 'readiness never kills');
    status = 200;
    await waitFor(() => h.m.isReady('uid-1', 'c', 'a'), 'ready again');
  } finally {
    await h.m.stop();
    await srv.close();
  }
});

test('liveness failure fires onFailure after failureThreshold, then holds until a new container', async () => {
  let calls = 0;
  const h = harness(async (id) => {
    calls++;
    return id === 'b' ? { exitCode: 0, output: '' } : { exitCode: 1, output: 'cat: can\'t open \'/tmp/healthy\': No such file or directory\n' };
  });
  const c: Container = { name: 'app', image: 'x', livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 3 } };
  const pod = makePod([c]);
  try {
    h.m.update(pod, '127.0.0.1', [running('app', 'a')]);
    await waitFor(() => h.failures.length === 1, 'liveness failure');
    assert.equal(calls, 3);
    assert.deepEqual(h.failures[0], { container: 'app', id: 'a', probe: 'liveness', output: "cat: can't open '/tmp/healthy': No such file or directory\n" });
    assert.equal(h.events.length, 3);
    assert.equal(h.events[0]!.message, "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n");
    assert.ok(h.events.every((e) => e.reason === 'Unhealthy' && e.type === 'Warning'));
    await sleep(3 * S);
    assert.equal(calls, 3, 'on hold after the failure');
    assert.equal(h.failures.length, 1);
    // The kubelet restarted the container: probing resumes for the new id.
    h.m.update(pod, '127.0.0.1', [running('app', 'b')]);
    await waitFor(() => calls >= 5, 'probing the new container');
    assert.equal(h.failures.length, 1);
    assert.equal(probeKillMessage('app', 'liveness', true), 'Container app failed liveness probe, will be restarted');
  } finally {
    await h.m.stop();
  }
});

test('startup gates liveness and readiness; startup failure kills', async () => {
  const log: string[] = [];
  let startupOk = false;
  const h = harness(async (_id, cmd) => {
    log.push(cmd[0]!);
    if (cmd[0] === 'startup') return { exitCode: startupOk ? 0 : 1, output: 'starting' };
    return { exitCode: 0, output: '' };
  });
  const c: Container = {
    name: 'c',
    image: 'x',
    startupProbe: { exec: { command: ['startup'] }, periodSeconds: 1, failureThreshold: 30 },
    livenessProbe: { exec: { command: ['live'] }, periodSeconds: 1 },
    readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 1 },
  };
  try {
    h.m.update(makePod([c]), '127.0.0.1', [running('c', 'a')]);
    await sleep(3 * S);
    assert.ok(log.length >= 2 && !log.some((x) => x !== 'startup'), `only startup probes ran: ${log.join(',')}`);
    assert.equal(h.m.isStarted('uid-1', 'c', 'a'), false);
    assert.equal(h.m.isReady('uid-1', 'c', 'a'), false);
    startupOk = true;
    await waitFor(() => h.m.isStarted('uid-1', 'c', 'a'), 'started');
    await waitFor(() => h.m.isReady('uid-1', 'c', 'a'), 'ready');
    await waitFor(() => log.includes('live'), 'liveness runs');
    const startups = log.filter((x) => x === 'startup').length;
    await sleep(3 * S);
    assert.equal(log.filter((x) => x === 'startup').length, startups, 'startup stops probing once it succeeded');
    assert.equal(h.failures.length, 0);
  } finally {
    await h.m.stop();
  }

  const h2 = harness(async () => ({ exitCode: 1, output: 'not yet' }));
  const c2: Container = { name: 'c', image: 'x', startupProbe: { exec: { command: ['startup'] }, periodSeconds: 1, failureThreshold: 2 } };
  try {
    h2.m.update(makePod([c2]), '127.0.0.1', [running('c', 'a')]);
    await waitFor(() => h2.failures.length === 1, 'startup failure');
    assert.deepEqual(h2.failures[0], { container: 'c', id: 'a', probe: 'startup', output: 'not yet' });
    assert.equal(h2.events[0]!.message, 'Startup probe failed: not yet');
    assert.equal(h2.m.isStarted('uid-1', 'c', 'a'), false);
  } finally {
    await h2.m.stop();
  }
});

test('initialDelaySeconds counts from the container start', async () => {
  const at: number[] = [];
  const h = harness(async () => (at.push(Date.now()), { exitCode: 0, output: '' }));
  const c: Container = { name: 'c', image: 'x', readinessProbe: { exec: { command: ['ok'] }, initialDelaySeconds: 5, periodSeconds: 1 } };
  const started = Date.now();
  try {
    h.m.update(makePod([c]), '127.0.0.1', [running('c', 'a', started)]);
    await waitFor(() => h.m.isReady('uid-1', 'c', 'a'), 'ready', 5000);
    assert.ok(at[0]! - started >= 5 * S, `first probe after ${at[0]! - started} ms`);
  } finally {
    await h.m.stop();
  }
});

test('timeouts: a hanging HTTP server and a hanging exec fail the probe', async () => {
  const srv = await httpServer(() => {});
  const h = harness(() => new Promise(() => {}));
  const c: Container = {
    name: 'c',
    image: 'x',
    readinessProbe: { httpGet: { port: srv.port, path: '/hang' }, periodSeconds: 3, timeoutSeconds: 1, failureThreshold: 1 },
    livenessProbe: { exec: { command: ['sleep', '100'] }, periodSeconds: 3, timeoutSeconds: 1, failureThreshold: 1 },
  };
  try {
    h.m.update(makePod([c]), '127.0.0.1', [running('c', 'a')]);
    await waitFor(() => h.failures.length === 1 && h.events.length >= 2, 'timeouts');
    assert.equal(h.failures[0]!.output, 'command "sleep 100" timed out');
    const messages = h.events.map((e) => e.message).sort();
    assert.deepEqual(messages.slice(0, 2), ['Liveness probe failed: command "sleep 100" timed out', `Readiness probe failed: Get "http://127.0.0.1:${srv.port}/hang": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`]);
  } finally {
    await h.m.stop();
    await srv.close();
  }
});

test('tcpSocket probe on a named container port', async () => {
  const server = net.createServer((s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const h = harness();
  const c: Container = { name: 'c', image: 'x', ports: [{ name: 'db', containerPort: port }], readinessProbe: { tcpSocket: { port: 'db' }, periodSeconds: 1 } };
  const bad: Container = { name: 'd', image: 'x', readinessProbe: { tcpSocket: { port: 'nope' }, periodSeconds: 1 } };
  try {
    h.m.update(makePod([c, bad]), '127.0.0.1', [running('c', 'a'), running('d', 'b')]);
    await waitFor(() => h.m.isReady('uid-1', 'c', 'a'), 'ready via named port');
    await waitFor(() => h.events.some((e) => e.fieldPath === 'spec.containers{d}'), 'errored event');
    assert.deepEqual(h.events.find((e) => e.fieldPath === 'spec.containers{d}'), { type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe errored: port nope not found', fieldPath: 'spec.containers{d}' });
    assert.equal(h.m.isReady('uid-1', 'd', 'b'), false);
  } finally {
    await h.m.stop();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('a new container id starts over: not ready until its own probe succeeds', async () => {
  let allow = true;
  const h = harness(async (id, cmd) => ({ exitCode: cmd[0] === 'startup' || allow || id === 'a' ? 0 : 1, output: '' }));
  const c: Container = { name: 'c', image: 'x', readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 1, failureThreshold: 1 }, startupProbe: { exec: { command: ['startup'] }, periodSeconds: 1 } };
  const pod = makePod([c]);
  try {
    h.m.update(pod, '127.0.0.1', [running('c', 'a')]);
    await waitFor(() => h.m.isReady('uid-1', 'c', 'a'), 'ready a');
    allow = false;
    h.m.update(pod, '127.0.0.1', [running('c', 'b')]);
    assert.equal(h.m.isStarted('uid-1', 'c', 'b'), false, 'startup unknown for the new container');
    assert.equal(h.m.isReady('uid-1', 'c', 'b'), false);
    await waitFor(() => h.m.isStarted('uid-1', 'c', 'b'), 'b started');
    await sleep(3 * S);
    assert.equal(h.m.isReady('uid-1', 'c', 'b'), false);
    allow = true;
    await waitFor(() => h.m.isReady('uid-1', 'c', 'b'), 'ready b');
    assert.equal(h.m.isReady('uid-1', 'c', 'a'), false, 'results belong to the current container only');
  } finally {
    await h.m.stop();
  }
});

test('one probe in flight per worker; exited containers under Never stop the worker; removePod stops probing', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  let calls = 0;
  const h = harness(async () => {
    calls++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await sleep(2.5 * S);
    inFlight--;
    return { exitCode: 0, output: '' };
  });
  const c: Container = { name: 'c', image: 'x', readinessProbe: { exec: { command: ['slow'] }, periodSeconds: 1, timeoutSeconds: 10 } };
  try {
    const pod = makePod([c], { restartPolicy: 'Never' });
    h.m.update(pod, '127.0.0.1', [running('c', 'a')]);
    await sleep(8 * S);
    for (let i = 0; i < 5; i++) h.m.isReady('uid-1', 'c', 'a'); // manual triggers do not stack up
    await sleep(4 * S);
    assert.equal(maxInFlight, 1);
    assert.ok(calls >= 3 && calls <= 6, `calls ${calls}`);
    h.m.update(pod, '127.0.0.1', [{ name: 'c', containerId: 'a', running: false, startedAtMs: 0 }]);
    await waitFor(() => inFlight === 0, 'drain');
    await sleep(3 * S);
    const after = calls;
    await sleep(4 * S);
    assert.equal(calls, after, 'worker ended');
    assert.equal(h.m.isReady('uid-1', 'c', 'a'), false);
  } finally {
    await h.m.stop();
  }

  let n = 0;
  const h2 = harness(async () => (n++, { exitCode: 0, output: '' }));
  h2.m.update(makePod([c]), '127.0.0.1', [running('c', 'a')]);
  await waitFor(() => n > 0, 'first probe');
  h2.m.removePod('uid-1');
  const seen = n;
  await sleep(3 * S);
  assert.equal(n, seen);
  assert.equal(h2.m.isReady('uid-1', 'c', 'a'), true, 'forgotten pod has no probes');
  await h2.m.stop();
});

test('a pod being deleted stops liveness quietly; readiness keeps probing', async () => {
  const cmds: string[] = [];
  const h = harness(async (_id, cmd) => (cmds.push(cmd[0]!), { exitCode: 1, output: 'bad' }));
  const c: Container = { name: 'c', image: 'x', livenessProbe: { exec: { command: ['live'] }, periodSeconds: 1, failureThreshold: 1 }, readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 1 } };
  try {
    h.m.update(makePod([c], { deleting: true }), '127.0.0.1', [running('c', 'a')]);
    await waitFor(() => cmds.filter((x) => x === 'ready').length >= 3, 'readiness probes');
    assert.equal(cmds.includes('live'), false);
    assert.equal(h.failures.length, 0);
  } finally {
    await h.m.stop();
  }
});

test('initial jitter stays within one period and stop() ends workers mid-wait', async () => {
  const at: number[] = [];
  const h = harness(async () => (at.push(Date.now()), { exitCode: 0, output: '' }), { initialJitter: true });
  const c: Container = { name: 'c', image: 'x', readinessProbe: { exec: { command: ['ok'] }, periodSeconds: 5 } };
  const t0 = Date.now();
  h.m.update(makePod([c]), '127.0.0.1', [running('c', 'a')]);
  await waitFor(() => at.length === 1, 'first probe');
  assert.ok(at[0]! - t0 <= 5 * S + 20, `jitter ${at[0]! - t0} ms`);
  const t1 = Date.now();
  await h.m.stop();
  assert.ok(Date.now() - t1 < S);
  await sleep(6 * S);
  assert.equal(at.length, 1);
});
