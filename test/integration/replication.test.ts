/**
 * The ReplicaSet and ReplicationController controllers inside a real k8ts server, with 3 simulated
 * nodes, driven by the real kubectl: an RC applied from YAML runs its pods; `kubectl scale rc`
 * up and down (the DESIRED/CURRENT/READY columns follow); a deleted pod is replaced; a relabeled
 * pod is released and replaced, and adopted back when it matches again; two release tracks of ReplicaSets share `app: web`; `kubectl
 * describe rs` shows the SuccessfulCreate events.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestServer, eventually } from '../support/server.js';
import { TestAgent } from '../support/agent.js';

interface PodJson {
  metadata: { name: string; labels?: Record<string, string>; ownerReferences?: Array<{ kind: string; name: string; controller?: boolean }>; deletionTimestamp?: string };
  status?: { phase?: string; conditions?: Array<{ type: string; status: string }> };
}

const RC_YAML = `apiVersion: v1
kind: ReplicationController
metadata:
  name: nginx
spec:
  replicas: 3
  selector:
    app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
`;

const rsYaml = (track: string, replicas: number) => `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-${track}
  labels:
    app: web
    track: ${track}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
      track: ${track}
  template:
    metadata:
      labels:
        app: web
        track: ${track}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;

describe('replicaset and replicationcontroller controllers', { timeout: 90_000 }, () => {
  let server: TestServer;
  let agent: TestAgent;

  before(async () => {
    server = await TestServer.start({ extraArgs: ['--controllers', 'replicaset,replicationcontroller'] });
    agent = TestAgent.start(server, { nodes: 3, prefix: 'rs-node-' });
    await eventually(async () => {
      const out = await server.k(['get', 'nodes', '--no-headers']);
      return out.split('\n').filter((l) => / Ready /.test(l)).length === 3;
    }, 20_000);
  });

  after(async () => {
    await agent?.stop();
    await server?.destroy();
  });

  const pods = async (selector: string): Promise<PodJson[]> => JSON.parse(await server.k(['get', 'pods', '-l', selector, '-o', 'json'])).items;
  const live = (ps: PodJson[]) => ps.filter((p) => !p.metadata.deletionTimestamp);
  const running = (ps: PodJson[]) => live(ps).filter((p) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));

  /** The DESIRED, CURRENT and READY columns of `kubectl get rc|rs NAME`. */
  const columns = async (kind: string, name: string): Promise<string> => {
    const cols = (await server.k(['get', kind, name, '--no-headers'])).trim().split(/\s+/);
    return cols.slice(1, 4).join(' ');
  };

  const settled = async (selector: string, n: number, kind: string, name: string, ms = 15_000) => {
    let last = '';
    await eventually(async () => {
      const ps = await pods(selector);
      last = `${ps.length} pods, ${running(ps).length} running; columns ${await columns(kind, name)}`;
      return ps.length === n && running(ps).length === n && (await columns(kind, name)) === `${n} ${n} ${n}`;
    }, ms).catch((err) => {
      throw new Error(`${kind}/${name} did not settle at ${n}: ${last}: ${String(err)}`);
    });
  };

  it('runs the 3 pods of an RC applied from YAML', async () => {
    await server.k(['apply', '-f', '-'], RC_YAML);
    await settled('app=nginx', 3, 'rc', 'nginx');
    for (const p of await pods('app=nginx')) {
      assert.match(p.metadata.name, /^nginx-[a-z0-9]{5}$/);
      assert.deepEqual(p.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.controller]), [['ReplicationController', 'nginx', true]]);
    }
    const rc = JSON.parse(await server.k(['get', 'rc', 'nginx', '-o', 'json']));
    assert.deepEqual(rc.status, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
  });

  it('follows kubectl scale up to 5 and down to 2', async () => {
    assert.match(await server.k(['scale', 'rc', 'nginx', '--replicas=5']), /scaled/);
    await settled('app=nginx', 5, 'rc', 'nginx');
    const before = (await pods('app=nginx')).map((p) => p.metadata.name);
    await server.k(['scale', 'rc', 'nginx', '--replicas=2']);
    await settled('app=nginx', 2, 'rc', 'nginx');
    const after = (await pods('app=nginx')).map((p) => p.metadata.name);
    assert.ok(after.every((n) => before.includes(n)), 'scaling down starts nothing new');
    const describe = await server.k(['describe', 'rc', 'nginx']);
    assert.match(describe, /Replicas:\s+2 current \/ 2 desired/);
    assert.match(describe, /Pods Status:\s+2 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed/);
    assert.match(describe, /SuccessfulDelete\s+.*replication-controller\s+Deleted pod: nginx-/);
  });

  it('replaces a deleted pod', async () => {
    const [victim] = live(await pods('app=nginx')).map((p) => p.metadata.name);
    await server.k(['delete', 'pod', victim!, '--wait=false']);
    await settled('app=nginx', 2, 'rc', 'nginx');
    assert.ok(!(await pods('app=nginx')).some((p) => p.metadata.name === victim));
  });

  it('releases a relabeled pod and replaces it', async () => {
    const [moved] = live(await pods('app=nginx')).map((p) => p.metadata.name);
    await server.k(['label', 'pod', moved!, 'app=other', '--overwrite']);
    await eventually(async () => {
      const p: PodJson = JSON.parse(await server.k(['get', 'pod', moved!, '-o', 'json']));
      return !p.metadata.ownerReferences?.length && p.status?.phase === 'Running';
    }, 10_000);
    await settled('app=nginx', 2, 'rc', 'nginx');
    assert.ok(!(await pods('app=nginx')).some((p) => p.metadata.name === moved));
    assert.equal((await pods('app=other')).length, 1, 'the released pod stays');
  });

  it('adopts a matching orphan and removes the surplus', async () => {
    const [orphan] = (await pods('app=other')).map((p) => p.metadata.name);
    await server.k(['label', 'pod', orphan!, 'app=nginx', '--overwrite']);
    await settled('app=nginx', 2, 'rc', 'nginx');
    const owned = await pods('app=nginx');
    assert.ok(owned.every((p) => p.metadata.ownerReferences?.[0]?.name === 'nginx'));
    assert.ok(owned.some((p) => p.metadata.name === orphan), 'the adopted pod, ready the longest, is kept');
  });

  it('runs two release tracks side by side and kubectl describe rs shows the events', async () => {
    await server.k(['apply', '-f', '-'], `${rsYaml('stable', 3)}---\n${rsYaml('canary', 1)}`);
    await settled('app=web,track=stable', 3, 'rs', 'web-stable');
    await settled('app=web,track=canary', 1, 'rs', 'web-canary');
    const all = (await server.k(['get', 'pods', '-l', 'app=web', '--no-headers'])).trim().split('\n');
    assert.equal(all.length, 4);
    const canary = (await server.k(['get', 'pods', '-l', 'track=canary', '--no-headers'])).trim().split('\n');
    assert.equal(canary.length, 1);
    assert.match(canary[0]!, /^web-canary-[a-z0-9]{5}\s+1\/1\s+Running/);
    const describe = await server.k(['describe', 'rs', 'web-stable']);
    assert.match(describe, /Replicas:\s+3 current \/ 3 desired/);
    const created = describe.split('\n').filter((l) => /Normal\s+SuccessfulCreate\s+.*replicaset-controller\s+Created pod: web-stable-[a-z0-9]{5}/.test(l));
    assert.equal(created.length, 3, describe);
  });
});
