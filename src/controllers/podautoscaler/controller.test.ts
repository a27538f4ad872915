import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { ApiStatusError, type ResourceRef, type ListOptions } from '../../client/rest.js';
import { SharedInformer, type ListerWatcher } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { silentLogger } from '../../util/logger.js';
import type { PodObj } from '../common/podutil.js';
import { HPAS, PODS } from '../resources.js';
import { HorizontalController, type HpaClient, type HpaObj } from './controller.js';

const NOW = Date.parse('2026-01-01T01:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

function staticLw<T extends KubeObject>(items: T[]): ListerWatcher<T> {
  return {
    list: async () => ({ metadata: { resourceVersion: '1' }, items }),
    watch: (_rv, signal) => ({
      async *[Symbol.asyncIterator]() {
        await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
      },
    }),
  };
}

const hpa = (extra: Partial<HpaObj['spec']> = {}): HpaObj => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '5' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web' },
    minReplicas: 1,
    maxReplicas: 10,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    ...extra,
  },
});

const pod = (name: string): PodObj => ({
  metadata: { name, namespace: 'default', labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '100m' } } }] },
  status: { phase: 'Running', startTime: iso(NOW - 3_600_000), conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: iso(NOW - 3_500_000) }] },
});

interface Fixture {
  controller: HorizontalController;
  calls: string[];
  events: Array<{ type: string; reason: string; message: string }>;
  statuses: HpaObj[];
  scale: { replicas: number } | undefined;
  podMetrics: Array<{ name: string; cpu: string }>;
  stop: AbortController;
  queue: WorkQueue<string>;
}

async function fixture(h: HpaObj, pods: PodObj[], replicas: number | undefined, podMetrics: Array<{ name: string; cpu: string }>): Promise<Fixture> {
  const stop = new AbortController();
  const f = { calls: [] as string[], events: [] as Fixture['events'], statuses: [] as HpaObj[], scale: replicas === undefined ? undefined : { replicas }, podMetrics, stop } as Fixture;
  const client = {
    getSubresource: async <T>(res: ResourceRef, _ns: string | undefined, name: string): Promise<T> => {
      f.calls.push(`get ${res.resource}/${name}/scale`);
      if (!f.scale) throw new ApiStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 404, reason: 'NotFound', message: `replicasets.apps "${name}" not found` });
      return { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name }, spec: { replicas: f.scale.replicas }, status: { replicas: f.scale.replicas, selector: 'app=web' } } as T;
    },
    updateSubresource: async <T>(res: ResourceRef, _ns: string | undefined, name: string, _sub: string, body: unknown): Promise<T> => {
      const r = (body as { spec: { replicas: number } }).spec.replicas;
      f.calls.push(`scale ${res.resource}/${name} ${r}`);
      f.scale = { replicas: r };
      return body as T;
    },
    updateStatus: async <T extends KubeObject>(_res: ResourceRef, obj: T): Promise<T> => {
      f.statuses.push(structuredClone(obj) as unknown as HpaObj);
      return obj;
    },
    list: async <T extends KubeObject>(res: ResourceRef, ns: string | undefined, o?: ListOptions) => {
      f.calls.push(`list ${res.group}/${res.resource} ${ns} ${o?.labelSelector}`);
      const items = f.podMetrics.map((m) => ({ metadata: { name: m.name, namespace: 'default' }, timestamp: iso(NOW), window: '2s', containers: [{ name: 'c', usage: { cpu: m.cpu, memory: '1Mi' } }] }));
      return { metadata: {}, items: items as unknown as T[] };
    },
  } satisfies HpaClient;
  const hpas = new SharedInformer<HpaObj>(undefined, HPAS, { listerWatcher: staticLw([h]) });
  const podInf = new SharedInformer<PodObj>(undefined, PODS, { listerWatcher: staticLw(pods) });
  void hpas.run(stop.signal);
  void podInf.run(stop.signal);
  await hpas.waitForSync();
  await podInf.waitForSync();
  f.controller = new HorizontalController({
    client,
    hpas,
    pods: podInf,
    queue: (f.queue = new WorkQueue<string>('hpa-test')),
    recorder: { event: (_o, type, reason, message) => void f.events.push({ type, reason, message }) },
    log: silentLogger,
    syncPeriodMs: 60_000,
    downscaleStabilizationMs: 300_000,
    now: () => NOW,
    signal: stop.signal,
  });
  live.push(f);
  return f;
}

