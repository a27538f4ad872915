/**
 * Prometheus metrics of the cluster DNS, under CoreDNS's names (what dashboards for kube-dns's
 * `metrics` port 9153 expect), with the labels k8ts can fill:
 * - coredns_dns_requests_total{server,zone,proto,family,type}
 * - coredns_dns_responses_total{server,zone,rcode}
 * - coredns_dns_request_duration_seconds{server,zone,type} (histogram)
 * `observe` takes the raw query and reply; it reads the question type and the rcode from the wire
 * bytes without decoding the messages again.
 */
import { Counter, Histogram, Registry } from 'prom-client';

const TYPES: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 255: 'ANY' };
const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

/** The first question's type, as CoreDNS names it ("other" for types it does not list), from a wire-format message. */
export function questionType(msg: Buffer): string {
  let i = 12;
  while (i < msg.length) {
    const len = msg[i]!;
    if (len === 0) break;
    if ((len & 0xc0) === 0xc0) {
      i += 1;
      break;
    }
    i += len + 1;
  }
  if (i + 2 >= msg.length) return 'other';
  return TYPES[msg.readUInt16BE(i + 1)] ?? 'other';
}

export function rcodeOf(reply: Buffer): string {
  return reply.length >= 4 ? RCODES[reply[3]! & 0x0f] ?? String(reply[3]! & 0x0f) : 'other';
}

export class DnsMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'server' | 'zone' | 'proto' | 'family' | 'type'>;
  private readonly responses: Counter<'server' | 'zone' | 'rcode'>;
  private readonly duration: Histogram<'server' | 'zone' | 'type'>;

  constructor(
    private readonly server: string,
    private readonly zone = '.',
  ) {
    this.requests = new Counter({ name: 'coredns_dns_requests_total', help: 'Counter of DNS requests made per zone, protocol and family.', labelNames: ['server', 'zone', 'proto', 'family', 'type'], registers: [this.registry] });
    this.responses = new Counter({ name: 'coredns_dns_responses_total', help: 'Counter of response status codes.', labelNames: ['server', 'zone', 'rcode'], registers: [this.registry] });
    this.duration = new Histogram({
      name: 'coredns_dns_request_duration_seconds',
      help: 'Histogram of the time (in seconds) each request took.',
      labelNames: ['server', 'zone', 'type'],
      buckets: [0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192],
      registers: [this.registry],
    });
  }

  observe(proto: 'udp' | 'tcp', query: Buffer, reply: Buffer, seconds: number): void {
    const type = questionType(query);
    this.requests.inc({ server: this.server, zone: this.zone, proto, family: '1', type });
    this.responses.inc({ server: this.server, zone: this.zone, rcode: rcodeOf(reply) });
    this.duration.observe({ server: this.server, zone: this.zone, type }, seconds);
  }
}
