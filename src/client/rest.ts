/**
 * The REST client every in-cluster part (controllers, scheduler, kubelet, proxy, dns, CLI) uses to
 * reach the API server: JSON over HTTPS with a keep-alive agent, a client-side token-bucket rate
 * limit, per-request timeouts and typed errors.
 *
 * Contracts:
 * - Every non-2xx answer becomes an `ApiStatusError` carrying the HTTP code, the reason and the
 *   Status body (synthesized from the code when the body is not a Status).
 * - 429 and 5xx answers with a Retry-After header are retried after the advised delay, at most
 *   `maxRetries` times; a GET, PUT or DELETE sent on a reused keep-alive socket that the server had
 *   already closed is sent once more on a new connection.
 * - A request that outlives `timeoutMs` fails with `RequestTimeoutError`; one whose `signal` aborts
 *   rejects with the signal's reason. Watches have no client timeout (use `timeoutSeconds`).
 * - `watch` yields events in server order and ends when the server ends the stream; an ERROR event
 *   is yielded as an event (see `watchEventError`), not thrown.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import type { KubeObject } from '../api/types.js';
import type { ResourceInfo } from '../api/resources.js';
import type { Status, StatusReason } from '../machinery/errors.js';
import { sleep } from '../util/abort.js';
import type { ClientConfig } from './kubeconfig.js';
import { TokenBucket } from './ratelimit.js';

/** What the client needs to know about a resource (a ResourceInfo satisfies it). */
export type ResourceRef = Pick<ResourceInfo, 'group' | 'version' | 'resource' | 'namespaced'> & { kind?: string };

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface ObjectList<T> {
  apiVersion?: string;
  kind?: string;
  metadata: ListMeta;
  items: T[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export type WatchEvent<T> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T }
  | { type: 'BOOKMARK'; object: KubeObject }
  | { type: 'ERROR'; object: Status };

export interface RequestOptions {
  signal?: AbortSignal;
  /** Overrides the client's default timeout for this request. */
  timeoutMs?: number;
}

export interface WriteOptions extends RequestOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Ignore' | 'Warn' | 'Strict';
}

export interface GetOptions extends RequestOptions {
  resourceVersion?: string;
}

export interface ListOptions extends RequestOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WatchOptions {
  signal?: AbortSignal;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  sendInitialEvents?: boolean;
  resourceVersionMatch?: 'NotOlderThan';
}

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

export interface DeleteOptions extends RequestOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  preconditions?: Preconditions;
  dryRun?: boolean;
}

export type PatchType = 'merge' | 'strategic' | 'json';

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

export interface RestClientOptions {
  /** Sustained requests a second, or 'unlimited' (tests, benchmarks). Default 50. */
  qps?: number | 'unlimited';
  /** Requests allowed at once above the sustained rate. Default 100. */
  burst?: number;
  /** Sockets per server kept by the agent (watches hold one each). Default 256. */
  maxSockets?: number;
  /** Default per-request timeout. Default 30 s. */
  timeoutMs?: number;
  userAgent?: string;
  /** Retries of 429 / Retry-After answers. Default 5. */
  maxRetries?: number;
}

const REASON_BY_CODE: Record<number, StatusReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** A failure answered by the server: HTTP code, Kubernetes reason and the Status body. */
export class ApiStatusError extends Error {
  readonly code: number;
  readonly reason: string;

  constructor(readonly status: Status) {
    super(status.message || `the server responded with code ${status.code}`);
    this.name = 'ApiStatusError';
    this.code = status.code;
    this.reason = status.reason ?? '';
  }

  get retryAfterSeconds(): number | undefined {
    return this.status.details?.retryAfterSeconds;
  }

  /** Builds the error from an answer's code and body (a Status, or anything else). */
  static from(code: number, body: string, retryAfter?: string): ApiStatusError {
    let parsed: unknown;
    try {
      parsed = body ? JSON.parse(body) : undefined;
    } catch {
      parsed = undefined;
    }
    const p = parsed as Partial<Status> | undefined;
    if (p && p.kind === 'Status') {
      return new ApiStatusError({ ...(p as Status), code: typeof p.code === 'number' && p.code ? p.code : code, reason: p.reason || REASON_BY_CODE[code] || '' });
    }
    const reason = REASON_BY_CODE[code] ?? (code >= 500 ? 'InternalError' : 'BadRequest');
    const st: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      code,
      reason,
      message: body.trim() ? `the server responded with code ${code}: ${body.trim().slice(0, 1024)}` : `the server responded with code ${code}`,
    };
    const ra = retryAfter !== undefined ? Number(retryAfter) : NaN;
    if (Number.isFinite(ra)) st.details = { retryAfterSeconds: ra };
    return new ApiStatusError(st);
  }
}

