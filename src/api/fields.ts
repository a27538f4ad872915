/**
 * Field-selector support per resource, as upstream's field label conversion functions: which
 * field labels a resource accepts and their values for an object. metadata.name and
 * metadata.namespace are accepted everywhere.
 */
import type { KubeObject } from './types.js';

type Getter = (o: any) => unknown;

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

const common: Record<string, Getter> = {
  'metadata.name': (o) => o.metadata?.name,
  'metadata.namespace': (o) => o.metadata?.namespace,
};

const byResource: Record<string, Record<string, Getter>> = {
  '/pods': {
    'spec.nodeName': (o) => o.spec?.nodeName,
    'spec.restartPolicy': (o) => o.spec?.restartPolicy,
    'spec.schedulerName': (o) => o.spec?.schedulerName,
    'spec.serviceAccountName': (o) => o.spec?.serviceAccountName,
    'spec.hostNetwork': (o) => String(Boolean(o.spec?.hostNetwork)),
    'status.phase': (o) => o.status?.phase,
    'status.podIP': (o) => o.status?.podIP,
    'status.nominatedNodeName': (o) => o.status?.nominatedNodeName,
  },
  '/events': {
    'involvedObject.kind': (o) => o.involvedObject?.kind,
    'involvedObject.namespace': (o) => o.involvedObject?.namespace,
    'involvedObject.name': (o) => o.involvedObject?.name,
    'involvedObject.uid': (o) => o.involvedObject?.uid,
    'involvedObject.apiVersion': (o) => o.involvedObject?.apiVersion,
    'involvedObject.resourceVersion': (o) => o.involvedObject?.resourceVersion,
    'involvedObject.fieldPath': (o) => o.involvedObject?.fieldPath,
    reason: (o) => o.reason,
    reportingComponent: (o) => o.reportingComponent,
    source: (o) => o.source?.component,
    type: (o) => o.type,
  },
  'events.k8s.io/events': {
    'regarding.kind': (o) => o.regarding?.kind,
    'regarding.namespace': (o) => o.regarding?.namespace,
    'regarding.name': (o) => o.regarding?.name,
    'regarding.uid': (o) => o.regarding?.uid,
    reason: (o) => o.reason,
    reportingController: (o) => o.reportingController,
    type: (o) => o.type,
  },
  '/secrets': { type: (o) => o.type },
  '/namespaces': { 'status.phase': (o) => o.status?.phase },
  '/nodes': { 'spec.unschedulable': (o) => String(Boolean(o.spec?.unschedulable)) },
  '/replicationcontrollers': { 'status.replicas': (o) => String(o.status?.replicas ?? 0) },
  'apps/replicasets': { 'status.replicas': (o) => String(o.status?.replicas ?? 0) },
  'batch/jobs': { 'status.successful': (o) => String(o.status?.succeeded ?? 0) },
  '/services': { 'spec.clusterIP': (o) => o.spec?.clusterIP, 'spec.type': (o) => o.spec?.type },
  '/persistentvolumeclaims': { 'spec.volumeName': (o) => o.spec?.volumeName },
  'certificates.k8s.io/certificatesigningrequests': { 'spec.signerName': (o) => o.spec?.signerName },
};

function table(group: string, resource: string): Record<string, Getter> {
  return { ...common, ...(byResource[`${group}/${resource}`] ?? {}) };
}

/** Whether `field` may be used in a field selector on this resource. */
export function supportsField(group: string, resource: string, field: string): boolean {
  return field in table(group, resource);
}

/** The field-label values of `obj` (all supported labels). */
export function fieldsOf(group: string, resource: string, obj: KubeObject): Record<string, string> {
  const t = table(group, resource);
  const out: Record<string, string> = {};
  for (const [k, g] of Object.entries(t)) out[k] = str(g(obj));
  return out;
}
