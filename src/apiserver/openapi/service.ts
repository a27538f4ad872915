/**
 * Serves /openapi/v2, /openapi/v3 and /openapi/v3/<doc>, transport-free: the HTTP layer passes the
 * path, query, Accept and If-None-Match and writes back the returned status, headers and body.
 *
 * Behaviour (as kube-openapi's handlers):
 * - /openapi/v2: JSON, or the gnostic protobuf when the Accept header prefers
 *   `application/com.github.proto-openapi.spec.v2@v1.0+protobuf` (client-go asks only for that), answered
 *   with Content-Type `application/com.github.proto-openapi.spec.v2.v1.0+protobuf` as upstream does;
 *   406 when Accept allows neither. ETag is the quoted SHA-512 (upper-case hex) of the body.
 * - /openapi/v3: the index, JSON.
 * - /openapi/v3/<doc>[?hash=H]: JSON. With the current hash the response is
 *   `Cache-Control: public, immutable`; with a stale hash, 301 to the current URL; unknown doc, 404.
 * - If-None-Match equal to the ETag gives 304 with no body.
 *
 * Documents are built lazily, once per instance, and kept as pre-serialized buffers.
 */
import { createHash } from 'node:crypto';
import type { ResourceInfo } from '../../api/resources.js';
import { loadDefinitions, type Definitions } from './definitions.js';
import { encodeOpenApiV2 } from './protobuf.js';
import { buildOpenApiV2, type SwaggerDocument } from './v2.js';
import { buildOpenApiV3Documents, buildOpenApiV3Index, type OpenApiV3Document } from './v3.js';

export const MIME_JSON = 'application/json';
/** Media type clients ask for (Accept). */
export const MIME_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/** Content-Type answered for it: the '@' is not valid in a media type Go's mime.ParseMediaType reads, so upstream answers this. */
export const CONTENT_TYPE_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

export interface OpenApiRequest {
  /** URL path without query, e.g. `/openapi/v3/apis/apps/v1`. */
  path: string;
  /** Query parameters (only `hash` is read). */
  query?: URLSearchParams;
  accept?: string;
  ifNoneMatch?: string;
}

export interface OpenApiResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

interface Blob {
  body: Buffer;
  /** Upper-case hex SHA-512 of body (unquoted). */
  hash: string;
}

function blob(body: Buffer): Blob {
  return { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() };
}

export interface OpenApiServiceOptions {
  resources: readonly ResourceInfo[];
  /** Defaults to the generated dist/openapi/definitions.json. */
  definitions?: Definitions;
}

export class OpenApiService {
  private readonly resources: readonly ResourceInfo[];
  private defs: Definitions | undefined;
  private v2Doc: SwaggerDocument | undefined;
  private v2JsonBlob: Blob | undefined;
  private v2PbBlob: Blob | undefined;
  private v3Docs: Map<string, OpenApiV3Document> | undefined;
  private v3Blobs: Map<string, Blob> | undefined;
  private v3IndexBlob: Blob | undefined;

  constructor(opts: OpenApiServiceOptions) {
    this.resources = opts.resources;
    this.defs = opts.definitions;
  }

  definitions(): Definitions {
    this.defs ??= loadDefinitions();
    return this.defs;
  }

  v2(): SwaggerDocument {
    this.v2Doc ??= buildOpenApiV2(this.resources, this.definitions());
    return this.v2Doc;
  }

  v2Json(): Blob {
    this.v2JsonBlob ??= blob(Buffer.from(JSON.stringify(this.v2())));
    return this.v2JsonBlob;
  }

  v2Protobuf(): Blob {
    this.v2PbBlob ??= blob(encodeOpenApiV2(this.v2() as unknown as { [k: string]: unknown }));
    return this.v2PbBlob;
  }

  v3Documents(): Map<string, OpenApiV3Document> {
    this.v3Docs ??= buildOpenApiV3Documents(this.resources, this.definitions());
    return this.v3Docs;
  }

  /** The v3 document named `name` ('api/v1', 'apis/apps/v1', ...), or undefined. */
  v3(name: string): OpenApiV3Document | undefined {
    return this.v3Documents().get(name);
  }

  private v3BlobMap(): Map<string, Blob> {
    if (!this.v3Blobs) {
      const m = new Map<string, Blob>();
      for (const [name, doc] of this.v3Documents()) m.set(name, blob(Buffer.from(JSON.stringify(doc))));
      this.v3Blobs = m;
    }
    return this.v3Blobs;
  }

  v3Index(): Blob {
    if (!this.v3IndexBlob) {
      const hashes = new Map<string, string>();
      for (const [name, b] of this.v3BlobMap()) hashes.set(name, b.hash);
      this.v3IndexBlob = blob(Buffer.from(JSON.stringify(buildOpenApiV3Index(hashes))));
    }
    return this.v3IndexBlob;
  }

