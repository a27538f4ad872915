/**
 * ClusterDns: answers DNS queries (wire format in, wire format out) from the current Services and
 * EndpointSlices, as CoreDNS's `kubernetes` plugin with `pods insecure` and a `forward` to
 * `upstream`.
 *
 * Contracts:
 * - Answers reflect the source at the time of the query. With `source.lookup` (the informer feed),
 *   a query reads only the service it names (its records are built once per service object and
 *   slice set, then reused); reverse queries read the objects holding that IP. Without it, a zone of
 *   every object is built, reused while `generation()` is unchanged, or rebuilt per query when the
 *   source has no generation.
 * - Names inside the cluster domain (and reverse names of known IPs) are answered authoritatively
 *   (AA set): records, or NOERROR with no answers plus the domain's SOA (name exists, no records of
 *   that type, e.g. AAAA for an IPv4-only service), or NXDOMAIN plus the SOA. CNAMEs (ExternalName)
 *   are returned for any type but CNAME-only; a CNAME into the cluster domain is followed once.
 * - Other names (and unknown reverse names) go to `upstream` over UDP, tried in order, 2 s each;
 *   the upstream reply is returned as is (with the client's id). No upstream: REFUSED for names
 *   outside the domain, NXDOMAIN for unknown reverse names. All upstreams failing: SERVFAIL.
 * - One question per query (else FORMERR); only opcode QUERY (else NOTIMP). A query shorter than a
 *   header rejects (the server drops it). EDNS: an OPT in the query gets an OPT in the reply.
 * - `maxSize` (UDP: 512 or the client's EDNS size): a larger reply is sent truncated (TC set, no
 *   records) so the client retries over TCP.
 */
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { Answer, Packet, Question } from 'dns-packet';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { buildZone, normalizeName, canonicalIP, podAddress, SERVICE_NAME_LABEL, type RecordSet, type Zone } from './records.js';

/**
 * What the resolver reads. The caller feeds it from informers (or fixed objects in tests).
 * With `lookup`, each query reads only the objects it names (O(1) in the cluster size); without
 * it, a zone of every object is built from `services()` and `endpointSlices()`.
 */
export interface DnsSource {
  services(): Service[];
  endpointSlices(): EndpointSlice[];
  /** Optional change counter: the same value means the same objects (lets the zone be reused). */
  generation?(): number;
  /** Optional indexed reads; objects are treated as immutable (a change is a new object). */
  lookup?: IndexedDnsSource;
}

export interface IndexedDnsSource {
  service(namespace: string, name: string): Service | undefined;
  /** EndpointSlices labelled `kubernetes.io/service-name: <service>` in `namespace`. */
  slicesOf(namespace: string, service: string): EndpointSlice[];
  /** True when `namespace` holds at least one Service. */
  hasServices(namespace: string): boolean;
  /** Services with `ip` among their clusterIPs, and slices with `ip` among their endpoint addresses. */
  byIP(ip: string): { services: Service[]; slices: EndpointSlice[] };
}

/** Where a name stands: its records (if any), whether it exists, and the zone to resolve SRV targets in. */
interface NameLookup {
  set: RecordSet | undefined;
  exists: boolean;
  zone: Zone;
}

export interface ClusterDnsOptions {
  source: DnsSource;
  /** e.g. `cluster.local` */
  clusterDomain: string;
  /** `host:port` (or `[v6]:port`, or a bare host for port 53) of upstream resolvers. */
  upstream?: string[];
  /** TTL of every answer, seconds (default 5, as CoreDNS's kubernetes plugin). */
  ttl?: number;
  /** Time to wait for each upstream, ms (default 2000). */
  upstreamTimeoutMs?: number;
  log?: Logger;
}

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
type Rcode = (typeof RCODE)[keyof typeof RCODE];

const OPCODE_QUERY = 0;
const DEFAULT_EDNS_SIZE = 1232;

interface Reply {
  rcode: Rcode;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
  authoritative: boolean;
}

export interface AnswerOptions {
  /** Largest reply allowed (UDP); larger replies are truncated. Default: unlimited (TCP). */
  maxSize?: number;
}

export class ClusterDns {
  readonly domain: string;
  readonly ttl: number;
  private readonly upstream: Array<{ host: string; port: number }>;
  private readonly log: Logger;
  private zone: Zone | undefined;
  private zoneGen: number | undefined;
  /** SOA serial base: start time in seconds; the serial adds the source's generation. */
  private readonly serialBase = Math.floor(Date.now() / 1000);
  /** Per-service zones (indexed mode), valid while the service object and its slices are the same objects. */
  private readonly svcZones = new WeakMap<Service, { slices: EndpointSlice[]; zone: Zone }>();
  private readonly staticZone: Zone;

