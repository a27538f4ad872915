/**
 * HorizontalPodAutoscaler validation on the autoscaling/v2 shape, as upstream's
 * pkg/apis/autoscaling/validation (HPAScaleToZero off: minReplicas ≥ 1 unless the stored object
 * already had 0). Object-meta checks are the registry's. Pure.
 */
import type { FieldError } from '../../../machinery/fielderrors.js';
import { forbidden, invalid, notSupported, required } from '../../../machinery/fielderrors.js';
import { isValidPathSegmentName, validateLabelSelector } from '../../../machinery/objectmeta.js';
import { tryParseQuantity } from '../../../machinery/quantity.js';
import { isDNS1123Label, isQualifiedName } from '../../../machinery/validation.js';
import type { KubeObject } from '../../types.js';
import type { Obj } from '../../apps/v1/helpers.js';
import { isSet, nonNegative, objOf } from '../../apps/v1/helpers.js';

const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const METRIC_SOURCE_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const SELECT_POLICIES = ['Disabled', 'Max', 'Min'];
const POLICY_TYPES = ['Percent', 'Pods'];
const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Upstream's ValidateCrossVersionObjectReference. */
export function validateCrossVersionObjectReference(ref: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['kind', 'name']) {
    const v = str(ref[f]);
    if (v.length === 0) errs.push(required(`${path}.${f}`));
    else for (const msg of isValidPathSegmentName(v)) errs.push(invalid(`${path}.${f}`, v, msg));
  }
  return errs;
}

function validateMetricIdentifier(id: Obj, path: string): FieldError[] {
  const name = str(id['name']);
  if (name.length === 0) return [required(`${path}.name`, 'must specify a metric name')];
  const errs = isValidPathSegmentName(name).map((msg) => invalid(`${path}.name`, name, msg));
  if (isSet(id['selector'])) errs.push(...validateLabelSelector(id['selector'] as never, `${path}.selector`));
  return errs;
}

/** `must be positive` unless the quantity is > 0; an unparsable quantity reports why. */
function positiveQuantity(v: unknown, path: string): FieldError[] {
  const q = typeof v === 'string' || typeof v === 'number' ? tryParseQuantity(v) : undefined;
  if (q === undefined || q.sign() !== 1) return [invalid(path, v, 'must be positive')];
  return [];
}

function validateMetricTarget(mt: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(mt['type']);
  if (type.length === 0) errs.push(required(`${path}.type`, 'must specify a metric target type'));
  if (type !== 'Utilization' && type !== 'Value' && type !== 'AverageValue') {
    errs.push(invalid(`${path}.type`, type, 'must be either Utilization, Value, or AverageValue'));
  }
  if (isSet(mt['value'])) errs.push(...positiveQuantity(mt['value'], `${path}.value`));
  if (isSet(mt['averageValue'])) errs.push(...positiveQuantity(mt['averageValue'], `${path}.averageValue`));
  const au = mt['averageUtilization'];
  if (typeof au === 'number' && au < 1) errs.push(invalid(`${path}.averageUtilization`, au, 'must be greater than 0'));
  return errs;
}

function validateObjectSource(src: Obj, path: string): FieldError[] {
  const target = objOf(src['target']) ?? {};
  const errs = [
    ...validateCrossVersionObjectReference(objOf(src['describedObject']) ?? {}, `${path}.describedObject`),
    ...validateMetricIdentifier(objOf(src['metric']) ?? {}, `${path}.metric`),
    ...validateMetricTarget(target, `${path}.target`),
  ];
  if (!isSet(target['value']) && !isSet(target['averageValue'])) {
    errs.push(required(`${path}.target.averageValue`, 'must set either a target value or averageValue'));
  }
  return errs;
}

function validateExternalSource(src: Obj, path: string): FieldError[] {
  const target = objOf(src['target']) ?? {};
  const errs = [...validateMetricIdentifier(objOf(src['metric']) ?? {}, `${path}.metric`), ...validateMetricTarget(target, `${path}.target`)];
  if (!isSet(target['value']) && !isSet(target['averageValue'])) {
    errs.push(required(`${path}.target.averageValue`, 'must set either a target value for metric or a per-pod target'));
  }
  if (isSet(target['value']) && isSet(target['averageValue'])) {
    errs.push(forbidden(`${path}.target.value`, 'may not set both a target value for metric and a per-pod target'));
  }
  return errs;
}

