import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEtcd, type EtcdHandle } from '../../../test/support/etcd.js';
import { runStoreConformance } from '../conformance.js';
import { isStorageError } from '../store.js';
import { EtcdStore, parseEtcdEndpoints } from './store.js';

let etcd: EtcdHandle;
before(async () => {
  etcd = await startEtcd();
});
after(async () => {
  await etcd?.stop();
});

runStoreConformance('etcd', async () => {
  const store = new EtcdStore([etcd.endpoint], { compactIntervalMs: 0 });
  return { store, cleanup: () => store.close() };
});

test('parseEtcdEndpoints accepts etcd://, http:// and comma lists', () => {
  assert.deepEqual(parseEtcdEndpoints('etcd://127.0.0.1:2379'), ['http://127.0.0.1:2379']);
  assert.deepEqual(parseEtcdEndpoints('etcd://a:1,b:2'), ['http://a:1', 'http://b:2']);
  assert.deepEqual(parseEtcdEndpoints('http://a:1,http://b:2/'), ['http://a:1', 'http://b:2']);
  assert.deepEqual(parseEtcdEndpoints('https://a:1'), ['https://a:1']);
  assert.throws(() => parseEtcdEndpoints('etcd://'));
});

test('etcd: an unreachable endpoint fails with Unavailable', { timeout: 30_000 }, async () => {
  const store = new EtcdStore(['http://127.0.0.1:1'], { compactIntervalMs: 0, dialTimeoutMs: 500 });
  try {
    await assert.rejects(store.get('/x'), (e) => isStorageError(e, 'Unavailable'));
  } finally {
    await store.close();
  }
});
