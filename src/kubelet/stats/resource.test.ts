import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../types.js';
import type { ContainerStats } from '../runtime/cri/client.js';
import { collectResourceMetrics, parseNodeUsage, renderResourceMetrics } from './resource.js';

const pod: Pod = {
  metadata: { name: 'web', namespace: 'default', uid: 'u1' },
  spec: { containers: [{ name: 'a' }, { name: 'b' }] },
  status: { containerStatuses: [{ name: 'a', ready: true, restartCount: 0, image: 'x', imageID: '', state: { running: { startedAt: '2024-05-01T10:00:00Z' } } }] },
};

const stat = (container: string, cpuNs: number, mem: number, uid = 'u1'): ContainerStats => ({
  attributes: {
    id: `id-${container}`,
    metadata: { name: container, attempt: 0 },
    labels: { 'io.kubernetes.pod.uid': uid, 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.container.name': container },
    annotations: {},
  },
  cpu: { timestamp: 1_714_557_600_000_000_000, usageCoreNanoSeconds: { value: cpuNs }, usageNanoCores: null },
  memory: { timestamp: 1_714_557_600_000_000_000, workingSetBytes: { value: mem }, availableBytes: null, usageBytes: null, rssBytes: null, pageFaults: null, majorPageFaults: null },
  writableLayer: null,
});

describe('kubelet resource metrics', () => {
  it('renders container, pod and node series with upstream names and labels', () => {
    const text = renderResourceMetrics({
      pods: [pod],
      stats: [stat('a', 1_500_000_000, 4096), stat('b', 500_000_000, 8192), stat('x', 1, 1, 'other-pod')],
      node: { cpuSeconds: 12.5, memoryWorkingSetBytes: 1 << 30, timestampMs: 1_714_557_601_000 },
      nowMs: 0,
    });
    const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
    assert.deepEqual(lines, [
      'container_cpu_usage_seconds_total{container="a",namespace="default",pod="web"} 1.5 1714557600000',
      'container_cpu_usage_seconds_total{container="b",namespace="default",pod="web"} 0.5 1714557600000',
      'container_memory_working_set_bytes{container="a",namespace="default",pod="web"} 4096 1714557600000',
      'container_memory_working_set_bytes{container="b",namespace="default",pod="web"} 8192 1714557600000',
      'container_start_time_seconds{container="a",namespace="default",pod="web"} 1714557600 1714557600000',
      'node_cpu_usage_seconds_total 12.5 1714557601000',
      `node_memory_working_set_bytes ${1 << 30} 1714557601000`,
      'pod_cpu_usage_seconds_total{namespace="default",pod="web"} 2 1714557600000',
      'pod_memory_working_set_bytes{namespace="default",pod="web"} 12288 1714557600000',
      'resource_scrape_error 0',
    ]);
    assert.match(text, /# TYPE container_cpu_usage_seconds_total counter\n/);
  });

  it('reports a scrape error when the runtime fails, keeping node series', async () => {
    const text = await collectResourceMetrics({ listContainerStats: () => Promise.reject(new Error('down')) }, [pod]);
    assert.match(text, /\nresource_scrape_error 1\n/);
    assert.match(text, /\nnode_cpu_usage_seconds_total \d/);
    assert.doesNotMatch(text, /\ncontainer_cpu_usage_seconds_total\{/);
  });

  it('reads node cpu busy time and memory working set from /proc text', () => {
    const u = parseNodeUsage('cpu  100 20 30 5000 40 5 5 10 0 0\ncpu0 1 2 3 4\n', 'MemTotal:       2048 kB\nMemFree:  100 kB\nMemAvailable:   1024 kB\n', 7);
    assert.deepEqual(u, { cpuSeconds: 1.7, memoryWorkingSetBytes: 1024 * 1024, timestampMs: 7 });
  });
});
