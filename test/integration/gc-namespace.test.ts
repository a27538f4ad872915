/**
 * The garbage collector and the namespace controller inside a real `k8ts server`, driven with the
 * real kubectl, with a simulated agent (2 hollow nodes) so pods really run and terminate:
 * background, foreground and orphan cascades over ConfigMaps (and over a ReplicaSet's pods),
 * references to uids that never existed and to a cluster-scoped owner, partial dangling references,
 * and namespace deletion (content removed, conditions set, namespace gone; new content refused
 * while Terminating).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/types.js';
import { RestClient, isNotFound, type ResourceRef } from '../../src/client/rest.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { TestServer, eventually } from '../support/server.js';
import { TestAgent } from '../support/agent.js';

const CMS: ResourceRef = { group: '', version: 'v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap' };
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
const NAMESPACES: ResourceRef = { group: '', version: 'v1', resource: 'namespaces', namespaced: false, kind: 'Namespace' };
const RSS: ResourceRef = { group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true, kind: 'ReplicaSet' };

type Obj = KubeObject & { spec?: Record<string, any>; status?: Record<string, any> };


describe('garbage collector and namespace controller', { timeout: 150_000 }, () => {
  let server: TestServer;
  let agent: TestAgent;
  let client: RestClient;

  before(async () => {
    server = await TestServer.start();
    agent = TestAgent.start(server, { nodes: 2, prefix: 'gc-node-' });
    client = new RestClient(loadKubeconfig(server.kubeconfig), { qps: 'unlimited' });
    await eventually(async () => (await server.k(['get', 'nodes', '--no-headers'])).split('\n').filter((l) => /\sReady\s/.test(l)).length === 2, 20_000);
  });

  after(async () => {
    await agent?.stop();
    client?.close();
    await server?.destroy();
  });

  const uidOf = async (kind: string, name: string, ns = 'default') => (await server.k(['-n', ns, 'get', kind, name, '-o', 'jsonpath={.metadata.uid}'])).trim();
  const cm = (name: string, meta: Record<string, unknown> = {}) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...meta }, data: { k: 'v' } });
  const cmRef = (name: string, uid: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', name, uid, ...extra });
  const gone = async (res: ResourceRef, ns: string | undefined, name: string) => {
    try {
      await client.get(res, ns, name);
      return false;
    } catch (e) {
      if (isNotFound(e)) return true;
      throw e;
    }
  };

  it('background: deleting an owner ConfigMap removes its dependent and patches out a dangling reference', async () => {
    await server.k(['create', '-f', '-'], cm('owner-bg'));
    await server.k(['create', '-f', '-'], cm('other-owner'));
    const uid = await uidOf('cm', 'owner-bg');
    const other = await uidOf('cm', 'other-owner');
    await server.k(['create', '-f', '-'], cm('dep-bg', { ownerReferences: [cmRef('owner-bg', uid)] }));
    await server.k(['create', '-f', '-'], cm('dep-two', { ownerReferences: [cmRef('owner-bg', uid), cmRef('other-owner', other)] }));
    assert.match(await server.k(['delete', 'cm', 'owner-bg']), /configmap "owner-bg" deleted/);
    await eventually(() => gone(CMS, 'default', 'dep-bg'), 10_000);
    const two = await eventually(async () => {
      const o = await client.get<Obj>(CMS, 'default', 'dep-two');
      return o.metadata?.ownerReferences?.length === 1 ? o : undefined;
    }, 10_000);
    assert.deepEqual(two!.metadata?.ownerReferences?.map((r) => r.name), ['other-owner']);
    assert.equal(two!.metadata?.deletionTimestamp, undefined);
  });

  it('foreground: the owner stays with deletionTimestamp until its blocking dependents are gone', async () => {
    await server.k(['create', '-f', '-'], cm('owner-fg'));
    const uid = await uidOf('cm', 'owner-fg');
    await server.k(['create', '-f', '-'], cm('dep-fg', { finalizers: ['example.com/hold'], ownerReferences: [cmRef('owner-fg', uid, { blockOwnerDeletion: true })] }));
    await server.k(['delete', 'cm', 'owner-fg', '--cascade=foreground', '--wait=false']);
    // Intermediate state: the dependent is being deleted (held by its own finalizer), the owner waits.
    await eventually(async () => !!(await client.get<Obj>(CMS, 'default', 'dep-fg')).metadata?.deletionTimestamp, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    const owner = await client.get<Obj>(CMS, 'default', 'owner-fg');
    assert.ok(owner.metadata?.deletionTimestamp);
    assert.deepEqual(owner.metadata?.finalizers, ['foregroundDeletion']);
    const shown = await server.k(['get', 'cm', 'owner-fg', '-o', 'jsonpath={.metadata.finalizers}']);
    assert.match(shown, /foregroundDeletion/);
    await server.k(['patch', 'cm', 'dep-fg', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    await eventually(() => gone(CMS, 'default', 'dep-fg'), 10_000);
    await eventually(() => gone(CMS, 'default', 'owner-fg'), 10_000);
  });

  it('orphan: dependents stay, with the ownerReference removed', async () => {
    await server.k(['create', '-f', '-'], cm('owner-or'));
    const uid = await uidOf('cm', 'owner-or');
    await server.k(['create', '-f', '-'], cm('dep-or1', { ownerReferences: [cmRef('owner-or', uid, { blockOwnerDeletion: true })] }));
    await server.k(['create', '-f', '-'], cm('dep-or2', { ownerReferences: [cmRef('owner-or', uid)] }));
    // kubectl waits until the owner is gone, i.e. until the orphan finalizer was handled.
    assert.match(await server.k(['delete', 'cm', 'owner-or', '--cascade=orphan']), /configmap "owner-or" deleted/);
    for (const n of ['dep-or1', 'dep-or2']) {
      const d = await client.get<Obj>(CMS, 'default', n);
      assert.equal(d.metadata?.ownerReferences?.length ?? 0, 0, `${n} still has ${JSON.stringify(d.metadata?.ownerReferences)}`);
      assert.equal(d.metadata?.deletionTimestamp, undefined);
    }
    assert.ok(await gone(CMS, 'default', 'owner-or'));
  });

  it('collects an object whose owner uid never existed, and one whose owner exists under another uid', async () => {
    await server.k(['create', '-f', '-'], cm('ghost-dep', { ownerReferences: [cmRef('ghost', '11111111-2222-3333-4444-555555555555')] }));
    await server.k(['create', '-f', '-'], cm('namesake'));
    await server.k(['create', '-f', '-'], cm('wrong-uid-dep', { ownerReferences: [cmRef('namesake', '99999999-2222-3333-4444-555555555555')] }));
    await eventually(() => gone(CMS, 'default', 'ghost-dep'), 10_000);
    await eventually(() => gone(CMS, 'default', 'wrong-uid-dep'), 10_000);
    assert.equal(await gone(CMS, 'default', 'namesake'), false);
  });

  it('a cluster-scoped owner (StorageClass) of a namespaced dependent', async () => {
    await server.k(['create', '-f', '-'], JSON.stringify({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'gc-owner' }, provisioner: 'example.com/none' }));
    const uid = (await server.k(['get', 'storageclass', 'gc-owner', '-o', 'jsonpath={.metadata.uid}'])).trim();
    await server.k(['create', '-f', '-'], cm('sc-dep', { ownerReferences: [{ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', name: 'gc-owner', uid }] }));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await gone(CMS, 'default', 'sc-dep'), false, 'a live cluster-scoped owner keeps its dependent');
    await server.k(['delete', 'storageclass', 'gc-owner']);
    await eventually(() => gone(CMS, 'default', 'sc-dep'), 10_000);
  });

  const rs = (name: string, replicas: number) =>
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name, namespace: 'default' },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } },
      },
    });
  const podsOf = async (app: string) => (await client.list<Obj>(PODS, 'default', { labelSelector: `app=${app}` })).items;
  const runningPods = async (app: string, n: number) => {
    const pods = await podsOf(app);
    return pods.length === n && pods.every((p) => p.status?.phase === 'Running') ? pods : undefined;
  };

  it('ReplicaSet: background delete removes its pods; foreground waits for them; orphan keeps them', async () => {
    await server.k(['create', '-f', '-'], rs('gc-bg', 2));
    await server.k(['create', '-f', '-'], rs('gc-fg', 2));
    await server.k(['create', '-f', '-'], rs('gc-or', 2));
    for (const app of ['gc-bg', 'gc-fg', 'gc-or']) await eventually(() => runningPods(app, 2), 20_000);

    await server.k(['delete', 'rs', 'gc-bg']);
    await eventually(async () => (await podsOf('gc-bg')).length === 0, 20_000);

    await server.k(['delete', 'rs', 'gc-fg', '--cascade=foreground', '--wait=false']);
    const waiting = await eventually(async () => {
      const r = await client.get<Obj>(RSS, 'default', 'gc-fg');
      const pods = await podsOf('gc-fg');
      return r.metadata?.deletionTimestamp && pods.length > 0 ? r : undefined;
    }, 10_000);
    assert.ok(waiting!.metadata?.finalizers?.includes('foregroundDeletion'));
    await eventually(() => gone(RSS, 'default', 'gc-fg'), 20_000);
    assert.equal((await podsOf('gc-fg')).length, 0, 'foreground deletion removes the pods before the owner');

    const before = (await podsOf('gc-or')).map((p) => p.metadata?.uid).sort();
    await server.k(['delete', 'rs', 'gc-or', '--cascade=orphan']);
    await new Promise((r) => setTimeout(r, 500));
    const after = await podsOf('gc-or');
    assert.deepEqual(after.map((p) => p.metadata?.uid).sort(), before);
    for (const p of after) {
      assert.equal(p.metadata?.ownerReferences?.length ?? 0, 0);
      assert.equal(p.metadata?.deletionTimestamp, undefined);
    }
    await server.k(['delete', 'pods', '-l', 'app=gc-or', '--wait=false']);
  });

  it('deleting a namespace removes its content (pods terminate on the nodes) and then the namespace', async () => {
    await server.k(['create', 'namespace', 'doomed']);
    await server.k(['-n', 'doomed', 'create', 'configmap', 'c1', '--from-literal=a=b']);
    await server.k(['-n', 'doomed', 'create', 'configmap', 'c2', '--from-literal=a=b']);
    await server.k(['-n', 'doomed', 'create', 'secret', 'generic', 's1', '--from-literal=a=b']);
    await server.k(['-n', 'doomed', 'create', 'service', 'clusterip', 'svc', '--tcp=80:8080']);
    for (const n of ['p1', 'p2']) {
      await server.k(['-n', 'doomed', 'create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: n }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } }));
    }
    await eventually(async () => {
      const pods = (await client.list<Obj>(PODS, 'doomed')).items;
      return pods.length === 2 && pods.every((p) => p.status?.phase === 'Running' && String(p.spec?.nodeName).startsWith('gc-node-'));
    }, 20_000);

    const started = Date.now();
    await server.k(['delete', 'namespace', 'doomed', '--wait=false']);
    const terminating = await client.get<Obj>(NAMESPACES, undefined, 'doomed');
    assert.equal(terminating.status?.phase, 'Terminating');
    const refused = await server.kubectl(['-n', 'doomed', 'create', 'configmap', 'late']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /unable to create new content in namespace doomed because it is being terminated/);

    // While pods terminate, the controller reports the remaining content.
    const seen = new Set<string>();
    await eventually(async () => {
      try {
        const ns = await client.get<Obj>(NAMESPACES, undefined, 'doomed');
        for (const c of ns.status?.conditions ?? []) seen.add(`${c.type}=${c.status}:${c.reason}`);
        return false;
      } catch (e) {
        if (isNotFound(e)) return true;
        throw e;
      }
    }, 45_000, 50);
    const elapsed = Date.now() - started;
    const out = await server.kubectl(['get', 'namespace', 'doomed']);
    assert.notEqual(out.code, 0);
    assert.match(out.stderr, /namespaces "doomed" not found/);
    assert.ok(seen.has('NamespaceDeletionDiscoveryFailure=False:ResourcesDiscovered'), [...seen].join(' '));
    assert.ok(seen.has('NamespaceDeletionContentFailure=False:ContentDeleted'), [...seen].join(' '));
    assert.ok(seen.has('NamespaceContentRemaining=True:SomeResourcesRemain'), [...seen].join(' '));
    assert.ok(elapsed < 40_000, `namespace deletion took ${elapsed} ms`);
    for (const res of [CMS, PODS]) assert.equal((await client.list(res, 'doomed')).items.length, 0);
    console.log(`# namespace with 2 running pods, 2 configmaps, a secret and a service deleted in ${elapsed} ms`);
  });

  it('an empty namespace goes once the namespace controller finalizes it (kubectl waits)', async () => {
    await server.k(['create', 'namespace', 'empty']);
    const started = Date.now();
    assert.match(await server.k(['delete', 'namespace', 'empty']), /namespace "empty" deleted/);
    const elapsed = Date.now() - started;
    assert.ok(await gone(NAMESPACES, undefined, 'empty'));
    console.log(`# empty namespace deleted in ${elapsed} ms`);
  });
});
