import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import type { ResourceRef } from '../../client/rest.js';
import { WorkQueue } from '../../client/workqueue.js';
import { silentLogger } from '../../util/logger.js';
import { FakeClient, FakeInformer, err } from '../nodelifecycle/testing.js';
import { DESCRIPTION, DESCRIPTION_ANNOTATION, ROOT_CA_CONFIGMAP, RootCaPublisher, type ConfigMapObj, type NamespaceObj } from './controller.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

/** FakeClient plus `update` with resourceVersion checks. */
class Client extends FakeClient {
  async update<T extends KubeObject>(res: ResourceRef, obj: T): Promise<T> {
    const ns = obj.metadata?.namespace;
    const name = obj.metadata!.name!;
    this.calls.push({ verb: 'update', resource: res.resource, namespace: ns, name, body: obj });
    const cur = this.stores[res.resource].lister.get(ns, name);
    if (!cur) throw err(404, 'NotFound');
    if (obj.metadata?.resourceVersion !== cur.metadata?.resourceVersion) throw err(409, 'Conflict');
    return this.stores[res.resource].put(obj) as T;
  }
}

const queues: WorkQueue<string>[] = [];
afterEach(() => {
  while (queues.length) queues.pop()!.shutDown();
});

function setup() {
  const namespaces = new FakeInformer<NamespaceObj>();
  const configmaps = new FakeInformer<ConfigMapObj>();
  const client = new Client({ namespaces, configmaps } as unknown as Record<string, FakeInformer<KubeObject>>);
  const queue = new WorkQueue<string>('t');
  queues.push(queue);
  const c = new RootCaPublisher({ client: client as never, namespaces, configMaps: configmaps, queue, rootCa: CA, log: silentLogger });
  c.register();
  const ns = (name: string, phase = 'Active') => namespaces.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase } } as NamespaceObj);
  const drain = async () => {
    const keys: string[] = [];
    while (queue.len() > 0) {
      const k = (await queue.get())!;
      keys.push(k);
      queue.done(k);
    }
    return keys;
  };
  return { namespaces, configmaps, client, queue, c, ns, drain };
}

describe('root-ca-cert-publisher', () => {
  it('creates kube-root-ca.crt with ca.crt and the description annotation in each namespace', async () => {
    const s = setup();
    s.ns('default');
    s.ns('team');
    const keys = await s.drain();
    assert.deepEqual(keys.sort(), ['default', 'team']);
    for (const k of keys) await s.c.sync(k);
    const created = s.client.verbs('create', 'configmaps');
    assert.equal(created.length, 2);
    const cm = s.configmaps.lister.get('team', ROOT_CA_CONFIGMAP)!;
    assert.deepEqual(cm.data, { 'ca.crt': CA });
    assert.equal(cm.metadata?.annotations?.[DESCRIPTION_ANNOTATION], DESCRIPTION);
    await s.c.sync('team');
    assert.equal(s.client.calls.length, 2, 'up to date: no writes');
  });

  it('repairs changed data or a dropped annotation, keeping other fields, and recreates after deletion', async () => {
    const s = setup();
    s.ns('a');
    await s.c.sync('a');
    await s.drain();
    const cm = s.configmaps.lister.get('a', ROOT_CA_CONFIGMAP)!;
    s.configmaps.put({ ...cm, metadata: { ...cm.metadata, labels: { keep: 'me' } }, data: { 'ca.crt': 'tampered', extra: 'x' } });
    assert.deepEqual(await s.drain(), ['a'], 'an edit re-queues the namespace');
    await s.c.sync('a');
    const fixed = s.configmaps.lister.get('a', ROOT_CA_CONFIGMAP)!;
    assert.deepEqual(fixed.data, { 'ca.crt': CA });
    assert.deepEqual(fixed.metadata?.labels, { keep: 'me' });
    assert.equal(s.client.verbs('update').length, 1);

    s.configmaps.put({ ...fixed, metadata: { ...fixed.metadata, annotations: {} } });
    await s.drain();
    await s.c.sync('a');
    assert.equal(s.configmaps.lister.get('a', ROOT_CA_CONFIGMAP)!.metadata?.annotations?.[DESCRIPTION_ANNOTATION], DESCRIPTION);
    assert.equal(s.client.verbs('update').length, 2);

    s.configmaps.remove(`a/${ROOT_CA_CONFIGMAP}`);
    assert.deepEqual(await s.drain(), ['a']);
    await s.c.sync('a');
    assert.equal(s.client.verbs('create').length, 2);
    assert.deepEqual(s.configmaps.lister.get('a', ROOT_CA_CONFIGMAP)!.data, { 'ca.crt': CA });
  });

  it('ignores other ConfigMaps and non-active namespace updates', async () => {
    const s = setup();
    s.ns('b');
    await s.drain();
    s.configmaps.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', namespace: 'b' }, data: {} } as ConfigMapObj);
    s.configmaps.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', namespace: 'b' }, data: { x: 'y' } } as ConfigMapObj);
    s.ns('b', 'Terminating');
    assert.equal(s.queue.len(), 0);
  });

  it('treats a gone or terminating namespace as done and retries other failures', async () => {
    const s = setup();
    s.client.failNext.set('create configmaps', err(404, 'NotFound'));
    await s.c.sync('x');
    const terminating = err(403, 'Forbidden');
    (terminating.status as any).details = { causes: [{ reason: 'NamespaceTerminating' }] };
    s.client.failNext.set('create configmaps', terminating);
    await s.c.sync('x');
    s.client.failNext.set('create configmaps', err(500, 'InternalError'));
    await assert.rejects(s.c.sync('x'));
  });
});
