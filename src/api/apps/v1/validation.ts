/**
 * apps/v1 validation, as upstream's pkg/apis/apps/validation plus the apps/v1 strategies' extra
 * update checks (selector immutability). Object-meta checks (and the StatefulSet
 * name rule, `nameFn` in rules.ts) are the registry's; these cover spec and status. Pure: inputs are never mutated.
 */
import type { FieldError } from '../../../machinery/fielderrors.js';
import { forbidden, immutable, invalid, notSupported, required } from '../../../machinery/fielderrors.js';
import { validateAnnotations, validateLabels, validateLabelSelector } from '../../../machinery/objectmeta.js';
import { validatePodTemplateSpec } from '../../core/v1/validation.js';
import type { KubeObject } from '../../types.js';
import type { Obj, Selector } from './helpers.js';
import {
  SELECTOR_MISMATCH,
  intOrPercentValue,
  isNotMoreThan100Percent,
  isObj,
  isSet,
  labelSelectorAsSelector,
  nonNegative,
  objOf,
  selectorEmpty,
  selectorMatches,
  selectorTermCount,
  semanticEqual,
  validatePositiveIntOrPercent,
} from './helpers.js';

const specOf = (o: KubeObject): Obj => objOf(o['spec']) ?? {};
const statusOf = (o: KubeObject): Obj => objOf(o['status']) ?? {};
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** Upstream's selector-required / strict selector / non-empty checks shared by Deployment, ReplicaSet, StatefulSet. */
function validateRequiredSelector(sel: unknown, kindWord: string): FieldError[] {
  if (!isSet(sel)) return [required('spec.selector')];
  const errs = validateLabelSelector(sel as never, 'spec.selector', { allowInvalidLabelValueInSelector: false });
  if (selectorTermCount(sel) === 0) errs.push(invalid('spec.selector', sel, `empty selector is invalid for ${kindWord}`));
  return errs;
}

function templateLabelsMismatch(selector: Selector, template: Obj, path: string): FieldError[] {
  const labels = objOf(template['metadata'])?.['labels'];
  if (!selectorEmpty(selector) && !selectorMatches(selector, labels)) {
    return [invalid(`${path}.metadata.labels`, labels ?? null, SELECTOR_MISMATCH)];
  }
  return [];
}

