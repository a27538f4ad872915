/**
 * discovery.k8s.io/v1 defaulting, as upstream's pkg/apis/discovery/v1/defaults.go: every port gets
 * a name ("") and protocol TCP when unset. Idempotent, never fails, mutates in place.
 */
import type { KubeObject } from '../../types.js';
import { isObj, isSet } from '../../apps/v1/helpers.js';

export function defaultEndpointSlice(obj: KubeObject): void {
  const ports = obj['ports'];
  if (!Array.isArray(ports)) return;
  for (const p of ports) {
    if (!isObj(p)) continue;
    if (!isSet(p['name'])) p['name'] = '';
    if (!isSet(p['protocol'])) p['protocol'] = 'TCP';
  }
}
