/**
 * The userspace proxier for real (needs root), inside network namespaces this test creates, so the
 * host's tables are never touched:
 *
 *   node ns  k8ts-us-<pid>       the "node": runs the proxier process itself (a driver script under
 *                                `ip netns exec`, since its sockets must live where its iptables rules
 *                                redirect); bridge 10.244.0.1/24 (also carrying the service CIDR route),
 *                                veth 192.168.77.1/24 to the outside client
 *   backend  k8ts-us-<pid>-b1/b2  10.244.0.2 / .3: http on :8080 and UDP echo on :5353
 *   client   k8ts-us-<pid>-c     192.168.77.2 (PREROUTING path)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { slice, svc } from '../../src/proxy/testdata.js';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { buildProxyTopology, inNs, probe, waitForBackends, type ProxyTopology } from '../support/netns.js';

const ID = process.pid % 100000;
const NS = `k8ts-us-${ID}`;
const CL = `${NS}-c`;
const SKIP = process.getuid?.() !== 0 ? 'needs root' : false;


/** Sends `n` datagrams from fresh sockets in `ns`; each result is the reply or `TIMEOUT`. */
function udpProbe(ns: string, host: string, port: number, n = 1): string[] {
  const script = `
    const dgram = require('dgram'); const out = [];
    const one = (i) => new Promise((res) => { const s = dgram.createSocket('udp4');
      const t = setTimeout(() => { s.close(); res('TIMEOUT'); }, 1500);
      s.on('message', (m) => { clearTimeout(t); s.close(); res(String(m)); }); s.send('q' + i, ${port}, ${JSON.stringify(host)}); });
    (async () => { for (let i = 0; i < ${n}; i++) out.push(await one(i)); console.log(JSON.stringify(out)); })();`;
  return JSON.parse(inNs(ns, process.execPath, '-e', script)) as string[];
}

/** The proxier process, inside the node namespace, driven over JSON lines on stdin/stdout. */
function startDriver(): { call(op: string, arg?: unknown): Promise<unknown>; proc: ChildProcess } {
  const proxierUrl = new URL('../../src/proxy/userspace/proxier.js', import.meta.url).href;
  const loggerUrl = new URL('../../src/util/logger.js', import.meta.url).href;
  const script = `
    import { createInterface } from 'node:readline';
    const { UserspaceProxier } = await import(${JSON.stringify(proxierUrl)});
    const { silentLogger } = await import(${JSON.stringify(loggerUrl)});
    let state = { services: [], slices: [] };
    const p = new UserspaceProxier({ source: { services: () => state.services, endpointSlices: () => state.slices },
      nodeName: 'node1', command: [], minSyncPeriodMs: 0, log: silentLogger });
    const ops = {
      sync: async (a) => { state = a; await p.sync(); return p.lastStats; },
      stats: async () => Object.fromEntries(p.stats()),
      cleanup: async () => { await p.cleanup(); return null; },
    };
    for await (const line of createInterface({ input: process.stdin })) {
      const { id, op, arg } = JSON.parse(line);
      try { process.stdout.write(JSON.stringify({ id, result: await ops[op](arg) }) + '\\n'); }
      catch (e) { process.stdout.write(JSON.stringify({ id, err: String(e?.message ?? e) }) + '\\n'); }
    }`;
  const proc = spawn('ip', ['netns', 'exec', NS, process.execPath, '--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    const m = JSON.parse(line) as { id: number; result?: unknown; err?: string };
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.err !== undefined) w?.reject(new Error(m.err));
    else w?.resolve(m.result);
  });
  proc.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`driver exited (${code})`));
    waiting.clear();
  });
  let next = 0;
  return {
    proc,
    call(op, arg) {
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        proc.stdin!.write(JSON.stringify({ id, op, arg }) + '\n');
      });
    },
  };
}

