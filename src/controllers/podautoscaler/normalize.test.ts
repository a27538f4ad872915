import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HorizontalPodAutoscalerBehavior } from 'kubernetes-types/autoscaling/v2.js';
import { newMemory, normalizeDesiredReplicas, normalizeWithBehaviors, recordInitialRecommendation, scaleDownLimit, scaleUpLimit, storeScaleEvent } from './normalize.js';

const T0 = 1_000_000;
const defaults = (): HorizontalPodAutoscalerBehavior => ({
  scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
  scaleDown: { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
});

describe('normalize without behavior', () => {
  it('caps a scale-up at max(2 × current, 4) and reports ScaleUpLimit', () => {
    const m = newMemory();
    recordInitialRecommendation(m, 1, T0);
    const n = normalizeDesiredReplicas(m, 1, 10, 1, 10, 300_000, T0);
    assert.equal(n.replicas, 4);
    assert.deepEqual(n.scalingLimited, { status: 'True', reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' });
    assert.equal(n.ableToScale.reason, 'ReadyForNewScale');
  });

  it('clamps to max and min replicas', () => {
    assert.equal(normalizeDesiredReplicas(newMemory(), 5, 9, 1, 6, 0, T0).scalingLimited.reason, 'TooManyReplicas');
    const low = normalizeDesiredReplicas(newMemory(), 5, 1, 2, 6, 0, T0);
    assert.equal(low.replicas, 2);
    assert.equal(low.scalingLimited.reason, 'TooFewReplicas');
  });

  it('keeps the highest recommendation within the downscale stabilization window', () => {
    const m = newMemory();
    recordInitialRecommendation(m, 5, T0);
    const a = normalizeDesiredReplicas(m, 5, 2, 1, 10, 5000, T0 + 1000);
    assert.equal(a.replicas, 5);
    assert.equal(a.ableToScale.reason, 'ScaleDownStabilized');
    const b = normalizeDesiredReplicas(m, 5, 2, 1, 10, 5000, T0 + 4000);
    assert.equal(b.replicas, 5);
    // after the window only the recent recommendations of 2 remain
    const c = normalizeDesiredReplicas(m, 5, 2, 1, 10, 5000, T0 + 6500);
    assert.equal(c.replicas, 2);
    assert.equal(c.scalingLimited.reason, 'DesiredWithinRange');
  });
});

describe('normalize with behavior', () => {
  it('applies the default scale-up policies (max of +4 pods and +100 %)', () => {
    const m = newMemory();
    recordInitialRecommendation(m, 2, T0);
    const n = normalizeWithBehaviors(m, defaults(), 2, 20, 1, 50, 300_000, T0);
    assert.equal(n.replicas, 6);
    assert.equal(n.scalingLimited.reason, 'ScaleUpLimit');
  });

  it('counts scale events within the policy period', () => {
    const b: HorizontalPodAutoscalerBehavior = { ...defaults(), scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] } };
    const m = newMemory();
    storeScaleEvent(m, b, 2, 4, T0);
    // 2 added 10 s ago: the period started at 2 replicas → limit 4
    assert.equal(scaleUpLimit(4, m.scaleUpEvents, m.scaleDownEvents, b.scaleUp!, T0 + 10_000), 4);
    assert.equal(normalizeWithBehaviors(m, b, 4, 8, 1, 10, 0, T0 + 10_000).replicas, 4);
    // after the period: +2 again
    assert.equal(normalizeWithBehaviors(m, b, 4, 8, 1, 10, 0, T0 + 61_000).replicas, 6);
  });

  it('selectPolicy Min picks the smallest change, Disabled none', () => {
    const rules = { selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }, { type: 'Percent', value: 50, periodSeconds: 60 }] };
    assert.equal(scaleDownLimit(10, [], [], rules, T0), 9);
    assert.equal(scaleDownLimit(10, [], [], { ...rules, selectPolicy: 'Max' }, T0), 5);
    assert.equal(scaleUpLimit(10, [], [], { ...rules, selectPolicy: 'Min' }, T0), 11);
    assert.equal(scaleUpLimit(10, [], [], { ...rules, selectPolicy: 'Disabled' }, T0), 10);
  });

  it('limits a scale-down by policy and reports ScaleDownLimit', () => {
    const b: HorizontalPodAutoscalerBehavior = { ...defaults(), scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } };
    const n = normalizeWithBehaviors(newMemory(), b, 5, 1, 1, 10, 300_000, T0);
    assert.equal(n.replicas, 4);
    assert.equal(n.scalingLimited.reason, 'ScaleDownLimit');
  });

  it('uses the controller window when the scale-down window is unset, and a scale-up window', () => {
    const m = newMemory();
    recordInitialRecommendation(m, 5, T0);
    const n = normalizeWithBehaviors(m, defaults(), 5, 1, 1, 10, 5000, T0 + 1000);
    assert.equal(n.replicas, 5);
    assert.equal(n.ableToScale.reason, 'ScaleDownStabilized');
    assert.equal(normalizeWithBehaviors(m, defaults(), 5, 1, 1, 10, 5000, T0 + 6001).replicas, 1);

    const up: HorizontalPodAutoscalerBehavior = { ...defaults(), scaleUp: { ...defaults().scaleUp, stabilizationWindowSeconds: 10 } };
    const m2 = newMemory();
    recordInitialRecommendation(m2, 2, T0);
    const u = normalizeWithBehaviors(m2, up, 2, 4, 1, 10, 0, T0 + 1000);
    assert.equal(u.replicas, 2);
    assert.equal(u.ableToScale.reason, 'ScaleUpStabilized');
    assert.equal(normalizeWithBehaviors(m2, up, 2, 4, 1, 10, 0, T0 + 11_500).replicas, 4);
  });
});
