/**
 * autoscaling/v1 ⇄ autoscaling/v2 HorizontalPodAutoscaler conversion, as upstream's
 * pkg/apis/autoscaling/v1/conversion.go (v2 is the storage shape).
 *
 * v1 carries only targetCPUUtilizationPercentage / currentCPUUtilizationPercentage; everything else
 * travels in annotations so a v1 read-modify-write keeps it:
 * - `autoscaling.alpha.kubernetes.io/metrics`: the metrics other than a cpu Utilization target,
 *   in the v1 MetricSpec JSON shape;
 * - `autoscaling.alpha.kubernetes.io/current-metrics`: every current metric (v1 MetricStatus);
 * - `autoscaling.alpha.kubernetes.io/behavior`: spec.behavior with Go field names (upstream
 *   marshals its internal type, which has no json tags);
 * - `autoscaling.alpha.kubernetes.io/conditions`: status.conditions.
 * v2→v1 first drops any such annotations already present; v1→v2 consumes and removes them, and
 * adds the implicit cpu 80% target when no metric results. Both functions return new objects and
 * never mutate their input; unparsable annotations are ignored.
 */
import type { KubeObject } from '../types.js';
import type { Obj } from '../apps/v1/helpers.js';
import { clone, isObj, isSet, objOf } from '../apps/v1/helpers.js';
import { DEFAULT_CPU_UTILIZATION, cpuUtilizationMetric } from './v2/defaults.js';

export const METRIC_SPECS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const METRIC_STATUSES_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const BEHAVIOR_SPECS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';

const ROUND_TRIP = [METRIC_SPECS_ANNOTATION, BEHAVIOR_SPECS_ANNOTATION, METRIC_STATUSES_ANNOTATION, CONDITIONS_ANNOTATION];

/** Builds an object from entries, leaving out undefined values (Go's omitempty for pointers). */
function o(entries: [string, unknown][]): Obj {
  const out: Obj = {};
  for (const [k, v] of entries) if (v !== undefined) out[k] = v;
  return out;
}

const opt = (v: unknown): unknown => (isSet(v) ? v : undefined);
/** A non-pointer Quantity: absent marshals as "0". */
const qty = (v: unknown): unknown => (isSet(v) ? v : '0');

function ref(r: unknown): Obj {
  const x = objOf(r) ?? {};
  return o([
    ['kind', x['kind'] ?? ''],
    ['name', x['name'] ?? ''],
    ['apiVersion', x['apiVersion'] || undefined],
  ]);
}

function metricMeta(src: Obj): { name: unknown; selector: unknown } {
  const m = objOf(src['metric']) ?? {};
  return { name: m['name'] ?? '', selector: opt(m['selector']) };
}

// ---- metric specs ----

function metricSpecV2ToV1(m: Obj): Obj {
  const out = o([['type', m['type'] ?? '']]);
  const obj = objOf(m['object']);
  if (obj) {
    const t = objOf(obj['target']) ?? {};
    const id = metricMeta(obj);
    out['object'] = o([
      ['target', ref(obj['describedObject'])],
      ['metricName', id.name],
      ['targetValue', qty(t['value'])],
      ['selector', id.selector],
      ['averageValue', opt(t['averageValue'])],
    ]);
  }
  const pods = objOf(m['pods']);
  if (pods) {
    const t = objOf(pods['target']) ?? {};
    const id = metricMeta(pods);
    out['pods'] = o([
      ['metricName', id.name],
      ['targetAverageValue', qty(t['averageValue'])],
      ['selector', id.selector],
    ]);
  }
  const res = objOf(m['resource']);
  if (res) {
    const t = objOf(res['target']) ?? {};
    out['resource'] = o([
      ['name', res['name'] ?? ''],
      ['targetAverageUtilization', opt(t['averageUtilization'])],
      ['targetAverageValue', opt(t['averageValue'])],
    ]);
  }
  const cres = objOf(m['containerResource']);
  if (cres) {
    const t = objOf(cres['target']) ?? {};
    out['containerResource'] = o([
      ['name', cres['name'] ?? ''],
      ['targetAverageUtilization', opt(t['averageUtilization'])],
      ['targetAverageValue', opt(t['averageValue'])],
      ['container', cres['container'] ?? ''],
    ]);
  }
  const ext = objOf(m['external']);
  if (ext) {
    const t = objOf(ext['target']) ?? {};
    const id = metricMeta(ext);
    out['external'] = o([
      ['metricName', id.name],
      ['metricSelector', id.selector],
      ['targetValue', opt(t['value'])],
      ['targetAverageValue', opt(t['averageValue'])],
    ]);
  }
  return out;
}

