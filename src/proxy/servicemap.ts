/**
 * The proxy's view of the cluster: one `ServicePortInfo` per (service, port), with its endpoints
 * gathered from the service's EndpointSlices (label `kubernetes.io/service-name`), as upstream
 * kube-proxy's ServicePortMap + EndpointsMap (pkg/proxy/serviceport.go, endpoints.go).
 *
 * Contract of `buildServiceMap`:
 * - pure and deterministic: the output is sorted by `key` and endpoints by ip then port, so the
 *   same cluster state always renders the same rules;
 * - services skipped as upstream's ShouldSkipService: type ExternalName, and clusterIP "" / "None"
 *   (headless); only IPv4 addresses are kept (clusterIPs, externalIPs, LB ingress, endpoints);
 * - an EndpointSlice port matches a service port by name (and protocol); the endpoint is
 *   `address:slicePort.port`; an endpoint appearing in several slices is kept once;
 * - endpoint conditions as discovery/v1 says: ready nil → true, serving nil → ready,
 *   terminating nil → false.
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** Upstream's default sessionAffinityConfig.clientIP.timeoutSeconds (3 hours). */
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10800;

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface EndpointInfo {
  ip: string;
  port: number;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  nodeName?: string;
  /** The endpoint runs on this proxier's node. */
  local: boolean;
}

export interface ServicePortInfo {
  namespace: string;
  name: string;
  /** Service port name ('' for a single unnamed port). */
  portName: string;
  /** Upstream ServicePortName.String(): `ns/name` or `ns/name:portName`. Used in comments and hashes. */
  key: string;
  protocol: Protocol;
  /** IPv4 cluster IP. */
  clusterIP: string;
  port: number;
  /** 0 when the service has no node port. */
  nodePort: number;
  externalIPs: string[];
  /** status.loadBalancer.ingress[].ip (IPv4), treated like externalIPs. */
  loadBalancerIPs: string[];
  loadBalancerSourceRanges: string[];
  /** Seconds of ClientIP affinity, undefined when sessionAffinity is None. */
  affinityTimeoutSeconds: number | undefined;
  /** externalTrafficPolicy Local on an externally reachable service. */
  externalPolicyLocal: boolean;
  /** internalTrafficPolicy Local. */
  internalPolicyLocal: boolean;
  endpoints: EndpointInfo[];
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
export function isIPv4(s: string | undefined): s is string {
  const m = s ? IPV4.exec(s) : null;
  return !!m && m.slice(1).every((p) => Number(p) <= 255);
}

function normProtocol(p: string | undefined): Protocol {
  return p === 'UDP' || p === 'SCTP' ? p : 'TCP';
}

/** The service's ports, skipping services upstream kube-proxy does not program. */
export function buildServiceMap(services: Service[], slices: EndpointSlice[], nodeName: string): ServicePortInfo[] {
  const slicesBySvc = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!svc || (s.addressType && s.addressType !== 'IPv4')) continue;
    const k = `${s.metadata?.namespace ?? ''}/${svc}`;
    let l = slicesBySvc.get(k);
    if (!l) slicesBySvc.set(k, (l = []));
    l.push(s);
  }
  const out: ServicePortInfo[] = [];
  for (const svc of services) {
    const spec = svc.spec;
    if (!spec || spec.type === 'ExternalName') continue;
    const clusterIP = [spec.clusterIP, ...(spec.clusterIPs ?? [])].find(isIPv4);
    if (!clusterIP) continue; // headless, "None", or IPv6-only
    const namespace = svc.metadata?.namespace ?? '';
    const name = svc.metadata?.name ?? '';
    const svcSlices = slicesBySvc.get(`${namespace}/${name}`) ?? [];
    const externalIPs = (spec.externalIPs ?? []).filter(isIPv4);
    const lbIPs =
      spec.type === 'LoadBalancer' ? (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter(isIPv4) : [];
    const affinity =
      spec.sessionAffinity === 'ClientIP'
        ? spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS
        : undefined;
    for (const sp of spec.ports ?? []) {
      const portName = sp.name ?? '';
      const protocol = normProtocol(sp.protocol);
      const nodePort = spec.type === 'NodePort' || spec.type === 'LoadBalancer' ? sp.nodePort ?? 0 : 0;
      const externallyAccessible = nodePort > 0 || externalIPs.length > 0 || lbIPs.length > 0;
      const eps = new Map<string, EndpointInfo>();
      for (const sl of svcSlices) {
        const slp = (sl.ports ?? []).find((p) => (p.name ?? '') === portName && normProtocol(p.protocol) === protocol);
        if (!slp || slp.port === undefined || slp.port === null) continue;
        for (const ep of sl.endpoints ?? []) {
          const ready = ep.conditions?.ready ?? true;
          const serving = ep.conditions?.serving ?? ready;
          const terminating = ep.conditions?.terminating ?? false;
          for (const ip of ep.addresses ?? []) {
            if (!isIPv4(ip)) continue;
            const k = `${ip}:${slp.port}`;
            if (eps.has(k)) continue;
            const info: EndpointInfo = { ip, port: slp.port, ready, serving, terminating, local: !!ep.nodeName && ep.nodeName === nodeName };
            if (ep.nodeName) info.nodeName = ep.nodeName;
            eps.set(k, info);
          }
        }
      }
      out.push({
        namespace,
        name,
        portName,
        key: `${namespace}/${name}${portName ? `:${portName}` : ''}`,
        protocol,
        clusterIP,
        port: sp.port,
        nodePort,
        externalIPs,
        loadBalancerIPs: lbIPs,
        loadBalancerSourceRanges: spec.type === 'LoadBalancer' ? spec.loadBalancerSourceRanges ?? [] : [],
        affinityTimeoutSeconds: affinity,
        externalPolicyLocal: externallyAccessible && spec.externalTrafficPolicy === 'Local',
        internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
        endpoints: [...eps.values()].sort((a, b) => compareIP(a.ip, b.ip) || a.port - b.port),
      });
    }
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0));
}

function compareIP(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

/**
 * Upstream CategorizeEndpoints: the endpoints cluster-wide traffic uses (ready ones, else the
 * serving-and-terminating ones) and the local ones for Local policies (same fallback, among local).
 * `hasAny` says whether any usable endpoint exists cluster-wide (so "no local endpoints" can DROP rather than REJECT).
 */
export function categorizeEndpoints(info: ServicePortInfo): { cluster: EndpointInfo[]; local: EndpointInfo[]; hasAny: boolean } {
  const pick = (eps: EndpointInfo[]) => {
    const ready = eps.filter((e) => e.ready);
    return ready.length > 0 ? ready : eps.filter((e) => e.serving && e.terminating);
  };
  const usesCluster = !info.internalPolicyLocal || (isExternallyAccessible(info) && !info.externalPolicyLocal);
  const usesLocal = info.internalPolicyLocal || info.externalPolicyLocal;
  return {
    cluster: usesCluster ? pick(info.endpoints) : [],
    local: usesLocal ? pick(info.endpoints.filter((e) => e.local)) : [],
    hasAny: pick(info.endpoints).length > 0,
  };
}

export function isExternallyAccessible(info: ServicePortInfo): boolean {
  return info.nodePort > 0 || info.externalIPs.length > 0 || info.loadBalancerIPs.length > 0;
}
