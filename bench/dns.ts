/**
 * Cluster DNS benchmark: queries/s and latency percentiles over UDP on 127.0.0.1 with N concurrent
 * clients (each its own socket, one query in flight), against a zone of `--services` ClusterIP
 * services plus 10% headless services with 10 endpoints each. The query mix is A of a service,
 * A of a headless service, SRV of a named port and an unknown name (NXDOMAIN); `--churn` replaces
 * that many EndpointSlice objects a second while querying. Server and clients
 * share one process (and event loop), so the figures are a lower bound. Prints figures; not a test.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/dns.js [--clients 16] [--seconds 5] [--services 1000] [--churn 0]
 */
import { createSocket, type Socket } from 'node:dgram';
import { parseArgs } from 'node:util';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { ClusterDns, type IndexedDnsSource } from '../src/dns/resolver.js';
import { startDnsServer } from '../src/dns/server.js';
import { query } from '../src/dns/testutil.js';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '5' },
    services: { type: 'string', default: '1000' },
    churn: { type: 'string', default: '0' },
  },
});
const CLIENTS = Number(args.clients);
const SECONDS = Number(args.seconds);
const SERVICES = Number(args.services);
const CHURN = Number(args.churn);

const services: Service[] = [];
const slices: EndpointSlice[] = [];
for (let i = 0; i < SERVICES; i++) {
  const headless = i % 10 === 0;
  const ns = `ns${i % 20}`;
  services.push({
    metadata: { name: `svc${i}`, namespace: ns },
    spec: { clusterIP: headless ? 'None' : `10.43.${(i >> 8) & 255}.${i & 255}`, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
  });
  slices.push({
    addressType: 'IPv4',
    metadata: { name: `svc${i}-x`, namespace: ns, labels: { 'kubernetes.io/service-name': `svc${i}` } },
    endpoints: Array.from({ length: headless ? 10 : 3 }, (_, j) => ({ addresses: [`10.42.${i & 255}.${j + 1}`], conditions: { ready: true } })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  });
}
const names: Array<[string, 'A' | 'SRV']> = [];
for (let i = 0; i < SERVICES; i++) {
  const base = `svc${i}.ns${i % 20}.svc.cluster.local`;
  names.push([base, 'A'], [`_http._tcp.${base}`, 'SRV'], [`nope${i}.ns${i % 20}.svc.cluster.local`, 'A']);
}

// Indexed reads as the informer source gives them (Maps instead of informer indexes).
const svcByKey = new Map(services.map((s) => [`${s.metadata!.namespace}/${s.metadata!.name}`, s]));
const slicesByKey = new Map(slices.map((s) => [`${s.metadata!.namespace}/${s.metadata!.labels!['kubernetes.io/service-name']}`, [s]]));
const lookup: IndexedDnsSource = {
  service: (ns, name) => svcByKey.get(`${ns}/${name}`),
  slicesOf: (ns, svc) => slicesByKey.get(`${ns}/${svc}`) ?? [],
  hasServices: () => true,
  byIP: () => ({ services: [], slices: [] }),
};
const ac = new AbortController();
const dns = new ClusterDns({ source: { services: () => services, endpointSlices: () => slices, lookup }, clusterDomain: 'cluster.local' });
// --churn: replace this many EndpointSlice objects per second (as endpoint updates do).
let churned = 0;
const churnTimer = CHURN > 0 ? setInterval(() => {
  for (let k = 0; k < CHURN / 100; k++) {
    const i = churned++ % SERVICES;
    const key = `ns${i % 20}/svc${i}`;
    const old = slicesByKey.get(key)![0]!;
    slicesByKey.set(key, [{ ...old, endpoints: [...(old.endpoints ?? [])].reverse() }]);
  }
}, 10) : undefined;
const srv = await startDnsServer({ dns, host: '127.0.0.1', port: 0, signal: ac.signal });

const latencies: number[] = [];
let timeouts = 0;
const deadline = performance.now() + SECONDS * 1000;

async function client(c: number): Promise<void> {
  const sock: Socket = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  let waiting: { id: number; done: () => void } | undefined;
  sock.on('message', (m) => {
    if (waiting && m.readUInt16BE(0) === waiting.id) waiting.done();
  });
  let i = c * 7919;
  while (performance.now() < deadline) {
    const [name, type] = names[i++ % names.length]!;
    const id = i & 0xffff;
    const q = query(name, type, { id });
    const t0 = performance.now();
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 1000);
      waiting = { id, done: () => (clearTimeout(timer), resolve(true)) };
      sock.send(q, srv.port, '127.0.0.1');
    });
    if (ok) latencies.push(performance.now() - t0);
    else timeouts++;
  }
  sock.close();
}

const t0 = performance.now();
await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
const elapsed = (performance.now() - t0) / 1000;
clearInterval(churnTimer);
ac.abort();
await srv.close();

latencies.sort((a, b) => a - b);
const pct = (p: number): string => (latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN).toFixed(2);
console.log(
  `dns udp: ${CLIENTS} clients, ${SERVICES} services, churn ${CHURN}/s, ${elapsed.toFixed(1)} s: ${(latencies.length / elapsed).toFixed(0)} queries/s, ` +
    `p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${pct(100)} ms, timeouts ${timeouts}`,
);
