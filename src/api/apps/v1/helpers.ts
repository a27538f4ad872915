/**
 * Helpers shared by the workload-style groups (apps, batch, policy, autoscaling, …): loose JSON
 * access, upstream's semantic equality, int-or-percent checks (apps validation's
 * ValidatePositiveIntOrPercent / IsNotMoreThan100Percent) and metav1.LabelSelectorAsSelector with
 * label matching. Objects are plain JSON as decoded from a request; nothing here mutates its input
 * except `child`.
 */
import type { FieldError } from '../../../machinery/fielderrors.js';
import { duplicate, invalid, notSupported, required, tooLong } from '../../../machinery/fielderrors.js';
import { IS_NEGATIVE_ERROR_MSG, validateLabelName } from '../../../machinery/objectmeta.js';
import { isPercent, isQualifiedName, isValidLabelValue, regexError } from '../../../machinery/validation.js';

export type Obj = Record<string, any>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `parent[key]` as an object, created (as `{}`) when absent or not an object. */
export function child(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (isObj(v)) return v;
  const o: Obj = {};
  parent[key] = o;
  return o;
}

/** `v` when it is an object, else undefined. */
export const objOf = (v: unknown): Obj | undefined => (isObj(v) ? v : undefined);

/** True for a present value (neither undefined nor null). */
export const isSet = (v: unknown): boolean => v !== undefined && v !== null;

export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/**
 * Upstream's apiequality.Semantic.DeepEqual over JSON: null and absent are the same, an empty
 * list or map equals an absent one, everything else compares structurally.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  const emptyish = (v: unknown): boolean =>
    v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isObj(v) && Object.keys(v).length === 0);
  if (emptyish(a) && emptyish(b)) {
    // An empty struct pointer differs from nil in Go only for structs; JSON cannot tell a struct
    // from a map here, so empty maps and absent values compare equal.
    return true;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (isObj(a) || isObj(b)) {
    if (!isObj(a) || !isObj(b)) return false;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!semanticEqual(a[k], b[k])) return false;
    return true;
  }
  return a === b;
}

/** A deep copy of JSON data. */
export const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** Upstream's ValidateNonnegativeField for an optional number (absent is fine). */
export function nonNegative(v: unknown, path: string): FieldError[] {
  return typeof v === 'number' && v < 0 ? [invalid(path, v, IS_NEGATIVE_ERROR_MSG)] : [];
}

// ---- int-or-percent ------------------------------------------------------------------------------

/** The percentage of a valid `N%` string, else undefined. */
export function percentValue(v: unknown): number | undefined {
  if (typeof v !== 'string' || isPercent(v).length > 0) return undefined;
  return Number.parseInt(v.slice(0, -1), 10);
}

/** Upstream's getIntOrPercentValue: the percentage, the integer, or 0 (an unparsable string). */
export function intOrPercentValue(v: unknown): number {
  const p = percentValue(v);
  if (p !== undefined) return p;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    // intstr.IntValue on a string: strconv.Atoi, 0 on error.
    return /^[+-]?[0-9]+$/.test(v) ? Number.parseInt(v, 10) : 0;
  }
  return 0;
}

/** Upstream's ValidatePositiveIntOrPercent (non-negative int, or a valid percent string). */
export function validatePositiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') return isPercent(v).map((msg) => invalid(path, v, msg));
  if (typeof v === 'number') return nonNegative(v, path);
  return [invalid(path, v ?? null, "must be an integer or percentage (e.g '5%')")];
}

/** Upstream's IsNotMoreThan100Percent. */
export function isNotMoreThan100Percent(v: unknown, path: string): FieldError[] {
  const p = percentValue(v);
  if (p === undefined || p <= 100) return [];
  return [invalid(path, v, 'must not be greater than 100%')];
}

// ---- label selectors -----------------------------------------------------------------------------

export interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

/** A parsed selector: `nothing` matches no set (a nil selector), otherwise all requirements must hold. */
export type Selector = { nothing: true } | { nothing: false; requirements: Requirement[] };

function requirement(key: string, operator: string, values: string[]): Requirement | undefined {
  if (isQualifiedName(key).length > 0) return undefined;
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) return undefined;
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0) return undefined;
      break;
    default:
      return undefined;
  }
  for (const v of values) if (isValidLabelValue(v).length > 0) return undefined;
  return { key, operator, values };
}

/**
 * metav1.LabelSelectorAsSelector: nil matches nothing, `{}` matches everything, otherwise every
 * matchLabels entry and matchExpressions requirement. Returns undefined where upstream returns an
 * error (bad operator, bad key or value, missing or extra values).
 */
