/**
 * Mirroring one user-managed Endpoints object into EndpointSlices
 * (pkg/controller/endpointslicemirroring reconciler.go, utils.go).
 *
 * Contracts (`planMirror`, pure):
 * - Each subset's addresses become endpoints with `ready: true` (`addresses`) or `ready: false`
 *   (`notReadyAddresses`), grouped by address type and port set; at most `maxEndpointsPerSubset`
 *   addresses of a subset are mirrored; addresses that are not IPs are skipped. Both skips are
 *   counted for the Warning Events upstream records (InvalidIPAddress, TooManyAddressesToMirror).
 * - One slice per (address type, ports) group: the first existing slice of the group is rewritten
 *   when its endpoints, labels or annotations differ, the others are deleted; a group with no
 *   endpoints has no slice. Slices of groups no longer present are deleted.
 * - Mirrored slices carry the Endpoints' labels (plus service-name and managed-by) and
 *   annotations (except the trigger time and kubectl's last-applied configuration) and are owned
 *   by the Endpoints. Creates that pair with deletes become updates (`recycle`).
 */
import type { EndpointAddress, EndpointPort as CorePort, Endpoints } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointPort } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject } from '../../api/types.js';
import { LAST_CHANGE_TRIGGER_TIME } from '../common/endpointutil.js';
import { EndpointSet, endpointsEqualBeyondHash, portMapKey, type AddressType, type SliceObj } from '../common/endpointset.js';

export type EndpointsObj = Endpoints & KubeObject;

export const MIRROR_CONTROLLER_NAME = 'endpointslicemirroring-controller.k8s.io';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';
/** --mirroring-max-endpoints-per-subset default. */
export const DEFAULT_MAX_ENDPOINTS_PER_SUBSET = 1000;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export interface MirrorPlan {
  create: SliceObj[];
  update: SliceObj[];
  delete: SliceObj[];
  invalidAddresses: number;
  /** Skipped for any reason (invalid or over the per-subset maximum). */
  skippedAddresses: number;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function addressType(ip: string): AddressType | undefined {
  if (IPV4.test(ip)) return 'IPv4';
  if (ip.includes(':') && /^[0-9a-fA-F:.]+$/.test(ip)) return 'IPv6';
  return undefined;
}

function toEndpoint(a: EndpointAddress, ready: boolean): Endpoint {
  const ep: Endpoint = { addresses: [a.ip], conditions: { ready } };
  if (a.targetRef) ep.targetRef = a.targetRef;
  if (a.nodeName) ep.nodeName = a.nodeName;
  if (a.hostname) ep.hostname = a.hostname;
  return ep;
}

function slicePorts(ports: CorePort[] | undefined): EndpointPort[] {
  return (ports ?? []).map((p) => {
    const out: EndpointPort = { name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' };
    if (p.appProtocol) out.appProtocol = p.appProtocol;
    return out;
  });
}

const groupKey = (t: string, ports: EndpointPort[] | undefined): string => `${t}/${portMapKey(ports)}`;

export function mirroredLabels(ep: EndpointsObj): Record<string, string> {
  return { ...(ep.metadata?.labels ?? {}), [SERVICE_NAME_LABEL]: ep.metadata!.name!, [MANAGED_BY_LABEL]: MIRROR_CONTROLLER_NAME };
}

export function mirroredAnnotations(ep: EndpointsObj): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ep.metadata?.annotations ?? {})) if (k !== LAST_CHANGE_TRIGGER_TIME && k !== LAST_APPLIED) out[k] = v;
  return out;
}

function newMirrorSlice(ep: EndpointsObj, ports: EndpointPort[], t: AddressType, name: string | undefined): SliceObj {
  const meta: NonNullable<SliceObj['metadata']> = {
    namespace: ep.metadata!.namespace,
    labels: mirroredLabels(ep),
    annotations: mirroredAnnotations(ep),
    ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name: ep.metadata!.name!, uid: ep.metadata!.uid!, controller: true, blockOwnerDeletion: true }],
  };
  if (name) meta.name = name;
  else meta.generateName = `${ep.metadata!.name}-`;
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta, addressType: t, ports, endpoints: [] };
}

const sameMap = (a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean => {
  const ka = Object.keys(a ?? {});
  return ka.length === Object.keys(b ?? {}).length && ka.every((k) => a![k] === b?.[k]);
};

function sliceMatches(s: SliceObj, desired: EndpointSet, want: SliceObj): boolean {
  if (!sameMap(s.metadata?.labels, want.metadata?.labels) || !sameMap(s.metadata?.annotations, want.metadata?.annotations)) return false;
  const eps = s.endpoints ?? [];
  if (eps.length !== desired.size) return false;
  return eps.every((e) => {
    const d = desired.get(e);
    return !!d && endpointsEqualBeyondHash(d, e);
  });
}

export function planMirror(ep: EndpointsObj, existing: SliceObj[], maxEndpointsPerSubset = DEFAULT_MAX_ENDPOINTS_PER_SUBSET): MirrorPlan {
  const plan: MirrorPlan = { create: [], update: [], delete: [], invalidAddresses: 0, skippedAddresses: 0 };
  const groups = new Map<string, { type: AddressType; ports: EndpointPort[]; set: EndpointSet }>();
  for (const subset of ep.subsets ?? []) {
    const ports = slicePorts(subset.ports);
    const all: Array<[EndpointAddress, boolean]> = [...(subset.addresses ?? []).map((a) => [a, true] as [EndpointAddress, boolean]), ...(subset.notReadyAddresses ?? []).map((a) => [a, false] as [EndpointAddress, boolean])];
    let added = 0;
    for (const [a, ready] of all) {
      if (added >= maxEndpointsPerSubset) break;
      const t = addressType(a.ip);
      if (!t) {
        plan.invalidAddresses++;
        continue;
      }
      const k = groupKey(t, ports);
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { type: t, ports, set: new EndpointSet() }));
      g.set.insert(toEndpoint(a, ready));
      added++;
    }
    plan.skippedAddresses += all.length - added;
  }
  const existingByKey = new Map<string, SliceObj[]>();
  for (const s of existing) {
    const k = groupKey(s.addressType, s.ports);
    existingByKey.set(k, [...(existingByKey.get(k) ?? []), s]);
  }
  for (const [k, g] of groups) {
    const slices = existingByKey.get(k) ?? [];
    if (g.set.size === 0) {
      plan.delete.push(...slices);
      continue;
    }
    plan.delete.push(...slices.slice(1));
    const first = slices[0];
    const want = newMirrorSlice(ep, g.ports, g.type, first?.metadata?.name);
    if (first && sliceMatches(first, g.set, want)) continue;
    while (g.set.size > 0 && want.endpoints.length < maxEndpointsPerSubset) want.endpoints.push(g.set.pop()!);
    (first ? plan.update : plan.create).push(want);
  }
  for (const [k, slices] of existingByKey) if (!groups.has(k)) plan.delete.push(...slices);
  // Recycle: creates become updates of slices that would be deleted (same address type).
  for (let i = 0; i < plan.delete.length && plan.create.length > 0; ) {
    const del = plan.delete[i]!;
    const c = plan.create[plan.create.length - 1]!;
    if (del.addressType === c.addressType) {
      const meta = { ...c.metadata!, name: del.metadata!.name! };
      delete meta.generateName;
      plan.create.pop();
      plan.update.push({ ...c, metadata: meta });
      plan.delete.splice(i, 1);
    } else i++;
  }
  return plan;
}
