/** Namespace and Service registry behaviour that differs from the generic store. */
import { prepareNamespaceForCreate, prepareServiceForUpdate } from '../../../api/core/v1/rules.js';
import type { Strategy } from '../strategy.js';
import type { ServiceAllocator } from './serviceips/allocator.js';

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

/**
 * Services keep allocated clusterIPs and nodePorts a client omitted on update. With an allocator,
 * a Service that passed validation gets its clusterIP(s), IP family fields and node ports as the
 * last step before the write (upstream's allocation in beginCreate/beginUpdate); allocation
 * failures are reported as validation errors. The allocator's reservations are scoped by the
 * Services registry store (serviceips/store.ts).
 */
export function serviceStrategy(base: Strategy, allocator?: ServiceAllocator): Strategy {
  return {
    ...base,
    prepareForUpdate(obj, old) {
      base.prepareForUpdate(obj, old);
      prepareServiceForUpdate(obj, old);
    },
    validate(obj) {
      const errs = base.validate(obj);
      if (errs.length || !allocator) return errs;
      return allocator.allocateCreate(obj);
    },
    validateUpdate(obj, old) {
      const errs = base.validateUpdate(obj, old);
      if (errs.length || !allocator) return errs;
      return allocator.allocateUpdate(obj, old);
    },
  };
}
