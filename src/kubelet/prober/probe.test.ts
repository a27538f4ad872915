import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expandStatic, probeTiming, runProbe, type ProbeRunner } from './probe.js';
import { ProbeError } from './handlers.js';

test('probeTiming: upstream defaults; successThreshold forced to 1 for liveness and startup', () => {
  assert.deepEqual(probeTiming({}, 'readiness'), { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
  const p = { initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 3, successThreshold: 2, failureThreshold: 7 };
  assert.deepEqual(probeTiming(p, 'readiness'), { initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 3, successThreshold: 2, failureThreshold: 7 });
  assert.equal(probeTiming(p, 'liveness').successThreshold, 1);
  assert.equal(probeTiming(p, 'startup').successThreshold, 1);
  assert.equal(probeTiming({ periodSeconds: 0, failureThreshold: 0 }, 'liveness').periodSeconds, 10);
});

test('expandStatic: $(VAR) from literal env, $$ escapes, unknown and valueFrom stay', () => {
  const env = [{ name: 'PORT', value: '8080' }, { name: 'EMPTY' }, { name: 'FROM', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }];
  assert.equal(expandStatic('wget -q localhost:$(PORT)/', env), 'wget -q localhost:8080/');
  assert.equal(expandStatic('a$(EMPTY)b', env), 'ab');
  assert.equal(expandStatic('$(FROM) $(NOPE) $$(PORT) $ $(', env), '$(FROM) $(NOPE) $(PORT) $ $(');
});

test('runProbe: dispatches on the handler, uses the pod IP and container port names', async () => {
  const server = http.createServer((_req, res) => res.end('hi'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const execCalls: string[][] = [];
  const runner: ProbeRunner = { secondMs: 1000, execGraceMs: 100, exec: async (_id, cmd) => (execCalls.push(cmd), { exitCode: 0, output: 'x' }) };
  const container = { name: 'c', ports: [{ name: 'web', containerPort: port }], env: [{ name: 'N', value: '1' }] };
  try {
    assert.equal((await runProbe({ httpGet: { port: 'web', path: '/' } }, { container, containerId: 'id', podIP: '127.0.0.1' }, runner)).output, 'hi');
    assert.equal((await runProbe({ tcpSocket: { port: 'web' } }, { container, containerId: 'id', podIP: '127.0.0.1' }, runner)).result, 'success');
    assert.equal((await runProbe({ exec: { command: ['echo', '$(N)'] } }, { container, containerId: 'id', podIP: undefined }, runner)).result, 'success');
    assert.deepEqual(execCalls, [['echo', '1']]);
    await assert.rejects(runProbe({ tcpSocket: { port: 'nope' } }, { container, containerId: 'id', podIP: '127.0.0.1' }, runner), ProbeError);
    await assert.rejects(runProbe({ httpGet: { port: 'web' } }, { container, containerId: 'id', podIP: undefined }, runner), ProbeError);
    await assert.rejects(runProbe({}, { container, containerId: 'id', podIP: '127.0.0.1' }, runner), /missing probe handler/);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});
