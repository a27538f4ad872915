/** coordination.k8s.io/v1 type rules, keyed by plural resource name. */
import type { TypeRules } from '../../types.js';
import { validateLease } from './validation.js';

export const coordinationV1Rules: Record<string, TypeRules> = {
  leases: { validate: validateLease },
};
