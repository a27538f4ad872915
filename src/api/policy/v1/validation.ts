/**
 * PodDisruptionBudget validation, as upstream's pkg/apis/policy/validation (policy/v1 has no
 * defaults; its spec is mutable). Object-meta checks are the registry's. Pure.
 */
import type { FieldError } from '../../../machinery/fielderrors.js';
import { invalid, notSupported } from '../../../machinery/fielderrors.js';
import { validateLabelSelector } from '../../../machinery/objectmeta.js';
import type { KubeObject } from '../../types.js';
import { isNotMoreThan100Percent, isSet, nonNegative, objOf, validateConditions, validatePositiveIntOrPercent } from '../../apps/v1/helpers.js';

const UNHEALTHY_POD_EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

export function validatePodDisruptionBudget(obj: KubeObject): FieldError[] {
  const spec = objOf(obj['spec']) ?? {};
  const errs: FieldError[] = [];
  const min = spec['minAvailable'];
  const max = spec['maxUnavailable'];
  if (isSet(min) && isSet(max)) errs.push(invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  if (isSet(min)) {
    errs.push(...validatePositiveIntOrPercent(min, 'spec.minAvailable'));
    errs.push(...isNotMoreThan100Percent(min, 'spec.minAvailable'));
  }
  if (isSet(max)) {
    errs.push(...validatePositiveIntOrPercent(max, 'spec.maxUnavailable'));
    errs.push(...isNotMoreThan100Percent(max, 'spec.maxUnavailable'));
  }
  errs.push(...validateLabelSelector(spec['selector'] as never, 'spec.selector'));
  const policy = spec['unhealthyPodEvictionPolicy'];
  if (isSet(policy) && !UNHEALTHY_POD_EVICTION_POLICIES.includes(policy as string)) {
    errs.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, UNHEALTHY_POD_EVICTION_POLICIES));
  }
  return errs;
}

export function validatePodDisruptionBudgetStatusUpdate(obj: KubeObject): FieldError[] {
  const s = objOf(obj['status']) ?? {};
  const errs = validateConditions(s['conditions'], 'status.conditions');
  for (const f of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods']) errs.push(...nonNegative(s[f], `status.${f}`));
  return errs;
}
