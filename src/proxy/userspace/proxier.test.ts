/**
 * The userspace proxier's sockets for real on 127.0.0.0/8 (backends on 127.0.0.2/.3, a dead one on
 * .4), with fake iptables binaries: clients connect straight to the portal port the rules would
 * redirect to.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import dgram from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { ProxySource } from '../iptables/proxier.js';
import { slice, svc } from '../testdata.js';
import { silentLogger } from '../../util/logger.js';
import { UserspaceProxier } from './proxier.js';

function fakes() {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-us-'));
  const w = (name: string, body: string) => {
    const p = join(dir, name);
    writeFileSync(p, `#!/bin/sh\n${body}\n`);
    chmodSync(p, 0o755);
    return p;
  };
  return {
    dir,
    iptables: w('iptables', `echo "$*" >> ${dir}/calls; case "$*" in *" -C "*) [ -f ${dir}/jumps ] && exit 0; exit 1;; *" -D "*) exit 1;; esac; exit 0`),
    iptablesRestore: w('restore', `cat >> ${dir}/restored; echo "----" >> ${dir}/restored`),
    iptablesSave: w('save', `[ -f ${dir}/save.txt ] && cat ${dir}/save.txt; exit 0`),
    calls: () => (existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n') : []),
    restored: () => (existsSync(join(dir, 'restored')) ? readFileSync(join(dir, 'restored'), 'utf8').split('----\n').filter(Boolean) : []),
  };
}

/** One TCP exchange: send `req`, half-close, read until the server ends. Resolves the reply or `ERR:<code>`. */
function tcpAsk(port: number, req = 'hi', opts: { localAddress?: string } = {}): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port, ...opts });
    let b = '';
    s.on('data', (d) => (b += d));
    s.on('end', () => resolve(b));
    s.on('error', (e: NodeJS.ErrnoException) => resolve(`ERR:${e.code}`));
    s.on('connect', () => s.end(req));
  });
}

function udpAsk(port: number, msg: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => (s.close(), resolve('TIMEOUT')), timeoutMs);
    s.on('message', (m) => (clearTimeout(t), s.close(), resolve(m.toString())));
    s.send(msg, port, '127.0.0.1');
  });
}

