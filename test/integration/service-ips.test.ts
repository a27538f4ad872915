/**
 * ClusterIP and NodePort allocation in a real k8ts server, driven by the real kubectl: 50
 * parallel `kubectl apply`s get distinct addresses in the service CIDR; a chosen free address is
 * accepted and a taken one refused with upstream's message; headless Services get none; NodePort
 * Services get ports in range (a taken one refused); deleting a Service frees its address; the
 * allocations survive a restart; the `kubernetes` and `kube-dns` Services exist.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestServer } from '../support/server.js';

type Json = Record<string, any>;

const manifest = (name: string, spec: Json = {}): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });

const inCidr = (ip: string): boolean => {
  const p = ip.split('.').map(Number);
  return p.length === 4 && p[0] === 10 && p[1] === 43 && !(p[2] === 0 && p[3] === 0) && !(p[2] === 255 && p[3] === 255);
};

describe('service IP and node port allocation', { timeout: 180_000 }, () => {
  let server: TestServer;
  const getJson = async (args: string[]): Promise<Json> => JSON.parse(await server.k([...args, '-o', 'json']));

  before(async () => {
    server = await TestServer.start();
  });
  after(async () => {
    await server?.destroy();
  });

  it('has the kubernetes and kube-dns Services, kube-dns pointing at its own address (each node answers there)', async () => {
    const k = await getJson(['get', 'service', 'kubernetes', '-n', 'default']);
    assert.equal(k.spec.clusterIP, '10.43.0.1');
    assert.deepEqual(k.spec.clusterIPs, ['10.43.0.1']);
    assert.equal(k.spec.ports[0].name, 'https');
    assert.equal(k.spec.ports[0].port, 443);
    assert.equal(k.spec.ports[0].protocol, 'TCP');
    assert.deepEqual(k.metadata.labels, { component: 'apiserver', provider: 'kubernetes' });
    const d = await getJson(['get', 'service', 'kube-dns', '-n', 'kube-system']);
    assert.equal(d.spec.clusterIP, '10.43.0.10');
    assert.equal(d.spec.selector, undefined, 'selectorless: k8ts runs no DNS pods');
    assert.deepEqual(
      d.spec.ports.map((p: Json) => `${p.name}:${p.port}/${p.protocol}`),
      ['dns:53/UDP', 'dns-tcp:53/TCP', 'metrics:9153/TCP'],
    );
    const ep = await getJson(['get', 'endpoints', 'kube-dns', '-n', 'kube-system']);
    assert.deepEqual(ep.subsets[0].addresses.map((a: Json) => a.ip), ['10.43.0.10']);
    const sl = await getJson(['get', 'endpointslice', 'kube-dns', '-n', 'kube-system']);
    assert.deepEqual(sl.endpoints[0].addresses, ['10.43.0.10']);
    assert.deepEqual(sl.ports.map((p: Json) => `${p.name}:${p.port}/${p.protocol}`), ['dns:53/UDP', 'dns-tcp:53/TCP', 'metrics:9153/TCP']);
  });

  it('gives 50 Services applied in parallel distinct addresses in the service CIDR', async () => {
    await Promise.all(Array.from({ length: 50 }, (_, i) => server.k(['apply', '-f', '-'], manifest(`par-${i}`))));
    const list = await getJson(['get', 'services', '-n', 'default']);
    const ips = list.items.map((s: Json) => s.spec.clusterIP as string);
    assert.equal(list.items.filter((s: Json) => s.metadata.name.startsWith('par-')).length, 50);
    assert.equal(new Set(ips).size, ips.length, `duplicate clusterIPs: ${ips.join(' ')}`);
    for (const s of list.items) {
      assert.ok(inCidr(s.spec.clusterIP), s.spec.clusterIP);
      assert.deepEqual(s.spec.clusterIPs, [s.spec.clusterIP]);
      assert.deepEqual(s.spec.ipFamilies, ['IPv4']);
      assert.equal(s.spec.ipFamilyPolicy, 'SingleStack');
      assert.equal(s.spec.internalTrafficPolicy, 'Cluster');
      assert.equal(s.spec.sessionAffinity, 'None');
    }
  });

  it('accepts a chosen free address and refuses a taken or out-of-range one', async () => {
    await server.k(['apply', '-f', '-'], manifest('chosen', { clusterIP: '10.43.7.7' }));
    assert.equal((await getJson(['get', 'service', 'chosen'])).spec.clusterIP, '10.43.7.7');
    const dup = await server.kubectl(['apply', '-f', '-'], manifest('chosen-2', { clusterIP: '10.43.7.7' }));
    assert.notEqual(dup.code, 0);
    assert.match(
      dup.stderr,
      /Service "chosen-2" is invalid: spec\.clusterIPs: Invalid value: \["10\.43\.7\.7"\]: failed to allocate IP 10\.43\.7\.7: provided IP is already allocated/,
    );
    const out = await server.kubectl(['create', 'service', 'clusterip', 'outside', '--clusterip', '1.1.1.1', '--tcp', '80:80']);
    assert.notEqual(out.code, 0);
    assert.match(out.stderr, /failed to allocate IP 1\.1\.1\.1: the provided IP \(1\.1\.1\.1\) is not in the valid range\. The range of valid IPs is 10\.43\.0\.0\/16/);
  });

  it('gives a headless Service no address', async () => {
    await server.k(['create', 'service', 'clusterip', 'headless', '--clusterip', 'None', '--tcp', '80:80']);
    const s = await getJson(['get', 'service', 'headless']);
    assert.equal(s.spec.clusterIP, 'None');
    assert.deepEqual(s.spec.clusterIPs, ['None']);
  });

  it('allocates node ports in range and refuses a taken one', async () => {
    await server.k(['create', 'service', 'nodeport', 'np', '--tcp', '80:8080']);
    const np = await getJson(['get', 'service', 'np']);
    const port = np.spec.ports[0].nodePort as number;
    assert.ok(port >= 30000 && port <= 32767, String(port));
    assert.ok(inCidr(np.spec.clusterIP));
    const taken = await server.kubectl(['create', 'service', 'nodeport', 'np2', '--tcp', '80:8080', '--node-port', String(port)]);
    assert.notEqual(taken.code, 0);
    assert.match(taken.stderr, new RegExp(`spec\\.ports\\[0\\]\\.nodePort: Invalid value: ${port}: provided port is already allocated`));
    await server.k(['create', 'service', 'nodeport', 'np3', '--tcp', '80:8080', '--node-port', '30999']);
    assert.equal((await getJson(['get', 'service', 'np3'])).spec.ports[0].nodePort, 30999);
  });

  it('frees the address of a deleted Service', async () => {
    await server.k(['delete', 'service', 'chosen']);
    await server.k(['apply', '-f', '-'], manifest('chosen-3', { clusterIP: '10.43.7.7' }));
    assert.equal((await getJson(['get', 'service', 'chosen-3'])).spec.clusterIP, '10.43.7.7');
  });

  it('keeps the allocations across a restart', async () => {
    const before = (await getJson(['get', 'services', '-A'])).items.map((s: Json) => `${s.metadata.namespace}/${s.metadata.name}=${s.spec.clusterIP}`).sort();
    await server.restart();
    const after = (await getJson(['get', 'services', '-A'])).items.map((s: Json) => `${s.metadata.namespace}/${s.metadata.name}=${s.spec.clusterIP}`).sort();
    assert.deepEqual(after, before);
    const dup = await server.kubectl(['apply', '-f', '-'], manifest('after-restart', { clusterIP: '10.43.7.7' }));
    assert.notEqual(dup.code, 0);
    assert.match(dup.stderr, /provided IP is already allocated/);
    const np = (await getJson(['get', 'service', 'np3'])).spec.ports[0].nodePort;
    const taken = await server.kubectl(['create', 'service', 'nodeport', 'np4', '--tcp', '80:8080', '--node-port', String(np)]);
    assert.match(taken.stderr, /provided port is already allocated/);
    await server.k(['apply', '-f', '-'], manifest('after-restart'));
    const ips = (await getJson(['get', 'services', '-A'])).items.map((s: Json) => s.spec.clusterIP).filter((ip: string) => ip !== 'None');
    assert.equal(new Set(ips).size, ips.length);
  });
});
