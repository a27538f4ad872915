import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  namespacedKey,
  keyOf,
  splitKey,
  parseApiVersion,
  formatApiVersion,
  gvkOf,
  gvkString,
  gvrString,
  groupKindString,
  newUid,
  formatRfc3339,
  nowRfc3339,
  formatMicroTime,
  nowMicroTime,
  parseRfc3339,
} from './meta.js';

test('keys', () => {
  assert.equal(namespacedKey('default', 'web'), 'default/web');
  assert.equal(namespacedKey('', 'node1'), 'node1');
  assert.equal(namespacedKey(undefined, 'node1'), 'node1');
  assert.equal(keyOf({ metadata: { namespace: 'kube-system', name: 'dns' } }), 'kube-system/dns');
  assert.equal(keyOf({ metadata: { name: 'n' } }), 'n');
  assert.deepEqual(splitKey('default/web'), { namespace: 'default', name: 'web' });
  assert.deepEqual(splitKey('node1'), { namespace: '', name: 'node1' });
  assert.throws(() => splitKey('a/b/c'), { message: 'unexpected key format: "a/b/c"' });
});

test('api versions and GVK strings', () => {
  assert.deepEqual(parseApiVersion('apps/v1'), { group: 'apps', version: 'v1' });
  assert.deepEqual(parseApiVersion('v1'), { group: '', version: 'v1' });
  assert.deepEqual(parseApiVersion(''), { group: '', version: '' });
  assert.deepEqual(parseApiVersion('rbac.authorization.k8s.io/v1'), { group: 'rbac.authorization.k8s.io', version: 'v1' });
  assert.throws(() => parseApiVersion('a/b/c'), { message: 'unexpected GroupVersion string: a/b/c' });
  assert.equal(formatApiVersion({ group: '', version: 'v1' }), 'v1');
  assert.equal(formatApiVersion({ group: 'apps', version: 'v1' }), 'apps/v1');
  assert.deepEqual(gvkOf({ apiVersion: 'apps/v1', kind: 'Deployment' }), { group: 'apps', version: 'v1', kind: 'Deployment' });
  assert.equal(gvkString({ group: '', version: 'v1', kind: 'Pod' }), '/v1, Kind=Pod');
  assert.equal(gvrString({ group: 'apps', version: 'v1', resource: 'deployments' }), 'apps/v1, Resource=deployments');
  assert.equal(groupKindString({ group: 'apps', kind: 'Deployment' }), 'Deployment.apps');
  assert.equal(groupKindString({ group: '', kind: 'Pod' }), 'Pod');
});

test('uids are v4 UUIDs and unique', () => {
  const a = newUid();
  const b = newUid();
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(a, b);
});

test('time formats', () => {
  const d = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
  assert.equal(formatRfc3339(d), '2024-01-02T03:04:05Z');
  assert.equal(formatMicroTime(d), '2024-01-02T03:04:05.678000Z');
  assert.equal(formatMicroTime(d, 9), '2024-01-02T03:04:05.678009Z');
  assert.match(nowRfc3339(), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.match(nowMicroTime(), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  assert.equal(parseRfc3339('2024-01-02T03:04:05Z')?.getTime(), Date.UTC(2024, 0, 2, 3, 4, 5));
  assert.equal(parseRfc3339('2024-01-02T03:04:05.123456Z')?.getTime(), Date.UTC(2024, 0, 2, 3, 4, 5, 123));
  assert.equal(parseRfc3339('2024-01-02T05:04:05+02:00')?.getTime(), Date.UTC(2024, 0, 2, 3, 4, 5));
  assert.equal(parseRfc3339('2024-01-02'), undefined);
  assert.equal(parseRfc3339('yesterday'), undefined);
});