  /** Answers an /openapi/... request; undefined when the path is not one of ours. */
  handle(req: OpenApiRequest): OpenApiResponse | undefined {
    const path = req.path.length > 1 ? req.path.replace(/\/+$/, '') : req.path;
    if (path === '/openapi/v2') return this.serveV2(req);
    if (path === '/openapi/v3') return this.serveBlob(req, this.v3Index(), MIME_JSON, {});
    if (path.startsWith('/openapi/v3/')) return this.serveV3Doc(req, path.slice('/openapi/v3/'.length));
    return undefined;
  }

  private serveV2(req: OpenApiRequest): OpenApiResponse {
    const choice = negotiate(req.accept, [MIME_JSON, MIME_V2_PROTOBUF]);
    const vary = { Vary: 'Accept' };
    if (choice === undefined) return notAcceptable(vary);
    if (choice === MIME_V2_PROTOBUF) return this.serveBlob(req, this.v2Protobuf(), CONTENT_TYPE_V2_PROTOBUF, vary);
    return this.serveBlob(req, this.v2Json(), MIME_JSON, vary);
  }

  private serveV3Doc(req: OpenApiRequest, name: string): OpenApiResponse {
    const b = this.v3BlobMap().get(name);
    if (!b) return { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: Buffer.from('404 page not found\n') };
    // The v3 protobuf form is not produced: a client that accepts only it gets 406.
    if (negotiate(req.accept, [MIME_JSON]) === undefined) return notAcceptable({ Vary: 'Accept' });
    const headers: Record<string, string> = {};
    const hash = req.query?.get('hash');
    if (hash) {
      if (hash !== b.hash) {
        return { status: 301, headers: { Location: `/openapi/v3/${name}?hash=${b.hash}` }, body: Buffer.alloc(0) };
      }
      headers['Vary'] = 'Accept';
      headers['Cache-Control'] = 'public, immutable';
      headers['Expires'] = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();
    }
    return this.serveBlob(req, b, MIME_JSON, headers);
  }

  private serveBlob(req: OpenApiRequest, b: Blob, contentType: string, extra: Record<string, string>): OpenApiResponse {
    const etag = `"${b.hash}"`;
    const headers: Record<string, string> = { ...extra, ETag: etag };
    if (req.ifNoneMatch !== undefined && etagMatches(req.ifNoneMatch, etag)) {
      return { status: 304, headers, body: Buffer.alloc(0) };
    }
    headers['Content-Type'] = contentType;
    headers['Content-Length'] = String(b.body.length);
    return { status: 200, headers, body: b.body };
  }
}

function notAcceptable(headers: Record<string, string>): OpenApiResponse {
  return { status: 406, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }, body: Buffer.from('406 Not Acceptable\n') };
}

function etagMatches(ifNoneMatch: string, etag: string): boolean {
  const v = ifNoneMatch.trim();
  if (v === '*') return true;
  return v
    .split(',')
    .map((s) => s.trim().replace(/^W\//, ''))
    .includes(etag);
}

interface Clause {
  type: string;
  subtype: string;
  q: number;
  order: number;
}

function parseAccept(accept: string | undefined): Clause[] {
  const header = accept && accept.trim() !== '' ? accept : '*/*';
  const out: Clause[] = [];
  header.split(',').forEach((part, order) => {
    const [range, ...params] = part.trim().split(';');
    const [type, subtype] = (range ?? '').trim().toLowerCase().split('/');
    if (!type) return;
    let q = 1;
    for (const p of params) {
      const [k, v] = p.trim().split('=');
      if (k?.trim() === 'q' && v !== undefined) q = Number(v);
    }
    if (Number.isNaN(q) || q <= 0) return;
    out.push({ type, subtype: subtype ?? '*', q, order });
  });
  // Highest q first; on ties, the more specific range, then the header's order.
  const spec = (c: Clause): number => (c.type === '*' ? 0 : c.subtype === '*' ? 1 : 2);
  return out.sort((a, b) => b.q - a.q || spec(b) - spec(a) || a.order - b.order);
}

function matches(c: Clause, mime: string): boolean {
  const [type, subtype] = mime.split('/');
  return (c.type === '*' || c.type === type) && (c.subtype === '*' || c.subtype === subtype);
}

/** The offer served for an Accept header: the first offer matching the best-ranked clause. */
export function negotiate(accept: string | undefined, offers: readonly string[]): string | undefined {
  for (const c of parseAccept(accept)) {
    for (const o of offers) if (matches(c, o)) return o;
  }
  return undefined;
}
