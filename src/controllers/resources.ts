/** The resources controllers read and write, as the REST client addresses them. */
import type { ResourceRef } from '../client/rest.js';

const core = (resource: string, kind: string, namespaced = true): ResourceRef => ({ group: '', version: 'v1', resource, namespaced, kind });
const group = (g: string, version: string, resource: string, kind: string, namespaced = true): ResourceRef => ({ group: g, version, resource, namespaced, kind });

export const PODS = core('pods', 'Pod');
export const NODES = core('nodes', 'Node', false);
export const NAMESPACES = core('namespaces', 'Namespace', false);
export const SERVICES = core('services', 'Service');
export const ENDPOINTS = core('endpoints', 'Endpoints');
export const REPLICATIONCONTROLLERS = core('replicationcontrollers', 'ReplicationController');
export const SERVICEACCOUNTS = core('serviceaccounts', 'ServiceAccount');
export const CONFIGMAPS = core('configmaps', 'ConfigMap');
export const SECRETS = core('secrets', 'Secret');
export const EVENTS = core('events', 'Event');
export const PVCS = core('persistentvolumeclaims', 'PersistentVolumeClaim');
export const PVS = core('persistentvolumes', 'PersistentVolume', false);
export const DEPLOYMENTS = group('apps', 'v1', 'deployments', 'Deployment');
export const REPLICASETS = group('apps', 'v1', 'replicasets', 'ReplicaSet');
export const STATEFULSETS = group('apps', 'v1', 'statefulsets', 'StatefulSet');
export const DAEMONSETS = group('apps', 'v1', 'daemonsets', 'DaemonSet');
export const CONTROLLERREVISIONS = group('apps', 'v1', 'controllerrevisions', 'ControllerRevision');
export const JOBS = group('batch', 'v1', 'jobs', 'Job');
export const CRONJOBS = group('batch', 'v1', 'cronjobs', 'CronJob');
export const ENDPOINTSLICES = group('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice');
export const LEASES = group('coordination.k8s.io', 'v1', 'leases', 'Lease');
export const HPAS = group('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler');
export const PDBS = group('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget');
export const STORAGECLASSES = group('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false);
