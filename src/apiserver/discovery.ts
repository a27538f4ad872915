/**
 * Discovery documents built from the resource catalogue: legacy (/api, /apis, /api/v1,
 * /apis/<g>/<v>) and aggregated (apidiscovery.k8s.io/v2 and v2beta1), all serialized once.
 */
import { createHash } from 'node:crypto';
import { RESOURCES, groupVersions, type ResourceInfo } from '../api/resources.js';

const gvString = (group: string, version: string) => (group ? `${group}/${version}` : version);

const storageVersionHash = (r: ResourceInfo): string =>
  createHash('sha256').update(`${r.group}/${r.version}/${r.kind}`).digest('base64').slice(0, 11);

function resourceList(group: string, version: string) {
  const resources: unknown[] = [];
  for (const r of RESOURCES.filter((x) => x.group === group && x.version === version)) {
    const e: Record<string, unknown> = {
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
    };
    if (r.shortNames) e.shortNames = r.shortNames;
    if (r.categories) e.categories = r.categories;
    if (r.verbs.includes('get') || r.verbs.includes('list')) e.storageVersionHash = storageVersionHash(r);
    resources.push(e);
    for (const s of r.subresources) {
      const se: Record<string, unknown> = { name: `${r.resource}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.kind, verbs: s.verbs };
      if (s.group !== undefined) {
        se.group = s.group;
        se.version = s.version;
      }
      resources.push(se);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gvString(group, version), resources };
}

function groupDoc(group: string, versions: string[]) {
  const vs = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions: vs, preferredVersion: vs[0] };
}

function aggregated(kind: 'core' | 'groups', apiVersion: string) {
  const items: unknown[] = [];
  for (const [group, versions] of groupVersions()) {
    if ((kind === 'core') !== (group === '')) continue;
    items.push({
      metadata: { name: group, creationTimestamp: null },
      versions: versions.map((version) => ({
        version,
        freshness: 'Current',
        resources: RESOURCES.filter((r) => r.group === group && r.version === version).map((r) => {
          const e: Record<string, unknown> = {
            resource: r.resource,
            responseKind: { group: r.group, version: r.version, kind: r.kind },
            scope: r.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: r.singular,
            verbs: r.verbs,
          };
          if (r.shortNames) e.shortNames = r.shortNames;
          if (r.categories) e.categories = r.categories;
          if (r.subresources.length) {
            e.subresources = r.subresources.map((s) => ({
              subresource: s.name,
              responseKind: { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind },
              verbs: s.verbs,
            }));
          }
          return e;
        }),
      })),
    });
  }
  return { kind: 'APIGroupDiscoveryList', apiVersion, metadata: { creationTimestamp: null }, items };
}

export interface DiscoveryDocs {
  apiVersions(serverAddress: string): Buffer;
  apiGroupList: Buffer;
  apiGroup(group: string): Buffer | undefined;
  resourceList(group: string, version: string): Buffer | undefined;
  aggregated(path: 'api' | 'apis', version: 'v2' | 'v2beta1'): Buffer;
}

/** A group served outside the resource catalogue (as an aggregated API would be), one version. */
export interface ExtraGroup {
  group: string;
  version: string;
  resources: Array<{ name: string; singularName: string; namespaced: boolean; kind: string; verbs: string[] }>;
}

function extraAggregated(x: ExtraGroup) {
  return {
    metadata: { name: x.group, creationTimestamp: null },
    versions: [
      {
        version: x.version,
        freshness: 'Current',
        resources: x.resources.map((r) => ({
          resource: r.name,
          responseKind: { group: x.group, version: x.version, kind: r.kind },
          scope: r.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: r.singularName,
          verbs: r.verbs,
        })),
      },
    ],
  };
}

/** `extra` groups are listed after the catalogue's, in /apis and aggregated discovery. */
export function buildDiscovery(extra: readonly ExtraGroup[] = []): DiscoveryDocs {
  const gvs = groupVersions();
  const groups = [...gvs].filter(([g]) => g !== '').map(([g, vs]) => groupDoc(g, vs));
  groups.push(...extra.map((x) => groupDoc(x.group, [x.version])));
  const apiGroupList = Buffer.from(JSON.stringify({ kind: 'APIGroupList', apiVersion: 'v1', groups }));
  const groupDocs = new Map(groups.map((g) => [g.name, Buffer.from(JSON.stringify({ kind: 'APIGroup', apiVersion: 'v1', ...g }))]));
  const lists = new Map<string, Buffer>();
  for (const [g, vs] of gvs) for (const v of vs) lists.set(`${g}/${v}`, Buffer.from(JSON.stringify(resourceList(g, v))));
  for (const x of extra) {
    lists.set(`${x.group}/${x.version}`, Buffer.from(JSON.stringify({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${x.group}/${x.version}`, resources: x.resources })));
  }
  const agg = new Map<string, Buffer>();
  for (const path of ['api', 'apis'] as const) {
    for (const v of ['v2', 'v2beta1'] as const) {
      const doc = aggregated(path === 'api' ? 'core' : 'groups', `apidiscovery.k8s.io/${v}`);
      if (path === 'apis') doc.items.push(...extra.map(extraAggregated));
      agg.set(`${path}/${v}`, Buffer.from(JSON.stringify(doc)));
    }
  }
  return {
    apiVersions: (serverAddress) =>
      Buffer.from(
        JSON.stringify({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] }),
      ),
    apiGroupList,
    apiGroup: (g) => groupDocs.get(g),
    resourceList: (g, v) => lists.get(`${g}/${v}`),
    aggregated: (path, v) => agg.get(`${path}/${v}`)!,
  };
}