  constructor(private readonly o: ClusterDnsOptions) {
    this.domain = normalizeName(o.clusterDomain);
    this.ttl = o.ttl ?? 5;
    this.log = (o.log ?? silentLogger).child({ component: 'dns' });
    this.upstream = (o.upstream ?? []).map(parseHostPort);
    this.staticZone = buildZone([], [], this.domain);
  }

  /** The zone of one service and its slices (indexed mode), cached per object identity. */
  private serviceZone(svc: Service, lookup: IndexedDnsSource): Zone {
    const slices = lookup.slicesOf(svc.metadata?.namespace ?? '', svc.metadata?.name ?? '');
    const hit = this.svcZones.get(svc);
    if (hit && hit.slices.length === slices.length && hit.slices.every((s, i) => s === slices[i])) return hit.zone;
    const zone = buildZone([svc], slices, this.domain);
    this.svcZones.set(svc, { slices, zone });
    return zone;
  }

  /** Finds `qname` (normalised, inside the domain, not a pod name). */
  private lookupName(qname: string): NameLookup {
    const lookup = this.o.source.lookup;
    if (!lookup) {
      const zone = this.currentZone();
      const set = zone.names.get(qname);
      return { set, exists: set !== undefined || zone.nonTerminals.has(qname), zone };
    }
    const suffix = `.svc.${this.domain}`;
    if (qname.endsWith(suffix)) {
      const labels = qname.slice(0, -suffix.length).split('.');
      const ns = labels[labels.length - 1]!;
      if (labels.length === 1) return { set: undefined, exists: lookup.hasServices(ns), zone: this.staticZone };
      const svc = lookup.service(ns, labels[labels.length - 2]!);
      if (!svc) return { set: undefined, exists: false, zone: this.staticZone };
      const zone = this.serviceZone(svc, lookup);
      const set = zone.names.get(qname);
      return { set, exists: set !== undefined || zone.nonTerminals.has(qname), zone };
    }
    const set = this.staticZone.names.get(qname);
    return { set, exists: set !== undefined || this.staticZone.nonTerminals.has(qname), zone: this.staticZone };
  }

  /** PTR targets of a reverse name, or undefined when no service or endpoint has that IP. */
  private ptrTargets(qname: string): string[] | undefined {
    const lookup = this.o.source.lookup;
    if (!lookup) return this.currentZone().ptr.get(qname);
    const ip = ipOfReverseName(qname);
    if (!ip) return undefined;
    const { services, slices } = lookup.byIP(ip);
    if (services.length === 0 && slices.length === 0) return undefined;
    // Endpoint PTRs need their services (for headless/ready rules and the target name).
    const svcs = new Map<string, Service>();
    for (const s of services) svcs.set(`${s.metadata?.namespace}/${s.metadata?.name}`, s);
    for (const sl of slices) {
      const ns = sl.metadata?.namespace ?? '';
      const name = sl.metadata?.labels?.[SERVICE_NAME_LABEL];
      const svc = name ? lookup.service(ns, name) : undefined;
      if (svc) svcs.set(`${ns}/${name}`, svc);
    }
    const zone = buildZone([...svcs.values()], slices, this.domain);
    return zone.ptr.get(qname);
  }

  /** The zone for the source's current objects (see the contract on `generation`). */
  currentZone(): Zone {
    const gen = this.o.source.generation?.();
    if (this.zone && gen !== undefined && gen === this.zoneGen) return this.zone;
    this.zone = buildZone(this.o.source.services(), this.o.source.endpointSlices(), this.domain);
    this.zoneGen = gen;
    return this.zone;
  }

