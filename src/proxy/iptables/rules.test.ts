import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildServiceMap } from '../servicemap.js';
import { slice, svc } from '../testdata.js';
import { assembleChains, base32, endpointChain, fixedChains, jumpRules, ownedChainsIn, renderChains, renderIptablesRestore, renderServicePort, restoreText, serviceChains } from './rules.js';

const opts = { clusterCidr: '10.244.0.0/16', nodeIPs: [], existingChains: [] };

function declared(text: string): string[] {
  return [...text.matchAll(/^:(\S+) /gm)].map((m) => m[1]!);
}
function rulesOf(text: string, chain: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`-A ${chain} `));
}

test('base32 matches RFC 4648 vectors; chain names are upstream-style hashes within 28 chars', () => {
  assert.equal(base32(Buffer.from('foobar')), 'MZXW6YTBOI');
  assert.equal(base32(Buffer.from('f')), 'MY');
  const [i] = buildServiceMap([svc('ns', 'web', '10.96.0.10')], [], 'n');
  const h = base32(createHash('sha256').update('ns/web:http' + 'tcp').digest()).slice(0, 16);
  assert.equal(serviceChains(i!).svc, `K8TS-SVC-${h}`);
  const sep = endpointChain(i!, { ip: '10.244.0.5', port: 8080, ready: true, serving: true, terminating: false, local: false });
  assert.match(sep, /^K8TS-SEP-[A-Z2-7]{16}$/);
  for (const c of [sep, ...Object.values(serviceChains(i!)), 'K8TS-EXTERNAL-SERVICES', 'K8TS-POSTROUTING']) assert.ok(c.length <= 28, c);
});

test('several services: cluster IP → SVC, masquerade off-cluster sources, 1/n probabilities, SEP hairpin + DNAT', () => {
  const services = [svc('default', 'a', '10.96.0.10'), svc('default', 'b', '10.96.0.11', { ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] })];
  const slices = [
    slice('default', 'a', [{ ip: '10.244.0.5' }, { ip: '10.244.0.6' }, { ip: '10.244.1.7' }]),
    slice('default', 'b', [{ ip: '10.244.0.8' }], [{ name: 'dns', port: 5353, protocol: 'UDP' }]),
  ];
  const infos = buildServiceMap(services, slices, 'n');
  const { nat, filter } = renderIptablesRestore(infos, opts);
  const a = serviceChains(infos[0]!).svc;
  const b = serviceChains(infos[1]!).svc;
  assert.deepEqual(rulesOf(nat, 'K8TS-SERVICES'), [
    `-A K8TS-SERVICES -m comment --comment "default/a:http cluster IP" -m tcp -p tcp -d 10.96.0.10 --dport 80 -j ${a}`,
    `-A K8TS-SERVICES -m comment --comment "default/b:dns cluster IP" -m udp -p udp -d 10.96.0.11 --dport 53 -j ${b}`,
    '-A K8TS-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j K8TS-NODEPORTS',
  ]);
  const svcRules = rulesOf(nat, a);
  assert.equal(svcRules[0], `-A ${a} -m comment --comment "default/a:http cluster IP" -m tcp -p tcp -d 10.96.0.10 --dport 80 ! -s 10.244.0.0/16 -j K8TS-MARK-MASQ`);
  assert.match(svcRules[1]!, /-m statistic --mode random --probability 0\.3333333333 -j K8TS-SEP-/);
  assert.match(svcRules[2]!, /-m statistic --mode random --probability 0\.5000000000 -j K8TS-SEP-/);
  assert.doesNotMatch(svcRules[3]!, /statistic/);
  assert.match(svcRules[3]!, /"default\/a:http -> 10\.244\.1\.7:8080" -j K8TS-SEP-/);
  const sep = endpointChain(infos[0]!, infos[0]!.endpoints[0]!);
  assert.deepEqual(rulesOf(nat, sep), [
    `-A ${sep} -m comment --comment "default/a:http" -s 10.244.0.5 -j K8TS-MARK-MASQ`,
    `-A ${sep} -m comment --comment "default/a:http" -m tcp -p tcp -j DNAT --to-destination 10.244.0.5:8080`,
  ]);
  assert.ok(nat.includes('-A K8TS-MARK-MASQ -j MARK --or-mark 0x4000'));
  assert.ok(nat.includes('-A K8TS-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN'));
  assert.ok(/-A K8TS-POSTROUTING .*-j MASQUERADE$/m.test(nat));
  assert.deepEqual(rulesOf(filter, 'K8TS-SERVICES'), []);
  // every declared chain is ours; 4 fixed + 2 SVC + 4 SEP
  for (const c of [...declared(nat), ...declared(filter)]) assert.match(c, /^K8TS-/);
  assert.equal(declared(nat).length, 10);
  assert.ok(nat.startsWith('*nat\n') && nat.endsWith('COMMIT\n'));
  assert.ok(filter.startsWith('*filter\n') && filter.endsWith('COMMIT\n'));
});

