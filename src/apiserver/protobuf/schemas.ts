/**
 * Protobuf message schemas of the Kubernetes API kinds whose protobuf request bodies are decoded.
 *
 * Field numbers are upstream's (k8s.io/api/<group>/<version>/generated.proto,
 * k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto, k8s.io/apimachinery/pkg/runtime/generated.proto,
 * k8s.io/apimachinery/pkg/util/intstr, k8s.io/apimachinery/pkg/api/resource). Names are the JSON
 * names of the Go fields, which differ from the proto field names in a few places (FieldsV1.Raw,
 * BoundObjectReference.uID, IngressClassParametersReference.aPIGroup, inline structs).
 *
 * Message names are upstream's proto names shortened: `meta.v1.X` (k8s.io.apimachinery.pkg.apis.meta.v1),
 * `runtime.X` (k8s.io.apimachinery.pkg.runtime), `resource.Quantity` (k8s.io.apimachinery.pkg.api.resource),
 * `intstr.IntOrString` (k8s.io.apimachinery.pkg.util.intstr), and `<group>.<version>.X` (k8s.io.api.<group>.<version>).
 *
 * A kind is listed in KINDS only when every message it reaches is described here, so no field of a
 * decoded object is silently dropped (unknown field numbers are skipped, as upstream does).
 */

export type ScalarKind = 'string' | 'bytes' | 'int32' | 'int64' | 'bool' | 'double';

export interface FieldSchema {
  /** The JSON field name. */
  name: string;
  /** A scalar kind, 'map', or the name of a message in MESSAGES. */
  kind: string;
  /** A list (`repeated`); each occurrence on the wire appends (packed scalars are accepted too). */
  repeated?: boolean;
  /** A map (`map<key, value>`, a repeated entry message with key = 1 and value = 2); `kind` is 'map'. */
  map?: { key: ScalarKind; value: string };
  /**
   * Keep zero values (0, false, "", a zero IntOrString) read from the wire. Set for Go pointer fields
   * (present on the wire only when set, so zero is meaningful) and fields without `omitempty`. Without
   * it a zero value means unset and is omitted, as the Go JSON encoding of the decoded struct does.
   */
  keepZero?: boolean;
  /** The Go struct is embedded inline (`json:",inline"`): its fields join the parent JSON object. */
  inline?: boolean;
}

/**
 * Messages whose JSON form is not an object:
 * - time: meta.v1.Time → RFC 3339 in seconds ("2006-01-02T15:04:05Z"); an empty message is the zero time (absent)
 * - microtime: meta.v1.MicroTime → RFC 3339 with 6 fractional digits
 * - quantity: resource.Quantity → its string
 * - intorstring: intstr.IntOrString → number (type 0) or string (type 1)
 * - rawjson: meta.v1.FieldsV1, runtime.RawExtension → the embedded JSON value
 * - stringlist: a named []string (the ExtraValue types) → the array of its items
 */
export type JsonForm = 'time' | 'microtime' | 'quantity' | 'intorstring' | 'rawjson' | 'stringlist';

export interface MessageSchema {
  fields: Record<number, FieldSchema>;
  json?: JsonForm;
}

export const SCALAR_KINDS: ReadonlySet<string> = new Set<ScalarKind>(['string', 'bytes', 'int32', 'int64', 'bool', 'double']);

type Flag = 'list' | 'ptr' | 'inline';
const LIST: Flag = 'list';
const PTR: Flag = 'ptr';
const INLINE: Flag = 'inline';

function f(name: string, kind: string, ...flags: Flag[]): FieldSchema {
  const out: FieldSchema = { name, kind };
  if (flags.includes(LIST)) out.repeated = true;
  if (flags.includes(PTR)) out.keepZero = true;
  if (flags.includes(INLINE)) out.inline = true;
  return out;
}

function m(name: string, key: ScalarKind, value: string): FieldSchema {
  return { name, kind: 'map', map: { key, value } };
}

const META = 'meta.v1.ObjectMeta';
const STR = 'string';
const STRS = (name: string): FieldSchema => f(name, STR, LIST);
const STRMAP = (name: string): FieldSchema => m(name, STR, STR);
const QMAP = (name: string): FieldSchema => m(name, STR, 'resource.Quantity');

