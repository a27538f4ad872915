/**
 * StorageClass validation, as upstream's pkg/apis/storage/validation. Object-meta checks are the
 * registry's. Pure.
 */
import type { FieldError } from '../../../machinery/fielderrors.js';
import { duplicate, forbidden, immutable, invalid, notSupported, required, tooLong } from '../../../machinery/fielderrors.js';
import { validateLabelName } from '../../../machinery/objectmeta.js';
import { isQualifiedName } from '../../../machinery/validation.js';
import type { KubeObject } from '../../types.js';
import { isSet, objOf, semanticEqual } from '../../apps/v1/helpers.js';

const MAX_PARAMETERS_SIZE = 256 * 1024;
const MAX_PARAMETERS = 512;
const RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];

const byteLen = (s: string): number => Buffer.byteLength(s, 'utf8');

function validateParameters(params: unknown): FieldError[] {
  const p = objOf(params) ?? {};
  const entries = Object.entries(p);
  if (entries.length > MAX_PARAMETERS) return [tooLong('parameters', 'Provisioner Parameters exceeded max allowed', MAX_PARAMETERS)];
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of entries) {
    if (k.length < 1) errs.push(invalid('parameters', k, 'field can not be empty.'));
    total += byteLen(k) + byteLen(String(v ?? ''));
  }
  if (total > MAX_PARAMETERS_SIZE) errs.push(tooLong('parameters', '', MAX_PARAMETERS_SIZE));
  return errs;
}

/** Upstream's ValidateTopologySelectorTerm; returns the key → values map used for duplicate terms. */
function validateTopologyTerm(term: unknown, path: string): { exprs: Record<string, string[]>; errs: FieldError[] } {
  const exprs: Record<string, string[]> = {};
  const errs: FieldError[] = [];
  const list: unknown[] = Array.isArray(objOf(term)?.['matchLabelExpressions']) ? objOf(term)!['matchLabelExpressions'] : [];
  list.forEach((r, i) => {
    const req = objOf(r) ?? {};
    const idx = `${path}.matchLabelExpressions[${i}]`;
    const values: string[] = Array.isArray(req['values']) ? req['values'].map(String) : [];
    if (values.length === 0) errs.push(required(`${idx}.values`));
    const seen = new Set<string>();
    values.forEach((v, j) => {
      if (seen.has(v)) errs.push(duplicate(`${idx}.values[${j}]`, v));
      seen.add(v);
    });
    const key = typeof req['key'] === 'string' ? req['key'] : '';
    errs.push(...validateLabelName(key, `${idx}.key`));
    if (key in exprs) errs.push(duplicate(`${idx}.key`, key));
    exprs[key] = [...seen].sort();
  });
  return { exprs, errs };
}

export function validateStorageClass(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const provisioner = typeof obj['provisioner'] === 'string' ? obj['provisioner'] : '';
  if (provisioner.length === 0) errs.push(required('provisioner'));
  else for (const msg of isQualifiedName(provisioner.toLowerCase())) errs.push(invalid('provisioner', provisioner.toLowerCase(), msg));
  errs.push(...validateParameters(obj['parameters']));
  const rp = obj['reclaimPolicy'];
  if (typeof rp === 'string' && rp.length > 0 && !RECLAIM_POLICIES.includes(rp)) errs.push(notSupported('reclaimPolicy', rp, RECLAIM_POLICIES));
  const vbm = obj['volumeBindingMode'];
  if (!isSet(vbm)) errs.push(required('volumeBindingMode'));
  else if (!BINDING_MODES.includes(vbm as string)) errs.push(notSupported('volumeBindingMode', vbm, BINDING_MODES));
  const topologies: unknown[] = Array.isArray(obj['allowedTopologies']) ? obj['allowedTopologies'] : [];
  const seenTerms: Record<string, string[]>[] = [];
  topologies.forEach((t, i) => {
    const idx = `allowedTopologies[${i}]`;
    const { exprs, errs: termErrs } = validateTopologyTerm(t, idx);
    errs.push(...termErrs);
    if (seenTerms.some((prev) => semanticEqual(prev, exprs))) errs.push(duplicate(`${idx}.matchLabelExpressions`, ''));
    seenTerms.push(exprs);
  });
  return errs;
}

export function validateStorageClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!semanticEqual(obj['parameters'], old['parameters'])) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  if ((obj['provisioner'] ?? '') !== (old['provisioner'] ?? '')) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if ((obj['reclaimPolicy'] ?? '') !== (old['reclaimPolicy'] ?? '')) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if (!semanticEqual(obj['volumeBindingMode'], old['volumeBindingMode'])) errs.push(immutable('volumeBindingMode', obj['volumeBindingMode'] ?? null));
  return errs;
}
