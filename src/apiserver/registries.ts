/**
 * All registries of the server: one watch cache and one registry store per stored resource
 * (resources served in several versions share one storage version), plus what handlers need per
 * served version: conversion, printers, strategic-merge metadata and unknown-field pruning.
 */
import { RESOURCES, type ResourceInfo } from '../api/resources.js';
import type { ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { KubeObject, Printer } from '../api/types.js';
import { rulesFor } from '../api/rules.js';
import { convertFromStorage, convertToStorage, storageVersionOf } from '../api/conversion.js';
import { printerFor, defaultPrinter } from '../api/printers.js';
import { patchMetaFor } from '../api/patchmeta.js';
import type { PatchMeta } from '../machinery/patch/strategic.js';
import type { Store } from '../storage/store.js';
import type { Logger } from '../util/logger.js';
import { Cacher } from './registry/cacher.js';
import { objectKey, resourcePrefix } from './registry/codec.js';
import { genericStrategy, type Strategy } from './registry/strategy.js';
import { RegistryStore } from './registry/store.js';
import { podStrategy, type PodAdmissionOptions } from './registry/core/pods.js';
import { daemonSetStrategy } from './registry/apps/daemonsets.js';
import { namespaceStrategy, serviceStrategy } from './registry/core/services-namespaces.js';
import { ServiceAllocator, type ServiceIPOptions } from './registry/core/serviceips/allocator.js';
import { ServiceRegistryStore } from './registry/core/serviceips/store.js';
import { definitionName, pruneUnknownFields, type Definitions } from './fieldvalidation.js';

const PSEUDO = new Set(['/bindings']);

export class Registries {
  private readonly stores = new Map<string, RegistryStore>();
  private readonly patchMetas = new Map<string, PatchMeta | undefined>();
  /** ClusterIP and NodePort allocation (follows the services watch cache once started). */
  readonly serviceAllocator: ServiceAllocator;

  constructor(
    store: Store,
    private readonly definitions: Definitions,
    log: Logger,
    opts: { watchCacheSize?: number; podAdmission?: PodAdmissionOptions; serviceIPs?: ServiceIPOptions } = {},
  ) {
    this.serviceAllocator = new ServiceAllocator(opts.serviceIPs);
    const nsPrefix = resourcePrefix('', 'namespaces');
    let nsCacher: Cacher | undefined;
    const namespaces = { get: (name: string) => nsCacher?.get(objectKey(nsPrefix, undefined, name))?.obj };
    const saPrefix = resourcePrefix('', 'serviceaccounts');
    let saCacher: Cacher | undefined;
    const podAdmission: PodAdmissionOptions = {
      ...opts.podAdmission,
      serviceAccounts: (ns, name) => saCacher?.get(objectKey(saPrefix, ns, name))?.obj as ServiceAccount | undefined,
    };
    for (const info of RESOURCES) {
      if (PSEUDO.has(`${info.group}/${info.resource}`)) continue;
      const sv = storageVersionOf(info.group, info.resource);
      const key = `${sv.group}/${info.resource}`;
      if (this.stores.has(key)) continue;
      const storageInfo = RESOURCES.find((r) => r.group === sv.group && r.version === sv.version && r.resource === info.resource) ?? info;
      const cacher = new Cacher(store, resourcePrefix(sv.group, info.resource), log, opts.watchCacheSize);
      if (key === '/namespaces') nsCacher = cacher;
      if (key === '/serviceaccounts') saCacher = cacher;
      let strategy: Strategy = genericStrategy(storageInfo, rulesFor(sv.group, sv.version, info.resource), printerFor(sv.group, info.resource));
      if (key === '/pods') strategy = podStrategy(strategy, podAdmission);
      if (key === '/namespaces') strategy = namespaceStrategy(strategy);
      if (key === '/services') strategy = serviceStrategy(strategy, this.serviceAllocator);
      if (key === 'apps/daemonsets') strategy = daemonSetStrategy(strategy);
      this.stores.set(
        key,
        key === '/services'
          ? new ServiceRegistryStore(storageInfo, strategy, store, cacher, namespaces, log, this.serviceAllocator)
          : new RegistryStore(storageInfo, strategy, store, cacher, namespaces, log),
      );
    }
  }

  /** Starts every watch cache; resolves once all have their initial state. */
  async start(signal: AbortSignal): Promise<void> {
    const all = [...this.stores.values()];
    for (const s of all) void s.cacher.run(signal);
    await Promise.all(all.map((s) => s.cacher.ready()));
    this.serviceAllocator.start(this.byName('', 'services').cacher);
    signal.addEventListener('abort', () => this.serviceAllocator.stop(), { once: true });
  }

  all(): RegistryStore[] {
    return [...this.stores.values()];
  }

  storageOf(info: ResourceInfo): { group: string; resource: string } {
    return { group: storageVersionOf(info.group, info.resource).group, resource: info.resource };
  }

  forResource(info: ResourceInfo): RegistryStore {
    if (PSEUDO.has(`${info.group}/${info.resource}`)) return this.byName('', 'pods');
    const s = this.storageOf(info);
    return this.byName(s.group, s.resource);
  }

  byName(group: string, resource: string): RegistryStore {
    const s = this.stores.get(`${group}/${resource}`);
    if (!s) throw new Error(`no registry for ${group}/${resource}`);
    return s;
  }

  needsConversion(info: ResourceInfo): boolean {
    const sv = storageVersionOf(info.group, info.resource);
    return sv.group !== info.group || sv.version !== info.version;
  }

  fromStorage(info: ResourceInfo, obj: KubeObject): KubeObject {
    if (!this.needsConversion(info)) return obj;
    return convertFromStorage(info.group, info.version, info.resource, structuredClone(obj)) as KubeObject;
  }

  toStorage(info: ResourceInfo, obj: KubeObject): KubeObject {
    if (!this.needsConversion(info)) return obj;
    return convertToStorage(info.group, info.version, info.resource, obj) as KubeObject;
  }

  printer(info: ResourceInfo): Printer {
    const s = this.storageOf(info);
    return printerFor(s.group, s.resource) ?? defaultPrinter;
  }

  patchMeta(info: ResourceInfo): PatchMeta | undefined {
    const name = definitionName(info.group, info.version, info.kind);
    if (!this.patchMetas.has(name)) {
      this.patchMetas.set(name, this.definitions[name] ? patchMetaFor(name, this.definitions) : undefined);
    }
    return this.patchMetas.get(name);
  }

  /** Drops fields unknown to the kind's schema; returns their paths. */
  pruneUnknown(obj: KubeObject, group: string, version: string, kind: string): string[] {
    const name = definitionName(group, version, kind);
    if (!this.definitions[name]) return [];
    return pruneUnknownFields(obj, name, this.definitions);
  }
}