function metricSpecV1ToV2(m: Obj): Obj {
  const out = o([['type', m['type'] ?? '']]);
  const obj = objOf(m['object']);
  if (obj) {
    out['object'] = {
      describedObject: ref(obj['target']),
      metric: o([
        ['name', obj['metricName'] ?? ''],
        ['selector', opt(obj['selector'])],
      ]),
      target: o([
        ['type', isSet(obj['averageValue']) ? 'AverageValue' : 'Value'],
        ['value', qty(obj['targetValue'])],
        ['averageValue', opt(obj['averageValue'])],
      ]),
    };
  }
  const pods = objOf(m['pods']);
  if (pods) {
    out['pods'] = {
      metric: o([
        ['name', pods['metricName'] ?? ''],
        ['selector', opt(pods['selector'])],
      ]),
      target: { type: 'AverageValue', averageValue: qty(pods['targetAverageValue']) },
    };
  }
  const resourceLike = (src: Obj, container: boolean): Obj =>
    o([
      ['name', src['name'] ?? ''],
      ['container', container ? (src['container'] ?? '') : undefined],
      [
        'target',
        o([
          ['type', isSet(src['targetAverageUtilization']) ? 'Utilization' : 'AverageValue'],
          ['averageUtilization', opt(src['targetAverageUtilization'])],
          ['averageValue', opt(src['targetAverageValue'])],
        ]),
      ],
    ]);
  const res = objOf(m['resource']);
  if (res) out['resource'] = resourceLike(res, false);
  const cres = objOf(m['containerResource']);
  if (cres) out['containerResource'] = resourceLike(cres, true);
  const ext = objOf(m['external']);
  if (ext) {
    out['external'] = {
      metric: o([
        ['name', ext['metricName'] ?? ''],
        ['selector', opt(ext['metricSelector'])],
      ]),
      target: o([
        ['type', isSet(ext['targetValue']) ? 'Value' : 'AverageValue'],
        ['value', opt(ext['targetValue'])],
        ['averageValue', opt(ext['targetAverageValue'])],
      ]),
    };
  }
  return out;
}

// ---- metric statuses ----

function metricStatusV2ToV1(m: Obj): Obj {
  const out = o([['type', m['type'] ?? '']]);
  const obj = objOf(m['object']);
  if (obj) {
    const c = objOf(obj['current']) ?? {};
    const id = metricMeta(obj);
    out['object'] = o([
      ['target', ref(obj['describedObject'])],
      ['metricName', id.name],
      ['currentValue', qty(c['value'])],
      ['selector', id.selector],
      ['averageValue', opt(c['averageValue'])],
    ]);
  }
  const pods = objOf(m['pods']);
  if (pods) {
    const c = objOf(pods['current']) ?? {};
    const id = metricMeta(pods);
    out['pods'] = o([
      ['metricName', id.name],
      ['currentAverageValue', qty(c['averageValue'])],
      ['selector', id.selector],
    ]);
  }
  for (const [key, container] of [
    ['resource', false],
    ['containerResource', true],
  ] as const) {
    const res = objOf(m[key]);
    if (!res) continue;
    const c = objOf(res['current']) ?? {};
    out[key] = o([
      ['name', res['name'] ?? ''],
      ['currentAverageUtilization', opt(c['averageUtilization'])],
      ['currentAverageValue', qty(c['averageValue'])],
      ['container', container ? (res['container'] ?? '') : undefined],
    ]);
  }
  const ext = objOf(m['external']);
  if (ext) {
    const c = objOf(ext['current']) ?? {};
    const id = metricMeta(ext);
    out['external'] = o([
      ['metricName', id.name],
      ['metricSelector', id.selector],
      ['currentValue', qty(c['value'])],
      ['currentAverageValue', opt(c['averageValue'])],
    ]);
  }
  return out;
}

function metricStatusV1ToV2(m: Obj): Obj {
  const out = o([['type', m['type'] ?? '']]);
  const obj = objOf(m['object']);
  if (obj) {
    out['object'] = {
      metric: o([
        ['name', obj['metricName'] ?? ''],
        ['selector', opt(obj['selector'])],
      ]),
      current: o([
        ['value', qty(obj['currentValue'])],
        ['averageValue', opt(obj['averageValue'])],
      ]),
      describedObject: ref(obj['target']),
    };
  }
  const pods = objOf(m['pods']);
  if (pods) {
    out['pods'] = {
      metric: o([
        ['name', pods['metricName'] ?? ''],
        ['selector', opt(pods['selector'])],
      ]),
      current: { averageValue: qty(pods['currentAverageValue']) },
    };
  }
  for (const [key, container] of [
    ['resource', false],
    ['containerResource', true],
  ] as const) {
    const res = objOf(m[key]);
    if (!res) continue;
    out[key] = o([
      ['name', res['name'] ?? ''],
      ['container', container ? (res['container'] ?? '') : undefined],
      [
        'current',
        o([
          ['averageValue', qty(res['currentAverageValue'])],
          ['averageUtilization', opt(res['currentAverageUtilization'])],
        ]),
      ],
    ]);
  }
  const ext = objOf(m['external']);
  if (ext) {
    out['external'] = {
      metric: o([
        ['name', ext['metricName'] ?? ''],
        ['selector', opt(ext['metricSelector'])],
      ]),
      current: o([
        ['value', qty(ext['currentValue'])],
        ['averageValue', opt(ext['currentAverageValue'])],
      ]),
    };
  }
  return out;
}

