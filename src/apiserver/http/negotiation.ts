/**
 * Content negotiation: which representation a client accepts (plain object, Table,
 * PartialObjectMetadata, aggregated discovery; JSON or YAML) and how request bodies decode.
 * Protobuf is not served: a client that accepts only protobuf gets 406.
 */
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { ApiError, badRequest, notAcceptable, unsupportedMediaType } from '../../machinery/errors.js';
import { decodeProtobufObject } from '../protobuf/decode.js';

export interface MediaType {
  type: string;
  params: Record<string, string>;
}

export function parseMediaTypes(header: string | undefined): MediaType[] {
  if (!header) return [{ type: '*/*', params: {} }];
  return header
    .split(',')
    .map((part) => {
      const [t, ...ps] = part.trim().split(';');
      const params: Record<string, string> = {};
      for (const p of ps) {
        const i = p.indexOf('=');
        if (i > 0) params[p.slice(0, i).trim()] = p.slice(i + 1).trim().replace(/^"|"$/g, '');
      }
      return { type: t.trim().toLowerCase(), params };
    })
    .filter((m) => m.type.length > 0);
}

export type Representation =
  | { as: 'Object'; format: 'json' | 'yaml' }
  | { as: 'Table'; version: 'v1' | 'v1beta1'; format: 'json' }
  | { as: 'PartialObjectMetadata'; version: 'v1' | 'v1beta1'; list: boolean; format: 'json' };

const isJson = (t: string) => t === 'application/json' || t === '*/*' || t === 'application/*';

/** Picks the first acceptable representation in the client's order of preference. */
export function negotiate(accept: string | undefined): Representation {
  const types = parseMediaTypes(accept);
  for (const m of types) {
    const as = m.params.as;
    if (as) {
      if (!isJson(m.type) || m.params.g !== 'meta.k8s.io') continue;
      const v = m.params.v;
      if (v !== 'v1' && v !== 'v1beta1') continue;
      if (as === 'Table') return { as: 'Table', version: v, format: 'json' };
      if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') {
        return { as: 'PartialObjectMetadata', version: v, list: as === 'PartialObjectMetadataList', format: 'json' };
      }
      continue;
    }
    if (isJson(m.type)) return { as: 'Object', format: 'json' };
    if (m.type === 'application/yaml') return { as: 'Object', format: 'yaml' };
  }
  throw notAcceptable(`only the following media types are accepted: application/json, application/yaml`);
}

/** Aggregated discovery (apidiscovery.k8s.io v2 / v2beta1) if the client asks for it first. */
export function wantsAggregatedDiscovery(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const m of parseMediaTypes(accept)) {
    if (m.params.as === 'APIGroupDiscoveryList' && m.params.g === 'apidiscovery.k8s.io' && isJson(m.type)) {
      if (m.params.v === 'v2' || m.params.v === 'v2beta1') return m.params.v;
      continue;
    }
    if (isJson(m.type) || m.type === 'application/yaml') return undefined;
  }
  return undefined;
}

export type BodyKind = 'json' | 'yaml' | 'protobuf' | 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch';

export function bodyKind(contentType: string | undefined, forPatch: boolean): BodyKind {
  const t = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (forPatch) {
    switch (t) {
      case 'application/json-patch+json':
        return 'json-patch';
      case 'application/merge-patch+json':
        return 'merge-patch';
      case 'application/strategic-merge-patch+json':
        return 'strategic-merge-patch';
      case 'application/apply-patch+yaml':
        return 'apply-patch';
      default:
        throw unsupportedPatch(t);
    }
  }
  if (t === '' || t === 'application/json' || t === '*/*') return 'json';
  if (t === 'application/yaml' || t === 'application/x-yaml' || t === 'text/yaml') return 'yaml';
  if (t === 'application/vnd.kubernetes.protobuf') return 'protobuf';
  throw unsupportedMediaType(t);
}

function unsupportedPatch(t: string): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${t || 'no content type'})`,
  );
}

/** Parses a request body. Malformed input is a 400 with the parser's reason. */
export function parseBody(raw: Buffer, kind: BodyKind): unknown {
  if (kind === 'protobuf') return decodeProtobufObject(raw).object;
  const text = raw.toString('utf8');
  if (kind === 'yaml' || kind === 'apply-patch') {
    let docs;
    try {
      docs = parseAllDocuments(text);
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${(err as Error).message}`);
    }
    const list = Array.isArray(docs) ? docs : [docs];
    const nonEmpty = list.filter((d) => d.contents !== null);
    for (const d of list) {
      if (d.errors.length) throw badRequest(`error converting YAML to JSON: yaml: ${d.errors[0].message}`);
    }
    if (nonEmpty.length > 1) throw badRequest('error converting YAML to JSON: yaml: multiple documents are not supported');
    try {
      const v = nonEmpty.length ? nonEmpty[0].toJS({ maxAliasCount: 100 }) : parseYaml('{}');
      checkDepth(v);
      return v;
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw badRequest(`error converting YAML to JSON: ${(err as Error).message}`);
    }
  }
  if (text.trim() === '') throw badRequest('Object \'Kind\' is missing in \'\'');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    if (kind === 'json') throw badRequest(`couldn't get version/kind; json parse error: ${msg}`);
    throw badRequest(`error decoding patch: ${msg}`);
  }
  checkDepth(v);
  return v;
}

/** Deepest nesting accepted in a body; deeper documents are refused before anything recurses over them. */
export const MAX_DEPTH = 1000;

function checkDepth(root: unknown): void {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > MAX_DEPTH) throw badRequest(`json: exceeded max depth of ${MAX_DEPTH}`);
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
    }
  }
}