function restartAlwaysOnly(template: Obj, path: string, kind: string): FieldError[] {
  const errs: FieldError[] = [];
  const podSpec = objOf(template['spec']) ?? {};
  const rp = podSpec['restartPolicy'] ?? '';
  if (rp !== 'Always') errs.push(notSupported(`${path}.spec.restartPolicy`, rp, ['Always']));
  if (isSet(podSpec['activeDeadlineSeconds'])) {
    errs.push(forbidden(`${path}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return errs;
}

/** Upstream's ValidatePodTemplateSpecForReplicaSet (also used by Deployments). */
function validatePodTemplateForReplicaSet(template: Obj, selector: Selector, path: string): FieldError[] {
  const errs = templateLabelsMismatch(selector, template, path);
  errs.push(...validatePodTemplateSpec(template as never, path));
  errs.push(...restartAlwaysOnly(template, path, 'ReplicaSet'));
  return errs;
}

// ---- Deployment ----------------------------------------------------------------------------------

function validateRollingUpdateDeployment(ru: Obj, path: string): FieldError[] {
  const mu = ru['maxUnavailable'] ?? 0;
  const ms = ru['maxSurge'] ?? 0;
  const errs = [
    ...validatePositiveIntOrPercent(mu, `${path}.maxUnavailable`),
    ...validatePositiveIntOrPercent(ms, `${path}.maxSurge`),
  ];
  if (intOrPercentValue(mu) === 0 && intOrPercentValue(ms) === 0) {
    errs.push(invalid(`${path}.maxUnavailable`, mu, 'may not be 0 when `maxSurge` is 0'));
  }
  errs.push(...isNotMoreThan100Percent(mu, `${path}.maxUnavailable`));
  return errs;
}

function validateDeploymentStrategy(strategy: Obj, path: string): FieldError[] {
  switch (strategy['type']) {
    case 'Recreate':
      return isSet(strategy['rollingUpdate'])
        ? [forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")]
        : [];
    case 'RollingUpdate':
      if (!isObj(strategy['rollingUpdate'])) {
        return [required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil')];
      }
      return validateRollingUpdateDeployment(strategy['rollingUpdate'], `${path}.rollingUpdate`);
    default:
      return [notSupported(path, strategy, ['Recreate', 'RollingUpdate'])];
  }
}

export function validateDeployment(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs = nonNegative(spec['replicas'], 'spec.replicas');
  errs.push(...validateRequiredSelector(spec['selector'], 'deployment'));
  const selector = labelSelectorAsSelector(spec['selector']);
  if (!selector) errs.push(invalid('spec.selector', spec['selector'], 'invalid label selector'));
  else errs.push(...validatePodTemplateForReplicaSet(objOf(spec['template']) ?? {}, selector, 'spec.template'));
  errs.push(...validateDeploymentStrategy(objOf(spec['strategy']) ?? {}, 'spec.strategy'));
  errs.push(...nonNegative(spec['minReadySeconds'], 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec['revisionHistoryLimit'], 'spec.revisionHistoryLimit'));
  const pds = spec['progressDeadlineSeconds'];
  if (typeof pds === 'number') {
    errs.push(...nonNegative(pds, 'spec.progressDeadlineSeconds'));
    if (pds <= num(spec['minReadySeconds'])) {
      errs.push(invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

function selectorImmutable(obj: KubeObject, old: KubeObject): FieldError[] {
  const n = specOf(obj)['selector'];
  const o = specOf(old)['selector'];
  return semanticEqual(n, o) ? [] : [immutable('spec.selector', n ?? null)];
}

export function validateDeploymentUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return selectorImmutable(obj, old);
}

function decremented(obj: KubeObject, old: KubeObject): FieldError[] {
  const n = statusOf(obj)['collisionCount'];
  const o = statusOf(old)['collisionCount'];
  // IsDecremented: nil new with non-nil old, or a smaller value.
  if (isSet(o) && (!isSet(n) || num(n) < num(o))) {
    return [invalid('status.collisionCount', isSet(n) ? n : 0, 'cannot be decremented')];
  }
  return [];
}

const NOT_ABOVE_REPLICAS = 'cannot be greater than status.replicas';

export function validateDeploymentStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const s = statusOf(obj);
  const errs: FieldError[] = [];
  for (const f of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount']) {
    errs.push(...nonNegative(s[f], `status.${f}`));
  }
  const replicas = num(s['replicas']);
  for (const f of ['updatedReplicas', 'readyReplicas', 'availableReplicas']) {
    if (num(s[f]) > replicas) errs.push(invalid(`status.${f}`, num(s[f]), NOT_ABOVE_REPLICAS));
  }
  if (num(s['availableReplicas']) > num(s['readyReplicas'])) {
    errs.push(invalid('status.availableReplicas', num(s['availableReplicas']), 'cannot be greater than readyReplicas'));
  }
  errs.push(...decremented(obj, old));
  return errs;
}

// ---- ReplicaSet ----------------------------------------------------------------------------------

export function validateReplicaSet(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs = nonNegative(spec['replicas'], 'spec.replicas');
  errs.push(...nonNegative(spec['minReadySeconds'], 'spec.minReadySeconds'));
  // Upstream says "deployment" here too.
  errs.push(...validateRequiredSelector(spec['selector'], 'deployment'));
  const selector = labelSelectorAsSelector(spec['selector']);
  if (!selector) errs.push(invalid('spec.selector', spec['selector'], 'invalid label selector'));
  else errs.push(...validatePodTemplateForReplicaSet(objOf(spec['template']) ?? {}, selector, 'spec.template'));
  return errs;
}

export function validateReplicaSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return selectorImmutable(obj, old);
}

export function validateReplicaSetStatusUpdate(obj: KubeObject): FieldError[] {
  const s = statusOf(obj);
  const errs: FieldError[] = [];
  for (const f of ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']) {
    errs.push(...nonNegative(s[f], `status.${f}`));
  }
  const replicas = num(s['replicas']);
  for (const f of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']) {
    if (num(s[f]) > replicas) errs.push(invalid(`status.${f}`, num(s[f]), NOT_ABOVE_REPLICAS));
  }
  if (num(s['availableReplicas']) > num(s['readyReplicas'])) {
    errs.push(invalid('status.availableReplicas', num(s['availableReplicas']), 'cannot be greater than readyReplicas'));
  }
  return errs;
}

// ---- StatefulSet ---------------------------------------------------------------------------------

function validateRollingUpdateStatefulSet(ru: Obj, path: string): FieldError[] {
  const errs = nonNegative(ru['partition'], `${path}.partition`);
  const mu = ru['maxUnavailable'];
  if (isSet(mu)) {
    errs.push(...validatePositiveIntOrPercent(mu, `${path}.maxUnavailable`));
    if (intOrPercentValue(mu) === 0) errs.push(invalid(`${path}.maxUnavailable`, mu, 'cannot be 0'));
    errs.push(...isNotMoreThan100Percent(mu, `${path}.maxUnavailable`));
  }
  return errs;
}

function validateRetentionPolicyType(v: unknown, path: string): FieldError[] {
  return v === 'Retain' || v === 'Delete' ? [] : [notSupported(path, v ?? '', ['Retain', 'Delete'])];
}

export function validateStatefulSet(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = specOf(obj);
  const pmp = spec['podManagementPolicy'] ?? '';
  if (pmp === '') errs.push(required('spec.podManagementPolicy'));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') {
    errs.push(invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  }
  const us = objOf(spec['updateStrategy']) ?? {};
  switch (us['type'] ?? '') {
    case '':
      errs.push(required('spec.updateStrategy'));
      break;
    case 'OnDelete':
      if (isSet(us['rollingUpdate'])) {
        errs.push(invalid('spec.updateStrategy.rollingUpdate', us['rollingUpdate'], "only allowed for updateStrategy 'RollingUpdate'"));
      }
      break;
    case 'RollingUpdate':
      if (isObj(us['rollingUpdate'])) errs.push(...validateRollingUpdateStatefulSet(us['rollingUpdate'], 'spec.updateStrategy.rollingUpdate'));
      break;
    default:
      errs.push(invalid('spec.updateStrategy', us, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const retention = objOf(spec['persistentVolumeClaimRetentionPolicy']);
  if (retention) {
    errs.push(...validateRetentionPolicyType(retention['whenDeleted'], 'spec.persistentVolumeClaimRetentionPolicy.whenDeleted'));
    errs.push(...validateRetentionPolicyType(retention['whenScaled'], 'spec.persistentVolumeClaimRetentionPolicy.whenScaled'));
  }
  errs.push(...nonNegative(spec['replicas'], 'spec.replicas'));
  errs.push(...nonNegative(spec['minReadySeconds'], 'spec.minReadySeconds'));
  const ordinals = objOf(spec['ordinals']);
  if (ordinals) errs.push(...nonNegative(ordinals['start'], 'spec.ordinals.start'));
  errs.push(...validateRequiredSelector(spec['selector'], 'statefulset'));
  const template = objOf(spec['template']) ?? {};
  const selector = labelSelectorAsSelector(spec['selector']);
  if (!selector) errs.push(invalid('spec.selector', spec['selector'], ''));
  else {
    // Upstream validates only the template's labels and annotations for StatefulSets.
    errs.push(...templateLabelsMismatch(selector, template, 'spec.template'));
    const meta = objOf(template['metadata']) ?? {};
    errs.push(...validateLabels(meta['labels'], 'spec.template.labels'));
    errs.push(...validateAnnotations(meta['annotations'], 'spec.template.annotations'));
  }
  errs.push(...restartAlwaysOnly(template, 'spec.template', 'StatefulSet'));
  return errs;
}

const STS_MUTABLE = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy'];

export function validateStatefulSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const n = { ...specOf(obj) };
  const o = { ...specOf(old) };
  for (const f of STS_MUTABLE) {
    delete n[f];
    delete o[f];
  }
  if (semanticEqual(n, o)) return [];
  return [
    forbidden(
      'spec',
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}

export function validateStatefulSetStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const s = statusOf(obj);
  const errs: FieldError[] = [];
  for (const f of ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'observedGeneration', 'collisionCount']) {
    errs.push(...nonNegative(s[f], `status.${f}`));
  }
  const replicas = num(s['replicas']);
  for (const f of ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas']) {
    if (num(s[f]) > replicas) errs.push(invalid(`status.${f}`, num(s[f]), NOT_ABOVE_REPLICAS));
  }
  if (num(s['availableReplicas']) > num(s['readyReplicas'])) {
    errs.push(invalid('status.availableReplicas', num(s['availableReplicas']), 'cannot be greater than status.readyReplicas'));
  }
  errs.push(...decremented(obj, old));
  return errs;
}

// ---- DaemonSet -----------------------------------------------------------------------------------

function validateRollingUpdateDaemonSet(ru: Obj, path: string): FieldError[] {
  const mu = ru['maxUnavailable'] ?? 0;
  const ms = ru['maxSurge'] ?? 0;
  const errs = [
    ...validatePositiveIntOrPercent(mu, `${path}.maxUnavailable`),
    ...validatePositiveIntOrPercent(ms, `${path}.maxSurge`),
    ...isNotMoreThan100Percent(mu, `${path}.maxUnavailable`),
    ...isNotMoreThan100Percent(ms, `${path}.maxSurge`),
  ];
  const hasUnavailable = intOrPercentValue(mu) !== 0;
  const hasSurge = intOrPercentValue(ms) !== 0;
  if (hasUnavailable && hasSurge) errs.push(invalid(`${path}.maxSurge`, ms, 'may not be set when maxUnavailable is non-zero'));
  else if (!hasUnavailable && !hasSurge) errs.push(required(`${path}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
  return errs;
}

function validateDaemonSetUpdateStrategy(us: Obj, path: string): FieldError[] {
  switch (us['type']) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate':
      if (!isObj(us['rollingUpdate'])) return [required(`${path}.rollingUpdate`)];
      return validateRollingUpdateDaemonSet(us['rollingUpdate'], `${path}.rollingUpdate`);
    default:
      return [notSupported(path, us, ['RollingUpdate', 'OnDelete'])];
  }
}

export function validateDaemonSet(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const sel = spec['selector'];
  const errs = validateLabelSelector(sel as never, 'spec.selector', { allowInvalidLabelValueInSelector: false });
  const template = objOf(spec['template']) ?? {};
  const selector = labelSelectorAsSelector(sel);
  if (selector && !selectorMatches(selector, objOf(template['metadata'])?.['labels'])) {
    errs.push(invalid('spec.template.metadata.labels', objOf(template['metadata'])?.['labels'] ?? null, SELECTOR_MISMATCH));
  }
  if (isSet(sel) && selectorTermCount(sel) === 0) errs.push(invalid('spec.selector', sel, 'empty selector is invalid for daemonset'));
  errs.push(...validatePodTemplateSpec(template as never, 'spec.template'));
  errs.push(...restartAlwaysOnly(template, 'spec.template', 'DaemonSet'));
  errs.push(...nonNegative(spec['minReadySeconds'], 'spec.minReadySeconds'));
  errs.push(...validateDaemonSetUpdateStrategy(objOf(spec['updateStrategy']) ?? {}, 'spec.updateStrategy'));
  errs.push(...nonNegative(spec['revisionHistoryLimit'], 'spec.revisionHistoryLimit'));
  return errs;
}

export function validateDaemonSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return selectorImmutable(obj, old);
}

export function validateDaemonSetStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const s = statusOf(obj);
  const errs: FieldError[] = [];
  for (const f of [
    'currentNumberScheduled',
    'numberMisscheduled',
    'desiredNumberScheduled',
    'numberReady',
    'observedGeneration',
    'updatedNumberScheduled',
    'numberAvailable',
    'numberUnavailable',
    'collisionCount',
  ]) {
    errs.push(...nonNegative(s[f], `status.${f}`));
  }
  errs.push(...decremented(obj, old));
  return errs;
}

// ---- ControllerRevision --------------------------------------------------------------------------

export function validateControllerRevision(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!isSet(obj['data'])) errs.push(required('data', 'data is mandatory'));
  errs.push(...nonNegative(obj['revision'], 'revision'));
  return errs;
}

export function validateControllerRevisionUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return semanticEqual(obj['data'], old['data']) ? [] : [immutable('data', obj['data'] ?? null)];
}
