/**
 * `k8ts agent --simulate N` against a real k8ts server: the agent joins with the node token and the
 * server's CA, registers Ready nodes (as kubectl shows them), renews their Leases, runs a pod bound
 * to one of them (Running with an IP from the node's podCIDR, Ready), finishes a pod with the
 * exit-code annotation, honours graceful deletion, and stops renewing when killed with SIGKILL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../src/api/types.js';
import { RestClient, isNotFound, type ResourceRef } from '../../src/client/rest.js';
import { TestServer, eventually, REPO } from '../support/server.js';

const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' };
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
const LEASES: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true, kind: 'Lease' };

type Obj = KubeObject & { spec?: Record<string, any>; status?: Record<string, any> };

function inCidr(ip: string, cidr: string): boolean {
  const toN = (s: string) => s.split('.').reduce((a, p) => a * 256 + Number(p), 0);
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return toN(ip) >= toN(base!) && toN(ip) < toN(base!) + size;
}

const pod = (name: string, nodeName: string, extra: { annotations?: Record<string, string>; restartPolicy?: string; init?: boolean } = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', ...(extra.annotations ? { annotations: extra.annotations } : {}) },
  spec: {
    nodeName,
    ...(extra.restartPolicy ? { restartPolicy: extra.restartPolicy } : {}),
    ...(extra.init ? { initContainers: [{ name: 'setup', image: 'busybox:1.36' }] } : {}),
    containers: [{ name: 'app', image: 'nginx:1.27' }],
  },
});

describe('k8ts agent --simulate', { timeout: 60_000 }, () => {
  let server: TestServer;
  let agent: ChildProcess;
  let agentLogs = '';
  let client: RestClient;
  let agentArgs: string[] = [];

  function startAgent(): void {
    agent = spawn(process.execPath, agentArgs, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, K8TS_LOG_LEVEL: 'info' } });
    agent.stdout!.on('data', (d) => (agentLogs += d));
    agent.stderr!.on('data', (d) => (agentLogs += d));
  }

  before(async () => {
    server = await TestServer.start();
    const token = readFileSync(join(server.dataDir, 'server', 'node-token'), 'utf8').trim();
    const ca = join(server.dataDir, 'server', 'tls', 'ca.crt');
    agentArgs = [join(REPO, 'bin', 'k8ts'), 'agent', '--server', server.url, '--token', token, '--ca-file', ca, '--simulate', '3', '--lease-renew-interval', '1s', '--node-status-update-frequency', '2s'];
    startAgent();
    const creds = server.credentials();
    client = new RestClient({ server: server.url, ca: creds.ca, cert: creds.cert, key: creds.key }, { qps: 'unlimited' });
  });

  async function waitPhase(name: string, phase: string): Promise<Obj> {
    let last: Obj | undefined;
    await eventually(async () => {
      last = await client.get<Obj>(PODS, 'default', name);
      return last.status?.phase === phase;
    }, 10_000).catch((err) => {
      throw new Error(`pod ${name}: ${String(err)}; last status ${JSON.stringify(last?.status)}\nagent logs:\n${agentLogs}`);
    });
    return last!;
  }

  after(async () => {
    if (agent && agent.exitCode === null && agent.signalCode === null) agent.kill('SIGKILL');
    client?.close();
    await server?.destroy();
  });

  it('registers 3 Ready nodes with the simulated shape', async () => {
    await eventually(async () => {
      const out = await server.k(['get', 'nodes', '--no-headers']);
      const ready = out.split('\n').filter((l) => /^sim-node-\d+\s+Ready\s/.test(l));
      return ready.length === 3;
    }, 20_000).catch((err) => {
      throw new Error(`${String(err)}\nagent logs:\n${agentLogs}`);
    });
    const out = await server.k(['get', 'nodes', '-o', 'wide', '--no-headers']);
    assert.match(out, /sim-node-0\s+Ready\s+<none>\s+\S+\s+v1\.32\.0-k8ts\s+127\.0\.0\.1\s/);
    const n = await client.get<Obj>(NODES, undefined, 'sim-node-1');
    assert.equal(n.metadata?.labels?.['kubernetes.io/hostname'], 'sim-node-1');
    assert.equal(n.metadata?.labels?.type, 'simulated');
    assert.equal(n.spec?.podCIDR, '10.42.1.0/24');
    assert.equal(n.status?.capacity?.cpu, '4');
    assert.equal(n.status?.allocatable?.memory, '16Gi');
    assert.equal(n.status?.capacity?.pods, '110');
    assert.equal(n.status?.nodeInfo?.containerRuntimeVersion, 'simulated://1.0');
    const types = (n.status?.conditions as Array<{ type: string; status: string }>).map((c) => `${c.type}=${c.status}`).sort();
    assert.deepEqual(types, ['DiskPressure=False', 'MemoryPressure=False', 'PIDPressure=False', 'Ready=True']);
  });

  it('renews each node Lease', async () => {
    const first = await client.get<Obj>(LEASES, 'kube-node-lease', 'sim-node-2');
    assert.equal(first.spec?.holderIdentity, 'sim-node-2');
    assert.equal(first.spec?.leaseDurationSeconds, 40);
    await eventually(async () => {
      const l = await client.get<Obj>(LEASES, 'kube-node-lease', 'sim-node-2');
      return Date.parse(l.spec?.renewTime) > Date.parse(first.spec?.renewTime);
    }, 5000);
  });

  it('runs a bound pod: Running, IP from the node podCIDR, Ready; then deletes it gracefully', async () => {
    await server.k(['create', '-f', '-'], JSON.stringify(pod('web', 'sim-node-1', { init: true })));
    const running = await waitPhase('web', 'Running');
    const st = running.status!;
    assert.ok(inCidr(st.podIP, '10.42.1.0/24'), `podIP ${st.podIP} not in 10.42.1.0/24`);
    assert.deepEqual(st.podIPs, [{ ip: st.podIP }]);
    assert.equal(st.hostIP, '127.0.0.2');
    assert.ok(st.startTime);
    const conds = Object.fromEntries((st.conditions as Array<{ type: string; status: string }>).map((c) => [c.type, c.status]));
    for (const t of ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready']) assert.equal(conds[t], 'True', t);
    const cs = st.containerStatuses[0];
    assert.equal(cs.name, 'app');
    assert.equal(cs.ready, true);
    assert.equal(cs.started, true);
    assert.equal(cs.restartCount, 0);
    assert.equal(cs.imageID, 'simulated://nginx:1.27');
    assert.equal(cs.containerID, `simulated://${running.metadata?.uid}-app`);
    assert.ok(cs.state.running.startedAt);
    assert.equal(st.initContainerStatuses[0].state.terminated.reason, 'Completed');
    const wide = await server.k(['get', 'pod', 'web', '-o', 'wide', '--no-headers']);
    assert.match(wide, /^web\s+1\/1\s+Running\s+0\s/);

    const t0 = Date.now();
    await server.k(['delete', 'pod', 'web', '--wait=false']);
    await eventually(async () => {
      try {
        await client.get(PODS, 'default', 'web');
        return false;
      } catch (err) {
        return isNotFound(err);
      }
    }, 10_000);
    assert.ok(Date.now() - t0 < 8000, 'deleted within the simulated termination time, not the 30 s grace period');
  });

  it('ends a restartPolicy=Never pod with the simulated exit code, and reports restarts', async () => {
    await server.k(['create', '-f', '-'], JSON.stringify(pod('job-ok', 'sim-node-0', { restartPolicy: 'Never', annotations: { 'k8ts.io/simulated-exit-code': '0', 'k8ts.io/simulated-run-seconds': '1' } })));
    await server.k(['create', '-f', '-'], JSON.stringify(pod('job-bad', 'sim-node-0', { restartPolicy: 'Never', annotations: { 'k8ts.io/simulated-exit-code': '3' } })));
    await server.k(['create', '-f', '-'], JSON.stringify(pod('flaky', 'sim-node-2', { annotations: { 'k8ts.io/simulated-restarts': '4' } })));
    const ok = await waitPhase('job-ok', 'Succeeded');
    assert.equal(ok.status!.containerStatuses[0].state.terminated.exitCode, 0);
    assert.equal(ok.status!.containerStatuses[0].state.terminated.reason, 'Completed');
    const bad = await waitPhase('job-bad', 'Failed');
    assert.equal(bad.status!.containerStatuses[0].state.terminated.exitCode, 3);
    const flaky = await waitPhase('flaky', 'Running');
    assert.equal(flaky.status!.containerStatuses[0].restartCount, 4);
    const out = await server.k(['get', 'pods', '--no-headers']);
    assert.match(out, /job-ok\s+0\/1\s+Completed\s/);
    assert.match(out, /job-bad\s+0\/1\s+Error\s/);
  });

  it('stops renewing leases when the agent is killed with SIGKILL', async () => {
    const exited = new Promise<void>((r) => agent.once('exit', () => r()));
    agent.kill('SIGKILL');
    await exited;
    const before = await client.get<Obj>(LEASES, 'kube-node-lease', 'sim-node-0');
    await new Promise((r) => setTimeout(r, 2500));
    const later = await client.get<Obj>(LEASES, 'kube-node-lease', 'sim-node-0');
    assert.equal(later.spec?.renewTime, before.spec?.renewTime);
    assert.equal(later.metadata?.resourceVersion, before.metadata?.resourceVersion);
    // Nodes stay registered.
    await client.get(NODES, undefined, 'sim-node-0');
  });

  it('re-registers idempotently after a restart, re-adopts running pods, and exits 0 on SIGTERM keeping its nodes', async () => {
    const flakyBefore = await client.get<Obj>(PODS, 'default', 'flaky');
    const leaseBefore = await client.get<Obj>(LEASES, 'kube-node-lease', 'sim-node-0');
    startAgent();
    await eventually(async () => {
      const l = await client.get<Obj>(LEASES, 'kube-node-lease', 'sim-node-0');
      return Date.parse(l.spec?.renewTime) > Date.parse(leaseBefore.spec?.renewTime);
    }, 10_000);
    const nodes = await client.list<Obj>(NODES, undefined);
    assert.equal(nodes.items.filter((n) => n.metadata?.name?.startsWith('sim-node-')).length, 3);
    // The running pod keeps its IP; a new pod on the same node gets a different one.
    await server.k(['create', '-f', '-'], JSON.stringify(pod('second', 'sim-node-2')));
    const second = await waitPhase('second', 'Running');
    const flaky = await client.get<Obj>(PODS, 'default', 'flaky');
    assert.equal(flaky.status?.podIP, flakyBefore.status?.podIP);
    assert.notEqual(second.status?.podIP, flaky.status?.podIP);
    assert.ok(inCidr(second.status?.podIP, '10.42.2.0/24'));

    const exited = new Promise<number | null>((r) => agent.once('exit', (code) => r(code)));
    agent.kill('SIGTERM');
    assert.equal(await exited, 0);
    await client.get(NODES, undefined, 'sim-node-2');
    await client.get(LEASES, 'kube-node-lease', 'sim-node-2');
  });
});
