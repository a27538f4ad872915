/**
 * Building blocks of EndpointSlices for selector Services (k8s.io/endpointslice utils.go).
 *
 * Contracts:
 * - `podToEndpoint`: addresses are the pod IPs of the address type; `serving` is pod readiness,
 *   `terminating` is "being deleted", `ready` is serving and not terminating (always true with
 *   publishNotReadyAddresses); nodeName, zone (from the node's topology.kubernetes.io/zone label),
 *   hostname (pod subdomain = Service) and targetRef are set as upstream.
 * - `endpointPorts`: one port per Service port the pod resolves (named ports per pod), none for a
 *   headless Service without ports.
 * - `sliceLabels`: the Service's labels except the reserved ones, plus service-name, managed-by
 *   and (no cluster IP) the headless label; `changed` tells whether the non-reserved labels differ.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointPort } from 'kubernetes-types/discovery/v1.js';
import { HEADLESS_LABEL, findPort, isServiceIPSet, shouldSetHostname, type ServiceObj } from '../common/endpointutil.js';
import { isPodReady } from '../common/podutil.js';
import type { AddressType, SliceObj } from '../common/endpointset.js';

export { EndpointSet, endpointKey, endpointsEqualBeyondHash, portMapKey, type AddressType, type SliceObj } from '../common/endpointset.js';


export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

const isV6 = (ip: string): boolean => ip.includes(':');

/** The address types the Service's slices use: its ipFamilies, else its cluster IP's family, else IPv4 (k8ts is single-stack). */
export function addressTypesForService(svc: ServiceObj): AddressType[] {
  const out = new Set<AddressType>();
  for (const f of svc.spec?.ipFamilies ?? []) if (f === 'IPv4' || f === 'IPv6') out.add(f);
  if (out.size) return [...out];
  if (isServiceIPSet(svc)) return [isV6(svc.spec!.clusterIP!) ? 'IPv6' : 'IPv4'];
  return ['IPv4'];
}

export function podToEndpoint(pod: Pod, node: Node | undefined, svc: ServiceObj, addressType: AddressType): Endpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const ips = pod.status?.podIPs?.length ? pod.status.podIPs.map((i) => i.ip) : pod.status?.podIP ? [pod.status.podIP] : [];
  const ep: Endpoint = {
    addresses: ips.filter((ip): ip is string => !!ip && isV6(ip) === (addressType === 'IPv6')),
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
  };
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata?.labels?.[ZONE_LABEL];
  if (zone) ep.zone = zone;
  if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec!.hostname;
  return ep;
}

export function endpointPorts(svc: ServiceObj, pod: Pod): EndpointPort[] {
  const ports = svc.spec?.ports ?? [];
  const out: EndpointPort[] = [];
  if (ports.length === 0 && svc.spec?.clusterIP === 'None') return out;
  for (const sp of ports) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const p: EndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) p.appProtocol = sp.appProtocol;
    out.push(p);
  }
  return out;
}

const RESERVED = new Set([SERVICE_NAME_LABEL, MANAGED_BY_LABEL, HEADLESS_LABEL]);

export function sliceLabels(slice: SliceObj | undefined, svc: ServiceObj, controllerName: string): { labels: Record<string, string>; changed: boolean } {
  const cur: Record<string, string> = {};
  for (const [k, v] of Object.entries(slice?.metadata?.labels ?? {})) if (!RESERVED.has(k)) cur[k] = v;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata?.labels ?? {})) if (!RESERVED.has(k)) labels[k] = v;
  const changed = Object.keys(cur).length !== Object.keys(labels).length || Object.keys(cur).some((k) => cur[k] !== labels[k]);
  if (!isServiceIPSet(svc)) labels[HEADLESS_LABEL] = '';
  labels[SERVICE_NAME_LABEL] = svc.metadata!.name!;
  labels[MANAGED_BY_LABEL] = controllerName;
  return { labels, changed };
}

/** A new (unnamed) slice owned by the Service; the server names it `<service>-<random>`. */
export function newSlice(svc: ServiceObj, ports: EndpointPort[], addressType: AddressType, controllerName: string): SliceObj {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${svc.metadata!.name}-`,
      namespace: svc.metadata!.namespace,
      labels: sliceLabels(undefined, svc, controllerName).labels,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.metadata!.name!, uid: svc.metadata!.uid!, controller: true, blockOwnerDeletion: true }],
    },
    addressType,
    endpoints: [],
    ports,
  };
}

export function ownedBy(slice: SliceObj, svc: ServiceObj): boolean {
  return (slice.metadata?.ownerReferences ?? []).some((o) => o.uid === svc.metadata?.uid && o.kind === 'Service' && o.apiVersion === 'v1');
}