export function labelSelectorAsSelector(sel: unknown): Selector | undefined {
  if (!isSet(sel)) return { nothing: true };
  if (!isObj(sel)) return undefined;
  const reqs: Requirement[] = [];
  const ml = sel['matchLabels'];
  if (isSet(ml)) {
    if (!isObj(ml)) return undefined;
    for (const [k, v] of Object.entries(ml)) {
      const r = requirement(k, 'In', [String(v ?? '')]);
      if (!r) return undefined;
      reqs.push(r);
    }
  }
  const me = sel['matchExpressions'];
  if (isSet(me)) {
    if (!Array.isArray(me)) return undefined;
    for (const e of me) {
      if (!isObj(e)) return undefined;
      const values = Array.isArray(e['values']) ? (e['values'] as unknown[]).map((x) => String(x)) : [];
      const r = requirement(String(e['key'] ?? ''), String(e['operator'] ?? ''), values);
      if (!r) return undefined;
      reqs.push(r);
    }
  }
  return { nothing: false, requirements: reqs };
}

/** labels.Selector.Empty(): a selector with no requirements (matches everything). */
export const selectorEmpty = (s: Selector): boolean => !s.nothing && s.requirements.length === 0;

export function selectorMatches(s: Selector, labels: unknown): boolean {
  if (s.nothing) return false;
  const set: Record<string, string> = isObj(labels) ? (labels as Record<string, string>) : {};
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(set, k);
  return s.requirements.every((r) => {
    switch (r.operator) {
      case 'In':
        return has(r.key) && r.values.includes(String(set[r.key]));
      case 'NotIn':
        return !has(r.key) || !r.values.includes(String(set[r.key]));
      case 'Exists':
        return has(r.key);
      case 'DoesNotExist':
        return !has(r.key);
    }
    return false;
  });
}

/** Count of matchLabels plus matchExpressions (0 for an empty selector). */
export function selectorTermCount(sel: unknown): number {
  if (!isObj(sel)) return 0;
  const ml = isObj(sel['matchLabels']) ? Object.keys(sel['matchLabels']).length : 0;
  const me = Array.isArray(sel['matchExpressions']) ? sel['matchExpressions'].length : 0;
  return ml + me;
}

export const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

// ---- metav1.Condition lists ----------------------------------------------------------------------

const CONDITION_REASON_FMT = '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?';
const CONDITION_REASON_RE = new RegExp(`^(?:${CONDITION_REASON_FMT})$`);
const CONDITION_REASON_MSG =
  "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_'";

/** Upstream's metav1 validation ValidateConditions (types unique, every field well-formed). */
export function validateConditions(conditions: unknown, path: string): FieldError[] {
  const list: unknown[] = Array.isArray(conditions) ? conditions : [];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list.forEach((c, i) => {
    const cond = objOf(c) ?? {};
    const p = `${path}[${i}]`;
    const type = typeof cond['type'] === 'string' ? cond['type'] : '';
    if (seen.has(type)) errs.push(duplicate(`${p}.type`, type));
    else seen.add(type);
    errs.push(...validateLabelName(type, `${p}.type`));
    const status = cond['status'] ?? '';
    if (!['True', 'False', 'Unknown'].includes(status)) errs.push(notSupported(`${p}.status`, status, ['False', 'True', 'Unknown']));
    const og = cond['observedGeneration'];
    if (typeof og === 'number' && og < 0) errs.push(invalid(`${p}.observedGeneration`, og, 'must be greater than or equal to zero'));
    if (!isSet(cond['lastTransitionTime']) || cond['lastTransitionTime'] === '') errs.push(required(`${p}.lastTransitionTime`, 'must be set'));
    const reason = typeof cond['reason'] === 'string' ? cond['reason'] : '';
    if (reason === '') errs.push(required(`${p}.reason`, 'must be set'));
    else {
      if (!CONDITION_REASON_RE.test(reason)) errs.push(invalid(`${p}.reason`, reason, regexError(CONDITION_REASON_MSG, CONDITION_REASON_FMT, 'my_name', 'MY_NAME', 'MyName', 'ReasonA,ReasonB', 'ReasonA:ReasonB')));
      if (reason.length > 1024) errs.push(tooLong(`${p}.reason`, reason, 1024));
    }
    const message = typeof cond['message'] === 'string' ? cond['message'] : '';
    if (message.length > 32 * 1024) errs.push(tooLong(`${p}.message`, message, 32 * 1024));
  });
  return errs;
}
