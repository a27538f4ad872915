/**
 * Probe handlers (exec, httpGet, tcpSocket), as upstream pkg/probe.
 *
 * Contract: every handler resolves with a `ProbeOutcome` (success, warning or failure with the
 * output upstream would show in the `Unhealthy` event) and rejects only when the probe could not
 * be run at all (upstream's "errored" probes: bad port name, no pod IP, runtime error other than a
 * timeout); the worker throws such results away.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { Container, HTTPGetAction, TCPSocketAction } from 'kubernetes-types/core/v1.js';

/** Upstream's probe result before thresholds: warning counts as success but records a ProbeWarning event. */
export interface ProbeOutcome { result: 'success' | 'warning' | 'failure'; output: string }

/**
 * Runs `cmd` in a container through the CRI (ExecSync) with the given timeout. Resolves with the exit
 * code and combined stdout+stderr. A timeout must reject with an error whose `code` is 4 (gRPC
 * DEADLINE_EXCEEDED, as `CriError` carries it) or whose `timedOut` is true; any other rejection
 * makes the probe "errored".
 */
export type ProbeExec = (containerId: string, cmd: string[], timeoutSeconds: number) => Promise<{ exitCode: number; output: string }>;

/** Upstream caps probe output and HTTP bodies at 10 KiB. */
export const MAX_OUTPUT_BYTES = 10 * 1024;
/** Upstream sends `kube-probe/<major>.<minor>` of the kubelet. */
export const PROBE_USER_AGENT = 'kube-probe/1.32';
const MAX_REDIRECTS = 10;
const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

/** A rejection that marks a probe as errored (not run), with upstream's message. */
export class ProbeError extends Error {}

/** Go's `%q` for the strings we quote (close enough: JSON escaping). */
const goQuote = (s: string): string => JSON.stringify(s);

function capOutput(s: string): string {
  const b = Buffer.from(s);
  return b.length <= MAX_OUTPUT_BYTES ? s : b.subarray(0, MAX_OUTPUT_BYTES).toString();
}

function isTimeoutError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as { code?: unknown; timedOut?: unknown };
  return o.code === 4 || o.timedOut === true;
}

/**
 * Exec probe: exit code 0 is success, anything else failure with the command's output; a timeout is
 * a failure with upstream's `command "<cmd>" timed out`. `localDeadlineMs` bounds the wait even
 * when the runtime never answers.
 */
export async function execProbe(exec: ProbeExec, containerId: string, cmd: string[], timeoutSeconds: number, localDeadlineMs: number): Promise<ProbeOutcome> {
  const timedOut = (): ProbeOutcome => ({ result: 'failure', output: `command ${goQuote(cmd.join(' '))} timed out` });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), localDeadlineMs);
  });
  try {
    const r = await Promise.race([exec(containerId, cmd, timeoutSeconds), deadline]);
    if (r === 'timeout') return timedOut();
    return { result: r.exitCode === 0 ? 'success' : 'failure', output: capOutput(r.output) };
  } catch (e) {
    if (isTimeoutError(e)) return timedOut();
    throw new ProbeError(e instanceof Error ? e.message : String(e));
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves a probe port as upstream's ResolveContainerPort: a number, or a container port name,
 * or a number written as a string; must be within 1..65535.
 */
export function resolvePort(port: number | string | undefined, container: Container): number {
  let n: number;
  if (typeof port === 'number') n = port;
  else if (typeof port === 'string') {
    const named = (container.ports ?? []).find((p) => p.name === port);
    if (named) n = named.containerPort;
    else if (/^-?\d+$/.test(port)) n = Number(port);
    else throw new ProbeError(`port ${port} not found`);
  } else throw new ProbeError('intOrString had no kind');
  if (n > 0 && n < 65536) return n;
  throw new ProbeError(`invalid port number: ${n}`);
}

const hostPort = (host: string, port: number): string => (net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`);

/** Go's net error text for a failed dial or read (`connect: connection refused`, …). */
function netErrorText(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ECONNREFUSED': return 'connect: connection refused';
    case 'EHOSTUNREACH': return 'connect: no route to host';
    case 'ENETUNREACH': return 'connect: network is unreachable';
    case 'ECONNRESET': return 'read: connection reset by peer';
    case 'EADDRNOTAVAIL': return 'connect: cannot assign requested address';
    case 'ETIMEDOUT': return 'i/o timeout';
    default: return e.message;
  }
}

/** TCP probe: success when a connection opens within the timeout. */
export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  const addr = hostPort(host, port);
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (o: ProbeOutcome): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done({ result: 'failure', output: `dial tcp ${addr}: i/o timeout` }), timeoutMs);
    sock.once('connect', () => done({ result: 'success', output: '' }));
    sock.once('error', (e: NodeJS.ErrnoException) => done({ result: 'failure', output: `dial tcp ${addr}: ${netErrorText(e)}` }));
  });
}

/** The probe's URL as upstream's formatURL: the path may carry a query. */
export function probeURL(scheme: string, host: string, port: number, path: string | undefined): URL {
  const u = new URL(`${scheme.toLowerCase()}://${hostPort(host, port)}`);
  const p = path ?? '';
  const q = p.indexOf('?');
  u.pathname = q >= 0 ? p.slice(0, q) : p;
  if (q >= 0) u.search = p.slice(q);
  return u;
}

/** Request headers as upstream: user headers (repeatable), default User-Agent and Accept. */
export function probeHeaders(action: HTTPGetAction): Record<string, string | string[]> {
  const h: Record<string, string[]> = {};
  for (const { name, value } of action.httpHeaders ?? []) (h[name.toLowerCase()] ??= []).push(value);
  h['user-agent'] ??= [PROBE_USER_AGENT];
  h.accept ??= ['*/*'];
  h.connection = ['close'];
  const out: Record<string, string | string[]> = { ...h };
  // Go sends one Host: the first given.
  if (h.host) out.host = h.host[0]!;
  return out;
}

interface RawResponse { status: number; location: string | undefined; body: string }

class DeadlineExceeded extends Error {
  constructor(readonly phase: 'headers' | 'body') {
    super('deadline');
  }
}

/** One GET without following redirects; the body is read up to MAX_OUTPUT_BYTES. */
function getOnce(url: URL, headers: Record<string, string | string[]>, signal: AbortSignal, expired: () => boolean): Promise<RawResponse> {
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let gotHeaders = false;
    const req = mod.request(url, { method: 'GET', headers, signal, rejectUnauthorized: false, agent: false }, (res) => {
      gotHeaders = true;
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (): void => {
        res.destroy();
        resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: Buffer.concat(chunks).subarray(0, MAX_OUTPUT_BYTES).toString() });
      };
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        size += c.length;
        if (size >= MAX_OUTPUT_BYTES) finish();
      });
      res.once('end', finish);
      res.once('error', (e) => reject(expired() ? new DeadlineExceeded('body') : e));
    });
    req.once('error', (e) => reject(expired() ? new DeadlineExceeded(gotHeaders ? 'body' : 'headers') : e));
    req.end();
  });
}

