/** autoscaling/v2 type rules (the storage version of HorizontalPodAutoscalers). */
import type { TypeRules } from '../../types.js';
import { defaultHPAv2 } from './defaults.js';
import { validateHPAv2, validateHPAv2StatusUpdate } from './validation.js';

export const autoscalingV2Rules: Record<string, TypeRules> = {
  horizontalpodautoscalers: {
    defaults: defaultHPAv2,
    validate: validateHPAv2,
    validateStatusUpdate: validateHPAv2StatusUpdate,
  },
};
