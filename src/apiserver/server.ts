/**
 * The HTTPS front door: TLS with client-certificate authentication, routing of non-resource
 * paths (health, version, metrics, discovery, OpenAPI) and resource requests, body limits and the
 * error boundary that turns every failure into a `Status`. Bad input never crashes the server.
 */
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { chmodSync, rmSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../util/logger.js';
import * as errors from '../machinery/errors.js';
import { buildDiscovery, type ExtraGroup } from './discovery.js';
import { resolveRequest } from './http/requestinfo.js';
import { ResourceHandlers } from './http/resources.js';
import { wantsAggregatedDiscovery } from './http/negotiation.js';
import type { Registries } from './registries.js';
import type { ApiMetrics } from './metrics.js';
import type { OpenApiService } from './openapi/service.js';
import type { ServiceAccountTokenApi } from './serviceaccount/index.js';
import { KubeletProxy, KubeletTransport, upgradeResponse, type ClientCert } from './proxy/index.js';
import type { Duplex } from 'node:stream';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** The `verb` label of request metrics, as upstream's apiserver_request_total uses them. */
const METRIC_VERB: Record<string, string> = {
  get: 'GET',
  list: 'LIST',
  watch: 'WATCH',
  create: 'POST',
  update: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  deletecollection: 'DELETE',
};

export interface ApiServerOptions {
  tls: { cert: string; key: string; ca: string };
  registries: Registries;
  openapi: OpenApiService;
  metrics: ApiMetrics;
  log: Logger;
  version: Record<string, string>;
  /** APIs served beside the resource catalogue (e.g. metrics.k8s.io), as aggregated APIs are. */
  extraApis?: ExtraApi[];
  /** Bearer tokens accepted in addition to client certificates: token → user. */
  tokens?: Map<string, { name: string; groups: string[] }>;
  /** Service-account JWTs: accepted as bearer tokens, and issued by `serviceaccounts/{name}/token`. */
  serviceAccountTokens?: ServiceAccountTokenApi;
  /** Client certificate presented to kubelets (pods/log, exec, attach, portforward, proxy). */
  kubeletClient?: ClientCert;
}

export interface ExtraApi {
  discovery: ExtraGroup;
  /** The reply for a path of this API, or undefined when the path is not its own; throws ApiError. */
  handle(method: string, path: string, query: URLSearchParams, accept: string | undefined): { code: number; body: unknown } | undefined;
}

/** Who every loopback-socket connection is. */
const LOOPBACK_USER = { name: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] };

export interface User {
  name: string;
  groups: string[];
}

const ANONYMOUS_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version', '/healthz/ping', '/livez/ping', '/readyz/ping']);

export class ApiServer {
  readonly server: Server;
  private ready = false;
  private readonly handlers: ResourceHandlers;
  private readonly discovery: ReturnType<typeof buildDiscovery>;
  private readonly inflight = new Set<AbortController>();
  private loopback: HttpServer | undefined;
  private readonly kubeletTransport: KubeletTransport;

