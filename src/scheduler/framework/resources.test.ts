import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MEMORY_REQUEST, isScalarResourceName, podNonZeroRequests, podRequests } from './resources.js';
import { makePod } from './testfixtures.js';

test('sums app containers and rounds up as Quantity.MilliValue/Value', () => {
  const pod = makePod('p', {
    containers: [
      { name: 'a', resources: { requests: { cpu: '250m', memory: '64Mi' } } },
      { name: 'b', resources: { requests: { cpu: '0.5', memory: '1.5Gi', 'ephemeral-storage': '1G', 'example.com/gpu': '2' } } },
      { name: 'c', resources: { requests: { cpu: '1n' } } },
    ],
  });
  const r = podRequests(pod);
  assert.equal(r.milliCPU, 751); // 1n rounds up to 1m
  assert.equal(r.memory, 64 * 1024 * 1024 + 1.5 * 1024 * 1024 * 1024);
  assert.equal(r.ephemeralStorage, 1e9);
  assert.equal(r.scalar.get('example.com/gpu'), 2);
});

test('init containers: max(sum of containers, largest init container) plus overhead', () => {
  const pod = makePod('p', {
    containers: [
      { name: 'a', resources: { requests: { cpu: '100m', memory: '100Mi' } } },
      { name: 'b', resources: { requests: { cpu: '100m', memory: '100Mi' } } },
    ],
    spec: {
      initContainers: [
        { name: 'i1', resources: { requests: { cpu: '500m', memory: '10Mi' } } },
        { name: 'i2', resources: { requests: { cpu: '50m', memory: '300Mi' } } },
      ],
      overhead: { cpu: '10m', memory: '1Mi' },
    },
  });
  const r = podRequests(pod);
  assert.equal(r.milliCPU, 510);
  assert.equal(r.memory, 301 * 1024 * 1024);
});

test('restartable init containers (sidecars) add to the sum and to later init containers', () => {
  const pod = makePod('p', {
    containers: [{ name: 'a', resources: { requests: { cpu: '100m' } } }],
    spec: {
      initContainers: [
        { name: 'side', restartPolicy: 'Always', resources: { requests: { cpu: '200m' } } },
        { name: 'init', resources: { requests: { cpu: '400m' } } },
      ],
    },
  });
  // sum = 100 + 200 (sidecar) = 300; init peak = 400 + 200 (sidecar running) = 600
  assert.equal(podRequests(pod).milliCPU, 600);
});

test('limits stand in for missing requests; non-zero defaults only where nothing is set', () => {
  const pod = makePod('p', {
    containers: [
      { name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } },
      { name: 'b' },
      { name: 'c', resources: { requests: { cpu: '0' } } },
    ],
  });
  assert.equal(podRequests(pod).milliCPU, 1000);
  const nz = podNonZeroRequests(pod);
  assert.equal(nz.milliCPU, 1000 + 100 + 0);
  assert.equal(nz.memory, 1024 ** 3 + 2 * DEFAULT_MEMORY_REQUEST);
});

test('scalar resource names', () => {
  assert.equal(isScalarResourceName('nvidia.com/gpu'), true);
  assert.equal(isScalarResourceName('hugepages-2Mi'), true);
  assert.equal(isScalarResourceName('kubernetes.io/foo'), false);
  assert.equal(isScalarResourceName('cpu'), false);
  assert.equal(isScalarResourceName('requests.example.com/x'), false);
});
