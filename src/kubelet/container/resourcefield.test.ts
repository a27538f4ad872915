import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from 'kubernetes-types/core/v1.js';
import { containerResourceValue, limitsWithAllocatable, podResourceValue } from './resourcefield.js';
import type { Pod } from '../types.js';

const c: Container = {
  name: 'app',
  resources: {
    limits: { cpu: '250m', memory: '64Mi', 'ephemeral-storage': '1Gi', 'hugepages-2Mi': '4Mi' },
    requests: { cpu: '1500m', memory: '100M' },
  },
};

test('containerResourceValue: cpu rounds up millicores over the divisor', () => {
  assert.equal(containerResourceValue({ resource: 'limits.cpu' }, c), '1');
  assert.equal(containerResourceValue({ resource: 'limits.cpu', divisor: '1m' }, c), '250');
  assert.equal(containerResourceValue({ resource: 'limits.cpu', divisor: '100m' }, c), '3');
  assert.equal(containerResourceValue({ resource: 'requests.cpu' }, c), '2');
  assert.equal(containerResourceValue({ resource: 'requests.cpu', divisor: '0' }, c), '2');
});

test('containerResourceValue: memory, storage and hugepages round up bytes over the divisor', () => {
  assert.equal(containerResourceValue({ resource: 'limits.memory' }, c), String(64 * 1024 * 1024));
  assert.equal(containerResourceValue({ resource: 'limits.memory', divisor: '1Mi' }, c), '64');
  assert.equal(containerResourceValue({ resource: 'requests.memory', divisor: '1Mi' }, c), '96');
  assert.equal(containerResourceValue({ resource: 'requests.memory', divisor: '1k' }, c), '100000');
  assert.equal(containerResourceValue({ resource: 'limits.ephemeral-storage', divisor: '1Mi' }, c), '1024');
  assert.equal(containerResourceValue({ resource: 'limits.hugepages-2Mi', divisor: '1Mi' }, c), '4');
  assert.equal(containerResourceValue({ resource: 'requests.hugepages-2Mi' }, c), '0');
});

test('containerResourceValue: unset values are 0 unless allocatable fills a limit', () => {
  const bare: Container = { name: 'bare' };
  assert.equal(containerResourceValue({ resource: 'requests.memory' }, bare), '0');
  assert.equal(containerResourceValue({ resource: 'limits.cpu' }, bare), '0');
  const alloc = { cpu: '4', memory: '8Gi', 'ephemeral-storage': '20Gi' };
  assert.equal(containerResourceValue({ resource: 'limits.cpu' }, bare, alloc), '4');
  assert.equal(containerResourceValue({ resource: 'limits.memory', divisor: '1Gi' }, bare, alloc), '8');
  assert.equal(containerResourceValue({ resource: 'requests.cpu' }, bare, alloc), '0');
  // a set limit wins over allocatable; a zero limit does not
  assert.equal(containerResourceValue({ resource: 'limits.cpu', divisor: '1m' }, c, alloc), '250');
  const zero: Container = { name: 'z', resources: { limits: { cpu: '0' } } };
  assert.equal(containerResourceValue({ resource: 'limits.cpu' }, zero, alloc), '4');
  assert.deepEqual(limitsWithAllocatable(zero, { cpu: '2' }), { cpu: '2' });
});

test('containerResourceValue: unsupported resources fail as upstream', () => {
  assert.throws(() => containerResourceValue({ resource: 'limits.gpu' }, c), { message: 'unsupported container resource : limits.gpu' });
});

test('podResourceValue: containerName selects another container of the pod', () => {
  const pod: Pod = {
    metadata: { name: 'p', namespace: 'ns' },
    spec: {
      containers: [c, { name: 'side', resources: { limits: { memory: '32Mi' } } }],
      initContainers: [{ name: 'init', resources: { requests: { cpu: '2' } } }],
    },
  };
  assert.equal(podResourceValue({ resource: 'limits.memory', divisor: '1Mi', containerName: 'side' }, pod, c), '32');
  assert.equal(podResourceValue({ resource: 'requests.cpu', containerName: 'init' }, pod, c), '2');
  assert.equal(podResourceValue({ resource: 'limits.memory', divisor: '1Mi' }, pod, c), '64');
  assert.throws(() => podResourceValue({ resource: 'limits.cpu', containerName: 'nope' }, pod, c), { message: 'container nope not found' });
});
