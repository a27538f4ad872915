import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jumpRules, mappingChain, nodeChains, ownedMappingChains, restoreInput, type HostPortMapping } from './rules.js';

const m: HostPortMapping = { pod: 'default/web', protocol: 'TCP', hostPort: 8080, podIP: '10.42.0.5', containerPort: 80 };

test('chain names are K8TS-…, stable, and within iptables\' 28 characters', () => {
  const c = nodeChains('node-a');
  assert.match(c.hostports, /^K8TS-HOSTPORTS-[0-9A-F]{6}$/);
  assert.match(c.masq, /^K8TS-HPMASQ-[0-9A-F]{6}$/);
  assert.notEqual(nodeChains('node-b').hostports, c.hostports);
  const ch = mappingChain('node-a', m);
  assert.match(ch, /^K8TS-HP-[0-9A-F]{16}$/);
  assert.ok(ch.length <= 28 && c.hostports.length <= 28);
  assert.equal(mappingChain('node-a', m), ch);
  for (const [, spec] of jumpRules(c)) assert.ok(spec.at(-1)!.startsWith('K8TS-'));
});

test('restore input DNATs the host port to the pod, masquerades hairpin traffic and deletes stale chains', () => {
  const ch = mappingChain('n', m);
  const udp: HostPortMapping = { ...m, pod: 'default/dns', protocol: 'UDP', hostPort: 5353, hostIP: '10.42.0.1', containerPort: 53 };
  const out = restoreInput('n', [m, udp], ['K8TS-HP-AAAAAAAAAAAAAAAA', ch]);
  const c = nodeChains('n');
  assert.ok(out.startsWith('*nat\n') && out.endsWith('COMMIT\n'));
  assert.match(out, new RegExp(`-A ${c.hostports} -p tcp .* --dport 8080 -j ${ch}`));
  assert.match(out, new RegExp(`-A ${ch} -p tcp .* -j DNAT --to-destination 10.42.0.5:80`));
  assert.match(out, /--dport 5353 -d 10\.42\.0\.1\/32 -j K8TS-HP-/);
  assert.match(out, new RegExp(`-A ${c.masq} -s 10.42.0.5/32 -d 10.42.0.5/32 -p tcp .* --dport 80 -j MASQUERADE`));
  assert.match(out, /^:K8TS-HP-AAAAAAAAAAAAAAAA - \[0:0\]$/m, 'a stale chain is emptied before it is deleted');
  assert.match(out, /^-X K8TS-HP-AAAAAAAAAAAAAAAA$/m);
  assert.doesNotMatch(out, new RegExp(`^-X ${ch}$`, 'm'), 'a chain still in use is not deleted');
  for (const line of out.split('\n').filter((l) => l.startsWith(':') || l.startsWith('-A') || l.startsWith('-X'))) {
    assert.match(line, /^(:|-A |-X )K8TS-/, line);
  }
});

test('owned chains are the targets of the node\'s top chain only', () => {
  const c = nodeChains('n');
  const save = [
    `-A ${c.hostports} -p tcp -m tcp --dport 80 -j K8TS-HP-0123456789ABCDEF`,
    `-A ${nodeChains('other').hostports} -p tcp -m tcp --dport 81 -j K8TS-HP-FFFFFFFFFFFFFFFF`,
  ].join('\n');
  assert.deepEqual(ownedMappingChains(save, 'n'), ['K8TS-HP-0123456789ABCDEF']);
});
