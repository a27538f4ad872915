/**
 * gRPC probe: calls grpc.health.v1.Health/Check over plaintext HTTP/2, as upstream pkg/probe/grpc.
 * Resolves with success only for SERVING; every other answer or error is a failure carrying
 * upstream's message. The timeout covers connecting and the call.
 */
import * as grpc from '@grpc/grpc-js';
import * as net from 'node:net';
import type { ProbeOutcome } from './handlers.js';
import { PROBE_USER_AGENT } from './handlers.js';

const HEALTH_CHECK = '/grpc.health.v1.Health/Check';
const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'] as const;

/** Go's time.Duration String() for whole milliseconds (1s, 500ms, 1.5s, 2m0s). */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const m = Math.floor(ms / 60000);
  const secs = ((ms % 60000) / 1000).toString();
  return m > 0 ? `${m}m${secs}s` : `${secs}s`;
}

/** HealthCheckRequest { string service = 1; } */
export function encodeHealthCheckRequest(service: string): Buffer {
  if (!service) return Buffer.alloc(0);
  const body = Buffer.from(service);
  const len: number[] = [];
  let n = body.length;
  while (n > 0x7f) {
    len.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  len.push(n);
  return Buffer.concat([Buffer.from([0x0a, ...len]), body]);
}

/** HealthCheckResponse { ServingStatus status = 1; } → the status name. */
export function decodeHealthCheckResponse(buf: Buffer): string {
  let status = 0;
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = buf[i++];
      if (b === undefined) throw new Error('truncated varint');
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) {
      const v = varint();
      if (field === 1) status = v;
    } else if (wire === 2) {
      const len = varint();
      i += len;
    }
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return SERVING_STATUS[status] ?? String(status);
}

export function grpcProbe(host: string, port: number, service: string, timeoutMs: number): Promise<ProbeOutcome> {
  const addr = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
  const deadline = new Date(Date.now() + timeoutMs);
  const client = new grpc.Client(addr, grpc.credentials.createInsecure(), { 'grpc.primary_user_agent': PROBE_USER_AGENT });
  const fail = (output: string): ProbeOutcome => ({ result: 'failure', output });
  return new Promise<ProbeOutcome>((resolve) => {
    client.waitForReady(deadline, (err) => {
      if (err) {
        resolve(fail(`timeout: failed to connect service ${JSON.stringify(addr)} within ${goDuration(timeoutMs)}: context deadline exceeded`));
        return;
      }
      client.makeUnaryRequest<string, string>(
        HEALTH_CHECK,
        encodeHealthCheckRequest,
        decodeHealthCheckResponse,
        service,
        { deadline },
        (e, status) => {
          if (e) {
            if (e.code === grpc.status.UNIMPLEMENTED) resolve(fail(`this server does not implement the grpc health protocol (grpc.health.v1.Health): ${e.details}`));
            else if (e.code === grpc.status.DEADLINE_EXCEEDED) resolve(fail(`timeout: health rpc did not complete within ${goDuration(timeoutMs)}`));
            else resolve(fail(`error: health rpc probe failed: rpc error: code = ${grpcCodeName(e.code)} desc = ${e.details}`));
          } else if (status !== 'SERVING') resolve(fail(`service unhealthy (responded with ${JSON.stringify(status)})`));
          else resolve({ result: 'success', output: 'service healthy' });
        },
      );
    });
  }).finally(() => client.close());
}

/** Go's codes.Code String(): CamelCase names. */
function grpcCodeName(code: number): string {
  const name = grpc.status[code];
  if (!name) return `Code(${code})`;
  return name.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _u: string, c: string) => c.toUpperCase()).replace(/^Ok$/, 'OK');
}