const live: Fixture[] = [];
afterEach(() => {
  for (const f of live.splice(0)) {
    f.stop.abort();
    f.controller.stop();
    f.queue.shutDown();
  }
});

const cond = (h: HpaObj, type: string) => h.status?.conditions?.find((c) => c.type === type);

describe('HorizontalController', () => {
  it('scales a target up through the scale subresource, with upstream status and events', async () => {
    const f = (await fixture(hpa(), [pod('a')], 1, [{ name: 'a', cpu: '300m' }]));
    await f.controller.sync('default/web');
    assert.ok(f.calls.includes('list metrics.k8s.io/pods default app=web'));
    assert.ok(f.calls.includes('scale replicasets/web 4'));
    assert.deepEqual(f.events, [{ type: 'Normal', reason: 'SuccessfulRescale', message: 'New size: 4; reason: cpu resource utilization (percentage of request) above target' }]);
    const s = f.statuses.at(-1)!;
    assert.equal(s.status?.currentReplicas, 1);
    assert.equal(s.status?.desiredReplicas, 4);
    assert.equal(s.status?.lastScaleTime, iso(NOW));
    assert.deepEqual(s.status?.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 300, averageValue: '300m' } } }]);
    assert.equal(cond(s, 'AbleToScale')?.reason, 'SucceededRescale');
    assert.equal(cond(s, 'AbleToScale')?.message, 'the HPA controller was able to update the target scale to 4');
    assert.equal(cond(s, 'ScalingActive')?.reason, 'ValidMetricFound');
    assert.deepEqual([cond(s, 'ScalingLimited')?.status, cond(s, 'ScalingLimited')?.reason], ['True', 'ScaleUpLimit']);
  });

  it('reports a missing target as FailedGetScale', async () => {
    const f = (await fixture(hpa(), [pod('a')], undefined, []));
    await f.controller.sync('default/web');
    assert.deepEqual(f.events, [{ type: 'Warning', reason: 'FailedGetScale', message: 'replicasets.apps "web" not found' }]);
    const s = f.statuses.at(-1)!;
    assert.deepEqual([cond(s, 'AbleToScale')?.status, cond(s, 'AbleToScale')?.reason], ['False', 'FailedGetScale']);
  });

  it('reports missing metrics and does not scale', async () => {
    const f = (await fixture(hpa(), [pod('a')], 2, []));
    await f.controller.sync('default/web');
    assert.deepEqual(
      f.events.map((e) => e.reason),
      ['FailedGetResourceMetric', 'FailedComputeMetricsReplicas'],
    );
    assert.equal(
      f.events[1]!.message,
      'invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API',
    );
    assert.ok(!f.calls.some((c) => c.startsWith('scale ')));
    const s = f.statuses.at(-1)!;
    assert.equal(cond(s, 'ScalingActive')?.reason, 'FailedGetResourceMetric');
    assert.equal(s.status?.currentReplicas, 2);
  });

  it('holds a scale-down within the stabilization window and brings the count into [min, max]', async () => {
    const f = (await fixture(hpa(), [pod('a'), pod('b')], 2, [{ name: 'a', cpu: '10m' }, { name: 'b', cpu: '10m' }]));
    await f.controller.sync('default/web');
    assert.ok(!f.calls.some((c) => c.startsWith('scale ')));
    assert.equal(cond(f.statuses.at(-1)!, 'AbleToScale')?.reason, 'ScaleDownStabilized');

    const g = (await fixture(hpa({ minReplicas: 3 }), [pod('a')], 1, [{ name: 'a', cpu: '50m' }]));
    await g.controller.sync('default/web');
    assert.ok(g.calls.includes('scale replicasets/web 3'));
    assert.equal(g.events[0]!.message, 'New size: 3; reason: Current number of replicas below Spec.MinReplicas');
  });

  it('does not write an unchanged status', async () => {
    const f = (await fixture(hpa(), [pod('a')], 1, [{ name: 'a', cpu: '50m' }]));
    await f.controller.sync('default/web');
    assert.equal(f.statuses.length, 1);
  });
});
