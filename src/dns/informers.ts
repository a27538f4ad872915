/**
 * Cluster DNS fed by informers: a Service informer and a discovery.k8s.io/v1 EndpointSlice
 * informer (all namespaces) drive a ClusterDns served on UDP and TCP.
 *
 * Contracts:
 * - Serving starts after both informers have synced (so the first answers are complete), or right
 *   away with whatever is cached if `syncTimeoutMs` (default 5 s, as CoreDNS) passes first.
 * - Queries read the informers' caches through indexes (service by namespace/name, slices by
 *   service, both by IP), so the next query after an event sees it (the informer updates its cache
 *   before handlers run) and costs the same whatever the cluster size.
 * - With `informers` given, the informers come from (and are shared through) that factory, and the
 *   caller starts it; otherwise this function runs its own informers until `signal` aborts.
 * - `close()` stops the listeners; the informers stop with `signal`.
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject } from '../api/types.js';
import type { RestClient, ResourceRef } from '../client/rest.js';
import { NAMESPACE_INDEX, SharedInformer, type IndexFunc, type SharedInformerFactory } from '../client/informer.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { ClusterDns, type DnsSource } from './resolver.js';
import { startDnsServer, type DnsServer, type DnsServerOptions } from './server.js';
import { canonicalIP, SERVICE_NAME_LABEL } from './records.js';

export const SERVICES_REF: ResourceRef = { group: '', version: 'v1', resource: 'services', namespaced: true, kind: 'Service' };
export const ENDPOINTSLICES_REF: ResourceRef = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true, kind: 'EndpointSlice' };

export interface DnsFromInformersOptions {
  clusterDomain: string;
  upstream?: string[];
  ttl?: number;
  host: string;
  port: number;
  signal: AbortSignal;
  log?: Logger;
  informers?: SharedInformerFactory;
  syncTimeoutMs?: number;
  /** Passed to the listener: called after each reply (metrics). */
  onAnswer?: DnsServerOptions['onAnswer'];
}

type SvcObj = Service & KubeObject;
type SliceObj = EndpointSlice & KubeObject;

const SLICE_BY_SERVICE = 'dns.k8ts.io/slice-by-service';
const SVC_BY_IP = 'dns.k8ts.io/service-by-ip';
const SLICE_BY_IP = 'dns.k8ts.io/slice-by-ip';

const sliceByService: IndexFunc<SliceObj> = (sl) => {
  const svc = sl.metadata?.labels?.[SERVICE_NAME_LABEL];
  return svc ? [`${sl.metadata?.namespace ?? ''}/${svc}`] : [];
};
const svcByIP: IndexFunc<SvcObj> = (svc) => {
  const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.filter((ip) => ip && ip !== 'None').map(canonicalIP);
};
const sliceByIP: IndexFunc<SliceObj> = (sl) => [...new Set((sl.endpoints ?? []).flatMap((e) => e.addresses ?? []).map(canonicalIP))];

/**
 * A DnsSource over two informers' caches (adds the indexes it needs to them): indexed lookups for
 * queries, and a generation bumped on every event.
 */
export function informerSource(services: SharedInformer<SvcObj>, slices: SharedInformer<SliceObj>): DnsSource {
  services.addIndexers({ [SVC_BY_IP]: svcByIP });
  slices.addIndexers({ [SLICE_BY_SERVICE]: sliceByService, [SLICE_BY_IP]: sliceByIP });
  let gen = 0;
  const bump = { onAdd: () => void gen++, onUpdate: () => void gen++, onDelete: () => void gen++ };
  services.addEventHandler(bump);
  slices.addEventHandler(bump);
  return {
    services: () => services.lister.list(),
    endpointSlices: () => slices.lister.list(),
    generation: () => gen,
    lookup: {
      service: (ns, name) => services.lister.get(ns, name),
      // Sorted by name so the same slices come back in the same order (the per-service zone cache compares them).
      slicesOf: (ns, svc) => slices.lister.byIndex(SLICE_BY_SERVICE, `${ns}/${svc}`).sort(byName),
      hasServices: (ns) => services.lister.byIndex(NAMESPACE_INDEX, ns).length > 0,
      byIP: (ip) => ({ services: services.lister.byIndex(SVC_BY_IP, canonicalIP(ip)), slices: slices.lister.byIndex(SLICE_BY_IP, canonicalIP(ip)) }),
    },
  };
}

const byName = (a: KubeObject, b: KubeObject): number => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : (a.metadata?.name ?? '') > (b.metadata?.name ?? '') ? 1 : 0);

export async function startDnsFromInformers(client: RestClient, o: DnsFromInformersOptions): Promise<DnsServer & { dns: ClusterDns }> {
  const log = (o.log ?? silentLogger).child({ component: 'dns' });
  let services: SharedInformer<SvcObj>;
  let slices: SharedInformer<SliceObj>;
  if (o.informers) {
    services = o.informers.informerFor<SvcObj>(SERVICES_REF);
    slices = o.informers.informerFor<SliceObj>(ENDPOINTSLICES_REF);
  } else {
    services = new SharedInformer<SvcObj>(client, SERVICES_REF, { log });
    slices = new SharedInformer<SliceObj>(client, ENDPOINTSLICES_REF, { log });
    void services.run(o.signal);
    void slices.run(o.signal);
  }
  const source = informerSource(services, slices);
  const synced = Promise.all([services.waitForSync(o.signal), slices.waitForSync(o.signal)]);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), o.syncTimeoutMs ?? 5000)));
  const first = await Promise.race([synced.then(() => 'synced' as const), timeout]).finally(() => clearTimeout(timer));
  if (first === 'timeout') log.warn({}, 'starting DNS before the service and endpointslice caches synced');
  synced.catch(() => undefined);
  const dns = new ClusterDns({ source, clusterDomain: o.clusterDomain, upstream: o.upstream, ttl: o.ttl, log: o.log });
  const srv = await startDnsServer({ dns, host: o.host, port: o.port, signal: o.signal, log: o.log, ...(o.onAnswer ? { onAnswer: o.onAnswer } : {}) });
  return { ...srv, dns };
}
