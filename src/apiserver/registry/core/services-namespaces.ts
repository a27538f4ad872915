/** Namespace and Service registry behaviour that differs from the generic store. */
import { prepareNamespaceForCreate, prepareServiceForUpdate } from '../../../api/core/v1/rules.js';
import type { Strategy } from '../strategy.js';

/** Namespaces start Active with the `kubernetes` finalizer (removed by the namespace controller). */
export function namespaceStrategy(base: Strategy): Strategy {
  return {
    ...base,
    prepareForCreate(obj) {
      base.prepareForCreate(obj);
      prepareNamespaceForCreate(obj as Parameters<typeof prepareNamespaceForCreate>[0]);
    },
  };
}

/** Services keep allocated clusterIPs and nodePorts a client omitted on update. */
export function serviceStrategy(base: Strategy): Strategy {
  return {
    ...base,
    prepareForUpdate(obj, old) {
      base.prepareForUpdate(obj, old);
      prepareServiceForUpdate(obj, old);
    },
  };
}
