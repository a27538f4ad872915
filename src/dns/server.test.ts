import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { ClusterDns } from './resolver.js';
import { startDnsServer } from './server.js';
import { decode, query, tcpQuery, udpQuery } from './testutil.js';

const services: Service[] = [
  { metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '10.43.0.10', ports: [{ name: 'http', port: 80 }] } },
  { metadata: { name: 'big', namespace: 'default' }, spec: { clusterIP: 'None' } },
];
const slices: EndpointSlice[] = [
  {
    addressType: 'IPv4',
    metadata: { name: 'big-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'big' } },
    endpoints: Array.from({ length: 60 }, (_, i) => ({ addresses: [`10.42.1.${i + 1}`] })),
  },
];

describe('startDnsServer', () => {
  it('answers over UDP and TCP on one port, truncates big UDP replies, and stops on abort', async () => {
    const ac = new AbortController();
    const dns = new ClusterDns({ source: { services: () => services, endpointSlices: () => slices }, clusterDomain: 'cluster.local' });
    const srv = await startDnsServer({ dns, host: '127.0.0.1', port: 0, signal: ac.signal });
    assert.ok(srv.port > 0);
    const u = await udpQuery(query('web.default.svc.cluster.local', 'A'), srv.port);
    assert.deepEqual(u.answers!.map((a) => (a as { data: unknown }).data), ['10.43.0.10']);
    const t = await tcpQuery(query('web.default.svc.cluster.local', 'A'), srv.port);
    assert.deepEqual(t.answers!.map((a) => (a as { data: unknown }).data), ['10.43.0.10']);
    const bigUdp = await udpQuery(query('big.default.svc.cluster.local', 'A'), srv.port);
    assert.equal(bigUdp.flag_tc, true);
    const bigTcp = await tcpQuery(query('big.default.svc.cluster.local', 'A'), srv.port);
    assert.equal(bigTcp.flag_tc, false);
    assert.equal(bigTcp.answers!.length, 60);

    // Several queries in one TCP stream, split across writes.
    const frames = Buffer.concat(
      [query('web.default.svc.cluster.local', 'A', { id: 1 }), query('_http._tcp.web.default.svc.cluster.local', 'SRV', { id: 2 })].map((q) => {
        const f = Buffer.alloc(2 + q.length);
        f.writeUInt16BE(q.length, 0);
        q.copy(f, 2);
        return f;
      }),
    );
    const ids = await new Promise<number[]>((resolve, reject) => {
      const sock = connect({ host: '127.0.0.1', port: srv.port });
      let buf = Buffer.alloc(0);
      const got: number[] = [];
      sock.on('error', reject);
      sock.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          got.push(decode(buf.subarray(2, 2 + buf.readUInt16BE(0))).id!);
          buf = buf.subarray(2 + buf.readUInt16BE(0));
        }
        if (got.length === 2) {
          sock.destroy();
          resolve(got.sort());
        }
      });
      sock.write(frames.subarray(0, 7));
      setTimeout(() => sock.write(frames.subarray(7)), 20);
    });
    assert.deepEqual(ids, [1, 2]);

    ac.abort();
    await srv.close();
    await assert.rejects(tcpQuery(query('web.default.svc.cluster.local', 'A'), srv.port, '127.0.0.1', 300));
  });
});
