import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fielderrors.js';
import type { FieldError } from '../../machinery/fielderrors.js';
import type { KubeObject } from '../types.js';
import {
  BEHAVIOR_SPECS_ANNOTATION,
  CONDITIONS_ANNOTATION,
  METRIC_SPECS_ANNOTATION,
  METRIC_STATUSES_ANNOTATION,
  hpaV1ToV2,
  hpaV2ToV1,
} from './conversion.js';
import { autoscalingV1Rules } from './v1/rules.js';
import { autoscalingV2Rules } from './v2/rules.js';

const msgs = (errs: FieldError[] | undefined): string[] => (errs ?? []).map(fieldErrorMessage);
const v2 = autoscalingV2Rules['horizontalpodautoscalers']!;
const v1 = autoscalingV1Rules['horizontalpodautoscalers']!;
const ref = { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' };

function hpa(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'default' }, spec };
}

describe('autoscaling/v2 defaults', () => {
  it('defaults minReplicas and the cpu metric', () => {
    const h = hpa({ scaleTargetRef: ref, maxReplicas: 5 });
    v2.defaults!(h);
    assert.deepEqual(h['spec'], {
      scaleTargetRef: ref,
      maxReplicas: 5,
      minReplicas: 1,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
  });

  it('fills behavior rules only when behavior is given', () => {
    const h = hpa({ scaleTargetRef: ref, maxReplicas: 5, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } });
    v2.defaults!(h);
    assert.deepEqual((h['spec'] as Record<string, unknown>)['behavior'], {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ],
      },
      scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    });
    assert.deepEqual(v2.validate!(h), []);
  });
});

describe('autoscaling validation', () => {
  it('checks replicas and the target reference', () => {
    const h = hpa({ scaleTargetRef: { kind: '', name: 'a/b' }, minReplicas: 3, maxReplicas: 2 });
    v2.defaults!(h);
    assert.deepEqual(msgs(v2.validate!(h)), [
      'spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
      'spec.scaleTargetRef.kind: Required value',
      "spec.scaleTargetRef.name: Invalid value: \"a/b\": may not contain '/'",
    ]);
    const zero = hpa({ scaleTargetRef: ref, minReplicas: 0, maxReplicas: 0 });
    v2.defaults!(zero);
    assert.deepEqual(msgs(v2.validate!(zero)), [
      'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
      'spec.maxReplicas: Invalid value: 0: must be greater than 0',
      'spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas',
    ]);
  });

  it('checks metric sources', () => {
    const h = hpa({
      scaleTargetRef: ref,
      maxReplicas: 3,
      metrics: [
        { type: 'Pods', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '-1Mi', averageUtilization: 0 } } },
        { type: 'Bogus' },
      ],
    });
    v2.defaults!(h);
    assert.deepEqual(msgs(v2.validate!(h)), [
      'spec.metrics[0].pods: Required value: must populate information for the given metric source',
      'spec.metrics[1].resource.target.averageValue: Invalid value: "-1Mi": must be positive',
      'spec.metrics[1].resource.target.averageUtilization: Invalid value: 0: must be greater than 0',
      'spec.metrics[1].resource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization',
      'spec.metrics[2].type: Unsupported value: "Bogus": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
      'spec.metrics[2].type: Unsupported value: "Bogus": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
    ]);
  });

  it('validates v1 objects through the v2 shape', () => {
    const h: KubeObject = { metadata: { name: 'web' }, spec: { scaleTargetRef: ref, maxReplicas: 3, targetCPUUtilizationPercentage: 0 } };
    v1.defaults!(h);
    assert.equal((h['spec'] as Record<string, unknown>)['minReplicas'], 1);
    assert.deepEqual(msgs(v1.validate!(h)), ['spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0']);
  });

  it('validates behavior rules and status', () => {
    const h = hpa({
      scaleTargetRef: ref,
      maxReplicas: 3,
      behavior: { scaleUp: { stabilizationWindowSeconds: 4000, selectPolicy: 'Most', policies: [{ type: 'Pods', value: 0, periodSeconds: 2000 }] } },
    });
    v2.defaults!(h);
    assert.deepEqual(msgs(v2.validate!(h)), [
      'spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600',
      'spec.behavior.scaleUp.selectPolicy: Unsupported value: "Most": supported values: "Disabled", "Max", "Min"',
      'spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero',
      'spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 2000: must be less than or equal to 1800',
    ]);
    const s = hpa({});
    s['status'] = { currentReplicas: -1, desiredReplicas: 1 };
    assert.deepEqual(msgs(v2.validateStatusUpdate!(s, s)), ['status.currentReplicas: Invalid value: -1: must be greater than or equal to 0']);
  });
});

