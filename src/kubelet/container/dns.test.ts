import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResolvConf, podDnsConfig, renderResolvConf, type PodDnsOptions } from './dns.js';
import type { Pod } from '../types.js';

const HOST = '# generated\nnameserver 192.168.1.1\nnameserver 192.168.1.2\nsearch corp.example. lab.example\noptions timeout:2 ndots:1\n';

function pod(spec: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return { metadata: { name: 'p', namespace: 'ns1', uid: 'u' }, spec: { containers: [], ...spec } };
}

function opts(extra: Partial<PodDnsOptions> = {}): PodDnsOptions & { seen: string[] } {
  const seen: string[] = [];
  return {
    clusterDNS: ['10.43.0.10'],
    clusterDomain: 'cluster.local',
    hostResolvConf: HOST,
    events: (_p, type, reason, msg) => seen.push(`${type} ${reason} ${msg}`),
    seen,
    ...extra,
  };
}

test('parseResolvConf: upstream cases', () => {
  const cases: [string, string[], string[], string[]][] = [
    ['', [], [], []],
    ['nameserver 1.2.3.4', ['1.2.3.4'], [], []],
    [' nameserver 1.2.3.4 ', ['1.2.3.4'], [], []],
    ['\tnameserver\t1.2.3.4\nnameserver 2.3.4.5', ['1.2.3.4', '2.3.4.5'], [], []],
    ['search foo', [], ['foo'], []],
    ['search foo bar', [], ['foo', 'bar'], []],
    ['search foo. bar.', [], ['foo', 'bar'], []],
    ['search .', [], [], []],
    ['search foo\nsearch bar', [], ['bar'], []],
    ['nameserver 1.2.3.4\nsearch foo\nnameserver 5.6.7.8\nsearch bar', ['1.2.3.4', '5.6.7.8'], ['bar'], []],
    ['#comment\nnameserver 1.2.3.4\n#comment\nsearch foo\ncomment', ['1.2.3.4'], ['foo'], []],
    ['options ndots:5 attempts:2', [], [], ['ndots:5', 'attempts:2']],
    ['options ndots:1\noptions ndots:5 attempts:3', [], [], ['ndots:5', 'attempts:3']],
    ['options ndots:1 edns0\noptions attempts:3 ndots:2', [], [], ['ndots:2', 'edns0', 'attempts:3']],
  ];
  for (const [text, servers, searches, options] of cases) assert.deepEqual(parseResolvConf(text), { servers, searches, options }, text);
});

test('ClusterFirst (default): cluster DNS, cluster searches then host searches, ndots:5', () => {
  const want = {
    servers: ['10.43.0.10'],
    searches: ['ns1.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example'],
    options: ['ndots:5'],
  };
  assert.deepEqual(podDnsConfig(pod(), opts()), want);
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'ClusterFirst' }), opts()), want);
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true }), opts()), want);
  assert.equal(
    renderResolvConf(want),
    'search ns1.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example\nnameserver 10.43.0.10\noptions ndots:5\n',
  );
  // no cluster domain: only the host searches
  assert.deepEqual(podDnsConfig(pod(), opts({ clusterDomain: '' }))?.searches, ['corp.example', 'lab.example']);
  // duplicates between cluster and host searches are dropped
  assert.deepEqual(podDnsConfig(pod(), opts({ hostResolvConf: 'search cluster.local x' }))?.searches, [
    'ns1.svc.cluster.local',
    'svc.cluster.local',
    'cluster.local',
    'x',
  ]);
});

test('Default and hostNetwork ClusterFirst use the host resolv.conf', () => {
  const host = { servers: ['192.168.1.1', '192.168.1.2'], searches: ['corp.example', 'lab.example'], options: ['timeout:2', 'ndots:1'] };
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'Default' }), opts()), host);
  assert.deepEqual(podDnsConfig(pod({ hostNetwork: true }), opts()), host);
  assert.deepEqual(podDnsConfig(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirst' }), opts()), host);
  // --resolv-conf="": localhost per node IP family, search "."
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'Default' }), opts({ hostResolvConf: null })), {
    servers: ['127.0.0.1'],
    searches: ['.'],
    options: [],
  });
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'Default' }), opts({ hostResolvConf: null, nodeIPs: ['fd00::1', '10.0.0.1'] }))?.servers, [
    '::1',
    '127.0.0.1',
  ]);
  // an empty host resolv.conf means no config: the runtime copies the host's file
  assert.equal(podDnsConfig(pod({ dnsPolicy: 'Default' }), opts({ hostResolvConf: '' })), undefined);
});

test('ClusterFirst without cluster DNS falls back to Default with a warning', () => {
  const o = opts({ clusterDNS: [] });
  assert.deepEqual(podDnsConfig(pod(), o)?.servers, ['192.168.1.1', '192.168.1.2']);
  assert.deepEqual(o.seen, [
    'Warning MissingClusterDNS pod: "p_ns1(u)". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.',
  ]);
});

test('None uses only spec.dnsConfig; dnsConfig merges into the other policies', () => {
  const dnsConfig = {
    nameservers: ['203.0.113.1', '10.43.0.10'],
    searches: ['my.dns.search.suffix', 'svc.cluster.local'],
    options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
  };
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig }), opts()), {
    servers: ['203.0.113.1', '10.43.0.10'],
    searches: ['my.dns.search.suffix', 'svc.cluster.local'],
    options: ['ndots:2', 'edns0'],
  });
  assert.deepEqual(podDnsConfig(pod({ dnsConfig }), opts()), {
    servers: ['10.43.0.10', '203.0.113.1'],
    searches: ['ns1.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example', 'my.dns.search.suffix'],
    options: ['ndots:2', 'edns0'],
  });
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'Default', dnsConfig: { options: [{ name: 'timeout', value: '5' }, { name: 'ndots' }] } }), opts())?.options, [
    'timeout:5',
    'ndots',
  ]);
  assert.equal(podDnsConfig(pod({ dnsPolicy: 'None' }), opts()), undefined);
});

test('limits: 3 nameservers, 32 search paths, 253-char domains, 2048-char search line', () => {
  const o = opts();
  const many = { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'] };
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: many }), o)?.servers, ['1.1.1.1', '2.2.2.2', '3.3.3.3']);
  assert.deepEqual(o.seen, [
    'Warning DNSConfigForming Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 1.1.1.1 2.2.2.2 3.3.3.3',
  ]);

  const o2 = opts();
  const searches = Array.from({ length: 40 }, (_, i) => `s${i}.example`);
  const got = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches } }), o2)!;
  assert.deepEqual(got.searches, searches.slice(0, 32));
  assert.equal(o2.seen.length, 1);
  assert.match(o2.seen[0]!, /^Warning DNSConfigForming Search Line limits were exceeded, some search paths have been omitted, the applied search line is: s0\.example s1\.example/);

  const long = 'a'.repeat(254);
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['ok', long, 'ok2'] } }), opts())?.searches, [
    'ok',
    'ok2',
  ]);

  // 10 domains of 250 chars: 2509 chars on the line, so trailing domains go until it fits 2048
  const big = Array.from({ length: 10 }, (_, i) => `${i}${'b'.repeat(249)}`);
  const fit = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: big } }), opts())!.searches;
  assert.deepEqual(fit, big.slice(0, 8));
  assert.ok(fit.join(' ').length <= 2048);
});
