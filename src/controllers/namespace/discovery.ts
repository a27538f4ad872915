/**
 * Server-preferred namespaced resources from the discovery endpoints (client-go
 * ServerPreferredNamespacedResources), read live on every call.
 *
 * Contracts:
 * - Each group's versions are read preferred version first; a resource served in several versions
 *   is answered once, in the first version that serves it. Subresources are left out.
 * - A group version that fails to load does not fail the whole answer: the other resources come
 *   back together with `error` (upstream's ErrGroupDiscoveryFailed message), naming each failed
 *   group version. Failure to read `/api` or `/apis` themselves throws.
 */
import type { ResourceRef } from '../../client/rest.js';

export interface DiscoveredResource {
  ref: ResourceRef;
  verbs: string[];
}

export interface Discovery {
  resources: DiscoveredResource[];
  /** Set when some group versions could not be read. */
  error?: GroupDiscoveryFailedError;
}

export class GroupDiscoveryFailedError extends Error {
  constructor(readonly groups: Map<string, string>) {
    super(`unable to retrieve the complete list of server APIs: ${[...groups].map(([gv, e]) => `${gv}: ${e}`).join(', ')}`);
    this.name = 'GroupDiscoveryFailedError';
  }
}

/** The raw GET the discovery needs (a RestClient has it). */
export interface DiscoveryClient {
  json<T>(r: { method: string; path: string; signal?: AbortSignal }): Promise<T>;
}

interface ApiVersions {
  versions?: string[];
}

interface ApiGroupList {
  groups?: Array<{ name: string; versions?: Array<{ groupVersion: string; version: string }>; preferredVersion?: { groupVersion: string; version: string } }>;
}

interface ApiResourceList {
  resources?: Array<{ name: string; namespaced?: boolean; kind?: string; verbs?: string[] }>;
}

export async function discoverNamespacedResources(client: DiscoveryClient, signal?: AbortSignal): Promise<Discovery> {
  const get = <T>(path: string) => client.json<T>({ method: 'GET', path, signal });
  const [core, apis] = await Promise.all([get<ApiVersions>('/api'), get<ApiGroupList>('/apis')]);
  const groups: Array<{ group: string; versions: string[] }> = [{ group: '', versions: core.versions ?? [] }];
  for (const g of apis.groups ?? []) {
    const all = (g.versions ?? []).map((v) => v.version);
    const pref = g.preferredVersion?.version;
    groups.push({ group: g.name, versions: pref ? [pref, ...all.filter((v) => v !== pref)] : all });
  }
  const failed = new Map<string, string>();
  const lists = await Promise.all(
    groups.map(({ group, versions }) =>
      Promise.all(
        versions.map(async (version) => {
          const gv = group ? `${group}/${version}` : version;
          try {
            return { group, version, list: await get<ApiResourceList>(group ? `/apis/${gv}` : `/api/${version}`) };
          } catch (e) {
            if (signal?.aborted) throw e;
            failed.set(gv, e instanceof Error ? e.message : String(e));
            return { group, version, list: {} as ApiResourceList };
          }
        }),
      ),
    ),
  );
  const resources: DiscoveredResource[] = [];
  for (const perGroup of lists) {
    const seen = new Set<string>();
    for (const { group, version, list } of perGroup) {
      for (const r of list.resources ?? []) {
        if (r.name.includes('/') || seen.has(r.name)) continue;
        seen.add(r.name);
        if (!r.namespaced) continue;
        resources.push({ ref: { group, version, resource: r.name, namespaced: true, kind: r.kind }, verbs: r.verbs ?? [] });
      }
    }
  }
  return failed.size ? { resources, error: new GroupDiscoveryFailedError(failed) } : { resources };
}
