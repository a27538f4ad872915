/**
 * The core/v1 type rules the registry composes with the generic store (defaults, validation, the
 * metadata.name rule), keyed by resource plural; plus the create/update preparations upstream's
 * core strategies apply (`preparePodForCreate`, `prepareNamespaceForCreate`,
 * `prepareServiceForUpdate`), which are not defaults because they must not run on every read.
 * Printers live in printers.ts.
 */
import type { Namespace, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { FieldError } from '../../../machinery/fielderrors.js';
import { nameIsDNS1035Label, nameIsDNSLabel, nameIsPathSegment } from '../../../machinery/objectmeta.js';
import { tryParseQuantity } from '../../../machinery/quantity.js';
import type { KubeObject, TypeRules } from '../../types.js';
import {
  defaultEndpoints,
  defaultLimitRange,
  defaultNamespace,
  defaultNode,
  defaultPersistentVolume,
  defaultPersistentVolumeClaim,
  defaultPod,
  defaultPodTemplate,
  defaultReplicationController,
  defaultResourceQuota,
  defaultSecret,
  defaultService,
  externallyAccessible,
  prepareNamespaceForCreate,
} from './defaults.js';
import {
  validateConfigMap,
  validateConfigMapUpdate,
  validateEndpoints,
  validateEvent,
  validateLimitRange,
  validateNamespace,
  validateNamespaceStatusUpdate,
  validateNode,
  validateNodeUpdate,
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimStatusUpdate,
  validatePersistentVolumeClaimUpdate,
  validatePersistentVolumeUpdate,
  validatePod,
  validatePodStatusUpdate,
  validatePodTemplate,
  validatePodUpdate,
  validateReplicasStatus,
  validateReplicationController,
  validateResourceQuota,
  validateResourceQuotaUpdate,
  validateSecret,
  validateSecretUpdate,
  validateService,
  validateServiceStatusUpdate,
  validateServiceUpdate,
} from './validation.js';

export { prepareNamespaceForCreate };

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const none = (): FieldError[] => [];

export const coreV1Rules: Record<string, TypeRules> = {
  namespaces: {
    nameFn: nameIsDNSLabel,
    defaults: (o) => defaultNamespace(o as Namespace),
    validate: validateNamespace,
    validateStatusUpdate: (o) => validateNamespaceStatusUpdate(o),
  },
  pods: {
    defaults: (o) => defaultPod(o as Pod),
    validate: validatePod,
    validateUpdate: validatePodUpdate,
    validateStatusUpdate: validatePodStatusUpdate,
  },
  services: {
    nameFn: nameIsDNS1035Label,
    defaults: (o) => defaultService(o as Service),
    validate: validateService,
    validateUpdate: validateServiceUpdate,
    validateStatusUpdate: (o) => validateServiceStatusUpdate(o),
  },
  endpoints: {
    defaults: (o) => defaultEndpoints(o as Any),
    validate: validateEndpoints,
  },
  replicationcontrollers: {
    defaults: (o) => defaultReplicationController(o as Any),
    validate: validateReplicationController,
    validateStatusUpdate: (o) => validateReplicasStatus(o.status),
  },
  nodes: {
    defaults: (o) => defaultNode(o as Any),
    validate: validateNode,
    validateUpdate: validateNodeUpdate,
    validateStatusUpdate: (o, old) => [...validateNode(o), ...validateNodeUpdate(o, old)],
  },
  events: {
    // Upstream checks event names only as path segments.
    nameFn: nameIsPathSegment,
    validate: validateEvent,
  },
  configmaps: {
    validate: validateConfigMap,
    validateUpdate: validateConfigMapUpdate,
  },
  secrets: {
    defaults: (o) => defaultSecret(o as Any),
    validate: validateSecret,
    validateUpdate: validateSecretUpdate,
  },
  serviceaccounts: {
    validate: none,
  },
  persistentvolumes: {
    defaults: (o) => defaultPersistentVolume(o as Any),
    validate: validatePersistentVolume,
    validateUpdate: validatePersistentVolumeUpdate,
    validateStatusUpdate: none,
  },
  persistentvolumeclaims: {
    defaults: (o) => defaultPersistentVolumeClaim(o as Any),
    validate: validatePersistentVolumeClaim,
    validateUpdate: validatePersistentVolumeClaimUpdate,
    validateStatusUpdate: (o) => validatePersistentVolumeClaimStatusUpdate(o),
  },
  podtemplates: {
    defaults: (o) => defaultPodTemplate(o as Any),
    validate: validatePodTemplate,
  },
  limitranges: {
    defaults: (o) => defaultLimitRange(o as Any),
    validate: validateLimitRange,
  },
  resourcequotas: {
    defaults: (o) => defaultResourceQuota(o),
    validate: validateResourceQuota,
    validateUpdate: validateResourceQuotaUpdate,
    validateStatusUpdate: (o) => validateResourceQuota(o),
  },
};

// ---- strategy helpers ---------------------------------------------------------------------------

const isObj = (v: unknown): v is Record<string, Any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): Any[] => (Array.isArray(v) ? v : []);

