import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../types.js';
import { configMapPayload, containerResourceValue, downwardAPIPayload, formatMap, goQuote, podFieldValue, secretPayload, needsAllocatable } from './payload.js';

const text = (m: Map<string, { data: Buffer; mode: number }>): Record<string, [string, string]> =>
  Object.fromEntries([...m].map(([k, v]) => [k, [v.data.toString(), v.mode.toString(8)]]));

test('configMap payload: all keys (data and binaryData) or the listed items with modes', () => {
  const cm = { data: { a: 'A', b: 'B' }, binaryData: { bin: Buffer.from('xyz').toString('base64') } };
  assert.deepEqual(text(configMapPayload(cm, undefined, 0o644, false)), { a: ['A', '644'], b: ['B', '644'], bin: ['xyz', '644'] });
  assert.deepEqual(text(configMapPayload(cm, [{ key: 'a', path: 'dir/a.conf', mode: 0o400 }, { key: 'bin', path: 'b' }], 0o640, false)), {
    'dir/a.conf': ['A', '400'],
    b: ['xyz', '640'],
  });
  assert.throws(() => configMapPayload(cm, [{ key: 'nope', path: 'n' }], 0o644, false), /^Error: configmap references non-existent config key: nope$/);
  assert.deepEqual(text(configMapPayload(cm, [{ key: 'nope', path: 'n' }, { key: 'a', path: 'a' }], 0o644, true)), { a: ['A', '644'] });
  assert.deepEqual(text(configMapPayload(undefined, undefined, 0o644, true)), {});
});

test('secret payload decodes base64 and names missing keys as upstream', () => {
  const s = { data: { pw: Buffer.from('hunter2').toString('base64') } };
  assert.deepEqual(text(secretPayload(s, undefined, 0o644, false)), { pw: ['hunter2', '644'] });
  assert.throws(() => secretPayload(s, [{ key: 'x', path: 'x' }], 0o644, false), /^Error: references non-existent secret key: x$/);
});

test('formatMap sorts keys and Go-quotes values', () => {
  assert.equal(formatMap({ b: '2', a: 'say "hi"\n' }), 'a="say \\"hi\\"\\n"\nb="2"');
  assert.equal(formatMap({}), '');
  assert.equal(goQuote('tab\there\x01\u00e9\\'), '"tab\\there\\x01\u00e9\\\\"');
});

const pod: Pod = {
  metadata: { name: 'p', namespace: 'ns', uid: 'u-1', labels: { app: 'web', tier: 'fe' }, annotations: { note: 'x' } },
  spec: {
    containers: [
      { name: 'c', resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '250m' } } },
      { name: 'nolimits' },
    ],
    initContainers: [{ name: 'init', resources: { requests: { memory: '1Gi' } } }],
  },
};

test('pod field values as fieldpath.ExtractFieldPathAsString', () => {
  assert.equal(podFieldValue(pod, 'metadata.name'), 'p');
  assert.equal(podFieldValue(pod, 'metadata.namespace'), 'ns');
  assert.equal(podFieldValue(pod, 'metadata.uid'), 'u-1');
  assert.equal(podFieldValue(pod, 'metadata.labels'), 'app="web"\ntier="fe"');
  assert.equal(podFieldValue(pod, "metadata.labels['tier']"), 'fe');
  assert.equal(podFieldValue(pod, "metadata.annotations['none']"), '');
  assert.throws(() => podFieldValue(pod, 'spec.nodeName'), /^Error: unsupported fieldPath: spec.nodeName$/);
  assert.throws(() => podFieldValue(pod, "metadata.name['x']"), /does not support subscript/);
});

test('container resource values: divisor, ceiling, node allocatable for missing limits', () => {
  const alloc = { cpu: '4', memory: '8Gi' };
  const v = (containerName: string, resource: string, divisor?: string): string => containerResourceValue(pod, { containerName, resource, divisor }, alloc);
  assert.equal(v('c', 'limits.cpu'), '1'); // 500m rounded up
  assert.equal(v('c', 'limits.cpu', '1m'), '500');
  assert.equal(v('c', 'requests.cpu', '1m'), '250');
  assert.equal(v('c', 'limits.memory'), String(64 * 1024 * 1024));
  assert.equal(v('c', 'limits.memory', '1Mi'), '64');
  assert.equal(v('c', 'requests.memory'), '0');
  assert.equal(v('nolimits', 'limits.cpu', '1m'), '4000');
  assert.equal(v('nolimits', 'limits.memory', '1Gi'), '8');
  assert.equal(v('init', 'requests.memory', '1Mi'), '1024');
  assert.throws(() => v('c', 'limits.gpu'), /unsupported container resource : limits.gpu/);
  assert.throws(() => v('ghost', 'limits.cpu'), /container ghost not found/);
  assert.equal(needsAllocatable(pod, [{ path: 'x', resourceFieldRef: { containerName: 'c', resource: 'limits.cpu' } }]), false);
  assert.equal(needsAllocatable(pod, [{ path: 'x', resourceFieldRef: { containerName: 'nolimits', resource: 'limits.cpu' } }]), true);
});

test('downwardAPI payload uses item modes and the default mode', () => {
  const out = downwardAPIPayload(pod, [
    { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
    { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' }, mode: 0o600 },
    { path: 'cpu', resourceFieldRef: { containerName: 'c', resource: 'limits.cpu', divisor: '1m' } },
  ], 0o644, undefined);
  assert.deepEqual(text(out), { name: ['p', '644'], labels: ['app="web"\ntier="fe"', '600'], cpu: ['500', '644'] });
});
