/**
 * ObjectMeta validation common to every type, as upstream's
 * k8s.io/apimachinery/pkg/api/validation (ValidateObjectMeta, ValidateObjectMetaUpdate) and
 * pkg/apis/meta/v1/validation (labels, label selectors). Paths are rooted at `fldPath`
 * (default `metadata`); labels and annotations report at the map's path, as upstream does.
 */
import type { LabelSelector, LabelSelectorRequirement, ObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { FieldError } from './fielderrors.js';
import { forbidden, immutable, invalid, required, tooLong } from './fielderrors.js';
import { isDNS1123Label, isDNS1123Subdomain, isDNS1035Label, isQualifiedName, isValidLabelValue } from './validation.js';

/**
 * Validates an object name; `prefix` is true when checking a generateName, whose trailing '-'
 * is allowed (upstream's ValidateNameFunc).
 */
export type NameFn = (name: string, prefix: boolean) => string[];

/** Replaces one trailing '-' with 'a' so a generateName prefix can be checked as a name. */
export function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

export const nameIsDNSSubdomain: NameFn = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameFn = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: NameFn = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);

/** Names that may not be used for path-segment reasons (upstream's IsValidPathSegmentName). */
export function isValidPathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const illegal of ['/', '%']) {
    if (name.includes(illegal)) errs.push(`may not contain '${illegal}'`);
  }
  return errs;
}

/** Path-segment-only rule used by types without a stricter name rule (e.g. RBAC). */
export const nameIsPathSegment: NameFn = (name, prefix) => {
  if (prefix) {
    const errs: string[] = [];
    for (const illegal of ['/', '%']) if (name.includes(illegal)) errs.push(`may not contain '${illegal}'`);
    return errs;
  }
  return isValidPathSegmentName(name);
};

export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;

export const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';

const byteLen = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Label keys must be qualified names and values valid label values. */
export function validateLabels(labels: Record<string, string> | undefined | null, fldPath = 'metadata.labels'): FieldError[] {
  const errs: FieldError[] = [];
  if (!labels) return errs;
  for (const [k, v] of Object.entries(labels)) {
    errs.push(...validateLabelName(k, fldPath));
    for (const msg of isValidLabelValue(String(v ?? ''))) errs.push(invalid(fldPath, v, msg));
  }
  return errs;
}

export function validateLabelName(name: string, fldPath: string): FieldError[] {
  return isQualifiedName(name).map((msg) => invalid(fldPath, name, msg));
}