test('no endpoints: filter REJECT for cluster IP, external IP and node port; no nat chains for it', () => {
  const s = svc('x', 'empty', '10.96.0.20', { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }], externalIPs: ['192.0.2.5'] });
  const notReady = slice('x', 'empty', [{ ip: '10.244.0.9', ready: false }]);
  const infos = buildServiceMap([s], [notReady], 'n');
  const { nat, filter } = renderIptablesRestore(infos, opts);
  assert.deepEqual(rulesOf(filter, 'K8TS-SERVICES'), [
    '-A K8TS-SERVICES -m comment --comment "x/empty:http has no endpoints" -m tcp -p tcp -d 10.96.0.20 --dport 80 -j REJECT --reject-with icmp-port-unreachable',
  ]);
  assert.deepEqual(rulesOf(filter, 'K8TS-EXTERNAL-SERVICES'), [
    '-A K8TS-EXTERNAL-SERVICES -m comment --comment "x/empty:http has no endpoints" -m tcp -p tcp -d 192.0.2.5 --dport 80 -j REJECT --reject-with icmp-port-unreachable',
    '-A K8TS-EXTERNAL-SERVICES -m comment --comment "x/empty:http has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j REJECT --reject-with icmp-port-unreachable',
  ]);
  assert.deepEqual(declared(nat), ['K8TS-SERVICES', 'K8TS-POSTROUTING', 'K8TS-NODEPORTS', 'K8TS-MARK-MASQ']); // reverse name order (see restoreText)
  assert.equal(rulesOf(nat, 'K8TS-NODEPORTS').length, 0);
});

test('session affinity: recent --rcheck in SVC chain before the statistic rules, --set before DNAT', () => {
  const s = svc('a', 'sticky', '10.96.0.30', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } } });
  const infos = buildServiceMap([s], [slice('a', 'sticky', [{ ip: '10.244.0.1' }, { ip: '10.244.0.2' }])], 'n');
  const { nat } = renderIptablesRestore(infos, opts);
  const ch = serviceChains(infos[0]!).svc;
  const [e1, e2] = infos[0]!.endpoints.map((e) => endpointChain(infos[0]!, e));
  const r = rulesOf(nat, ch);
  assert.equal(r.length, 5);
  assert.equal(r[1], `-A ${ch} -m comment --comment "a/sticky:http -> 10.244.0.1:8080" -m recent --name ${e1} --rcheck --seconds 600 --reap -j ${e1}`);
  assert.equal(r[2], `-A ${ch} -m comment --comment "a/sticky:http -> 10.244.0.2:8080" -m recent --name ${e2} --rcheck --seconds 600 --reap -j ${e2}`);
  assert.match(r[3]!, /--probability 0\.5000000000/);
  assert.deepEqual(rulesOf(nat, e2!)[1], `-A ${e2} -m comment --comment "a/sticky:http" -m recent --name ${e2} --set -m tcp -p tcp -j DNAT --to-destination 10.244.0.2:8080`);
});

