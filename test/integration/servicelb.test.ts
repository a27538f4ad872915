/**
 * The servicelb controller inside a real k8ts server, driven by the real kubectl. Nodes are plain
 * API objects (no agent; their Ready condition and addresses are set through nodes/status), so no
 * traffic is involved: without a pool a LoadBalancer Service shows the InternalIPs of the Ready
 * nodes as EXTERNAL-IP and follows a Ready flip; a type change clears it; `--controllers=*,-servicelb`
 * leaves services pending; with `--servicelb-address-pool 10.250.0.10-10.250.0.12` three services
 * get three distinct pool addresses, a fourth stays pending (event AllocationFailed), the addresses
 * survive a server restart, and the fourth gets the one a deleted service gives back.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TestServer, REPO, eventually, run } from '../support/server.js';

type Json = Record<string, any>;

/** The node monitor grace period is long: these nodes never heartbeat, and must stay as set. */
const QUIET_NODES = ['--node-monitor-grace-period', '1h'];

async function addNode(server: TestServer, name: string, ip: string, ready: boolean): Promise<void> {
  await server.k(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name } }));
  await setNode(server, name, ip, ready);
}

async function setNode(server: TestServer, name: string, ip: string, ready: boolean): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await server.k(['patch', 'node', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({
    status: {
      addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }],
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? 'KubeletReady' : 'KubeletNotReady', message: 'set by test', lastHeartbeatTime: now, lastTransitionTime: now }],
    },
  })]);
}

function settler(server: () => TestServer) {
  return async <T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> => {
    let last: T | undefined;
    await eventually(async () => ok((last = await fn())), ms).catch((err) => {
      throw new Error(`${what}: ${String(err)}; last: ${JSON.stringify(last)}\nserver logs (tail):\n${server().logs.slice(-3000)}`);
    });
    return last!;
  };
}

/** EXTERNAL-IP of `kubectl get svc NAME` (the fourth column). */
const externalIP = async (server: TestServer, name: string): Promise<string> => (await server.k(['get', 'svc', name, '--no-headers'])).trim().split(/\s+/)[3];
const ingress = async (server: TestServer, name: string): Promise<Json[]> => JSON.parse(await server.k(['get', 'svc', name, '-o', 'json'])).status?.loadBalancer?.ingress ?? [];
const eventReasons = async (server: TestServer, name: string): Promise<string[]> =>
  JSON.parse(await server.k(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'json'])).items.map((e: Json) => e.reason);

describe('servicelb with node addresses', { timeout: 120_000 }, () => {
  let server: TestServer;
  const settle = settler(() => server);

  before(async () => {
    server = await TestServer.start({ extraArgs: QUIET_NODES });
    await addNode(server, 'lb-node-1', '10.77.0.1', true);
    await addNode(server, 'lb-node-2', '10.77.0.2', true);
    await addNode(server, 'lb-node-3', '10.77.0.3', false);
  });

  after(async () => {
    await server?.destroy();
  });

  it('shows the Ready nodes as EXTERNAL-IP of an exposed LoadBalancer service', async () => {
    await server.k(['create', 'deployment', 'web', '--image=nginx:1.27', '--port=8080']);
    await server.k(['expose', 'deployment', 'web', '--type=LoadBalancer', '--port=80', '--target-port=8080']);
    await settle('EXTERNAL-IP of web', () => externalIP(server, 'web'), (v) => v === '10.77.0.1,10.77.0.2');
    assert.deepEqual(await ingress(server, 'web'), [
      { ip: '10.77.0.1', ipMode: 'VIP' },
      { ip: '10.77.0.2', ipMode: 'VIP' },
    ]);
    const reasons = await settle('events of web', () => eventReasons(server, 'web'), (r) => r.includes('EnsuredLoadBalancer'));
    assert.ok(reasons.includes('EnsuringLoadBalancer'), reasons.join(','));
  });

  it('follows a node becoming Ready and one leaving', async () => {
    await setNode(server, 'lb-node-3', '10.77.0.3', true);
    await settle('node 3 added', () => externalIP(server, 'web'), (v) => v === '10.77.0.1,10.77.0.2,10.77.0.3');
    await server.k(['label', 'node', 'lb-node-1', 'node.kubernetes.io/exclude-from-external-load-balancers=true']);
    await server.k(['delete', 'node', 'lb-node-2']);
    await settle('nodes 1 and 2 gone', () => externalIP(server, 'web'), (v) => v === '10.77.0.3');
  });

  it('clears the ingress when the service stops being a LoadBalancer', async () => {
    await server.k(['patch', 'svc', 'web', '--type=merge', '-p', JSON.stringify({ spec: { type: 'ClusterIP' } })]);
    await settle('web is ClusterIP', () => externalIP(server, 'web'), (v) => v === '<none>');
    assert.deepEqual(await ingress(server, 'web'), []);
    // A class hands the service to another controller.
    await server.k(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'classy' },
      spec: { type: 'LoadBalancer', loadBalancerClass: 'example.com/other', selector: { app: 'web' }, ports: [{ port: 80 }] },
    }));
    await server.k(['create', 'service', 'loadbalancer', 'plain', '--tcp=80:8080']);
    await settle('plain served', () => externalIP(server, 'plain'), (v) => v === '10.77.0.3');
    assert.equal(await externalIP(server, 'classy'), '<pending>');
  });
});

