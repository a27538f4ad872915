import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { CpuCounters, defaultUsageConfig, podUsage, renderResourceMetrics } from './usage.js';

const pod = (annotations: Record<string, string>, requests: Array<Record<string, string> | undefined>): Pod => ({
  metadata: { name: 'p', namespace: 'ns', uid: 'u1', annotations },
  spec: { containers: requests.map((r, i) => ({ name: `c${i}`, image: 'x', resources: r ? { requests: r } : {} })) },
});

describe('simulated usage', () => {
  it('defaults to a fraction of requests (100m / 128Mi without one)', () => {
    const u = podUsage(pod({}, [{ cpu: '200m', memory: '64Mi' }, undefined]), defaultUsageConfig);
    assert.deepEqual(
      u.map((c) => [c.cpuNanos, c.memoryBytes]),
      [
        [20_000_000, Math.round((64 * 1024 * 1024 * 0.1) / 4096) * 4096],
        [10_000_000, Math.round((128 * 1024 * 1024 * 0.1) / 4096) * 4096],
      ],
    );
  });

  it('splits the pod annotation across containers by request', () => {
    const u = podUsage(pod({ 'k8ts.io/simulated-cpu-usage': '300m', 'k8ts.io/simulated-memory-usage': '8Mi' }, [{ cpu: '100m' }, { cpu: '200m' }]), defaultUsageConfig);
    assert.deepEqual(u.map((c) => c.cpuNanos), [100_000_000, 200_000_000]);
    assert.deepEqual(u.map((c) => c.memoryBytes), [4 * 1024 * 1024, 4 * 1024 * 1024]);
  });

  it('integrates cpu into monotonic counters', () => {
    const c = new CpuCounters();
    assert.equal(c.sample('k', 500_000_000, 0), 0);
    assert.equal(c.sample('k', 1_000_000_000, 2000), 1);
    assert.equal(c.sample('k', 0, 3000), 2);
    assert.equal(c.sample('k', 0, 10_000), 2);
  });

  it('renders kubelet resource metrics with a node label, node usage = pods + base', () => {
    const counters = new CpuCounters();
    const p = { node: 'n1', pod: pod({ 'k8ts.io/simulated-cpu-usage': '250m' }, [{ cpu: '100m' }]), startedMs: 5000 };
    renderResourceMetrics(['n1', 'n2'], [p], defaultUsageConfig, counters, 0);
    const text = renderResourceMetrics(['n1', 'n2'], [p], defaultUsageConfig, counters, 4000);
    assert.match(text, /^container_cpu_usage_seconds_total\{container="c0",namespace="ns",node="n1",pod="p"\} 1 4000$/m);
    assert.match(text, /^container_start_time_seconds\{container="c0",namespace="ns",node="n1",pod="p"\} 5 4000$/m);
    assert.match(text, /^node_cpu_usage_seconds_total\{node="n1"\} 1.2 4000$/m);
    assert.match(text, /^node_cpu_usage_seconds_total\{node="n2"\} 0.2 4000$/m);
    assert.match(text, /^# TYPE node_memory_working_set_bytes gauge$/m);
  });
});
