import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostNetworkHostsFile, managedHostsFile, podHostname, sandboxHostname } from './hosts.js';
import type { Pod } from '../types.js';

function pod(name: string, spec: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return { metadata: { name, namespace: 'ns1' }, spec: { containers: [], ...spec } };
}

const LOCAL =
  '# Kubernetes-managed hosts file.\n' +
  '127.0.0.1\tlocalhost\n' +
  '::1\tlocalhost ip6-localhost ip6-loopback\n' +
  'fe00::0\tip6-localnet\n' +
  'fe00::0\tip6-mcastprefix\n' +
  'fe00::1\tip6-allnodes\n' +
  'fe00::2\tip6-allrouters\n';

test('managedHostsFile: pod IPs with the hostname (upstream managedHostsFileContent)', () => {
  assert.equal(managedHostsFile(pod('podFoo'.toLowerCase()), ['123.45.67.89'], 'cluster.local'), LOCAL + '123.45.67.89\tpodfoo\n');
  assert.equal(
    managedHostsFile(pod('web-0', { hostname: 'web-0', subdomain: 'web' }), ['203.0.113.1', 'fd00::1'], 'cluster.local'),
    LOCAL + '203.0.113.1\tweb-0.web.ns1.svc.cluster.local\tweb-0\n' + 'fd00::1\tweb-0.web.ns1.svc.cluster.local\tweb-0\n',
  );
  assert.equal(managedHostsFile(pod('p'), [], 'cluster.local'), LOCAL);
});

test('managedHostsFile: hostAliases after a blank line and header', () => {
  const p = pod('p', {
    hostAliases: [
      { ip: '123.45.67.89', hostnames: ['foo', 'bar', 'baz'] },
      { ip: '10.0.0.9', hostnames: ['park'] },
    ],
  });
  assert.equal(
    managedHostsFile(p, ['10.42.0.5'], 'cluster.local'),
    LOCAL + '10.42.0.5\tp\n' + '\n# Entries added by HostAliases.\n' + '123.45.67.89\tfoo\tbar\tbaz\n' + '10.0.0.9\tpark\n',
  );
});

test('managedHostsFile: hostNetwork pods get undefined; hostNetworkHostsFile wraps the node file', () => {
  assert.equal(managedHostsFile(pod('p', { hostNetwork: true }), ['10.0.0.1'], 'cluster.local'), undefined);
  const p = pod('p', { hostNetwork: true, hostAliases: [{ ip: '1.2.3.4', hostnames: ['x'] }] });
  assert.equal(
    hostNetworkHostsFile(p, '127.0.0.1 localhost\n'),
    '# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n\n# Entries added by HostAliases.\n1.2.3.4\tx\n',
  );
  assert.equal(hostNetworkHostsFile(pod('p', { hostNetwork: true }), 'h\n'), '# Kubernetes-managed hosts file (host network).\nh\n');
});

test('podHostname: spec.hostname, subdomain FQDN, truncation to 63 characters', () => {
  assert.deepEqual(podHostname(pod('web-7f9c'), 'cluster.local'), { hostname: 'web-7f9c' });
  assert.deepEqual(podHostname(pod('web-7f9c', { hostname: 'custom' }), 'cluster.local'), { hostname: 'custom' });
  assert.deepEqual(podHostname(pod('web-0', { subdomain: 'svc1' }), 'c.local'), {
    hostname: 'web-0',
    domain: 'svc1.ns1.svc.c.local',
    fqdn: 'web-0.svc1.ns1.svc.c.local',
  });
  const long = 'a'.repeat(62) + '-' + 'b'.repeat(10);
  assert.equal(podHostname(pod(long), 'cluster.local').hostname, 'a'.repeat(62));
  const dots = 'x'.repeat(60) + '.-.' + 'y';
  assert.equal(podHostname(pod(dots), 'cluster.local').hostname, 'x'.repeat(60));
  assert.equal(podHostname(pod('z'.repeat(80)), 'cluster.local').hostname, 'z'.repeat(63));
  assert.throws(() => podHostname(pod('p', { hostname: 'Bad_Name' }), 'cluster.local'), /^Error: pod Hostname "Bad_Name" is not a valid DNS label: /);
  assert.throws(() => podHostname(pod('p', { subdomain: 'a.b' }), 'cluster.local'), { message: 'pod Subdomain "a.b" is not a valid DNS label: must not contain dots' });
});

test('sandboxHostname: empty for hostNetwork, FQDN with setHostnameAsFQDN, length-checked', () => {
  assert.equal(sandboxHostname(pod('p', { hostNetwork: true }), 'cluster.local'), '');
  assert.equal(sandboxHostname(pod('p', { subdomain: 's' }), 'cluster.local'), 'p');
  assert.equal(sandboxHostname(pod('p', { subdomain: 's', setHostnameAsFQDN: true }), 'cluster.local'), 'p.s.ns1.svc.cluster.local');
  assert.equal(sandboxHostname(pod('p', { setHostnameAsFQDN: true }), 'cluster.local'), 'p');
  assert.equal(sandboxHostname(pod('n'.repeat(40), { subdomain: 's', setHostnameAsFQDN: true }), 'cluster.local').length, 64);
  const name = 'n'.repeat(41);
  assert.throws(
    () => sandboxHostname(pod(name, { subdomain: 's', setHostnameAsFQDN: true }), 'cluster.local'),
    { message: `failed to construct FQDN from pod hostname and cluster domain, FQDN ${name}.s.ns1.svc.cluster.local is too long (64 characters is the max, 65 characters requested)` },
  );
});