describe('servicelb turned off', { timeout: 60_000 }, () => {
  let server: TestServer;

  before(async () => {
    server = await TestServer.start({ extraArgs: [...QUIET_NODES, '--controllers', '*,-servicelb'] });
    await addNode(server, 'off-node', '10.77.1.1', true);
  });

  after(async () => {
    await server?.destroy();
  });

  it('leaves LoadBalancer services pending with --controllers=*,-servicelb', async () => {
    await server.k(['create', 'service', 'loadbalancer', 'idle', '--tcp=80:8080']);
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await externalIP(server, 'idle'), '<pending>');
  });

  it('refuses a bad --servicelb-address-pool', async () => {
    const r = await run(process.execPath, [join(REPO, 'bin', 'k8ts'), 'server', '--data-dir', join(server.dataDir, 'bad'), '--disable-agent', '--servicelb-address-pool', '10.0.0.9-10.0.0.1']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /invalid --servicelb-address-pool: invalid address pool entry "10\.0\.0\.9-10\.0\.0\.1": the range's start is after its end/);
  });
});

describe('servicelb with an address pool', { timeout: 120_000 }, () => {
  let server: TestServer;
  const settle = settler(() => server);
  const POOL = ['10.250.0.10', '10.250.0.11', '10.250.0.12'];

  before(async () => {
    server = await TestServer.start({ extraArgs: [...QUIET_NODES, '--servicelb-address-pool', '10.250.0.10-10.250.0.12'] });
    await addNode(server, 'pool-node', '10.77.2.1', true);
  });

  after(async () => {
    await server?.destroy();
  });

  it('gives three services three distinct pool addresses and leaves a fourth pending', async () => {
    for (const n of ['lb-a', 'lb-b', 'lb-c']) await server.k(['create', 'service', 'loadbalancer', n, '--tcp=80:8080']);
    const ips: string[] = [];
    for (const n of ['lb-a', 'lb-b', 'lb-c']) ips.push(await settle(`EXTERNAL-IP of ${n}`, () => externalIP(server, n), (v) => POOL.includes(v)));
    assert.deepEqual([...ips].sort(), POOL, `distinct: ${ips.join(' ')}`);
    for (const [i, n] of ['lb-a', 'lb-b', 'lb-c'].entries()) assert.deepEqual(await ingress(server, n), [{ ip: ips[i], ipMode: 'VIP' }]);

    await server.k(['create', 'service', 'loadbalancer', 'lb-d', '--tcp=80:8080']);
    await settle('AllocationFailed for lb-d', () => eventReasons(server, 'lb-d'), (r) => r.includes('AllocationFailed'));
    assert.equal(await externalIP(server, 'lb-d'), '<pending>');
  });

  it('keeps the addresses across a server restart and gives a freed one to the waiting service', async () => {
    const held = await Promise.all(['lb-a', 'lb-b', 'lb-c'].map((n) => externalIP(server, n)));
    await server.restart();
    await new Promise((r) => setTimeout(r, 2000));
    assert.deepEqual(await Promise.all(['lb-a', 'lb-b', 'lb-c'].map((n) => externalIP(server, n))), held);
    assert.equal(await externalIP(server, 'lb-d'), '<pending>');
    await server.k(['delete', 'svc', 'lb-b']);
    await settle('lb-d gets the freed address', () => externalIP(server, 'lb-d'), (v) => v === held[1]);
    assert.deepEqual(await Promise.all(['lb-a', 'lb-c'].map((n) => externalIP(server, n))), [held[0], held[2]]);
  });
});
