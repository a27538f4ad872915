/**
 * The official JavaScript client (@kubernetes/client-node) against k8ts: an informer sees adds,
 * updates and deletes in order; concurrent writers retrying on conflict lose no update.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CoreV1Api, KubeConfig, makeInformer, type V1ConfigMap } from '@kubernetes/client-node';
import { TestServer, eventually } from '../support/server.js';

describe('@kubernetes/client-node against k8ts', { timeout: 180_000 }, () => {
  let s: TestServer;
  let api: CoreV1Api;
  let kc: KubeConfig;

  before(async () => {
    s = await TestServer.start();
    kc = new KubeConfig();
    kc.loadFromFile(s.kubeconfig);
    api = kc.makeApiClient(CoreV1Api);
    await api.createNamespace({ body: { metadata: { name: 'informer' } } });
  });
  after(async () => {
    await s?.destroy();
  });

  it('an informer sees adds, updates and deletes in order', async () => {
    const ns = 'informer';
    const informer = makeInformer<V1ConfigMap>(kc, `/api/v1/namespaces/${ns}/configmaps`, () => api.listNamespacedConfigMap({ namespace: ns }));
    const seen: string[] = [];
    // kube-root-ca.crt is written into every namespace by the root-ca-cert-publisher at its own time: not this test's object.
    const ours = (o: V1ConfigMap): boolean => o.metadata?.name !== 'kube-root-ca.crt';
    informer.on('add', (o) => ours(o) && seen.push(`add ${o.metadata?.name} ${o.data?.v}`));
    informer.on('update', (o) => ours(o) && seen.push(`update ${o.metadata?.name} ${o.data?.v}`));
    informer.on('delete', (o) => ours(o) && seen.push(`delete ${o.metadata?.name}`));
    await api.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'before' }, data: { v: '0' } } });
    await informer.start();
    try {
      await eventually(() => seen.includes('add before 0'));
      await api.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cm' }, data: { v: '1' } } });
      for (let i = 2; i <= 5; i++) {
        const cur = await api.readNamespacedConfigMap({ namespace: ns, name: 'cm' });
        cur.data = { v: String(i) };
        await api.replaceNamespacedConfigMap({ namespace: ns, name: 'cm', body: cur });
      }
      await api.deleteNamespacedConfigMap({ namespace: ns, name: 'cm' });
      const expected = ['add before 0', 'add cm 1', 'update cm 2', 'update cm 3', 'update cm 4', 'update cm 5', 'delete cm'];
      await eventually(() => seen.length >= expected.length, 10_000);
      assert.deepEqual(seen, expected);
      assert.deepEqual(
        informer.list(ns).filter(ours).map((o) => o.metadata?.name),
        ['before'],
      );
    } finally {
      await informer.stop();
    }
  });

  it('50 concurrent writers retrying on conflict lose no update', async () => {
    const ns = 'informer';
    await api.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'counter' }, data: { n: '0' } } });
    const writers = 50;
    const perWriter = 1;
    let conflicts = 0;
    const writer = async () => {
      for (let i = 0; i < perWriter; i++) {
        for (;;) {
          const cm = await api.readNamespacedConfigMap({ namespace: ns, name: 'counter' });
          cm.data = { n: String(Number(cm.data!.n) + 1) };
          try {
            await api.replaceNamespacedConfigMap({ namespace: ns, name: 'counter', body: cm });
            break;
          } catch (err) {
            if ((err as { code?: number }).code === 409) {
              conflicts++;
              // Jittered back-off, as client-go's RetryOnConflict does.
              await new Promise((r) => setTimeout(r, Math.random() * 50));
              continue;
            }
            throw err;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: writers }, writer));
    const final = await api.readNamespacedConfigMap({ namespace: ns, name: 'counter' });
    assert.equal(final.data!.n, String(writers * perWriter));
    assert.ok(conflicts > 0, 'concurrent writers should have met conflicts');
  });
});
