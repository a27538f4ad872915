/**
 * Types and resource handles shared by the real kubelet's parts (sources, workers, volumes,
 * probes, server). The simulated agent keeps its own.
 */
import type { ConfigMap as ConfigMapT, Node as NodeT, Pod as PodT, Secret as SecretT, Service as ServiceT } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../api/types.js';
import { RESOURCES, type ResourceInfo } from '../api/resources.js';

export type Pod = PodT & KubeObject;
export type Node = NodeT & KubeObject;
export type ConfigMap = ConfigMapT & KubeObject;
export type Secret = SecretT & KubeObject;
export type Service = ServiceT & KubeObject;

function resource(group: string, resource: string): ResourceInfo {
  const r = RESOURCES.find((x) => x.group === group && x.resource === resource);
  if (!r) throw new Error(`resource ${resource}.${group} missing from the catalogue`);
  return r;
}

export const PODS = resource('', 'pods');
export const NODES = resource('', 'nodes');
export const CONFIGMAPS = resource('', 'configmaps');
export const SECRETS = resource('', 'secrets');
export const SERVICES = resource('', 'services');
export const PVCS = resource('', 'persistentvolumeclaims');
export const PVS = resource('', 'persistentvolumes');
export const SERVICEACCOUNTS = resource('', 'serviceaccounts');
export const LEASES = resource('coordination.k8s.io', 'leases');

/** Where a pod came from (annotation `kubernetes.io/config.source`). */
export type PodSourceName = 'api' | 'file' | 'http';
export const CONFIG_SOURCE_ANNOTATION = 'kubernetes.io/config.source';
export const CONFIG_HASH_ANNOTATION = 'kubernetes.io/config.hash';
export const CONFIG_SEEN_ANNOTATION = 'kubernetes.io/config.seen';
export const CONFIG_MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

/** Records a core/v1 Event about a pod (never throws, never blocks). */
export type PodEventSink = (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string) => void;
