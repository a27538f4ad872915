/**
 * The API server's connect subresources, served through the node's kubelet:
 * - `GET pods/{name}/log` → kubelet `/containerLogs/{ns}/{pod}/{container}`, streamed back as
 *   text/plain. Options are PodLogOptions (validated as upstream: 422 Invalid PodLogOptions); the
 *   container is checked with upstream's messages; a pod not yet bound to a node has no logs
 *   (an empty 200, as upstream's LogLocation); a kubelet error becomes a Status whose message is the
 *   kubelet's text.
 * - `pods/{name}/exec`, `pods/{name}/attach`, `pods/{name}/portforward` (GET or POST with
 *   `Upgrade`): after the same checks (an unbound pod is 400 `pod X does not have a host assigned`)
 *   the upgrade request goes to the kubelet's `/exec`, `/attach`, `/portForward` with upstream's
 *   query (`input`/`output`/`error`/`tty`=1, `command`, `port`) and every client header but Host and
 *   Authorization; after that the connection is relayed raw both ways, so the kubelet's (in the end
 *   the runtime's) answer to the handshake reaches the client unchanged: kubectl falls back from
 *   WebSocket to SPDY when the runtime refuses its WebSocket protocol. A request without `Upgrade`
 *   is 400 `Upgrade request required`.
 * - `nodes/{name}/proxy/{path}` → `https://<kubelet>/{path}`; `pods/{[scheme:]name[:port]}/proxy/{path}`
 *   → `http(s)://<podIP>:<port>/{path}`: method, query, body and content headers are forwarded;
 *   status, content headers and body come back.
 *
 * Upgrade requests reach the ordinary request path through `upgradeResponse`, which the HTTP
 * server calls from its `upgrade` event: the raw socket is remembered for the request and a
 * ServerResponse on that socket carries any error reply.
 */
