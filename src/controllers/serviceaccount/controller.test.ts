import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { WorkQueue } from '../../client/workqueue.js';
import { silentLogger } from '../../util/logger.js';
import { FakeClient, FakeInformer, err } from '../nodelifecycle/testing.js';
import { ServiceAccountsController, type NamespaceObj, type ServiceAccountObj } from './controller.js';

const queues: WorkQueue<string>[] = [];
afterEach(() => {
  while (queues.length) queues.pop()!.shutDown();
});

function setup() {
  const namespaces = new FakeInformer<NamespaceObj>();
  const serviceaccounts = new FakeInformer<ServiceAccountObj>();
  const client = new FakeClient({ namespaces, serviceaccounts } as unknown as Record<string, FakeInformer<KubeObject>>);
  const queue = new WorkQueue<string>('t');
  queues.push(queue);
  const c = new ServiceAccountsController({ client: client as never, namespaces, serviceAccounts: serviceaccounts, queue, log: silentLogger });
  c.register();
  const ns = (name: string, phase = 'Active') => namespaces.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase } } as NamespaceObj);
  return { namespaces, serviceaccounts, client, queue, c, ns };
}

describe('serviceaccount controller', () => {
  it('creates default in active namespaces, again after deletion, never in terminating ones', async () => {
    const s = setup();
    s.ns('x');
    s.ns('gone', 'Terminating');
    assert.equal(s.queue.len(), 2);
    await s.c.sync('x');
    await s.c.sync('gone');
    assert.deepEqual(s.client.verbs('create').map((c) => [c.namespace, c.name]), [['x', 'default']]);
    await s.c.sync('x');
    assert.equal(s.client.verbs('create').length, 1, 'present in the cache: nothing to do');
    s.serviceaccounts.remove('x/default');
    assert.ok(s.queue.len() >= 1);
    await s.c.sync('x');
    assert.equal(s.client.verbs('create').length, 2);
  });

  it('treats AlreadyExists and NamespaceTerminating as done, other errors as retryable', async () => {
    const s = setup();
    s.ns('y');
    s.client.failNext.set('create serviceaccounts', err(409, 'AlreadyExists'));
    await s.c.sync('y');
    const terminating = err(403, 'Forbidden');
    (terminating.status as any).details = { causes: [{ reason: 'NamespaceTerminating' }] };
    s.client.failNext.set('create serviceaccounts', terminating);
    await s.c.sync('y');
    s.client.failNext.set('create serviceaccounts', err(500, 'InternalError'));
    await assert.rejects(s.c.sync('y'));
  });
});
