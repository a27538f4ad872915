/**
 * The typed failure of every patch kind, carrying the HTTP status upstream's apiserver answers
 * (k8s.io/apiserver/pkg/endpoints/handlers/patch.go):
 *
 * - JSON patch (application/json-patch+json):
 *   - the body does not decode as a list of operations → 400 BadRequest, message = decode error;
 *   - more than 10000 operations → 413 RequestEntityTooLarge,
 *     `Request entity too large: The allowed maximum operations in a JSON patch is 10000, got N`;
 *   - any failure while applying (missing path, bad index, failed `test`, unknown op) → 422 Invalid
 *     with the fixed message `the server rejected our request due to an error in our request`
 *     (upstream's NewGenericServerResponse drops the detail; we keep it in `detail`).
 * - JSON merge patch (application/merge-patch+json): a patch that is not a JSON object → 400
 *   BadRequest `Invalid JSON Patch`.
 * - Strategic merge patch (application/strategic-merge-patch+json), as upstream's
 *   interpretStrategicMergePatchError: malformed directives / primitive-list deletions /
 *   retainKeys / setElementOrder lists → 400 BadRequest with the mergepatch message; lists of
 *   lists and a patch not matching its `$retainKeys` → 422 Invalid with the generic message;
 *   anything else → 500 (upstream returns the raw error).
 */
import { ApiError } from '../errors.js';
import type { StatusReason } from '../errors.js';

export const GENERIC_422_MESSAGE = 'the server rejected our request due to an error in our request';
export const MAX_JSON_PATCH_OPERATIONS = 10000;

export type PatchErrorKind = 'BadRequest' | 'Invalid' | 'TooLarge' | 'Internal';

export class PatchError extends Error {
  constructor(
    readonly kind: PatchErrorKind,
    /** The specific failure (what upstream's patch library reports). */
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'PatchError';
  }

  get code(): 400 | 413 | 422 | 500 {
    switch (this.kind) {
      case 'BadRequest':
        return 400;
      case 'TooLarge':
        return 413;
      case 'Invalid':
        return 422;
      default:
        return 500;
    }
  }

  /** The ApiError the apiserver answers with, worded as upstream does. */
  toApiError(): ApiError {
    switch (this.kind) {
      case 'BadRequest':
        return new ApiError(400, 'BadRequest', this.detail);
      case 'TooLarge':
        return new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: ${this.detail}`);
      case 'Invalid':
        return new ApiError(422, 'Invalid', GENERIC_422_MESSAGE, {});
      default:
        // upstream passes the raw error on: 500 with StatusReasonUnknown ("") and the bare message
        return new ApiError(500, '' as StatusReason, this.detail);
    }
  }
}

export const isPatchError = (e: unknown): e is PatchError => e instanceof PatchError;

/** Deep copy of a JSON value. */
export function cloneJson<T>(v: T): T {
  return v === undefined ? v : (structuredClone(v) as T);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural equality of JSON values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  return ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && jsonEqual(ao[k], bo[k]));
}
