/** Applies a JSON, merge or strategic-merge patch to an object, mapping failures to API errors. */
import type { BodyKind } from './negotiation.js';
import type { PatchMeta } from '../../machinery/patch/strategic.js';
import { strategicMergePatch } from '../../machinery/patch/strategic.js';
import { applyMergePatch } from '../../machinery/patch/mergepatch.js';
import { applyJsonPatch } from '../../machinery/patch/jsonpatch.js';
import { ApiError, badRequest } from '../../machinery/errors.js';
import { isPatchError } from '../../machinery/patch/errors.js';

export function applyPatch(kind: BodyKind, original: unknown, patch: unknown, meta: PatchMeta | undefined): unknown {
  try {
    switch (kind) {
      case 'json-patch':
        return applyJsonPatch(original, patch);
      case 'merge-patch':
        return applyMergePatch(original, patch);
      case 'strategic-merge-patch':
        if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
          throw badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
        }
        return strategicMergePatch(original, patch, meta);
      default:
        throw badRequest(`unsupported patch type ${kind}`);
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (isPatchError(err)) {
      // Upstream answers unclassified strategic-merge failures with a 500; bad input is never a 500 here.
      if (err.kind === 'Internal') throw badRequest(err.detail);
      const e = err.toApiError();
      if (e.code === 422) throw new ApiError(422, 'Invalid', e.message, { causes: [{ message: err.detail }] });
      throw e;
    }
    throw err;
  }
}
