/**
 * Turns a request path and method into what it asks for: a discovery document, or a verb on a
 * resource (with namespace, name and subresource), as upstream's RequestInfoResolver does.
 */
import { RESOURCES, type ResourceInfo, type SubresourceInfo } from '../../api/resources.js';

export type ResourceVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export type RequestTarget =
  | { type: 'apiVersions' }
  | { type: 'apiGroupList' }
  | { type: 'apiGroup'; group: string }
  | { type: 'resourceList'; group: string; version: string }
  | {
      type: 'resource';
      info: ResourceInfo;
      verb: ResourceVerb;
      namespace?: string;
      name?: string;
      subresource?: SubresourceInfo;
    }
  | { type: 'notFound' }
  | { type: 'methodNotAllowed'; verb: string; info: ResourceInfo };

const byGv = new Map<string, Map<string, ResourceInfo>>();
for (const r of RESOURCES) {
  const k = `${r.group}/${r.version}`;
  if (!byGv.has(k)) byGv.set(k, new Map());
  byGv.get(k)!.set(r.resource, r);
}

export const knownGroupVersion = (group: string, version: string): boolean => byGv.has(`${group}/${version}`);
export const knownGroup = (group: string): boolean => RESOURCES.some((r) => r.group === group);

function verbFor(method: string, hasName: boolean, watch: boolean): ResourceVerb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return watch ? 'watch' : hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return hasName ? 'update' : undefined;
    case 'PATCH':
      return hasName ? 'patch' : undefined;
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

/** `watchParam`: the `watch` query parameter is true. */
export function resolveRequest(method: string, pathname: string, watchParam: boolean): RequestTarget {
  const seg = pathname.split('/').filter((s) => s.length > 0).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (seg[0] === 'api') {
    if (seg.length === 1) return { type: 'apiVersions' };
    group = '';
    version = seg[1];
    rest = seg.slice(2);
  } else if (seg[0] === 'apis') {
    if (seg.length === 1) return { type: 'apiGroupList' };
    if (seg.length === 2) return knownGroup(seg[1]) ? { type: 'apiGroup', group: seg[1] } : { type: 'notFound' };
    group = seg[1];
    version = seg[2];
    rest = seg.slice(3);
  } else {
    return { type: 'notFound' };
  }
  const resources = byGv.get(`${group}/${version}`);
  if (!resources) return { type: 'notFound' };
  if (rest.length === 0) return { type: 'resourceList', group, version };
  let watch = watchParam;
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  let resourceName: string;
  let name: string | undefined;
  let sub: string | undefined;
  const nsInfo = resources.get('namespaces');
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && nsInfo?.subresources.some((s) => s.name === rest[2]))) {
    namespace = rest[1];
    [resourceName, name, sub] = [rest[2], rest[3], rest[4]];
    // `proxy` takes a path after it (pods/{name}/proxy/{path}).
    if (rest.length > 5 && sub !== 'proxy') return { type: 'notFound' };
  } else {
    [resourceName, name, sub] = [rest[0], rest[1], rest[2]];
    if (rest.length > 3 && sub !== 'proxy') return { type: 'notFound' };
  }
  const info = resources.get(resourceName);
  if (!info) return { type: 'notFound' };
  if (namespace !== undefined && !info.namespaced) return { type: 'notFound' };
  let subresource: SubresourceInfo | undefined;
  if (sub !== undefined) {
    subresource = info.subresources.find((s) => s.name === sub);
    if (!subresource) return { type: 'notFound' };
    if (watch) return { type: 'notFound' };
  }
  const verb = verbFor(method, name !== undefined, watch);
  if (!verb) return { type: 'methodNotAllowed', verb: method, info };
  if (subresource) {
    const allowed = subresource.verbs as string[];
    if (!allowed.includes(verb)) return { type: 'methodNotAllowed', verb: method, info };
  } else if (!(info.verbs as string[]).includes(verb)) {
    return { type: 'methodNotAllowed', verb: method, info };
  }
  // A namespaced object addressed without its namespace.
  if (info.namespaced && namespace === undefined && (name !== undefined || verb === 'create' || verb === 'deletecollection')) {
    return { type: 'notFound' };
  }
  return { type: 'resource', info, verb, namespace, name, subresource };
}
