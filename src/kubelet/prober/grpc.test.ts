import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import * as net from 'node:net';
import { decodeHealthCheckResponse, encodeHealthCheckRequest, goDuration, grpcProbe } from './grpc.js';

/** HealthCheckRequest bytes → service name (the only field). */
const decodeRequest = (b: Buffer): string => (b.length === 0 ? '' : b.subarray(2).toString());
/** ServingStatus number → HealthCheckResponse bytes. */
const encodeResponse = (status: number): Buffer => (status === 0 ? Buffer.alloc(0) : Buffer.from([0x08, status]));

test('protobuf helpers and Go durations', () => {
  assert.deepEqual(encodeHealthCheckRequest(''), Buffer.alloc(0));
  assert.deepEqual(encodeHealthCheckRequest('db'), Buffer.from([0x0a, 2, 0x64, 0x62]));
  assert.equal(encodeHealthCheckRequest('x'.repeat(200)).subarray(0, 3).toString('hex'), '0ac801');
  assert.equal(decodeHealthCheckResponse(Buffer.from([0x08, 1])), 'SERVING');
  assert.equal(decodeHealthCheckResponse(Buffer.alloc(0)), 'UNKNOWN');
  assert.equal(decodeHealthCheckResponse(Buffer.from([0x12, 1, 0x41, 0x08, 2])), 'NOT_SERVING');
  assert.deepEqual([goDuration(1000), goDuration(500), goDuration(1500), goDuration(120000)], ['1s', '500ms', '1.5s', '2m0s']);
});

test('grpcProbe: SERVING succeeds, other statuses and missing service fail as upstream', async () => {
  const server = new grpc.Server();
  const statuses: Record<string, number> = { '': 1, db: 2 };
  server.addService(
    {
      Check: {
        path: '/grpc.health.v1.Health/Check',
        requestStream: false,
        responseStream: false,
        requestSerialize: (x: Buffer) => x,
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (x: Buffer) => x,
        responseDeserialize: (b: Buffer) => b,
      },
    },
    {
      Check: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        const svc = decodeRequest(call.request);
        if (svc in statuses) cb(null, encodeResponse(statuses[svc]!));
        else cb({ code: grpc.status.NOT_FOUND, details: 'unknown service' });
      },
    },
  );
  const port = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
  const bare = new grpc.Server();
  const barePort = await new Promise<number>((res, rej) => bare.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
  try {
    assert.deepEqual(await grpcProbe('127.0.0.1', port, '', 1000), { result: 'success', output: 'service healthy' });
    assert.deepEqual(await grpcProbe('127.0.0.1', port, 'db', 1000), { result: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
    assert.deepEqual(await grpcProbe('127.0.0.1', port, 'other', 1000), { result: 'failure', output: 'error: health rpc probe failed: rpc error: code = NotFound desc = unknown service' });
    const unimpl = await grpcProbe('127.0.0.1', barePort, '', 1000);
    assert.equal(unimpl.result, 'failure');
    assert.match(unimpl.output, /^this server does not implement the grpc health protocol \(grpc\.health\.v1\.Health\): /);
  } finally {
    server.forceShutdown();
    bare.forceShutdown();
  }
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const dead = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  const t0 = Date.now();
  assert.deepEqual(await grpcProbe('127.0.0.1', dead, '', 300), { result: 'failure', output: `timeout: failed to connect service "127.0.0.1:${dead}" within 300ms: context deadline exceeded` });
  assert.ok(Date.now() - t0 < 2000);
});
