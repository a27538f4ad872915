/**
 * batch/v1 validation, as upstream's pkg/apis/batch/validation with the options the Job and
 * CronJob strategies pass for objects created by this server (prefixed job labels required,
 * elastic indexed jobs, mutable scheduling directives for suspended never-started jobs).
 * Object-meta checks are the registry's. Pure.
 */
import type { FieldError } from '../../../machinery/fielderrors.js';
import {
  duplicate,
  immutable,
  invalid,
  notSupported,
  required,
  tooLong,
  tooMany,
} from '../../../machinery/fielderrors.js';
import { validateLabelSelector } from '../../../machinery/objectmeta.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, regexError } from '../../../machinery/validation.js';
import { validatePodTemplateSpec } from '../../core/v1/validation.js';
import type { KubeObject } from '../../types.js';
import type { Obj } from '../../apps/v1/helpers.js';
import {
  SELECTOR_MISMATCH,
  clone,
  isObj,
  isSet,
  labelSelectorAsSelector,
  nonNegative,
  objOf,
  selectorMatches,
  semanticEqual,
} from '../../apps/v1/helpers.js';
import { cronScheduleError, timeZoneErrors } from './cron.js';
import { CONTROLLER_UID_LABEL, JOB_NAME_LABEL, LEGACY_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL } from './defaults.js';

const MAX_PARALLELISM_FOR_INDEXED_JOB = 100000;
const MAX_FAILED_INDEXES_FOR_INDEXED_JOB = 100000;
const COMPLETIONS_SOFT_LIMIT = 100000;
const PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS = 10000;
const MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS = 10000;
const MAX_POD_FAILURE_POLICY_RULES = 20;
const MAX_ON_EXIT_CODES_VALUES = 255;
const MAX_ON_POD_CONDITIONS_PATTERNS = 20;
const MAX_MANAGED_BY_LENGTH = 63;
const MAX_SUCCEEDED_INDEXES_LENGTH = 64 * 1024;
const MAX_SUCCESS_POLICY_RULES = 20;

const POD_FAILURE_POLICY_ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const ON_EXIT_CODES_OPERATORS = ['In', 'NotIn'];
const CONDITION_STATUSES = ['False', 'True', 'Unknown'];

