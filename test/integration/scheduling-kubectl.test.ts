/**
 * The built-in scheduler of `k8ts server` on simulated nodes, driven by the real kubectl: resource
 * requests (a pod too big for any node stays Pending with upstream's FailedScheduling message in
 * `kubectl describe`), nodeSelector on a label set with `kubectl label node`, a NoSchedule taint set
 * with `kubectl taint`, and spreading of a Deployment's replicas over the nodes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestServer, eventually } from '../support/server.js';
import { TestAgent } from '../support/agent.js';

interface PodRow {
  name: string;
  node: string;
  phase: string;
}

describe('scheduling with kubectl on simulated nodes', { timeout: 120_000 }, () => {
  let server: TestServer;
  let agent: TestAgent;
  const k = (args: string[], input?: string) => server.k(args, input);

  async function pods(selector: string): Promise<PodRow[]> {
    const out = await k(['get', 'pods', '-l', selector, '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} {.status.phase}{"\\n"}{end}']);
    return out
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [name, node, phase] = l.split(' ');
        return { name: name!, node: node ?? '', phase: phase ?? '' };
      });
  }

  before(async () => {
    server = await TestServer.start();
    agent = TestAgent.start(server, { nodes: 3, prefix: 'sched-', cpu: '2', memory: '4Gi' });
    await eventually(async () => (await k(['get', 'nodes', '--no-headers'])).split('\n').filter((l) => / Ready /.test(l)).length === 3, 20_000, 200);
  });

  after(async () => {
    await agent?.stop();
    await server?.destroy();
  });

  it('leaves a pod too big for every node Pending with the FailedScheduling reason', async () => {
    await k(['run', 'huge', '--image=nginx:1.27', '--overrides', JSON.stringify({ spec: { containers: [{ name: 'huge', image: 'nginx:1.27', resources: { requests: { cpu: '3' } } }] } })]);
    const described = await eventually(async () => {
      const d = await k(['describe', 'pod', 'huge']);
      return /FailedScheduling/.test(d) ? d : undefined;
    }, 15_000, 200);
    assert.match(described!, /0\/3 nodes are available: 3 Insufficient cpu\. preemption: 0\/3 nodes are available: 3 Preemption is not helpful for scheduling\./);
    assert.match(await k(['get', 'pod', 'huge', '--no-headers']), /^huge\s+0\/1\s+Pending\s/);
    // A request that fits is scheduled and runs.
    await k(['delete', 'pod', 'huge', '--wait=false']);
    await k(['run', 'fits', '--image=nginx:1.27', '--overrides', JSON.stringify({ spec: { containers: [{ name: 'fits', image: 'nginx:1.27', resources: { requests: { cpu: '1500m' } } }] } })]);
    await k(['wait', '--for=condition=Ready', 'pod/fits', '--timeout=20s']);
    await k(['delete', 'pod', 'fits', '--wait=false']);
  });

  it('honours nodeSelector and NoSchedule taints set with kubectl', async () => {
    await k(['label', 'node', 'sched-1', 'disk=ssd']);
    await k(['taint', 'node', 'sched-2', 'dedicated=infra:NoSchedule']);
    await k(
      ['apply', '-f', '-'],
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: ssd}
spec:
  replicas: 3
  selector: {matchLabels: {app: ssd}}
  template:
    metadata: {labels: {app: ssd}}
    spec:
      nodeSelector: {disk: ssd}
      containers: [{name: c, image: nginx:1.27}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: untainted}
spec:
  replicas: 4
  selector: {matchLabels: {app: untainted}}
  template:
    metadata: {labels: {app: untainted}}
    spec:
      containers: [{name: c, image: nginx:1.27}]
`,
    );
    await k(['rollout', 'status', 'deployment/ssd', '--timeout=30s']);
    await k(['rollout', 'status', 'deployment/untainted', '--timeout=30s']);
    assert.deepEqual([...new Set((await pods('app=ssd')).map((p) => p.node))], ['sched-1']);
    const placed = await pods('app=untainted');
    assert.equal(placed.length, 4);
    assert.ok(placed.every((p) => p.node !== 'sched-2'), `a pod landed on the tainted node: ${JSON.stringify(placed)}`);
    await k(['delete', 'deployment', 'ssd', 'untainted']);
    await k(['taint', 'node', 'sched-2', 'dedicated=infra:NoSchedule-']);
    await k(['label', 'node', 'sched-1', 'disk-']);
    await eventually(async () => (await pods('app in (ssd,untainted)')).length === 0, 20_000, 200);
  });

  it('spreads the replicas of a Deployment over the nodes', async () => {
    await k(['create', 'deployment', 'spread', '--image=nginx:1.27', '--replicas=6']);
    await k(['rollout', 'status', 'deployment/spread', '--timeout=30s']);
    const perNode = new Map<string, number>();
    for (const p of await pods('app=spread')) perNode.set(p.node, (perNode.get(p.node) ?? 0) + 1);
    assert.deepEqual([...perNode.values()].sort(), [2, 2, 2], `placement: ${JSON.stringify([...perNode])}`);
  });
});
