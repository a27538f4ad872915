/**
 * The Services every cluster has (upstream's "master service" reconciler and the DNS add-on's
 * Service, as k3s ships it), written through the registries so that they take their addresses
 * from the allocator like any other Service. Idempotent; run after the registries started.
 */
import type { KubeObject } from '../../../../api/types.js';
import { ApiError } from '../../../../machinery/errors.js';
import type { Logger } from '../../../../util/logger.js';
import type { RegistryStore } from '../../store.js';
import type { ServiceAllocator } from './allocator.js';

export interface DefaultServicesOptions {
  /**
   * Address (the advertise address: the node IP, not loopback) and port clients reach the API
   * server at, for the `kubernetes` Endpoints/EndpointSlice. Loopback or unspecified: the Endpoints
   * are the Service address itself on port 443, where every k8ts node relays to the API server
   * (validation refuses loopback endpoint addresses, as upstream). Absent: none are written.
   */
  apiServer?: { address: string; port: number };
  /** The cluster DNS Service's address (default: the tenth address of the service CIDR). */
  clusterDNS?: string;
}

export interface DefaultServiceRegistries {
  services: RegistryStore;
  endpoints: RegistryStore;
  endpointSlices: RegistryStore;
}

const isAlreadyExists = (err: unknown) => err instanceof ApiError && err.reason === 'AlreadyExists';

/** The `kubernetes` Service in `default` (first address, 443/https → the API server's port). */
export function kubernetesService(ip: string, targetPort: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: ip,
      clusterIPs: [ip],
      ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort }],
      sessionAffinity: 'None',
    },
  };
}

/**
 * The `kube-dns` Service in `kube-system` (names, labels and ports as k3s's CoreDNS manifest).
 * Selectorless: k8ts runs no DNS pods; every node's agent answers on the Service address itself
 * (bound on the node's service device, as NodeLocal DNSCache binds the kube-dns address), and
 * the Endpoints/EndpointSlice written by `ensureDefaultServices` point at that address, so the
 * proxy's rules for it lead each node's DNS traffic to its own server. (Upstream validation
 * refuses link-local endpoint addresses such as NodeLocal DNSCache's 169.254.20.10.)
 */
export function kubeDnsService(ip: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
      annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
    },
    spec: {
      clusterIP: ip,
      clusterIPs: [ip],
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    },
  };
}

const KUBE_DNS_PORTS = [
  { name: 'dns', port: 53, protocol: 'UDP' },
  { name: 'dns-tcp', port: 53, protocol: 'TCP' },
  { name: 'metrics', port: 9153, protocol: 'TCP' },
];

