/**
 * The Services registry store: the generic store with every create and main-resource update run
 * inside an allocation transaction (see allocator.ts), so that values the strategy's validation
 * hooks reserve are released when the write fails and handed over to the stored object when it
 * succeeds.
 */
import type { KubeObject } from '../../../../api/types.js';
import type { ResourceInfo } from '../../../../api/resources.js';
import type { Store } from '../../../../storage/store.js';
import type { Logger } from '../../../../util/logger.js';
import type { Cacher } from '../../cacher.js';
import { RegistryStore, type NamespaceLookup } from '../../store.js';
import type { Strategy } from '../../strategy.js';
import type { ServiceAllocator } from './allocator.js';

const rvOf = (o: KubeObject | undefined): string | undefined => o?.metadata?.resourceVersion;

export class ServiceRegistryStore extends RegistryStore {
  constructor(
    info: ResourceInfo,
    strategy: Strategy,
    store: Store,
    cacher: Cacher,
    namespaces: NamespaceLookup,
    log: Logger,
    readonly allocator: ServiceAllocator,
  ) {
    super(info, strategy, store, cacher, namespaces, log);
  }

  override create(...args: Parameters<RegistryStore['create']>): ReturnType<RegistryStore['create']> {
    return this.allocator.transaction(!!args[2]?.dryRun, () => super.create(...args), rvOf);
  }

  override guaranteedUpdate(...args: Parameters<RegistryStore['guaranteedUpdate']>): ReturnType<RegistryStore['guaranteedUpdate']> {
    return this.allocator.transaction(!!args[3]?.dryRun, () => super.guaranteedUpdate(...args), (r) => rvOf(r.obj));
  }
}
