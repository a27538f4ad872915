import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServiceMap } from '../servicemap.js';
import { slice, svc } from '../testdata.js';
import { CHAIN, jumpRules, renderDeleteChains, renderNat } from './rules.js';

const infos = buildServiceMap(
  [
    svc('default', 'web', '10.96.0.10', { type: 'NodePort', externalIPs: ['192.0.2.7'], ports: [{ name: 'http', port: 80, nodePort: 30080 }] }),
    svc('kube-system', 'dns', '10.96.0.53', { ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }),
  ],
  [slice('default', 'web', [{ ip: '10.244.0.2' }])],
  'n',
);
const portals = infos.map((info, i) => ({ info, proxyPort: 40000 + i }));

test('renders REDIRECT portals for cluster and external IPs and node ports on any local address', () => {
  assert.equal(
    renderNat(portals, { nodeIPs: [], bindAddress: '0.0.0.0' }),
    [
      '*nat',
      ':K8TS-PORTALS-CONTAINER - [0:0]',
      ':K8TS-PORTALS-HOST - [0:0]',
      ':K8TS-NODEPORT-CONTAINER - [0:0]',
      ':K8TS-NODEPORT-HOST - [0:0]',
      '-A K8TS-PORTALS-CONTAINER -d 10.96.0.10/32 -p tcp -m comment --comment "default/web:http" -m tcp --dport 80 -j REDIRECT --to-ports 40000',
      '-A K8TS-PORTALS-CONTAINER -d 192.0.2.7/32 -p tcp -m comment --comment "default/web:http" -m tcp --dport 80 -j REDIRECT --to-ports 40000',
      '-A K8TS-PORTALS-CONTAINER -d 10.96.0.53/32 -p udp -m comment --comment "kube-system/dns:dns" -m udp --dport 53 -j REDIRECT --to-ports 40001',
      // the host chain leaves a cluster IP that is a local address (the node-local DNS) to its local listener
      '-A K8TS-PORTALS-HOST -d 10.96.0.10/32 -m addrtype ! --dst-type LOCAL -p tcp -m comment --comment "default/web:http" -m tcp --dport 80 -j REDIRECT --to-ports 40000',
      '-A K8TS-PORTALS-HOST -d 192.0.2.7/32 -p tcp -m comment --comment "default/web:http" -m tcp --dport 80 -j REDIRECT --to-ports 40000',
      '-A K8TS-PORTALS-HOST -d 10.96.0.53/32 -m addrtype ! --dst-type LOCAL -p udp -m comment --comment "kube-system/dns:dns" -m udp --dport 53 -j REDIRECT --to-ports 40001',
      '-A K8TS-NODEPORT-CONTAINER -p tcp -m comment --comment "default/web:http" -m tcp --dport 30080 -j REDIRECT --to-ports 40000',
      '-A K8TS-NODEPORT-HOST -p tcp -m comment --comment "default/web:http" -m tcp --dport 30080 -j REDIRECT --to-ports 40000',
      'COMMIT',
      '',
    ].join('\n'),
  );
});

test('node IPs restrict node ports; a specific bind address DNATs to it', () => {
  const out = renderNat(portals.slice(0, 1), { nodeIPs: ['192.168.1.5', '192.168.1.6'], bindAddress: '192.168.1.5' });
  const np = out.split('\n').filter((l) => l.startsWith('-A K8TS-NODEPORT-'));
  assert.deepEqual(np, [
    '-A K8TS-NODEPORT-CONTAINER -d 192.168.1.5/32 -p tcp -m comment --comment "default/web:http" -m tcp --dport 30080 -j DNAT --to-destination 192.168.1.5:40000',
    '-A K8TS-NODEPORT-CONTAINER -d 192.168.1.6/32 -p tcp -m comment --comment "default/web:http" -m tcp --dport 30080 -j DNAT --to-destination 192.168.1.5:40000',
    '-A K8TS-NODEPORT-HOST -d 192.168.1.5/32 -p tcp -m comment --comment "default/web:http" -m tcp --dport 30080 -j DNAT --to-destination 192.168.1.5:40000',
    '-A K8TS-NODEPORT-HOST -d 192.168.1.6/32 -p tcp -m comment --comment "default/web:http" -m tcp --dport 30080 -j DNAT --to-destination 192.168.1.5:40000',
  ]);
});

test('only K8TS- chains are declared; an empty map still declares (flushes) ours', () => {
  const out = renderNat([], { nodeIPs: [], bindAddress: '0.0.0.0' });
  for (const m of out.matchAll(/^:(\S+) /gm)) assert.match(m[1]!, /^K8TS-/);
  assert.doesNotMatch(out, /^-A /m);
  for (const j of jumpRules()) assert.match(j.spec.at(-1)!, /^K8TS-/);
  assert.deepEqual(jumpRules().map((j) => `${j.chain}:${j.position}`), ['PREROUTING:insert', 'OUTPUT:insert', 'PREROUTING:append', 'OUTPUT:append']);
});

test('renderDeleteChains deletes only the chains iptables-save shows', () => {
  assert.equal(renderDeleteChains('*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n'), undefined);
  assert.equal(
    renderDeleteChains(`*nat\n:PREROUTING ACCEPT [0:0]\n:${CHAIN.portalsHost} - [0:0]\n:K8TS-SERVICES - [0:0]\nCOMMIT\n`),
    '*nat\n:K8TS-PORTALS-HOST - [0:0]\n-X K8TS-PORTALS-HOST\nCOMMIT\n',
  );
});
