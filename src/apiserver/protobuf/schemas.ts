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
 * - stringlist: a named []string (authentication.v1.ExtraValue) → the array of its items
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