/** The client gave up waiting for an answer. */
export class RequestTimeoutError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly timeoutMs: number,
  ) {
    super(`${method} ${path}: no answer within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

/** The error an ERROR watch event carries, or undefined for other events. */
export function watchEventError(ev: { type: string; object: unknown }): ApiStatusError | undefined {
  if (ev.type !== 'ERROR') return undefined;
  const st = ev.object as Partial<Status> | undefined;
  if (st && st.kind === 'Status' && typeof st.code === 'number') return new ApiStatusError(st as Status);
  return new ApiStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500, reason: 'InternalError', message: `watch error: ${JSON.stringify(ev.object)}` });
}

function asStatusError(e: unknown): ApiStatusError | undefined {
  if (e instanceof ApiStatusError) return e;
  if (e && typeof e === 'object' && 'type' in e && (e as { type: unknown }).type === 'ERROR') return watchEventError(e as { type: string; object: unknown });
  return undefined;
}

const hasReason = (e: unknown, code: number, ...reasons: string[]): boolean => {
  const s = asStatusError(e);
  return !!s && (s.reason ? reasons.includes(s.reason) : s.code === code);
};

export const isNotFound = (e: unknown): boolean => hasReason(e, 404, 'NotFound');
export const isConflict = (e: unknown): boolean => hasReason(e, 409, 'Conflict');
export const isAlreadyExists = (e: unknown): boolean => hasReason(e, 409, 'AlreadyExists');
export const isInvalid = (e: unknown): boolean => hasReason(e, 422, 'Invalid');
export const isForbidden = (e: unknown): boolean => hasReason(e, 403, 'Forbidden');
export const isTooManyRequests = (e: unknown): boolean => {
  const s = asStatusError(e);
  return !!s && (s.reason === 'TooManyRequests' || s.code === 429);
};
/** 410 Expired or Gone, from a request or from an ERROR watch event. */
export const isExpired = (e: unknown): boolean => {
  const s = asStatusError(e);
  return !!s && (s.reason === 'Expired' || s.reason === 'Gone' || s.code === 410);
};

/** `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionPath(res: { group: string; version: string }): string {
  return res.group ? `/apis/${res.group}/${res.version}` : `/api/${res.version}`;
}

/** The URL path of a resource, an object or one of its subresources. */
export function resourcePath(res: ResourceRef, namespace: string | undefined, name?: string, subresource?: string): string {
  let p = groupVersionPath(res);
  if (res.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${res.resource}`;
  if (name !== undefined) {
    if (!name) throw new Error(`${res.resource}: resource name may not be empty`);
    p += `/${encodeURIComponent(name)}`;
    if (subresource) p += `/${subresource}`;
  }
  return p;
}

type Query = Record<string, string | number | boolean | undefined>;

function queryString(q: Query): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === '') continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

const writeQuery = (o: WriteOptions | undefined): Query => ({
  dryRun: o?.dryRun ? 'All' : undefined,
  fieldManager: o?.fieldManager,
  fieldValidation: o?.fieldValidation,
});

const listQuery = (o: ListOptions | undefined): Query => ({
  labelSelector: o?.labelSelector,
  fieldSelector: o?.fieldSelector,
  limit: o?.limit,
  continue: o?.continue,
  resourceVersion: o?.resourceVersion,
  resourceVersionMatch: o?.resourceVersionMatch,
});

interface RawRequest {
  method: string;
  path: string;
  query?: Query;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Methods safe to send again when a reused keep-alive socket turned out dead (PUT and DELETE are guarded by preconditions or answer NotFound/Conflict). */
const IDEMPOTENT = new Set(['GET', 'PUT', 'DELETE']);

const DEFAULT_USER_AGENT = `k8ts/0.1.0 (${process.platform}/${process.arch})`;

export class RestClient {
  readonly server: URL;
  private readonly agent: http.Agent;
  private readonly mod: typeof http | typeof https;
  private readonly limiter: TokenBucket | undefined;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  readonly userAgent: string;
  private readonly basePath: string;

  constructor(
    readonly config: ClientConfig,
    opts: RestClientOptions = {},
  ) {
    this.server = new URL(config.server);
    this.basePath = this.server.pathname.replace(/\/+$/, '');
    const maxSockets = opts.maxSockets ?? 256;
    if (this.server.protocol === 'https:') {
      this.mod = https;
      this.agent = new https.Agent({
        keepAlive: true,
        maxSockets,
        ca: config.ca,
        cert: config.cert,
        key: config.key,
        rejectUnauthorized: !config.insecureSkipTlsVerify,
        servername: config.tlsServerName,
      });
    } else if (this.server.protocol === 'http:') {
      this.mod = http;
      this.agent = new http.Agent({ keepAlive: true, maxSockets });
    } else {
      throw new Error(`unsupported server URL ${config.server}`);
    }
    const qps = opts.qps ?? 50;
    this.limiter = qps === 'unlimited' ? undefined : new TokenBucket(qps, opts.burst ?? 100);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.maxRetries = opts.maxRetries ?? 5;
    this.userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
  }

  /** Closes idle keep-alive sockets and refuses reuse; in-flight requests finish. */
  close(): void {
    this.agent.destroy();
  }

  // ---- typed verbs ----

  get<T extends KubeObject = KubeObject>(res: ResourceRef, namespace: string | undefined, name: string, o?: GetOptions): Promise<T> {
    return this.json<T>({ method: 'GET', path: resourcePath(res, namespace, name), query: { resourceVersion: o?.resourceVersion }, ...sig(o) });
  }

  list<T extends KubeObject = KubeObject>(res: ResourceRef, namespace: string | undefined, o?: ListOptions): Promise<ObjectList<T>> {
    return this.json<ObjectList<T>>({ method: 'GET', path: resourcePath(res, namespace), query: listQuery(o), ...sig(o) });
  }

  /**
   * Lists every page (`pageSize` items a request) into one list. The answer's resourceVersion is
   * the first page's: the whole list is a consistent snapshot at it. When a continue token has
   * expired (410) the list restarts from the beginning.
   */
  async listAll<T extends KubeObject = KubeObject>(res: ResourceRef, namespace: string | undefined, o: ListOptions & { pageSize?: number } = {}): Promise<ObjectList<T>> {
    const pageSize = o.pageSize ?? 500;
    for (let restarts = 0; ; restarts++) {
      const items: T[] = [];
      let first: ObjectList<T> | undefined;
      let cont: string | undefined;
      try {
        do {
          const page = await this.list<T>(res, namespace, { ...o, limit: pageSize, continue: cont, resourceVersion: cont ? undefined : o.resourceVersion, resourceVersionMatch: cont ? undefined : o.resourceVersionMatch });
          first ??= page;
          for (const it of page.items ?? []) items.push(it);
          cont = page.metadata?.continue || undefined;
        } while (cont);
      } catch (err) {
        if (cont && isExpired(err) && restarts < 3) continue;
        throw err;
      }
      return { apiVersion: first!.apiVersion, kind: first!.kind, metadata: { resourceVersion: first!.metadata?.resourceVersion }, items };
    }
  }

  /** Creates `obj` in `namespace` (default: the object's own namespace). */
  create<T extends KubeObject = KubeObject>(res: ResourceRef, namespace: string | undefined, obj: T, o?: WriteOptions): Promise<T> {
    const ns = namespace ?? obj.metadata?.namespace;
    return this.json<T>({ method: 'POST', path: resourcePath(res, ns), query: writeQuery(o), body: obj, ...sig(o) });
  }

  /** Replaces the object named by `obj.metadata` (optimistic concurrency on its resourceVersion). */
  update<T extends KubeObject = KubeObject>(res: ResourceRef, obj: T, o?: WriteOptions): Promise<T> {
    return this.json<T>({ method: 'PUT', path: resourcePath(res, obj.metadata?.namespace, obj.metadata?.name ?? ''), query: writeQuery(o), body: obj, ...sig(o) });
  }

  /** Replaces the status of the object named by `obj.metadata`. */
  updateStatus<T extends KubeObject = KubeObject>(res: ResourceRef, obj: T, o?: WriteOptions): Promise<T> {
    return this.json<T>({ method: 'PUT', path: resourcePath(res, obj.metadata?.namespace, obj.metadata?.name ?? '', 'status'), query: writeQuery(o), body: obj, ...sig(o) });
  }

  patch<T extends KubeObject = KubeObject>(
    res: ResourceRef,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    o?: WriteOptions & { subresource?: string },
  ): Promise<T> {
    return this.json<T>({
      method: 'PATCH',
      path: resourcePath(res, namespace, name, o?.subresource),
      query: writeQuery(o),
      body: patch,
      contentType: PATCH_CONTENT_TYPES[type],
      ...sig(o),
    });
  }

  /** Deletes one object. Answers the object (when deletion is graceful or finalizers hold it) or a success Status. */
  delete<T extends KubeObject = KubeObject>(res: ResourceRef, namespace: string | undefined, name: string, o?: DeleteOptions): Promise<T | Status> {
    return this.json<T | Status>({ method: 'DELETE', path: resourcePath(res, namespace, name), body: deleteBody(o), ...sig(o) });
  }

  deleteCollection<T extends KubeObject = KubeObject>(res: ResourceRef, namespace: string | undefined, o?: DeleteOptions & Omit<ListOptions, keyof RequestOptions>): Promise<ObjectList<T> | Status> {
    return this.json<ObjectList<T> | Status>({ method: 'DELETE', path: resourcePath(res, namespace), query: listQuery(o), body: deleteBody(o), ...sig(o) });
  }

  getSubresource<T = KubeObject>(res: ResourceRef, namespace: string | undefined, name: string, subresource: string, o?: RequestOptions): Promise<T> {
    return this.json<T>({ method: 'GET', path: resourcePath(res, namespace, name, subresource), ...sig(o) });
  }

  updateSubresource<T = KubeObject>(res: ResourceRef, namespace: string | undefined, name: string, subresource: string, body: unknown, o?: WriteOptions): Promise<T> {
    return this.json<T>({ method: 'PUT', path: resourcePath(res, namespace, name, subresource), query: writeQuery(o), body, ...sig(o) });
  }

  /** POST to a subresource (pods/binding, pods/eviction). */
  createSubresource<T = KubeObject>(res: ResourceRef, namespace: string | undefined, name: string, subresource: string, body: unknown, o?: WriteOptions): Promise<T> {
    return this.json<T>({ method: 'POST', path: resourcePath(res, namespace, name, subresource), query: writeQuery(o), body, ...sig(o) });
  }

  /**
   * Opens a watch and yields its events. A non-2xx answer to the watch request throws an
   * ApiStatusError (e.g. 410 for a too-old resourceVersion on some servers); a stream cut short by
   * a broken connection throws; a stream the server ends cleanly ends the iteration. Aborting
   * `signal` ends the iteration quietly.
   */
  async *watch<T extends KubeObject = KubeObject>(res: ResourceRef, namespace: string | undefined, o: WatchOptions = {}): AsyncGenerator<WatchEvent<T>, void, undefined> {
    const path = resourcePath(res, namespace);
    const query: Query = {
      watch: 'true',
      labelSelector: o.labelSelector,
      fieldSelector: o.fieldSelector,
      resourceVersion: o.resourceVersion,
      resourceVersionMatch: o.resourceVersionMatch,
      allowWatchBookmarks: o.allowWatchBookmarks ? 'true' : undefined,
      timeoutSeconds: o.timeoutSeconds,
      sendInitialEvents: o.sendInitialEvents === undefined ? undefined : String(o.sendInitialEvents),
    };
    if (o.signal?.aborted) return;
    if (this.limiter) {
      try {
        await this.limiter.take(o.signal);
      } catch {
        return;
      }
    }
    const ctl = new AbortController();
    const onAbort = () => ctl.abort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    let response: http.IncomingMessage | undefined;
    let req: http.ClientRequest | undefined;
    try {
      try {
        ({ req, res: response } = await this.open({ method: 'GET', path, query }, ctl.signal));
      } catch (err) {
        if (o.signal?.aborted) return;
        throw err;
      }
      const code = response.statusCode ?? 0;
      if (code < 200 || code > 299) {
        const body = await readBody(response);
        throw ApiStatusError.from(code, body, header(response, 'retry-after'));
      }
      const decoder = new StringDecoder('utf8');
      let buf = '';
      try {
        for await (const chunk of response as AsyncIterable<Buffer>) {
          buf += decoder.write(chunk);
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (line) yield parseEvent<T>(line);
          }
        }
      } catch (err) {
        if (o.signal?.aborted) return;
        throw err;
      }
      if (o.signal?.aborted) return;
      if (!response.complete) throw new Error(`watch ${path}: connection closed before the stream ended`);
      const rest = (buf + decoder.end()).trim();
      if (rest) yield parseEvent<T>(rest);
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
      if (response && !response.complete) response.destroy();
      req?.destroy();
    }
  }

  // ---- plumbing ----

  /** Sends a request and parses the JSON answer (undefined for an empty body). */
  async json<T>(r: RawRequest): Promise<T> {
    const payload = r.body === undefined ? undefined : Buffer.from(JSON.stringify(r.body));
    let staleRetried = false;
    for (let attempt = 0; ; attempt++) {
      if (this.limiter) await this.limiter.take(r.signal);
      let answer: { code: number; body: string; retryAfter?: string };
      try {
        answer = await this.roundTrip(r, payload);
      } catch (err) {
        if (!staleRetried && IDEMPOTENT.has(r.method) && (err as { staleSocket?: boolean }).staleSocket) {
          staleRetried = true;
          continue;
        }
        throw err;
      }
      if (answer.code >= 200 && answer.code <= 299) return (answer.body ? JSON.parse(answer.body) : undefined) as T;
      const e = ApiStatusError.from(answer.code, answer.body, answer.retryAfter);
      const retryAfter = answer.retryAfter !== undefined ? Number(answer.retryAfter) : NaN;
      if ((answer.code === 429 || (answer.code >= 500 && Number.isFinite(retryAfter))) && attempt < this.maxRetries) {
        const waitS = Number.isFinite(retryAfter) ? retryAfter : (e.retryAfterSeconds ?? 1);
        await sleep(Math.max(0, Math.min(waitS, 60)) * 1000, r.signal);
        continue;
      }
      throw e;
    }
  }

  private roundTrip(r: RawRequest, payload: Buffer | undefined): Promise<{ code: number; body: string; retryAfter?: string }> {
    const timeoutMs = r.timeoutMs ?? this.timeoutMs;
    const ctl = new AbortController();
    let timedOut = false;
    const timer = timeoutMs > 0 ? setTimeout(() => ((timedOut = true), ctl.abort()), timeoutMs) : undefined;
    const onAbort = () => ctl.abort();
    r.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => {
      if (timer) clearTimeout(timer);
      r.signal?.removeEventListener('abort', onAbort);
    };
    const fail = (err: unknown): never => {
      if (r.signal?.aborted) throw r.signal.reason;
      if (timedOut) throw new RequestTimeoutError(r.method, r.path, timeoutMs);
      throw err;
    };
    return this.open(r, ctl.signal, payload, r.contentType)
      .then(async ({ res }) => {
        const body = await readBody(res);
        return { code: res.statusCode ?? 0, body, retryAfter: header(res, 'retry-after') };
      })
      .catch(fail)
      .finally(cleanup);
  }

  /** Sends the request; resolves once the answer's headers arrived. */
  private open(r: RawRequest, signal: AbortSignal, payload?: Buffer, contentType?: string): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const headers: http.OutgoingHttpHeaders = { accept: 'application/json', 'user-agent': this.userAgent };
      if (this.config.token) headers.authorization = `Bearer ${this.config.token}`;
      if (payload) {
        headers['content-type'] = contentType ?? 'application/json';
        headers['content-length'] = payload.length;
      }
      const req = this.mod.request({
        ...(this.config.socketPath
          ? { socketPath: this.config.socketPath }
          : { host: this.server.hostname.replace(/^\[|\]$/g, ''), port: this.server.port || (this.mod === https ? 443 : 80) }),
        method: r.method,
        path: this.basePath + r.path + queryString(r.query ?? {}),
        headers,
        agent: this.agent,
        signal,
      });
      req.on('response', (res) => resolve({ req, res }));
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (req.reusedSocket && err.code === 'ECONNRESET') Object.assign(err, { staleSocket: true });
        reject(err);
      });
      req.end(payload);
    });
  }
}

function sig(o: RequestOptions | undefined): { signal?: AbortSignal; timeoutMs?: number } {
  return { signal: o?.signal, timeoutMs: o?.timeoutMs };
}

function deleteBody(o: DeleteOptions | undefined): unknown {
  if (!o) return undefined;
  const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
  if (o.propagationPolicy) body.propagationPolicy = o.propagationPolicy;
  if (o.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = o.gracePeriodSeconds;
  if (o.preconditions) body.preconditions = o.preconditions;
  if (o.dryRun) body.dryRun = ['All'];
  return Object.keys(body).length > 2 ? body : undefined;
}

function header(res: http.IncomingMessage, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (d: Buffer) => chunks.push(d));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('connection closed before the answer was complete')));
  });
}

function parseEvent<T>(line: string): WatchEvent<T> {
  let ev: { type?: unknown; object?: unknown };
  try {
    ev = JSON.parse(line);
  } catch {
    throw new Error(`watch: malformed event line: ${line.slice(0, 200)}`);
  }
  const t = ev.type;
  if (t !== 'ADDED' && t !== 'MODIFIED' && t !== 'DELETED' && t !== 'BOOKMARK' && t !== 'ERROR') {
    throw new Error(`watch: unknown event type ${JSON.stringify(t)}`);
  }
  return ev as WatchEvent<T>;
}