// ---- behavior (Go field names, as upstream's internal type marshals) ----

function rulesToGo(r: unknown): Obj | null {
  if (!isObj(r)) return null;
  const policies = Array.isArray(r['policies'])
    ? r['policies'].map((p: unknown) => {
        const x = objOf(p) ?? {};
        return { Type: x['type'] ?? '', Value: x['value'] ?? 0, PeriodSeconds: x['periodSeconds'] ?? 0 };
      })
    : null;
  return {
    StabilizationWindowSeconds: isSet(r['stabilizationWindowSeconds']) ? r['stabilizationWindowSeconds'] : null,
    SelectPolicy: isSet(r['selectPolicy']) ? r['selectPolicy'] : null,
    Policies: policies,
  };
}

/** encoding/json matches field names case-insensitively. */
function getCI(x: Obj, name: string): unknown {
  if (name in x) return x[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(x)) if (k.toLowerCase() === lower) return x[k];
  return undefined;
}

function rulesFromGo(r: unknown): Obj | undefined {
  if (!isObj(r)) return undefined;
  const policies = getCI(r, 'Policies');
  return o([
    ['stabilizationWindowSeconds', opt(getCI(r, 'StabilizationWindowSeconds'))],
    ['selectPolicy', opt(getCI(r, 'SelectPolicy'))],
    [
      'policies',
      Array.isArray(policies)
        ? policies.map((p: unknown) => {
            const x = objOf(p) ?? {};
            return { type: getCI(x, 'Type') ?? '', value: getCI(x, 'Value') ?? 0, periodSeconds: getCI(x, 'PeriodSeconds') ?? 0 };
          })
        : undefined,
    ],
  ]);
}

function parseJSON(s: unknown): unknown {
  if (typeof s !== 'string') return undefined;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

function conditionV1(c: unknown): Obj {
  const x = objOf(c) ?? {};
  return o([
    ['type', x['type'] ?? ''],
    ['status', x['status'] ?? ''],
    ['lastTransitionTime', x['lastTransitionTime'] ?? null],
    ['reason', opt(x['reason'])],
    ['message', opt(x['message'])],
  ]);
}

/** Removes the round-trip annotations; drops `annotations` when it ends up empty. */
function dropRoundTripAnnotations(meta: Obj): void {
  const ann = objOf(meta['annotations']);
  if (!ann) return;
  for (const k of ROUND_TRIP) delete ann[k];
  if (Object.keys(ann).length === 0) delete meta['annotations'];
}

const isCPUUtilizationMetric = (m: Obj): boolean =>
  m['type'] === 'Resource' && objOf(m['resource'])?.['name'] === 'cpu' && isSet(objOf(objOf(m['resource'])?.['target'])?.['averageUtilization']);

/** autoscaling/v2 (storage) → autoscaling/v1. */
export function hpaV2ToV1(v2: KubeObject): KubeObject {
  const meta: Obj = clone(objOf(v2.metadata) ?? {});
  dropRoundTripAnnotations(meta);
  const spec = objOf(v2['spec']) ?? {};
  const status = objOf(v2['status']) ?? {};
  const metrics: Obj[] = (Array.isArray(spec['metrics']) ? spec['metrics'] : []).filter(isObj);

  let targetCPU: unknown;
  for (const m of metrics) {
    if (m['type'] === 'Resource' && objOf(m['resource'])?.['name'] === 'cpu') {
      targetCPU = opt(objOf(objOf(m['resource'])?.['target'])?.['averageUtilization']);
      break;
    }
  }
  let currentCPU: unknown;
  const currentMetrics: Obj[] = (Array.isArray(status['currentMetrics']) ? status['currentMetrics'] : []).filter(isObj);
  for (const m of currentMetrics) {
    if (m['type'] === 'Resource' && objOf(m['resource'])?.['name'] === 'cpu') {
      const u = objOf(objOf(m['resource'])?.['current'])?.['averageUtilization'];
      if (isSet(u)) currentCPU = u;
    }
  }

  const annotations: Obj = {};
  const otherMetrics = metrics.filter((m) => !isCPUUtilizationMetric(m)).map(metricSpecV2ToV1);
  if (otherMetrics.length > 0) annotations[METRIC_SPECS_ANNOTATION] = JSON.stringify(otherMetrics);
  if (currentMetrics.length > 0) annotations[METRIC_STATUSES_ANNOTATION] = JSON.stringify(currentMetrics.map(metricStatusV2ToV1));
  const behavior = objOf(spec['behavior']);
  if (behavior) {
    annotations[BEHAVIOR_SPECS_ANNOTATION] = JSON.stringify({ ScaleUp: rulesToGo(behavior['scaleUp']), ScaleDown: rulesToGo(behavior['scaleDown']) });
  }
  const conditions: unknown[] = Array.isArray(status['conditions']) ? status['conditions'] : [];
  if (conditions.length > 0) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(conditions.map(conditionV1));
  if (Object.keys(annotations).length > 0) meta['annotations'] = { ...(objOf(meta['annotations']) ?? {}), ...annotations };

  const out: KubeObject = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta };
  out['spec'] = o([
    ['scaleTargetRef', ref(spec['scaleTargetRef'])],
    ['minReplicas', opt(spec['minReplicas'])],
    ['maxReplicas', spec['maxReplicas'] ?? 0],
    ['targetCPUUtilizationPercentage', targetCPU],
  ]);
  out['status'] = o([
    ['observedGeneration', opt(status['observedGeneration'])],
    ['lastScaleTime', opt(status['lastScaleTime'])],
    ['currentReplicas', status['currentReplicas'] ?? 0],
    ['desiredReplicas', status['desiredReplicas'] ?? 0],
    ['currentCPUUtilizationPercentage', currentCPU],
  ]);
  return out;
}

