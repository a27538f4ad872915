/**
 * The iptables proxier applied for real (needs root), entirely inside network namespaces this test
 * creates, so the host's tables are never touched:
 *
 *   node ns  k8ts-px-<pid>      the "node": runs the proxier's iptables; bridge 10.244.0.1/24,
 *                               which also carries the route for the service CIDR 10.96.0.0/16,
 *                               veth 192.168.77.1/24 to the outside client
 *   backend  k8ts-px-<pid>-b1/b2  10.244.0.2 / .3 on the bridge, node http servers on :8080
 *   client   k8ts-px-<pid>-c    192.168.77.2, outside the cluster CIDR (PREROUTING path, masquerade)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IptablesProxier, type ProxySource } from '../../src/proxy/iptables/proxier.js';
import { slice, svc } from '../../src/proxy/testdata.js';
import { silentLogger } from '../../src/util/logger.js';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { buildProxyTopology, inNs, probe, waitForBackends, type ProxyTopology } from '../support/netns.js';

const ID = process.pid % 100000;
const NS = `k8ts-px-${ID}`;
const CL = `${NS}-c`;
const SKIP = process.getuid?.() !== 0 ? 'needs root' : false;


describe('iptables proxier in a network namespace', { skip: SKIP }, () => {
  let topo: ProxyTopology | undefined;
  let services: Service[] = [];
  let slices: EndpointSlice[] = [];
  const source = { services: () => services, endpointSlices: () => slices } satisfies ProxySource;
  let proxier: IptablesProxier;

  before(() => {
    topo = buildProxyTopology(NS, (name) => `require('http').createServer((q, r) => r.end('${name} ' + q.socket.remoteAddress)).listen(8080)`);
    proxier = new IptablesProxier({ source, nodeName: 'node1', clusterCidr: '10.244.0.0/16', command: ['ip', 'netns', 'exec', NS], minSyncPeriodMs: 0, log: silentLogger });
    waitForBackends(topo);
  });

  after(() => topo?.destroy());

  it('balances a cluster IP over both endpoints from the node (OUTPUT path)', async () => {
    services = [svc('default', 'web', '10.96.0.10', { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }] })];
    slices = [slice('default', 'web', [{ ip: '10.244.0.2', node: 'node1' }, { ip: '10.244.0.3', node: 'node2' }])];
    await proxier.sync();
    const got = probe(NS, 'http://10.96.0.10/', 30).map((b) => b.split(' ')[0]);
    assert.ok(got.includes('b1') && got.includes('b2'), got.join(','));
    const save = inNs(NS, 'iptables-save');
    assert.match(save, /-A PREROUTING -m comment --comment "kubernetes service portals" -j K8TS-SERVICES/);
    assert.match(save, /-A OUTPUT -m comment --comment "kubernetes service portals" -j K8TS-SERVICES/);
    assert.match(save, /-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j K8TS-POSTROUTING/);
    for (const m of save.matchAll(/^:(\S+) - /gm)) assert.match(m[1]!, /^K8TS-/);
  });

  it('masquerades off-cluster clients on cluster IP and node port (PREROUTING path)', () => {
    for (const url of ['http://10.96.0.10/', 'http://192.168.77.1:30080/']) {
      const [body] = probe(CL, url);
      assert.match(body!, /^b[12] (::ffff:)?10\.244\.0\.1$/, `${url}: ${body}`);
    }
  });

  it('rejects a service without endpoints and keeps ClientIP affinity', async () => {
    services = [
      ...services,
      svc('default', 'empty', '10.96.0.11'),
      svc('default', 'sticky', '10.96.0.12', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }),
    ];
    slices = [...slices, slice('default', 'sticky', [{ ip: '10.244.0.2' }, { ip: '10.244.0.3' }])];
    await proxier.sync();
    assert.deepEqual(probe(NS, 'http://10.96.0.11/'), ['ERR:ECONNREFUSED']);
    const sticky = new Set(probe(NS, 'http://10.96.0.12/', 15).map((b) => b.split(' ')[0]));
    assert.equal(sticky.size, 1, [...sticky].join(','));
  });

  it('a partial sync moves one service to new endpoints, leaves the others working and deletes removed chains', async () => {
    const base = { services, slices };
    services = [...base.services, svc('default', 'solo', '10.96.0.13'), svc('default', 'gone', '10.96.0.14')];
    slices = [...base.slices, slice('default', 'solo', [{ ip: '10.244.0.2' }]), slice('default', 'gone', [{ ip: '10.244.0.3' }])];
    await proxier.sync();
    assert.equal(proxier.lastStats?.partial, true);
    assert.deepEqual(new Set(probe(NS, 'http://10.96.0.13/', 5).map((b) => b.split(' ')[0])), new Set(['b1']));
    assert.deepEqual(new Set(probe(NS, 'http://10.96.0.14/', 3).map((b) => b.split(' ')[0])), new Set(['b2']));
    const webChains = (inNs(NS, 'iptables-save', '-t', 'nat').match(/^-A K8TS-SERVICES .*"default\/web:http cluster IP".*-j (K8TS-SVC-\S+)$/m) ?? [])[1];
    assert.ok(webChains);
    const webRulesBefore = inNs(NS, 'iptables-save', '-t', 'nat').split('\n').filter((l) => l.startsWith(`-A ${webChains} `));

    // solo: b1 → b2; gone: removed
    services = services.filter((s) => s.metadata!.name !== 'gone');
    slices = [...base.slices, slice('default', 'solo', [{ ip: '10.244.0.3' }])];
    await proxier.sync();
    assert.equal(proxier.lastStats?.partial, true);
    assert.equal(proxier.lastStats?.serviceChainsWritten, 2, 'solo SVC + its new SEP');
    assert.equal(proxier.lastStats?.chainsDeleted, 3, 'solo old SEP + gone SVC and SEP');
    assert.deepEqual(new Set(probe(NS, 'http://10.96.0.13/', 5).map((b) => b.split(' ')[0])), new Set(['b2']));
    const web = new Set(probe(NS, 'http://10.96.0.10/', 30).map((b) => b.split(' ')[0]));
    assert.deepEqual(web, new Set(['b1', 'b2']), 'unchanged service still balances');
    assert.match(probe(CL, 'http://192.168.77.1:30080/')[0]!, /^b[12] /, 'node port still answers');
    const nat = inNs(NS, 'iptables-save', '-t', 'nat');
    assert.doesNotMatch(nat, /default\/gone/);
    assert.deepEqual(nat.split('\n').filter((l) => l.startsWith(`-A ${webChains} `)), webRulesBefore);
    for (const m of nat.matchAll(/-j (K8TS-(?:SVC|SEP)-\S+)/g)) assert.match(nat, new RegExp(`^:${m[1]} `, 'm'), `jump target ${m[1]} exists`);
    assert.equal((nat.match(/^:K8TS-SVC-/gm) ?? []).length, 3); // web, sticky, solo

    // the nat table flushed behind the proxier's back (only inside this test's namespace): the next sync is full
    inNs(NS, 'iptables', '-t', 'nat', '-F');
    assert.match(probe(NS, 'http://10.96.0.13/')[0]!, /^ERR:/, 'flushed: the cluster IP no longer answers');
    await proxier.sync();
    assert.equal(proxier.lastStats?.partial, false);
    assert.deepEqual(new Set(probe(NS, 'http://10.96.0.13/', 3).map((b) => b.split(' ')[0])), new Set(['b2']));

    services = base.services;
    slices = base.slices;
    await proxier.sync();
    assert.equal(proxier.lastStats?.partial, true);
    assert.equal(proxier.lastStats?.chainsDeleted, 2);
  });

  it('deletes stale chains on resync, skips unchanged syncs, and cleanup removes everything', async () => {
    const before = (inNs(NS, 'iptables-save', '-t', 'nat').match(/^:K8TS-(SVC|SEP)-/gm) ?? []).length;
    assert.equal(before, 2 + 4); // SVC chains of web and sticky, two SEP chains each
    services = services.filter((s) => s.metadata!.name !== 'sticky');
    slices = slices.filter((s) => s.metadata!.name !== 'sticky-a');
    await proxier.sync();
    const nat = inNs(NS, 'iptables-save', '-t', 'nat');
    assert.equal((nat.match(/^:K8TS-SVC-/gm) ?? []).length, 1);
    assert.equal((nat.match(/^:K8TS-SEP-/gm) ?? []).length, 2);
    await proxier.sync();
    assert.equal(proxier.lastStats?.applied, false);
    assert.ok(probe(NS, 'http://10.96.0.10/')[0]!.startsWith('b'));
    await proxier.cleanup();
    const all = inNs(NS, 'iptables-save');
    assert.doesNotMatch(all, /K8TS-/);
  });
});
