/** batch/v1 type rules, keyed by plural resource name. */
import type { TypeRules } from '../../types.js';
import { defaultCronJob, defaultJob } from './defaults.js';
import { validateCronJob, validateJob, validateJobStatusUpdate, validateJobUpdate } from './validation.js';

export const batchV1Rules: Record<string, TypeRules> = {
  jobs: {
    defaults: defaultJob,
    validate: validateJob,
    validateUpdate: validateJobUpdate,
    validateStatusUpdate: validateJobStatusUpdate,
  },
  cronjobs: {
    defaults: defaultCronJob,
    validate: validateCronJob,
  },
};