const specOf = (o: KubeObject): Obj => objOf(o['spec']) ?? {};
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
/** Go's `%q` of a []string: `["a" "b"]`. */
const goQuotedList = (xs: string[]): string => `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;
/** An Invalid error whose message omits the value (upstream's field.OmitValueType). */
const invalidNoValue = (path: string, detail: string): FieldError => ({ type: 'FieldValueInvalid', field: path, detail });

const httpPathRe = /^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

/** apimachinery's IsDomainPrefixedPath. */
function isDomainPrefixedPath(path: string, value: string): FieldError[] {
  if (value.length === 0) return [required(path)];
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (slash < 0 || host.length === 0 || rest.length === 0) {
    return [invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  }
  const errs = isDNS1123Subdomain(host).map((msg) => invalid(path, host, msg));
  if (!httpPathRe.test(rest)) errs.push(invalid(path, rest, regexError('Invalid path', "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+")));
  return errs;
}

/**
 * Upstream's validateIndexesFormat: `1,3-5` style interval lists below `completions`, strictly
 * increasing. Returns the number of indexes or the error text.
 */
export function parseIndexes(s: string, completions: number): { total: number } | { error: string } {
  if (s.length === 0) return { total: 0 };
  let last: number | undefined;
  let total = 0;
  const toInt = (x: string): number | undefined => (/^[+-]?[0-9]+$/.test(x) && Math.abs(Number(x)) <= 2147483647 ? Number(x) : undefined);
  for (const interval of s.split(',')) {
    const limits = interval.split('-');
    if (limits.length > 2) {
      return { error: `the fragment ${JSON.stringify(interval)} violates the requirement that an index interval can have at most two parts separated by '-'` };
    }
    const x = toInt(limits[0]!);
    if (x === undefined) return { error: `cannot convert string to integer for index: ${JSON.stringify(limits[0])}` };
    if (x >= completions) return { error: `too large index: ${JSON.stringify(limits[0])}` };
    if (last !== undefined && last >= x) return { error: `non-increasing order, previous: ${last}, current: ${x}` };
    total++;
    last = x;
    if (limits.length > 1) {
      const y = toInt(limits[1]!);
      if (y === undefined) return { error: `cannot convert string to integer for index: ${JSON.stringify(limits[1])}` };
      if (y >= completions) return { error: `too large index: ${JSON.stringify(limits[1])}` };
      if (last >= y) return { error: `non-increasing order, previous: ${last}, current: ${y}` };
      total += y - x;
      last = y;
    }
  }
  return { total };
}

function validatePodFailurePolicy(spec: Obj, path: string): FieldError[] {
  const pfp = objOf(spec['podFailurePolicy']) ?? {};
  const rules: unknown[] = Array.isArray(pfp['rules']) ? pfp['rules'] : [];
  const rulesPath = `${path}.rules`;
  const errs: FieldError[] = [];
  if (rules.length > MAX_POD_FAILURE_POLICY_RULES) errs.push(tooMany(rulesPath, rules.length, MAX_POD_FAILURE_POLICY_RULES));
  const podSpec = objOf(objOf(spec['template'])?.['spec']) ?? {};
  const containerNames = new Set<string>();
  for (const key of ['containers', 'initContainers']) {
    const cs = podSpec[key];
    if (Array.isArray(cs)) for (const c of cs) if (isObj(c) && typeof c['name'] === 'string') containerNames.add(c['name']);
  }
  rules.forEach((r, i) => {
    const rule = objOf(r) ?? {};
    const rulePath = `${rulesPath}[${i}]`;
    const actionPath = `${rulePath}.action`;
    const action = rule['action'] ?? '';
    if (action === '') errs.push(required(actionPath, `valid values: ${goQuotedList(POD_FAILURE_POLICY_ACTIONS)}`));
    else if (action === 'FailIndex') {
      if (!isSet(spec['backoffLimitPerIndex'])) errs.push(invalid(actionPath, action, 'requires the backoffLimitPerIndex to be set'));
    } else if (!POD_FAILURE_POLICY_ACTIONS.includes(action)) errs.push(notSupported(actionPath, action, POD_FAILURE_POLICY_ACTIONS));
    const onExit = objOf(rule['onExitCodes']);
    const onConds: unknown[] = Array.isArray(rule['onPodConditions']) ? rule['onPodConditions'] : [];
    if (onExit) {
      const p = `${rulePath}.onExitCodes`;
      const op = onExit['operator'] ?? '';
      if (op === '') errs.push(required(`${p}.operator`, `valid values: ${goQuotedList(ON_EXIT_CODES_OPERATORS)}`));
      else if (!ON_EXIT_CODES_OPERATORS.includes(op)) errs.push(notSupported(`${p}.operator`, op, ON_EXIT_CODES_OPERATORS));
      if (isSet(onExit['containerName']) && !containerNames.has(onExit['containerName'])) {
        errs.push(invalid(`${p}.containerName`, onExit['containerName'], 'must be one of the container or initContainer names in the pod template'));
      }
      const values: number[] = Array.isArray(onExit['values']) ? onExit['values'] : [];
      if (values.length === 0) errs.push(invalid(`${p}.values`, onExit['values'] ?? null, 'at least one value is required'));
      else if (values.length > MAX_ON_EXIT_CODES_VALUES) errs.push(tooMany(`${p}.values`, values.length, MAX_ON_EXIT_CODES_VALUES));
      const seen = new Set<number>();
      let ordered = true;
      values.forEach((v, j) => {
        if (op === 'In' && v === 0) errs.push(invalid(`${p}.values[${j}]`, v, 'must not be 0 for the In operator'));
        if (seen.has(v)) errs.push(duplicate(`${p}.values[${j}]`, v));
        else seen.add(v);
        if (j > 0 && values[j - 1]! > v) ordered = false;
      });
      if (!ordered) errs.push(invalid(`${p}.values`, values, 'must be ordered'));
    }
    if (onConds.length > 0) {
      const p = `${rulePath}.onPodConditions`;
      if (onConds.length > MAX_ON_POD_CONDITIONS_PATTERNS) errs.push(tooMany(p, onConds.length, MAX_ON_POD_CONDITIONS_PATTERNS));
      onConds.forEach((c, j) => {
        const pattern = objOf(c) ?? {};
        const type = String(pattern['type'] ?? '');
        for (const msg of isQualifiedName(type)) errs.push(invalid(`${p}[${j}].type`, type, msg));
        const status = pattern['status'] ?? '';
        if (status === '') errs.push(required(`${p}[${j}].status`, `valid values: ${goQuotedList(CONDITION_STATUSES)}`));
        else if (!CONDITION_STATUSES.includes(status)) errs.push(notSupported(`${p}[${j}].status`, status, CONDITION_STATUSES));
      });
    }
    if (onExit && onConds.length > 0) errs.push(invalidNoValue(rulePath, 'specifying both OnExitCodes and OnPodConditions is not supported'));
    if (!onExit && onConds.length === 0) errs.push(invalidNoValue(rulePath, 'specifying one of OnExitCodes and OnPodConditions is required'));
  });
  return errs;
}

function validateSuccessPolicy(spec: Obj, path: string): FieldError[] {
  const sp = objOf(spec['successPolicy']) ?? {};
  const rules: unknown[] = Array.isArray(sp['rules']) ? sp['rules'] : [];
  const rulesPath = `${path}.rules`;
  const errs: FieldError[] = [];
  if (rules.length === 0) errs.push(required(rulesPath, 'at least one rules must be specified when the successPolicy is specified'));
  if (rules.length > MAX_SUCCESS_POLICY_RULES) errs.push(tooMany(rulesPath, rules.length, MAX_SUCCESS_POLICY_RULES));
  const completions = num(spec['completions']);
  rules.forEach((r, i) => {
    const rule = objOf(r) ?? {};
    const rulePath = `${rulesPath}[${i}]`;
    const count = rule['succeededCount'];
    const indexes = rule['succeededIndexes'];
    if (!isSet(count) && !isSet(indexes)) errs.push(required(rulePath, 'at least one of succeededCount or succeededIndexes must be specified'));
    let total = 0;
    if (typeof indexes === 'string') {
      const ip = `${rulePath}.succeededIndexes`;
      if (indexes.length > MAX_SUCCEEDED_INDEXES_LENGTH) errs.push(tooLong(ip, indexes, MAX_SUCCEEDED_INDEXES_LENGTH));
      const parsed = parseIndexes(indexes, completions);
      if ('error' in parsed) errs.push(invalid(ip, indexes, `error parsing succeededIndexes: ${parsed.error}`));
      else total = parsed.total;
    }
    if (typeof count === 'number') {
      const cp = `${rulePath}.succeededCount`;
      errs.push(...nonNegative(count, cp));
      if (count > completions) errs.push(invalid(cp, count, `must be less than or equal to ${completions} (the number of specified completions)`));
      if (typeof indexes === 'string' && count > total) {
        errs.push(invalid(cp, count, `must be less than or equal to ${total} (the number of indexes in the specified succeededIndexes field)`));
      }
    }
  });
  return errs;
}

/** Upstream's validateJobSpec (shared by Jobs and CronJob job templates). */
function validateJobSpecCommon(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex']) {
    errs.push(...nonNegative(spec[f], `${path}.${f}`));
  }
  if (isSet(spec['maxFailedIndexes'])) {
    errs.push(...nonNegative(spec['maxFailedIndexes'], `${path}.maxFailedIndexes`));
    if (!isSet(spec['backoffLimitPerIndex'])) errs.push(required(`${path}.backoffLimitPerIndex`, 'when maxFailedIndexes is specified'));
  }
  if (typeof spec['managedBy'] === 'string') {
    const mb = spec['managedBy'];
    errs.push(...isDomainPrefixedPath(`${path}.managedBy`, mb));
    if (mb.length > MAX_MANAGED_BY_LENGTH) errs.push(tooLong(`${path}.managedBy`, mb, MAX_MANAGED_BY_LENGTH));
  }
  const mode = spec['completionMode'];
  const indexed = mode === 'Indexed';
  if (isSet(mode)) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(notSupported(`${path}.completionMode`, mode, ['NonIndexed', 'Indexed']));
    if (indexed) {
      const completions = spec['completions'];
      const parallelism = spec['parallelism'];
      const mfi = spec['maxFailedIndexes'];
      if (!isSet(completions)) errs.push(required(`${path}.completions`, 'when completion mode is Indexed'));
      if (typeof parallelism === 'number' && parallelism > MAX_PARALLELISM_FOR_INDEXED_JOB) {
        errs.push(invalid(`${path}.parallelism`, parallelism, `must be less than or equal to ${MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is Indexed`));
      }
      if (typeof completions === 'number' && typeof mfi === 'number' && mfi > completions) {
        errs.push(invalid(`${path}.maxFailedIndexes`, mfi, 'must be less than or equal to completions'));
      }
      if (typeof mfi === 'number' && mfi > MAX_FAILED_INDEXES_FOR_INDEXED_JOB) {
        errs.push(invalid(`${path}.maxFailedIndexes`, mfi, `must be less than or equal to ${MAX_FAILED_INDEXES_FOR_INDEXED_JOB}`));
      }
      if (typeof completions === 'number' && completions > COMPLETIONS_SOFT_LIMIT && isSet(spec['backoffLimitPerIndex'])) {
        if (!isSet(mfi)) errs.push(required(`${path}.maxFailedIndexes`, `must be specified when completions is above ${COMPLETIONS_SOFT_LIMIT}`));
        if (typeof parallelism === 'number' && parallelism > PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS) {
          errs.push(
            invalid(
              `${path}.parallelism`,
              parallelism,
              `must be less than or equal to ${PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS} when completions are above ${COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index`,
            ),
          );
        }
        if (typeof mfi === 'number' && mfi > MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS) {
          errs.push(
            invalid(
              `${path}.maxFailedIndexes`,
              mfi,
              `must be less than or equal to ${MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS} when completions are above ${COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index`,
            ),
          );
        }
      }
    }
  }
  if (!isSet(mode) || mode === 'NonIndexed') {
    if (isSet(spec['backoffLimitPerIndex'])) errs.push(invalid(`${path}.backoffLimitPerIndex`, spec['backoffLimitPerIndex'], 'requires indexed completion mode'));
    if (isSet(spec['maxFailedIndexes'])) errs.push(invalid(`${path}.maxFailedIndexes`, spec['maxFailedIndexes'], 'requires indexed completion mode'));
  }
  const hasPfp = isSet(spec['podFailurePolicy']);
  if (hasPfp) errs.push(...validatePodFailurePolicy(spec, `${path}.podFailurePolicy`));
  if (isSet(spec['successPolicy'])) {
    if (!indexed) errs.push(invalid(`${path}.successPolicy`, spec['successPolicy'], 'requires indexed completion mode'));
    else errs.push(...validateSuccessPolicy(spec, `${path}.successPolicy`));
  }
  const prp = spec['podReplacementPolicy'];
  if (isSet(prp)) {
    if (hasPfp) {
      if (prp !== 'Failed') errs.push(notSupported(`${path}.podReplacementPolicy`, prp, ['Failed']));
    } else if (prp !== 'Failed' && prp !== 'TerminatingOrFailed') {
      errs.push(notSupported(`${path}.podReplacementPolicy`, prp, ['Failed', 'TerminatingOrFailed']));
    }
  }
  const template = objOf(spec['template']) ?? {};
  errs.push(...validatePodTemplateSpec(template as never, `${path}.template`));
  const rp = objOf(template['spec'])?.['restartPolicy'] ?? '';
  const rpPath = `${path}.template.spec.restartPolicy`;
  if (rp === 'Always' || rp === '') errs.push(required(rpPath, 'valid values: "OnFailure", "Never"'));
  else if (rp !== 'OnFailure' && rp !== 'Never') errs.push(notSupported(rpPath, rp, ['OnFailure', 'Never']));
  else if (hasPfp && rp !== 'Never') errs.push(invalid(rpPath, rp, 'only "Never" is supported when podFailurePolicy is specified'));
  return errs;
}

function hasLabel(labels: Obj | undefined, path: string, key: string, expected: string): FieldError[] {
  const p = `${path}.labels[${key}]`;
  if (!labels || !(key in labels)) return [required(p, expected)];
  if (labels[key] !== expected) return [invalid(p, labels, `must be '${expected}'`)];
  return [];
}

/** Upstream's validateGeneratedSelector with prefixed labels required. */
function validateGeneratedSelector(obj: KubeObject, requirePrefixed: boolean): FieldError[] {
  const spec = specOf(obj);
  if (spec['manualSelector'] === true || !isSet(spec['selector'])) return [];
  const errs: FieldError[] = [];
  const uid = obj.metadata?.uid ?? '';
  const name = obj.metadata?.name ?? '';
  if (!uid) errs.push(required('metadata.uid'));
  const labels = objOf(objOf(objOf(spec['template'])?.['metadata'])?.['labels']);
  const mp = 'spec.template.metadata';
  errs.push(...hasLabel(labels, mp, LEGACY_CONTROLLER_UID_LABEL, uid));
  errs.push(...hasLabel(labels, mp, LEGACY_JOB_NAME_LABEL, name));
  const expected: Record<string, string> = {};
  if (requirePrefixed) {
    errs.push(...hasLabel(labels, mp, CONTROLLER_UID_LABEL, uid));
    errs.push(...hasLabel(labels, mp, JOB_NAME_LABEL, name));
    expected[CONTROLLER_UID_LABEL] = uid;
    expected[JOB_NAME_LABEL] = name;
  }
  expected[LEGACY_CONTROLLER_UID_LABEL] = uid;
  expected[LEGACY_JOB_NAME_LABEL] = name;
  const selector = labelSelectorAsSelector(spec['selector']);
  if (selector && !selectorMatches(selector, expected)) errs.push(invalid('spec.selector', spec['selector'], '`selector` not auto-generated'));
  return errs;
}

function validateJobSpecWithSelector(spec: Obj): FieldError[] {
  const errs = validateJobSpecCommon(spec, 'spec');
  const sel = spec['selector'];
  if (!isSet(sel)) errs.push(required('spec.selector'));
  else errs.push(...validateLabelSelector(sel as never, 'spec.selector'));
  const selector = labelSelectorAsSelector(sel);
  if (selector) {
    const labels = objOf(objOf(spec['template'])?.['metadata'])?.['labels'];
    if (!selectorMatches(selector, labels)) errs.push(invalid('spec.template.metadata.labels', labels ?? null, SELECTOR_MISMATCH));
  }
  return errs;
}

function validateJobWith(obj: KubeObject, requirePrefixed: boolean): FieldError[] {
  const errs = validateGeneratedSelector(obj, requirePrefixed);
  const spec = specOf(obj);
  errs.push(...validateJobSpecWithSelector(spec));
  const completions = spec['completions'];
  if (spec['completionMode'] === 'Indexed' && typeof completions === 'number' && completions > 0) {
    const name = obj.metadata?.name ?? '';
    const host = `${name}-${completions - 1}`;
    if (isDNS1123Label(host).length > 0) {
      errs.push(invalid('metadata.name', name, `will not able to create pod with invalid DNS label: ${host}`));
    }
  }
  return errs;
}

export function validateJob(obj: KubeObject): FieldError[] {
  return validateJobWith(obj, true);
}

function validateCompletionsUpdate(spec: Obj, oldSpec: Obj): FieldError[] {
  const n = spec['completions'];
  const o = oldSpec['completions'];
  if (spec['completionMode'] !== 'Indexed') return semanticEqual(n, o) ? [] : [immutable('spec.completions', n ?? null)];
  if (semanticEqual(n, o) || !isSet(n)) return [];
  if (n !== spec['parallelism']) return [invalid('spec.completions', n, 'can only be modified in tandem with spec.parallelism')];
  return [];
}

function validateTemplateUpdate(spec: Obj, oldSpec: Obj, old: KubeObject): FieldError[] {
  const template = objOf(spec['template']) ?? {};
  let oldTemplate = objOf(oldSpec['template']) ?? {};
  const oldStatus = objOf(old['status']) ?? {};
  const mutableScheduling = oldSpec['suspend'] === true && !isSet(oldStatus['startTime']);
  if (mutableScheduling) {
    oldTemplate = clone(oldTemplate);
    const tSpec = objOf(template['spec']) ?? {};
    const oSpec = (oldTemplate['spec'] = objOf(oldTemplate['spec']) ?? {});
    const nAff = objOf(tSpec['affinity']);
    const oAff = objOf(oSpec['affinity']);
    if (!nAff && oAff) {
      delete oAff['nodeAffinity'];
      if (Object.keys(oAff).length === 0) delete oSpec['affinity'];
    } else if (nAff && !oAff) {
      oSpec['affinity'] = isSet(nAff['nodeAffinity']) ? { nodeAffinity: nAff['nodeAffinity'] } : {};
    } else if (nAff && oAff) {
      if (isSet(nAff['nodeAffinity'])) oAff['nodeAffinity'] = nAff['nodeAffinity'];
      else delete oAff['nodeAffinity'];
    }
    for (const f of ['nodeSelector', 'tolerations', 'schedulingGates']) {
      if (isSet(tSpec[f])) oSpec[f] = tSpec[f];
      else delete oSpec[f];
    }
    const nMeta = objOf(template['metadata']) ?? {};
    const oMeta = (oldTemplate['metadata'] = objOf(oldTemplate['metadata']) ?? {});
    for (const f of ['labels', 'annotations']) {
      if (isSet(nMeta[f])) oMeta[f] = nMeta[f];
      else delete oMeta[f];
    }
  }
  return semanticEqual(template, oldTemplate) ? [] : [immutable('spec.template', template)];
}

export function validateJobUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const oldSpec = specOf(old);
  const errs = validateCompletionsUpdate(spec, oldSpec);
  if (!semanticEqual(spec['selector'], oldSpec['selector'])) errs.push(immutable('spec.selector', spec['selector'] ?? null));
  errs.push(...validateTemplateUpdate(spec, oldSpec, old));
  for (const f of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy']) {
    if (!semanticEqual(spec[f], oldSpec[f])) errs.push(immutable(`spec.${f}`, spec[f] ?? null));
  }
  return errs;
}

const conditionTrue = (status: Obj, type: string): boolean =>
  Array.isArray(status['conditions']) && status['conditions'].some((c: unknown) => isObj(c) && c['type'] === type && c['status'] === 'True');

export function validateJobStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const s = objOf(obj['status']) ?? {};
  const os = objOf(old['status']) ?? {};
  const errs: FieldError[] = [];
  for (const f of ['active', 'succeeded', 'failed', 'ready', 'terminating']) errs.push(...nonNegative(s[f], `status.${f}`));
  const utp = objOf(s['uncountedTerminatedPods']);
  if (utp) {
    const seen = new Set<string>();
    for (const kind of ['succeeded', 'failed']) {
      const list: unknown[] = Array.isArray(utp[kind]) ? utp[kind] : [];
      list.forEach((k, i) => {
        const p = `status.uncountedTerminatedPods.${kind}[${i}]`;
        if (k === '' || k === null || k === undefined) errs.push(invalid(p, k ?? '', 'must not be empty'));
        else if (seen.has(String(k))) errs.push(duplicate(p, k));
        else seen.add(String(k));
      });
    }
  }
  const complete = conditionTrue(s, 'Complete');
  const failed = conditionTrue(s, 'Failed');
  if (complete && failed) errs.push(invalidNoValue('status.conditions', 'cannot set Complete=True and Failed=true conditions'));
  if (typeof s['ready'] === 'number' && s['ready'] > num(s['active'])) errs.push(invalid('status.ready', s['ready'], 'cannot set more ready pods than active'));
  if ((complete || failed) && num(s['active']) > 0) errs.push(invalid('status.active', s['active'], 'active>0 is invalid for finished job'));
  for (const t of ['Failed', 'Complete', 'FailureTarget']) {
    if (conditionTrue(os, t) && !conditionTrue(s, t)) errs.push(invalidNoValue('status.conditions', `cannot disable the terminal ${t}=True condition`));
  }
  return errs;
}

// ---- CronJob -------------------------------------------------------------------------------------

function validateJobTemplateSpec(jt: Obj, path: string): FieldError[] {
  const spec = objOf(jt['spec']) ?? {};
  const errs = validateJobSpecCommon(spec, `${path}.spec`);
  if (isSet(spec['selector'])) errs.push(invalid(`${path}.spec.selector`, spec['selector'], '`selector` will be auto-generated'));
  if (spec['manualSelector'] === true) errs.push(notSupported(`${path}.spec.manualSelector`, true, ['nil', 'false']));
  return errs;
}

/**
 * Upstream's validateCronJobSpec. `oldSpec` is the stored spec on update (TZ in the schedule is
 * tolerated when it already had one; the time zone is checked only when it changes).
 */
export function validateCronJobSpec(spec: Obj, oldSpec: Obj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const schedule = typeof spec['schedule'] === 'string' ? spec['schedule'] : '';
  const tz = spec['timeZone'];
  if (schedule.length === 0) errs.push(required('spec.schedule'));
  else {
    const perr = cronScheduleError(schedule);
    if (perr) errs.push(invalid('spec.schedule', schedule, perr));
    const allowTZ = oldSpec !== undefined && String(oldSpec['schedule'] ?? '').includes('TZ');
    if (allowTZ && schedule.includes('TZ') && isSet(tz)) {
      errs.push(invalid('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    } else if (!allowTZ && schedule.includes('TZ')) {
      errs.push(invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    }
  }
  errs.push(...nonNegative(spec['startingDeadlineSeconds'], 'spec.startingDeadlineSeconds'));
  if (typeof tz === 'string' && (oldSpec === undefined || oldSpec['timeZone'] !== tz)) {
    for (const msg of timeZoneErrors(tz)) errs.push(invalid('spec.timeZone', tz, msg));
  }
  const cp = spec['concurrencyPolicy'] ?? '';
  if (cp === '') errs.push(required('spec.concurrencyPolicy'));
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp)) errs.push(notSupported('spec.concurrencyPolicy', cp, ['Allow', 'Forbid', 'Replace']));
  errs.push(...validateJobTemplateSpec(objOf(spec['jobTemplate']) ?? {}, 'spec.jobTemplate'));
  errs.push(...nonNegative(spec['successfulJobsHistoryLimit'], 'spec.successfulJobsHistoryLimit'));
  errs.push(...nonNegative(spec['failedJobsHistoryLimit'], 'spec.failedJobsHistoryLimit'));
  return errs;
}

/** CronJob create rules; the 52-character name limit leaves room for the Job name suffix. */
export function validateCronJob(obj: KubeObject): FieldError[] {
  const errs = validateCronJobSpec(specOf(obj), undefined);
  const name = obj.metadata?.name ?? '';
  if (name.length > 52) errs.push(invalid('metadata.name', name, 'must be no more than 52 characters'));
  return errs;
}
