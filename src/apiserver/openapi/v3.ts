/**
 * OpenAPI v3 documents, one per group/version (plus 'api', 'apis', 'apis/<group>' and 'version'),
 * served at /openapi/v3/<doc> and listed by the index at /openapi/v3.
 *
 * Schemas follow upstream's v3 shape: `#/components/schemas/` references, a reference with sibling
 * keywords (description, ...) wrapped as `allOf: [{$ref}]`, and Quantity / IntOrString as `oneOf`
 * of their JSON types.
 */
import type { ResourceInfo } from '../../api/resources.js';
import { DEF, directRefs, groupPackagePrefix, refClosure, refName, type Definitions, type Schema } from './definitions.js';
import { PATCH_CONTENT_TYPES, buildPathSpecs, type OperationSpec, type ParamSpec, type PathSpec } from './paths.js';
import { KUBERNETES_VERSION, publishedDefinitions } from './v2.js';

export interface OpenApiV3Document {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, Schema>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, Schema> };
  security: Array<Record<string, string[]>>;
}

const SECURITY_SCHEMES = {
  BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' },
};

const ref3 = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** A v2 definition rewritten in upstream's v3 dialect. */
export function schemaToV3(name: string, s: Schema): Schema {
  if (name === DEF.quantity) {
    const { type: _t, format: _f, ...rest } = s;
    return { ...rest, oneOf: [{ type: 'string' }, { type: 'number' }] };
  }
  if (name === DEF.intOrString) {
    const { type: _t, ...rest } = s;
    return { ...rest, oneOf: [{ type: 'integer' }, { type: 'string' }] };
  }
  return convert(s) as Schema;
}

function convert(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(convert);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Schema;
  const target = refName(o.$ref);
  if (target !== undefined) {
    const rest = Object.keys(o).filter((k) => k !== '$ref');
    if (rest.length === 0) return ref3(target);
    const out: Schema = { allOf: [ref3(target)] };
    for (const k of rest) out[k] = convert(o[k]);
    return out;
  }
  const out: Schema = {};
  for (const [k, val] of Object.entries(o)) {
    // Names of properties are data, not schema keywords.
    if (k === 'properties' && val && typeof val === 'object') {
      const props: Schema = {};
      for (const [pk, pv] of Object.entries(val as Schema)) props[pk] = convert(pv);
      out[k] = props;
    } else {
      out[k] = convert(val);
    }
  }
  return out;
}

function paramV3(p: ParamSpec): Schema {
  const schema: Schema = { type: p.type ?? 'string' };
  if (p.uniqueItems) schema.uniqueItems = true;
  const out: Schema = { description: p.description, in: p.in, name: p.name, schema };
  if (p.required) out.required = true;
  return out;
}

function content(types: string[], schemaName: string | undefined): Schema {
  const c: Schema = {};
  for (const t of types) c[t] = schemaName ? { schema: ref3(schemaName) } : {};
  return c;
}

function operationV3(op: OperationSpec): Schema {
  const out: Schema = { description: op.description, operationId: op.operationId };
  const params = op.params.filter((p) => p.in !== 'body');
  if (params.length > 0) out.parameters = params.map(paramV3);
  const body = op.params.find((p) => p.in === 'body');
  if (body) {
    const types = op.method === 'patch' ? PATCH_CONTENT_TYPES : ['*/*'];
    out.requestBody = { content: content(types, body.schema), ...(body.required ? { required: true } : {}) };
  }
  const responses: Schema = {};
  for (const r of op.responses) {
    responses[r.code] = r.schema
      ? { content: content(op.produces, r.schema), description: r.description }
      : { description: r.description };
  }
  out.responses = responses;
  out.tags = op.tags;
  if (op.action) out['x-kubernetes-action'] = op.action;
  if (op.gvk) out['x-kubernetes-group-version-kind'] = { group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version };
  return out;
}

function pathItemV3(p: PathSpec): Schema {
  const item: Schema = {};
  for (const op of p.operations) item[op.method] = operationV3(op);
  if (p.params.length > 0) item.parameters = p.params.map(paramV3);
  return item;
}

/**
 * Every v3 document, keyed by its index name ('api/v1', 'apis/apps/v1', 'api', 'apis', 'apis/apps', 'version').
 * Each document's components.schemas hold exactly the schemas its paths reach, plus, for a group/version,
 * every schema of that group/version's package.
 */
export function buildOpenApiV3Documents(resources: readonly ResourceInfo[], defs: Definitions): Map<string, OpenApiV3Document> {
  const published = publishedDefinitions(resources, defs);
  const byDoc = new Map<string, PathSpec[]>();
  for (const p of buildPathSpecs(resources, defs)) {
    const list = byDoc.get(p.doc) ?? [];
    list.push(p);
    byDoc.set(p.doc, list);
  }
  const docs = new Map<string, OpenApiV3Document>();
  for (const docName of [...byDoc.keys()].sort()) {
    const specs = byDoc.get(docName)!;
    const paths: Record<string, Schema> = {};
    for (const p of specs) paths[p.path] = pathItemV3(p);
    const roots = new Set<string>();
    for (const p of specs) {
      for (const op of p.operations) {
        for (const r of op.responses) if (r.schema) roots.add(r.schema);
        for (const prm of op.params) if (prm.schema) roots.add(prm.schema);
      }
    }
    // A group/version document also carries every GVK-tagged schema of its package (List kinds, ...).
    for (const op of specs.flatMap((p) => p.operations)) {
      if (!op.gvk) continue;
      const prefix = kindPrefix(docName);
      if (prefix) for (const n of Object.keys(published)) if (n.startsWith(prefix)) roots.add(n);
      break;
    }
    const schemas: Record<string, Schema> = {};
    for (const n of [...refClosure(published, roots)].sort()) schemas[n] = schemaToV3(n, published[n]!);
    docs.set(docName, {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: KUBERNETES_VERSION },
      paths,
      components: { schemas, securitySchemes: SECURITY_SCHEMES },
      security: [{ BearerToken: [] }],
    });
  }
  return docs;
}

/** Definition-name prefix of a group/version document's own package ('api/v1' → io.k8s.api.core.v1.). */
function kindPrefix(docName: string): string | undefined {
  const parts = docName.split('/');
  if (parts[0] === 'api' && parts.length === 2) return `${groupPackagePrefix('')}.${parts[1]}.`;
  if (parts[0] === 'apis' && parts.length === 3) return `${groupPackagePrefix(parts[1]!)}.${parts[2]}.`;
  return undefined;
}

/** The v3 index body: `{paths: {<doc>: {serverRelativeURL: "/openapi/v3/<doc>?hash=<HASH>"}}}`. */
export function buildOpenApiV3Index(hashes: ReadonlyMap<string, string>): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const name of [...hashes.keys()].sort()) paths[name] = { serverRelativeURL: `/openapi/v3/${name}?hash=${hashes.get(name)}` };
  return { paths };
}

/** Definition names referenced by a v3 document that are missing from its components (empty when closed). */
export function danglingRefs(doc: OpenApiV3Document): string[] {
  const missing: string[] = [];
  for (const n of directRefs([doc.paths, doc.components.schemas])) if (!doc.components.schemas[n]) missing.push(n);
  return missing.sort();
}
