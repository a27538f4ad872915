/**
 * The cluster DNS record set, built from Services and EndpointSlices as the Kubernetes DNS-based
 * service discovery specification (kubernetes/dns docs/specification.md, schema 1.1.0) and the
 * CoreDNS `kubernetes` plugin define it.
 *
 * Contracts:
 * - `buildZone` is pure: the same objects give the same records. Names are stored lower-case
 *   without the trailing dot; lookups must lower-case the query name first.
 * - Records (with `<base>` = `<svc>.<ns>.svc.<domain>`):
 *   - ClusterIP services: A/AAAA `<base>` → every clusterIP; SRV `_<port>._<proto>.<base>` for each
 *     named port, target `<base>`; PTR for each clusterIP → `<base>`.
 *   - Headless services (clusterIP `None`): A/AAAA `<base>` → every ready endpoint address (ready
 *     condition unset counts as ready; `publishNotReadyAddresses` publishes all); A/AAAA
 *     `<hostname>.<base>` for endpoints with a hostname and `<a-b-c-d>.<base>` (dashed IP) for every
 *     endpoint; SRV `_<port>._<proto>.<base>` for each named slice port, one per endpoint address,
 *     target `<hostname or dashed IP>.<base>`.
 *   - ExternalName services: CNAME `<base>` → `spec.externalName`.
 *   - PTR for every endpoint address of every service → `<hostname or dashed IP>.<base>` (a service
 *     IP's PTR wins over an endpoint's for the same address).
 *   - `dns-version.<domain>` TXT `1.1.0`.
 * - Every ancestor of a record's name inside the domain is an "empty non-terminal": it exists
 *   (NOERROR, no data) rather than NXDOMAIN, so search-path walks behave as with CoreDNS.
 * - Pod records (`<a-b-c-d>.<ns>.pod.<domain>`) are not stored: `podAddress` computes them on the
 *   fly, as CoreDNS's `pods insecure` mode does (any well-formed dashed IPv4 answers).
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { isIP } from 'node:net';

export const SCHEMA_VERSION = '1.1.0';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface SrvRecord {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

/** Every record at one name. */
export interface RecordSet {
  a: string[];
  aaaa: string[];
  cname?: string;
  srv: SrvRecord[];
  txt: string[];
}

export interface Zone {
  /** Lower-case domain without the trailing dot. */
  domain: string;
  names: Map<string, RecordSet>;
  /** Reverse names (`4.3.2.1.in-addr.arpa`, nibble `ip6.arpa`) → PTR targets. */
  ptr: Map<string, string[]>;
  /** Names that exist only because records live below them. */
  nonTerminals: Set<string>;
}

const emptySet = (): RecordSet => ({ a: [], aaaa: [], srv: [], txt: [] });

/** Normalises a DNS name: lower-case, no trailing dot. */
export function normalizeName(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n.slice(0, -1) : n;
}

/** `1.2.3.4` → `1-2-3-4`; IPv6 `fd00::1` → `fd00--1` (as CoreDNS's endpoint hostnames). */
export function dashedIP(ip: string): string {
  return isIP(ip) === 6 ? ip.replaceAll(':', '-') : ip.replaceAll('.', '-');
}

/** Expands an IPv6 address to its 32 hex nibbles; undefined when not IPv6. */
function ipv6Nibbles(ip: string): string[] | undefined {
  if (isIP(ip) !== 6) return undefined;
  let s = ip.toLowerCase();
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    s = s.slice(0, -v4[1]!.length) + ((b[0]! << 8) | b[1]!).toString(16) + ':' + ((b[2]! << 8) | b[3]!).toString(16);
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => g.padStart(4, '0').split(''));
}

/**
 * One spelling per address, for index keys: IPv4 as is; IPv6 as eight lower-case groups without
 * leading zeros or `::` compression (`fd00:0:0:0:0:0:0:1`). Not an IP: returned unchanged.
 */
export function canonicalIP(ip: string): string {
  const n = ipv6Nibbles(ip);
  if (!n) return ip;
  const groups: string[] = [];
  for (let i = 0; i < 32; i += 4) groups.push(n.slice(i, i + 4).join('').replace(/^0+(?=.)/, ''));
  return groups.join(':');
}

/** The reverse-lookup name of an IP (`4.3.2.1.in-addr.arpa` or the nibble `ip6.arpa` form). */
export function reverseName(ip: string): string | undefined {
  if (isIP(ip) === 4) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  const n = ipv6Nibbles(ip);
  return n ? `${n.reverse().join('.')}.ip6.arpa` : undefined;
}

/** `<a-b-c-d>.<ns>.pod.<domain>` → the IPv4 address, when the name has that form. */
export function podAddress(name: string, domain: string): string | undefined {
  const suffix = `.pod.${domain}`;
  if (!name.endsWith(suffix)) return undefined;
  const labels = name.slice(0, -suffix.length).split('.');
  if (labels.length !== 2) return undefined;
  const ip = labels[0]!.replaceAll('-', '.');
  return isIP(ip) === 4 && labels[0]!.split('-').length === 4 ? ip : undefined;
}

