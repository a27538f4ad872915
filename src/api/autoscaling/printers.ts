/**
 * Server-side table printing for HorizontalPodAutoscalers, as upstream's
 * pkg/printers/internalversion/printers.go.
 *
 * Contract: the printer reads the autoscaling/v2 shape. An object carrying the autoscaling/v1 shape
 * (apiVersion autoscaling/v1) is first mapped the way upstream converts v1 to the internal type:
 * targetCPUUtilizationPercentage / currentCPUUtilizationPercentage become a cpu Resource metric.
 */
import type { HorizontalPodAutoscaler as HPAv1 } from 'kubernetes-types/autoscaling/v1.js';
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus } from 'kubernetes-types/autoscaling/v2.js';
import { age, ageColumn, column, nameColumn, nameOf, printer, quantityString } from '../core/v1/printers.js';
import type { Printer } from '../types.js';

// SwaggerDoc texts of the autoscaling/v2beta1 fields upstream's columns cite.
const D = {
  scaleTargetRef:
    'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.',
  metrics:
    'metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).  The desired replica count is calculated multiplying the ratio between the target value and the current value by the current number of pods.  Ergo, metrics used must decrease as the pod count is increased, and vice-versa.  See the individual metric source types for more information about how each type of metric must respond.',
  minReplicas:
    'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.  It defaults to 1 pod.  minReplicas is allowed to be 0 if the alpha feature gate HPAScaleToZero is enabled and at least one Object or External metric is configured.  Scaling is active as long as at least one metric value is available.',
  maxReplicas:
    'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas.',
  currentReplicas:
    'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.',
} as const;

/** (*resource.Quantity).String(): a nil quantity prints `<nil>`. */
function q(v: string | number | undefined | null): string {
  return v === undefined || v === null ? '<nil>' : quantityString(v);
}

/** formatHPAMetrics: at most two targets `current/target`, then `+ N more...`; `<none>` without metrics. */
export function formatHPAMetrics(specs: readonly MetricSpec[] | undefined, statuses: readonly MetricStatus[] | undefined): string {
  if (!specs || specs.length === 0) return '<none>';
  const st = statuses ?? [];
  let list: string[] = [];
  const max = 2;
  let count = 0;
  specs.forEach((spec, i) => {
    const status = st[i];
    switch (spec.type) {
      case 'External': {
        const target = spec.external?.target;
        if (target?.averageValue !== undefined && target.averageValue !== null) {
          const avg = status?.external?.current?.averageValue;
          const current = status?.external && avg !== undefined && avg !== null ? q(avg) : '<unknown>';
          list.push(`${current}/${q(target.averageValue)} (avg)`);
        } else {
          const current = status?.external ? q(status.external.current?.value) : '<unknown>';
          list.push(`${current}/${q(target?.value)}`);
        }
        break;
      }
      case 'Pods': {
        const current = status?.pods ? q(status.pods.current?.averageValue) : '<unknown>';
        list.push(`${current}/${q(spec.pods?.target?.averageValue)}`);
        break;
      }
      case 'Object': {
        const target = spec.object?.target;
        if (target?.averageValue !== undefined && target.averageValue !== null) {
          const avg = status?.object?.current?.averageValue;
          const current = status?.object && avg !== undefined && avg !== null ? q(avg) : '<unknown>';
          list.push(`${current}/${q(target.averageValue)} (avg)`);
        } else {
          const current = status?.object ? q(status.object.current?.value) : '<unknown>';
          list.push(`${current}/${q(target?.value)}`);
        }
        break;
      }
      case 'Resource': {
        const name = spec.resource?.name ?? '';
        const target = spec.resource?.target;
        if (target?.averageValue !== undefined && target.averageValue !== null) {
          const current = status?.resource ? q(status.resource.current?.averageValue) : '<unknown>';
          list.push(`${name}: ${current}/${q(target.averageValue)}`);
        } else {
          const util = status?.resource?.current?.averageUtilization;
          const current = util !== undefined && util !== null ? `${util}%` : '<unknown>';
          const t = target?.averageUtilization;
          const targetStr = t !== undefined && t !== null ? `${t}%` : '<auto>';
          list.push(`${name}: ${current}/${targetStr}`);
        }
        break;
      }
      case 'ContainerResource': {
        const name = spec.containerResource?.name ?? '';
        const target = spec.containerResource?.target;
        if (target?.averageValue !== undefined && target.averageValue !== null) {
          const current = status?.containerResource ? q(status.containerResource.current?.averageValue) : '<unknown>';
          list.push(`${name}: ${current}/${q(target.averageValue)}`);
        } else {
          const util = status?.containerResource?.current?.averageUtilization;
          const current = util !== undefined && util !== null ? `${util}%` : '<unknown>';
          const t = target?.averageUtilization;
          const targetStr = t !== undefined && t !== null ? `${t}%` : '<auto>';
          list.push(`${name}: ${current}/${targetStr}`);
        }
        break;
      }
      default:
        list.push('<unknown type>');
    }
    count++;
  });
  let more = false;
  if (count > max) {
    list = list.slice(0, max);
    more = true;
  }
  const ret = list.join(', ');
  return more ? `${ret} + ${count - max} more...` : ret;
}

/** The v2 view of an HPA that may be stored in the autoscaling/v1 shape. */
function asV2(obj: HorizontalPodAutoscaler | HPAv1): HorizontalPodAutoscaler {
  if (obj.apiVersion !== 'autoscaling/v1') return obj as HorizontalPodAutoscaler;
  const v1 = obj as HPAv1;
  const metrics: MetricSpec[] = [];
  const current: MetricStatus[] = [];
  const target = v1.spec?.targetCPUUtilizationPercentage;
  if (target !== undefined && target !== null) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } });
  }
  const cur = v1.status?.currentCPUUtilizationPercentage;
  if (cur !== undefined && cur !== null) {
    current.push({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: cur } } });
  }
  return {
    metadata: v1.metadata,
    spec: {
      scaleTargetRef: v1.spec?.scaleTargetRef ?? { kind: '', name: '' },
      minReplicas: v1.spec?.minReplicas,
      maxReplicas: v1.spec?.maxReplicas ?? 0,
      metrics,
    },
    status: { currentReplicas: v1.status?.currentReplicas, desiredReplicas: v1.status?.desiredReplicas ?? 0, currentMetrics: current },
  };
}

export const horizontalPodAutoscalerPrinter = printer<HorizontalPodAutoscaler | HPAv1>(
  [
    nameColumn(),
    column('Reference', 'string', D.scaleTargetRef),
    column('Targets', 'string', D.metrics),
    column('MinPods', 'string', D.minReplicas),
    column('MaxPods', 'string', D.maxReplicas),
    column('Replicas', 'string', D.currentReplicas),
    ageColumn(),
  ],
  (raw, now) => {
    const obj = asV2(raw);
    const ref = obj.spec?.scaleTargetRef;
    const min = obj.spec?.minReplicas;
    return [
      nameOf(obj),
      `${ref?.kind ?? ''}/${ref?.name ?? ''}`,
      formatHPAMetrics(obj.spec?.metrics, obj.status?.currentMetrics),
      min !== undefined && min !== null ? String(min) : '<unset>',
      obj.spec?.maxReplicas ?? 0,
      obj.status?.currentReplicas ?? 0,
      age(obj, now),
    ];
  },
);

/** autoscaling printers by resource. */
export const autoscalingPrinters: Readonly<Record<string, Printer>> = {
  horizontalpodautoscalers: horizontalPodAutoscalerPrinter,
};