/** Upstream's pod QoS class: BestEffort, Guaranteed or Burstable (cpu and memory of containers and init containers). */
export function podQOSClass(pod: Pod | KubeObject): 'BestEffort' | 'Guaranteed' | 'Burstable' {
  const spec = isObj((pod as Any).spec) ? (pod as Any).spec : {};
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  const add = (m: Map<string, bigint>, name: string, v: unknown): boolean => {
    if (name !== 'cpu' && name !== 'memory') return false;
    const q = tryParseQuantity(v as string);
    if (!q || q.sign() <= 0) return false;
    m.set(name, (m.get(name) ?? 0n) + q.scaledValueBig(-9));
    return true;
  };
  for (const c of [...arr(spec.containers), ...arr(spec.initContainers)]) {
    const res = isObj(c) && isObj(c.resources) ? c.resources : {};
    for (const [k, v] of Object.entries(isObj(res.requests) ? res.requests : {})) add(requests, k, v);
    const found = new Set<string>();
    for (const [k, v] of Object.entries(isObj(res.limits) ? res.limits : {})) if (add(limits, k, v)) found.add(k);
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [k, v] of requests) {
      if (limits.get(k) !== v) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/**
 * Upstream's pod PrepareForCreate: status reset to Pending with the QoS class, and a
 * PodScheduled=False/SchedulingGated condition when the pod has scheduling gates.
 */
export function preparePodForCreate(pod: Pod | KubeObject): void {
  const p = pod as Any;
  const status: Record<string, Any> = { phase: 'Pending', qosClass: podQOSClass(p) };
  if (isObj(p.spec) && arr(p.spec.schedulingGates).length > 0) {
    status.conditions = [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'SchedulingGated',
        message: 'Scheduling is blocked due to non-empty scheduling gates',
      },
    ];
  }
  p.status = status;
}

const needsClusterIP = (s: Record<string, Any>): boolean => s.type !== 'ExternalName';
const needsNodePort = (s: Record<string, Any>): boolean => s.type === 'NodePort' || s.type === 'LoadBalancer';
const needsHCNodePort = (s: Record<string, Any>): boolean => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Upstream's service update preparation (patchAllocatedValues, normalizeClusterIPs,
 * dropTypeDependentFields): a client that omits allocated values (clusterIP(s), nodePorts,
 * healthCheckNodePort) keeps the old ones; a lone clusterIP change is mirrored into clusterIPs;
 * values that only the old type needed are dropped when the client left them unchanged.
 * Run after defaulting and before validation.
 */
