/**
 * The type rules (defaults, validation) of every served group/version/resource.
 *
 * Contract: the rules for (group, version, resource) act on objects in that version's shape, new
 * and old alike: for a request in a non-storage version (autoscaling/v1 HPAs, events.k8s.io/v1
 * Events) the registry runs defaults and validation on the request-version object and only then
 * converts it with `convertToStorage` (src/api/conversion.ts); `old` passed to validateUpdate /
 * validateStatusUpdate is the stored object converted with `convertFromStorage` to the same
 * version.
 */
import { appsV1Rules } from './apps/v1/rules.js';
import { autoscalingV1Rules } from './autoscaling/v1/rules.js';
import { autoscalingV2Rules } from './autoscaling/v2/rules.js';
import { batchV1Rules } from './batch/v1/rules.js';
import { coordinationV1Rules } from './coordination/v1/rules.js';
import { coreV1Rules } from './core/v1/rules.js';
import { discoveryV1Rules } from './discovery/v1/rules.js';
import { eventsV1Rules } from './events/v1/rules.js';
import { policyV1Rules } from './policy/v1/rules.js';
import { storageV1Rules } from './storage/v1/rules.js';
import type { TypeRules } from './types.js';

const BY_GROUP_VERSION: Record<string, Record<string, TypeRules>> = {
  'v1': coreV1Rules,
  'apps/v1': appsV1Rules,
  'batch/v1': batchV1Rules,
  'autoscaling/v1': autoscalingV1Rules,
  'autoscaling/v2': autoscalingV2Rules,
  'policy/v1': policyV1Rules,
  'storage.k8s.io/v1': storageV1Rules,
  'discovery.k8s.io/v1': discoveryV1Rules,
  'coordination.k8s.io/v1': coordinationV1Rules,
  'events.k8s.io/v1': eventsV1Rules,
};

/** The rules for a resource (plural name), or undefined when the type has none. */
export function rulesFor(group: string, version: string, resource: string): TypeRules | undefined {
  const gv = group === '' ? version : `${group}/${version}`;
  const byResource = BY_GROUP_VERSION[gv];
  return byResource && Object.prototype.hasOwnProperty.call(byResource, resource) ? byResource[resource] : undefined;
}