function validatePodsSource(src: Obj, path: string): FieldError[] {
  const target = objOf(src['target']) ?? {};
  const errs = [...validateMetricIdentifier(objOf(src['metric']) ?? {}, `${path}.metric`), ...validateMetricTarget(target, `${path}.target`)];
  if (!isSet(target['averageValue'])) errs.push(required(`${path}.target.averageValue`, 'must specify a positive target averageValue'));
  return errs;
}

function utilizationOrValue(target: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isSet(target['averageUtilization']) && !isSet(target['averageValue'])) {
    errs.push(required(`${path}.target.averageUtilization`, 'must set either a target raw value or a target utilization'));
  }
  if (isSet(target['averageUtilization']) && isSet(target['averageValue'])) {
    errs.push(forbidden(`${path}.target.averageValue`, 'may not set both a target raw value and a target utilization'));
  }
  return errs;
}

function validateResourceSource(src: Obj, path: string): FieldError[] {
  const target = objOf(src['target']) ?? {};
  const errs: FieldError[] = [];
  if (str(src['name']).length === 0) errs.push(required(`${path}.name`, 'must specify a resource name'));
  errs.push(...validateMetricTarget(target, `${path}.target`));
  errs.push(...utilizationOrValue(target, path));
  return errs;
}

/** Upstream's ValidateContainerResourceName: a standard resource or a qualified, domain-prefixed name. */
function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => invalid(path, name, msg));
  if (errs.length > 0) return errs;
  if (!name.includes('/') && !STANDARD_CONTAINER_RESOURCES.has(name) && !name.startsWith('hugepages-')) {
    return [invalid(path, name, 'must be a standard resource for containers')];
  }
  return [];
}

function validateContainerResourceSource(src: Obj, path: string): FieldError[] {
  const target = objOf(src['target']) ?? {};
  const errs: FieldError[] = [];
  const name = str(src['name']);
  if (name.length === 0) errs.push(required(`${path}.name`, 'must specify a resource name'));
  else errs.push(...validateContainerResourceName(name, `${path}.name`));
  const container = str(src['container']);
  if (container.length === 0) errs.push(required(`${path}.container`, 'must specify a container'));
  else for (const msg of isDNS1123Label(container)) errs.push(invalid(`${path}.container`, container, msg));
  errs.push(...validateMetricTarget(target, `${path}.target`));
  errs.push(...utilizationOrValue(target, path));
  return errs;
}

const SOURCE_FIELD: Record<string, string> = {
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
  External: 'external',
  ContainerResource: 'containerResource',
};

const SOURCE_VALIDATORS: [string, (src: Obj, path: string) => FieldError[]][] = [
  ['object', validateObjectSource],
  ['external', validateExternalSource],
  ['pods', validatePodsSource],
  ['resource', validateResourceSource],
  ['containerResource', validateContainerResourceSource],
];

function validateMetricSpec(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(spec['type']);
  if (type.length === 0) errs.push(required(`${path}.type`, 'must specify a metric source type'));
  if (!METRIC_SOURCE_TYPES.includes(type)) errs.push(notSupported(`${path}.type`, type, METRIC_SOURCE_TYPES));
  const present: string[] = [];
  for (const [f, validate] of SOURCE_VALIDATORS) {
    if (!isSet(spec[f])) continue;
    present.push(f);
    // Only the first source present is validated, as upstream does.
    if (present.length === 1) errs.push(...validate(objOf(spec[f]) ?? {}, `${path}.${f}`));
  }
  const expected = SOURCE_FIELD[type];
  if (expected === undefined) errs.push(notSupported(`${path}.type`, type, METRIC_SOURCE_TYPES));
  else if (!isSet(spec[expected])) errs.push(required(`${path}.${expected}`, 'must populate information for the given metric source'));
  if (present.length !== 1) {
    for (const f of present) if (f !== expected) errs.push(forbidden(`${path}.${f}`, 'must populate the given metric source only'));
  }
  return errs;
}