export const MESSAGES: Record<string, MessageSchema> = {
  // k8s.io/apimachinery/pkg/runtime
  'runtime.Unknown': {
    fields: { 1: f('typeMeta', 'runtime.TypeMeta'), 2: f('raw', 'bytes'), 3: f('contentEncoding', STR), 4: f('contentType', STR) },
  },
  'runtime.TypeMeta': { fields: { 1: f('apiVersion', STR), 2: f('kind', STR) } },
  'runtime.RawExtension': { fields: { 1: f('raw', 'bytes', PTR) }, json: 'rawjson' },

  // k8s.io/apimachinery/pkg/util/intstr, k8s.io/apimachinery/pkg/api/resource
  'intstr.IntOrString': { fields: { 1: f('type', 'int64', PTR), 2: f('intVal', 'int32', PTR), 3: f('strVal', STR, PTR) }, json: 'intorstring' },
  'resource.Quantity': { fields: { 1: f('string', STR, PTR) }, json: 'quantity' },

  // k8s.io/apimachinery/pkg/apis/meta/v1
  'meta.v1.Time': { fields: { 1: f('seconds', 'int64', PTR), 2: f('nanos', 'int32', PTR) }, json: 'time' },
  'meta.v1.MicroTime': { fields: { 1: f('seconds', 'int64', PTR), 2: f('nanos', 'int32', PTR) }, json: 'microtime' },
  'meta.v1.FieldsV1': { fields: { 1: f('Raw', 'bytes', PTR) }, json: 'rawjson' },
  'meta.v1.TypeMeta': { fields: { 1: f('kind', STR), 2: f('apiVersion', STR) } },
  'meta.v1.ObjectMeta': {
    fields: {
      1: f('name', STR),
      2: f('generateName', STR),
      3: f('namespace', STR),
      4: f('selfLink', STR),
      5: f('uid', STR),
      6: f('resourceVersion', STR),
      7: f('generation', 'int64'),
      8: f('creationTimestamp', 'meta.v1.Time'),
      9: f('deletionTimestamp', 'meta.v1.Time'),
      10: f('deletionGracePeriodSeconds', 'int64', PTR),
      11: STRMAP('labels'),
      12: STRMAP('annotations'),
      13: f('ownerReferences', 'meta.v1.OwnerReference', LIST),
      14: STRS('finalizers'),
      17: f('managedFields', 'meta.v1.ManagedFieldsEntry', LIST),
    },
  },
  'meta.v1.OwnerReference': {
    fields: {
      1: f('kind', STR),
      3: f('name', STR),
      4: f('uid', STR),
      5: f('apiVersion', STR),
      6: f('controller', 'bool', PTR),
      7: f('blockOwnerDeletion', 'bool', PTR),
    },
  },
  'meta.v1.ManagedFieldsEntry': {
    fields: {
      1: f('manager', STR),
      2: f('operation', STR),
      3: f('apiVersion', STR),
      4: f('time', 'meta.v1.Time'),
      6: f('fieldsType', STR),
      7: f('fieldsV1', 'meta.v1.FieldsV1'),
      8: f('subresource', STR),
    },
  },
  'meta.v1.DeleteOptions': {
    fields: {
      1: f('gracePeriodSeconds', 'int64', PTR),
      2: f('preconditions', 'meta.v1.Preconditions'),
      3: f('orphanDependents', 'bool', PTR),
      4: f('propagationPolicy', STR, PTR),
      5: STRS('dryRun'),
      6: f('ignoreStoreReadErrorWithClusterBreakingPotential', 'bool', PTR),
    },
  },
  'meta.v1.Preconditions': { fields: { 1: f('uid', STR, PTR), 2: f('resourceVersion', STR, PTR) } },
  'meta.v1.LabelSelector': {
    fields: { 1: STRMAP('matchLabels'), 2: f('matchExpressions', 'meta.v1.LabelSelectorRequirement', LIST) },
  },
  'meta.v1.LabelSelectorRequirement': { fields: { 1: f('key', STR), 2: f('operator', STR), 3: STRS('values') } },
  'meta.v1.FieldSelectorRequirement': { fields: { 1: f('key', STR), 2: f('operator', STR), 3: STRS('values') } },
  'meta.v1.Condition': {
    fields: {
      1: f('type', STR),
      2: f('status', STR),
      3: f('observedGeneration', 'int64'),
      4: f('lastTransitionTime', 'meta.v1.Time'),
      5: f('reason', STR),
      6: f('message', STR),
    },
  },

  // k8s.io/api/core/v1
  'core.v1.Secret': {
    fields: { 1: f('metadata', META), 2: m('data', STR, 'bytes'), 3: f('type', STR), 4: STRMAP('stringData'), 5: f('immutable', 'bool', PTR) },
  },
  'core.v1.ConfigMap': {
    fields: { 1: f('metadata', META), 2: STRMAP('data'), 3: m('binaryData', STR, 'bytes'), 4: f('immutable', 'bool', PTR) },
  },
  'core.v1.Namespace': { fields: { 1: f('metadata', META), 2: f('spec', 'core.v1.NamespaceSpec'), 3: f('status', 'core.v1.NamespaceStatus') } },
  'core.v1.NamespaceSpec': { fields: { 1: STRS('finalizers') } },
  'core.v1.NamespaceStatus': { fields: { 1: f('phase', STR), 2: f('conditions', 'core.v1.NamespaceCondition', LIST) } },
  'core.v1.NamespaceCondition': {
    fields: { 1: f('type', STR), 2: f('status', STR), 4: f('lastTransitionTime', 'meta.v1.Time'), 5: f('reason', STR), 6: f('message', STR) },
  },
  'core.v1.ServiceAccount': {
    fields: {
      1: f('metadata', META),
      2: f('secrets', 'core.v1.ObjectReference', LIST),
      3: f('imagePullSecrets', 'core.v1.LocalObjectReference', LIST),
      4: f('automountServiceAccountToken', 'bool', PTR),
    },
  },
  'core.v1.ObjectReference': {
    fields: {
      1: f('kind', STR),
      2: f('namespace', STR),
      3: f('name', STR),
      4: f('uid', STR),
      5: f('apiVersion', STR),
      6: f('resourceVersion', STR),
      7: f('fieldPath', STR),
    },
  },
  'core.v1.LocalObjectReference': { fields: { 1: f('name', STR) } },
  'core.v1.TypedLocalObjectReference': { fields: { 1: f('apiGroup', STR, PTR), 2: f('kind', STR), 3: f('name', STR) } },
  'core.v1.Event': {
    fields: {
      1: f('metadata', META),
      2: f('involvedObject', 'core.v1.ObjectReference'),
      3: f('reason', STR),
      4: f('message', STR),
      5: f('source', 'core.v1.EventSource'),
      6: f('firstTimestamp', 'meta.v1.Time'),
      7: f('lastTimestamp', 'meta.v1.Time'),
      8: f('count', 'int32'),
      9: f('type', STR),
      10: f('eventTime', 'meta.v1.MicroTime'),
      11: f('series', 'core.v1.EventSeries'),
      12: f('action', STR),
      13: f('related', 'core.v1.ObjectReference'),
      14: f('reportingComponent', STR),
      15: f('reportingInstance', STR),
    },
  },
  'core.v1.EventSource': { fields: { 1: f('component', STR), 2: f('host', STR) } },
  'core.v1.EventSeries': { fields: { 1: f('count', 'int32'), 2: f('lastObservedTime', 'meta.v1.MicroTime') } },
  'core.v1.Binding': { fields: { 1: f('metadata', META), 2: f('target', 'core.v1.ObjectReference') } },
  'core.v1.Endpoints': { fields: { 1: f('metadata', META), 2: f('subsets', 'core.v1.EndpointSubset', LIST) } },
  'core.v1.EndpointSubset': {
    fields: {
      1: f('addresses', 'core.v1.EndpointAddress', LIST),
      2: f('notReadyAddresses', 'core.v1.EndpointAddress', LIST),
      3: f('ports', 'core.v1.EndpointPort', LIST),
    },
  },
  'core.v1.EndpointAddress': {
    fields: { 1: f('ip', STR), 2: f('targetRef', 'core.v1.ObjectReference'), 3: f('hostname', STR), 4: f('nodeName', STR, PTR) },
  },
  'core.v1.EndpointPort': { fields: { 1: f('name', STR), 2: f('port', 'int32'), 3: f('protocol', STR), 4: f('appProtocol', STR, PTR) } },
  'core.v1.Service': { fields: { 1: f('metadata', META), 2: f('spec', 'core.v1.ServiceSpec'), 3: f('status', 'core.v1.ServiceStatus') } },
  'core.v1.ServiceSpec': {
    fields: {
      1: f('ports', 'core.v1.ServicePort', LIST),
      2: STRMAP('selector'),
      3: f('clusterIP', STR),
      4: f('type', STR),
      5: STRS('externalIPs'),
      7: f('sessionAffinity', STR),
      8: f('loadBalancerIP', STR),
      9: STRS('loadBalancerSourceRanges'),
      10: f('externalName', STR),
      11: f('externalTrafficPolicy', STR),
      12: f('healthCheckNodePort', 'int32'),
      13: f('publishNotReadyAddresses', 'bool'),
      14: f('sessionAffinityConfig', 'core.v1.SessionAffinityConfig'),
      17: f('ipFamilyPolicy', STR, PTR),
      18: STRS('clusterIPs'),
      19: STRS('ipFamilies'),
      20: f('allocateLoadBalancerNodePorts', 'bool', PTR),
      21: f('loadBalancerClass', STR, PTR),
      22: f('internalTrafficPolicy', STR, PTR),
      23: f('trafficDistribution', STR, PTR),
    },
  },
  'core.v1.ServicePort': {
    fields: {
      1: f('name', STR),
      2: f('protocol', STR),
      3: f('port', 'int32'),
      4: f('targetPort', 'intstr.IntOrString'),
      5: f('nodePort', 'int32'),
      6: f('appProtocol', STR, PTR),
    },
  },
  'core.v1.SessionAffinityConfig': { fields: { 1: f('clientIP', 'core.v1.ClientIPConfig') } },
  'core.v1.ClientIPConfig': { fields: { 1: f('timeoutSeconds', 'int32', PTR) } },
  'core.v1.ServiceStatus': {
    fields: { 1: f('loadBalancer', 'core.v1.LoadBalancerStatus'), 2: f('conditions', 'meta.v1.Condition', LIST) },
  },
  'core.v1.LoadBalancerStatus': { fields: { 1: f('ingress', 'core.v1.LoadBalancerIngress', LIST) } },
  'core.v1.LoadBalancerIngress': {
    fields: { 1: f('ip', STR), 2: f('hostname', STR), 3: f('ipMode', STR, PTR), 4: f('ports', 'core.v1.PortStatus', LIST) },
  },
  'core.v1.PortStatus': { fields: { 1: f('port', 'int32', PTR), 2: f('protocol', STR, PTR), 3: f('error', STR, PTR) } },
  'core.v1.ResourceQuota': {
    fields: { 1: f('metadata', META), 2: f('spec', 'core.v1.ResourceQuotaSpec'), 3: f('status', 'core.v1.ResourceQuotaStatus') },
  },
  'core.v1.ResourceQuotaSpec': { fields: { 1: QMAP('hard'), 2: STRS('scopes'), 3: f('scopeSelector', 'core.v1.ScopeSelector') } },
  'core.v1.ScopeSelector': { fields: { 1: f('matchExpressions', 'core.v1.ScopedResourceSelectorRequirement', LIST) } },
  'core.v1.ScopedResourceSelectorRequirement': { fields: { 1: f('scopeName', STR), 2: f('operator', STR), 3: STRS('values') } },
  'core.v1.ResourceQuotaStatus': { fields: { 1: QMAP('hard'), 2: QMAP('used') } },
  'core.v1.LimitRange': { fields: { 1: f('metadata', META), 2: f('spec', 'core.v1.LimitRangeSpec') } },
  'core.v1.LimitRangeSpec': { fields: { 1: f('limits', 'core.v1.LimitRangeItem', LIST) } },
  'core.v1.LimitRangeItem': {
    fields: {
      1: f('type', STR),
      2: QMAP('max'),
      3: QMAP('min'),
      4: QMAP('default'),
      5: QMAP('defaultRequest'),
      6: QMAP('maxLimitRequestRatio'),
    },
  },

  // k8s.io/api/coordination/v1
  'coordination.v1.Lease': { fields: { 1: f('metadata', META), 2: f('spec', 'coordination.v1.LeaseSpec') } },
  'coordination.v1.LeaseSpec': {
    fields: {
      1: f('holderIdentity', STR, PTR),
      2: f('leaseDurationSeconds', 'int32', PTR),
      3: f('acquireTime', 'meta.v1.MicroTime'),
      4: f('renewTime', 'meta.v1.MicroTime'),
      5: f('leaseTransitions', 'int32', PTR),
      6: f('strategy', STR, PTR),
      7: f('preferredHolder', STR, PTR),
    },
  },

  // k8s.io/api/events/v1
  'events.v1.Event': {
    fields: {
      1: f('metadata', META),
      2: f('eventTime', 'meta.v1.MicroTime'),
      3: f('series', 'events.v1.EventSeries'),
      4: f('reportingController', STR),
      5: f('reportingInstance', STR),
      6: f('action', STR),
      7: f('reason', STR),
      8: f('regarding', 'core.v1.ObjectReference'),
      9: f('related', 'core.v1.ObjectReference'),
      10: f('note', STR),
      11: f('type', STR),
      12: f('deprecatedSource', 'core.v1.EventSource'),
      13: f('deprecatedFirstTimestamp', 'meta.v1.Time'),
      14: f('deprecatedLastTimestamp', 'meta.v1.Time'),
      15: f('deprecatedCount', 'int32'),
    },
  },
  'events.v1.EventSeries': { fields: { 1: f('count', 'int32', PTR), 2: f('lastObservedTime', 'meta.v1.MicroTime') } },

  // k8s.io/api/policy/v1
  'policy.v1.Eviction': { fields: { 1: f('metadata', META), 2: f('deleteOptions', 'meta.v1.DeleteOptions') } },
  'policy.v1.PodDisruptionBudget': {
    fields: { 1: f('metadata', META), 2: f('spec', 'policy.v1.PodDisruptionBudgetSpec'), 3: f('status', 'policy.v1.PodDisruptionBudgetStatus') },
  },
  'policy.v1.PodDisruptionBudgetSpec': {
    fields: {
      1: f('minAvailable', 'intstr.IntOrString', PTR),
      2: f('selector', 'meta.v1.LabelSelector'),
      3: f('maxUnavailable', 'intstr.IntOrString', PTR),
      4: f('unhealthyPodEvictionPolicy', STR, PTR),
    },
  },
  'policy.v1.PodDisruptionBudgetStatus': {
    fields: {
      1: f('observedGeneration', 'int64'),
      2: m('disruptedPods', STR, 'meta.v1.Time'),
      3: f('disruptionsAllowed', 'int32', PTR),
      4: f('currentHealthy', 'int32', PTR),
      5: f('desiredHealthy', 'int32', PTR),
      6: f('expectedPods', 'int32', PTR),
      7: f('conditions', 'meta.v1.Condition', LIST),
    },
  },

  // k8s.io/api/rbac/v1
  'rbac.v1.Role': { fields: { 1: f('metadata', META), 2: f('rules', 'rbac.v1.PolicyRule', LIST) } },
  'rbac.v1.ClusterRole': {
    fields: { 1: f('metadata', META), 2: f('rules', 'rbac.v1.PolicyRule', LIST), 3: f('aggregationRule', 'rbac.v1.AggregationRule') },
  },
  'rbac.v1.PolicyRule': {
    fields: { 1: STRS('verbs'), 2: STRS('apiGroups'), 3: STRS('resources'), 4: STRS('resourceNames'), 5: STRS('nonResourceURLs') },
  },
  'rbac.v1.AggregationRule': { fields: { 1: f('clusterRoleSelectors', 'meta.v1.LabelSelector', LIST) } },
  'rbac.v1.RoleBinding': { fields: { 1: f('metadata', META), 2: f('subjects', 'rbac.v1.Subject', LIST), 3: f('roleRef', 'rbac.v1.RoleRef') } },
  'rbac.v1.ClusterRoleBinding': {
    fields: { 1: f('metadata', META), 2: f('subjects', 'rbac.v1.Subject', LIST), 3: f('roleRef', 'rbac.v1.RoleRef') },
  },
  'rbac.v1.Subject': { fields: { 1: f('kind', STR), 2: f('apiGroup', STR), 3: f('name', STR), 4: f('namespace', STR) } },
  'rbac.v1.RoleRef': { fields: { 1: f('apiGroup', STR), 2: f('kind', STR), 3: f('name', STR) } },

  // k8s.io/api/scheduling/v1
  'scheduling.v1.PriorityClass': {
    fields: {
      1: f('metadata', META),
      2: f('value', 'int32', PTR),
      3: f('globalDefault', 'bool'),
      4: f('description', STR),
      5: f('preemptionPolicy', STR, PTR),
    },
  },

  // k8s.io/api/networking/v1
  'networking.v1.Ingress': {
    fields: { 1: f('metadata', META), 2: f('spec', 'networking.v1.IngressSpec'), 3: f('status', 'networking.v1.IngressStatus') },
  },
  'networking.v1.IngressSpec': {
    fields: {
      1: f('defaultBackend', 'networking.v1.IngressBackend'),
      2: f('tls', 'networking.v1.IngressTLS', LIST),
      3: f('rules', 'networking.v1.IngressRule', LIST),
      4: f('ingressClassName', STR, PTR),
    },
  },
  'networking.v1.IngressBackend': {
    fields: { 3: f('resource', 'core.v1.TypedLocalObjectReference'), 4: f('service', 'networking.v1.IngressServiceBackend') },
  },
  'networking.v1.IngressServiceBackend': { fields: { 1: f('name', STR), 2: f('port', 'networking.v1.ServiceBackendPort') } },
  'networking.v1.ServiceBackendPort': { fields: { 1: f('name', STR), 2: f('number', 'int32') } },
  'networking.v1.IngressTLS': { fields: { 1: STRS('hosts'), 2: f('secretName', STR) } },
  'networking.v1.IngressRule': { fields: { 1: f('host', STR), 2: f('ingressRuleValue', 'networking.v1.IngressRuleValue', INLINE) } },
  'networking.v1.IngressRuleValue': { fields: { 1: f('http', 'networking.v1.HTTPIngressRuleValue') } },
  'networking.v1.HTTPIngressRuleValue': { fields: { 1: f('paths', 'networking.v1.HTTPIngressPath', LIST) } },
  'networking.v1.HTTPIngressPath': {
    fields: { 1: f('path', STR), 2: f('backend', 'networking.v1.IngressBackend'), 3: f('pathType', STR, PTR) },
  },
  'networking.v1.IngressStatus': { fields: { 1: f('loadBalancer', 'networking.v1.IngressLoadBalancerStatus') } },
  'networking.v1.IngressLoadBalancerStatus': { fields: { 1: f('ingress', 'networking.v1.IngressLoadBalancerIngress', LIST) } },
  'networking.v1.IngressLoadBalancerIngress': {
    fields: { 1: f('ip', STR), 2: f('hostname', STR), 4: f('ports', 'networking.v1.IngressPortStatus', LIST) },
  },
  'networking.v1.IngressPortStatus': { fields: { 1: f('port', 'int32', PTR), 2: f('protocol', STR, PTR), 3: f('error', STR, PTR) } },
  'networking.v1.IngressClass': { fields: { 1: f('metadata', META), 2: f('spec', 'networking.v1.IngressClassSpec') } },
  'networking.v1.IngressClassSpec': {
    fields: { 1: f('controller', STR), 2: f('parameters', 'networking.v1.IngressClassParametersReference') },
  },
  'networking.v1.IngressClassParametersReference': {
    fields: { 1: f('apiGroup', STR, PTR), 2: f('kind', STR), 3: f('name', STR), 4: f('scope', STR, PTR), 5: f('namespace', STR, PTR) },
  },

  // k8s.io/api/authentication/v1
  'authentication.v1.TokenRequest': {
    fields: {
      1: f('metadata', META),
      2: f('spec', 'authentication.v1.TokenRequestSpec'),
      3: f('status', 'authentication.v1.TokenRequestStatus'),
    },
  },
  'authentication.v1.TokenRequestSpec': {
    fields: {
      1: STRS('audiences'),
      3: f('boundObjectRef', 'authentication.v1.BoundObjectReference'),
      4: f('expirationSeconds', 'int64', PTR),
    },
  },
  'authentication.v1.BoundObjectReference': { fields: { 1: f('kind', STR), 2: f('apiVersion', STR), 3: f('name', STR), 4: f('uid', STR) } },
  'authentication.v1.TokenRequestStatus': { fields: { 1: f('token', STR, PTR), 2: f('expirationTimestamp', 'meta.v1.Time') } },
  'authentication.v1.TokenReview': {
    fields: {
      1: f('metadata', META),
      2: f('spec', 'authentication.v1.TokenReviewSpec'),
      3: f('status', 'authentication.v1.TokenReviewStatus'),
    },
  },
  'authentication.v1.TokenReviewSpec': { fields: { 1: f('token', STR), 2: STRS('audiences') } },
  'authentication.v1.TokenReviewStatus': {
    fields: { 1: f('authenticated', 'bool'), 2: f('user', 'authentication.v1.UserInfo'), 3: f('error', STR), 4: STRS('audiences') },
  },
  'authentication.v1.UserInfo': {
    fields: { 1: f('username', STR), 2: f('uid', STR), 3: STRS('groups'), 4: m('extra', STR, 'authentication.v1.ExtraValue') },
  },
  'authentication.v1.ExtraValue': { fields: { 1: STRS('items') }, json: 'stringlist' },
  'authentication.v1.SelfSubjectReview': {
    fields: { 1: f('metadata', META), 2: f('status', 'authentication.v1.SelfSubjectReviewStatus') },
  },
  'authentication.v1.SelfSubjectReviewStatus': { fields: { 1: f('userInfo', 'authentication.v1.UserInfo') } },

  // k8s.io/api/authorization/v1
  'authorization.v1.SelfSubjectAccessReview': {
    fields: {
      1: f('metadata', META),
      2: f('spec', 'authorization.v1.SelfSubjectAccessReviewSpec'),
      3: f('status', 'authorization.v1.SubjectAccessReviewStatus'),
    },
  },
  'authorization.v1.SelfSubjectAccessReviewSpec': {
    fields: {
      1: f('resourceAttributes', 'authorization.v1.ResourceAttributes'),
      2: f('nonResourceAttributes', 'authorization.v1.NonResourceAttributes'),
    },
  },
  'authorization.v1.ResourceAttributes': {
    fields: {
      1: f('namespace', STR),
      2: f('verb', STR),
      3: f('group', STR),
      4: f('version', STR),
      5: f('resource', STR),
      6: f('subresource', STR),
      7: f('name', STR),
      8: f('fieldSelector', 'authorization.v1.FieldSelectorAttributes'),
      9: f('labelSelector', 'authorization.v1.LabelSelectorAttributes'),
    },
  },
  'authorization.v1.FieldSelectorAttributes': {
    fields: { 1: f('rawSelector', STR), 2: f('requirements', 'meta.v1.FieldSelectorRequirement', LIST) },
  },
  'authorization.v1.LabelSelectorAttributes': {
    fields: { 1: f('rawSelector', STR), 2: f('requirements', 'meta.v1.LabelSelectorRequirement', LIST) },
  },
  'authorization.v1.NonResourceAttributes': { fields: { 1: f('path', STR), 2: f('verb', STR) } },
  'authorization.v1.SubjectAccessReviewStatus': {
    fields: { 1: f('allowed', 'bool', PTR), 2: f('reason', STR), 3: f('evaluationError', STR), 4: f('denied', 'bool') },
  },
  'authorization.v1.SubjectAccessReview': {
    fields: {
      1: f('metadata', META),
      2: f('spec', 'authorization.v1.SubjectAccessReviewSpec'),
      3: f('status', 'authorization.v1.SubjectAccessReviewStatus'),
    },
  },
  'authorization.v1.LocalSubjectAccessReview': {
    fields: {
      1: f('metadata', META),
      2: f('spec', 'authorization.v1.SubjectAccessReviewSpec'),
      3: f('status', 'authorization.v1.SubjectAccessReviewStatus'),
    },
  },
  'authorization.v1.SubjectAccessReviewSpec': {
    fields: {
      1: f('resourceAttributes', 'authorization.v1.ResourceAttributes'),
      2: f('nonResourceAttributes', 'authorization.v1.NonResourceAttributes'),
      3: f('user', STR),
      4: STRS('groups'),
      5: m('extra', STR, 'authorization.v1.ExtraValue'),
      6: f('uid', STR),
    },
  },
  'authorization.v1.ExtraValue': { fields: { 1: STRS('items') }, json: 'stringlist' },
  'authorization.v1.SelfSubjectRulesReview': {
    fields: {
      1: f('metadata', META),
      2: f('spec', 'authorization.v1.SelfSubjectRulesReviewSpec'),
      3: f('status', 'authorization.v1.SubjectRulesReviewStatus'),
    },
  },
  'authorization.v1.SelfSubjectRulesReviewSpec': { fields: { 1: f('namespace', STR) } },
  'authorization.v1.SubjectRulesReviewStatus': {
    fields: {
      1: f('resourceRules', 'authorization.v1.ResourceRule', LIST),
      2: f('nonResourceRules', 'authorization.v1.NonResourceRule', LIST),
      3: f('incomplete', 'bool', PTR),
      4: f('evaluationError', STR),
    },
  },
  'authorization.v1.ResourceRule': { fields: { 1: STRS('verbs'), 2: STRS('apiGroups'), 3: STRS('resources'), 4: STRS('resourceNames') } },
  'authorization.v1.NonResourceRule': { fields: { 1: STRS('verbs'), 2: STRS('nonResourceURLs') } },

  // Workloads: k8s.io/api/core/v1 (Pod and its closure, PodTemplate, ReplicationController,
  // PersistentVolumeClaim), k8s.io/api/apps/v1, k8s.io/api/batch/v1, k8s.io/api/autoscaling/v1 Scale.
  'core.v1.Pod': { fields: { 1: f('metadata', META), 2: f('spec', 'core.v1.PodSpec'), 3: f('status', 'core.v1.PodStatus') } },
  'core.v1.PodSpec': {
    fields: {
      1: f('volumes', 'core.v1.Volume', LIST),
      2: f('containers', 'core.v1.Container', LIST),
      3: f('restartPolicy', STR),
      4: f('terminationGracePeriodSeconds', 'int64', PTR),
      5: f('activeDeadlineSeconds', 'int64', PTR),
      6: f('dnsPolicy', STR),
      7: STRMAP('nodeSelector'),
      8: f('serviceAccountName', STR),
      9: f('serviceAccount', STR),
      10: f('nodeName', STR),
      11: f('hostNetwork', 'bool'),
      12: f('hostPID', 'bool'),
      13: f('hostIPC', 'bool'),
      14: f('securityContext', 'core.v1.PodSecurityContext'),
      15: f('imagePullSecrets', 'core.v1.LocalObjectReference', LIST),
      16: f('hostname', STR),
      17: f('subdomain', STR),
      18: f('affinity', 'core.v1.Affinity'),
      19: f('schedulerName', STR),
      20: f('initContainers', 'core.v1.Container', LIST),
      21: f('automountServiceAccountToken', 'bool', PTR),
      22: f('tolerations', 'core.v1.Toleration', LIST),
      23: f('hostAliases', 'core.v1.HostAlias', LIST),
      24: f('priorityClassName', STR),
      25: f('priority', 'int32', PTR),
      26: f('dnsConfig', 'core.v1.PodDNSConfig'),
      27: f('shareProcessNamespace', 'bool', PTR),
      28: f('readinessGates', 'core.v1.PodReadinessGate', LIST),
      29: f('runtimeClassName', STR, PTR),
      30: f('enableServiceLinks', 'bool', PTR),
      31: f('preemptionPolicy', STR, PTR),
      32: QMAP('overhead'),
      33: f('topologySpreadConstraints', 'core.v1.TopologySpreadConstraint', LIST),
      34: f('ephemeralContainers', 'core.v1.EphemeralContainer', LIST),
      35: f('setHostnameAsFQDN', 'bool', PTR),
      36: f('os', 'core.v1.PodOS'),
      37: f('hostUsers', 'bool', PTR),
      38: f('schedulingGates', 'core.v1.PodSchedulingGate', LIST),
      39: f('resourceClaims', 'core.v1.PodResourceClaim', LIST),
      40: f('resources', 'core.v1.ResourceRequirements'),
    },
  },
  'core.v1.Volume': { fields: { 1: f('name', STR), 2: f('volumeSource', 'core.v1.VolumeSource', INLINE) } },
  'core.v1.VolumeSource': {
    fields: {
      1: f('hostPath', 'core.v1.HostPathVolumeSource'),
      2: f('emptyDir', 'core.v1.EmptyDirVolumeSource'),
      3: f('gcePersistentDisk', 'core.v1.GCEPersistentDiskVolumeSource'),
      4: f('awsElasticBlockStore', 'core.v1.AWSElasticBlockStoreVolumeSource'),
      5: f('gitRepo', 'core.v1.GitRepoVolumeSource'),
      6: f('secret', 'core.v1.SecretVolumeSource'),
      7: f('nfs', 'core.v1.NFSVolumeSource'),
      8: f('iscsi', 'core.v1.ISCSIVolumeSource'),
      9: f('glusterfs', 'core.v1.GlusterfsVolumeSource'),
      10: f('persistentVolumeClaim', 'core.v1.PersistentVolumeClaimVolumeSource'),
      11: f('rbd', 'core.v1.RBDVolumeSource'),
      12: f('flexVolume', 'core.v1.FlexVolumeSource'),
      13: f('cinder', 'core.v1.CinderVolumeSource'),
      14: f('cephfs', 'core.v1.CephFSVolumeSource'),
      15: f('flocker', 'core.v1.FlockerVolumeSource'),
      16: f('downwardAPI', 'core.v1.DownwardAPIVolumeSource'),
      17: f('fc', 'core.v1.FCVolumeSource'),
      18: f('azureFile', 'core.v1.AzureFileVolumeSource'),
      19: f('configMap', 'core.v1.ConfigMapVolumeSource'),
      20: f('vsphereVolume', 'core.v1.VsphereVirtualDiskVolumeSource'),
      21: f('quobyte', 'core.v1.QuobyteVolumeSource'),
      22: f('azureDisk', 'core.v1.AzureDiskVolumeSource'),
      23: f('photonPersistentDisk', 'core.v1.PhotonPersistentDiskVolumeSource'),
      24: f('portworxVolume', 'core.v1.PortworxVolumeSource'),
      25: f('scaleIO', 'core.v1.ScaleIOVolumeSource'),
      26: f('projected', 'core.v1.ProjectedVolumeSource'),
      27: f('storageos', 'core.v1.StorageOSVolumeSource'),
      28: f('csi', 'core.v1.CSIVolumeSource'),
      29: f('ephemeral', 'core.v1.EphemeralVolumeSource'),
      30: f('image', 'core.v1.ImageVolumeSource'),
    },
  },
  'core.v1.HostPathVolumeSource': { fields: { 1: f('path', STR), 2: f('type', STR, PTR) } },
  'core.v1.EmptyDirVolumeSource': { fields: { 1: f('medium', STR), 2: f('sizeLimit', 'resource.Quantity') } },
  'core.v1.GCEPersistentDiskVolumeSource': {
    fields: {
      1: f('pdName', STR),
      2: f('fsType', STR),
      3: f('partition', 'int32'),
      4: f('readOnly', 'bool'),
    },
  },
  'core.v1.AWSElasticBlockStoreVolumeSource': {
    fields: {
      1: f('volumeID', STR),
      2: f('fsType', STR),
      3: f('partition', 'int32'),
      4: f('readOnly', 'bool'),
    },
  },
  'core.v1.GitRepoVolumeSource': { fields: { 1: f('repository', STR), 2: f('revision', STR), 3: f('directory', STR) } },
  'core.v1.SecretVolumeSource': {
    fields: {
      1: f('secretName', STR),
      2: f('items', 'core.v1.KeyToPath', LIST),
      3: f('defaultMode', 'int32', PTR),
      4: f('optional', 'bool', PTR),
    },
  },
  'core.v1.KeyToPath': { fields: { 1: f('key', STR), 2: f('path', STR), 3: f('mode', 'int32', PTR) } },
  'core.v1.NFSVolumeSource': { fields: { 1: f('server', STR), 2: f('path', STR), 3: f('readOnly', 'bool') } },
  'core.v1.ISCSIVolumeSource': {
    fields: {
      1: f('targetPortal', STR),
      2: f('iqn', STR),
      3: f('lun', 'int32', PTR),
      4: f('iscsiInterface', STR),
      5: f('fsType', STR),
      6: f('readOnly', 'bool'),
      7: STRS('portals'),
      8: f('chapAuthDiscovery', 'bool'),
      10: f('secretRef', 'core.v1.LocalObjectReference'),
      11: f('chapAuthSession', 'bool'),
      12: f('initiatorName', STR, PTR),
    },
  },
  'core.v1.GlusterfsVolumeSource': { fields: { 1: f('endpoints', STR), 2: f('path', STR), 3: f('readOnly', 'bool') } },
  'core.v1.PersistentVolumeClaimVolumeSource': { fields: { 1: f('claimName', STR), 2: f('readOnly', 'bool') } },
  'core.v1.RBDVolumeSource': {
    fields: {
      1: STRS('monitors'),
      2: f('image', STR),
      3: f('fsType', STR),
      4: f('pool', STR),
      5: f('user', STR),
      6: f('keyring', STR),
      7: f('secretRef', 'core.v1.LocalObjectReference'),
      8: f('readOnly', 'bool'),
    },
  },
  'core.v1.FlexVolumeSource': {
    fields: {
      1: f('driver', STR),
      2: f('fsType', STR),
      3: f('secretRef', 'core.v1.LocalObjectReference'),
      4: f('readOnly', 'bool'),
      5: STRMAP('options'),
    },
  },
  'core.v1.CinderVolumeSource': {
    fields: {
      1: f('volumeID', STR),
      2: f('fsType', STR),
      3: f('readOnly', 'bool'),
      4: f('secretRef', 'core.v1.LocalObjectReference'),
    },
  },
  'core.v1.CephFSVolumeSource': {
    fields: {
      1: STRS('monitors'),
      2: f('path', STR),
      3: f('user', STR),
      4: f('secretFile', STR),
      5: f('secretRef', 'core.v1.LocalObjectReference'),
      6: f('readOnly', 'bool'),
    },
  },
  'core.v1.FlockerVolumeSource': { fields: { 1: f('datasetName', STR), 2: f('datasetUUID', STR) } },
  'core.v1.DownwardAPIVolumeSource': {
    fields: {
      1: f('items', 'core.v1.DownwardAPIVolumeFile', LIST),
      2: f('defaultMode', 'int32', PTR),
    },
  },
  'core.v1.DownwardAPIVolumeFile': {
    fields: {
      1: f('path', STR),
      2: f('fieldRef', 'core.v1.ObjectFieldSelector'),
      3: f('resourceFieldRef', 'core.v1.ResourceFieldSelector'),
      4: f('mode', 'int32', PTR),
    },
  },
  'core.v1.ObjectFieldSelector': { fields: { 1: f('apiVersion', STR), 2: f('fieldPath', STR) } },
  'core.v1.ResourceFieldSelector': {
    fields: {
      1: f('containerName', STR),
      2: f('resource', STR),
      3: f('divisor', 'resource.Quantity'),
    },
  },
  'core.v1.FCVolumeSource': {
    fields: {
      1: STRS('targetWWNs'),
      2: f('lun', 'int32', PTR),
      3: f('fsType', STR),
      4: f('readOnly', 'bool'),
      5: STRS('wwids'),
    },
  },
  'core.v1.AzureFileVolumeSource': { fields: { 1: f('secretName', STR), 2: f('shareName', STR), 3: f('readOnly', 'bool') } },
  'core.v1.ConfigMapVolumeSource': {
    fields: {
      1: f('localObjectReference', 'core.v1.LocalObjectReference', INLINE),
      2: f('items', 'core.v1.KeyToPath', LIST),
      3: f('defaultMode', 'int32', PTR),
      4: f('optional', 'bool', PTR),
    },
  },
  'core.v1.VsphereVirtualDiskVolumeSource': {
    fields: {
      1: f('volumePath', STR),
      2: f('fsType', STR),
      3: f('storagePolicyName', STR),
      4: f('storagePolicyID', STR),
    },
  },
  'core.v1.QuobyteVolumeSource': {
    fields: {
      1: f('registry', STR),
      2: f('volume', STR),
      3: f('readOnly', 'bool'),
      4: f('user', STR),
      5: f('group', STR),
      6: f('tenant', STR),
    },
  },
  'core.v1.AzureDiskVolumeSource': {
    fields: {
      1: f('diskName', STR),
      2: f('diskURI', STR),
      3: f('cachingMode', STR, PTR),
      4: f('fsType', STR, PTR),
      5: f('readOnly', 'bool', PTR),
      6: f('kind', STR, PTR),
    },
  },
  'core.v1.PhotonPersistentDiskVolumeSource': { fields: { 1: f('pdID', STR), 2: f('fsType', STR) } },
  'core.v1.PortworxVolumeSource': { fields: { 1: f('volumeID', STR), 2: f('fsType', STR), 3: f('readOnly', 'bool') } },
  'core.v1.ScaleIOVolumeSource': {
    fields: {
      1: f('gateway', STR),
      2: f('system', STR),
      3: f('secretRef', 'core.v1.LocalObjectReference'),
      4: f('sslEnabled', 'bool'),
      5: f('protectionDomain', STR),
      6: f('storagePool', STR),
      7: f('storageMode', STR),
      8: f('volumeName', STR),
      9: f('fsType', STR),
      10: f('readOnly', 'bool'),
    },
  },
  'core.v1.ProjectedVolumeSource': {
    fields: {
      1: f('sources', 'core.v1.VolumeProjection', LIST),
      2: f('defaultMode', 'int32', PTR),
    },
  },
  'core.v1.VolumeProjection': {
    fields: {
      1: f('secret', 'core.v1.SecretProjection'),
      2: f('downwardAPI', 'core.v1.DownwardAPIProjection'),
      3: f('configMap', 'core.v1.ConfigMapProjection'),
      4: f('serviceAccountToken', 'core.v1.ServiceAccountTokenProjection'),
      5: f('clusterTrustBundle', 'core.v1.ClusterTrustBundleProjection'),
    },
  },
  'core.v1.SecretProjection': {
    fields: {
      1: f('localObjectReference', 'core.v1.LocalObjectReference', INLINE),
      2: f('items', 'core.v1.KeyToPath', LIST),
      4: f('optional', 'bool', PTR),
    },
  },
  'core.v1.DownwardAPIProjection': { fields: { 1: f('items', 'core.v1.DownwardAPIVolumeFile', LIST) } },
  'core.v1.ConfigMapProjection': {
    fields: {
      1: f('localObjectReference', 'core.v1.LocalObjectReference', INLINE),
      2: f('items', 'core.v1.KeyToPath', LIST),
      4: f('optional', 'bool', PTR),
    },
  },
  'core.v1.ServiceAccountTokenProjection': {
    fields: {
      1: f('audience', STR),
      2: f('expirationSeconds', 'int64', PTR),
      3: f('path', STR),
    },
  },
  'core.v1.ClusterTrustBundleProjection': {
    fields: {
      1: f('name', STR, PTR),
      2: f('signerName', STR, PTR),
      3: f('labelSelector', 'meta.v1.LabelSelector'),
      4: f('path', STR),
      5: f('optional', 'bool', PTR),
    },
  },
  'core.v1.StorageOSVolumeSource': {
    fields: {
      1: f('volumeName', STR),
      2: f('volumeNamespace', STR),
      3: f('fsType', STR),
      4: f('readOnly', 'bool'),
      5: f('secretRef', 'core.v1.LocalObjectReference'),
    },
  },
  'core.v1.CSIVolumeSource': {
    fields: {
      1: f('driver', STR),
      2: f('readOnly', 'bool', PTR),
      3: f('fsType', STR, PTR),
      4: STRMAP('volumeAttributes'),
      5: f('nodePublishSecretRef', 'core.v1.LocalObjectReference'),
    },
  },
  'core.v1.EphemeralVolumeSource': { fields: { 1: f('volumeClaimTemplate', 'core.v1.PersistentVolumeClaimTemplate') } },
  'core.v1.PersistentVolumeClaimTemplate': {
    fields: {
      1: f('metadata', META),
      2: f('spec', 'core.v1.PersistentVolumeClaimSpec'),
    },
  },
  'core.v1.PersistentVolumeClaimSpec': {
    fields: {
      1: STRS('accessModes'),
      2: f('resources', 'core.v1.VolumeResourceRequirements'),
      3: f('volumeName', STR),
      4: f('selector', 'meta.v1.LabelSelector'),
      5: f('storageClassName', STR, PTR),
      6: f('volumeMode', STR, PTR),
      7: f('dataSource', 'core.v1.TypedLocalObjectReference'),
      8: f('dataSourceRef', 'core.v1.TypedObjectReference'),
      9: f('volumeAttributesClassName', STR, PTR),
    },
  },
  'core.v1.VolumeResourceRequirements': { fields: { 1: QMAP('limits'), 2: QMAP('requests') } },
  'core.v1.TypedObjectReference': {
    fields: {
      1: f('apiGroup', STR, PTR),
      2: f('kind', STR),
      3: f('name', STR),
      4: f('namespace', STR, PTR),
    },
  },
  'core.v1.ImageVolumeSource': { fields: { 1: f('reference', STR), 2: f('pullPolicy', STR) } },
  'core.v1.Container': {
    fields: {
      1: f('name', STR),
      2: f('image', STR),
      3: STRS('command'),
      4: STRS('args'),
      5: f('workingDir', STR),
      6: f('ports', 'core.v1.ContainerPort', LIST),
      7: f('env', 'core.v1.EnvVar', LIST),
      8: f('resources', 'core.v1.ResourceRequirements'),
      9: f('volumeMounts', 'core.v1.VolumeMount', LIST),
      10: f('livenessProbe', 'core.v1.Probe'),
      11: f('readinessProbe', 'core.v1.Probe'),
      12: f('lifecycle', 'core.v1.Lifecycle'),
      13: f('terminationMessagePath', STR),
      14: f('imagePullPolicy', STR),
      15: f('securityContext', 'core.v1.SecurityContext'),
      16: f('stdin', 'bool'),
      17: f('stdinOnce', 'bool'),
      18: f('tty', 'bool'),
      19: f('envFrom', 'core.v1.EnvFromSource', LIST),
      20: f('terminationMessagePolicy', STR),
      21: f('volumeDevices', 'core.v1.VolumeDevice', LIST),
      22: f('startupProbe', 'core.v1.Probe'),
      23: f('resizePolicy', 'core.v1.ContainerResizePolicy', LIST),
      24: f('restartPolicy', STR, PTR),
    },
  },
  'core.v1.ContainerPort': {
    fields: {
      1: f('name', STR),
      2: f('hostPort', 'int32'),
      3: f('containerPort', 'int32', PTR),
      4: f('protocol', STR),
      5: f('hostIP', STR),
    },
  },
  'core.v1.EnvVar': { fields: { 1: f('name', STR), 2: f('value', STR), 3: f('valueFrom', 'core.v1.EnvVarSource') } },
  'core.v1.EnvVarSource': {
    fields: {
      1: f('fieldRef', 'core.v1.ObjectFieldSelector'),
      2: f('resourceFieldRef', 'core.v1.ResourceFieldSelector'),
      3: f('configMapKeyRef', 'core.v1.ConfigMapKeySelector'),
      4: f('secretKeyRef', 'core.v1.SecretKeySelector'),
    },
  },
  'core.v1.ConfigMapKeySelector': {
    fields: {
      1: f('localObjectReference', 'core.v1.LocalObjectReference', INLINE),
      2: f('key', STR),
      3: f('optional', 'bool', PTR),
    },
  },
  'core.v1.SecretKeySelector': {
    fields: {
      1: f('localObjectReference', 'core.v1.LocalObjectReference', INLINE),
      2: f('key', STR),
      3: f('optional', 'bool', PTR),
    },
  },
  'core.v1.ResourceRequirements': {
    fields: {
      1: QMAP('limits'),
      2: QMAP('requests'),
      3: f('claims', 'core.v1.ResourceClaim', LIST),
    },
  },
  'core.v1.ResourceClaim': { fields: { 1: f('name', STR), 2: f('request', STR) } },
  'core.v1.VolumeMount': {
    fields: {
      1: f('name', STR),
      2: f('readOnly', 'bool'),
      3: f('mountPath', STR),
      4: f('subPath', STR),
      5: f('mountPropagation', STR, PTR),
      6: f('subPathExpr', STR),
      7: f('recursiveReadOnly', STR, PTR),
    },
  },
  'core.v1.Probe': {
    fields: {
      1: f('handler', 'core.v1.ProbeHandler', INLINE),
      2: f('initialDelaySeconds', 'int32'),
      3: f('timeoutSeconds', 'int32'),
      4: f('periodSeconds', 'int32'),
      5: f('successThreshold', 'int32'),
      6: f('failureThreshold', 'int32'),
      7: f('terminationGracePeriodSeconds', 'int64', PTR),
    },
  },
  'core.v1.ProbeHandler': {
    fields: {
      1: f('exec', 'core.v1.ExecAction'),
      2: f('httpGet', 'core.v1.HTTPGetAction'),
      3: f('tcpSocket', 'core.v1.TCPSocketAction'),
      4: f('grpc', 'core.v1.GRPCAction'),
    },
  },
  'core.v1.ExecAction': { fields: { 1: STRS('command') } },
  'core.v1.HTTPGetAction': {
    fields: {
      1: f('path', STR),
      2: f('port', 'intstr.IntOrString'),
      3: f('host', STR),
      4: f('scheme', STR),
      5: f('httpHeaders', 'core.v1.HTTPHeader', LIST),
    },
  },
  'core.v1.HTTPHeader': { fields: { 1: f('name', STR), 2: f('value', STR) } },
  'core.v1.TCPSocketAction': { fields: { 1: f('port', 'intstr.IntOrString'), 2: f('host', STR) } },
  'core.v1.GRPCAction': { fields: { 1: f('port', 'int32', PTR), 2: f('service', STR, PTR) } },
  'core.v1.Lifecycle': { fields: { 1: f('postStart', 'core.v1.LifecycleHandler'), 2: f('preStop', 'core.v1.LifecycleHandler') } },
  'core.v1.LifecycleHandler': {
    fields: {
      1: f('exec', 'core.v1.ExecAction'),
      2: f('httpGet', 'core.v1.HTTPGetAction'),
      3: f('tcpSocket', 'core.v1.TCPSocketAction'),
      4: f('sleep', 'core.v1.SleepAction'),
    },
  },
  'core.v1.SleepAction': { fields: { 1: f('seconds', 'int64', PTR) } },
  'core.v1.SecurityContext': {
    fields: {
      1: f('capabilities', 'core.v1.Capabilities'),
      2: f('privileged', 'bool', PTR),
      3: f('seLinuxOptions', 'core.v1.SELinuxOptions'),
      4: f('runAsUser', 'int64', PTR),
      5: f('runAsNonRoot', 'bool', PTR),
      6: f('readOnlyRootFilesystem', 'bool', PTR),
      7: f('allowPrivilegeEscalation', 'bool', PTR),
      8: f('runAsGroup', 'int64', PTR),
      9: f('procMount', STR, PTR),
      10: f('windowsOptions', 'core.v1.WindowsSecurityContextOptions'),
      11: f('seccompProfile', 'core.v1.SeccompProfile'),
      12: f('appArmorProfile', 'core.v1.AppArmorProfile'),
    },
  },
  'core.v1.Capabilities': { fields: { 1: STRS('add'), 2: STRS('drop') } },
  'core.v1.SELinuxOptions': { fields: { 1: f('user', STR), 2: f('role', STR), 3: f('type', STR), 4: f('level', STR) } },
  'core.v1.WindowsSecurityContextOptions': {
    fields: {
      1: f('gmsaCredentialSpecName', STR, PTR),
      2: f('gmsaCredentialSpec', STR, PTR),
      3: f('runAsUserName', STR, PTR),
      4: f('hostProcess', 'bool', PTR),
    },
  },
  'core.v1.SeccompProfile': { fields: { 1: f('type', STR), 2: f('localhostProfile', STR, PTR) } },
  'core.v1.AppArmorProfile': { fields: { 1: f('type', STR), 2: f('localhostProfile', STR, PTR) } },
  'core.v1.EnvFromSource': {
    fields: {
      1: f('prefix', STR),
      2: f('configMapRef', 'core.v1.ConfigMapEnvSource'),
      3: f('secretRef', 'core.v1.SecretEnvSource'),
    },
  },
  'core.v1.ConfigMapEnvSource': {
    fields: {
      1: f('localObjectReference', 'core.v1.LocalObjectReference', INLINE),
      2: f('optional', 'bool', PTR),
    },
  },
  'core.v1.SecretEnvSource': {
    fields: {
      1: f('localObjectReference', 'core.v1.LocalObjectReference', INLINE),
      2: f('optional', 'bool', PTR),
    },
  },
  'core.v1.VolumeDevice': { fields: { 1: f('name', STR), 2: f('devicePath', STR) } },
  'core.v1.ContainerResizePolicy': { fields: { 1: f('resourceName', STR), 2: f('restartPolicy', STR) } },
  'core.v1.PodSecurityContext': {
    fields: {
      1: f('seLinuxOptions', 'core.v1.SELinuxOptions'),
      2: f('runAsUser', 'int64', PTR),
      3: f('runAsNonRoot', 'bool', PTR),
      4: f('supplementalGroups', 'int64', LIST),
      5: f('fsGroup', 'int64', PTR),
      6: f('runAsGroup', 'int64', PTR),
      7: f('sysctls', 'core.v1.Sysctl', LIST),
      8: f('windowsOptions', 'core.v1.WindowsSecurityContextOptions'),
      9: f('fsGroupChangePolicy', STR, PTR),
      10: f('seccompProfile', 'core.v1.SeccompProfile'),
      11: f('appArmorProfile', 'core.v1.AppArmorProfile'),
      12: f('supplementalGroupsPolicy', STR, PTR),
      13: f('seLinuxChangePolicy', STR, PTR),
    },
  },
  'core.v1.Sysctl': { fields: { 1: f('name', STR), 2: f('value', STR) } },
  'core.v1.Affinity': {
    fields: {
      1: f('nodeAffinity', 'core.v1.NodeAffinity'),
      2: f('podAffinity', 'core.v1.PodAffinity'),
      3: f('podAntiAffinity', 'core.v1.PodAntiAffinity'),
    },
  },
  'core.v1.NodeAffinity': {
    fields: {
      1: f('requiredDuringSchedulingIgnoredDuringExecution', 'core.v1.NodeSelector'),
      2: f('preferredDuringSchedulingIgnoredDuringExecution', 'core.v1.PreferredSchedulingTerm', LIST),
    },
  },
  'core.v1.NodeSelector': { fields: { 1: f('nodeSelectorTerms', 'core.v1.NodeSelectorTerm', LIST) } },
  'core.v1.NodeSelectorTerm': {
    fields: {
      1: f('matchExpressions', 'core.v1.NodeSelectorRequirement', LIST),
      2: f('matchFields', 'core.v1.NodeSelectorRequirement', LIST),
    },
  },
  'core.v1.NodeSelectorRequirement': { fields: { 1: f('key', STR), 2: f('operator', STR), 3: STRS('values') } },
  'core.v1.PreferredSchedulingTerm': { fields: { 1: f('weight', 'int32', PTR), 2: f('preference', 'core.v1.NodeSelectorTerm') } },
  'core.v1.PodAffinity': {
    fields: {
      1: f('requiredDuringSchedulingIgnoredDuringExecution', 'core.v1.PodAffinityTerm', LIST),
      2: f('preferredDuringSchedulingIgnoredDuringExecution', 'core.v1.WeightedPodAffinityTerm', LIST),
    },
  },
  'core.v1.PodAffinityTerm': {
    fields: {
      1: f('labelSelector', 'meta.v1.LabelSelector'),
      2: STRS('namespaces'),
      3: f('topologyKey', STR),
      4: f('namespaceSelector', 'meta.v1.LabelSelector'),
      5: STRS('matchLabelKeys'),
      6: STRS('mismatchLabelKeys'),
    },
  },
  'core.v1.WeightedPodAffinityTerm': {
    fields: {
      1: f('weight', 'int32', PTR),
      2: f('podAffinityTerm', 'core.v1.PodAffinityTerm'),
    },
  },
  'core.v1.PodAntiAffinity': {
    fields: {
      1: f('requiredDuringSchedulingIgnoredDuringExecution', 'core.v1.PodAffinityTerm', LIST),
      2: f('preferredDuringSchedulingIgnoredDuringExecution', 'core.v1.WeightedPodAffinityTerm', LIST),
    },
  },
  'core.v1.Toleration': {
    fields: {
      1: f('key', STR),
      2: f('operator', STR),
      3: f('value', STR),
      4: f('effect', STR),
      5: f('tolerationSeconds', 'int64', PTR),
    },
  },
  'core.v1.HostAlias': { fields: { 1: f('ip', STR), 2: STRS('hostnames') } },
  'core.v1.PodDNSConfig': {
    fields: {
      1: STRS('nameservers'),
      2: STRS('searches'),
      3: f('options', 'core.v1.PodDNSConfigOption', LIST),
    },
  },
  'core.v1.PodDNSConfigOption': { fields: { 1: f('name', STR), 2: f('value', STR, PTR) } },
  'core.v1.PodReadinessGate': { fields: { 1: f('conditionType', STR) } },
  'core.v1.TopologySpreadConstraint': {
    fields: {
      1: f('maxSkew', 'int32', PTR),
      2: f('topologyKey', STR),
      3: f('whenUnsatisfiable', STR),
      4: f('labelSelector', 'meta.v1.LabelSelector'),
      5: f('minDomains', 'int32', PTR),
      6: f('nodeAffinityPolicy', STR, PTR),
      7: f('nodeTaintsPolicy', STR, PTR),
      8: STRS('matchLabelKeys'),
    },
  },
  'core.v1.EphemeralContainer': {
    fields: {
      1: f('ephemeralContainerCommon', 'core.v1.EphemeralContainerCommon', INLINE),
      2: f('targetContainerName', STR),
    },
  },
  'core.v1.EphemeralContainerCommon': {
    fields: {
      1: f('name', STR),
      2: f('image', STR),
      3: STRS('command'),
      4: STRS('args'),
      5: f('workingDir', STR),
      6: f('ports', 'core.v1.ContainerPort', LIST),
      7: f('env', 'core.v1.EnvVar', LIST),
      8: f('resources', 'core.v1.ResourceRequirements'),
      9: f('volumeMounts', 'core.v1.VolumeMount', LIST),
      10: f('livenessProbe', 'core.v1.Probe'),
      11: f('readinessProbe', 'core.v1.Probe'),
      12: f('lifecycle', 'core.v1.Lifecycle'),
      13: f('terminationMessagePath', STR),
      14: f('imagePullPolicy', STR),
      15: f('securityContext', 'core.v1.SecurityContext'),
      16: f('stdin', 'bool'),
      17: f('stdinOnce', 'bool'),
      18: f('tty', 'bool'),
      19: f('envFrom', 'core.v1.EnvFromSource', LIST),
      20: f('terminationMessagePolicy', STR),
      21: f('volumeDevices', 'core.v1.VolumeDevice', LIST),
      22: f('startupProbe', 'core.v1.Probe'),
      23: f('resizePolicy', 'core.v1.ContainerResizePolicy', LIST),
      24: f('restartPolicy', STR, PTR),
    },
  },
  'core.v1.PodOS': { fields: { 1: f('name', STR) } },
  'core.v1.PodSchedulingGate': { fields: { 1: f('name', STR) } },
  'core.v1.PodResourceClaim': {
    fields: {
      1: f('name', STR),
      3: f('resourceClaimName', STR, PTR),
      4: f('resourceClaimTemplateName', STR, PTR),
    },
  },
  'core.v1.PodStatus': {
    fields: {
      1: f('phase', STR),
      2: f('conditions', 'core.v1.PodCondition', LIST),
      3: f('message', STR),
      4: f('reason', STR),
      5: f('hostIP', STR),
      6: f('podIP', STR),
      7: f('startTime', 'meta.v1.Time'),
      8: f('containerStatuses', 'core.v1.ContainerStatus', LIST),
      9: f('qosClass', STR),
      10: f('initContainerStatuses', 'core.v1.ContainerStatus', LIST),
      11: f('nominatedNodeName', STR),
      12: f('podIPs', 'core.v1.PodIP', LIST),
      13: f('ephemeralContainerStatuses', 'core.v1.ContainerStatus', LIST),
      14: f('resize', STR),
      15: f('resourceClaimStatuses', 'core.v1.PodResourceClaimStatus', LIST),
      16: f('hostIPs', 'core.v1.HostIP', LIST),
    },
  },
  'core.v1.PodCondition': {
    fields: {
      1: f('type', STR),
      2: f('status', STR),
      3: f('lastProbeTime', 'meta.v1.Time'),
      4: f('lastTransitionTime', 'meta.v1.Time'),
      5: f('reason', STR),
      6: f('message', STR),
    },
  },
  'core.v1.ContainerStatus': {
    fields: {
      1: f('name', STR),
      2: f('state', 'core.v1.ContainerState'),
      3: f('lastState', 'core.v1.ContainerState'),
      4: f('ready', 'bool', PTR),
      5: f('restartCount', 'int32', PTR),
      6: f('image', STR),
      7: f('imageID', STR),
      8: f('containerID', STR),
      9: f('started', 'bool', PTR),
      10: QMAP('allocatedResources'),
      11: f('resources', 'core.v1.ResourceRequirements'),
      12: f('volumeMounts', 'core.v1.VolumeMountStatus', LIST),
      13: f('user', 'core.v1.ContainerUser'),
      14: f('allocatedResourcesStatus', 'core.v1.ResourceStatus', LIST),
    },
  },
  'core.v1.ContainerState': {
    fields: {
      1: f('waiting', 'core.v1.ContainerStateWaiting'),
      2: f('running', 'core.v1.ContainerStateRunning'),
      3: f('terminated', 'core.v1.ContainerStateTerminated'),
    },
  },
  'core.v1.ContainerStateWaiting': { fields: { 1: f('reason', STR), 2: f('message', STR) } },
  'core.v1.ContainerStateRunning': { fields: { 1: f('startedAt', 'meta.v1.Time') } },
  'core.v1.ContainerStateTerminated': {
    fields: {
      1: f('exitCode', 'int32', PTR),
      2: f('signal', 'int32'),
      3: f('reason', STR),
      4: f('message', STR),
      5: f('startedAt', 'meta.v1.Time'),
      6: f('finishedAt', 'meta.v1.Time'),
      7: f('containerID', STR),
    },
  },
  'core.v1.VolumeMountStatus': {
    fields: {
      1: f('name', STR),
      2: f('mountPath', STR),
      3: f('readOnly', 'bool'),
      4: f('recursiveReadOnly', STR, PTR),
    },
  },
  'core.v1.ContainerUser': { fields: { 1: f('linux', 'core.v1.LinuxContainerUser') } },
  'core.v1.LinuxContainerUser': {
    fields: {
      1: f('uid', 'int64', PTR),
      2: f('gid', 'int64', PTR),
      3: f('supplementalGroups', 'int64', LIST),
    },
  },
  'core.v1.ResourceStatus': { fields: { 1: f('name', STR), 2: f('resources', 'core.v1.ResourceHealth', LIST) } },
  'core.v1.ResourceHealth': { fields: { 1: f('resourceID', STR), 2: f('health', STR) } },
  'core.v1.PodIP': { fields: { 1: f('ip', STR) } },
  'core.v1.PodResourceClaimStatus': { fields: { 1: f('name', STR), 2: f('resourceClaimName', STR, PTR) } },
  'core.v1.HostIP': { fields: { 1: f('ip', STR) } },
  'core.v1.PodTemplate': { fields: { 1: f('metadata', META), 2: f('template', 'core.v1.PodTemplateSpec') } },
  'core.v1.PodTemplateSpec': { fields: { 1: f('metadata', META), 2: f('spec', 'core.v1.PodSpec') } },
  'core.v1.ReplicationController': {
    fields: {
      1: f('metadata', META),
      2: f('spec', 'core.v1.ReplicationControllerSpec'),
      3: f('status', 'core.v1.ReplicationControllerStatus'),
    },
  },
  'core.v1.ReplicationControllerSpec': {
    fields: {
      1: f('replicas', 'int32', PTR),
      2: STRMAP('selector'),
      3: f('template', 'core.v1.PodTemplateSpec'),
      4: f('minReadySeconds', 'int32'),
    },
  },
  'core.v1.ReplicationControllerStatus': {
    fields: {
      1: f('replicas', 'int32', PTR),
      2: f('fullyLabeledReplicas', 'int32'),
      3: f('observedGeneration', 'int64'),
      4: f('readyReplicas', 'int32'),
      5: f('availableReplicas', 'int32'),
      6: f('conditions', 'core.v1.ReplicationControllerCondition', LIST),
    },
  },
  'core.v1.ReplicationControllerCondition': {
    fields: {
      1: f('type', STR),
      2: f('status', STR),
      3: f('lastTransitionTime', 'meta.v1.Time'),
      4: f('reason', STR),
      5: f('message', STR),
    },
  },
  'apps.v1.Deployment': {
    fields: {
      1: f('metadata', META),
      2: f('spec', 'apps.v1.DeploymentSpec'),
      3: f('status', 'apps.v1.DeploymentStatus'),
    },
  },
  'apps.v1.DeploymentSpec': {
    fields: {
      1: f('replicas', 'int32', PTR),
      2: f('selector', 'meta.v1.LabelSelector'),
      3: f('template', 'core.v1.PodTemplateSpec'),
      4: f('strategy', 'apps.v1.DeploymentStrategy'),
      5: f('minReadySeconds', 'int32'),
      6: f('revisionHistoryLimit', 'int32', PTR),
      7: f('paused', 'bool'),
      9: f('progressDeadlineSeconds', 'int32', PTR),
    },
  },
  'apps.v1.DeploymentStrategy': { fields: { 1: f('type', STR), 2: f('rollingUpdate', 'apps.v1.RollingUpdateDeployment') } },
  'apps.v1.RollingUpdateDeployment': {
    fields: {
      1: f('maxUnavailable', 'intstr.IntOrString', PTR),
      2: f('maxSurge', 'intstr.IntOrString', PTR),
    },
  },
  'apps.v1.DeploymentStatus': {
    fields: {
      1: f('observedGeneration', 'int64'),
      2: f('replicas', 'int32'),
      3: f('updatedReplicas', 'int32'),
      4: f('availableReplicas', 'int32'),
      5: f('unavailableReplicas', 'int32'),
      6: f('conditions', 'apps.v1.DeploymentCondition', LIST),
      7: f('readyReplicas', 'int32'),
      8: f('collisionCount', 'int32', PTR),
    },
  },
  'apps.v1.DeploymentCondition': {
    fields: {
      1: f('type', STR),
      2: f('status', STR),
      4: f('reason', STR),
      5: f('message', STR),
      6: f('lastUpdateTime', 'meta.v1.Time'),
      7: f('lastTransitionTime', 'meta.v1.Time'),
    },
  },
  'apps.v1.StatefulSet': {
    fields: {
      1: f('metadata', META),
      2: f('spec', 'apps.v1.StatefulSetSpec'),
      3: f('status', 'apps.v1.StatefulSetStatus'),
    },
  },
  'apps.v1.StatefulSetSpec': {
    fields: {
      1: f('replicas', 'int32', PTR),
      2: f('selector', 'meta.v1.LabelSelector'),
      3: f('template', 'core.v1.PodTemplateSpec'),
      4: f('volumeClaimTemplates', 'core.v1.PersistentVolumeClaim', LIST),
      5: f('serviceName', STR),
      6: f('podManagementPolicy', STR),
      7: f('updateStrategy', 'apps.v1.StatefulSetUpdateStrategy'),
      8: f('revisionHistoryLimit', 'int32', PTR),
      9: f('minReadySeconds', 'int32'),
      10: f('persistentVolumeClaimRetentionPolicy', 'apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy'),
      11: f('ordinals', 'apps.v1.StatefulSetOrdinals'),
    },
  },
  'core.v1.PersistentVolumeClaim': {
    fields: {
      1: f('metadata', META),
      2: f('spec', 'core.v1.PersistentVolumeClaimSpec'),
      3: f('status', 'core.v1.PersistentVolumeClaimStatus'),
    },
  },
  'core.v1.PersistentVolumeClaimStatus': {
    fields: {
      1: f('phase', STR),
      2: STRS('accessModes'),
      3: QMAP('capacity'),
      4: f('conditions', 'core.v1.PersistentVolumeClaimCondition', LIST),
      5: QMAP('allocatedResources'),
      7: STRMAP('allocatedResourceStatuses'),
      8: f('currentVolumeAttributesClassName', STR, PTR),
      9: f('modifyVolumeStatus', 'core.v1.ModifyVolumeStatus'),
    },
  },
  'core.v1.PersistentVolumeClaimCondition': {
    fields: {
      1: f('type', STR),
      2: f('status', STR),
      3: f('lastProbeTime', 'meta.v1.Time'),
      4: f('lastTransitionTime', 'meta.v1.Time'),
      5: f('reason', STR),
      6: f('message', STR),
    },
  },
  'core.v1.ModifyVolumeStatus': { fields: { 1: f('targetVolumeAttributesClassName', STR), 2: f('status', STR) } },
  'apps.v1.StatefulSetUpdateStrategy': {
    fields: {
      1: f('type', STR),
      2: f('rollingUpdate', 'apps.v1.RollingUpdateStatefulSetStrategy'),
    },
  },
  'apps.v1.RollingUpdateStatefulSetStrategy': {
    fields: {
      1: f('partition', 'int32', PTR),
      2: f('maxUnavailable', 'intstr.IntOrString', PTR),
    },
  },
  'apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy': { fields: { 1: f('whenDeleted', STR), 2: f('whenScaled', STR) } },
  'apps.v1.StatefulSetOrdinals': { fields: { 1: f('start', 'int32') } },
  'apps.v1.StatefulSetStatus': {
    fields: {
      1: f('observedGeneration', 'int64'),
      2: f('replicas', 'int32', PTR),
      3: f('readyReplicas', 'int32'),
      4: f('currentReplicas', 'int32'),
      5: f('updatedReplicas', 'int32'),
      6: f('currentRevision', STR),
      7: f('updateRevision', STR),
      9: f('collisionCount', 'int32', PTR),
      10: f('conditions', 'apps.v1.StatefulSetCondition', LIST),
      11: f('availableReplicas', 'int32'),
    },
  },
  'apps.v1.StatefulSetCondition': {
    fields: {
      1: f('type', STR),
      2: f('status', STR),
      3: f('lastTransitionTime', 'meta.v1.Time'),
      4: f('reason', STR),
      5: f('message', STR),
    },
  },
  'apps.v1.DaemonSet': {
    fields: {
      1: f('metadata', META),
      2: f('spec', 'apps.v1.DaemonSetSpec'),
      3: f('status', 'apps.v1.DaemonSetStatus'),
    },
  },
  'apps.v1.DaemonSetSpec': {
    fields: {
      1: f('selector', 'meta.v1.LabelSelector'),
      2: f('template', 'core.v1.PodTemplateSpec'),
      3: f('updateStrategy', 'apps.v1.DaemonSetUpdateStrategy'),
      4: f('minReadySeconds', 'int32'),
      6: f('revisionHistoryLimit', 'int32', PTR),
    },
  },
  'apps.v1.DaemonSetUpdateStrategy': { fields: { 1: f('type', STR), 2: f('rollingUpdate', 'apps.v1.RollingUpdateDaemonSet') } },
  'apps.v1.RollingUpdateDaemonSet': {
    fields: {
      1: f('maxUnavailable', 'intstr.IntOrString', PTR),
      2: f('maxSurge', 'intstr.IntOrString', PTR),
    },
  },
  'apps.v1.DaemonSetStatus': {
    fields: {
      1: f('currentNumberScheduled', 'int32', PTR),
      2: f('numberMisscheduled', 'int32', PTR),
      3: f('desiredNumberScheduled', 'int32', PTR),
      4: f('numberReady', 'int32', PTR),
      5: f('observedGeneration', 'int64'),
      6: f('updatedNumberScheduled', 'int32'),
      7: f('numberAvailable', 'int32'),
      8: f('numberUnavailable', 'int32'),
      9: f('collisionCount', 'int32', PTR),
      10: f('conditions', 'apps.v1.DaemonSetCondition', LIST),
    },
  },
  'apps.v1.DaemonSetCondition': {
    fields: {
      1: f('type', STR),
      2: f('status', STR),
      3: f('lastTransitionTime', 'meta.v1.Time'),
      4: f('reason', STR),
      5: f('message', STR),
    },
  },
  'apps.v1.ReplicaSet': {
    fields: {
      1: f('metadata', META),
      2: f('spec', 'apps.v1.ReplicaSetSpec'),
      3: f('status', 'apps.v1.ReplicaSetStatus'),
    },
  },
  'apps.v1.ReplicaSetSpec': {
    fields: {
      1: f('replicas', 'int32', PTR),
      2: f('selector', 'meta.v1.LabelSelector'),
      3: f('template', 'core.v1.PodTemplateSpec'),
      4: f('minReadySeconds', 'int32'),
    },
  },
  'apps.v1.ReplicaSetStatus': {
    fields: {
      1: f('replicas', 'int32', PTR),
      2: f('fullyLabeledReplicas', 'int32'),
      3: f('observedGeneration', 'int64'),
      4: f('readyReplicas', 'int32'),
      5: f('availableReplicas', 'int32'),
      6: f('conditions', 'apps.v1.ReplicaSetCondition', LIST),
    },
  },
  'apps.v1.ReplicaSetCondition': {
    fields: {
      1: f('type', STR),
      2: f('status', STR),
      3: f('lastTransitionTime', 'meta.v1.Time'),
      4: f('reason', STR),
      5: f('message', STR),
    },
  },
  'batch.v1.Job': { fields: { 1: f('metadata', META), 2: f('spec', 'batch.v1.JobSpec'), 3: f('status', 'batch.v1.JobStatus') } },
  'batch.v1.JobSpec': {
    fields: {
      1: f('parallelism', 'int32', PTR),
      2: f('completions', 'int32', PTR),
      3: f('activeDeadlineSeconds', 'int64', PTR),
      4: f('selector', 'meta.v1.LabelSelector'),
      5: f('manualSelector', 'bool', PTR),
      6: f('template', 'core.v1.PodTemplateSpec'),
      7: f('backoffLimit', 'int32', PTR),
      8: f('ttlSecondsAfterFinished', 'int32', PTR),
      9: f('completionMode', STR, PTR),
      10: f('suspend', 'bool', PTR),
      11: f('podFailurePolicy', 'batch.v1.PodFailurePolicy'),
      12: f('backoffLimitPerIndex', 'int32', PTR),
      13: f('maxFailedIndexes', 'int32', PTR),
      14: f('podReplacementPolicy', STR, PTR),
      15: f('managedBy', STR, PTR),
      16: f('successPolicy', 'batch.v1.SuccessPolicy'),
    },
  },
  'batch.v1.PodFailurePolicy': { fields: { 1: f('rules', 'batch.v1.PodFailurePolicyRule', LIST) } },
  'batch.v1.PodFailurePolicyRule': {
    fields: {
      1: f('action', STR),
      2: f('onExitCodes', 'batch.v1.PodFailurePolicyOnExitCodesRequirement'),
      3: f('onPodConditions', 'batch.v1.PodFailurePolicyOnPodConditionsPattern', LIST),
    },
  },
  'batch.v1.PodFailurePolicyOnExitCodesRequirement': {
    fields: {
      1: f('containerName', STR, PTR),
      2: f('operator', STR),
      3: f('values', 'int32', LIST),
    },
  },
  'batch.v1.PodFailurePolicyOnPodConditionsPattern': { fields: { 1: f('type', STR), 2: f('status', STR) } },
  'batch.v1.SuccessPolicy': { fields: { 1: f('rules', 'batch.v1.SuccessPolicyRule', LIST) } },
  'batch.v1.SuccessPolicyRule': { fields: { 1: f('succeededIndexes', STR, PTR), 2: f('succeededCount', 'int32', PTR) } },
  'batch.v1.JobStatus': {
    fields: {
      1: f('conditions', 'batch.v1.JobCondition', LIST),
      2: f('startTime', 'meta.v1.Time'),
      3: f('completionTime', 'meta.v1.Time'),
      4: f('active', 'int32'),
      5: f('succeeded', 'int32'),
      6: f('failed', 'int32'),
      7: f('completedIndexes', STR),
      8: f('uncountedTerminatedPods', 'batch.v1.UncountedTerminatedPods'),
      9: f('ready', 'int32', PTR),
      10: f('failedIndexes', STR, PTR),
      11: f('terminating', 'int32', PTR),
    },
  },
  'batch.v1.JobCondition': {
    fields: {
      1: f('type', STR),
      2: f('status', STR),
      3: f('lastProbeTime', 'meta.v1.Time'),
      4: f('lastTransitionTime', 'meta.v1.Time'),
      5: f('reason', STR),
      6: f('message', STR),
    },
  },
  'batch.v1.UncountedTerminatedPods': { fields: { 1: STRS('succeeded'), 2: STRS('failed') } },
  'batch.v1.CronJob': {
    fields: {
      1: f('metadata', META),
      2: f('spec', 'batch.v1.CronJobSpec'),
      3: f('status', 'batch.v1.CronJobStatus'),
    },
  },
  'batch.v1.CronJobSpec': {
    fields: {
      1: f('schedule', STR),
      2: f('startingDeadlineSeconds', 'int64', PTR),
      3: f('concurrencyPolicy', STR),
      4: f('suspend', 'bool', PTR),
      5: f('jobTemplate', 'batch.v1.JobTemplateSpec'),
      6: f('successfulJobsHistoryLimit', 'int32', PTR),
      7: f('failedJobsHistoryLimit', 'int32', PTR),
      8: f('timeZone', STR, PTR),
    },
  },
  'batch.v1.JobTemplateSpec': { fields: { 1: f('metadata', META), 2: f('spec', 'batch.v1.JobSpec') } },
  'batch.v1.CronJobStatus': {
    fields: {
      1: f('active', 'core.v1.ObjectReference', LIST),
      4: f('lastScheduleTime', 'meta.v1.Time'),
      5: f('lastSuccessfulTime', 'meta.v1.Time'),
    },
  },
  'apps.v1.ControllerRevision': {
    fields: {
      1: f('metadata', META),
      2: f('data', 'runtime.RawExtension'),
      3: f('revision', 'int64'),
    },
  },
  'autoscaling.v1.Scale': {
    fields: {
      1: f('metadata', META),
      2: f('spec', 'autoscaling.v1.ScaleSpec'),
      3: f('status', 'autoscaling.v1.ScaleStatus'),
    },
  },
  'autoscaling.v1.ScaleSpec': { fields: { 1: f('replicas', 'int32') } },
  'autoscaling.v1.ScaleStatus': { fields: { 1: f('replicas', 'int32', PTR), 2: f('selector', STR) } },

  // k8s.io/api/autoscaling/v1, k8s.io/api/autoscaling/v2 HorizontalPodAutoscaler; k8s.io/api/certificates/v1
  'autoscaling.v1.HorizontalPodAutoscaler': {
    fields: {
      1: f('metadata', META),
      2: f('spec', 'autoscaling.v1.HorizontalPodAutoscalerSpec'),
      3: f('status', 'autoscaling.v1.HorizontalPodAutoscalerStatus'),
    },
  },
  'autoscaling.v1.HorizontalPodAutoscalerSpec': {
    fields: {
      1: f('scaleTargetRef', 'autoscaling.v1.CrossVersionObjectReference'),
      2: f('minReplicas', 'int32', PTR),
      3: f('maxReplicas', 'int32'),
      4: f('targetCPUUtilizationPercentage', 'int32', PTR),
    },
  },
  'autoscaling.v1.CrossVersionObjectReference': { fields: { 1: f('kind', STR), 2: f('name', STR), 3: f('apiVersion', STR) } },
  'autoscaling.v1.HorizontalPodAutoscalerStatus': {
    fields: {
      1: f('observedGeneration', 'int64', PTR),
      2: f('lastScaleTime', 'meta.v1.Time'),
      3: f('currentReplicas', 'int32', PTR),
      4: f('desiredReplicas', 'int32', PTR),
      5: f('currentCPUUtilizationPercentage', 'int32', PTR),
    },
  },
  'autoscaling.v2.HorizontalPodAutoscaler': {
    fields: {
      1: f('metadata', META),
      2: f('spec', 'autoscaling.v2.HorizontalPodAutoscalerSpec'),
      3: f('status', 'autoscaling.v2.HorizontalPodAutoscalerStatus'),
    },
  },
  'autoscaling.v2.HorizontalPodAutoscalerSpec': {
    fields: {
      1: f('scaleTargetRef', 'autoscaling.v2.CrossVersionObjectReference'),
      2: f('minReplicas', 'int32', PTR),
      3: f('maxReplicas', 'int32'),
      4: f('metrics', 'autoscaling.v2.MetricSpec', LIST),
      5: f('behavior', 'autoscaling.v2.HorizontalPodAutoscalerBehavior'),
    },
  },
  'autoscaling.v2.CrossVersionObjectReference': { fields: { 1: f('kind', STR), 2: f('name', STR), 3: f('apiVersion', STR) } },
  'autoscaling.v2.MetricSpec': {
    fields: {
      1: f('type', STR),
      2: f('object', 'autoscaling.v2.ObjectMetricSource'),
      3: f('pods', 'autoscaling.v2.PodsMetricSource'),
      4: f('resource', 'autoscaling.v2.ResourceMetricSource'),
      5: f('external', 'autoscaling.v2.ExternalMetricSource'),
      7: f('containerResource', 'autoscaling.v2.ContainerResourceMetricSource'),
    },
  },
  'autoscaling.v2.ObjectMetricSource': {
    fields: {
      1: f('describedObject', 'autoscaling.v2.CrossVersionObjectReference'),
      2: f('target', 'autoscaling.v2.MetricTarget'),
      3: f('metric', 'autoscaling.v2.MetricIdentifier'),
    },
  },
  'autoscaling.v2.MetricTarget': {
    fields: {
      1: f('type', STR),
      2: f('value', 'resource.Quantity'),
      3: f('averageValue', 'resource.Quantity'),
      4: f('averageUtilization', 'int32', PTR),
    },
  },
  'autoscaling.v2.MetricIdentifier': { fields: { 1: f('name', STR), 2: f('selector', 'meta.v1.LabelSelector') } },
  'autoscaling.v2.PodsMetricSource': {
    fields: {
      1: f('metric', 'autoscaling.v2.MetricIdentifier'),
      2: f('target', 'autoscaling.v2.MetricTarget'),
    },
  },
  'autoscaling.v2.ResourceMetricSource': { fields: { 1: f('name', STR), 2: f('target', 'autoscaling.v2.MetricTarget') } },
  'autoscaling.v2.ExternalMetricSource': {
    fields: {
      1: f('metric', 'autoscaling.v2.MetricIdentifier'),
      2: f('target', 'autoscaling.v2.MetricTarget'),
    },
  },
  'autoscaling.v2.ContainerResourceMetricSource': {
    fields: {
      1: f('name', STR),
      2: f('target', 'autoscaling.v2.MetricTarget'),
      3: f('container', STR),
    },
  },
  'autoscaling.v2.HorizontalPodAutoscalerBehavior': {
    fields: {
      1: f('scaleUp', 'autoscaling.v2.HPAScalingRules'),
      2: f('scaleDown', 'autoscaling.v2.HPAScalingRules'),
    },
  },
  'autoscaling.v2.HPAScalingRules': {
    fields: {
      1: f('selectPolicy', STR, PTR),
      2: f('policies', 'autoscaling.v2.HPAScalingPolicy', LIST),
      3: f('stabilizationWindowSeconds', 'int32', PTR),
    },
  },
  'autoscaling.v2.HPAScalingPolicy': {
    fields: {
      1: f('type', STR),
      2: f('value', 'int32', PTR),
      3: f('periodSeconds', 'int32', PTR),
    },
  },
  'autoscaling.v2.HorizontalPodAutoscalerStatus': {
    fields: {
      1: f('observedGeneration', 'int64', PTR),
      2: f('lastScaleTime', 'meta.v1.Time'),
      3: f('currentReplicas', 'int32'),
      4: f('desiredReplicas', 'int32', PTR),
      5: f('currentMetrics', 'autoscaling.v2.MetricStatus', LIST),
      6: f('conditions', 'autoscaling.v2.HorizontalPodAutoscalerCondition', LIST),
    },
  },
  'autoscaling.v2.MetricStatus': {
    fields: {
      1: f('type', STR),
      2: f('object', 'autoscaling.v2.ObjectMetricStatus'),
      3: f('pods', 'autoscaling.v2.PodsMetricStatus'),
      4: f('resource', 'autoscaling.v2.ResourceMetricStatus'),
      5: f('external', 'autoscaling.v2.ExternalMetricStatus'),
      7: f('containerResource', 'autoscaling.v2.ContainerResourceMetricStatus'),
    },
  },
  'autoscaling.v2.ObjectMetricStatus': {
    fields: {
      1: f('metric', 'autoscaling.v2.MetricIdentifier'),
      2: f('current', 'autoscaling.v2.MetricValueStatus'),
      3: f('describedObject', 'autoscaling.v2.CrossVersionObjectReference'),
    },
  },
  'autoscaling.v2.MetricValueStatus': {
    fields: {
      1: f('value', 'resource.Quantity'),
      2: f('averageValue', 'resource.Quantity'),
      3: f('averageUtilization', 'int32', PTR),
    },
  },
  'autoscaling.v2.PodsMetricStatus': {
    fields: {
      1: f('metric', 'autoscaling.v2.MetricIdentifier'),
      2: f('current', 'autoscaling.v2.MetricValueStatus'),
    },
  },
  'autoscaling.v2.ResourceMetricStatus': { fields: { 1: f('name', STR), 2: f('current', 'autoscaling.v2.MetricValueStatus') } },
  'autoscaling.v2.ExternalMetricStatus': {
    fields: {
      1: f('metric', 'autoscaling.v2.MetricIdentifier'),
      2: f('current', 'autoscaling.v2.MetricValueStatus'),
    },
  },
  'autoscaling.v2.ContainerResourceMetricStatus': {
    fields: {
      1: f('name', STR),
      2: f('current', 'autoscaling.v2.MetricValueStatus'),
      3: f('container', STR),
    },
  },
  'autoscaling.v2.HorizontalPodAutoscalerCondition': {
    fields: {
      1: f('type', STR),
      2: f('status', STR),
      3: f('lastTransitionTime', 'meta.v1.Time'),
      4: f('reason', STR),
      5: f('message', STR),
    },
  },
  'certificates.v1.CertificateSigningRequest': {
    fields: {
      1: f('metadata', META),
      2: f('spec', 'certificates.v1.CertificateSigningRequestSpec'),
      3: f('status', 'certificates.v1.CertificateSigningRequestStatus'),
    },
  },
  'certificates.v1.CertificateSigningRequestSpec': {
    fields: {
      1: f('request', 'bytes'),
      2: f('username', STR),
      3: f('uid', STR),
      4: STRS('groups'),
      5: STRS('usages'),
      6: m('extra', STR, 'certificates.v1.ExtraValue'),
      7: f('signerName', STR),
      8: f('expirationSeconds', 'int32', PTR),
    },
  },
  'certificates.v1.ExtraValue': { fields: { 1: STRS('items') }, json: 'stringlist' },
  'certificates.v1.CertificateSigningRequestStatus': {
    fields: {
      1: f('conditions', 'certificates.v1.CertificateSigningRequestCondition', LIST),
      2: f('certificate', 'bytes'),
    },
  },
  'certificates.v1.CertificateSigningRequestCondition': {
    fields: {
      1: f('type', STR),
      2: f('reason', STR),
      3: f('message', STR),
      4: f('lastUpdateTime', 'meta.v1.Time'),
      5: f('lastTransitionTime', 'meta.v1.Time'),
      6: f('status', STR),
    },
  },
};

