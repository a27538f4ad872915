import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HorizontalPodAutoscaler as HPAv1 } from 'kubernetes-types/autoscaling/v1.js';
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus } from 'kubernetes-types/autoscaling/v2.js';
import type { KubeObject, Printer } from '../types.js';
import { formatHPAMetrics, horizontalPodAutoscalerPrinter } from './printers.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString();

function cells<T>(p: Printer, obj: T): unknown[] {
  const out = p.cells(obj as unknown as KubeObject, NOW);
  assert.equal(out.length, p.columns.length, 'one cell per column');
  return out;
}

const cpu = (target: number): MetricSpec => ({
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } },
});

describe('horizontalpodautoscalers', () => {
  it('has upstream columns', () => {
    assert.deepEqual(
      horizontalPodAutoscalerPrinter.columns.map((c) => [c.name, c.type]),
      [
        ['Name', 'string'],
        ['Reference', 'string'],
        ['Targets', 'string'],
        ['MinPods', 'string'],
        ['MaxPods', 'string'],
        ['Replicas', 'string'],
        ['Age', 'string'],
      ],
    );
  });

  it('prints a v2 HPA', () => {
    const hpa: HorizontalPodAutoscaler = {
      metadata: { name: 'web', creationTimestamp: ago(7 * 60_000) },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 10, metrics: [cpu(50)] },
      status: {
        currentReplicas: 3,
        desiredReplicas: 3,
        currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 35, averageValue: '120m' } } }],
      },
    };
    assert.deepEqual(cells(horizontalPodAutoscalerPrinter, hpa), ['web', 'Deployment/web', 'cpu: 35%/50%', '2', 10, 3, '7m']);
  });

  it('prints <unknown>, <unset> and <none>', () => {
    const hpa: HorizontalPodAutoscaler = {
      metadata: { name: 'web', creationTimestamp: ago(60_000) },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 5, metrics: [cpu(80)] },
    };
    assert.deepEqual(cells(horizontalPodAutoscalerPrinter, hpa), ['web', 'Deployment/web', 'cpu: <unknown>/80%', '<unset>', 5, 0, '60s']);
    assert.equal(cells(horizontalPodAutoscalerPrinter, { ...hpa, spec: { ...hpa.spec, metrics: [] } })[2], '<none>');
  });

  it('formats every metric type and truncates after two', () => {
    const specs: MetricSpec[] = [
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '1Gi' } } },
      { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
      {
        type: 'Object',
        object: { describedObject: { kind: 'Ingress', name: 'i' }, metric: { name: 'hits' }, target: { type: 'Value', value: '2k' } },
      },
      { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } },
      { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization' } } },
    ];
    const statuses: MetricStatus[] = [
      { type: 'Resource', resource: { name: 'memory', current: { averageValue: '512Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'qps' }, current: { averageValue: '7' } } },
    ];
    assert.equal(formatHPAMetrics(specs, statuses), 'memory: 512Mi/1Gi, 7/10 + 3 more...');
    assert.equal(formatHPAMetrics(specs.slice(2, 4), []), '<unknown>/2k, <unknown>/30 (avg)');
    assert.equal(
      formatHPAMetrics(specs.slice(2, 4), [
        { type: 'Object', object: { describedObject: { kind: 'Ingress', name: 'i' }, metric: { name: 'hits' }, current: { value: '1500' } } },
        { type: 'External', external: { metric: { name: 'queue' }, current: { averageValue: '12' } } },
      ]),
      '1500/2k, 12/30 (avg)',
    );
    assert.equal(formatHPAMetrics(specs.slice(4), []), 'cpu: <unknown>/<auto>');
    assert.equal(formatHPAMetrics([{ type: 'Bogus' }], []), '<unknown type>');
  });

  it('prints an HPA stored in the autoscaling/v1 shape', () => {
    const v1: HPAv1 = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'old', creationTimestamp: ago(60_000) },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 60 },
      status: { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 12 },
    };
    assert.deepEqual(cells(horizontalPodAutoscalerPrinter, v1), ['old', 'Deployment/web', 'cpu: 12%/60%', '1', 4, 2, '60s']);
  });
});