  constructor(private readonly opts: ApiServerOptions) {
    this.kubeletTransport = new KubeletTransport(opts.kubeletClient);
    const kubelets = new KubeletProxy({ pods: opts.registries.byName('', 'pods'), nodes: opts.registries.byName('', 'nodes'), transport: this.kubeletTransport, log: opts.log });
    this.handlers = new ResourceHandlers(opts.registries, opts.serviceAccountTokens, kubelets);
    this.discovery = buildDiscovery((opts.extraApis ?? []).map((a) => a.discovery));
    this.server = createHttpsServer(
      {
        cert: opts.tls.cert,
        key: opts.tls.key,
        ca: opts.tls.ca,
        requestCert: true,
        rejectUnauthorized: false,
        keepAliveTimeout: 60_000,
      },
      (req, res) => void this.serve(req, res),
    );
    this.server.headersTimeout = 60_000;
    this.server.requestTimeout = 0;
    // Upgrade requests (exec, attach, portforward) take the ordinary path with their raw socket remembered.
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.serve(req, upgradeResponse(req, socket, head)));
    this.server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  setReady(ready: boolean): void {
    this.ready = ready;
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /**
   * The loopback door for the server's own components (scheduler, controllers): plain HTTP on a
   * Unix socket readable only by the server's user (mode 0600), whose every connection is the
   * loopback user in `system:masters` (the part a loopback client certificate plays upstream),
   * so in-process clients skip TLS.
   */
  listenLoopback(socketPath: string): Promise<void> {
    rmSync(socketPath, { force: true });
    const srv = createHttpServer({ keepAliveTimeout: 60_000 }, (req, res) => void this.serve(req, res));
    srv.headersTimeout = 60_000;
    srv.requestTimeout = 0;
    srv.on('connection', (sock) => this.socketUsers.set(sock, LOOPBACK_USER));
    this.loopback = srv;
    return new Promise((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(socketPath, () => {
        srv.off('error', reject);
        chmodSync(socketPath, 0o600);
        resolve();
      });
    });
  }

  /** Stops accepting, ends watches and open requests, closes connections. */
  async close(): Promise<void> {
    this.ready = false;
    this.kubeletTransport.close();
    for (const c of this.inflight) c.abort();
    const closing = [this.server, this.loopback].filter((x): x is Server | HttpServer => !!x);
    await Promise.all(
      closing.map(
        (srv) =>
          new Promise<void>((resolve) => {
            srv.close(() => resolve());
            srv.closeAllConnections();
          }),
      ),
    );
  }

  private readonly socketUsers = new WeakMap<object, User | null>();

  /** Client certificate (once per connection), then bearer token: static tokens, service-account JWTs. */
  private async authenticate(req: IncomingMessage): Promise<User | undefined> {
    const sock = req.socket as TLSSocket;
    const known = this.socketUsers.get(sock);
    if (known) return known;
    const user = this.certificateUser(sock);
    this.socketUsers.set(sock, user ?? null);
    if (user) return user;
    const auth = req.headers.authorization;
    if (!auth?.startsWith('Bearer ')) return undefined;
    const token = auth.slice(7).trim();
    const u = this.opts.tokens?.get(token);
    if (u) return u;
    const sa = await this.opts.serviceAccountTokens?.authenticate(token);
    return sa && 'user' in sa ? sa.user : undefined;
  }

  /** The user a verified client certificate names (CN = user, O = groups); one lookup per connection. */
  private certificateUser(sock: TLSSocket): User | undefined {
    if (sock.authorized) {
      const cert = sock.getPeerCertificate();
      const subj = cert?.subject as Record<string, string | string[]> | undefined;
      if (subj?.CN) {
        const o = subj.O;
        return { name: String(subj.CN), groups: Array.isArray(o) ? o : o ? [o] : [] };
      }
    }
    return undefined;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const ctl = new AbortController();
    this.inflight.add(ctl);
    res.on('close', () => {
      // Only a request still running when its connection goes needs cancelling (watches).
      if (!res.writableFinished) ctl.abort();
      this.inflight.delete(ctl);
    });
    let url: URL;
    let label = { verb: (req.method ?? 'GET').toUpperCase(), group: '', resource: '', subresource: '' };
    try {
      url = new URL(req.url ?? '/', 'https://localhost');
    } catch {
      return this.fail(res, errors.badRequest('malformed request URL'), label, started);
    }
    try {
      const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
      const user = await this.authenticate(req);
      if (!user && !ANONYMOUS_PATHS.has(path)) throw errors.unauthorized();
      if (await this.serveNonResource(path, url, req, res)) {
        this.opts.metrics.observe(label, res.statusCode, started);
        return;
      }
      for (const api of this.opts.extraApis ?? []) {
        const r = api.handle(label.verb, path, url.searchParams, req.headers.accept);
        if (!r) continue;
        this.json(res, r.code, Buffer.from(JSON.stringify(r.body)));
        this.opts.metrics.observe(label, r.code, started);
        return;
      }
      const watchParam = ['true', '1', ''].includes(url.searchParams.get('watch') ?? 'false');
      const target = resolveRequest(label.verb, path, watchParam);
      switch (target.type) {
        case 'apiVersions':
          return this.json(res, 200, this.discoveryBody(req, 'api', () => this.discovery.apiVersions(`${req.socket.localAddress}:${req.socket.localPort}`)));
        case 'apiGroupList':
          return this.json(res, 200, this.discoveryBody(req, 'apis', () => this.discovery.apiGroupList));
        case 'apiGroup':
          return this.json(res, 200, this.discovery.apiGroup(target.group)!);
        case 'resourceList':
          return this.json(res, 200, this.discovery.resourceList(target.group, target.version)!);
        case 'notFound':
          throw errors.noSuchResource();
        case 'methodNotAllowed':
          throw errors.methodNotAllowed(target.verb, { group: target.info.group, resource: target.info.resource });
      }
      label = {
        verb: METRIC_VERB[target.verb],
        group: target.info.group,
        resource: target.info.resource,
        subresource: target.subresource?.name ?? '',
      };
      let body: Buffer | undefined;
      if (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH' || req.method === 'DELETE') {
        body = await readBody(req);
      }
      await this.handlers.handle({
        req,
        res,
        url,
        info: target.info,
        verb: target.verb,
        namespace: target.namespace,
        name: target.name,
        subresource: target.subresource,
        body,
        signal: ctl.signal,
      });
      this.opts.metrics.observe(label, res.statusCode, started);
    } catch (err) {
      this.fail(res, err, label, started);
    }
  }

  private discoveryBody(req: IncomingMessage, path: 'api' | 'apis', legacy: () => Buffer): Buffer | { aggregated: Buffer; version: string } {
    const v = wantsAggregatedDiscovery(req.headers.accept);
    if (!v) return legacy();
    return { aggregated: this.discovery.aggregated(path, v), version: v };
  }

  private json(res: ServerResponse, code: number, body: Buffer | { aggregated: Buffer; version: string }): void {
    if (Buffer.isBuffer(body)) {
      res.writeHead(code, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
      return;
    }
    res.writeHead(code, {
      'content-type': `application/json;g=apidiscovery.k8s.io;v=${body.version};as=APIGroupDiscoveryList`,
      'content-length': body.aggregated.length,
      vary: 'Accept',
    });
    res.end(body.aggregated);
  }

  private fail(res: ServerResponse, err: unknown, label: { verb: string; group: string; resource: string; subresource: string }, started: bigint): void {
    let e: errors.ApiError;
    if (err instanceof errors.ApiError) e = err;
    else {
      this.opts.log.error({ err: err instanceof Error ? err.stack : String(err) }, 'internal error serving request');
      e = errors.internalError(err instanceof Error ? err.message : String(err));
    }
    this.opts.metrics.observe(label, e.code, started);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify(e.toStatus());
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (e.details?.retryAfterSeconds) headers['retry-after'] = e.details.retryAfterSeconds;
    res.writeHead(e.code, headers);
    res.end(body);
  }

  private async serveNonResource(path: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    switch (path) {
      case '/healthz':
      case '/livez':
      case '/healthz/ping':
      case '/livez/ping':
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
        res.end('ok');
        return true;
      case '/readyz':
      case '/readyz/ping':
        res.writeHead(this.ready ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
        res.end(this.ready ? 'ok' : '[-]informer-sync failed: not ready\nreadyz check failed');
        return true;
      case '/version':
        this.json(res, 200, Buffer.from(JSON.stringify(this.opts.version, null, 2)));
        return true;
      case '/metrics': {
        const text = await this.opts.metrics.render();
        res.writeHead(200, { 'content-type': this.opts.metrics.contentType });
        res.end(text);
        return true;
      }
    }
    if (path.startsWith('/openapi/')) {
      const r = this.opts.openapi.handle({
        path,
        query: url.searchParams,
        accept: req.headers.accept,
        ifNoneMatch: req.headers['if-none-match'],
      });
      if (!r) throw errors.noSuchResource();
      res.writeHead(r.status, r.headers);
      res.end(r.body);
      return true;
    }
    return false;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      return reject(errors.requestEntityTooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        failed = true;
        req.resume();
        reject(errors.requestEntityTooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!failed) reject(errors.badRequest(`error reading request body: ${e.message}`));
    });
  });
}
