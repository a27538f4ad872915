/**
 * The objects tokens are checked against, read from the server's watch caches (read-your-writes:
 * registry writes wait for their cache before answering).
 */
import type { KubeObject } from '../../api/types.js';
import type { Registries } from '../registries.js';

export type BindableResource = 'serviceaccounts' | 'pods' | 'secrets' | 'nodes';

export interface ObjectSource {
  /** The object, or undefined when it does not exist. `namespace` is ignored for nodes. */
  get(resource: BindableResource, namespace: string | undefined, name: string): KubeObject | undefined;
}

export function registriesSource(registries: Pick<Registries, 'byName'>): ObjectSource {
  return {
    get(resource, namespace, name) {
      const reg = registries.byName('', resource);
      try {
        return reg.get(resource === 'nodes' ? undefined : namespace, name).obj;
      } catch (err) {
        if ((err as { code?: number }).code === 404) return undefined;
        throw err;
      }
    },
  };
}