  async answer(query: Buffer, opts: AnswerOptions = {}): Promise<Buffer> {
    if (query.length < 12) throw new Error('DNS query shorter than a header');
    let req: dnsPacket.DecodedPacket;
    try {
      req = dnsPacket.decode(query);
    } catch {
      return headerOnly(query, RCODE.FORMERR);
    }
    const opcode = ((req.flags ?? 0) >> 11) & 0xf;
    if (req.type === 'response') return headerOnly(query, RCODE.FORMERR);
    if (opcode !== OPCODE_QUERY) return headerOnly(query, RCODE.NOTIMP);
    const questions = req.questions ?? [];
    if (questions.length !== 1) return headerOnly(query, RCODE.FORMERR);
    const q = questions[0]!;
    const qname = normalizeName(q.name);
    const ednsOpt = (req.additionals ?? []).find((a) => a.type === 'OPT') as dnsPacket.OptAnswer | undefined;

    let reply: Reply | undefined;
    if (q.class && q.class !== 'IN' && q.class !== 'ANY') reply = this.empty(RCODE.REFUSED);
    else if (qname === this.domain || qname.endsWith(`.${this.domain}`)) reply = this.inZone(q, qname);
    else if (qname.endsWith('.in-addr.arpa') || qname.endsWith('.ip6.arpa')) reply = this.reverse(q, qname);
    if (!reply) {
      if (this.upstream.length === 0) reply = this.empty(qname.endsWith('.arpa') ? RCODE.NXDOMAIN : RCODE.REFUSED);
      else {
        const fwd = await this.forward(query, req.id ?? 0, q);
        if (fwd) return fwd;
        reply = this.empty(RCODE.SERVFAIL);
      }
    }

    const flags =
      (reply.authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) |
      ((req.flags ?? 0) & dnsPacket.RECURSION_DESIRED) |
      ((req.flags ?? 0) & dnsPacket.CHECKING_DISABLED) |
      (this.upstream.length > 0 ? dnsPacket.RECURSION_AVAILABLE : 0) |
      reply.rcode;
    const additionals = [...reply.additionals];
    if (ednsOpt) additionals.push({ type: 'OPT', name: '.', udpPayloadSize: DEFAULT_EDNS_SIZE, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] });
    const res: Packet = { type: 'response', id: req.id, flags, questions: [q], answers: reply.answers, authorities: reply.authorities, additionals };
    let out = dnsPacket.encode(res);
    const max = opts.maxSize === undefined ? Infinity : Math.max(opts.maxSize, ednsOpt ? Math.min(ednsOpt.udpPayloadSize, 65535) : 512);
    if (out.length > max) {
      out = dnsPacket.encode({ ...res, flags: flags | dnsPacket.TRUNCATED_RESPONSE, answers: [], authorities: [], additionals: ednsOpt ? additionals.slice(-1) : [] });
    }
    return out;
  }

  private empty(rcode: Rcode): Reply {
    return { rcode, answers: [], authorities: [], additionals: [], authoritative: false };
  }

  private soa(): Answer {
    return {
      type: 'SOA',
      name: this.domain,
      ttl: this.ttl,
      class: 'IN',
      data: { mname: `ns.dns.${this.domain}`, rname: `hostmaster.${this.domain}`, serial: (this.serialBase + (this.o.source.generation?.() ?? 0)) >>> 0, refresh: 7200, retry: 1800, expire: 86400, minimum: this.ttl },
    };
  }

  private rr(name: string, set: RecordSet, type: string, zone: Zone, additionals: Answer[]): Answer[] {
    const ttl = this.ttl;
    const out: Answer[] = [];
    if (type === 'A' || type === 'ANY') for (const ip of set.a) out.push({ type: 'A', name, ttl, class: 'IN', data: ip });
    if (type === 'AAAA' || type === 'ANY') for (const ip of set.aaaa) out.push({ type: 'AAAA', name, ttl, class: 'IN', data: ip });
    if (type === 'TXT' || type === 'ANY') for (const t of set.txt) out.push({ type: 'TXT', name, ttl, class: 'IN', data: t });
    if (type === 'SRV' || type === 'ANY') {
      for (const s of set.srv) {
        out.push({ type: 'SRV', name, ttl, class: 'IN', data: { priority: s.priority, weight: s.weight, port: s.port, target: s.target } });
        const t = zone.names.get(s.target);
        if (t) {
          for (const ip of t.a) if (!additionals.some((a) => a.name === s.target && a.type === 'A' && a.data === ip)) additionals.push({ type: 'A', name: s.target, ttl, class: 'IN', data: ip });
          for (const ip of t.aaaa) if (!additionals.some((a) => a.name === s.target && a.type === 'AAAA' && a.data === ip)) additionals.push({ type: 'AAAA', name: s.target, ttl, class: 'IN', data: ip });
        }
      }
    }
    return out;
  }

  private inZone(q: Question, qname: string): Reply {
    const qtype: string = q.type;
    const ttl = this.ttl;
    const reply: Reply = { rcode: RCODE.NOERROR, answers: [], authorities: [], additionals: [], authoritative: true };
    if (qname === this.domain) {
      if (qtype === 'SOA' || qtype === 'ANY') reply.answers.push(this.soa());
      if (qtype === 'NS' || qtype === 'ANY') reply.answers.push({ type: 'NS', name: q.name, ttl, class: 'IN', data: `ns.dns.${this.domain}` });
      if (reply.answers.length === 0) reply.authorities.push(this.soa());
      return reply;
    }
    const pod = podAddress(qname, this.domain);
    if (pod) {
      if (qtype === 'A' || qtype === 'ANY') reply.answers.push({ type: 'A', name: q.name, ttl, class: 'IN', data: pod });
      else reply.authorities.push(this.soa());
      return reply;
    }
    const { set, exists, zone } = this.lookupName(qname);
    if (!set) {
      if (!exists) reply.rcode = RCODE.NXDOMAIN;
      reply.authorities.push(this.soa());
      return reply;
    }
    if (set.cname !== undefined) {
      reply.answers.push({ type: 'CNAME', name: q.name, ttl, class: 'IN', data: set.cname });
      if (q.type !== 'CNAME' && set.cname.endsWith(`.${this.domain}`)) {
        // Follow a CNAME into the cluster domain once (CoreDNS resolves in-zone targets itself).
        const t = this.lookupName(set.cname);
        if (t.set && t.set.cname === undefined) reply.answers.push(...this.rr(set.cname, t.set, q.type, t.zone, reply.additionals));
      }
      return reply;
    }
    reply.answers.push(...this.rr(q.name, set, q.type, zone, reply.additionals));
    if (reply.answers.length === 0) reply.authorities.push(this.soa());
    return reply;
  }

  /** PTR for known service and endpoint IPs; undefined (forward / NXDOMAIN) for others. */
  private reverse(q: Question, qname: string): Reply | undefined {
    const targets = this.ptrTargets(qname);
    if (!targets) return undefined;
    const reply: Reply = { rcode: RCODE.NOERROR, answers: [], authorities: [], additionals: [], authoritative: true };
    if ((q.type as string) === 'PTR' || (q.type as string) === 'ANY') for (const t of targets) reply.answers.push({ type: 'PTR', name: q.name, ttl: this.ttl, class: 'IN', data: t });
    else reply.authorities.push(this.soa());
    return reply;
  }

  private async forward(query: Buffer, id: number, q: Question): Promise<Buffer | undefined> {
    for (const up of this.upstream) {
      try {
        return await udpExchange(query, id, up.host, up.port, this.o.upstreamTimeoutMs ?? 2000);
      } catch (err) {
        this.log.warn({ upstream: `${up.host}:${up.port}`, name: q.name, err: String(err) }, 'upstream query failed');
      }
    }
    return undefined;
  }
}

