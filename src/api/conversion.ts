/**
 * Version conversion between a served version and the storage version of a resource. Only two
 * resources are served in more than one shape: HorizontalPodAutoscalers (autoscaling/v1 and v2,
 * stored as v2) and Events (core/v1 and events.k8s.io/v1, stored as core/v1). Everything else is
 * stored in the version it is served in, and converting it is the identity (the object itself is
 * returned). Conversions never mutate their input; the result carries the target apiVersion/kind.
 */
import { hpaV1ToV2, hpaV2ToV1 } from './autoscaling/conversion.js';
import { coreToEventsV1, eventsV1ToCore } from './events/conversion.js';
import { RESOURCES } from './resources.js';
import type { KubeObject } from './types.js';

export interface GroupVersion {
  group: string;
  version: string;
}

/**
 * The group/version a resource is stored as: core/v1 for both Event APIs, autoscaling/v2 for
 * HPAs, otherwise the resource's preferred (first catalogued) version in its own group.
 */
export function storageVersionOf(group: string, resource: string): GroupVersion {
  if (group === 'events.k8s.io' && resource === 'events') return { group: '', version: 'v1' };
  if (group === 'autoscaling' && resource === 'horizontalpodautoscalers') return { group: 'autoscaling', version: 'v2' };
  const served = RESOURCES.find((r) => r.group === group && r.resource === resource);
  return { group, version: served?.version ?? 'v1' };
}

function isStorage(group: string, version: string, resource: string): boolean {
  const s = storageVersionOf(group, resource);
  return s.group === group && s.version === version;
}

/** A stored object in the shape of `group/version`. */
export function convertFromStorage(group: string, version: string, resource: string, obj: KubeObject): KubeObject {
  if (isStorage(group, version, resource)) return obj;
  if (group === 'autoscaling' && version === 'v1' && resource === 'horizontalpodautoscalers') return hpaV2ToV1(obj);
  if (group === 'events.k8s.io' && version === 'v1' && resource === 'events') return coreToEventsV1(obj);
  return obj;
}

/** An object of `group/version` in its storage shape. */
export function convertToStorage(group: string, version: string, resource: string, obj: KubeObject): KubeObject {
  if (isStorage(group, version, resource)) return obj;
  if (group === 'autoscaling' && version === 'v1' && resource === 'horizontalpodautoscalers') return hpaV1ToV2(obj);
  if (group === 'events.k8s.io' && version === 'v1' && resource === 'events') return eventsV1ToCore(obj);
  return obj;
}