test('NodePort, external IP and LoadBalancer ingress go through EXT (masquerade, then SVC)', () => {
  const s = svc('a', 'np', '10.96.0.40', { type: 'LoadBalancer', ports: [{ name: 'http', port: 80, nodePort: 30090 }], externalIPs: ['192.0.2.9'] }, { loadBalancer: { ingress: [{ ip: '198.51.100.1' }] } });
  const infos = buildServiceMap([s], [slice('a', 'np', [{ ip: '10.244.0.1' }])], 'n');
  const { nat } = renderIptablesRestore(infos, opts);
  const ch = serviceChains(infos[0]!);
  assert.deepEqual(rulesOf(nat, 'K8TS-NODEPORTS'), [`-A K8TS-NODEPORTS -m comment --comment "a/np:http" -m tcp -p tcp --dport 30090 -j ${ch.ext}`]);
  const svcs = rulesOf(nat, 'K8TS-SERVICES');
  assert.ok(svcs.includes(`-A K8TS-SERVICES -m comment --comment "a/np:http external IP" -m tcp -p tcp -d 192.0.2.9 --dport 80 -j ${ch.ext}`));
  assert.ok(svcs.includes(`-A K8TS-SERVICES -m comment --comment "a/np:http loadbalancer IP" -m tcp -p tcp -d 198.51.100.1 --dport 80 -j ${ch.ext}`));
  assert.deepEqual(rulesOf(nat, ch.ext), [
    `-A ${ch.ext} -m comment --comment "masquerade traffic for a/np:http external destinations" -j K8TS-MARK-MASQ`,
    `-A ${ch.ext} -j ${ch.svc}`,
  ]);
  // the node-ports jump is the last rule of K8TS-SERVICES; specific node IPs when given
  const withIPs = renderIptablesRestore(infos, { ...opts, nodeIPs: ['192.168.1.2'] }).nat;
  assert.match(rulesOf(withIPs, 'K8TS-SERVICES').at(-1)!, /-d 192\.168\.1\.2 -j K8TS-NODEPORTS$/);
});

test('externalTrafficPolicy Local: EXT short-circuits pod/LOCAL sources to SVC, others to SVL (local endpoints only)', () => {
  const s = svc('a', 'loc', '10.96.0.50', { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30100 }], externalTrafficPolicy: 'Local' });
  const sl = slice('a', 'loc', [{ ip: '10.244.0.1', node: 'me' }, { ip: '10.244.1.1', node: 'other' }]);
  const infos = buildServiceMap([s], [sl], 'me');
  const { nat, filter } = renderIptablesRestore(infos, opts);
  const ch = serviceChains(infos[0]!);
  assert.deepEqual(rulesOf(nat, ch.ext).map((r) => r.replace(/-m comment --comment "[^"]*" /, '')), [
    `-A ${ch.ext} -s 10.244.0.0/16 -j ${ch.svc}`,
    `-A ${ch.ext} -m addrtype --src-type LOCAL -j K8TS-MARK-MASQ`,
    `-A ${ch.ext} -m addrtype --src-type LOCAL -j ${ch.svc}`,
    `-A ${ch.ext} -j ${ch.svl}`,
  ]);
  assert.deepEqual(rulesOf(nat, ch.svl).length, 1);
  assert.match(rulesOf(nat, ch.svl)[0]!, /10\.244\.0\.1:8080/);
  assert.equal(rulesOf(nat, ch.svc).length, 3); // masq + 2 endpoints
  // without local endpoints the node port DROPs (other nodes have endpoints)
  const remote = buildServiceMap([s], [sl], 'third');
  const r = renderIptablesRestore(remote, opts);
  assert.match(rulesOf(r.filter, 'K8TS-EXTERNAL-SERVICES')[0]!, /has no local endpoints.*--dport 30100 -j DROP$/);
  assert.equal(rulesOf(r.nat, 'K8TS-NODEPORTS').length, 0);
  assert.equal(rulesOf(filter, 'K8TS-EXTERNAL-SERVICES').length, 0);
});

test('stale SVC/SEP/EXT chains are flushed and deleted after all rules; unknown K8TS chains are left alone', () => {
  const infos = buildServiceMap([svc('a', 'keep', '10.96.0.60')], [slice('a', 'keep', [{ ip: '10.244.0.1' }])], 'n');
  const keep = serviceChains(infos[0]!).svc;
  const stale = ['K8TS-SVC-AAAAAAAAAAAAAAAA', 'K8TS-SEP-BBBBBBBBBBBBBBBB', 'K8TS-EXT-CCCCCCCCCCCCCCCC'];
  const { nat } = renderIptablesRestore(infos, { ...opts, existingChains: [...stale, keep, 'K8TS-HP-DDDDDDDDDDDDDDDD'] });
  const lines = nat.split('\n');
  for (const c of stale) {
    assert.ok(lines.includes(`:${c} - [0:0]`), c);
    assert.ok(lines.indexOf(`-X ${c}`) > lines.findLastIndex((l) => l.startsWith('-A ')), c);
  }
  assert.ok(!nat.includes('-X ' + keep));
  assert.ok(!nat.includes('K8TS-HP-'));
  assert.equal(lines.filter((l) => l === `:${keep} - [0:0]`).length, 1);
});

