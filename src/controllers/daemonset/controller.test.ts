import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from '../../client/workqueue.js';
import { silentLogger } from '../../util/logger.js';
import type { ControllerRevision } from '../common/history.js';
import type { PodObj } from '../common/podutil.js';
import { CONTROLLERREVISIONS, DAEMONSETS, NODES, PODS } from '../resources.js';
import { DaemonSetController } from './controller.js';
import { FakeApi, runPod, settle } from './fakeapi.js';
import type { DaemonSetObj, NodeObj } from './predicates.js';

const NOW = Date.parse('2024-01-01T01:00:00Z');

async function setup(nodeCount = 3) {
  const api = new FakeApi();
  for (let i = 0; i < nodeCount; i++) api.seed(NODES, { metadata: { name: `n${i}` }, spec: i === 2 ? { taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] } : {} });
  const ac = new AbortController();
  const informers = { daemonSets: api.informer<DaemonSetObj>(DAEMONSETS), pods: api.informer<PodObj>(PODS), nodes: api.informer<NodeObj>(NODES), revisions: api.informer<ControllerRevision>(CONTROLLERREVISIONS) };
  for (const i of Object.values(informers)) void i.run(ac.signal);
  for (const i of Object.values(informers)) await i.waitForSync();
  const queue = new WorkQueue<string>('ds-test');
  const c = new DaemonSetController({ client: api.client, ...informers, queue, recorder: api.recorder, log: silentLogger, now: () => NOW });
  const stop = () => {
    c.stop();
    queue.shutDown();
    ac.abort();
  };
  return { api, c, stop, informers };
}

const dsObj = (image: string): DaemonSetObj => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'default', generation: 1 },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    revisionHistoryLimit: 10,
    template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image }] } },
  },
});

describe('DaemonSetController', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  it('creates one pinned pod per fitting node, a revision, status and events', async () => {
    const t = await setup();
    stop = t.stop;
    t.api.seed(DAEMONSETS, dsObj('img:1'));
    await settle();
    await t.c.sync('default/agent');
    await settle();
    const pods = t.api.list<PodObj>(PODS);
    assert.equal(pods.length, 2);
    const nodes = pods.map((p) => p.spec!.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms[0]!.matchFields![0]!.values![0]).sort();
    assert.deepEqual(nodes, ['n0', 'n1']);
    const revs = t.api.list<ControllerRevision>(CONTROLLERREVISIONS);
    assert.equal(revs.length, 1);
    assert.equal(revs[0]!.revision, 1);
    const hash = revs[0]!.metadata!.labels!['controller-revision-hash'];
    assert.equal(revs[0]!.metadata!.name, `agent-${hash}`);
    assert.ok(pods.every((p) => p.metadata!.labels!['controller-revision-hash'] === hash && p.metadata!.labels!['pod-template-generation'] === '1'));
    assert.ok(pods.every((p) => p.metadata!.generateName === 'agent-' && p.metadata!.ownerReferences![0]!.kind === 'DaemonSet'));
    assert.deepEqual(t.api.events.map((e) => e.reason), ['SuccessfulCreate', 'SuccessfulCreate']);
    const ds = t.api.get<DaemonSetObj>(DAEMONSETS, 'default', 'agent')!;
    assert.equal(ds.status?.desiredNumberScheduled, 2);
    assert.equal(ds.status?.currentNumberScheduled, 2);
    assert.equal(ds.status?.numberReady, 0);
    assert.equal(ds.status?.observedGeneration, 1);
  });

  it('does not create twice while its cache has not seen its creations (expectations)', async () => {
    const t = await setup();
    stop = t.stop;
    t.api.seed(DAEMONSETS, dsObj('img:1'));
    await settle();
    t.api.hold = true;
    await t.c.sync('default/agent');
    await t.c.sync('default/agent');
    assert.equal(t.api.list(PODS).length, 2);
    assert.ok(!t.c.expectations.satisfied('default/agent'));
    t.api.release();
    await settle();
    assert.ok(t.c.expectations.satisfied('default/agent'));
    await t.c.sync('default/agent');
    assert.equal(t.api.list(PODS).length, 2);
  });

  it('rolls a new template one pod at a time and records a second revision', async () => {
    const t = await setup();
    stop = t.stop;
    t.api.seed(DAEMONSETS, dsObj('img:1'));
    await settle();
    await t.c.sync('default/agent');
    await settle();
    for (const p of t.api.list<PodObj>(PODS)) runPod(t.api, PODS, 'default', p.metadata!.name!);
    await settle();
    await t.c.sync('default/agent');
    assert.equal(t.api.get<DaemonSetObj>(DAEMONSETS, 'default', 'agent')!.status?.numberAvailable, 2);
    t.api.mutate(DAEMONSETS, 'default', 'agent', (o) => {
      (o as DaemonSetObj).spec!.template!.spec!.containers[0]!.image = 'img:2';
      o.metadata!.generation = 2;
    });
    await settle();
    await t.c.sync('default/agent');
    await settle();
    assert.equal(t.api.list(CONTROLLERREVISIONS).length, 2);
    assert.equal(t.api.list(PODS).length, 1, 'one old pod deleted (maxUnavailable 1)');
    await t.c.sync('default/agent');
    await settle();
    const pods = t.api.list<PodObj>(PODS);
    assert.equal(pods.length, 2);
    const fresh = pods.find((p) => p.spec!.containers[0]!.image === 'img:2')!;
    assert.equal(fresh.metadata!.labels!['pod-template-generation'], '2');
    // The new pod is not available yet: nothing else is deleted.
    await t.c.sync('default/agent');
    assert.equal(t.api.list(PODS).length, 2);
    runPod(t.api, PODS, 'default', fresh.metadata!.name!);
    await settle();
    await t.c.sync('default/agent');
    await settle();
    assert.equal(t.api.list(PODS).length, 1);
    await t.c.sync('default/agent');
    await settle();
    for (const p of t.api.list<PodObj>(PODS)) runPod(t.api, PODS, 'default', p.metadata!.name!);
    await settle();
    await t.c.sync('default/agent');
    const ds = t.api.get<DaemonSetObj>(DAEMONSETS, 'default', 'agent')!;
    assert.deepEqual([ds.status?.updatedNumberScheduled, ds.status?.numberAvailable, ds.status?.observedGeneration], [2, 2, 2]);
    assert.ok(t.api.list<PodObj>(PODS).every((p) => p.spec!.containers[0]!.image === 'img:2'));
    assert.ok(t.api.events.some((e) => e.reason === 'SuccessfulDelete' && /^Deleted pod: agent-/.test(e.message)));
  });

  it('removes the pod of a node that stops matching, and warns about selecting everything', async () => {
    const t = await setup(2);
    stop = t.stop;
    t.api.seed(DAEMONSETS, dsObj('img:1'));
    await settle();
    await t.c.sync('default/agent');
    await settle();
    t.api.mutate(NODES, undefined, 'n1', (n) => {
      (n as NodeObj).spec = { taints: [{ key: 'evict', effect: 'NoExecute' }] };
    });
    await settle();
    await t.c.sync('default/agent');
    await settle();
    assert.equal(t.api.list(PODS).length, 1);
    t.api.seed(DAEMONSETS, { ...dsObj('img:1'), metadata: { name: 'all', namespace: 'default' }, spec: { ...dsObj('img:1').spec, selector: {} } });
    await settle();
    await t.c.sync('default/all');
    assert.ok(t.api.events.some((e) => e.reason === 'SelectingAll'));
  });
});
