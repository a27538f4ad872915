/**
 * events.k8s.io/v1 rules. Objects arrive in the events.k8s.io shape; validation converts them to
 * the core shape first, as upstream validates the internal (core) object. No defaults upstream.
 */
import type { TypeRules } from '../../types.js';
import { eventsV1ToCore } from '../conversion.js';
import { validateCoreEventCreate, validateEventImmutableFields } from './validation.js';

export const eventsV1Rules: Record<string, TypeRules> = {
  events: {
    validate: (obj) => validateCoreEventCreate(eventsV1ToCore(obj), 'events.k8s.io/v1'),
    validateUpdate: (obj, old) => validateEventImmutableFields(eventsV1ToCore(obj), eventsV1ToCore(old)),
  },
};
