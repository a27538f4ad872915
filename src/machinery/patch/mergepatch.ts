/**
 * RFC 7386 JSON merge patch, as the apiserver applies it (evanphx/json-patch MergePatch):
 * - `null` deletes a member; objects merge recursively; arrays and scalars replace.
 * - A value set where the original has no object is the patch value with its `null` members
 *   removed (recursively, also inside objects within arrays).
 * - The patch itself must be a JSON object: otherwise PatchError BadRequest `Invalid JSON Patch`,
 *   and the original must be an object (PatchError BadRequest `Invalid JSON Document`).
 *
 * Never mutates its inputs.
 */
import { PatchError, cloneJson, isPlainObject } from './errors.js';

export { PatchError } from './errors.js';

/** Removes `null` members from objects, recursively (also inside arrays); returns a copy. */
export function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x === null ? null : pruneNulls(x)));
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = pruneNulls(x);
    return out;
  }
  return v;
}

function mergeValue(cur: unknown, patch: unknown): unknown {
  if (!isPlainObject(cur)) return pruneNulls(patch);
  if (!isPlainObject(patch)) return cloneJson(patch);
  return mergeObjects(cur, patch);
}

function mergeObjects(doc: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...doc };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = Object.prototype.hasOwnProperty.call(out, k) ? out[k] : undefined;
    out[k] = cur === undefined || cur === null ? pruneNulls(v) : mergeValue(cur, v);
  }
  // values copied from `doc` untouched are shared; copy them so the result owns its tree
  for (const k of Object.keys(out)) if (!Object.prototype.hasOwnProperty.call(patch, k)) out[k] = cloneJson(out[k]);
  return out;
}

/** Applies a JSON merge patch to `original` and returns the result. */
export function applyMergePatch(original: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) throw new PatchError('BadRequest', 'Invalid JSON Patch');
  if (!isPlainObject(original)) throw new PatchError('BadRequest', 'Invalid JSON Document');
  return mergeObjects(original, patch);
}

/** Plain RFC 7386 MergePatch(target, patch) for any JSON values (no apiserver restrictions). */
export function mergePatchValue(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return cloneJson(patch);
  return mergeObjects(isPlainObject(target) ? target : {}, patch);
}