function endpointReady(ep: { conditions?: { ready?: boolean } }, svc: Service): boolean {
  return svc.spec?.publishNotReadyAddresses === true || ep.conditions?.ready !== false;
}

function clusterIPsOf(svc: Service): string[] {
  const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.filter((ip) => ip !== 'None' && ip !== '' && isIP(ip) !== 0);
}

export function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None';
}

/** Builds the zone from the current objects (see the module contract). */
export function buildZone(services: readonly Service[], slices: readonly EndpointSlice[], clusterDomain: string): Zone {
  const domain = normalizeName(clusterDomain);
  const zone: Zone = { domain, names: new Map(), ptr: new Map(), nonTerminals: new Set() };
  const at = (name: string): RecordSet => {
    let s = zone.names.get(name);
    if (!s) zone.names.set(name, (s = emptySet()));
    return s;
  };
  const addAddr = (name: string, ip: string): void => {
    const s = at(name);
    const list = isIP(ip) === 6 ? s.aaaa : s.a;
    if (!list.includes(ip)) list.push(ip);
  };
  const servicePtr = new Map<string, string>();
  const endpointPtr = new Map<string, string[]>();

  const slicesBySvc = new Map<string, EndpointSlice[]>();
  for (const sl of slices) {
    const svc = sl.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!svc || !sl.metadata?.namespace) continue;
    const k = `${sl.metadata.namespace}/${svc}`;
    const l = slicesBySvc.get(k);
    if (l) l.push(sl);
    else slicesBySvc.set(k, [sl]);
  }

  for (const svc of services) {
    const name = svc.metadata?.name?.toLowerCase();
    const ns = svc.metadata?.namespace?.toLowerCase();
    if (!name || !ns) continue;
    const base = `${name}.${ns}.svc.${domain}`;
    if (svc.spec?.type === 'ExternalName') {
      if (svc.spec.externalName) at(base).cname = normalizeName(svc.spec.externalName);
      continue;
    }
    const svcSlices = slicesBySvc.get(`${svc.metadata!.namespace}/${svc.metadata!.name}`) ?? [];
    const headless = isHeadless(svc);
    if (!headless) {
      const ips = clusterIPsOf(svc);
      at(base);
      for (const ip of ips) {
        addAddr(base, ip);
        const r = reverseName(ip);
        if (r) servicePtr.set(r, base);
      }
      for (const p of svc.spec?.ports ?? []) {
        if (!p.name) continue;
        const srvName = `_${p.name.toLowerCase()}._${(p.protocol ?? 'TCP').toLowerCase()}.${base}`;
        at(srvName).srv.push({ priority: 0, weight: 100, port: p.port, target: base });
      }
    } else {
      at(base);
    }
    for (const sl of svcSlices) {
      for (const ep of sl.endpoints ?? []) {
        if (!endpointReady(ep, svc)) continue;
        for (const ip of ep.addresses ?? []) {
          if (isIP(ip) === 0) continue;
          const host = ep.hostname?.toLowerCase() || dashedIP(ip);
          const target = `${host}.${base}`;
          const r = reverseName(ip);
          if (r) {
            const l = endpointPtr.get(r) ?? [];
            if (!l.includes(target)) l.push(target);
            endpointPtr.set(r, l);
          }
          if (!headless) continue;
          addAddr(base, ip);
          addAddr(target, ip);
          addAddr(`${dashedIP(ip)}.${base}`, ip);
          for (const p of sl.ports ?? []) {
            if (!p.name || p.port == null) continue;
            const srvName = `_${p.name.toLowerCase()}._${(p.protocol ?? 'TCP').toLowerCase()}.${base}`;
            const set = at(srvName);
            if (!set.srv.some((s) => s.target === target && s.port === p.port)) set.srv.push({ priority: 0, weight: 0, port: p.port, target });
          }
        }
      }
    }
  }
  // CoreDNS spreads weight evenly over the records of one SRV set (100 / count).
  for (const s of zone.names.values()) {
    if (s.srv.length === 0) continue;
    const w = Math.max(1, Math.floor(100 / s.srv.length));
    for (const r of s.srv) r.weight = w;
    s.srv.sort((x, y) => (x.target < y.target ? -1 : x.target > y.target ? 1 : x.port - y.port));
  }
  for (const s of zone.names.values()) {
    s.a.sort();
    s.aaaa.sort();
  }
  at(`dns-version.${domain}`).txt.push(SCHEMA_VERSION);

  for (const [r, targets] of endpointPtr) zone.ptr.set(r, targets.sort());
  for (const [r, target] of servicePtr) zone.ptr.set(r, [target]);

  for (const name of zone.names.keys()) {
    let n = name;
    for (;;) {
      const dot = n.indexOf('.');
      if (dot < 0) break;
      n = n.slice(dot + 1);
      if (n.length < domain.length || zone.nonTerminals.has(n)) break;
      if (!zone.names.has(n)) zone.nonTerminals.add(n);
      if (n === domain) break;
    }
  }
  zone.nonTerminals.add(domain);
  zone.nonTerminals.add(`svc.${domain}`);
  zone.nonTerminals.add(`pod.${domain}`);
  return zone;
}
