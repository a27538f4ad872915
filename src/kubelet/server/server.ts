/**
 * The kubelet's HTTPS server (upstream's paths):
 * - `GET /healthz` → `ok` (no authentication).
 * - `GET /pods` → PodList of the kubelet's pods.
 * - `GET /containerLogs/{ns}/{pod}/{container}` with PodLogOptions query parameters (follow,
 *   previous, tailLines, sinceSeconds, sinceTime, timestamps, limitBytes) → text/plain, streamed.
 * - `/exec/{ns}/{pod}[/{uid}]/{container}?command=…&input=1&output=1&error=1&tty=1`,
 *   `/attach/{ns}/{pod}[/{uid}]/{container}?…`, `/portForward/{ns}/{pod}[/{uid}]` (GET or POST with
 *   `Upgrade`): the runtime is asked (CRI Exec/Attach/PortForward) for a stream-server URL and the
 *   client's upgrade request is relayed to it raw (relay.ts); the runtime answers the handshake.
 *   `stdin`/`stdout`/`stderr` = `true` are accepted as well as upstream's `input`/`output`/`error` = `1`.
 * - `GET /metrics/resource` → the host's Prometheus text.
 * - then the host's extra handlers; else 404.
 *
 * Authentication: with `caPem`, every path but /healthz needs a client certificate that chains to
 * it (else 401), and a certificate of a node (`O=system:nodes`) is refused (403); without `caPem`
 * every client is accepted (tests only). Serving certificate: `certPem`/`keyPem`, else a
 * self-signed one made at start. Errors are plain-text bodies with upstream's messages.
 */
import { access } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../util/logger.js';
import type { Pod } from '../types.js';
import { CriError, type CriClient } from '../runtime/cri/client.js';
import { readLogs } from '../logs/reader.js';
import { selfSignedCert } from './cert.js';
import { parseLogQuery, LogQueryError } from './logquery.js';
import { rawReply, relayUpgrade } from './relay.js';

export interface ContainerLookup {
  pod: Pod;
  containerId?: string;
  logPath?: string;
  previousLogPath?: string;
  running: boolean;
}

export interface KubeletServerHost {
  nodeName: string;
  pods(): Pod[];
  /** The pod (by namespace/name) and one of its containers: current and previous container ids and log paths. */
  lookupContainer(namespace: string, pod: string, container: string): ContainerLookup | undefined;
  sandboxId(namespace: string, pod: string): string | undefined;
  cri: CriClient;
  /** Prometheus text for /metrics/resource (stats/resource.ts renders it; the kubelet passes its pod list). */
  resourceMetrics(): Promise<string>;
  /** Extra handlers, run after authentication (the static-pod manifest endpoint): resolve true when handled. */
  extraHandlers?: ((req: IncomingMessage, res: ServerResponse) => Promise<boolean>)[];
}

export interface KubeletServerOptions {
  host: KubeletServerHost;
  bindAddress: string;
  /** 0 picks a free port. */
  port: number;
  /** Cluster CA: client certificates must chain to it. */
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  log: Logger;
  signal: AbortSignal;
}

export interface KubeletServer {
  port: number;
  close(): Promise<void>;
}

type Auth = { ok: true } | { ok: false; code: 401 | 403; message: string };

class HttpError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error' };

function segments(pathname: string): string[] {
  return pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
}

const truthy = (v: string | null): boolean => v !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);

/** The stream target of an exec/attach/portForward path, or undefined when the path is not one. */
export function streamTarget(pathname: string): { kind: 'exec' | 'attach' | 'portForward'; namespace: string; pod: string; container: string } | undefined {
  const s = segments(pathname);
  const kind = s[0];
  if (kind === 'exec' || kind === 'attach') {
    if (s.length === 4) return { kind, namespace: s[1]!, pod: s[2]!, container: s[3]! };
    if (s.length === 5) return { kind, namespace: s[1]!, pod: s[2]!, container: s[4]! };
  } else if (kind === 'portForward' && (s.length === 3 || s.length === 4)) {
    return { kind, namespace: s[1]!, pod: s[2]!, container: '' };
  }
  return undefined;
}