/** autoscaling/v1 → autoscaling/v2 (storage). */
export function hpaV1ToV2(v1: KubeObject): KubeObject {
  const meta: Obj = clone(objOf(v1.metadata) ?? {});
  const ann = objOf(meta['annotations']) ?? {};
  const spec = objOf(v1['spec']) ?? {};
  const status = objOf(v1['status']) ?? {};

  const outSpec = o([
    ['scaleTargetRef', ref(spec['scaleTargetRef'])],
    ['minReplicas', opt(spec['minReplicas'])],
    ['maxReplicas', spec['maxReplicas'] ?? 0],
  ]);
  let metrics: Obj[] = isSet(spec['targetCPUUtilizationPercentage']) ? [cpuUtilizationMetric(spec['targetCPUUtilizationPercentage'])] : [];
  const other = parseJSON(ann[METRIC_SPECS_ANNOTATION]);
  if (Array.isArray(other)) metrics = [...other.filter(isObj).map(metricSpecV1ToV2), ...metrics.slice(0, 1)];
  const behavior = parseJSON(ann[BEHAVIOR_SPECS_ANNOTATION]);
  if (isObj(behavior)) {
    const up = rulesFromGo(getCI(behavior, 'ScaleUp'));
    const down = rulesFromGo(getCI(behavior, 'ScaleDown'));
    if (up || down) outSpec['behavior'] = o([
      ['scaleUp', up],
      ['scaleDown', down],
    ]);
  }
  if (metrics.length === 0) metrics = [cpuUtilizationMetric(DEFAULT_CPU_UTILIZATION)];
  outSpec['metrics'] = metrics;

  let currentMetrics: Obj[] | undefined = isSet(status['currentCPUUtilizationPercentage'])
    ? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status['currentCPUUtilizationPercentage'] } } }]
    : undefined;
  const cur = parseJSON(ann[METRIC_STATUSES_ANNOTATION]);
  if (Array.isArray(cur)) currentMetrics = cur.filter(isObj).map(metricStatusV1ToV2);
  const conds = parseJSON(ann[CONDITIONS_ANNOTATION]);
  const outStatus = o([
    ['observedGeneration', opt(status['observedGeneration'])],
    ['lastScaleTime', opt(status['lastScaleTime'])],
    ['currentReplicas', opt(status['currentReplicas'])],
    ['desiredReplicas', status['desiredReplicas'] ?? 0],
    ['currentMetrics', currentMetrics],
    ['conditions', Array.isArray(conds) ? conds.map(conditionV1) : undefined],
  ]);
  dropRoundTripAnnotations(meta);
  const out: KubeObject = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta };
  out['spec'] = outSpec;
  out['status'] = outStatus;
  return out;
}