/** Annotation keys are qualified names (case-insensitive); keys plus values at most 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined | null, fldPath = 'metadata.annotations'): FieldError[] {
  const errs: FieldError[] = [];
  if (!annotations) return errs;
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(fldPath, k, msg));
    total += byteLen(k) + byteLen(String(v ?? ''));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_B) errs.push(tooLong(fldPath, '', TOTAL_ANNOTATION_SIZE_LIMIT_B));
  return errs;
}

function parseGroupVersion(apiVersion: string): { group: string; version: string } | undefined {
  if (apiVersion === '') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: parts[0]! };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return undefined;
}

function validateOwnerReference(ref: OwnerReference, fldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  const gv = parseGroupVersion(ref.apiVersion ?? '') ?? { group: '', version: '' };
  const kind = ref.kind ?? '';
  if (!gv.version) errs.push(invalid(`${fldPath}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
  if (!kind) errs.push(invalid(`${fldPath}.kind`, kind, 'kind must not be empty'));
  if (!ref.name) errs.push(invalid(`${fldPath}.name`, ref.name ?? '', 'name must not be empty'));
  if (!ref.uid) errs.push(invalid(`${fldPath}.uid`, ref.uid ?? '', 'uid must not be empty'));
  if (gv.group === '' && gv.version === 'v1' && kind === 'Event') {
    errs.push(invalid(fldPath, ref, '/v1, Kind=Event is disallowed from being an owner'));
  }
  return errs;
}

/** Each reference names apiVersion, kind, name and uid; at most one has `controller: true`. */
export function validateOwnerReferences(refs: OwnerReference[] | undefined | null, fldPath = 'metadata.ownerReferences'): FieldError[] {
  const errs: FieldError[] = [];
  if (!refs) return errs;
  let firstController = '';
  for (const ref of refs) {
    errs.push(...validateOwnerReference(ref, fldPath));
    if (ref.controller === true) {
      const cur = `${ref.kind ?? ''}/${ref.name ?? ''}`;
      if (firstController !== '') {
        errs.push(
          invalid(
            fldPath,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`,
          ),
        );
      } else {
        firstController = cur;
      }
    }
  }
  return errs;
}

export function validateFinalizerName(name: string, fldPath: string): FieldError[] {
  return isQualifiedName(name).map((msg) => invalid(fldPath, name, msg));
}

export function validateFinalizers(finalizers: string[] | undefined | null, fldPath = 'metadata.finalizers'): FieldError[] {
  const errs: FieldError[] = [];
  if (!finalizers) return errs;
  let orphan = false;
  let foreground = false;
  for (const f of finalizers) {
    errs.push(...validateFinalizerName(f, fldPath));
    if (f === 'orphan') orphan = true;
    if (f === 'foregroundDeletion') foreground = true;
  }
  if (orphan && foreground) errs.push(invalid(fldPath, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  return errs;
}

export function validateNonnegativeField(value: number, fldPath: string): FieldError[] {
  return value < 0 ? [invalid(fldPath, value, IS_NEGATIVE_ERROR_MSG)] : [];
}

export interface ObjectMetaOptions {
  namespaced: boolean;
  /** Name rule; default DNS-1123 subdomain. A one-argument function is fine (prefix ignored). */
  nameFn?: NameFn | ((name: string) => string[]);
}

/**
 * Upstream's ValidateObjectMeta: name or generateName, name syntax, namespace required iff
 * namespaced (a DNS-1123 label), generation ≥ 0, labels, annotations, owner references, finalizers.
 */
export function validateObjectMeta(meta: ObjectMeta | undefined, opts: ObjectMetaOptions, fldPath = 'metadata'): FieldError[] {
  const m: ObjectMeta = meta ?? {};
  const nameFn = (opts.nameFn ?? nameIsDNSSubdomain) as NameFn;
  const errs: FieldError[] = [];
  if (m.generateName) {
    for (const msg of nameFn(m.generateName, true)) errs.push(invalid(`${fldPath}.generateName`, m.generateName, msg));
  }
  if (!m.name) {
    errs.push(required(`${fldPath}.name`, 'name or generateName is required'));
  } else {
    for (const msg of nameFn(m.name, false)) errs.push(invalid(`${fldPath}.name`, m.name, msg));
  }
  if (opts.namespaced) {
    if (!m.namespace) errs.push(required(`${fldPath}.namespace`));
    else for (const msg of nameIsDNSLabel(m.namespace, false)) errs.push(invalid(`${fldPath}.namespace`, m.namespace, msg));
  } else if (m.namespace) {
    errs.push(forbidden(`${fldPath}.namespace`, 'not allowed on this type'));
  }
  errs.push(...validateNonnegativeField(m.generation ?? 0, `${fldPath}.generation`));
  errs.push(...validateLabels(m.labels, `${fldPath}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${fldPath}.annotations`));
  errs.push(...validateOwnerReferences(m.ownerReferences, `${fldPath}.ownerReferences`));
  errs.push(...validateFinalizers(m.finalizers, `${fldPath}.finalizers`));
  return errs;
}

const norm = (v: unknown): unknown => (v === '' || v === null ? undefined : v);

function immutableField(newVal: unknown, oldVal: unknown, fldPath: string): FieldError[] {
  return JSON.stringify(norm(newVal)) === JSON.stringify(norm(oldVal)) ? [] : [immutable(fldPath, newVal ?? '')];
}

/** Go's `%#v` of a []string: `[]string{"a", "b"}`. */
const goStringSlice = (xs: string[]): string => `[]string{${xs.map((x) => JSON.stringify(x)).join(', ')}}`;

/**
 * Upstream's ValidateObjectMetaUpdate: no new finalizers once deleting, resourceVersion present
 * (the registry fills it in for unconditional updates before validating), generation not
 * decremented, name/namespace/uid/creationTimestamp/deletionTimestamp/deletionGracePeriodSeconds
 * immutable, and the new labels/annotations/ownerReferences valid.
 */
export function validateObjectMetaUpdate(newMeta: ObjectMeta | undefined, oldMeta: ObjectMeta | undefined, fldPath = 'metadata'): FieldError[] {
  const n: ObjectMeta = newMeta ?? {};
  const o: ObjectMeta = oldMeta ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const oldSet = new Set(o.finalizers ?? []);
    const extra = [...new Set(n.finalizers ?? [])].filter((f) => !oldSet.has(f)).sort();
    if (extra.length > 0) {
      errs.push(
        forbidden(
          `${fldPath}.finalizers`,
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra)}`,
        ),
      );
    }
  }
  if (!n.resourceVersion) errs.push(invalid(`${fldPath}.resourceVersion`, n.resourceVersion ?? '', 'must be specified for an update'));
  if ((n.generation ?? 0) < (o.generation ?? 0)) errs.push(invalid(`${fldPath}.generation`, n.generation ?? 0, 'must not be decremented'));
  errs.push(...immutableField(n.name, o.name, `${fldPath}.name`));
  errs.push(...immutableField(n.namespace, o.namespace, `${fldPath}.namespace`));
  errs.push(...immutableField(n.uid, o.uid, `${fldPath}.uid`));
  errs.push(...immutableField(n.creationTimestamp, o.creationTimestamp, `${fldPath}.creationTimestamp`));
  errs.push(...immutableField(n.deletionTimestamp, o.deletionTimestamp, `${fldPath}.deletionTimestamp`));
  errs.push(...immutableField(n.deletionGracePeriodSeconds, o.deletionGracePeriodSeconds, `${fldPath}.deletionGracePeriodSeconds`));
  errs.push(...validateLabels(n.labels, `${fldPath}.labels`));
  errs.push(...validateAnnotations(n.annotations, `${fldPath}.annotations`));
  errs.push(...validateOwnerReferences(n.ownerReferences, `${fldPath}.ownerReferences`));
  return errs;
}

export interface LabelSelectorOptions {
  /** Accept values that are not valid label values (kept for objects stored before the rule). */
  allowInvalidLabelValueInSelector?: boolean;
  /** Accept operators other than In/NotIn/Exists/DoesNotExist. */
  allowUnknownOperatorInRequirement?: boolean;
}

export function validateLabelSelectorRequirement(sr: LabelSelectorRequirement, opts: LabelSelectorOptions, fldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  const values = sr.values ?? [];
  switch (sr.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(`${fldPath}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(`${fldPath}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      if (!opts.allowUnknownOperatorInRequirement) errs.push(invalid(`${fldPath}.operator`, sr.operator ?? '', 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(sr.key ?? '', `${fldPath}.key`));
  if (!opts.allowInvalidLabelValueInSelector) {
    values.forEach((v, i) => {
      for (const msg of isValidLabelValue(v)) errs.push(invalid(`${fldPath}.values[${i}]`, v, msg));
    });
  }
  return errs;
}

/** metav1.LabelSelector: matchLabels as labels, each matchExpressions entry as a requirement. */
export function validateLabelSelector(sel: LabelSelector | undefined | null, fldPath: string, opts: LabelSelectorOptions = {}): FieldError[] {
  const errs: FieldError[] = [];
  if (!sel) return errs;
  errs.push(...validateLabels(sel.matchLabels, `${fldPath}.matchLabels`));
  (sel.matchExpressions ?? []).forEach((expr, i) => {
    errs.push(...validateLabelSelectorRequirement(expr, opts, `${fldPath}.matchExpressions[${i}]`));
  });
  return errs;
}