describe('HPA v1 ⇄ v2 conversion', () => {
  it('maps targetCPUUtilizationPercentage to a cpu Utilization metric and back', () => {
    const h1: KubeObject = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'default' },
      spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 50 },
      status: { currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 40 },
    };
    const h2 = hpaV1ToV2(h1);
    assert.equal(h2.apiVersion, 'autoscaling/v2');
    assert.deepEqual(h2['spec'], {
      scaleTargetRef: ref,
      minReplicas: 1,
      maxReplicas: 4,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    });
    assert.deepEqual(h2['status'], {
      currentReplicas: 2,
      desiredReplicas: 3,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 40 } } }],
    });
    const back = hpaV2ToV1(h2);
    assert.deepEqual(back['spec'], h1['spec']);
    assert.equal(back.metadata?.annotations?.[METRIC_SPECS_ANNOTATION], undefined);
    assert.equal(
      back.metadata?.annotations?.[METRIC_STATUSES_ANNOTATION],
      '[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":40,"currentAverageValue":"0"}}]',
    );
    assert.deepEqual(back['status'], { currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 40 });
    assert.deepEqual(h1.metadata, { name: 'web', namespace: 'default' });
  });

  it('applies the implicit 80% cpu target when v1 has no metrics', () => {
    const h2 = hpaV1ToV2({ metadata: { name: 'x' }, spec: { scaleTargetRef: ref, maxReplicas: 2 } });
    assert.deepEqual((h2['spec'] as Record<string, unknown>)['metrics'], [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]);
  });

  it('keeps other metrics, behavior and conditions in annotations across a v1 round trip', () => {
    const h2 = hpa({
      scaleTargetRef: ref,
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
      ],
      behavior: { scaleDown: { selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
    });
    h2.metadata!.annotations = { keep: 'me' };
    h2['status'] = {
      desiredReplicas: 2,
      conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z', reason: 'Ok' }],
    };
    const h1 = hpaV2ToV1(h2);
    const ann = h1.metadata!.annotations!;
    assert.equal(ann['keep'], 'me');
    assert.equal(ann[METRIC_SPECS_ANNOTATION], '[{"type":"Pods","pods":{"metricName":"qps","targetAverageValue":"10"}}]');
    assert.equal(
      ann[BEHAVIOR_SPECS_ANNOTATION],
      '{"ScaleUp":null,"ScaleDown":{"StabilizationWindowSeconds":null,"SelectPolicy":"Min","Policies":[{"Type":"Pods","Value":1,"PeriodSeconds":60}]}}',
    );
    assert.equal(
      ann[CONDITIONS_ANNOTATION],
      '[{"type":"AbleToScale","status":"True","lastTransitionTime":"2024-01-01T00:00:00Z","reason":"Ok"}]',
    );
    assert.equal((h1['spec'] as Record<string, unknown>)['targetCPUUtilizationPercentage'], 60);

    const again = hpaV1ToV2(h1);
    assert.deepEqual(again.metadata, { name: 'web', namespace: 'default', annotations: { keep: 'me' } });
    assert.deepEqual(again['spec'], {
      scaleTargetRef: ref,
      minReplicas: 2,
      maxReplicas: 10,
      behavior: { scaleDown: { selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
      metrics: h2['spec'] && (h2['spec'] as Record<string, unknown>)['metrics'],
    });
    assert.deepEqual((again['status'] as Record<string, unknown>)['conditions'], (h2['status'] as Record<string, unknown>)['conditions']);
  });

  it('replaces stale round-trip annotations on the way out', () => {
    const h2 = hpa({ scaleTargetRef: ref, maxReplicas: 2, metrics: [] });
    h2.metadata!.annotations = { [METRIC_SPECS_ANNOTATION]: '[]', [CONDITIONS_ANNOTATION]: 'junk' };
    const h1 = hpaV2ToV1(h2);
    assert.equal(h1.metadata!.annotations, undefined);
  });
});
