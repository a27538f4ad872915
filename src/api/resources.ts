/**
 * The catalogue of served resources: one entry per group/version/resource, with the discovery facts
 * upstream publishes (kind, scope, verbs, short names, categories, subresources). Discovery, routing,
 * OpenAPI and the registry are all driven from this list.
 */

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export type SubresourceName = 'status' | 'scale' | 'binding' | 'eviction' | 'finalize' | 'ephemeralcontainers' | 'token' | 'log' | 'exec' | 'attach' | 'portforward' | 'proxy';

export interface SubresourceInfo {
  name: SubresourceName;
  kind: string;
  /** Group/version of the subresource's kind when it differs (scale is autoscaling/v1 Scale). */
  group?: string;
  version?: string;
  verbs: Verb[];
  /** A connect subresource (log, exec, attach, portforward, proxy): served through the kubelet, no object body. */
  connect?: boolean;
}

export interface ResourceInfo {
  group: string;
  version: string;
  /** Plural, lower case: `deployments`. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: Verb[];
  shortNames?: string[];
  categories?: string[];
  subresources: SubresourceInfo[];
}

const ALL: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS: SubresourceInfo = { name: 'status', kind: '', verbs: ['get', 'patch', 'update'] };
const SCALE: SubresourceInfo = {
  name: 'scale',
  kind: 'Scale',
  group: 'autoscaling',
  version: 'v1',
  verbs: ['get', 'patch', 'update'],
};

function r(
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  extra: { shortNames?: string[]; categories?: string[]; subresources?: SubresourceInfo[]; verbs?: Verb[]; singular?: string } = {},
): ResourceInfo {
  return {
    group,
    version,
    resource,
    singular: extra.singular ?? kind.toLowerCase(),
    kind,
    namespaced,
    verbs: extra.verbs ?? ALL,
    shortNames: extra.shortNames,
    categories: extra.categories,
    subresources: (extra.subresources ?? []).map((s) => ({ ...s, kind: s.kind || kind })),
  };
}

export const RESOURCES: readonly ResourceInfo[] = [
  // core/v1
  r('', 'v1', 'namespaces', 'Namespace', false, {
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [STATUS, { name: 'finalize', kind: 'Namespace', verbs: ['update'] }],
  }),
  r('', 'v1', 'pods', 'Pod', true, {
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      STATUS,
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
      { name: 'ephemeralcontainers', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
      { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'], connect: true },
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'], connect: true },
      { name: 'log', kind: 'Pod', verbs: ['get'], connect: true },
      { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'], connect: true },
      { name: 'proxy', kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'], connect: true },
    ],
  }),
  r('', 'v1', 'bindings', 'Binding', true, { verbs: ['create'] }),
  r('', 'v1', 'services', 'Service', true, {
    shortNames: ['svc'],
    categories: ['all'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [STATUS],
  }),
  r('', 'v1', 'endpoints', 'Endpoints', true, { shortNames: ['ep'], singular: 'endpoints' }),
  r('', 'v1', 'replicationcontrollers', 'ReplicationController', true, {
    shortNames: ['rc'],
    categories: ['all'],
    subresources: [STATUS, SCALE],
  }),
  r('', 'v1', 'nodes', 'Node', false, {
    shortNames: ['no'],
    subresources: [STATUS, { name: 'proxy', kind: 'NodeProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'], connect: true }],
  }),
  r('', 'v1', 'events', 'Event', true, { shortNames: ['ev'] }),
  r('', 'v1', 'configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
  r('', 'v1', 'secrets', 'Secret', true),
  r('', 'v1', 'serviceaccounts', 'ServiceAccount', true, {
    shortNames: ['sa'],
    subresources: [{ name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] }],
  }),
  r('', 'v1', 'persistentvolumes', 'PersistentVolume', false, { shortNames: ['pv'], subresources: [STATUS] }),
  r('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true, { shortNames: ['pvc'], subresources: [STATUS] }),
  r('', 'v1', 'podtemplates', 'PodTemplate', true),
  r('', 'v1', 'limitranges', 'LimitRange', true, { shortNames: ['limits'] }),
  r('', 'v1', 'resourcequotas', 'ResourceQuota', true, { shortNames: ['quota'], subresources: [STATUS] }),
  // apps/v1
  r('apps', 'v1', 'deployments', 'Deployment', true, {
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: [STATUS, SCALE],
  }),
  r('apps', 'v1', 'replicasets', 'ReplicaSet', true, { shortNames: ['rs'], categories: ['all'], subresources: [STATUS, SCALE] }),
  r('apps', 'v1', 'statefulsets', 'StatefulSet', true, { shortNames: ['sts'], categories: ['all'], subresources: [STATUS, SCALE] }),
  r('apps', 'v1', 'daemonsets', 'DaemonSet', true, { shortNames: ['ds'], categories: ['all'], subresources: [STATUS] }),
  r('apps', 'v1', 'controllerrevisions', 'ControllerRevision', true),
  // discovery.k8s.io/v1
  r('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true),
  // coordination.k8s.io/v1
  r('coordination.k8s.io', 'v1', 'leases', 'Lease', true),
  // events.k8s.io/v1
  r('events.k8s.io', 'v1', 'events', 'Event', true, { shortNames: ['ev'] }),
  // autoscaling
  r('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, {
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: [STATUS],
  }),
  r('autoscaling', 'v1', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, {
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: [STATUS],
  }),
  // batch/v1
  r('batch', 'v1', 'jobs', 'Job', true, { categories: ['all'], subresources: [STATUS] }),
  r('batch', 'v1', 'cronjobs', 'CronJob', true, { shortNames: ['cj'], categories: ['all'], subresources: [STATUS] }),
  // storage.k8s.io/v1
  r('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false, { shortNames: ['sc'] }),
  // policy/v1
  r('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, { shortNames: ['pdb'], subresources: [STATUS] }),
];

/** Group → versions in preference order (first is preferred). */
export function groupVersions(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const res of RESOURCES) {
    const vs = m.get(res.group) ?? [];
    if (!vs.includes(res.version)) vs.push(res.version);
    m.set(res.group, vs);
  }
  return m;
}

export const apiVersionOf = (res: { group: string; version: string }): string =>
  res.group ? `${res.group}/${res.version}` : res.version;

export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  return RESOURCES.find((x) => x.group === group && x.version === version && x.resource === resource);
}
