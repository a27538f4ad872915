/**
 * autoscaling/v2 HorizontalPodAutoscaler defaulting, as upstream's pkg/apis/autoscaling/v2/defaults.go:
 * minReplicas 1, a cpu 80% utilization metric when none is given, and — only when `behavior` is
 * present — the default scale-up and scale-down rules for whatever the user left out.
 * Idempotent, never fails, mutates in place.
 */
import type { KubeObject } from '../../types.js';
import type { Obj } from '../../apps/v1/helpers.js';
import { child, isObj, isSet } from '../../apps/v1/helpers.js';

export const DEFAULT_CPU_UTILIZATION = 80;

/** A fresh copy of upstream's default scale-up rules. */
export function defaultScaleUpRules(): Obj {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

/** A fresh copy of upstream's default scale-down rules (the stabilization window stays unset). */
export function defaultScaleDownRules(): Obj {
  return { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };
}

/** Upstream's copyHPAScalingRules: the user's non-nil fields over the defaults. */
function fillRules(from: unknown, defaults: Obj): Obj {
  if (!isObj(from)) return defaults;
  if (isSet(from['selectPolicy'])) defaults['selectPolicy'] = from['selectPolicy'];
  if (isSet(from['stabilizationWindowSeconds'])) defaults['stabilizationWindowSeconds'] = from['stabilizationWindowSeconds'];
  if (isSet(from['policies'])) defaults['policies'] = from['policies'];
  return defaults;
}

export function defaultHPABehavior(spec: Obj): void {
  const b = spec['behavior'];
  if (!isObj(b)) return;
  b['scaleUp'] = fillRules(b['scaleUp'], defaultScaleUpRules());
  b['scaleDown'] = fillRules(b['scaleDown'], defaultScaleDownRules());
}

export function cpuUtilizationMetric(utilization: number): Obj {
  return { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: utilization } } };
}

export function defaultHPAv2(obj: KubeObject): void {
  const spec = child(obj, 'spec');
  if (!isSet(spec['minReplicas'])) spec['minReplicas'] = 1;
  if (!Array.isArray(spec['metrics']) || spec['metrics'].length === 0) spec['metrics'] = [cpuUtilizationMetric(DEFAULT_CPU_UTILIZATION)];
  defaultHPABehavior(spec);
}
