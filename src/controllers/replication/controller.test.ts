import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PODS, REPLICATIONCONTROLLERS } from '../resources.js';
import { harness as makeHarness, settle, type Harness, type Obj } from '../replicaset/testing.js';
import { REPLICATIONCONTROLLER_KIND } from './kind.js';

const stops: Array<() => void> = [];
afterEach(() => {
  while (stops.length) stops.pop()!();
});

async function harness(...args: Parameters<typeof makeHarness>): Promise<Harness> {
  const h = await makeHarness(...args);
  stops.push(h.stop);
  return h;
}

function rc(name: string, replicas: number, selector: Record<string, string> | null = { app: 'web' }): Obj {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name, namespace: 'default', generation: 1 },
    spec: { replicas, selector: selector ?? undefined, template: { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  };
}

describe('ReplicationController engine', () => {
  it('creates pods owned by v1 ReplicationController and writes the RC status', async () => {
    const h = await harness(REPLICATIONCONTROLLER_KIND, { seed: (api) => api.seed(REPLICATIONCONTROLLERS, rc('web', 2)) });
    await h.c.sync('default/web');
    await settle();
    const uid = h.owner().metadata!.uid;
    assert.equal(h.pods().length, 2);
    for (const p of h.pods()) {
      assert.deepEqual(p.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid, controller: true, blockOwnerDeletion: true }]);
      h.runPod(p.metadata!.name!);
    }
    await settle();
    await h.c.sync('default/web');
    assert.deepEqual(h.owner().status, { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 });
    assert.ok(h.api.calls.includes('updateStatus replicationcontrollers web'));
  });

  it('selects by the selector map: fullyLabeledReplicas counts template labels; adoption and release', async () => {
    const h = await harness(REPLICATIONCONTROLLER_KIND, {
      seed: (api) => {
        api.seed(REPLICATIONCONTROLLERS, rc('web', 2));
        api.seed(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'partial', labels: { app: 'web' } }, spec: { containers: [] } });
      },
    });
    await h.c.sync('default/web');
    await settle();
    await h.c.sync('default/web');
    assert.equal(h.api.objects(PODS).get('default/partial')!.metadata?.ownerReferences?.[0]?.kind, 'ReplicationController');
    assert.equal(h.owner().status.replicas, 2);
    assert.equal(h.owner().status.fullyLabeledReplicas, 1, 'the adopted pod lacks tier=fe');
    h.api.mutate(PODS, 'default', 'partial', (p) => (p.metadata!.labels = { app: 'gone' }));
    await settle();
    await h.c.sync('default/web');
    await settle();
    assert.equal(h.api.objects(PODS).get('default/partial')!.metadata?.ownerReferences, undefined);
    assert.equal(h.pods().filter((p) => p.metadata?.ownerReferences).length, 2);
  });

  it('ignores pods controlled by another owner of the same name (a ReplicaSet)', async () => {
    const h = await harness(REPLICATIONCONTROLLER_KIND, {
      seed: (api) => {
        api.seed(REPLICATIONCONTROLLERS, rc('web', 1));
        api.seed(PODS, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'rs-pod', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true }] },
          spec: { containers: [] },
        });
      },
    });
    await h.c.sync('default/web');
    await settle();
    assert.equal(h.pods().length, 2, 'the ReplicaSet pod is not counted, one created');
  });

  it('selects nothing without a selector', async () => {
    const h = await harness(REPLICATIONCONTROLLER_KIND, {
      seed: (api) => {
        api.seed(REPLICATIONCONTROLLERS, rc('web', 0, null));
        api.seed(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'web' } }, spec: { containers: [] } });
      },
    });
    await h.c.sync('default/web');
    await settle();
    assert.equal(h.api.objects(PODS).get('default/p')!.metadata?.ownerReferences, undefined);
    assert.equal(h.api.calls.filter((c) => c.startsWith('delete')).length, 0);
  });
});