import { ServerResponse, request as httpRequest, type IncomingMessage, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import * as errors from '../../machinery/errors.js';
import type { Logger } from '../../util/logger.js';
import type { RegistryStore } from '../registry/store.js';
import type { ResourceRequest } from '../http/resources.js';
import { ADDRESS_TYPES } from '../resourcemetrics/scraper.js';
import { KubeletTransport, type KubeletAddress } from './transport.js';
import { splice } from '../../util/streams.js';

export { KubeletTransport, type ClientCert } from './transport.js';

/** Subresources served by KubeletProxy. */
export const KUBELET_SUBRESOURCES: ReadonlySet<string> = new Set(['log', 'exec', 'attach', 'portforward', 'proxy']);

/** Upstream's default kubelet port when a Node announces none. */
export const DEFAULT_KUBELET_PORT = 10250;

const upgrades = new WeakMap<IncomingMessage, { socket: Duplex; head: Buffer }>();

/**
 * For an HTTP server's `upgrade` event: remembers the socket for `req` and returns a response
 * writing on it (closed after the response), so the request can run the ordinary request path.
 */
export function upgradeResponse(req: IncomingMessage, socket: Duplex, head: Buffer): ServerResponse {
  upgrades.set(req, { socket, head });
  socket.on('error', () => socket.destroy());
  const res = new ServerResponse(req);
  res.assignSocket(socket as Socket);
  res.shouldKeepAlive = false;
  res.on('finish', () => socket.end());
  return res;
}

/**
 * Where a Node's kubelet serves: the first address in the scraper's order (InternalDNS, InternalIP,
 * ExternalDNS, ExternalIP, Hostname — as k3s prefers InternalIP over the host name, which may
 * resolve to a loopback address); port default 10250.
 */
export function kubeletAddress(node: Node): KubeletAddress | undefined {
  const addrs = node.status?.addresses ?? [];
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT;
  for (const t of ADDRESS_TYPES) {
    const a = addrs.find((x) => x.type === t && x.address);
    if (a) return { address: a.address, port };
  }
  return undefined;
}

const names = (cs: { name: string }[] | undefined): string => (cs ?? []).map((c) => c.name).join(' ');

/** Upstream's validateContainer: the container to use, or a 400 with upstream's messages. */
export function validateContainer(container: string, pod: Pod): string {
  const name = pod.metadata?.name ?? '';
  const spec = pod.spec;
  if (!container) {
    const cs = spec?.containers ?? [];
    if (cs.length === 1) return cs[0]!.name;
    if (cs.length === 0) throw errors.badRequest(`a container name must be specified for pod ${name}`);
    let msg = `a container name must be specified for pod ${name}, choose one of: [${names(cs)}]`;
    if (spec?.initContainers?.length) msg += ` or one of the init containers: [${names(spec.initContainers)}]`;
    throw errors.badRequest(msg);
  }
  const all = [...(spec?.containers ?? []), ...(spec?.initContainers ?? []), ...(spec?.ephemeralContainers ?? [])];
  if (!all.some((c) => c.name === container)) throw errors.badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

function goBool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null) return false;
  if (['', '1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  throw errors.badRequest(`invalid boolean value "${v}" for parameter "${name}": strconv.ParseBool: parsing "${v}": invalid syntax`);
}

function goInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw errors.badRequest(`invalid value "${v}" for parameter "${name}": strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
}

/** PodLogOptions from the query, validated as upstream; returns the kubelet query. */
export function logQuery(q: URLSearchParams, podName: string): URLSearchParams {
  const out = new URLSearchParams();
  const fieldErrs = [];
  for (const b of ['follow', 'previous', 'timestamps']) if (goBool(q, b)) out.set(b, 'true');
  const tail = goInt(q, 'tailLines');
  const limit = goInt(q, 'limitBytes');
  const since = goInt(q, 'sinceSeconds');
  const sinceTime = q.get('sinceTime');
  if (tail !== undefined && tail < 0) fieldErrs.push({ type: 'FieldValueInvalid' as const, field: 'tailLines', badValue: tail, detail: 'must be greater than or equal to 0' });
  if (limit !== undefined && limit < 1) fieldErrs.push({ type: 'FieldValueInvalid' as const, field: 'limitBytes', badValue: limit, detail: 'must be greater than 0' });
  if (since !== undefined && sinceTime) fieldErrs.push({ type: 'FieldValueForbidden' as const, field: '', badValue: '', detail: 'at most one of `sinceTime` or `sinceSeconds` may be specified' });
  if (since !== undefined && since < 1) fieldErrs.push({ type: 'FieldValueInvalid' as const, field: 'sinceSeconds', badValue: since, detail: 'must be greater than 0' });
  if (sinceTime && Number.isNaN(Date.parse(sinceTime))) throw errors.badRequest(`invalid value "${sinceTime}" for parameter "sinceTime"`);
  if (fieldErrs.length) throw errors.invalid({ group: '', kind: 'PodLogOptions' }, podName, fieldErrs);
  if (tail !== undefined) out.set('tailLines', String(tail));
  if (limit !== undefined) out.set('limitBytes', String(limit));
  if (since !== undefined) out.set('sinceSeconds', String(since));
  if (sinceTime) out.set('sinceTime', sinceTime);
  return out;
}

/** The kubelet query of an exec/attach/portforward request (upstream's streamParams). */
export function streamQuery(kind: 'exec' | 'attach' | 'portforward', q: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  if (kind === 'portforward') {
    const ports = q.getAll('ports').flatMap((p) => p.split(',')).filter(Boolean);
    for (const p of ports) {
      const n = Number(p);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw errors.badRequest(`invalid port "${p}"`);
    }
    if (ports.length) out.set('port', ports.join(','));
    return out;
  }
  if (goBool(q, 'stdin')) out.set('input', '1');
  if (goBool(q, 'stdout')) out.set('output', '1');
  if (goBool(q, 'stderr')) out.set('error', '1');
  if (goBool(q, 'tty')) out.set('tty', '1');
  if (kind === 'exec') for (const c of q.getAll('command')) out.append('command', c);
  return out;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'authorization', 'content-length']);

function forwardHeaders(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP_BY_HOP.has(k) && !k.startsWith('impersonate-')) out[k] = v;
  return out;
}

async function readText(res: IncomingMessage, max = 1 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    if (n < max) chunks.push(c);
    n += c.length;
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, max);
}

const REASON: Record<number, errors.StatusReason> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 409: 'Conflict',
  500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
};

/** A kubelet's non-success answer as an ApiError carrying its text (upstream's generic response checker). */
function kubeletError(code: number, text: string): errors.ApiError {
  const reason = REASON[code] ?? (code >= 500 ? 'InternalError' : 'BadRequest');
  return new errors.ApiError(code, reason, text.trim() || `the kubelet answered ${code}`);
}

export interface KubeletProxyOptions {
  pods: RegistryStore;
  nodes: RegistryStore;
  transport: KubeletTransport;
  log: Logger;
}

export class KubeletProxy {
  constructor(private readonly o: KubeletProxyOptions) {}

  /** Serves a connect subresource of pods or nodes (throws ApiError before anything is written). */
  async serve(r: ResourceRequest): Promise<void> {
    const sub = r.subresource?.name;
    const resource = r.info.resource;
    if (resource === 'nodes' && sub === 'proxy') return this.nodeProxy(r);
    if (resource === 'pods') {
      switch (sub) {
        case 'log':
          return this.log(r);
        case 'exec':
        case 'attach':
        case 'portforward':
          return this.stream(r, sub);
        case 'proxy':
          return this.podProxy(r);
      }
    }
    throw errors.methodNotAllowed(r.verb, { group: r.info.group, resource });
  }

  private pod(r: ResourceRequest): Pod {
    return this.o.pods.get(r.namespace, r.name!).obj as Pod;
  }

  private endpoint(nodeName: string): KubeletAddress {
    const node = this.o.nodes.get(undefined, nodeName).obj as Node;
    const ep = kubeletAddress(node);
    if (!ep) throw errors.badRequest(`node ${nodeName} has no address to reach its kubelet`);
    return ep;
  }

  private async log(r: ResourceRequest): Promise<void> {
    const q = r.url.searchParams;
    const pod = this.pod(r);
    const kq = logQuery(q, r.name!);
    const container = validateContainer(q.get('container') ?? '', pod);
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) {
      r.res.writeHead(200, { 'content-type': 'text/plain' });
      r.res.end();
      return;
    }
    const ep = this.endpoint(nodeName);
    const path = `/containerLogs/${enc(r.namespace!)}/${enc(r.name!)}/${enc(container)}${qs(kq)}`;
    const kres = await this.o.transport.request(ep, path, { signal: r.signal }).catch((err: Error) => {
      throw errors.serviceUnavailable(`error trying to reach the kubelet of node ${nodeName}: ${err.message}`);
    });
    if (kres.statusCode !== 200) throw kubeletError(kres.statusCode ?? 500, await readText(kres));
    r.res.writeHead(200, { 'content-type': kres.headers['content-type'] ?? 'text/plain' });
    r.res.flushHeaders();
    await pipeline(kres, r.res).catch(() => undefined);
  }

  private async stream(r: ResourceRequest, kind: 'exec' | 'attach' | 'portforward'): Promise<void> {
    const q = r.url.searchParams;
    const pod = this.pod(r);
    const container = kind === 'portforward' ? '' : validateContainer(q.get('container') ?? '', pod);
    const kq = streamQuery(kind, q);
    const up = upgrades.get(r.req);
    if (!up) throw errors.badRequest('Upgrade request required');
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) throw errors.badRequest(`pod ${r.name} does not have a host assigned`);
    const ep = this.endpoint(nodeName);
    const base = kind === 'portforward' ? `/portForward/${enc(r.namespace!)}/${enc(r.name!)}` : `/${kind}/${enc(r.namespace!)}/${enc(r.name!)}/${enc(container)}`;
    let head = `${r.req.method ?? 'GET'} ${base}${qs(kq)} HTTP/1.1\r\nHost: ${KubeletTransport.hostHeader(ep)}\r\n`;
    const raw = r.req.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const k = raw[i]!.toLowerCase();
      if (k === 'host' || k === 'authorization' || k.startsWith('impersonate-')) continue;
      head += `${raw[i]}: ${raw[i + 1]}\r\n`;
    }
    head += '\r\n';
    const kubelet = await this.o.transport.dial(ep, Buffer.from(head, 'latin1')).catch((err: Error) => {
      throw errors.serviceUnavailable(`error dialing the kubelet of node ${nodeName}: ${err.message}`);
    });
    if (up.head.length) kubelet.write(up.head);
    this.o.log.debug({ namespace: r.namespace, name: r.name, subresource: kind, node: nodeName }, 'relaying stream to the kubelet');
    const onAbort = () => {
      up.socket.destroy();
      kubelet.destroy();
    };
    r.signal.addEventListener('abort', onAbort, { once: true });
    splice(up.socket, kubelet);
    await new Promise<void>((resolve) => up.socket.once('close', () => resolve()));
    r.signal.removeEventListener('abort', onAbort);
  }

  /** Everything after `/proxy` in the request path (with its leading slash), or `/`. */
  private proxyPath(r: ResourceRequest): string {
    const p = r.url.pathname;
    const i = p.indexOf('/proxy', p.lastIndexOf(`/${r.name!}`));
    const rest = i >= 0 ? p.slice(i + '/proxy'.length) : '';
    return rest.startsWith('/') ? rest : `/${rest}`;
  }

  private async relayHttp(r: ResourceRequest, res: IncomingMessage): Promise<void> {
    r.res.writeHead(res.statusCode ?? 502, forwardHeaders(res.headers));
    await pipeline(res, r.res).catch(() => undefined);
  }

  private async nodeProxy(r: ResourceRequest): Promise<void> {
    const [nodeName, port] = r.name!.split(':');
    const ep = this.endpoint(nodeName!);
    if (port) ep.port = Number(port);
    const path = `${this.proxyPath(r)}${r.url.search}`;
    const res = await this.o.transport
      .request(ep, path, { method: r.req.method, headers: forwardHeaders(r.req.headers), body: r.body, signal: r.signal })
      .catch((err: Error) => {
        throw errors.serviceUnavailable(`error trying to reach service: ${err.message}`);
      });
    await this.relayHttp(r, res);
  }

  private async podProxy(r: ResourceRequest): Promise<void> {
    const parts = r.name!.split(':');
    const [scheme, podName, port] = parts.length === 3 ? parts : parts.length === 2 ? ['http', parts[0], parts[1]] : ['http', parts[0], ''];
    const pod = this.o.pods.get(r.namespace, podName!).obj as Pod;
    const ip = pod.status?.podIP;
    if (!ip) throw errors.serviceUnavailable(`pod ${podName} has no IP address`);
    const request = scheme === 'https' ? httpsRequest : httpRequest;
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(
        { host: ip, port: port ? Number(port) : scheme === 'https' ? 443 : 80, method: r.req.method, path: `${this.proxyPath(r)}${r.url.search}`, headers: forwardHeaders(r.req.headers), signal: r.signal, rejectUnauthorized: false },
        resolve,
      );
      req.on('error', (err) => reject(errors.serviceUnavailable(`error trying to reach service: ${err.message}`)));
      req.end(r.body);
    });
    await this.relayHttp(r, res);
  }
}

const enc = encodeURIComponent;
const qs = (q: URLSearchParams): string => {
  const s = q.toString();
  return s ? `?${s}` : '';
};
