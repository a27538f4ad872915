/**
 * autoscaling/v1 HorizontalPodAutoscaler rules. Objects arrive in the v1 shape: defaulting is v1's
 * (minReplicas 1); validation converts to v2 first, as upstream validates the internal (v2-like)
 * object, so field paths name v2 fields (`spec.metrics[0].resource.target.averageUtilization`).
 */
import type { KubeObject, TypeRules } from '../../types.js';
import { child, isSet } from '../../apps/v1/helpers.js';
import { hpaV1ToV2 } from '../conversion.js';
import { validateHPAv2, validateHPAv2StatusUpdate } from '../v2/validation.js';

export function defaultHPAv1(obj: KubeObject): void {
  const spec = child(obj, 'spec');
  if (!isSet(spec['minReplicas'])) spec['minReplicas'] = 1;
}

export const autoscalingV1Rules: Record<string, TypeRules> = {
  horizontalpodautoscalers: {
    defaults: defaultHPAv1,
    validate: (obj) => validateHPAv2(hpaV1ToV2(obj)),
    validateStatusUpdate: (obj) => validateHPAv2StatusUpdate(hpaV1ToV2(obj)),
  },
};