export async function startKubeletServer(o: KubeletServerOptions): Promise<KubeletServer> {
  const { host, log } = o;
  let certPem = o.certPem;
  let keyPem = o.keyPem;
  if (!certPem || !keyPem) ({ certPem, keyPem } = await selfSignedCert(host.nodeName, [o.bindAddress]));
  const upgraded = new Set<Duplex>();

  const authenticate = (socket: TLSSocket): Auth => {
    if (!o.caPem) return { ok: true };
    if (!socket.authorized) return { ok: false, code: 401, message: 'Unauthorized' };
    const subject = socket.getPeerCertificate()?.subject as Record<string, string | string[]> | undefined;
    const orgs = subject?.O === undefined ? [] : Array.isArray(subject.O) ? subject.O : [subject.O];
    if (orgs.includes('system:nodes')) {
      return { ok: false, code: 403, message: `Forbidden (user=${String(subject?.CN ?? '')}, verb=get, resource=nodes, subresource=proxy)` };
    }
    return { ok: true };
  };

  const sendText = (res: ServerResponse, code: number, text: string): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const serveLogs = async (req: IncomingMessage, res: ServerResponse, url: URL, seg: string[]): Promise<void> => {
    const [namespace, podName] = [seg[1], seg[2]];
    const container = seg[3] ?? url.searchParams.get('container') ?? '';
    if (!namespace || !podName || seg.length > 4) throw new HttpError(400, 'Bad Request: unknown path');
    let q;
    try {
      q = parseLogQuery(url.searchParams, Date.now());
    } catch (err) {
      if (err instanceof LogQueryError) throw new HttpError(400, err.message);
      throw err;
    }
    const pod = host.pods().find((p) => p.metadata?.namespace === namespace && p.metadata?.name === podName);
    if (!pod) throw new HttpError(404, `pod "${podName}" does not exist`);
    const spec = pod.spec;
    const known = [...(spec?.containers ?? []), ...(spec?.initContainers ?? []), ...(spec?.ephemeralContainers ?? [])].some((c) => c.name === container);
    if (!known) throw new HttpError(404, `container "${container}" not found in pod "${podName}"`);
    const c = host.lookupContainer(namespace, podName, container);
    let path: string | undefined;
    if (q.previous) {
      path = c?.previousLogPath;
      if (!path) throw new HttpError(400, `previous terminated container "${container}" in pod "${podName}" not found`);
    } else {
      path = c?.logPath;
      if (!path) {
        const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])];
        const reason = statuses.find((s) => s.name === container)?.state?.waiting?.reason ?? 'ContainerCreating';
        throw new HttpError(400, `container "${container}" in pod "${podName}" is waiting to start: ${reason}`);
      }
    }
    const ac = new AbortController();
    const abort = () => ac.abort();
    res.on('close', abort);
    o.signal.addEventListener('abort', abort, { once: true });
    const id = c?.containerId;
    try {
      // Opening first turns a missing file into a clean 404 before the 200 is sent.
      await access(path).catch(() => {
        throw new HttpError(404, `log file for container "${container}" in pod "${podName}" not found`);
      });
      res.writeHead(200, { 'content-type': 'text/plain', 'x-content-type-options': 'nosniff' });
      res.flushHeaders();
      await readLogs(path, res, {
        follow: q.follow && !q.previous,
        tailLines: q.tailLines,
        sinceNs: q.sinceNs,
        timestamps: q.timestamps,
        limitBytes: q.limitBytes,
        signal: ac.signal,
        running: () => {
          const now = host.lookupContainer(namespace, podName, container);
          return !!now?.running && now.containerId === id;
        },
      });
      res.end();
    } finally {
      res.off('close', abort);
      o.signal.removeEventListener('abort', abort);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const seg = segments(url.pathname);
    if (url.pathname === '/healthz') return sendText(res, 200, 'ok');
    const auth = authenticate(req.socket as TLSSocket);
    if (!auth.ok) return sendText(res, auth.code, auth.message);
    const method = req.method ?? 'GET';
    const getOnly = () => {
      if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, `${method} is not allowed`);
    };
    switch (seg[0]) {
      case 'pods':
        if (seg.length !== 1) break;
        getOnly();
        return sendJson(res, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: host.pods() });
      case 'containerLogs':
        getOnly();
        return serveLogs(req, res, url, seg);
      case 'metrics':
        if (seg[1] !== 'resource' || seg.length !== 2) break;
        getOnly();
        {
          const text = await host.resourceMetrics();
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(text) });
          res.end(method === 'HEAD' ? undefined : text);
        }
        return;
      case 'exec':
      case 'attach':
      case 'portForward':
        if (streamTarget(url.pathname)) throw new HttpError(400, 'Upgrade request required');
        break;
    }
    for (const h of host.extraHandlers ?? []) if (await h(req, res)) return;
    sendText(res, 404, '404 page not found\n');
  };

  /** The runtime's stream URL for an upgrade request, or an HttpError. */
  const streamUrl = async (url: URL): Promise<string> => {
    const t = streamTarget(url.pathname);
    if (!t) throw new HttpError(404, '404 page not found\n');
    const q = url.searchParams;
    if (t.kind === 'portForward') {
      const sandbox = host.sandboxId(t.namespace, t.pod);
      if (!sandbox) throw new HttpError(404, `pod "${t.pod}" does not exist`);
      const ports = q.getAll('port').flatMap((p) => p.split(',')).map(Number).filter((n) => Number.isInteger(n) && n > 0 && n < 65536);
      return host.cri.portForward(sandbox, ports);
    }
    const c = host.lookupContainer(t.namespace, t.pod, t.container);
    if (!c) {
      if (!host.pods().some((p) => p.metadata?.namespace === t.namespace && p.metadata?.name === t.pod)) throw new HttpError(404, `pod "${t.pod}" does not exist`);
      throw new HttpError(404, `container not found ("${t.container}")`);
    }
    if (!c.containerId || !c.running) throw new HttpError(400, `container ${t.container} is not valid for pod ${t.pod}: container is not running`);
    const tty = truthy(q.get('tty'));
    const stdin = truthy(q.get('input')) || truthy(q.get('stdin'));
    const stdout = truthy(q.get('output')) || truthy(q.get('stdout'));
    const stderr = !tty && (truthy(q.get('error')) || truthy(q.get('stderr')));
    if (!stdin && !stdout && !stderr) throw new HttpError(400, 'you must specify at least 1 of stdin, stdout, stderr');
    if (t.kind === 'attach') return host.cri.attach({ containerId: c.containerId, tty, stdin, stdout, stderr });
    const cmd = q.getAll('command');
    if (cmd.length === 0) throw new HttpError(400, 'you must specify at least one command for the container');
    return host.cri.exec({ containerId: c.containerId, cmd, tty, stdin, stdout, stderr });
  };

  const handleUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    socket.on('error', () => socket.destroy());
    const auth = authenticate(socket as TLSSocket);
    if (!auth.ok) return rawReply(socket, auth.code, REASONS[auth.code]!, auth.message);
    const url = new URL(req.url ?? '/', 'https://kubelet');
    let target: string;
    try {
      target = await streamUrl(url);
    } catch (err) {
      const code = err instanceof HttpError ? err.code : err instanceof CriError && err.codeName === 'NOT_FOUND' ? 404 : 500;
      return rawReply(socket, code, REASONS[code] ?? 'Error', err instanceof Error ? err.message : String(err));
    }
    log.debug({ path: url.pathname, target }, 'relaying stream to the runtime');
    relayUpgrade(req, socket, head, new URL(target), (err) => log.warn({ err: err.message, target }, 'runtime stream server unreachable'));
  };

  const server: Server = createServer(
    { cert: certPem, key: keyPem, ...(o.caPem ? { ca: o.caPem, requestCert: true, rejectUnauthorized: false } : {}) },
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        const code = err instanceof HttpError ? err.code : 500;
        if (code === 500) log.error({ err: err instanceof Error ? err.stack : String(err), path: req.url }, 'kubelet server request failed');
        sendText(res, code, err instanceof Error ? err.message : String(err));
      });
    },
  );
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void handleUpgrade(req, socket, head));
  server.on('clientError', (_err, socket) => socket.destroy());
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      for (const s of upgraded) s.destroy();
    }));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.bindAddress, () => {
      server.off('error', reject);
      resolve();
    });
  });
  o.signal.addEventListener('abort', () => void close(), { once: true });
  const addr = server.address();
  return { port: addr && typeof addr === 'object' ? addr.port : o.port, close };
}

function sendJson(res: ServerResponse, body: unknown): void {
  const b = Buffer.from(JSON.stringify(body));
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': b.length });
  res.end(b);
}