export function prepareServiceForUpdate(svc: Service | KubeObject, old: Service | KubeObject): void {
  const n = svc as Any;
  const o = old as Any;
  if (!isObj(n.spec)) n.spec = {};
  const ns = n.spec;
  const os = isObj(o.spec) ? o.spec : {};
  // patchAllocatedValues
  if (needsClusterIP(os) && needsClusterIP(ns)) {
    if (!ns.clusterIP && os.clusterIP) ns.clusterIP = os.clusterIP;
    if (arr(ns.clusterIPs).length === 0 && arr(os.clusterIPs).length > 0) ns.clusterIPs = [...os.clusterIPs];
  }
  if (needsNodePort(os) && needsNodePort(ns)) {
    const usedOld = new Set(arr(os.ports).map((p) => (isObj(p) ? p.nodePort : 0)).filter(Boolean));
    const used = new Set(arr(ns.ports).map((p) => (isObj(p) ? p.nodePort : 0)).filter((x) => x && usedOld.has(x)));
    const byName = new Map<string, number>();
    for (const p of arr(os.ports)) if (isObj(p)) byName.set(String(p.name ?? ''), p.nodePort ?? 0);
    for (const p of arr(ns.ports)) {
      if (!isObj(p) || p.nodePort) continue;
      const oldVal = byName.get(String(p.name ?? '')) ?? 0;
      if (oldVal && !used.has(oldVal)) p.nodePort = oldVal;
    }
  }
  if (needsHCNodePort(os) && needsHCNodePort(ns) && !ns.healthCheckNodePort) ns.healthCheckNodePort = os.healthCheckNodePort;
  // normalizeClusterIPs (update)
  const sameIPs = same(os.clusterIPs, ns.clusterIPs);
  if (os.clusterIP && !ns.clusterIP) {
    if (sameIPs) delete ns.clusterIPs;
  } else if (os.clusterIP && ns.clusterIP && os.clusterIP !== ns.clusterIP) {
    if (sameIPs && arr(ns.clusterIPs).length > 0) ns.clusterIPs = [ns.clusterIP, ...ns.clusterIPs.slice(1)];
  } else if (ns.clusterIP && arr(ns.clusterIPs).length === 0) {
    ns.clusterIPs = [ns.clusterIP];
  }
  // dropTypeDependentFields
  if (ns.type !== os.type) {
    if (needsClusterIP(os) && !needsClusterIP(ns)) {
      if (same(os.clusterIPs, ns.clusterIPs)) {
        delete ns.clusterIP;
        delete ns.clusterIPs;
      }
      if (same(os.ipFamilies, ns.ipFamilies)) delete ns.ipFamilies;
      if (same(os.ipFamilyPolicy, ns.ipFamilyPolicy)) delete ns.ipFamilyPolicy;
    }
    const nodePortsOf = (s: Record<string, Any>): unknown[] => arr(s.ports).map((p) => (isObj(p) ? p.nodePort ?? 0 : 0));
    if (needsNodePort(os) && !needsNodePort(ns) && same(nodePortsOf(os), nodePortsOf(ns))) {
      for (const p of arr(ns.ports)) if (isObj(p)) delete p.nodePort;
    }
    if (needsHCNodePort(os) && !needsHCNodePort(ns) && same(os.healthCheckNodePort, ns.healthCheckNodePort)) delete ns.healthCheckNodePort;
    if (os.type === 'LoadBalancer' && ns.type !== 'LoadBalancer') {
      if (ns.allocateLoadBalancerNodePorts != null && os.allocateLoadBalancerNodePorts === ns.allocateLoadBalancerNodePorts) {
        delete ns.allocateLoadBalancerNodePorts;
      }
      if (same(os.loadBalancerClass, ns.loadBalancerClass)) delete ns.loadBalancerClass;
      if (isObj(n.status)) n.status.loadBalancer = {};
    }
    if (externallyAccessible(o) && !externallyAccessible(n) && same(os.externalTrafficPolicy, ns.externalTrafficPolicy)) {
      delete ns.externalTrafficPolicy;
    }
  }
}
