/**
 * The kubelet's manifest endpoint: static pods handed to the kubelet over its own HTTPS server
 * (source `http`, kept apart from the URL source's set; the kubelet merges the two).
 *
 *   GET    /manifests           → v1 PodList of the endpoint's pods
 *   POST   /manifests           → 201 + the pod; 409 AlreadyExists when the name is taken
 *   GET    /manifests/<name>    → the pod, 404 when unknown
 *   PUT    /manifests/<name>    → 200 (replaced) or 201 (created) + the pod
 *   DELETE /manifests/<name>    → 200 Success Status, 404 when unknown
 *
 * Bodies are one Pod manifest, JSON or YAML. `<name>` is the manifest's name (or the generated
 * `<name>-<node>`); the namespace is the `namespace` query parameter, else the body's, else
 * `default`. Errors are v1 Status bodies (400 undecodable, 413 too large, 422 invalid pod).
 * Authentication and authorization are the caller's (the kubelet server's) job.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, alreadyExists, badRequest, notFound, requestEntityTooLarge, type Status } from '../../machinery/errors.js';
import type { Logger } from '../../util/logger.js';
import type { Pod } from '../types.js';
import { PodSet, type SourceUpdate } from './podset.js';
import { MAX_MANIFEST_BYTES, ManifestError, decodeManifests, staticPodFromManifest } from './staticpod.js';

const PODS_GR = { group: '', resource: 'pods' };

interface Entry {
  /** The manifest's own name (before the node suffix). */
  name: string;
  namespace: string;
  pod: Pod;
}

