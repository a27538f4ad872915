/**
 * Maps ownerReference coordinates (apiVersion + kind) to served resources, and names the resources
 * the garbage collector watches (upstream GetDeletableResources + DefaultIgnoredResources).
 *
 * Contracts:
 * - `map` answers the resource serving exactly `apiVersion`/`kind`; when that version is not served
 *   it answers the same group and kind in the group's preferred served version (an object is the
 *   same object in every version). Unknown kinds throw `RestMappingError`.
 * - `monitored()` lists, per group and resource, the preferred served version of every resource that
 *   supports `delete`, `list` and `watch`, except core and events.k8s.io Events (as upstream).
 */
import { RESOURCES, type ResourceInfo } from '../../api/resources.js';
import type { ResourceRef } from '../../client/rest.js';

const IGNORED = new Set(['/events', 'events.k8s.io/events']);

export class RestMappingError extends Error {
  constructor(
    readonly apiVersion: string,
    readonly kind: string,
  ) {
    super(`unable to get REST mapping for ${apiVersion}/${kind}`);
    this.name = 'RestMappingError';
  }
}

const apiVersionOf = (r: { group: string; version: string }): string => (r.group ? `${r.group}/${r.version}` : r.version);

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export class RestMapper {
  private readonly exact = new Map<string, ResourceInfo>();
  private readonly byGroupKind = new Map<string, ResourceInfo>();
  private readonly preferred: ResourceInfo[] = [];

  /** `resources` in preference order within each group (the catalogue's order). */
  constructor(resources: readonly ResourceInfo[] = RESOURCES) {
    const groupOrder = new Map<string, string[]>();
    for (const r of resources) {
      const vs = groupOrder.get(r.group) ?? [];
      if (!vs.includes(r.version)) vs.push(r.version);
      groupOrder.set(r.group, vs);
    }
    const sorted: ResourceInfo[] = [];
    for (const [group, versions] of groupOrder) {
      for (const v of versions) for (const r of resources) if (r.group === group && r.version === v) sorted.push(r);
    }
    const seenResource = new Set<string>();
    for (const r of sorted) {
      this.exact.set(`${apiVersionOf(r)}|${r.kind}`, r);
      const gk = `${r.group}|${r.kind}`;
      if (!this.byGroupKind.has(gk)) this.byGroupKind.set(gk, r);
      const gr = `${r.group}/${r.resource}`;
      if (seenResource.has(gr)) continue;
      seenResource.add(gr);
      if (IGNORED.has(gr)) continue;
      if (['delete', 'list', 'watch'].every((v) => r.verbs.includes(v as ResourceInfo['verbs'][number]))) this.preferred.push(r);
    }
  }

  map(apiVersion: string, kind: string): ResourceRef {
    const hit = this.exact.get(`${apiVersion}|${kind}`) ?? this.byGroupKind.get(`${splitApiVersion(apiVersion).group}|${kind}`);
    if (!hit) throw new RestMappingError(apiVersion, kind);
    return hit;
  }

  monitored(): ResourceRef[] {
    return [...this.preferred];
  }
}
