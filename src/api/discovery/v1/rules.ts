/** discovery.k8s.io/v1 type rules, keyed by plural resource name. */
import type { TypeRules } from '../../types.js';
import { defaultEndpointSlice } from './defaults.js';
import { validateEndpointSlice, validateEndpointSliceUpdate } from './validation.js';

export const discoveryV1Rules: Record<string, TypeRules> = {
  endpointslices: {
    defaults: defaultEndpointSlice,
    validate: validateEndpointSlice,
    validateUpdate: validateEndpointSliceUpdate,
  },
};
