/**
 * Endpoints subsets (upstream pkg/api/v1/endpoints RepackSubsets and the endpoints controller's
 * truncation and comparison).
 *
 * Contracts:
 * - `repackSubsets` regroups addresses so each subset holds the addresses that offer exactly the
 *   same set of ports (an address is one IP + target uid). An address listed ready and not ready
 *   for the same port counts as ready. Subsets without ports are kept (a headless Service without
 *   ports). The result is sorted: addresses by IP then target uid, ports and subsets by a hash of
 *   their content, so equal inputs in any order give equal outputs.
 * - `truncateSubsets` caps the total number of addresses at MAX_CAPACITY (1000), keeping ready
 *   addresses first and sharing the room across subsets in proportion to their size (rounded up,
 *   the last subsets get what is left), as upstream; true when something was cut.
 * - `subsetsEqual` compares semantically: empty and missing lists are equal and target references'
 *   resourceVersions are ignored.
 */
import { createHash } from 'node:crypto';
import type { EndpointAddress, EndpointPort, EndpointSubset } from 'kubernetes-types/core/v1.js';

export const MAX_CAPACITY = 1000;

/** Canonical JSON: sorted keys; undefined, null, '' and empty lists/objects left out. */
export function canonical(v: unknown): string {
  return JSON.stringify(prune(v)) ?? '';
}

function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(prune);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = prune((v as Record<string, unknown>)[k]);
      if (x === undefined || x === null || x === '') continue;
      if (Array.isArray(x) && x.length === 0) continue;
      if (typeof x === 'object' && !Array.isArray(x) && Object.keys(x as object).length === 0) continue;
      out[k] = x;
    }
    return out;
  }
  return v;
}

const hashOf = (v: unknown): string => createHash('md5').update(canonical(v)).digest('hex');

const addrKey = (a: EndpointAddress): string => `${a.ip}\u0000${a.targetRef?.uid ?? ''}`;

export function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const au = a.targetRef?.uid;
  const bu = b.targetRef?.uid;
  if (au !== undefined && bu !== undefined && au !== bu) return au < bu ? -1 : 1;
  return 0;
}

/** The no-ports sentinel (upstream uses port -1). */
const NO_PORT = '';

export function repackSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
  const addrs = new Map<string, EndpointAddress>();
  const ports = new Map<string, EndpointPort | undefined>();
  // port key → address key → ready
  const byPort = new Map<string, Map<string, boolean>>();
  const note = (portKey: string, a: EndpointAddress, ready: boolean) => {
    const k = addrKey(a);
    if (!addrs.has(k)) addrs.set(k, { ...a });
    let m = byPort.get(portKey);
    if (!m) byPort.set(portKey, (m = new Map()));
    if (m.get(k) !== true) m.set(k, ready);
  };
  for (const s of subsets) {
    const ps: Array<EndpointPort | undefined> = s.ports?.length ? s.ports : [undefined];
    for (const p of ps) {
      const pk = p ? canonical(p) : NO_PORT;
      if (!ports.has(pk)) ports.set(pk, p);
      for (const a of s.addresses ?? []) note(pk, a, true);
      for (const a of s.notReadyAddresses ?? []) note(pk, a, false);
    }
  }
  // Group ports by the exact set of (address, ready) they map to.
  const groups = new Map<string, { set: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const [pk, set] of byPort) {
    const key = [...set].map(([k, r]) => `${k}\u0000${r ? 1 : 0}`).sort().join('\u0001');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { set, ports: [] }));
    const p = ports.get(pk);
    if (p) g.ports.push(p);
  }
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [k, r] of g.set) (r ? ready : notReady).push(addrs.get(k)!);
    const s: EndpointSubset = {};
    if (ready.length) s.addresses = ready;
    if (notReady.length) s.notReadyAddresses = notReady;
    if (g.ports.length) s.ports = g.ports;
    out.push(s);
  }
  return sortSubsets(out);
}

export function sortSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
  for (const s of subsets) {
    s.addresses?.sort(compareAddresses);
    s.notReadyAddresses?.sort(compareAddresses);
    if (s.ports) {
      const h = new Map(s.ports.map((p) => [p, hashOf(p)]));
      s.ports.sort((a, b) => (h.get(a)! < h.get(b)! ? -1 : h.get(a)! > h.get(b)! ? 1 : 0));
    }
  }
  const h = new Map(subsets.map((s) => [s, hashOf(s)]));
  return subsets.sort((a, b) => (h.get(a)! < h.get(b)! ? -1 : h.get(a)! > h.get(b)! ? 1 : 0));
}

export function countAddresses(subsets: EndpointSubset[] | undefined): { ready: number; notReady: number } {
  let ready = 0;
  let notReady = 0;
  for (const s of subsets ?? []) {
    ready += s.addresses?.length ?? 0;
    notReady += s.notReadyAddresses?.length ?? 0;
  }
  return { ready, notReady };
}

/** Truncates in place; true when the subsets were over capacity. */
export function truncateSubsets(subsets: EndpointSubset[]): boolean {
  const { ready, notReady } = countAddresses(subsets);
  if (ready + notReady <= MAX_CAPACITY) return false;
  const truncateReady = ready > MAX_CAPACITY;
  const max = truncateReady ? MAX_CAPACITY : MAX_CAPACITY - ready;
  const total = truncateReady ? ready : notReady;
  let room = max;
  for (const s of subsets) {
    const n = truncateReady ? (s.addresses?.length ?? 0) : (s.notReadyAddresses?.length ?? 0);
    const take = Math.min(room, Math.ceil((n / total) * max));
    if (truncateReady) {
      if (s.addresses) s.addresses = s.addresses.slice(0, take);
      delete s.notReadyAddresses;
      room -= s.addresses?.length ?? 0;
    } else {
      if (s.notReadyAddresses) s.notReadyAddresses = s.notReadyAddresses.slice(0, take);
      room -= s.notReadyAddresses?.length ?? 0;
    }
  }
  return true;
}

function withoutRefVersions(subsets: EndpointSubset[] | undefined): unknown {
  const strip = (a: EndpointAddress) => (a.targetRef ? { ...a, targetRef: { ...a.targetRef, resourceVersion: undefined } } : a);
  return (subsets ?? []).map((s) => ({ ...s, addresses: s.addresses?.map(strip), notReadyAddresses: s.notReadyAddresses?.map(strip) }));
}

export function subsetsEqual(a: EndpointSubset[] | undefined, b: EndpointSubset[] | undefined): boolean {
  return canonical(withoutRefVersions(a)) === canonical(withoutRefVersions(b));
}
