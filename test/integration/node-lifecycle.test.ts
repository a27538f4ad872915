/**
 * Node lifecycle, taint-based eviction, pod GC and the ServiceAccount controller in a real
 * `k8ts server` driven by the real kubectl, with two simulated agents (a-*, b-*). Killing agent a
 * makes its nodes NotReady with the unreachable taints; its pods (default tolerations of 2 s from
 * the DefaultTolerationSeconds admission) are evicted and the ReplicationController replaces them
 * on b-* nodes; restarting agent a brings the nodes back Ready without taints. Pod GC keeps only
 * the 2 newest terminated pods and deletes a pod bound to a node that does not exist.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/types.js';
import { RestClient, type ResourceRef } from '../../src/client/rest.js';
import { TestServer, eventually } from '../support/server.js';
import { TestAgent } from '../support/agent.js';

const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' };
type Obj = KubeObject & { spec?: Record<string, any>; status?: Record<string, any> };

const A = { nodes: 2, prefix: 'a-', clusterCidr: '10.42.0.0/17' };
const B = { nodes: 2, prefix: 'b-', clusterCidr: '10.42.128.0/17' };

const RC = `apiVersion: v1
kind: ReplicationController
metadata:
  name: web
  namespace: default
spec:
  replicas: 6
  selector:
    app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: app
        image: nginx:1.27
`;

const finished = (name: string, nodeName: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', annotations: { 'k8ts.io/simulated-exit-code': '0' } },
  spec: { nodeName, restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36' }] },
});

describe('node lifecycle, pod GC and service accounts', { timeout: 100_000 }, () => {
  let server: TestServer;
  let client: RestClient;
  let a: TestAgent;
  let b: TestAgent;
  const t0 = Date.now();

  const webPods = async () => (await client.list<Obj>(PODS, 'default', { labelSelector: 'app=web' })).items;
  const nodeOf = (p: Obj) => String(p.spec?.nodeName ?? '');
  const ready = (n: Obj) => n.status?.conditions?.find((c: any) => c.type === 'Ready')?.status;

  before(async () => {
    server = await TestServer.start({
      extraArgs: [
        '--node-monitor-grace-period', '4s',
        '--node-monitor-period', '1s',
        '--default-not-ready-toleration-seconds', '2',
        '--default-unreachable-toleration-seconds', '2',
        '--terminated-pod-gc-threshold', '2',
      ],
    });
    const c = server.credentials();
    client = new RestClient({ server: server.url, ca: c.ca, cert: c.cert, key: c.key }, { qps: 'unlimited' });
    a = TestAgent.start(server, A);
    b = TestAgent.start(server, B);
    await eventually(async () => {
      const out = await server.k(['get', 'nodes', '--no-headers']);
      return out.split('\n').filter((l) => /\sReady\s/.test(l)).length === 4;
    }, 20_000);
  });

  after(async () => {
    await a?.stop();
    await b?.stop();
    client?.close();
    await server?.destroy();
  });

  it('creates the default ServiceAccount in a new namespace, and again after deletion', async () => {
    await server.k(['create', 'ns', 'x']);
    await eventually(async () => (await server.kubectl(['get', 'sa', 'default', '-n', 'x'])).code === 0, 10_000);
    await server.k(['delete', 'sa', 'default', '-n', 'x']);
    await eventually(async () => (await server.kubectl(['get', 'sa', 'default', '-n', 'x', '-o', 'name'])).stdout.trim() === 'serviceaccount/default', 10_000);
  });

  it('starts pods for the pod GC checks (terminated ones and one on a node that does not exist)', async () => {
    for (const n of ['gc-0', 'gc-1', 'gc-2', 'gc-3']) await client.create(PODS, 'default', finished(n, 'b-1'));
    await client.create(PODS, 'default', { ...finished('orphan', 'ghost-node'), metadata: { name: 'orphan', namespace: 'default' }, spec: { nodeName: 'ghost-node', containers: [{ name: 'c', image: 'nginx:1.27' }] } });
    const created = await client.get<Obj>(PODS, 'default', 'gc-3');
    assert.ok(created.metadata?.uid);
  });

  it('adds the default NoExecute tolerations at pod creation', async () => {
    await server.k(['apply', '-f', '-'], RC);
    const pods = await eventually(async () => {
      const ps = await webPods();
      return ps.length === 6 && ps.every((p) => p.status?.phase === 'Running') ? ps : undefined;
    }, 20_000);
    const tol = pods![0]!.spec!.tolerations.map((t: any) => `${t.key}:${t.effect}:${t.tolerationSeconds}`).sort();
    assert.deepEqual(tol, ['node.kubernetes.io/not-ready:NoExecute:2', 'node.kubernetes.io/unreachable:NoExecute:2']);
    assert.ok(pods!.some((p) => nodeOf(p).startsWith('a-')), `some pods on a-* nodes: ${pods!.map(nodeOf)}`);
  });

  it('killing agent a: its nodes go NotReady with unreachable taints, its pods are evicted and replaced on b-* nodes', async () => {
    const before = await webPods();
    const onA = before.filter((p) => nodeOf(p).startsWith('a-')).map((p) => p.metadata!.name!);
    await a.stop();
    const killedAt = Date.now();
    await eventually(async () => {
      const out = await server.k(['get', 'nodes', '--no-headers']);
      const st = Object.fromEntries(out.trim().split('\n').map((l) => l.trim().split(/\s+/).slice(0, 2)));
      return st['a-0'] === 'NotReady' && st['a-1'] === 'NotReady' && st['b-0'] === 'Ready' && st['b-1'] === 'Ready';
    }, 15_000);
    const notReadyMs = Date.now() - killedAt;
    const describe = await eventually(async () => {
      const d = await server.k(['describe', 'node', 'a-0']);
      return /node\.kubernetes\.io\/unreachable:NoExecute/.test(d) && /node\.kubernetes\.io\/unreachable:NoSchedule/.test(d) ? d : undefined;
    }, 10_000);
    assert.match(describe!, /Ready\s+Unknown\s.*NodeStatusUnknown\s+Kubelet stopped posting node status\./);
    assert.match(describe!, /MemoryPressure\s+Unknown/);
    const node = await client.get<Obj>(NODES, undefined, 'a-0');
    assert.ok(node.spec!.taints.every((t: any) => t.timeAdded), 'taints carry timeAdded');

    // Evicted after the 2 s toleration: deletionTimestamp set, DisruptionTarget condition added.
    await eventually(async () => {
      for (const name of onA) {
        const p = await client.get<Obj>(PODS, 'default', name).catch(() => undefined);
        if (p && !p.metadata?.deletionTimestamp) return false;
      }
      return true;
    }, 15_000);
    const evictedMs = Date.now() - killedAt;
    const evicted = await client.get<Obj>(PODS, 'default', onA[0]!).catch(() => undefined);
    if (evicted) {
      const dt = evicted.status?.conditions?.find((c: any) => c.type === 'DisruptionTarget');
      assert.equal(dt?.reason, 'DeletionByTaintManager');
    }
    const events = await server.k(['get', 'events', '-A', '--field-selector', 'reason=TaintManagerEviction', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
    for (const name of onA) assert.match(events, new RegExp(`Marking for deletion Pod default/${name}`));
    const nodeEvents = await server.k(['get', 'events', '-n', 'default', '--field-selector', 'involvedObject.name=a-0', '-o', 'jsonpath={range .items[*]}{.reason}:{.message}{"\\n"}{end}']);
    assert.match(nodeEvents, /NodeNotReady:Node a-0 status is now: NodeNotReady/);
    assert.match(nodeEvents, /RegisteredNode:Node a-0 event: Registered Node a-0 in Controller/);

    // The ReplicationController replaces them on the surviving agent's nodes.
    await eventually(async () => {
      const live = (await webPods()).filter((p) => !p.metadata?.deletionTimestamp);
      return live.length === 6 && live.every((p) => nodeOf(p).startsWith('b-') && p.status?.phase === 'Running');
    }, 20_000);
    const replacedMs = Date.now() - killedAt;
    console.log(`# agent a killed: NotReady after ${notReadyMs} ms, pods evicted after ${evictedMs} ms, replaced after ${replacedMs} ms`);
  });

  it('restarting agent a brings its nodes back Ready without taints', async () => {
    a = TestAgent.start(server, A);
    try {
      await eventually(async () => {
        const nodes = (await client.list<Obj>(NODES, undefined)).items.filter((n) => n.metadata!.name!.startsWith('a-'));
        return nodes.length === 2 && nodes.every((n) => ready(n) === 'True' && (n.spec?.taints ?? []).length === 0);
      }, 20_000);
    } catch (e) {
      // Diagnostics for a failure: the nodes as the API has them and the recent logs.
      const nodes = (await client.list<Obj>(NODES, undefined)).items.filter((n) => n.metadata!.name!.startsWith('a-'));
      console.log(JSON.stringify(nodes.map((n) => ({ name: n.metadata?.name, spec: n.spec, conditions: n.status?.conditions }))));
      console.log(a.logs.slice(-3000));
      console.log(server.logs.split('\n').slice(-60).join('\n'));
      throw e;
    }
    const out = await server.k(['get', 'nodes', 'a-0', 'a-1', '--no-headers']);
    assert.doesNotMatch(out, /NotReady/);
    const d = await server.k(['describe', 'node', 'a-1']);
    assert.match(d, /Taints:\s+<none>/);
    // The evicted pods left on a-* are finished off by the restarted agent.
    await eventually(async () => (await webPods()).every((p) => nodeOf(p).startsWith('b-')), 15_000);
  });

  it('pod GC: keeps the 2 newest terminated pods, force deletes the pod bound to a missing node', async () => {
    await eventually(async () => {
      const names = (await client.list<Obj>(PODS, 'default')).items.map((p) => p.metadata!.name!);
      return !names.includes('gc-0') && !names.includes('gc-1') && names.includes('gc-2') && names.includes('gc-3') && !names.includes('orphan');
    }, Math.max(5_000, 90_000 - (Date.now() - t0)), 500);
  });
});