test('ownedChainsIn picks only proxy chains from iptables-save; jumps target only K8TS chains from built-ins', () => {
  const save = '*nat\n:PREROUTING ACCEPT [0:0]\n:K8TS-SERVICES - [0:0]\n:K8TS-SVC-ABCDEFGHIJKLMNOP - [0:0]\n:K8TS-SEP-ABCDEFGHIJKLMNO2 - [0:0]\n:K8TS-HP-ABCDEFGHIJKLMNOP - [0:0]\n:KUBE-SVC-ABCDEFGHIJKLMNOP - [0:0]\nCOMMIT\n';
  assert.deepEqual(ownedChainsIn(save), ['K8TS-SVC-ABCDEFGHIJKLMNOP', 'K8TS-SEP-ABCDEFGHIJKLMNO2']);
  for (const [, chain, spec] of jumpRules()) {
    assert.match(chain, /^(PREROUTING|OUTPUT|POSTROUTING|INPUT|FORWARD)$/);
    assert.match(spec.at(-1)!, /^K8TS-/);
  }
});

test('internalTrafficPolicy Local without local endpoints: DROP when endpoints exist elsewhere', () => {
  const s = svc('a', 'itp', '10.96.0.70', { internalTrafficPolicy: 'Local' });
  const infos = buildServiceMap([s], [slice('a', 'itp', [{ ip: '10.244.1.1', node: 'other' }])], 'me');
  const { nat, filter } = renderIptablesRestore(infos, opts);
  assert.match(rulesOf(filter, 'K8TS-SERVICES')[0]!, /"a\/itp:http has no local endpoints" .* -j DROP$/);
  assert.equal(declared(nat).length, 4);
  const local = buildServiceMap([s], [slice('a', 'itp', [{ ip: '10.244.0.1', node: 'me' }])], 'me');
  const r = renderIptablesRestore(local, opts);
  assert.match(rulesOf(r.nat, 'K8TS-SERVICES')[0]!, /-j K8TS-SVL-/);
});

test('per-port rendering assembles to the whole rule set; restoreText writes chosen chains, deletions last', () => {
  const services = [
    svc('a', 'np', '10.96.0.40', { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30090 }] }),
    svc('a', 'web', '10.96.0.41'),
    svc('a', 'empty', '10.96.0.42'),
  ];
  const infos = buildServiceMap(services, [slice('a', 'np', [{ ip: '10.244.0.1' }]), slice('a', 'web', [{ ip: '10.244.0.2' }, { ip: '10.244.0.3' }])], 'n');
  const parts = infos.map((i) => renderServicePort(i, opts));
  assert.deepEqual(assembleChains(parts, opts), renderChains(infos, opts));
  const web = parts[infos.findIndex((i) => i.name === 'web')]!;
  assert.deepEqual([...web.chains.keys()].map((c) => c.slice(0, 9)), ['K8TS-SVC-', 'K8TS-SEP-', 'K8TS-SEP-']);
  assert.equal(web.services.length, 1);
  assert.equal(parts[infos.findIndex((i) => i.name === 'empty')]!.filterServices.length, 1);
  // fixed chains alone
  const fixed = fixedChains(parts, opts);
  assert.deepEqual([...fixed.nat.keys()], ['K8TS-SERVICES', 'K8TS-NODEPORTS', 'K8TS-POSTROUTING', 'K8TS-MARK-MASQ']);
  assert.equal(fixed.nat.get('K8TS-SERVICES')!.length, 3); // np, web, node-ports jump

  const all = renderChains(infos, opts).nat;
  const svcWeb = [...web.chains.keys()][0]!;
  const text = restoreText('nat', all, [svcWeb, 'K8TS-SERVICES'], ['K8TS-SEP-AAAAAAAAAAAAAAAA']);
  const lines = text.split('\n');
  assert.deepEqual(lines.filter((l) => l.startsWith(':')), [`:${svcWeb} - [0:0]`, ':K8TS-SERVICES - [0:0]', ':K8TS-SEP-AAAAAAAAAAAAAAAA - [0:0]']);
  assert.deepEqual(lines.filter((l) => l.startsWith('-A ')).map((l) => l.split(' ')[1]), [svcWeb, svcWeb, svcWeb, 'K8TS-SERVICES', 'K8TS-SERVICES', 'K8TS-SERVICES']);
  assert.deepEqual(lines.slice(-3), ['-X K8TS-SEP-AAAAAAAAAAAAAAAA', 'COMMIT', '']);
});
