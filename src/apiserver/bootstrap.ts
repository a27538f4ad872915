/**
 * Objects every cluster has from the start: the system namespaces, then the `kubernetes` and
 * `kube-dns` Services (and the `kubernetes` Endpoints/EndpointSlice when `opts.apiServer` is
 * given). Idempotent; run after `registries.start`.
 */
import type { Logger } from '../util/logger.js';
import { ApiError } from '../machinery/errors.js';
import type { Registries } from './registries.js';
import { ensureDefaultServices, type DefaultServicesOptions } from './registry/core/serviceips/defaults.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function bootstrapObjects(registries: Registries, log: Logger, opts: DefaultServicesOptions = {}): Promise<void> {
  const namespaces = registries.byName('', 'namespaces');
  for (const name of SYSTEM_NAMESPACES) {
    if (namespaces.cacher.get(`${namespaces.cacher.prefix}${name}`)) continue;
    try {
      await namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      log.info({ name }, 'created system namespace');
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
    }
  }
  await ensureDefaultServices(
    {
      services: registries.byName('', 'services'),
      endpoints: registries.byName('', 'endpoints'),
      endpointSlices: registries.byName('discovery.k8s.io', 'endpointslices'),
    },
    registries.serviceAllocator,
    log,
    opts,
  );
}
