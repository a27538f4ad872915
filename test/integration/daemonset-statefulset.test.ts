/**
 * The DaemonSet and StatefulSet controllers inside a real `k8ts server`, with simulated nodes
 * (`k8ts agent --simulate`) and the real kubectl: placement by taints and nodeSelector, a node
 * joining, rolling updates (`kubectl rollout status|history|undo`), ordered StatefulSet creation,
 * PVCs from volumeClaimTemplates, ordered scale-down and the upstream Event messages.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/types.js';
import { RestClient, type ResourceRef } from '../../src/client/rest.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { TestServer, eventually } from '../support/server.js';
import { TestAgent } from '../support/agent.js';

const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' };
const PVCS: ResourceRef = { group: '', version: 'v1', resource: 'persistentvolumeclaims', namespaced: true, kind: 'PersistentVolumeClaim' };
const DS: ResourceRef = { group: 'apps', version: 'v1', resource: 'daemonsets', namespaced: true, kind: 'DaemonSet' };
const STS: ResourceRef = { group: 'apps', version: 'v1', resource: 'statefulsets', namespaced: true, kind: 'StatefulSet' };
const EVENTS: ResourceRef = { group: '', version: 'v1', resource: 'events', namespaced: true, kind: 'Event' };

type Obj = KubeObject & { spec?: Record<string, any>; status?: Record<string, any> };

const ready = (p: Obj): boolean => p.status?.phase === 'Running' && (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
const image = (p: Obj): string => p.spec?.containers?.[0]?.image;

function daemonSet(name: string, img: string, extra: Record<string, any> = {}): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'ds' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: img }], ...extra } },
    },
  });
}

describe('daemonset and statefulset controllers', { timeout: 120_000 }, () => {
  let server: TestServer;
  let client: RestClient;
  let agentA: TestAgent;
  let agentB: TestAgent | undefined;

  const pods = async (ns: string, sel: string): Promise<Obj[]> => (await client.list<Obj>(PODS, ns, { labelSelector: sel })).items;
  const live = async (ns: string, sel: string): Promise<Obj[]> => (await pods(ns, sel)).filter((p) => !p.metadata?.deletionTimestamp);
  /** Records pod watch events of `ns`/`sel` until the returned stop() is called. */
  const record = (ns: string, sel: string) => {
    const events: { type: string; name: string; ready: boolean; at: number }[] = [];
    const ac = new AbortController();
    const done = (async () => {
      for await (const ev of client.watch<Obj>(PODS, ns, { labelSelector: sel, signal: ac.signal })) {
        if (ev.type === 'ADDED' || ev.type === 'MODIFIED' || ev.type === 'DELETED') events.push({ type: ev.type, name: ev.object.metadata!.name!, ready: ready(ev.object), at: Date.now() });
      }
    })().catch(() => undefined);
    stops.push(() => ac.abort());
    return {
      events,
      stop: async () => {
        ac.abort();
        await done;
      },
    };
  };
  const stops: Array<() => void> = [];
  const rollout = (ns: string, args: string[]) => server.k(['-n', ns, 'rollout', ...args, '--timeout=40s']);

  before(async () => {
    server = await TestServer.start();
    client = new RestClient(loadKubeconfig(server.kubeconfig), { qps: 'unlimited' });
    agentA = TestAgent.start(server, { nodes: 3, prefix: 'dsa-', extraArgs: ['--pod-termination-delay', '200ms'] });
    await eventually(async () => (await client.list<Obj>(NODES, undefined)).items.filter((n) => (n.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True')).length === 3, 20_000);
    await server.k(['create', 'namespace', 'ds']);
    await server.k(['create', 'namespace', 'sts']);
  });

  after(async () => {
    for (const stop of stops) stop();
    if (process.env.DSS_DEBUG) console.log(server.logs.split('\n').filter((l) => /daemonset|statefulset/.test(l)).join('\n'));
    await agentB?.stop();
    await agentA?.stop();
    client?.close();
    await server?.destroy();
  });

  it('runs one pod per untainted node, bound by the scheduler through matchFields affinity', async () => {
    await server.k(['taint', 'nodes', 'dsa-2', 'dedicated=infra:NoSchedule']);
    await server.k(['apply', '-f', '-'], daemonSet('agent', 'busybox:1'));
    const ps = (await eventually(async () => {
      const l = await live('ds', 'app=agent');
      return l.length === 2 && l.every(ready) ? l : undefined;
    }, 20_000))!;
    assert.deepEqual(ps.map((p) => p.spec?.nodeName).sort(), ['dsa-0', 'dsa-1']);
    const p = ps[0]!;
    assert.match(p.metadata!.name!, /^agent-[a-z0-9]{5}$/);
    assert.ok(p.metadata?.labels?.['controller-revision-hash']);
    assert.equal(p.metadata?.labels?.['pod-template-generation'], '1');
    const terms = p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    assert.deepEqual(terms, [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [p.spec?.nodeName] }] }]);
    const keys = (p.spec?.tolerations ?? []).map((t: any) => `${t.key}:${t.effect}`);
    for (const k of ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule', 'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule']) {
      assert.ok(keys.includes(k), `toleration ${k} missing: ${keys}`);
    }
    const out = await rollout('ds', ['status', 'ds/agent']);
    assert.match(out, /daemon set "agent" successfully rolled out/);
    const ds = await client.get<Obj>(DS, 'ds', 'agent');
    assert.equal(ds.status?.desiredNumberScheduled, 2);
    assert.equal(ds.status?.numberReady, 2);
    assert.equal(ds.status?.observedGeneration, 1);
    const evs = (await client.list<Obj>(EVENTS, 'ds')).items.filter((e: any) => e.involvedObject?.name === 'agent');
    assert.ok(evs.some((e: any) => e.reason === 'SuccessfulCreate' && /^Created pod: agent-/.test(e.message) && e.source?.component === 'daemonset-controller'));
  });

  it('adds a pod when a node joins', async () => {
    agentB = TestAgent.start(server, { nodes: 1, prefix: 'dsb-', clusterCidr: '10.77.0.0/16', extraArgs: ['--pod-termination-delay', '200ms'] });
    await eventually(async () => {
      const l = await live('ds', 'app=agent');
      return l.some((p) => p.spec?.nodeName === 'dsb-0' && ready(p)) && l.length === 3;
    }, 20_000);
    await eventually(async () => (await client.get<Obj>(DS, 'ds', 'agent')).status?.numberAvailable === 3, 10_000);
  });

  it('follows nodeSelector as node labels change', async () => {
    await server.k(['apply', '-f', '-'], daemonSet('edge', 'busybox:1', { nodeSelector: { role: 'edge' } }));
    await eventually(async () => (await client.get<Obj>(DS, 'ds', 'edge')).status?.observedGeneration === 1, 10_000);
    assert.equal((await live('ds', 'app=edge')).length, 0);
    await server.k(['label', 'node', 'dsa-1', 'role=edge']);
    const [p] = (await eventually(async () => {
      const l = await live('ds', 'app=edge');
      return l.length === 1 && ready(l[0]!) ? l : undefined;
    }, 15_000))!;
    assert.equal(p!.spec?.nodeName, 'dsa-1');
    await server.k(['label', 'node', 'dsa-1', 'role-']);
    await eventually(async () => (await pods('ds', 'app=edge')).length === 0, 15_000);
  });

  it('rolls a new image one node at a time (maxUnavailable 1), and undoes it', async () => {
    const before = await live('ds', 'app=agent');
    let maxUnavailable = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const l = await pods('ds', 'app=agent').catch(() => undefined);
        if (l) {
          const readyNodes = new Set(l.filter((p) => ready(p) && !p.metadata?.deletionTimestamp).map((p) => p.spec?.nodeName));
          maxUnavailable = Math.max(maxUnavailable, 3 - readyNodes.size);
        }
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    stops.push(() => (polling = false));
    let out: string;
    try {
      await server.k(['-n', 'ds', 'set', 'image', 'ds/agent', 'c=busybox:2']);
      out = await rollout('ds', ['status', 'ds/agent']);
    } finally {
      polling = false;
      await poller;
    }
    assert.match(out, /successfully rolled out/);
    const after = await live('ds', 'app=agent');
    assert.equal(after.length, 3);
    assert.ok(after.every((p) => image(p) === 'busybox:2' && p.metadata?.labels?.['pod-template-generation'] === '2'));
    assert.ok(after.every((p) => !before.some((b) => b.metadata?.uid === p.metadata?.uid)));
    assert.ok(maxUnavailable <= 1, `at most one node without a ready pod, saw ${maxUnavailable}`);

    const hist = await server.k(['-n', 'ds', 'rollout', 'history', 'ds/agent']);
    assert.match(hist, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    const rev1 = await server.k(['-n', 'ds', 'rollout', 'history', 'ds/agent', '--revision=1']);
    assert.match(rev1, /busybox:1/);
    await server.k(['-n', 'ds', 'rollout', 'undo', 'ds/agent']);
    await rollout('ds', ['status', 'ds/agent']);
    await eventually(async () => {
      const l = await live('ds', 'app=agent');
      return l.length === 3 && l.every((p) => image(p) === 'busybox:1' && ready(p));
    }, 20_000);
    const hist2 = await server.k(['-n', 'ds', 'rollout', 'history', 'ds/agent']);
    assert.match(hist2, /\n2\s+<none>\n3\s+<none>/);
  });

  it('creates StatefulSet pods in order, each after the previous is Ready, with their PVCs', async () => {
    const rec = record('sts', 'app=web');
    const events = rec.events;
    await new Promise((r) => setTimeout(r, 200));
    const manifest = [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'sts' }, spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 80 }] } },
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'web', namespace: 'sts' },
        spec: {
          serviceName: 'web',
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'nginx:1', volumeMounts: [{ name: 'www', mountPath: '/data' }] }] } },
          volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
        },
      },
    ];
    await server.k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifest }));
    const out = await rollout('sts', ['status', 'sts/web']);
    assert.match(out, /partitioned roll out complete: 3 new pods have been updated/);

    const added = events.filter((e) => e.type === 'ADDED').map((e) => e.name);
    assert.deepEqual(added, ['web-0', 'web-1', 'web-2']);
    for (const [prev, next] of [['web-0', 'web-1'], ['web-1', 'web-2']] as const) {
      const readyAt = events.find((e) => e.name === prev && e.ready)!.at;
      const createdAt = events.find((e) => e.name === next && e.type === 'ADDED')!.at;
      assert.ok(readyAt <= createdAt, `${next} created before ${prev} was Ready`);
    }
    const list = await pods('sts', 'app=web');
    const created = list.sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!)).map((p) => Date.parse(p.metadata!.creationTimestamp!));
    assert.ok(created[0]! <= created[1]! && created[1]! <= created[2]!);
    const p1 = list.find((p) => p.metadata?.name === 'web-1')!;
    assert.equal(p1.spec?.hostname, 'web-1');
    assert.equal(p1.spec?.subdomain, 'web');
    assert.equal(p1.metadata?.labels?.['statefulset.kubernetes.io/pod-name'], 'web-1');
    assert.equal(p1.metadata?.labels?.['apps.kubernetes.io/pod-index'], '1');
    assert.deepEqual(p1.spec?.volumes?.find((v: any) => v.name === 'www')?.persistentVolumeClaim, { claimName: 'www-web-1', readOnly: false });
    const pvcs = (await client.list<Obj>(PVCS, 'sts')).items.map((c) => c.metadata!.name!).sort();
    assert.deepEqual(pvcs, ['www-web-0', 'www-web-1', 'www-web-2']);
    const sts = await client.get<Obj>(STS, 'sts', 'web');
    assert.equal(sts.status?.readyReplicas, 3);
    assert.equal(sts.status?.currentRevision, sts.status?.updateRevision);
    assert.equal(p1.metadata?.labels?.['controller-revision-hash'], sts.status?.updateRevision);
    const evs = (await client.list<Obj>(EVENTS, 'sts')).items.filter((e: any) => e.involvedObject?.name === 'web').map((e: any) => e.message);
    assert.ok(evs.includes('create Pod web-0 in StatefulSet web successful'), evs.join('\n'));
    assert.ok(evs.includes('create Claim www-web-0 Pod web-0 in StatefulSet web success'), evs.join('\n'));
    await rec.stop();
  });

  it('rolls a StatefulSet from the highest ordinal down; history and undo work', async () => {
    const rec = record('sts', 'app=web');
    const deleted = (): string[] => rec.events.filter((e) => e.type === 'DELETED').map((e) => e.name);
    await new Promise((r) => setTimeout(r, 200));
    await server.k(['-n', 'sts', 'set', 'image', 'sts/web', 'c=nginx:2']);
    const out = await rollout('sts', ['status', 'sts/web']);
    assert.match(out, /3 new pods have been updated/);
    await eventually(async () => (await live('sts', 'app=web')).every((p) => image(p) === 'nginx:2' && ready(p)), 10_000);
    assert.deepEqual(deleted().slice(0, 3), ['web-2', 'web-1', 'web-0']);
    const hist = await server.k(['-n', 'sts', 'rollout', 'history', 'sts/web']);
    assert.match(hist, /1\s+<none>\n2\s+<none>/);
    await server.k(['-n', 'sts', 'rollout', 'undo', 'sts/web']);
    await rollout('sts', ['status', 'sts/web']);
    await eventually(async () => {
      const l = await live('sts', 'app=web');
      return l.length === 3 && l.every((p) => image(p) === 'nginx:1' && ready(p));
    }, 20_000);
    await rec.stop();
  });

  it('scales down from the highest ordinal, one at a time', async () => {
    const rec = record('sts', 'app=web');
    const deleted = (): string[] => rec.events.filter((e) => e.type === 'DELETED').map((e) => e.name);
    await new Promise((r) => setTimeout(r, 200));
    await server.k(['-n', 'sts', 'scale', 'sts/web', '--replicas=1']);
    await eventually(async () => (await pods('sts', 'app=web')).length === 1, 15_000);
    assert.deepEqual(deleted(), ['web-2', 'web-1']);
    await eventually(async () => (await client.get<Obj>(STS, 'sts', 'web')).status?.replicas === 1, 10_000);
    // PVCs are retained (persistentVolumeClaimRetentionPolicy defaults to Retain).
    assert.equal((await client.list<Obj>(PVCS, 'sts')).items.length, 3);
    await rec.stop();
  });
});
