/**
 * Which node addresses a LoadBalancer Service gets when no address pool is configured (k3s's
 * ServiceLB without svclb pods: every node's proxier serves the ingress IPs itself).
 *
 * Contracts:
 * - A node qualifies when its Ready condition is True, it is schedulable, and it does not carry
 *   the label `node.kubernetes.io/exclude-from-external-load-balancers` (any value, as upstream).
 * - `nodeIngressIPs` answers the ExternalIP addresses of the qualifying nodes when any of them has
 *   one, else their InternalIP addresses (as k3s), limited to the Service's IP families when it
 *   lists any, deduplicated and sorted as strings (k3s's `sort.Strings`).
 * - `nodeFingerprint` changes exactly when one of the inputs above changes, so heartbeats alone do
 *   not re-sync services.
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/types.js';
import { ipFamilyOf } from '../../machinery/validation.js';

export type NodeObj = Node & KubeObject;

export const EXCLUDE_FROM_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

export function nodeQualifies(n: NodeObj): boolean {
  if (n.spec?.unschedulable) return false;
  if (n.metadata?.labels && EXCLUDE_FROM_LB_LABEL in n.metadata.labels) return false;
  return (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

const addressesOf = (n: NodeObj, type: string): string[] => (n.status?.addresses ?? []).filter((a) => a.type === type && a.address).map((a) => a.address);

export function nodeIngressIPs(nodes: readonly NodeObj[], ipFamilies: readonly string[] = []): string[] {
  const ready = nodes.filter(nodeQualifies);
  const external = new Set(ready.flatMap((n) => addressesOf(n, 'ExternalIP')));
  const ips = [...(external.size > 0 ? external : new Set(ready.flatMap((n) => addressesOf(n, 'InternalIP'))))];
  const families = new Set(ipFamilies.map((f) => (f === 'IPv6' ? 6 : 4)));
  return ips.filter((ip) => ipFamilyOf(ip) !== 0 && (families.size === 0 || families.has(ipFamilyOf(ip) as 4 | 6))).sort();
}

export function nodeFingerprint(n: NodeObj): string {
  const addrs = (n.status?.addresses ?? []).filter((a) => a.type === 'ExternalIP' || a.type === 'InternalIP').map((a) => `${a.type}=${a.address}`);
  return JSON.stringify([nodeQualifies(n), addrs]);
}

/** Whether `ip` is an InternalIP or ExternalIP of any of `nodes`. */
export function isNodeAddress(nodes: readonly NodeObj[], ip: string): boolean {
  return nodes.some((n) => (n.status?.addresses ?? []).some((a) => a.address === ip && (a.type === 'ExternalIP' || a.type === 'InternalIP')));
}