describe('userspace proxier in a network namespace', { skip: SKIP, timeout: 60_000 }, () => {
  const procs: ChildProcess[] = [];
  let topo: ProxyTopology | undefined;
  let services: Service[] = [];
  let slices: EndpointSlice[] = [];
  let driver: ReturnType<typeof startDriver>;
  const sync = () => driver.call('sync', { services, slices });

  before(() => {
    topo = buildProxyTopology(NS, (name) =>
      `require('http').createServer((q, r) => r.end('${name} ' + q.socket.remoteAddress)).listen(8080);
       const u = require('dgram').createSocket('udp4'); u.on('message', (m, ri) => u.send('${name} ' + m, ri.port, ri.address)); u.bind(5353);`);
    driver = startDriver();
    procs.push(driver.proc);
    waitForBackends(topo);
  });

  after(() => {
    for (const p of procs) p.kill();
    topo?.destroy();
  });

  it('spreads a cluster IP over both endpoints from another namespace and from the node', async () => {
    services = [
      svc('default', 'web', '10.96.0.10', { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }] }),
      svc('default', 'echo', '10.96.0.20', { ports: [{ name: 'u', port: 53, protocol: 'UDP' }] }),
    ];
    slices = [
      slice('default', 'web', [{ ip: '10.244.0.2' }, { ip: '10.244.0.3' }]),
      slice('default', 'echo', [{ ip: '10.244.0.2' }, { ip: '10.244.0.3' }], [{ name: 'u', port: 5353, protocol: 'UDP' }]),
    ];
    await sync();
    const got = probe(CL, 'http://10.96.0.10/', 40);
    const b1 = got.filter((b) => b.startsWith('b1 ')).length;
    const b2 = got.filter((b) => b.startsWith('b2 ')).length;
    assert.equal(b1 + b2, 40, got.join(','));
    assert.ok(b1 >= 10 && b2 >= 10, `b1=${b1} b2=${b2}`);
    // the backends see the proxy (the node), not the client
    assert.ok(got.every((b) => /^b[12] (::ffff:)?10\.244\.0\.1$/.test(b)), got[0]);
    const local = probe(NS, 'http://10.96.0.10/', 6);
    assert.ok(local.every((b) => /^b[12] /.test(b)), local.join(','));
    const save = inNs(NS, 'iptables-save', '-t', 'nat');
    assert.match(save, /-A PREROUTING -m comment --comment "handle ClusterIPs; NOTE: this must be before the NodePort rules" -j K8TS-PORTALS-CONTAINER/);
    assert.match(save, /-A OUTPUT -m addrtype --dst-type LOCAL -m comment --comment "handle service NodePorts; NOTE: this must be the last rule in the chain" -j K8TS-NODEPORT-HOST/);
    for (const m of save.matchAll(/^:(\S+) - /gm)) assert.match(m[1]!, /^K8TS-/);
  });

  it('answers on the node port from outside and from the node', () => {
    assert.match(probe(CL, 'http://192.168.77.1:30080/')[0]!, /^b[12] /);
    assert.match(probe(NS, 'http://10.244.0.1:30080/')[0]!, /^b[12] /);
  });

  it('forwards UDP through the portal', async () => {
    const got = udpProbe(CL, '10.96.0.20', 53, 6);
    assert.ok(got.every((r, i) => /^b[12] q\d$/.test(r) && r.endsWith(`q${i}`)), got.join(','));
    assert.ok(got.some((r) => r.startsWith('b1')) && got.some((r) => r.startsWith('b2')), got.join(','));
    assert.match(udpProbe(NS, '10.96.0.20', 53)[0]!, /^b[12] q0$/);
    const stats = (await driver.call('stats')) as Record<string, { packetsIn: number; packetsOut: number }>;
    assert.equal(stats['default/echo:u/UDP']!.packetsOut, 7);
  });

  it('keeps ClientIP affinity', async () => {
    services = [...services, svc('default', 'sticky', '10.96.0.12', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } })];
    slices = [...slices, slice('default', 'sticky', [{ ip: '10.244.0.2' }, { ip: '10.244.0.3' }])];
    await sync();
    const got = new Set(probe(CL, 'http://10.96.0.12/', 15).map((b) => b.split(' ')[0]));
    assert.equal(got.size, 1, [...got].join(','));
  });

  it('stops sending to a removed endpoint after the next sync (without touching iptables)', async (t) => {
    slices = slices.map((s) => (s.metadata!.name === 'web-a' ? slice('default', 'web', [{ ip: '10.244.0.2' }]) : s));
    const st = (await sync()) as { applied: boolean; seconds: number };
    assert.equal(st.applied, false, 'endpoints live in the proxy, not in the rules');
    t.diagnostic(`unchanged-rules sync: ${(st.seconds * 1000).toFixed(1)} ms`);
    const got = probe(CL, 'http://10.96.0.10/', 12);
    assert.ok(got.every((b) => b.startsWith('b1 ')), got.join(','));
  });

  it('resets connections to a service without endpoints quickly', async () => {
    services = [...services, svc('default', 'empty', '10.96.0.11')];
    await sync();
    const t0 = Date.now();
    assert.deepEqual(probe(CL, 'http://10.96.0.11/'), ['ERR:ECONNRESET']);
    assert.ok(Date.now() - t0 < 1500, `${Date.now() - t0} ms`);
  });

  it('cleanup closes the sockets and leaves no K8TS- chains', async () => {
    await driver.call('cleanup');
    assert.doesNotMatch(inNs(NS, 'iptables-save'), /K8TS-/);
    assert.equal(inNs(NS, 'ss', '-Htlnu').trim(), '');
  });
});
