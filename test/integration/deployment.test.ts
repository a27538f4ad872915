/**
 * The deployment controller in a real `k8ts server` (with the ReplicaSet controller and the
 * scheduler) and 3 simulated nodes whose pods take 300 ms to start, driven by the real kubectl:
 * a RollingUpdate v1 → v2 watched pod by pod (never more than replicas + maxSurge non-terminating
 * pods, never fewer than replicas - maxUnavailable ready ones), `rollout status`, `rollout history`
 * with change-causes, `rollout undo` (previous and --to-revision), pause/resume, Recreate (old
 * and new pods never coexist), `kubectl scale`, and the Events `kubectl describe` shows.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/types.js';
import { RestClient, type ResourceRef } from '../../src/client/rest.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { SharedInformer } from '../../src/client/informer.js';
import { TestServer, eventually } from '../support/server.js';
import { TestAgent } from '../support/agent.js';

const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
const RSS: ResourceRef = { group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true, kind: 'ReplicaSet' };
type Obj = KubeObject & { spec?: Record<string, any>; status?: Record<string, any> };

function manifest(ns: string, name: string, o: { replicas?: number; image?: string; strategy?: string; cause?: string; spec?: string; podSpec?: string } = {}): string {
  const strategy =
    o.strategy === 'Recreate'
      ? '  strategy:\n    type: Recreate\n'
      : '  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 1\n';
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
${o.cause ? `  annotations:\n    kubernetes.io/change-cause: "${o.cause}"\n` : ''}spec:
  replicas: ${o.replicas ?? 4}
  selector:
    matchLabels:
      app: ${name}
${strategy}${o.spec ?? ''}  template:
    metadata:
      labels:
        app: ${name}
    spec:
      terminationGracePeriodSeconds: 5
${o.podSpec ?? ''}      containers:
      - name: app
        image: ${o.image ?? 'nginx:1.0'}
`;
}

const isReady = (p: Obj) => (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
const terminating = (p: Obj) => !!p.metadata?.deletionTimestamp;
const terminal = (p: Obj) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const imageOf = (p: Obj) => p.spec?.containers?.[0]?.image as string;

describe('deployment controller (kubectl, simulated nodes)', { timeout: 120_000 }, () => {
  let server: TestServer;
  let agent: TestAgent;
  let client: RestClient;
  const ac = new AbortController();

  /** A pod informer over `ns` whose handler checks `check` on every observed state. */
  async function watchPods(ns: string, check: (pods: Obj[]) => string | undefined): Promise<{ violations: string[]; observed: () => number; pods: () => Obj[] }> {
    const inf = new SharedInformer<Obj>(client, PODS, { namespace: ns });
    const violations: string[] = [];
    let observed = 0;
    const run = () => {
      observed++;
      const v = check(inf.lister.list(ns));
      if (v) violations.push(v);
    };
    inf.addEventHandler({ onAdd: run, onUpdate: run, onDelete: run });
    void inf.run(ac.signal);
    await inf.waitForSync(ac.signal);
    return { violations, observed: () => observed, pods: () => inf.lister.list(ns) };
  }

  const rsOf = async (ns: string): Promise<Obj[]> => (await client.list<Obj>(RSS, ns)).items;

  before(async () => {
    server = await TestServer.start();
    agent = TestAgent.start(server, { nodes: 3, prefix: 'dep-node-', podStartDelay: '300ms', extraArgs: ['--pod-termination-delay', '300ms'] });
    client = new RestClient(loadKubeconfig(server.kubeconfig), { qps: 'unlimited' });
    await eventually(async () => (await server.k(['get', 'nodes', '--no-headers'])).split('\n').filter((l) => / Ready /.test(l)).length === 3, 20_000);
    for (const ns of ['roll', 'recreate', 'scale', 'misc']) await server.k(['create', 'namespace', ns]);
  });

  after(async () => {
    ac.abort();
    await agent?.stop();
    client?.close();
    await server?.destroy();
  });

  it('rolls out v1 → v2 within maxSurge/maxUnavailable; rollout status exits 0', async () => {
    await server.k(['apply', '-f', '-'], manifest('roll', 'web', { cause: 'create nginx:1.0' }));
    const first = await server.kubectl(['rollout', 'status', 'deployment/web', '-n', 'roll', '--timeout=60s']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /deployment "web" successfully rolled out/);

    let rolling = false;
    const w = await watchPods('roll', (pods) => {
      const live = pods.filter((p) => !terminating(p) && !terminal(p));
      const ready = live.filter(isReady).length;
      if (live.length > 5) return `${live.length} non-terminating pods > 4+1`;
      if (rolling && ready < 3) return `${ready} ready pods < 4-1`;
      return undefined;
    });
    await eventually(() => w.pods().filter((p) => !terminating(p) && isReady(p)).length === 4, 15_000);
    rolling = true;
    const t0 = Date.now();
    await server.k(['set', 'image', 'deployment/web', 'app=nginx:2.0', '-n', 'roll']);
    await server.k(['annotate', 'deployment/web', '-n', 'roll', '--overwrite', 'kubernetes.io/change-cause=kubectl set image deployment/web app=nginx:2.0']);
    const status = await server.kubectl(['rollout', 'status', 'deployment/web', '-n', 'roll', '--timeout=60s']);
    const took = Date.now() - t0;
    assert.equal(status.code, 0, status.stderr + status.stdout);
    assert.match(status.stdout, /deployment "web" successfully rolled out\n$/);
    for (const line of status.stdout.trim().split('\n').slice(0, -1)) {
      assert.match(line, /^Waiting for deployment "web" rollout to finish: (\d+ out of 4 new replicas have been updated|\d+ old replicas are pending termination|\d+ of 4 updated replicas are available)\.\.\.$/);
    }
    await eventually(() => w.pods().filter((p) => !terminating(p)).every((p) => imageOf(p) === 'nginx:2.0') && w.pods().filter((p) => !terminating(p) && isReady(p)).length === 4, 15_000);
    assert.deepEqual(w.violations, []);
    assert.ok(w.observed() > 10, `observed ${w.observed()} pod states`);
    console.log(`rollout v1→v2 of 4 pods: ${took} ms, ${w.observed()} pod events checked`);

    const d = JSON.parse(await server.k(['get', 'deployment/web', '-n', 'roll', '-o', 'json']));
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '2');
    assert.deepEqual([d.status.replicas, d.status.updatedReplicas, d.status.readyReplicas, d.status.availableReplicas, d.status.observedGeneration], [4, 4, 4, 4, d.metadata.generation]);
    const conds = Object.fromEntries(d.status.conditions.map((c: any) => [c.type, c.reason]));
    assert.deepEqual(conds, { Available: 'MinimumReplicasAvailable', Progressing: 'NewReplicaSetAvailable' });

    const describe = await server.k(['describe', 'deployment/web', '-n', 'roll']);
    assert.match(describe, /ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-\w+ from 0 to 4/);
    assert.match(describe, /Scaled down replica set web-\w+ from \d to \d/);
    assert.match(describe, /NewReplicaSet:\s+web-\w+ \(4\/4 replicas created\)/);
  });

  it('rollout history lists both revisions with their change-causes', async () => {
    const out = await server.k(['rollout', 'history', 'deployment/web', '-n', 'roll']);
    assert.match(out, /REVISION\s+CHANGE-CAUSE/);
    assert.match(out, /\n1\s+create nginx:1.0\n/);
    assert.match(out, /\n2\s+kubectl set image deployment\/web app=nginx:2.0\n/);
    const rev2 = await server.k(['rollout', 'history', 'deployment/web', '-n', 'roll', '--revision=2']);
    assert.match(rev2, /Image:\s+nginx:2.0/);
  });

  it('rollout undo returns to v1 as revision 3, --to-revision=2 to v2 as revision 4', async () => {
    const undo = await server.k(['rollout', 'undo', 'deployment/web', '-n', 'roll']);
    assert.match(undo, /deployment.apps\/web rolled back/);
    const s1 = await server.kubectl(['rollout', 'status', 'deployment/web', '-n', 'roll', '--timeout=60s']);
    assert.equal(s1.code, 0, s1.stderr);
    await eventually(async () => {
      const pods = (await client.list<Obj>(PODS, 'roll')).items.filter((p) => !terminating(p));
      return pods.length === 4 && pods.every((p) => imageOf(p) === 'nginx:1.0');
    }, 15_000);
    let hist = await server.k(['rollout', 'history', 'deployment/web', '-n', 'roll']);
    assert.match(hist, /\n2\s+kubectl set image deployment\/web app=nginx:2.0\n3\s+create nginx:1.0\n/);
    assert.doesNotMatch(hist, /\n1\s/);
    const rss = await rsOf('roll');
    assert.equal(rss.length, 2, 'the v1 ReplicaSet was reused');
    const v1 = rss.find((r) => r.spec!.template.spec.containers[0].image === 'nginx:1.0')!;
    assert.equal(v1.metadata!.annotations!['deployment.kubernetes.io/revision'], '3');
    assert.equal(v1.metadata!.annotations!['deployment.kubernetes.io/revision-history'], '1');

    await server.k(['rollout', 'undo', 'deployment/web', '-n', 'roll', '--to-revision=2']);
    const s2 = await server.kubectl(['rollout', 'status', 'deployment/web', '-n', 'roll', '--timeout=60s']);
    assert.equal(s2.code, 0, s2.stderr);
    hist = await server.k(['rollout', 'history', 'deployment/web', '-n', 'roll']);
    assert.match(hist, /\n3\s+create nginx:1.0\n4\s+kubectl set image deployment\/web app=nginx:2.0\n/);
    const d = JSON.parse(await server.k(['get', 'deployment/web', '-n', 'roll', '-o', 'json']));
    assert.equal(d.spec.template.spec.containers[0].image, 'nginx:2.0');
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '4');
  });

  it('pause holds a template change (scaling still applies); resume rolls it out', async () => {
    await server.k(['rollout', 'pause', 'deployment/web', '-n', 'roll']);
    await eventually(async () => {
      const d = JSON.parse(await server.k(['get', 'deployment/web', '-n', 'roll', '-o', 'json']));
      return d.status.conditions.some((c: any) => c.type === 'Progressing' && c.status === 'Unknown' && c.reason === 'DeploymentPaused' && c.message === 'Deployment is paused');
    });
    await server.k(['set', 'image', 'deployment/web', 'app=nginx:3.0', '-n', 'roll']);
    await server.k(['scale', 'deployment/web', '-n', 'roll', '--replicas=5']);
    await eventually(async () => (await client.list<Obj>(PODS, 'roll')).items.filter((p) => !terminating(p) && isReady(p)).length === 5, 15_000);
    await new Promise((r) => setTimeout(r, 500));
    const pods = (await client.list<Obj>(PODS, 'roll')).items.filter((p) => !terminating(p));
    assert.ok(pods.every((p) => imageOf(p) === 'nginx:2.0'), 'no rollout while paused');
    assert.equal((await rsOf('roll')).length, 2, 'no new ReplicaSet while paused');
    const undo = await server.kubectl(['rollout', 'undo', 'deployment/web', '-n', 'roll']);
    assert.notEqual(undo.code, 0);
    assert.match(undo.stderr, /you cannot rollback a paused deployment/);

    await server.k(['rollout', 'resume', 'deployment/web', '-n', 'roll']);
    const s = await server.kubectl(['rollout', 'status', 'deployment/web', '-n', 'roll', '--timeout=60s']);
    assert.equal(s.code, 0, s.stderr);
    await eventually(async () => {
      const live = (await client.list<Obj>(PODS, 'roll')).items.filter((p) => !terminating(p));
      return live.length === 5 && live.every((p) => imageOf(p) === 'nginx:3.0');
    }, 15_000);
  });

  it('Recreate never runs old and new pods at once', async () => {
    await server.k(['apply', '-f', '-'], manifest('recreate', 'rec', { replicas: 3, strategy: 'Recreate' }));
    assert.equal((await server.kubectl(['rollout', 'status', 'deployment/rec', '-n', 'recreate', '--timeout=60s'])).code, 0);
    const w = await watchPods('recreate', (pods) => {
      const images = new Set(pods.filter((p) => !terminal(p)).map(imageOf));
      return images.size > 1 ? `old and new pods at once: ${[...images].join(', ')}` : undefined;
    });
    await server.k(['set', 'image', 'deployment/rec', 'app=nginx:2.0', '-n', 'recreate']);
    const s = await server.kubectl(['rollout', 'status', 'deployment/rec', '-n', 'recreate', '--timeout=60s']);
    assert.equal(s.code, 0, s.stderr);
    await eventually(() => {
      const live = w.pods().filter((p) => !terminating(p));
      return live.length === 3 && live.every((p) => imageOf(p) === 'nginx:2.0' && isReady(p));
    }, 15_000);
    assert.deepEqual(w.violations, []);
    const describe = await server.k(['describe', 'deployment/rec', '-n', 'recreate']);
    assert.match(describe, /Scaled down replica set rec-\w+ from 3 to 0/);
    assert.match(describe, /StrategyType:\s+Recreate/);
  });

  it('kubectl scale resizes the ReplicaSet and records the annotations', async () => {
    await server.k(['create', 'deployment', 'sc', '-n', 'scale', '--image=nginx:1.0', '--replicas=2']);
    assert.equal((await server.kubectl(['rollout', 'status', 'deployment/sc', '-n', 'scale', '--timeout=60s'])).code, 0);
    await server.k(['scale', 'deployment/sc', '-n', 'scale', '--replicas=6']);
    const s = await server.kubectl(['rollout', 'status', 'deployment/sc', '-n', 'scale', '--timeout=60s']);
    assert.equal(s.code, 0, s.stderr);
    const [rs] = await rsOf('scale');
    assert.equal(rs!.spec!.replicas, 6);
    assert.equal(rs!.metadata!.annotations!['deployment.kubernetes.io/desired-replicas'], '6');
    assert.equal(rs!.metadata!.annotations!['deployment.kubernetes.io/max-replicas'], '8');
    const get = await server.k(['get', 'deployment/sc', '-n', 'scale', '--no-headers']);
    assert.match(get, /^sc\s+6\/6\s+6\s+6\s/);
    await server.k(['scale', 'deployment/sc', '-n', 'scale', '--replicas=1']);
    await eventually(async () => (await client.list<Obj>(PODS, 'scale')).items.filter((p) => !terminating(p)).length === 1, 15_000);
    const events = await server.k(['get', 'events', '-n', 'scale', '--field-selector', 'reason=ScalingReplicaSet', '-o', 'jsonpath={.items[*].message}']);
    assert.match(events, /Scaled up replica set sc-\w+ from 2 to 6/);
    assert.match(events, /Scaled down replica set sc-\w+ from 6 to 1/);
  });

  it('minReadySeconds delays availability; rollout status waits for it', async () => {
    await server.k(['apply', '-f', '-'], manifest('misc', 'slow', { replicas: 2, spec: '  minReadySeconds: 2\n' }));
    const seen = await eventually(async () => {
      const d = JSON.parse(await server.k(['get', 'deployment/slow', '-n', 'misc', '-o', 'json']));
      return d.status?.readyReplicas === 2 ? d : undefined;
    }, 15_000);
    assert.ok((seen.status.availableReplicas ?? 0) < 2, `available ${seen.status.availableReplicas} as soon as ready`);
    const rs = (await rsOf('misc')).find((r) => r.metadata!.name!.startsWith('slow-'))!;
    assert.equal(rs.spec!.minReadySeconds, 2);
    const s = await server.kubectl(['rollout', 'status', 'deployment/slow', '-n', 'misc', '--timeout=30s']);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /deployment "slow" successfully rolled out/);
  });

  it('progressDeadlineSeconds: a stuck rollout becomes ProgressDeadlineExceeded and rollout status fails', async () => {
    await server.k(['apply', '-f', '-'], manifest('misc', 'stuck', { replicas: 2, spec: '  progressDeadlineSeconds: 2\n', podSpec: '      nodeSelector:\n        no-such-label: "x"\n' }));
    const s = await server.kubectl(['rollout', 'status', 'deployment/stuck', '-n', 'misc', '--timeout=30s']);
    assert.notEqual(s.code, 0);
    assert.match(s.stderr, /error: deployment "stuck" exceeded its progress deadline/);
    const d = JSON.parse(await server.k(['get', 'deployment/stuck', '-n', 'misc', '-o', 'json']));
    const prog = d.status.conditions.find((c: any) => c.type === 'Progressing');
    assert.deepEqual([prog.status, prog.reason], ['False', 'ProgressDeadlineExceeded']);
    assert.match(prog.message, /^ReplicaSet "stuck-\w+" has timed out progressing\.$/);
    const avail = d.status.conditions.find((c: any) => c.type === 'Available');
    assert.deepEqual([avail.status, avail.reason, avail.message], ['False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.']);
  });
});
