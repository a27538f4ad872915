/**
 * The endpoints, EndpointSlice and EndpointSlice-mirroring controllers inside a real k8ts server,
 * driven by the real kubectl, with pods run by a simulated agent (3 hollow nodes): a Service made
 * with `kubectl expose` lists its pods' IPs and named target port; a pod made not ready (the
 * simulated kubelet's `k8ts.io/simulated-ready: "false"` annotation) moves to notReadyAddresses
 * and `ready: false` in its slice and back; a pod resolving the named port differently gets its own
 * subset and slice; a deleted pod leaves; a headless Service publishes hostnames; a selectorless
 * Service's manual Endpoints are mirrored into a slice; Endpoints and slices go with their Service.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestServer, eventually } from '../support/server.js';
import { TestAgent } from '../support/agent.js';

type Json = Record<string, any>;

const pod = (name: string, o: { port?: number; hostname?: string; subdomain?: string; annotations?: Record<string, string> } = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels: { app: 'web' }, ...(o.annotations ? { annotations: o.annotations } : {}) },
  spec: {
    ...(o.hostname ? { hostname: o.hostname, subdomain: o.subdomain } : {}),
    terminationGracePeriodSeconds: 1,
    containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: o.port ?? 8080 }] }],
  },
});

describe('endpoints controllers', { timeout: 90_000 }, () => {
  let server: TestServer;
  let agent: TestAgent;
  const ips = new Map<string, string>();

  const getJson = async (args: string[]): Promise<Json> => JSON.parse(await server.k([...args, '-o', 'json']));
  const slicesOf = async (svc: string): Promise<Json[]> => (await getJson(['get', 'endpointslices', '-l', `kubernetes.io/service-name=${svc}`])).items;
  /** Every address of the Endpoints as `ip:port` (ready) or `ip:port!` (not ready), sorted. */
  const endpointSet = async (name: string): Promise<string[]> => {
    const ep = await getJson(['get', 'endpoints', name]);
    const out: string[] = [];
    for (const s of ep.subsets ?? []) {
      for (const p of s.ports ?? [{ port: '' }]) {
        for (const a of s.addresses ?? []) out.push(`${a.ip}:${p.port}`);
        for (const a of s.notReadyAddresses ?? []) out.push(`${a.ip}:${p.port}!`);
      }
    }
    return out.sort();
  };
  const settle = async <T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> => {
    let last: T | undefined;
    await eventually(async () => ok((last = await fn())), ms).catch((err) => {
      throw new Error(`${what}: ${String(err)}; last: ${JSON.stringify(last)}\nserver logs (tail):\n${server.logs.slice(-3000)}`);
    });
    return last!;
  };
  const podIP = async (name: string): Promise<string> => {
    const p = await settle(`pod ${name} ready`, () => getJson(['get', 'pod', name]), (p) => p.status?.podIP && p.status?.conditions?.some((c: Json) => c.type === 'Ready' && c.status === 'True'));
    ips.set(name, p.status.podIP);
    return p.status.podIP;
  };

  before(async () => {
    server = await TestServer.start();
    agent = TestAgent.start(server, { nodes: 3, prefix: 'ep-node-' });
    await settle('3 Ready nodes', () => server.k(['get', 'nodes', '--no-headers']), (out) => out.split('\n').filter((l) => /^ep-node-\d+\s+Ready\s/.test(l)).length === 3, 20_000);
  });

  after(async () => {
    if (process.env.K8TS_IT_DUMP) (await import('node:fs')).writeFileSync(process.env.K8TS_IT_DUMP, server?.logs ?? '');
    await agent?.stop();
    await server?.destroy();
  });

  it('lists the pods of an exposed Service in Endpoints and an EndpointSlice', async () => {
    await server.k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod('web-0'), pod('web-1'), pod('web-2')] }));
    for (const n of ['web-0', 'web-1', 'web-2']) await podIP(n);
    await server.k(['expose', 'pod', 'web-0', '--name', 'web', '--port', '80', '--target-port', 'http']);
    const want = [...ips.values()].map((ip) => `${ip}:8080`).sort();
    await settle('endpoints web', () => endpointSet('web'), (s) => JSON.stringify(s) === JSON.stringify(want));
    const plain = await server.k(['get', 'endpoints', 'web', '--no-headers']);
    assert.match(plain, /^web\s+\S*:8080/);

    const ep = await getJson(['get', 'endpoints', 'web']);
    assert.ok(ep.metadata.annotations['endpoints.kubernetes.io/last-change-trigger-time']);
    const svc = await getJson(['get', 'service', 'web']);
    // Headless means "no cluster IP": the label follows whether the server allocated one.
    assert.equal(ep.metadata.labels?.['service.kubernetes.io/headless'], svc.spec.clusterIP && svc.spec.clusterIP !== 'None' ? undefined : '');
    const addr = ep.subsets[0].addresses.find((a: Json) => a.targetRef.name === 'web-0');
    assert.deepEqual(Object.keys(addr.targetRef).sort(), ['kind', 'name', 'namespace', 'uid']);
    assert.match(addr.nodeName, /^ep-node-\d$/);
    assert.deepEqual(ep.subsets[0].ports, [{ port: 8080, protocol: 'TCP' }]);

    const slices = await settle('slice web', () => slicesOf('web'), (s) => s.length === 1 && s[0].endpoints?.length === 3);
    const s = slices[0];
    assert.match(s.metadata.name, /^web-[a-z0-9]{5}$/);
    assert.equal(s.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.equal(s.addressType, 'IPv4');
    const owner = s.metadata.ownerReferences[0];
    assert.deepEqual([owner.kind, owner.name, owner.controller], ['Service', 'web', true]);
    assert.deepEqual(s.ports, [{ name: '', port: 8080, protocol: 'TCP' }]);
    for (const e of s.endpoints) {
      assert.deepEqual(e.conditions, { ready: true, serving: true, terminating: false });
      assert.equal(e.targetRef.kind, 'Pod');
      assert.equal(e.addresses[0], ips.get(e.targetRef.name));
    }
    // Settled: nothing rewrites them (no update loop).
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await getJson(['get', 'endpoints', 'web'])).metadata.resourceVersion, ep.metadata.resourceVersion);
    assert.equal((await slicesOf('web'))[0]!.metadata.resourceVersion, s.metadata.resourceVersion);
  });

  it('moves a pod that turns not ready to notReadyAddresses and ready: false, and back', async () => {
    const ip = ips.get('web-1')!;
    await server.k(['annotate', 'pod', 'web-1', 'k8ts.io/simulated-ready=false']);
    await settle('web-1 not ready', () => endpointSet('web'), (s) => s.includes(`${ip}:8080!`) && !s.includes(`${ip}:8080`));
    const slice = await settle('slice ready false', () => slicesOf('web'), (s) => s[0]?.endpoints?.find((e: Json) => e.targetRef.name === 'web-1')?.conditions?.ready === false);
    assert.deepEqual(slice[0].endpoints.find((e: Json) => e.targetRef.name === 'web-1').conditions, { ready: false, serving: false, terminating: false });
    const desc = await server.k(['describe', 'endpoints', 'web']);
    assert.match(desc, new RegExp(`NotReadyAddresses:\\s+${ip.replace(/\./g, '\\.')}`));

    await server.k(['annotate', 'pod', 'web-1', 'k8ts.io/simulated-ready-']);
    await settle('web-1 ready again', () => endpointSet('web'), (s) => s.includes(`${ip}:8080`) && !s.some((x) => x.endsWith('!')));
    await settle('slice ready true', () => slicesOf('web'), (s) => s[0]?.endpoints?.every((e: Json) => e.conditions.ready === true));
  });

  it('resolves a named targetPort per pod, and drops a deleted pod', async () => {
    await server.k(['apply', '-f', '-'], JSON.stringify(pod('web-3', { port: 9090 })));
    const ip3 = await podIP('web-3');
    await settle('web-3 on 9090', () => endpointSet('web'), (s) => s.includes(`${ip3}:9090`) && s.length === 4);
    const ep = await getJson(['get', 'endpoints', 'web']);
    assert.equal(ep.subsets.length, 2, 'one subset per resolved port');
    const slices = await settle('two slices', () => slicesOf('web'), (s) => s.length === 2);
    assert.deepEqual(slices.map((x: Json) => `${x.ports[0].port}:${x.endpoints.length}`).sort(), ['8080:3', '9090:1']);

    const ip2 = ips.get('web-2')!;
    await server.k(['delete', 'pod', 'web-2', '--wait=false']);
    await settle('web-2 gone from endpoints', () => endpointSet('web'), (s) => !s.some((x) => x.startsWith(`${ip2}:`)));
    await settle('web-2 gone from slices', () => slicesOf('web'), (s) => !s.some((x: Json) => x.endpoints?.some((e: Json) => e.targetRef.name === 'web-2')));
  });

  it('publishes hostnames and the headless label for a headless Service', async () => {
    await server.k(['apply', '-f', '-'], JSON.stringify(pod('web-h', { hostname: 'h0', subdomain: 'web-headless' })));
    const ip = await podIP('web-h');
    await server.k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web-headless', namespace: 'default' },
      spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    }));
    const ep = await settle('headless endpoints', () => getJson(['get', 'endpoints', 'web-headless']), (e) => e.subsets?.some((s: Json) => s.addresses?.some((a: Json) => a.ip === ip)));
    assert.equal(ep.metadata.labels['service.kubernetes.io/headless'], '');
    const addr = ep.subsets.flatMap((s: Json) => s.addresses).find((a: Json) => a.ip === ip);
    assert.equal(addr.hostname, 'h0');
    const slices = await settle('headless slice', () => slicesOf('web-headless'), (s) => s.some((x: Json) => x.endpoints?.some((e: Json) => e.hostname === 'h0')));
    assert.equal(slices[0]!.metadata.labels['service.kubernetes.io/headless'], '');
    assert.deepEqual(slices.find((x: Json) => x.endpoints?.some((e: Json) => e.hostname === 'h0'))!.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  });

  it('mirrors the manual Endpoints of a selectorless Service into a slice', async () => {
    await server.k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'default' }, spec: { ports: [{ name: 'db', port: 5432 }] } },
        {
          apiVersion: 'v1',
          kind: 'Endpoints',
          metadata: { name: 'ext', namespace: 'default', labels: { owner: 'me' } },
          subsets: [{ addresses: [{ ip: '192.168.10.1' }], notReadyAddresses: [{ ip: '192.168.10.2' }], ports: [{ name: 'db', port: 5432 }] }],
        },
      ],
    }));
    const slices = await settle('mirrored slice', () => slicesOf('ext'), (s) => s.length === 1 && s[0].endpoints?.length === 2);
    const s = slices[0];
    assert.equal(s.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslicemirroring-controller.k8s.io');
    assert.equal(s.metadata.labels.owner, 'me');
    assert.equal(s.metadata.ownerReferences[0].kind, 'Endpoints');
    assert.deepEqual(s.ports, [{ name: 'db', port: 5432, protocol: 'TCP' }]);
    const ready = Object.fromEntries(s.endpoints.map((e: Json) => [e.addresses[0], e.conditions.ready]));
    assert.deepEqual(ready, { '192.168.10.1': true, '192.168.10.2': false });
    // The endpoints controller leaves user-managed Endpoints alone.
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await endpointSet('ext'), ['192.168.10.1:5432', '192.168.10.2:5432!']);

    await server.k(['delete', 'service', 'ext']);
    await settle('mirrored slice gone', () => slicesOf('ext'), (x) => x.length === 0);
  });

  it('removes Endpoints and slices with their Service', async () => {
    await server.k(['delete', 'service', 'web']);
    await settle('endpoints web gone', () => server.kubectl(['get', 'endpoints', 'web']), (r) => r.code !== 0 && /NotFound/.test(r.stderr));
    await settle('slices web gone', () => slicesOf('web'), (s) => s.length === 0);
    await settle('endpoints ext gone', () => server.kubectl(['get', 'endpoints', 'ext']), (r) => r.code !== 0);
  });
});
