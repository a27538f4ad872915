/** storage.k8s.io/v1 type rules, keyed by plural resource name. */
import type { TypeRules } from '../../types.js';
import { defaultStorageClass } from './defaults.js';
import { validateStorageClass, validateStorageClassUpdate } from './validation.js';

export const storageV1Rules: Record<string, TypeRules> = {
  storageclasses: {
    defaults: defaultStorageClass,
    validate: validateStorageClass,
    validateUpdate: validateStorageClassUpdate,
  },
};
