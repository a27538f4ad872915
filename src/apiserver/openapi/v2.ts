/**
 * The swagger 2.0 document served at /openapi/v2: paths of every served resource and the definitions
 * they reach (closed under $ref), plus every definition of the served group/versions and meta/v1.
 */
import type { ResourceInfo } from '../../api/resources.js';
import { DEF, META, definitionName, groupPackagePrefix, gvksOf, refClosure, type Definitions, type GVK, type Schema } from './definitions.js';
import { buildPathSpecs, type OperationSpec, type ParamSpec, type PathSpec } from './paths.js';

export const KUBERNETES_VERSION = 'v1.32.0';

export interface SwaggerDocument {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Record<string, Schema>;
  definitions: Record<string, Schema>;
  securityDefinitions: Record<string, Schema>;
  security: Array<Record<string, string[]>>;
}

const SECURITY_DEFINITIONS = {
  BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' },
};

/** Group/versions served, in catalogue order, without duplicates. */
export function servedGroupVersions(resources: readonly ResourceInfo[]): Array<{ group: string; version: string }> {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of resources) {
    const k = `${r.group}/${r.version}`;
    if (!seen.has(k)) seen.set(k, { group: r.group, version: r.version });
  }
  return [...seen.values()];
}

/**
 * Definitions published for the served resources: those of the served group/versions' packages,
 * meta/v1, the subresource kinds, closed under $ref. DeleteOptions and WatchEvent carry one GVK per
 * served group/version, as upstream.
 */
export function publishedDefinitions(resources: readonly ResourceInfo[], defs: Definitions): Record<string, Schema> {
  const gvs = servedGroupVersions(resources);
  const prefixes = gvs.map((gv) => `${groupPackagePrefix(gv.group)}.${gv.version}.`);
  prefixes.push(`${META}.`);
  const roots = Object.keys(defs).filter((n) => prefixes.some((p) => n.startsWith(p)));
  for (const r of resources) {
    for (const s of r.subresources) if (!s.connect) roots.push(definitionName(s.group ?? r.group, s.version ?? r.version, s.kind));
  }
  roots.push(DEF.versionInfo);
  const names = [...refClosure(defs, roots)].sort();
  const out: Record<string, Schema> = {};
  for (const n of names) {
    let s = defs[n]!;
    if (n === DEF.deleteOptions || n === DEF.watchEvent) {
      const kind = n === DEF.deleteOptions ? 'DeleteOptions' : 'WatchEvent';
      const gvks: GVK[] = gvs.map((gv) => ({ group: gv.group, kind, version: gv.version }));
      for (const g of gvksOf(s)) if (!gvks.some((x) => x.group === g.group && x.version === g.version)) gvks.push(g);
      s = { ...s, 'x-kubernetes-group-version-kind': gvks };
    }
    out[n] = s;
  }
  return out;
}

function paramV2(p: ParamSpec): Schema {
  if (p.in === 'body') {
    return { in: 'body', name: p.name, required: p.required ?? false, schema: { $ref: `#/definitions/${p.schema}` } };
  }
  const out: Schema = { description: p.description, in: p.in, name: p.name, type: p.type ?? 'string' };
  if (p.required) out.required = true;
  if (p.uniqueItems) out.uniqueItems = true;
  return out;
}

function operationV2(op: OperationSpec): Schema {
  const responses: Record<string, Schema> = {};
  for (const r of op.responses) {
    responses[r.code] = r.schema ? { description: r.description, schema: { $ref: `#/definitions/${r.schema}` } } : { description: r.description };
  }
  const out: Schema = {
    consumes: op.consumes,
    description: op.description,
    operationId: op.operationId,
    produces: op.produces,
    responses,
    schemes: ['https'],
    tags: op.tags,
  };
  if (op.params.length > 0) out.parameters = op.params.map(paramV2);
  if (op.action) out['x-kubernetes-action'] = op.action;
  if (op.gvk) out['x-kubernetes-group-version-kind'] = { group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version };
  return out;
}

export function pathItemV2(p: PathSpec): Schema {
  const item: Schema = {};
  for (const op of p.operations) item[op.method] = operationV2(op);
  if (p.params.length > 0) item.parameters = p.params.map(paramV2);
  return item;
}

export function buildOpenApiV2(resources: readonly ResourceInfo[], defs: Definitions): SwaggerDocument {
  const paths: Record<string, Schema> = {};
  for (const p of buildPathSpecs(resources, defs)) paths[p.path] = pathItemV2(p);
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: KUBERNETES_VERSION },
    paths,
    definitions: publishedDefinitions(resources, defs),
    securityDefinitions: SECURITY_DEFINITIONS,
    security: [{ BearerToken: [] }],
  };
}