describe('userspace proxier on loopback', () => {
  const f = fakes();
  const backends: Array<net.Server | dgram.Socket> = [];
  let services: Service[] = [];
  let slices: EndpointSlice[] = [];
  const source = { services: () => services, endpointSlices: () => slices } satisfies ProxySource;
  const synced: number[] = [];
  const p = new UserspaceProxier({
    source, nodeName: 'n', bindAddress: '127.0.0.1', minSyncPeriodMs: 0, udpIdleTimeoutMs: 100, dialTimeoutsMs: [200, 200, 200],
    iptables: f.iptables, iptablesRestore: f.iptablesRestore, iptablesSave: f.iptablesSave, log: silentLogger, onSync: (s) => synced.push(s.seconds),
  });
  let held: net.Socket | undefined;

  before(async () => {
    for (const [ip, name] of [['127.0.0.2', 'b1'], ['127.0.0.3', 'b2']] as const) {
      // Echoes `<name> <request>` once the client half-closes: the reply proves FIN was passed on.
      const srv = net.createServer({ allowHalfOpen: true }, (c) => {
        let b = '';
        c.on('data', (d) => (b += d));
        c.on('end', () => c.end(`${name} ${b}`));
        c.on('error', () => {});
      });
      await new Promise<void>((r) => srv.listen(18080, ip, r));
      const u = dgram.createSocket('udp4');
      u.on('message', (m, ri) => u.send(`${name} ${m}`, ri.port, ri.address));
      await new Promise<void>((r) => u.bind(15353, ip, r));
      backends.push(srv, u);
    }
  });

  after(async () => {
    held?.destroy();
    await p.cleanup().catch(() => undefined);
    for (const b of backends) b.close();
    rmSync(f.dir, { recursive: true, force: true });
  });

  it('opens one socket per service port, renders rules once, inserts jumps only when missing', async () => {
    services = [
      svc('default', 'web', '10.96.0.10', { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }] }),
      svc('default', 'dns', '10.96.0.53', { ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }),
      svc('default', 'sctp', '10.96.0.54', { ports: [{ name: 's', port: 9, protocol: 'SCTP' }] }),
      svc('default', 'empty', '10.96.0.11'),
    ];
    slices = [
      slice('default', 'web', [{ ip: '127.0.0.2' }, { ip: '127.0.0.3' }, { ip: '127.0.0.4', ready: false }], [{ name: 'http', port: 18080 }]),
      slice('default', 'dns', [{ ip: '127.0.0.2' }, { ip: '127.0.0.3' }], [{ name: 'dns', port: 15353, protocol: 'UDP' }]),
    ];
    await p.sync();
    assert.deepEqual([...p.stats().keys()].sort(), ['default/dns:dns/UDP', 'default/empty:http/TCP', 'default/web:http/TCP']);
    const webPort = p.proxyPort('default/web:http/TCP')!;
    const [nat] = f.restored();
    assert.ok(nat!.includes(`-A K8TS-NODEPORT-HOST -p tcp -m comment --comment "default/web:http" -m tcp --dport 30080 -j DNAT --to-destination 127.0.0.1:${webPort}`), nat);
    assert.equal(f.calls().filter((c) => / -I | -A /.test(c)).length, 4);
    assert.equal(synced.length, 1);
    // unchanged and still installed: nothing restored, sockets kept
    writeFileSync(join(f.dir, 'save.txt'), '*nat\n:K8TS-PORTALS-CONTAINER - [0:0]\n:K8TS-NODEPORT-HOST - [0:0]\nCOMMIT\n');
    writeFileSync(join(f.dir, 'jumps'), '');
    await p.sync();
    assert.equal(p.lastStats?.applied, false);
    assert.equal(f.calls().filter((c) => / -C /.test(c)).length, 8, 'jumps not in iptables-save: checked again');
    writeFileSync(join(f.dir, 'save.txt'), [
      '*nat', ':K8TS-PORTALS-CONTAINER - [0:0]', ':K8TS-NODEPORT-HOST - [0:0]',
      '-A PREROUTING -m comment --comment "handle ClusterIPs; NOTE: this must be before the NodePort rules" -j K8TS-PORTALS-CONTAINER',
      '-A OUTPUT -m comment --comment "handle ClusterIPs; NOTE: this must be before the NodePort rules" -j K8TS-PORTALS-HOST',
      '-A PREROUTING -m addrtype --dst-type LOCAL -j K8TS-NODEPORT-CONTAINER',
      '-A OUTPUT -m addrtype --dst-type LOCAL -j K8TS-NODEPORT-HOST', 'COMMIT', ''].join('\n'));
    await p.sync();
    assert.equal(p.lastStats?.applied, false);
    assert.equal(f.calls().filter((c) => / -C /.test(c)).length, 8, 'an unchanged sync runs iptables-save only');
    assert.equal(f.restored().length, 1);
    assert.equal(p.proxyPort('default/web:http/TCP'), webPort);
    assert.equal(f.calls().filter((c) => / -I | -A /.test(c)).length, 4);
  });

  it('forwards TCP round robin with half-close, and counts bytes', async () => {
    const port = p.proxyPort('default/web:http/TCP')!;
    const got = await Promise.all(Array.from({ length: 10 }, (_, i) => tcpAsk(port, `r${i}`)));
    const names = got.map((g) => g.split(' ')[0]);
    assert.equal(names.filter((n) => n === 'b1').length, 5, got.join(','));
    assert.equal(names.filter((n) => n === 'b2').length, 5);
    assert.ok(got.every((g, i) => g.endsWith(` r${i}`)));
    await sleep(20);
    const st = p.stats().get('default/web:http/TCP')!;
    assert.equal(st.connectionsAccepted, 10);
    assert.equal(st.active, 0);
    assert.equal(st.bytesIn, got.reduce((n, _, i) => n + `r${i}`.length, 0));
    assert.equal(st.bytesOut, got.join('').length);
    const t = p.traffic().filter((x) => x.servicePort === 'default/web:http');
    assert.deepEqual(t.map((x) => [x.endpoint, x.connections]).sort(), [['127.0.0.2:18080', 5], ['127.0.0.3:18080', 5]]);
  });

  it('resets connections of a service without endpoints at once', async () => {
    const t0 = Date.now();
    assert.equal(await tcpAsk(p.proxyPort('default/empty:http/TCP')!), 'ERR:ECONNRESET');
    assert.ok(Date.now() - t0 < 500);
    assert.equal(p.stats().get('default/empty:http/TCP')!.noEndpoint, 1);
  });

  it('a dead endpoint is skipped by retrying the next one', async () => {
    slices = [slice('default', 'web', [{ ip: '127.0.0.2' }, { ip: '127.0.0.4' }], [{ name: 'http', port: 18080 }]), slices[1]!];
    await p.sync();
    const got = await Promise.all(Array.from({ length: 6 }, () => tcpAsk(p.proxyPort('default/web:http/TCP')!)));
    assert.ok(got.every((g) => g.startsWith('b1 ')), got.join(','));
  });

  it('ClientIP affinity keeps one backend per client IP', async () => {
    services = services.map((s) => (s.metadata!.name === 'web' ? { ...s, spec: { ...s.spec, sessionAffinity: 'ClientIP' } } : s));
    slices = [slice('default', 'web', [{ ip: '127.0.0.2' }, { ip: '127.0.0.3' }], [{ name: 'http', port: 18080 }]), slices[1]!];
    await p.sync();
    const port = p.proxyPort('default/web:http/TCP')!;
    for (const localAddress of ['127.0.0.5', '127.0.0.6']) {
      const got = new Set<string>();
      for (let i = 0; i < 6; i++) got.add((await tcpAsk(port, 'x', { localAddress })).split(' ')[0]!);
      assert.equal(got.size, 1, [...got].join(','));
    }
  });

  it('forwards UDP per client session and expires idle sessions', async () => {
    const port = p.proxyPort('default/dns:dns/UDP')!;
    const got = await Promise.all(Array.from({ length: 4 }, (_, i) => udpAsk(port, `q${i}`)));
    assert.deepEqual(got.map((g) => g.split(' ')[0]).sort(), ['b1', 'b1', 'b2', 'b2']);
    assert.ok(got.every((g, i) => g.endsWith(` q${i}`)));
    const st = p.stats().get('default/dns:dns/UDP')!;
    assert.equal(st.packetsIn, 4);
    assert.equal(st.packetsOut, 4);
    assert.equal(st.active, 4);
    await sleep(250);
    assert.equal(p.stats().get('default/dns:dns/UDP')!.active, 0);
  });

  it('a UDP session to a dead endpoint ends on the ICMP error and the client moves on', async () => {
    services = [...services, svc('default', 'dns2', '10.96.0.55', { sessionAffinity: 'ClientIP', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] })];
    slices = [...slices, slice('default', 'dns2', [{ ip: '127.0.0.2' }, { ip: '127.0.0.4' }], [{ name: 'dns', port: 15353, protocol: 'UDP' }], 'b')];
    await p.sync();
    const port = p.proxyPort('default/dns2:dns/UDP')!;
    // Several client addresses; each asks (from one socket) until answered.
    for (const localAddress of ['127.0.0.7', '127.0.0.8', '127.0.0.9']) {
      const s = dgram.createSocket('udp4');
      await new Promise<void>((r) => s.bind(0, localAddress, r));
      let reply = '';
      for (let i = 0; i < 4 && !reply; i++) {
        s.send(`a${i}`, port, '127.0.0.1');
        reply = await new Promise<string>((r) => {
          const t = setTimeout(() => r(''), 80);
          s.once('message', (m) => (clearTimeout(t), r(String(m))));
        });
      }
      s.close();
      assert.match(reply, /^b1 a[0-3]$/, localAddress);
    }
    const dead = p.traffic().find((t) => t.servicePort === 'default/dns2:dns' && t.endpoint === '127.0.0.4:15353');
    assert.ok(dead && dead.connections >= 1, 'some client was first sent to the dead endpoint');
  });

  it('removing a service closes its socket and its open connections', async () => {
    const port = p.proxyPort('default/web:http/TCP')!;
    held = net.connect({ host: '127.0.0.1', port });
    held.on('error', () => {});
    await new Promise((r) => held!.once('connect', r));
    await sleep(50);
    assert.equal(p.stats().get('default/web:http/TCP')!.active, 1);
    const closed = new Promise((r) => held!.once('close', r));
    services = services.filter((s) => s.metadata!.name !== 'web');
    await p.sync();
    await closed;
    assert.equal(p.proxyPort('default/web:http/TCP'), undefined);
    assert.equal(p.lastStats?.closed, 1);
    assert.equal(await tcpAsk(port), 'ERR:ECONNREFUSED');
    assert.doesNotMatch(f.restored().at(-1)!, /default\/web/);
  });

  it('cleanup closes every socket and deletes only our chains', async () => {
    const dnsPort = p.proxyPort('default/dns:dns/UDP')!;
    await p.cleanup();
    assert.deepEqual([...p.stats().keys()], []);
    const dels = f.calls().filter((c) => / -D /.test(c));
    assert.equal(dels.length, 4);
    assert.equal(f.restored().at(-1), '*nat\n:K8TS-PORTALS-CONTAINER - [0:0]\n:K8TS-NODEPORT-HOST - [0:0]\n-X K8TS-PORTALS-CONTAINER\n-X K8TS-NODEPORT-HOST\nCOMMIT\n');
    // the port is free again
    const u = dgram.createSocket('udp4');
    await new Promise<void>((r) => u.bind(dnsPort, '127.0.0.1', r));
    u.close();
    await p.sync(); // stopped: no-op
    assert.deepEqual([...p.stats().keys()], []);
  });
});