/** `4.3.2.1.in-addr.arpa` → `1.2.3.4`; nibble `ip6.arpa` → the IPv6 address; else undefined. */
export function ipOfReverseName(name: string): string | undefined {
  if (name.endsWith('.in-addr.arpa')) {
    const p = name.slice(0, -'.in-addr.arpa'.length).split('.');
    const ip = p.reverse().join('.');
    return p.length === 4 && isIP(ip) === 4 ? ip : undefined;
  }
  if (name.endsWith('.ip6.arpa')) {
    const n = name.slice(0, -'.ip6.arpa'.length).split('.');
    if (n.length !== 32 || n.some((x) => !/^[0-9a-f]$/.test(x))) return undefined;
    return canonicalIP(n.reverse().join('').match(/.{4}/g)!.join(':'));
  }
  return undefined;
}

/** A reply carrying only the query's header (id, opcode, RD) and `rcode`. */
function headerOnly(query: Buffer, rcode: Rcode): Buffer {
  const out = Buffer.alloc(12);
  query.copy(out, 0, 0, 2);
  const qflags = query.readUInt16BE(2);
  out.writeUInt16BE(0x8000 | (qflags & 0x7900) | rcode, 2); // QR + opcode + RD of the query
  return out;
}

export function parseHostPort(s: string): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : 53 };
  if (isIP(s) === 6) return { host: s, port: 53 };
  const i = s.lastIndexOf(':');
  if (i < 0) return { host: s, port: 53 };
  return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
}

/** Sends `query` over UDP and resolves with the first reply carrying `id`; rejects on timeout. */
export function udpExchange(query: Buffer, id: number, host: string, port: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    const done = (err: Error | undefined, msg?: Buffer): void => {
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve(msg!);
    };
    const timer = setTimeout(() => done(new Error(`no reply from ${host}:${port} in ${timeoutMs} ms`)), timeoutMs);
    sock.on('error', (err) => done(err));
    sock.on('message', (msg) => {
      if (msg.length >= 2 && msg.readUInt16BE(0) === id) done(undefined, msg);
    });
    sock.send(query, port, host);
  });
}
