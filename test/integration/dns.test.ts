/**
 * Cluster DNS against a real k8ts server: Services and EndpointSlices made with the real kubectl
 * (selectorless, clusterIPs set explicitly), the DNS server run from informers on 127.0.0.1, queried
 * over UDP and TCP with dns-packet: A, SRV (ClusterIP and headless), CNAME (ExternalName), PTR,
 * NXDOMAIN with the SOA, and a change (new clusterIP, new endpoint, deleted service) answered within
 * a second.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RestClient } from '../../src/client/rest.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { startDnsFromInformers } from '../../src/dns/informers.js';
import type { DnsServer } from '../../src/dns/server.js';
import { query, tcpQuery, udpQuery, type Decoded } from '../../src/dns/testutil.js';
import { TestServer, eventually, freePort } from '../support/server.js';

const data = (r: Decoded): unknown[] => (r.answers ?? []).map((a) => (a as { data: unknown }).data);

const objects = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '10.43.0.50', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'default' }, spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'example.com' } },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'db-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'db' } },
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['10.42.0.5'], hostname: 'db-0', conditions: { ready: true } },
        { addresses: ['10.42.0.6'], hostname: 'db-1', conditions: { ready: false } },
      ],
      ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
    },
  ],
};

describe('cluster DNS from informers', { timeout: 90_000 }, () => {
  let server: TestServer;
  let dnsSrv: DnsServer;
  const ac = new AbortController();

  before(async () => {
    server = await TestServer.start();
    await server.k(['apply', '-f', '-'], JSON.stringify(objects));
    const client = new RestClient(loadKubeconfig(server.kubeconfig), { qps: 'unlimited' });
    dnsSrv = await startDnsFromInformers(client, { clusterDomain: 'cluster.local', host: '127.0.0.1', port: await freePort(), signal: ac.signal });
  });

  after(async () => {
    ac.abort();
    await dnsSrv?.close();
    await server?.destroy();
  });

  it('answers A over UDP and TCP for a ClusterIP service', async () => {
    for (const ask of [udpQuery, tcpQuery]) {
      const r = await ask(query('web.default.svc.cluster.local', 'A'), dnsSrv.port);
      assert.equal(r.rcode, 'NOERROR');
      assert.deepEqual(data(r), ['10.43.0.50']);
    }
    assert.equal((await udpQuery(query('web.default.svc.cluster.local', 'AAAA'), dnsSrv.port)).answers!.length, 0);
  });

  it('answers SRV for ClusterIP and headless services, and the headless A records', async () => {
    const srv = await udpQuery(query('_http._tcp.web.default.svc.cluster.local', 'SRV'), dnsSrv.port);
    assert.deepEqual(data(srv), [{ priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' }]);
    const hsrv = await tcpQuery(query('_pg._tcp.db.default.svc.cluster.local', 'SRV'), dnsSrv.port);
    assert.deepEqual(data(hsrv), [{ priority: 0, weight: 100, port: 5432, target: 'db-0.db.default.svc.cluster.local' }]);
    assert.deepEqual(data(await udpQuery(query('db.default.svc.cluster.local', 'A'), dnsSrv.port)), ['10.42.0.5']);
    assert.deepEqual(data(await udpQuery(query('db-0.db.default.svc.cluster.local', 'A'), dnsSrv.port)), ['10.42.0.5']);
  });

  it('answers CNAME for an ExternalName service and PTR for service and endpoint IPs', async () => {
    const c = await udpQuery(query('ext.default.svc.cluster.local', 'A'), dnsSrv.port);
    assert.deepEqual(c.answers!.map((a) => [a.type, (a as { data: unknown }).data]), [['CNAME', 'example.com']]);
    assert.deepEqual(data(await udpQuery(query('50.0.43.10.in-addr.arpa', 'PTR'), dnsSrv.port)), ['web.default.svc.cluster.local']);
    assert.deepEqual(data(await tcpQuery(query('5.0.42.10.in-addr.arpa', 'PTR'), dnsSrv.port)), ['db-0.db.default.svc.cluster.local']);
  });

  it('answers NXDOMAIN with the SOA for unknown names, REFUSED outside the domain', async () => {
    const r = await udpQuery(query('nope.default.svc.cluster.local', 'A'), dnsSrv.port);
    assert.equal(r.rcode, 'NXDOMAIN');
    assert.equal(r.authorities![0]!.type, 'SOA');
    assert.equal((await udpQuery(query('example.com', 'A'), dnsSrv.port)).rcode, 'REFUSED');
  });

  it('answers changes within a second', async () => {
    const within = async (what: string, fn: () => Promise<boolean>): Promise<void> => {
      const t0 = Date.now();
      await eventually(fn, 1000, 20).catch((e) => assert.fail(`${what}: ${String(e)}`));
      assert.ok(Date.now() - t0 <= 1100, `${what} took ${Date.now() - t0} ms`);
    };
    await server.k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'late', namespace: 'default' }, spec: { clusterIP: '10.43.0.51', ports: [{ port: 80 }] } }));
    await within('new service', async () => JSON.stringify(data(await udpQuery(query('late.default.svc.cluster.local', 'A'), dnsSrv.port))) === '["10.43.0.51"]');
    await server.k(['patch', 'endpointslice', 'db-1', '--type', 'json', '-p', JSON.stringify([{ op: 'replace', path: '/endpoints/1/conditions/ready', value: true }])]);
    await within('endpoint ready', async () => JSON.stringify(data(await udpQuery(query('db.default.svc.cluster.local', 'A'), dnsSrv.port))) === '["10.42.0.5","10.42.0.6"]');
    await server.k(['delete', 'service', 'late']);
    await within('deleted service', async () => (await udpQuery(query('late.default.svc.cluster.local', 'A'), dnsSrv.port)).rcode === 'NXDOMAIN');
  });
});