export interface ManifestEndpointOptions {
  nodeName: string;
  onUpdate(u: SourceUpdate): void;
  log: Logger;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_MANIFEST_BYTES) throw requestEntityTooLarge(`Request entity too large: limit is ${MAX_MANIFEST_BYTES}`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class ManifestEndpoint {
  private readonly entries = new Map<string, Entry>();
  private readonly set: PodSet;

  constructor(private readonly o: ManifestEndpointOptions) {
    this.set = new PodSet(o.log);
  }

  /** The endpoint's current pods (copies, with their seen annotations). */
  pods(): Pod[] {
    return this.set.pods();
  }

  /** Handles `/manifests` and `/manifests/<name>`; answers false (untouched) for any other path. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const m = /^\/manifests(?:\/([^/]+))?\/?$/.exec(url.pathname);
    if (!m) return false;
    const name = m[1] === undefined ? undefined : decodeURIComponent(m[1]);
    return this.respond(res, req.method ?? 'GET', req, name, url);
  }

  private async respond(res: ServerResponse, method: string, req: IncomingMessage, name: string | undefined, url: URL): Promise<true> {
    try {
      const queryNs = url.searchParams.get('namespace') || undefined;
      if (name === undefined) {
        if (method === 'GET') send(res, 200, { apiVersion: 'v1', kind: 'PodList', metadata: {}, items: this.pods() });
        else if (method === 'POST') send(res, 201, this.create(await readBody(req), queryNs));
        else throw new ApiError(405, 'MethodNotAllowed', `${method} is not supported on /manifests`);
        return true;
      }
      if (method === 'GET') {
        const e = this.lookup(queryNs, name);
        if (!e) throw notFound(PODS_GR, name);
        send(res, 200, this.pods().find((p) => p.metadata?.uid === e.pod.metadata?.uid) ?? e.pod);
      } else if (method === 'PUT') {
        const { pod, created } = this.replace(await readBody(req), name, queryNs);
        send(res, created ? 201 : 200, pod);
      } else if (method === 'DELETE') {
        const e = this.lookup(queryNs, name);
        if (!e) throw notFound(PODS_GR, name);
        this.entries.delete(`${e.namespace}/${e.name}`);
        this.publish();
        const st: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200, details: { name: e.pod.metadata?.name, kind: 'pods' } };
        send(res, 200, st);
      } else {
        throw new ApiError(405, 'MethodNotAllowed', `${method} is not supported on /manifests/${name}`);
      }
    } catch (err) {
      const e = err instanceof ApiError ? err : err instanceof ManifestError ? new ApiError(err.invalid ? 422 : 400, err.invalid ? 'Invalid' : 'BadRequest', err.message) : badRequest((err as Error).message);
      if (!res.headersSent) send(res, e.code, e.toStatus());
      else res.destroy();
    }
    return true;
  }

  /**
   * The entry named `name` (manifest name or generated pod name) in `namespace`; without a
   * namespace, in `default`, else the only namespace holding that name.
   */
  private lookup(namespace: string | undefined, name: string): Entry | undefined {
    const matches = (e: Entry) => e.name === name || e.pod.metadata?.name === name;
    const all = [...this.entries.values()].filter(matches);
    if (namespace !== undefined) return all.find((e) => e.namespace === namespace);
    return all.find((e) => e.namespace === 'default') ?? (all.length === 1 ? all[0] : undefined);
  }

  private decodeOne(text: string): Record<string, unknown> {
    const objs = decodeManifests(text);
    if (objs.length !== 1) throw new ManifestError(`expected one Pod manifest, got ${objs.length} objects`);
    const obj = objs[0];
    if (!isObj(obj)) throw new ManifestError('manifest is not an object');
    if (!isObj(obj.metadata)) obj.metadata = {};
    return obj;
  }

  private build(obj: Record<string, unknown>, namespace: string): Entry {
    const meta = obj.metadata as Record<string, unknown>;
    meta.namespace = namespace;
    const name = String(meta.name ?? '');
    const pod = staticPodFromManifest(obj, 'http', this.o.nodeName, `manifests/${namespace}/${name}`);
    return { name, namespace, pod };
  }

  private namespaceOf(obj: Record<string, unknown>, queryNs: string | undefined): string {
    const bodyNs = (obj.metadata as Record<string, unknown>).namespace;
    if (queryNs && typeof bodyNs === 'string' && bodyNs && bodyNs !== queryNs) {
      throw badRequest(`the namespace of the provided object does not match the namespace sent on the request`);
    }
    return queryNs ?? (typeof bodyNs === 'string' && bodyNs ? bodyNs : 'default');
  }

  private create(text: string, queryNs: string | undefined): Pod {
    const obj = this.decodeOne(text);
    const entry = this.build(obj, this.namespaceOf(obj, queryNs));
    const key = `${entry.namespace}/${entry.name}`;
    if (this.entries.has(key)) throw alreadyExists(PODS_GR, entry.pod.metadata!.name!);
    this.entries.set(key, entry);
    this.publish();
    this.o.log.info({ namespace: entry.namespace, name: entry.pod.metadata?.name }, 'static pod added through the manifest endpoint');
    return this.current(entry);
  }

  private replace(text: string, urlName: string, queryNs: string | undefined): { pod: Pod; created: boolean } {
    const obj = this.decodeOne(text);
    const meta = obj.metadata as Record<string, unknown>;
    const ns = this.namespaceOf(obj, queryNs);
    const existing = this.lookup(ns, urlName);
    const name = existing?.name ?? urlName;
    if (meta.name === undefined || meta.name === '') meta.name = name;
    if (meta.name !== name) throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${urlName})`);
    const entry = this.build(obj, ns);
    this.entries.set(`${ns}/${name}`, entry);
    this.publish();
    return { pod: this.current(entry), created: !existing };
  }

  private current(e: Entry): Pod {
    return this.pods().find((p) => p.metadata?.uid === e.pod.metadata?.uid) ?? e.pod;
  }

  private publish(): void {
    const changed = this.set.next([...this.entries.values()].map((e) => e.pod));
    if (changed) this.o.onUpdate({ source: 'http', pods: changed });
  }
}
