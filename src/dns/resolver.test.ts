import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { ClusterDns, ipOfReverseName, type DnsSource, type IndexedDnsSource } from './resolver.js';
import { canonicalIP, reverseName } from './records.js';
import { decode, query, type Decoded } from './testutil.js';

const svc = (name: string, spec: Service['spec'], ns = 'default'): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec });
const slice = (svcName: string, name: string, s: Partial<EndpointSlice>, ns = 'default'): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  addressType: 'IPv4',
  metadata: { name, namespace: ns, labels: { 'kubernetes.io/service-name': svcName } },
  endpoints: [],
  ...s,
});

function fixture(): { services: Service[]; slices: EndpointSlice[] } {
  return {
    services: [
      svc('web', { clusterIP: '10.43.0.10', clusterIPs: ['10.43.0.10'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }] }),
      svc('bare', { clusterIP: '10.43.0.11', ports: [{ port: 81 }] }),
      svc('db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }),
      svc('ext', { type: 'ExternalName', externalName: 'example.com' }),
      svc('alias', { type: 'ExternalName', externalName: 'web.default.svc.cluster.local.' }),
      svc('web', { clusterIP: '10.43.0.20' }, 'other'),
    ],
    slices: [
      slice('web', 'web-abc', { endpoints: [{ addresses: ['10.42.0.2'], conditions: { ready: true } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }),
      slice('db', 'db-abc', {
        endpoints: [
          { addresses: ['10.42.0.5'], hostname: 'db-0', conditions: { ready: true } },
          { addresses: ['10.42.0.6'], hostname: 'db-1', conditions: { ready: false } },
          { addresses: ['10.42.0.7'] },
        ],
        ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
      }),
    ],
  };
}

/** Indexed reads over plain arrays (what the informer source does with indexes). */
function arrayLookup(get: () => { services: Service[]; slices: EndpointSlice[] }): IndexedDnsSource {
  return {
    service: (ns, name) => get().services.find((s) => s.metadata?.namespace === ns && s.metadata?.name === name),
    slicesOf: (ns, svc) => get().slices.filter((s) => s.metadata?.namespace === ns && s.metadata?.labels?.['kubernetes.io/service-name'] === svc),
    hasServices: (ns) => get().services.some((s) => s.metadata?.namespace === ns),
    byIP: (ip) => ({
      services: get().services.filter((s) => (s.spec?.clusterIPs ?? [s.spec?.clusterIP]).includes(ip)),
      slices: get().slices.filter((s) => (s.endpoints ?? []).some((e) => e.addresses.includes(ip))),
    }),
  };
}

for (const mode of ['zone', 'indexed'] as const)
describe(`ClusterDns.answer (${mode})`, () => {
  let objs = fixture();
  let gen = 0;
  const source: DnsSource = { services: () => objs.services, endpointSlices: () => objs.slices, generation: () => gen, ...(mode === 'indexed' ? { lookup: arrayLookup(() => objs) } : {}) };
  const dns = new ClusterDns({ source, clusterDomain: 'cluster.local' });
  const ask = async (name: string, type: Parameters<typeof query>[1], o: { edns?: boolean; maxSize?: number } = {}): Promise<Decoded> =>
    decode(await dns.answer(query(name, type, o), o.maxSize ? { maxSize: o.maxSize } : {}));
  const data = (r: Decoded, type?: string) => (r.answers ?? []).filter((a) => !type || a.type === type).map((a) => (a as { data: unknown }).data);

  it('answers A for a ClusterIP service, keeping the asked case, authoritative, TTL 5', async () => {
    const r = await ask('Web.Default.svc.Cluster.Local', 'A');
    assert.equal(r.rcode, 'NOERROR');
    assert.equal(r.flag_aa, true);
    assert.equal(r.flag_rd, true);
    assert.deepEqual(data(r), ['10.43.0.10']);
    assert.equal(r.answers![0]!.name, 'Web.Default.svc.Cluster.Local');
    assert.equal((r.answers![0] as { ttl: number }).ttl, 5);
    assert.deepEqual(data(await ask('web.other.svc.cluster.local', 'A')), ['10.43.0.20']);
  });

  it('answers AAAA of an IPv4-only service with NOERROR, no answers and the SOA', async () => {
    const r = await ask('web.default.svc.cluster.local', 'AAAA');
    assert.equal(r.rcode, 'NOERROR');
    assert.equal(r.answers!.length, 0);
    assert.equal(r.authorities![0]!.type, 'SOA');
  });

  it('answers SRV for named ports of a ClusterIP service, with the target A as additional', async () => {
    const r = await ask('_http._tcp.web.default.svc.cluster.local', 'SRV');
    assert.deepEqual(data(r), [{ priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' }]);
    assert.deepEqual(
      r.additionals!.map((a) => [a.name, a.type, (a as { data: unknown }).data]),
      [['web.default.svc.cluster.local', 'A', '10.43.0.10']],
    );
    assert.deepEqual(data(await ask('_dns._udp.web.default.svc.cluster.local', 'SRV')), [{ priority: 0, weight: 100, port: 53, target: 'web.default.svc.cluster.local' }]);
    assert.equal((await ask('_dns._tcp.web.default.svc.cluster.local', 'SRV')).rcode, 'NXDOMAIN');
    assert.deepEqual(data(await ask('bare.default.svc.cluster.local', 'A')), ['10.43.0.11']);
  });

  it('answers a headless service with every ready endpoint, hostnames and dashed IPs', async () => {
    assert.deepEqual(data(await ask('db.default.svc.cluster.local', 'A')), ['10.42.0.5', '10.42.0.7']);
    assert.deepEqual(data(await ask('db-0.db.default.svc.cluster.local', 'A')), ['10.42.0.5']);
    assert.deepEqual(data(await ask('10-42-0-5.db.default.svc.cluster.local', 'A')), ['10.42.0.5']);
    assert.deepEqual(data(await ask('10-42-0-7.db.default.svc.cluster.local', 'A')), ['10.42.0.7']);
    assert.equal((await ask('db-1.db.default.svc.cluster.local', 'A')).rcode, 'NXDOMAIN');
    assert.equal((await ask('10-42-0-6.db.default.svc.cluster.local', 'A')).rcode, 'NXDOMAIN');
  });

  it('answers one SRV per headless endpoint with its hostname target', async () => {
    const r = await ask('_pg._tcp.db.default.svc.cluster.local', 'SRV');
    assert.deepEqual(data(r), [
      { priority: 0, weight: 50, port: 5432, target: '10-42-0-7.db.default.svc.cluster.local' },
      { priority: 0, weight: 50, port: 5432, target: 'db-0.db.default.svc.cluster.local' },
    ]);
    assert.deepEqual(r.additionals!.map((a) => `${a.name}=${(a as { data: unknown }).data}`).sort(), ['10-42-0-7.db.default.svc.cluster.local=10.42.0.7', 'db-0.db.default.svc.cluster.local=10.42.0.5']);
  });

  it('publishes not-ready endpoints when the service says publishNotReadyAddresses', async () => {
    objs = fixture();
    objs.services[2] = svc('db', { clusterIP: 'None', publishNotReadyAddresses: true });
    gen++;
    assert.deepEqual(data(await ask('db.default.svc.cluster.local', 'A')), ['10.42.0.5', '10.42.0.6', '10.42.0.7']);
    objs = fixture();
    gen++;
  });

  it('answers CNAME for ExternalName services, following in-cluster targets once', async () => {
    const r = await ask('ext.default.svc.cluster.local', 'A');
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(r.answers!.map((a) => [a.type, (a as { data: unknown }).data]), [['CNAME', 'example.com']]);
    const r2 = await ask('alias.default.svc.cluster.local', 'A');
    assert.deepEqual(r2.answers!.map((a) => [a.type, (a as { data: unknown }).data]), [['CNAME', 'web.default.svc.cluster.local'], ['A', '10.43.0.10']]);
    assert.deepEqual(data(await ask('ext.default.svc.cluster.local', 'CNAME')), ['example.com']);
  });

  it('answers PTR for service IPs and endpoint IPs', async () => {
    assert.equal(reverseName('10.43.0.10'), '10.0.43.10.in-addr.arpa');
    assert.deepEqual(data(await ask('10.0.43.10.in-addr.arpa', 'PTR')), ['web.default.svc.cluster.local']);
    assert.deepEqual(data(await ask('5.0.42.10.in-addr.arpa', 'PTR')), ['db-0.db.default.svc.cluster.local']);
    assert.deepEqual(data(await ask('7.0.42.10.in-addr.arpa', 'PTR')), ['10-42-0-7.db.default.svc.cluster.local']);
    assert.deepEqual(data(await ask('2.0.42.10.in-addr.arpa', 'PTR')), ['10-42-0-2.web.default.svc.cluster.local']);
    assert.equal((await ask('9.9.9.9.in-addr.arpa', 'PTR')).rcode, 'NXDOMAIN');
  });

  it('answers pod A records from the dashed IP', async () => {
    assert.deepEqual(data(await ask('10-42-0-9.default.pod.cluster.local', 'A')), ['10.42.0.9']);
    assert.equal((await ask('10-42-0-999.default.pod.cluster.local', 'A')).rcode, 'NXDOMAIN');
    assert.equal((await ask('10-42-0-9.default.pod.cluster.local', 'AAAA')).rcode, 'NOERROR');
  });

  it('answers NXDOMAIN with the SOA for unknown names, NOERROR for names above records', async () => {
    const r = await ask('nope.default.svc.cluster.local', 'A');
    assert.equal(r.rcode, 'NXDOMAIN');
    assert.equal(r.flag_aa, true);
    const soa = r.authorities![0] as dnsPacket.SoaAnswer;
    assert.equal(soa.type, 'SOA');
    assert.equal(soa.name, 'cluster.local');
    assert.equal(soa.data.mname, 'ns.dns.cluster.local');
    assert.equal(soa.data.rname, 'hostmaster.cluster.local');
    assert.equal((await ask('nope.cluster.local', 'A')).rcode, 'NXDOMAIN');
    assert.equal((await ask('web.nope.svc.cluster.local', 'A')).rcode, 'NXDOMAIN');
    for (const n of ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local']) {
      const e = await ask(n, 'A');
      assert.equal(e.rcode, 'NOERROR', n);
      assert.equal(e.answers!.length, 0, n);
    }
    assert.equal(((await ask('cluster.local', 'SOA')).answers![0] as dnsPacket.SoaAnswer).data.mname, 'ns.dns.cluster.local');
    assert.deepEqual(data(await ask('dns-version.cluster.local', 'TXT')).map((t) => String((t as Buffer[])[0])), ['1.1.0']);
  });

  it('refuses names outside the domain without an upstream', async () => {
    const r = await ask('example.com', 'A');
    assert.equal(r.rcode, 'REFUSED');
  });

  it('reflects object changes on the next query', async () => {
    objs.services[0] = svc('web', { clusterIP: '10.43.0.99', clusterIPs: ['10.43.0.99'] });
    gen++;
    assert.deepEqual(data(await ask('web.default.svc.cluster.local', 'A')), ['10.43.0.99']);
    objs.services.splice(0, 1);
    gen++;
    assert.equal((await ask('web.default.svc.cluster.local', 'A')).rcode, 'NXDOMAIN');
    objs = fixture();
    gen++;
  });

  it('follows endpoint changes of a service (new slice objects)', async () => {
    objs.slices[1] = slice('db', 'db-abc', { endpoints: [{ addresses: ['10.42.0.8'], hostname: 'db-3' }], ports: [{ name: 'pg', port: 5432 }] });
    gen++;
    assert.deepEqual(data(await ask('db.default.svc.cluster.local', 'A')), ['10.42.0.8']);
    assert.deepEqual(data(await ask('8.0.42.10.in-addr.arpa', 'PTR')), ['db-3.db.default.svc.cluster.local']);
    assert.equal((await ask('5.0.42.10.in-addr.arpa', 'PTR')).rcode, 'NXDOMAIN');
    objs = fixture();
    gen++;
  });

  it('rebuilds on every query when the source has no generation', async () => {
    const o = fixture();
    const d = new ClusterDns({ source: { services: () => o.services, endpointSlices: () => o.slices }, clusterDomain: 'cluster.local.' });
    o.services[0]!.spec!.clusterIPs = ['10.43.0.77'];
    assert.deepEqual(data(decode(await d.answer(query('web.default.svc.cluster.local', 'A')))), ['10.43.0.77']);
  });

  it('truncates replies larger than maxSize, and honours the EDNS size', async () => {
    const many: EndpointSlice = slice('big', 'big-1', { endpoints: Array.from({ length: 60 }, (_, i) => ({ addresses: [`10.42.1.${i + 1}`] })) });
    objs.services.push(svc('big', { clusterIP: 'None' }));
    objs.slices.push(many);
    gen++;
    const full = await ask('big.default.svc.cluster.local', 'A');
    assert.equal(full.answers!.length, 60);
    const udp = await ask('big.default.svc.cluster.local', 'A', { maxSize: 512 });
    assert.equal(udp.flag_tc, true);
    assert.equal(udp.answers!.length, 0);
    const edns = await ask('big.default.svc.cluster.local', 'A', { maxSize: 512, edns: true });
    assert.equal(edns.flag_tc, false);
    assert.equal(edns.answers!.length, 60);
    assert.equal(edns.additionals!.at(-1)!.type, 'OPT');
    objs = fixture();
    gen++;
  });

  it('answers FORMERR for two questions and NOTIMP for other opcodes; rejects runts', async () => {
    const two = dnsPacket.encode({ type: 'query', id: 7, questions: [{ type: 'A', name: 'a.cluster.local' }, { type: 'A', name: 'b.cluster.local' }] });
    const r = decode(await dns.answer(two));
    assert.equal(r.rcode, 'FORMERR');
    assert.equal(r.id, 7);
    const notify = Buffer.from(query('web.default.svc.cluster.local', 'A', { id: 9 }));
    notify.writeUInt16BE(notify.readUInt16BE(2) | (4 << 11), 2);
    assert.equal(decode(await dns.answer(notify)).rcode, 'NOTIMP');
    await assert.rejects(dns.answer(Buffer.alloc(5)));
    const garbage = Buffer.concat([query('x', 'A').subarray(0, 12), Buffer.from([0xff, 0xff, 0xff])]);
    assert.equal(decode(await dns.answer(garbage)).rcode, 'FORMERR');
  });

  describe('forwarding', () => {
    let upstream: Socket;
    let port = 0;
    before(async () => {
      upstream = createSocket('udp4');
      upstream.on('message', (m, r) => {
        const q = dnsPacket.decode(m);
        upstream.send(dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE, questions: q.questions, answers: [{ type: 'A', name: q.questions![0]!.name, ttl: 60, data: '192.0.2.1' }] }), r.port, r.address);
      });
      await new Promise<void>((r) => upstream.bind(0, '127.0.0.1', () => r()));
      port = (upstream.address() as { port: number }).port;
    });
    after(() => upstream.close());

    it('forwards names outside the domain and unknown reverse names to upstream', async () => {
      const d = new ClusterDns({ source, clusterDomain: 'cluster.local', upstream: [`127.0.0.1:${port}`] });
      const r = decode(await d.answer(query('example.com', 'A', { id: 4242 })));
      assert.equal(r.id, 4242);
      assert.deepEqual(data(r), ['192.0.2.1']);
      assert.deepEqual(data(decode(await d.answer(query('9.9.9.9.in-addr.arpa', 'PTR')))), ['192.0.2.1']);
      const inZone = decode(await d.answer(query('web.default.svc.cluster.local', 'A')));
      assert.equal(inZone.flag_ra, true);
      assert.deepEqual(data(inZone), ['10.43.0.10']);
    });

    it('answers SERVFAIL when every upstream fails', async () => {
      const dead = createSocket('udp4');
      await new Promise<void>((r) => dead.bind(0, '127.0.0.1', () => r()));
      const deadPort = (dead.address() as { port: number }).port;
      const d = new ClusterDns({ source, clusterDomain: 'cluster.local', upstream: [`127.0.0.1:${deadPort}`], upstreamTimeoutMs: 100 });
      const r = decode(await d.answer(query('example.com', 'A')));
      dead.close();
      assert.equal(r.rcode, 'SERVFAIL');
    });
  });
});

describe('reverse names', () => {
  it('round-trips IPv4 and IPv6 through the reverse name in one canonical spelling', () => {
    assert.equal(ipOfReverseName(reverseName('10.43.0.10')!), '10.43.0.10');
    assert.equal(reverseName('fd00::1'), '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa');
    assert.equal(ipOfReverseName(reverseName('fd00::1')!), 'fd00:0:0:0:0:0:0:1');
    assert.equal(canonicalIP('FD00:0::01'), 'fd00:0:0:0:0:0:0:1');
    assert.equal(canonicalIP('::ffff:10.0.0.1'), '0:0:0:0:0:ffff:a00:1');
    assert.equal(ipOfReverseName('1.2.3.in-addr.arpa'), undefined);
  });
});
