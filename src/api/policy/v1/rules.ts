/** policy/v1 type rules, keyed by plural resource name. */
import type { TypeRules } from '../../types.js';
import { validatePodDisruptionBudget, validatePodDisruptionBudgetStatusUpdate } from './validation.js';

export const policyV1Rules: Record<string, TypeRules> = {
  poddisruptionbudgets: {
    validate: validatePodDisruptionBudget,
    validateStatusUpdate: validatePodDisruptionBudgetStatusUpdate,
  },
};