/** The `kube-dns` Endpoints (labelled skip-mirror) and EndpointSlice: the Service address itself, every port. */
export function kubeDnsEndpoints(ip: string): { endpoints: KubeObject; slice: KubeObject } {
  const labels = { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' };
  return {
    endpoints: {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { ...labels, 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [{ addresses: [{ ip }], ports: KUBE_DNS_PORTS }],
    } as KubeObject,
    slice: {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { ...labels, 'kubernetes.io/service-name': 'kube-dns', 'endpointslice.kubernetes.io/managed-by': 'node-dns.k8ts.io' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [ip], conditions: { ready: true, serving: true, terminating: false } }],
      ports: KUBE_DNS_PORTS,
    } as KubeObject,
  };
}

/** The `kubernetes` Endpoints (not mirrored: upstream labels it skip-mirror) and EndpointSlice. */
export function kubernetesEndpoints(address: string, port: number): { endpoints: KubeObject; slice: KubeObject } {
  const ipv6 = address.includes(':');
  return {
    endpoints: {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [{ addresses: [{ ip: address }], ports: [{ name: 'https', port, protocol: 'TCP' }] }],
    } as KubeObject,
    slice: {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
      addressType: ipv6 ? 'IPv6' : 'IPv4',
      endpoints: [{ addresses: [address], conditions: { ready: true } }],
      ports: [{ name: 'https', port, protocol: 'TCP' }],
    } as KubeObject,
  };
}

/**
 * Ensures the `kubernetes` and `kube-dns` Services exist (a `kubernetes` Service whose ports
 * drifted is put back, as upstream) and the `kubernetes` Endpoints/EndpointSlice point at the
 * API server. A taken DNS address is logged, not fatal.
 */
export async function ensureDefaultServices(
  regs: DefaultServiceRegistries,
  allocator: ServiceAllocator,
  log: Logger,
  opts: DefaultServicesOptions = {},
): Promise<void> {
  const apiPort = opts.apiServer?.port ?? 6443;
  const want = kubernetesService(allocator.nthIP(1), apiPort);
  const existing = regs.services.cacher.get(`${regs.services.cacher.prefix}default/kubernetes`)?.obj;
  if (!existing) {
    try {
      await regs.services.create('default', want);
      log.info({ namespace: 'default', name: 'kubernetes' }, 'created the kubernetes service');
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  } else {
    const ports = (existing.spec as { ports?: unknown[] } | undefined)?.ports ?? [];
    const p = ports[0] as { port?: number; targetPort?: unknown; name?: string } | undefined;
    if (ports.length !== 1 || p?.port !== 443 || p.targetPort !== apiPort || p.name !== 'https') {
      await regs.services.guaranteedUpdate('default', 'kubernetes', (cur) => {
        const o = structuredClone(cur!);
        (o.spec as Record<string, unknown>).ports = (want.spec as Record<string, unknown>).ports;
        return o;
      }, {});
      log.info({ namespace: 'default', name: 'kubernetes' }, 'reset the kubernetes service ports');
    }
  }
  let dnsSvc: KubeObject | undefined = regs.services.cacher.get(`${regs.services.cacher.prefix}kube-system/kube-dns`)?.obj;
  if (!dnsSvc) {
    try {
      dnsSvc = await regs.services.create('kube-system', kubeDnsService(opts.clusterDNS ?? allocator.nthIP(10)));
      log.info({ namespace: 'kube-system', name: 'kube-dns' }, 'created the kube-dns service');
    } catch (err) {
      if (isAlreadyExists(err)) {
        // Created concurrently (another server): nothing to do.
      } else if (err instanceof ApiError && err.code === 422) log.warn({ namespace: 'kube-system', name: 'kube-dns', err: err.message }, 'cannot create the kube-dns service');
      else throw err;
    }
  }
  // Written once; left alone once they exist (a user may repoint them, e.g. at DNS pods of their own).
  const dnsSpec = dnsSvc?.spec as { selector?: Record<string, string>; clusterIP?: string } | undefined;
  const dnsIP = dnsSpec?.clusterIP;
  if (dnsIP && dnsIP !== 'None' && !dnsIP.includes(':') && !(dnsSpec?.selector && Object.keys(dnsSpec.selector).length) && !regs.endpointSlices.cacher.get(`${regs.endpointSlices.cacher.prefix}kube-system/kube-dns`)) {
    const { endpoints, slice } = kubeDnsEndpoints(dnsIP);
    await regs.endpoints.update('kube-system', 'kube-dns', endpoints);
    await regs.endpointSlices.update('kube-system', 'kube-dns', slice);
  }
  const addr = opts.apiServer?.address;
  if (addr && (/^127\./.test(addr) || addr === '::1' || addr === '0.0.0.0' || addr === '::')) {
    // Pods cannot reach a loopback address: every k8ts node relays the Service address itself
    // (port 443) to the API server, so the Endpoints point there, as the kube-dns ones do.
    const ip = ((existing ?? want).spec as { clusterIP?: string } | undefined)?.clusterIP ?? allocator.nthIP(1);
    const { endpoints, slice } = kubernetesEndpoints(ip, 443);
    await regs.endpoints.update('default', 'kubernetes', endpoints);
    await regs.endpointSlices.update('default', 'kubernetes', slice);
    log.info({ namespace: 'default', name: 'kubernetes', address: `${ip}:443` }, 'the API server listens on loopback: the kubernetes endpoints are the node-local relays on the Service address');
  } else if (opts.apiServer) {
    const { endpoints, slice } = kubernetesEndpoints(opts.apiServer.address, opts.apiServer.port);
    await regs.endpoints.update('default', 'kubernetes', endpoints);
    await regs.endpointSlices.update('default', 'kubernetes', slice);
  }
}