/**
 * Served kinds with a protobuf schema: `${apiVersion} ${kind}` → message name. DeleteOptions is
 * accepted under any apiVersion (every group version registers it); see messageForKind.
 */
export const KINDS: Record<string, string> = {
  'v1 Secret': 'core.v1.Secret',
  'v1 ConfigMap': 'core.v1.ConfigMap',
  'v1 Namespace': 'core.v1.Namespace',
  'v1 ServiceAccount': 'core.v1.ServiceAccount',
  'v1 Event': 'core.v1.Event',
  'v1 Binding': 'core.v1.Binding',
  'v1 Endpoints': 'core.v1.Endpoints',
  'v1 Service': 'core.v1.Service',
  'v1 ResourceQuota': 'core.v1.ResourceQuota',
  'v1 LimitRange': 'core.v1.LimitRange',
  'v1 Pod': 'core.v1.Pod',
  'v1 PodTemplate': 'core.v1.PodTemplate',
  'v1 ReplicationController': 'core.v1.ReplicationController',
  'v1 PersistentVolumeClaim': 'core.v1.PersistentVolumeClaim',
  'apps/v1 Deployment': 'apps.v1.Deployment',
  'apps/v1 StatefulSet': 'apps.v1.StatefulSet',
  'apps/v1 DaemonSet': 'apps.v1.DaemonSet',
  'apps/v1 ReplicaSet': 'apps.v1.ReplicaSet',
  'apps/v1 ControllerRevision': 'apps.v1.ControllerRevision',
  'batch/v1 Job': 'batch.v1.Job',
  'batch/v1 CronJob': 'batch.v1.CronJob',
  'autoscaling/v1 Scale': 'autoscaling.v1.Scale',
  'autoscaling/v1 HorizontalPodAutoscaler': 'autoscaling.v1.HorizontalPodAutoscaler',
  'autoscaling/v2 HorizontalPodAutoscaler': 'autoscaling.v2.HorizontalPodAutoscaler',
  'certificates.k8s.io/v1 CertificateSigningRequest': 'certificates.v1.CertificateSigningRequest',
  'coordination.k8s.io/v1 Lease': 'coordination.v1.Lease',
  'events.k8s.io/v1 Event': 'events.v1.Event',
  'policy/v1 Eviction': 'policy.v1.Eviction',
  'policy/v1beta1 Eviction': 'policy.v1.Eviction',
  'policy/v1 PodDisruptionBudget': 'policy.v1.PodDisruptionBudget',
  'rbac.authorization.k8s.io/v1 Role': 'rbac.v1.Role',
  'rbac.authorization.k8s.io/v1 ClusterRole': 'rbac.v1.ClusterRole',
  'rbac.authorization.k8s.io/v1 RoleBinding': 'rbac.v1.RoleBinding',
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding': 'rbac.v1.ClusterRoleBinding',
  'scheduling.k8s.io/v1 PriorityClass': 'scheduling.v1.PriorityClass',
  'networking.k8s.io/v1 Ingress': 'networking.v1.Ingress',
  'networking.k8s.io/v1 IngressClass': 'networking.v1.IngressClass',
  'authentication.k8s.io/v1 TokenRequest': 'authentication.v1.TokenRequest',
  'authentication.k8s.io/v1 TokenReview': 'authentication.v1.TokenReview',
  'authentication.k8s.io/v1 SelfSubjectReview': 'authentication.v1.SelfSubjectReview',
  'authorization.k8s.io/v1 SelfSubjectAccessReview': 'authorization.v1.SelfSubjectAccessReview',
  'authorization.k8s.io/v1 SelfSubjectRulesReview': 'authorization.v1.SelfSubjectRulesReview',
  'authorization.k8s.io/v1 SubjectAccessReview': 'authorization.v1.SubjectAccessReview',
  'authorization.k8s.io/v1 LocalSubjectAccessReview': 'authorization.v1.LocalSubjectAccessReview',
};

/** The message that encodes `kind` in `apiVersion`, or undefined when protobuf is not supported for it. */
export function messageForKind(apiVersion: string, kind: string): string | undefined {
  if (kind === 'DeleteOptions') return 'meta.v1.DeleteOptions';
  return Object.hasOwn(KINDS, `${apiVersion} ${kind}`) ? KINDS[`${apiVersion} ${kind}`] : undefined;
}
