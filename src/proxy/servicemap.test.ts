import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServiceMap, categorizeEndpoints } from './servicemap.js';
import { slice, svc } from './testdata.js';

test('one info per service port, endpoints matched by port name, sorted and deduplicated', () => {
  const s = svc('default', 'web', '10.96.0.10', {
    ports: [
      { name: 'http', port: 80, protocol: 'TCP' },
      { name: 'dns', port: 53, protocol: 'UDP' },
    ],
  });
  const sl1 = slice('default', 'web', [{ ip: '10.244.1.5' }, { ip: '10.244.0.9', node: 'n1' }], [{ name: 'http', port: 8080 }, { name: 'dns', port: 5353, protocol: 'UDP' }]);
  const sl2 = slice('default', 'web', [{ ip: '10.244.1.5' }], [{ name: 'http', port: 8080 }], 'b');
  const infos = buildServiceMap([s], [sl1, sl2], 'n1');
  assert.deepEqual(infos.map((i) => [i.key, i.protocol, i.port]), [
    ['default/web:dns', 'UDP', 53],
    ['default/web:http', 'TCP', 80],
  ]);
  const http = infos[1]!;
  assert.deepEqual(http.endpoints.map((e) => `${e.ip}:${e.port}:${e.local}`), ['10.244.0.9:8080:true', '10.244.1.5:8080:false']);
  assert.deepEqual(infos[0]!.endpoints.map((e) => e.port), [5353, 5353]);
});

test('headless, ExternalName and IPv6-only services are skipped; unnamed port key has no suffix', () => {
  const infos = buildServiceMap(
    [
      svc('a', 'headless', 'None'),
      svc('a', 'ext', '', { type: 'ExternalName', externalName: 'x.example' }),
      svc('a', 'v6', 'fd00::1', { clusterIPs: ['fd00::1'] }),
      svc('a', 'plain', '10.96.0.1', { ports: [{ port: 443 }] }),
    ],
    [],
    'n',
  );
  assert.deepEqual(infos.map((i) => i.key), ['a/plain']);
  assert.equal(infos[0]!.protocol, 'TCP');
});

test('affinity, node ports, external and LB IPs, traffic policies', () => {
  const s = svc('a', 'lb', '10.96.0.2', {
    type: 'LoadBalancer',
    ports: [{ name: 'http', port: 80, nodePort: 30080 }],
    externalIPs: ['192.0.2.1'],
    sessionAffinity: 'ClientIP',
    externalTrafficPolicy: 'Local',
  }, { loadBalancer: { ingress: [{ ip: '198.51.100.7' }, { hostname: 'x' }] } });
  const [i] = buildServiceMap([s], [], 'n');
  assert.equal(i!.nodePort, 30080);
  assert.deepEqual(i!.externalIPs, ['192.0.2.1']);
  assert.deepEqual(i!.loadBalancerIPs, ['198.51.100.7']);
  assert.equal(i!.affinityTimeoutSeconds, 10800);
  assert.equal(i!.externalPolicyLocal, true);
  // nodePort is ignored on a ClusterIP service
  const [c] = buildServiceMap([svc('a', 'c', '10.96.0.3', { ports: [{ port: 80, nodePort: 30001 }], sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } })], [], 'n');
  assert.equal(c!.nodePort, 0);
  assert.equal(c!.affinityTimeoutSeconds, 60);
  assert.equal(c!.externalPolicyLocal, false);
});

test('categorizeEndpoints: ready first, else serving+terminating; local subset for Local policies', () => {
  const s = svc('a', 's', '10.96.0.4', { internalTrafficPolicy: 'Local' });
  const sl = slice('a', 's', [
    { ip: '10.244.0.1', node: 'n1', ready: false, serving: true, terminating: true },
    { ip: '10.244.0.2', node: 'n2', ready: true },
    { ip: '10.244.0.3', node: 'n1', ready: false, serving: false, terminating: true },
  ]);
  const [i] = buildServiceMap([s], [sl], 'n1');
  const c = categorizeEndpoints(i!);
  assert.deepEqual(c.cluster, []); // ITP Local, not externally reachable: no cluster-wide chain
  assert.deepEqual(c.local.map((e) => e.ip), ['10.244.0.1']);
  assert.equal(c.hasAny, true);
  const [j] = buildServiceMap([svc('a', 's', '10.96.0.4')], [sl], 'n1');
  assert.deepEqual(categorizeEndpoints(j!).cluster.map((e) => e.ip), ['10.244.0.2']);
  const [k] = buildServiceMap([svc('a', 's', '10.96.0.4')], [slice('a', 's', [{ ip: '10.244.0.3', ready: false, serving: false, terminating: true }])], 'n1');
  assert.deepEqual(categorizeEndpoints(k!), { cluster: [], local: [], hasAny: false });
});