/**
 * HTTP(S) GET probe as upstream: TLS verification off, redirects followed only to the same host
 * (at most 10; otherwise the redirect response ends the probe with a warning), 200 ≤ status < 400
 * is success, failures say `HTTP probe failed with statuscode: N`. The timeout covers the whole
 * exchange, as Go's Client.Timeout.
 */
export async function httpProbe(url: URL, headers: Record<string, string | string[]>, timeoutMs: number): Promise<ProbeOutcome> {
  const ac = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    ac.abort();
  }, timeoutMs);
  const first = url.toString();
  try {
    let current = url;
    for (let hops = 0; ; hops++) {
      let res: RawResponse;
      try {
        res = await getOnce(current, headers, ac.signal, () => expired);
      } catch (e) {
        if (e instanceof DeadlineExceeded && e.phase === 'body') throw new ProbeError(`context deadline exceeded (Client.Timeout or context cancellation while reading body)`);
        const text = e instanceof DeadlineExceeded ? 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)'
          : `dial tcp ${hostPort(current.hostname.replace(/^\[|\]$/g, ''), Number(current.port || (current.protocol === 'https:' ? 443 : 80)))}: ${netErrorText(e as NodeJS.ErrnoException)}`;
        return { result: 'failure', output: `Get ${goQuote(current === url ? first : current.toString())}: ${text}` };
      }
      if (REDIRECT_CODES.has(res.status) && res.location !== undefined) {
        const next = new URL(res.location, current);
        if (hops + 1 >= MAX_REDIRECTS) return { result: 'failure', output: `Get ${goQuote(next.toString())}: stopped after 10 redirects` };
        if (next.hostname === url.hostname && (next.protocol === 'http:' || next.protocol === 'https:')) {
          // As Go: a custom Host survives only a relative redirect.
          if (headers.host !== undefined && URL.canParse(res.location)) {
            headers = { ...headers };
            delete headers.host;
          }
          current = next;
          continue;
        }
      }
      if (res.status >= 200 && res.status < 400) {
        if (res.status >= 300) return { result: 'warning', output: `Probe terminated redirects, Response body: ${res.body}` };
        return { result: 'success', output: res.body };
      }
      return { result: 'failure', output: `HTTP probe failed with statuscode: ${res.status}` };
    }
  } finally {
    clearTimeout(timer);
  }
}

/** The host an httpGet/tcpSocket probe targets: its own `host`, else the pod IP. */
export function probeHost(action: HTTPGetAction | TCPSocketAction, podIP: string | undefined): string {
  const host = action.host || podIP;
  if (!host) throw new ProbeError('pod has no IP address yet');
  return host;
}
