/**
 * EndpointSlice endpoints as sets (k8s.io/endpointslice util/endpointset.go), shared by the
 * EndpointSlice and mirroring controllers.
 *
 * Contracts:
 * - `endpointKey` identifies an endpoint by its sorted addresses, hostname and target
 *   namespace/name; `endpointsEqualBeyondHash` compares the rest (node, zone, conditions, target
 *   reference without its resourceVersion).
 * - `portMapKey` is equal for equal sets of ports in any order.
 */
import type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject } from '../../api/types.js';

export type SliceObj = EndpointSlice & KubeObject;
export type AddressType = 'IPv4' | 'IPv6';

/** A key for a set of ports, independent of their order (upstream NewPortMapKey). */
export function portMapKey(ports: EndpointPort[] | undefined): string {
  const norm = (ports ?? []).map((p) => JSON.stringify([p.name ?? '', p.port ?? 0, p.protocol ?? 'TCP', p.appProtocol ?? '']));
  return norm.sort().join('|');
}

export function endpointKey(ep: Endpoint): string {
  return JSON.stringify([[...ep.addresses].sort(), ep.hostname ?? '', ep.targetRef?.namespace ?? '', ep.targetRef?.name ?? '']);
}

/** Endpoints keyed by `endpointKey`, in insertion order. */
export class EndpointSet {
  private readonly m = new Map<string, Endpoint>();

  get size(): number {
    return this.m.size;
  }

  insert(ep: Endpoint): void {
    this.m.set(endpointKey(ep), ep);
  }

  get(ep: Endpoint): Endpoint | undefined {
    return this.m.get(endpointKey(ep));
  }

  delete(ep: Endpoint): void {
    this.m.delete(endpointKey(ep));
  }

  /** Removes and answers the first endpoint. */
  pop(): Endpoint | undefined {
    const first = this.m.entries().next();
    if (first.done) return undefined;
    this.m.delete(first.value[0]);
    return first.value[1];
  }
}

export function endpointsEqualBeyondHash(a: Endpoint, b: Endpoint): boolean {
  if ((a.nodeName ?? undefined) !== (b.nodeName ?? undefined)) return false;
  if ((a.zone ?? undefined) !== (b.zone ?? undefined)) return false;
  const c1 = a.conditions ?? {};
  const c2 = b.conditions ?? {};
  if (c1.ready !== c2.ready || c1.serving !== c2.serving || c1.terminating !== c2.terminating) return false;
  const r1 = a.targetRef;
  const r2 = b.targetRef;
  if (!r1 || !r2) return !r1 && !r2;
  return r1.kind === r2.kind && r1.namespace === r2.namespace && r1.name === r2.name && r1.uid === r2.uid && (r1.apiVersion ?? '') === (r2.apiVersion ?? '') && (r1.fieldPath ?? '') === (r2.fieldPath ?? '');
}