function validateMetrics(metrics: unknown, path: string, minReplicas: unknown): FieldError[] {
  const list: unknown[] = Array.isArray(metrics) ? metrics : [];
  const errs: FieldError[] = [];
  let hasObjectOrExternal = false;
  list.forEach((m, i) => {
    const spec = objOf(m) ?? {};
    errs.push(...validateMetricSpec(spec, `${path}[${i}]`));
    if (spec['type'] === 'Object' || spec['type'] === 'External') hasObjectOrExternal = true;
  });
  if (minReplicas === 0 && !hasObjectOrExternal) {
    errs.push(forbidden(path, 'must specify at least one Object or External metric to support scaling to zero replicas'));
  }
  return errs;
}

function validateScalingRules(rules: unknown, path: string): FieldError[] {
  if (!isSet(rules)) return [];
  const r = objOf(rules) ?? {};
  const errs: FieldError[] = [];
  const sws = r['stabilizationWindowSeconds'];
  if (typeof sws === 'number' && sws < 0) errs.push(invalid(`${path}.stabilizationWindowSeconds`, sws, 'must be greater than or equal to zero'));
  if (typeof sws === 'number' && sws > MAX_STABILIZATION_WINDOW_SECONDS) {
    errs.push(invalid(`${path}.stabilizationWindowSeconds`, sws, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  }
  if (isSet(r['selectPolicy']) && !SELECT_POLICIES.includes(r['selectPolicy'])) {
    errs.push(notSupported(`${path}.selectPolicy`, r['selectPolicy'], SELECT_POLICIES));
  }
  const policies: unknown[] = Array.isArray(r['policies']) ? r['policies'] : [];
  if (policies.length === 0) errs.push(required(`${path}.policies`, 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const policy = objOf(p) ?? {};
    const pp = `${path}.policies[${i}]`;
    if (!POLICY_TYPES.includes(policy['type'])) errs.push(notSupported(`${pp}.type`, policy['type'] ?? '', POLICY_TYPES));
    const value = typeof policy['value'] === 'number' ? policy['value'] : 0;
    if (value <= 0) errs.push(invalid(`${pp}.value`, value, 'must be greater than zero'));
    const period = typeof policy['periodSeconds'] === 'number' ? policy['periodSeconds'] : 0;
    if (period <= 0) errs.push(invalid(`${pp}.periodSeconds`, period, 'must be greater than zero'));
    if (period > MAX_PERIOD_SECONDS) errs.push(invalid(`${pp}.periodSeconds`, period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  });
  return errs;
}

function validateHPASpec(spec: Obj, minReplicasLowerBound: number): FieldError[] {
  const errs: FieldError[] = [];
  const min = spec['minReplicas'];
  const max = typeof spec['maxReplicas'] === 'number' ? spec['maxReplicas'] : 0;
  if (typeof min === 'number' && min < minReplicasLowerBound) {
    errs.push(invalid('spec.minReplicas', min, `must be greater than or equal to ${minReplicasLowerBound}`));
  }
  if (max < 1) errs.push(invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (typeof min === 'number' && max < min) errs.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...validateCrossVersionObjectReference(objOf(spec['scaleTargetRef']) ?? {}, 'spec.scaleTargetRef'));
  errs.push(...validateMetrics(spec['metrics'], 'spec.metrics', min));
  const behavior = objOf(spec['behavior']);
  if (behavior) {
    errs.push(...validateScalingRules(behavior['scaleUp'], 'spec.behavior.scaleUp'));
    errs.push(...validateScalingRules(behavior['scaleDown'], 'spec.behavior.scaleDown'));
  }
  return errs;
}

export function validateHPAv2(obj: KubeObject): FieldError[] {
  return validateHPASpec(objOf(obj['spec']) ?? {}, 1);
}

export function validateHPAv2StatusUpdate(obj: KubeObject): FieldError[] {
  const s = objOf(obj['status']) ?? {};
  return [...nonNegative(s['currentReplicas'], 'status.currentReplicas'), ...nonNegative(s['desiredReplicas'], 'status.desiredReplicas')];
}
