/**
 * Defaulting for core/v1, as upstream's pkg/apis/core/v1/defaults.go plus the generated
 * zz_generated.defaults.go (which walks every nested struct that has a defaulter) and the
 * v1 conversion normalizations that change what a client reads back (podIP/podIPs,
 * hostIP/hostIPs, node podCIDR/podCIDRs, Secret stringData folded into data).
 *
 * Contract: every function mutates in place, is idempotent and never throws, whatever the input
 * shape (malformed input is left for validation to report).
 */
import type {
  Container,
  Endpoints,
  LimitRange,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodSpec,
  PodTemplate,
  PodTemplateSpec,
  ReplicationController,
  Secret,
  Service,
} from 'kubernetes-types/core/v1.js';
import { Quantity, tryParseQuantity } from '../../../machinery/quantity.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const isObj = (v: unknown): v is Record<string, Any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): Any[] => (Array.isArray(v) ? v : []);

export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
export const TERMINATION_MESSAGE_PATH_DEFAULT = '/dev/termination-log';
/** 0644: the default file mode of secret, configMap, downwardAPI and projected volumes. */
export const DEFAULT_VOLUME_MODE = 0o644;
export const DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS = 10800;

/**
 * Rounds every quantity up to milli precision, as upstream's SetDefaults_ResourceList
 * (`0.1m` becomes `1m`); unparseable values are left for validation.
 */
export function defaultResourceList(list: unknown): void {
  if (!isObj(list)) return;
  for (const [k, v] of Object.entries(list)) {
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    const q = tryParseQuantity(v);
    if (!q) continue;
    const nanos = q.scaledValueBig(-9);
    if (nanos % 1_000_000n === 0n) continue;
    // Round away from zero toward +inf as upstream's RoundUp (ceil in magnitude).
    const milli = nanos / 1_000_000n + (nanos > 0n ? 1n : -1n);
    list[k] = Quantity.fromMilli(milli).toString();
  }
}

/**
 * The tag of an image reference as upstream's parsers.ParseImageName reports it: the explicit
 * tag, `latest` when there is neither tag nor digest, and '' when there is only a digest or
 * the reference does not parse.
 */
export function imageTag(image: string): string {
  if (!image) return '';
  let ref = image;
  let digest = '';
  const at = ref.indexOf('@');
  if (at >= 0) {
    digest = ref.slice(at + 1);
    ref = ref.slice(0, at);
    if (!/^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/.test(digest)) return '';
  }
  let tag = '';
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) {
    tag = ref.slice(colon + 1);
    ref = ref.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return '';
  }
  // Repository path: an optional registry host, then lower-case components.
  const parts = ref.split('/');
  const first = parts[0] ?? '';
  const hasHost = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  const components = hasHost ? parts.slice(1) : parts;
  if (hasHost && !/^[A-Za-z0-9.-]+(?::[0-9]+)?$/.test(first) && !/^\[[0-9a-fA-F:]+\](?::[0-9]+)?$/.test(first)) return '';
  for (const c of components) {
    if (!/^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/.test(c)) return '';
  }
  if (!tag && !digest) tag = 'latest';
  return tag;
}

function defaultHTTPGet(h: unknown): void {
  if (!isObj(h)) return;
  if (!h.path) h.path = '/';
  if (!h.scheme) h.scheme = 'HTTP';
}

function defaultHandler(h: unknown): void {
  if (!isObj(h)) return;
  defaultHTTPGet(h.httpGet);
  if (isObj(h.grpc) && h.grpc.service === undefined) h.grpc.service = '';
}

function defaultProbe(p: unknown): void {
  if (!isObj(p)) return;
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  defaultHandler(p);
}

function defaultFieldRef(f: unknown): void {
  if (isObj(f) && !f.apiVersion) f.apiVersion = 'v1';
}

/** Defaults shared by containers, init containers and ephemeral containers. */
export function defaultContainer(c: Container): void {
  const o = c as Any;
  if (!isObj(o)) return;
  if (!o.imagePullPolicy) o.imagePullPolicy = imageTag(typeof o.image === 'string' ? o.image : '') === 'latest' ? 'Always' : 'IfNotPresent';
  if (!o.terminationMessagePath) o.terminationMessagePath = TERMINATION_MESSAGE_PATH_DEFAULT;
  if (!o.terminationMessagePolicy) o.terminationMessagePolicy = 'File';
  for (const p of arr(o.ports)) if (isObj(p) && !p.protocol) p.protocol = 'TCP';
  for (const e of arr(o.env)) if (isObj(e) && isObj(e.valueFrom)) defaultFieldRef(e.valueFrom.fieldRef);
  if (isObj(o.resources)) {
    defaultResourceList(o.resources.limits);
    defaultResourceList(o.resources.requests);
  }
  defaultProbe(o.livenessProbe);
  defaultProbe(o.readinessProbe);
  defaultProbe(o.startupProbe);
  if (isObj(o.lifecycle)) {
    defaultHandler(o.lifecycle.postStart);
    defaultHandler(o.lifecycle.preStop);
  }
}

function defaultPersistentVolumeClaimSpec(spec: unknown): void {
  if (!isObj(spec)) return;
  if (!spec.volumeMode) spec.volumeMode = 'Filesystem';
  if (isObj(spec.resources)) {
    defaultResourceList(spec.resources.limits);
    defaultResourceList(spec.resources.requests);
  }
}

function defaultDownwardAPIItems(items: unknown): void {
  for (const it of arr(items)) if (isObj(it)) defaultFieldRef(it.fieldRef);
}

/** Sources shared by pod volumes and persistent volumes (hostPath, iscsi, rbd, azureDisk, scaleIO). */
function defaultSharedSources(s: Record<string, Any>): void {
  if (isObj(s.hostPath) && s.hostPath.type === undefined) s.hostPath.type = '';
  if (isObj(s.iscsi) && !s.iscsi.iscsiInterface) s.iscsi.iscsiInterface = 'default';
  if (isObj(s.rbd)) {
    if (!s.rbd.pool) s.rbd.pool = 'rbd';
    if (!s.rbd.user) s.rbd.user = 'admin';
    if (!s.rbd.keyring) s.rbd.keyring = '/etc/ceph/keyring';
  }
  if (isObj(s.azureDisk)) {
    if (s.azureDisk.cachingMode === undefined) s.azureDisk.cachingMode = 'ReadWrite';
    if (s.azureDisk.fsType === undefined) s.azureDisk.fsType = 'ext4';
    if (s.azureDisk.readOnly === undefined) s.azureDisk.readOnly = false;
    if (s.azureDisk.kind === undefined) s.azureDisk.kind = 'Shared';
  }
  if (isObj(s.scaleIO)) {
    if (!s.scaleIO.storageMode) s.scaleIO.storageMode = 'ThinProvisioned';
    if (!s.scaleIO.fsType) s.scaleIO.fsType = 'xfs';
  }
}

const VOLUME_SOURCES = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
] as const;

function defaultVolume(v: unknown): void {
  if (!isObj(v)) return;
  if (!VOLUME_SOURCES.some((k) => v[k] !== undefined && v[k] !== null)) v.emptyDir = {};
  defaultSharedSources(v);
  if (isObj(v.secret) && v.secret.defaultMode === undefined) v.secret.defaultMode = DEFAULT_VOLUME_MODE;
  if (isObj(v.configMap) && v.configMap.defaultMode === undefined) v.configMap.defaultMode = DEFAULT_VOLUME_MODE;
  if (isObj(v.downwardAPI)) {
    if (v.downwardAPI.defaultMode === undefined) v.downwardAPI.defaultMode = DEFAULT_VOLUME_MODE;
    defaultDownwardAPIItems(v.downwardAPI.items);
  }
  if (isObj(v.projected)) {
    if (v.projected.defaultMode === undefined) v.projected.defaultMode = DEFAULT_VOLUME_MODE;
    for (const src of arr(v.projected.sources)) {
      if (!isObj(src)) continue;
      if (isObj(src.downwardAPI)) defaultDownwardAPIItems(src.downwardAPI.items);
      if (isObj(src.serviceAccountToken) && src.serviceAccountToken.expirationSeconds === undefined) {
        src.serviceAccountToken.expirationSeconds = 3600;
      }
    }
  }
  if (isObj(v.ephemeral) && isObj(v.ephemeral.volumeClaimTemplate)) defaultPersistentVolumeClaimSpec(v.ephemeral.volumeClaimTemplate.spec);
}

/**
 * Upstream's SetDefaults_PodSpec and the nested defaulters; used for pods and for every pod
 * template (ReplicationController, Deployment, Job, ...). Pod-only defaults (requests from
 * limits, enableServiceLinks, hostNetwork host ports) are in `defaultPod`.
 */
export function defaultPodSpec(spec: PodSpec): void {
  const s = spec as Any;
  if (!isObj(s)) return;
  if (!s.dnsPolicy) s.dnsPolicy = 'ClusterFirst';
  if (!s.restartPolicy) s.restartPolicy = 'Always';
  if (s.securityContext === undefined || s.securityContext === null) s.securityContext = {};
  if (s.terminationGracePeriodSeconds === undefined || s.terminationGracePeriodSeconds === null) {
    s.terminationGracePeriodSeconds = DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  }
  if (!s.schedulerName) s.schedulerName = DEFAULT_SCHEDULER_NAME;
  for (const v of arr(s.volumes)) defaultVolume(v);
  for (const c of arr(s.initContainers)) defaultContainer(c);
  for (const c of arr(s.containers)) defaultContainer(c);
  for (const c of arr(s.ephemeralContainers)) defaultContainer(c);
  defaultResourceList(s.overhead);
}

/** Defaults of a pod template: the spec defaults only (labels/annotations are left alone). */
export function defaultPodTemplateSpec(tpl: PodTemplateSpec | undefined): void {
  if (!isObj(tpl)) return;
  if (isObj(tpl.spec)) defaultPodSpec(tpl.spec);
}

function defaultHostNetworkPorts(containers: unknown): void {
  for (const c of arr(containers)) {
    if (!isObj(c)) continue;
    for (const p of arr(c.ports)) if (isObj(p) && !p.hostPort && p.containerPort) p.hostPort = p.containerPort;
  }
}

function requestsFromLimits(containers: unknown): void {
  for (const c of arr(containers)) {
    if (!isObj(c) || !isObj(c.resources) || !isObj(c.resources.limits)) continue;
    if (!isObj(c.resources.requests)) c.resources.requests = {};
    for (const [k, v] of Object.entries(c.resources.limits)) {
      if (!(k in c.resources.requests)) c.resources.requests[k] = v;
    }
  }
}

/** Keeps a singular field and its plural list consistent as the v1 conversion does. */
function syncIPs(status: Record<string, Any>, single: string, plural: string): void {
  const list = arr(status[plural]);
  const one = typeof status[single] === 'string' ? (status[single] as string) : '';
  if (one && (list.length === 0 || !isObj(list[0]) || list[0].ip !== one)) {
    status[plural] = [{ ip: one }];
  } else if (!one && list.length > 0 && isObj(list[0]) && typeof list[0].ip === 'string' && list[0].ip) {
    status[single] = list[0].ip;
  }
}

export function defaultPod(pod: Pod): void {
  const p = pod as Any;
  if (!isObj(p)) return;
  if (!isObj(p.spec)) p.spec = {};
  const s = p.spec;
  requestsFromLimits(s.containers);
  requestsFromLimits(s.initContainers);
  if (s.enableServiceLinks === undefined || s.enableServiceLinks === null) s.enableServiceLinks = true;
  if (s.hostNetwork === true) {
    defaultHostNetworkPorts(s.containers);
    defaultHostNetworkPorts(s.initContainers);
  }
  defaultPodSpec(s);
  if (isObj(p.status)) {
    syncIPs(p.status, 'podIP', 'podIPs');
    syncIPs(p.status, 'hostIP', 'hostIPs');
    for (const list of [p.status.containerStatuses, p.status.initContainerStatuses, p.status.ephemeralContainerStatuses]) {
      for (const cs of arr(list)) {
        if (!isObj(cs)) continue;
        defaultResourceList(cs.allocatedResources);
        if (isObj(cs.resources)) {
          defaultResourceList(cs.resources.limits);
          defaultResourceList(cs.resources.requests);
        }
      }
    }
  }
}

export function defaultPodTemplate(pt: PodTemplate): void {
  if (isObj(pt)) defaultPodTemplateSpec((pt as Any).template);
}

export function defaultReplicationController(rc: ReplicationController): void {
  const o = rc as Any;
  if (!isObj(o)) return;
  if (!isObj(o.spec)) o.spec = {};
  const spec = o.spec;
  const labels = isObj(spec.template) && isObj(spec.template.metadata) && isObj(spec.template.metadata.labels) ? spec.template.metadata.labels : undefined;
  if (labels) {
    if (!isObj(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    if (!isObj(o.metadata)) o.metadata = {};
    if (!isObj(o.metadata.labels) || Object.keys(o.metadata.labels).length === 0) o.metadata.labels = { ...labels };
  }
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  defaultPodTemplateSpec(spec.template);
}

/** ClusterIP, NodePort and LoadBalancer services, and ClusterIP services with external IPs. */
export function externallyAccessible(svc: Service): boolean {
  const t = svc.spec?.type;
  return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && (svc.spec?.externalIPs?.length ?? 0) > 0);
}

/**
 * Upstream's SetDefaults_Service. IP families and policy are left to the allocator; a lone
 * `clusterIP` is mirrored into `clusterIPs` as the registry's create normalization does.
 */
export function defaultService(svc: Service): void {
  const o = svc as Any;
  if (!isObj(o)) return;
  if (!isObj(o.spec)) o.spec = {};
  const s = o.spec;
  if (!s.sessionAffinity) s.sessionAffinity = 'None';
  if (s.sessionAffinity === 'None') delete s.sessionAffinityConfig;
  if (s.sessionAffinity === 'ClientIP') {
    if (!isObj(s.sessionAffinityConfig) || !isObj(s.sessionAffinityConfig.clientIP) || s.sessionAffinityConfig.clientIP.timeoutSeconds == null) {
      s.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS } };
    }
  }
  if (!s.type) s.type = 'ClusterIP';
  for (const p of arr(s.ports)) {
    if (!isObj(p)) continue;
    if (!p.protocol) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(svc) && !s.externalTrafficPolicy) s.externalTrafficPolicy = 'Cluster';
  if (s.internalTrafficPolicy === undefined || s.internalTrafficPolicy === null) {
    if (s.type === 'NodePort' || s.type === 'LoadBalancer' || s.type === 'ClusterIP') s.internalTrafficPolicy = 'Cluster';
  }
  if (s.type === 'LoadBalancer' && (s.allocateLoadBalancerNodePorts === undefined || s.allocateLoadBalancerNodePorts === null)) {
    s.allocateLoadBalancerNodePorts = true;
  }
  if (typeof s.clusterIP === 'string' && s.clusterIP && (!Array.isArray(s.clusterIPs) || s.clusterIPs.length === 0)) s.clusterIPs = [s.clusterIP];
  if (s.type === 'LoadBalancer' && isObj(o.status) && isObj(o.status.loadBalancer)) {
    for (const ing of arr(o.status.loadBalancer.ingress)) if (isObj(ing) && ing.ip && !ing.ipMode) ing.ipMode = 'VIP';
  }
}

/** `kubernetes.io/metadata.name` label and status.phase Active. spec.finalizers is set on create only (`prepareNamespaceForCreate`). */
export function defaultNamespace(ns: Namespace): void {
  const o = ns as Any;
  if (!isObj(o)) return;
  if (isObj(o.metadata) && typeof o.metadata.name === 'string' && o.metadata.name) {
    if (!isObj(o.metadata.labels)) o.metadata.labels = {};
    o.metadata.labels['kubernetes.io/metadata.name'] = o.metadata.name;
  }
  if (!isObj(o.status)) o.status = {};
  if (!o.status.phase) o.status.phase = 'Active';
}

/**
 * Upstream's namespace PrepareForCreate: status reset to Active and the `kubernetes` finalizer
 * present in spec.finalizers. Not a default: it must not come back after the namespace
 * controller removes the finalizer.
 */
export function prepareNamespaceForCreate(ns: Namespace): void {
  const o = ns as Any;
  if (!isObj(o)) return;
  o.status = { phase: 'Active' };
  if (!isObj(o.spec)) o.spec = {};
  const fins = arr(o.spec.finalizers);
  if (!fins.includes('kubernetes')) o.spec.finalizers = [...fins, 'kubernetes'];
}

/** Folds stringData into data (base64) as the v1 conversion does, then type Opaque if unset. */
export function defaultSecret(secret: Secret): void {
  const o = secret as Any;
  if (!isObj(o)) return;
  if (isObj(o.stringData)) {
    if (!isObj(o.data)) o.data = {};
    for (const [k, v] of Object.entries(o.stringData)) o.data[k] = Buffer.from(String(v ?? ''), 'utf8').toString('base64');
  }
  delete o.stringData;
  if (!o.type) o.type = 'Opaque';
}

export function defaultPersistentVolume(pv: PersistentVolume): void {
  const o = pv as Any;
  if (!isObj(o)) return;
  if (!isObj(o.status)) o.status = {};
  if (!o.status.phase) o.status.phase = 'Pending';
  if (!isObj(o.spec)) o.spec = {};
  if (!o.spec.persistentVolumeReclaimPolicy) o.spec.persistentVolumeReclaimPolicy = 'Retain';
  if (!o.spec.volumeMode) o.spec.volumeMode = 'Filesystem';
  defaultResourceList(o.spec.capacity);
  defaultSharedSources(o.spec);
}

export function defaultPersistentVolumeClaim(pvc: PersistentVolumeClaim): void {
  const o = pvc as Any;
  if (!isObj(o)) return;
  if (!isObj(o.spec)) o.spec = {};
  defaultPersistentVolumeClaimSpec(o.spec);
  if (!isObj(o.status)) o.status = {};
  if (!o.status.phase) o.status.phase = 'Pending';
  defaultResourceList(o.status.capacity);
  defaultResourceList(o.status.allocatedResources);
}

/** Allocatable defaults to capacity; podCIDR and podCIDRs kept consistent as the v1 conversion does. */
export function defaultNode(node: Node): void {
  const o = node as Any;
  if (!isObj(o)) return;
  if (isObj(o.spec)) {
    const cidrs = arr(o.spec.podCIDRs);
    if (o.spec.podCIDR && cidrs.length === 0) o.spec.podCIDRs = [o.spec.podCIDR];
    else if (!o.spec.podCIDR && cidrs.length > 0 && typeof cidrs[0] === 'string') o.spec.podCIDR = cidrs[0];
  }
  if (isObj(o.status)) {
    defaultResourceList(o.status.capacity);
    defaultResourceList(o.status.allocatable);
    if (!isObj(o.status.allocatable) && isObj(o.status.capacity)) o.status.allocatable = { ...o.status.capacity };
  }
}

export function defaultEndpoints(ep: Endpoints): void {
  const o = ep as Any;
  if (!isObj(o)) return;
  for (const ss of arr(o.subsets)) {
    if (!isObj(ss)) continue;
    for (const p of arr(ss.ports)) if (isObj(p) && !p.protocol) p.protocol = 'TCP';
  }
}

/** Container limits: default limit from max, default request from default limit, then from min. */
export function defaultLimitRange(lr: LimitRange): void {
  const o = lr as Any;
  if (!isObj(o) || !isObj(o.spec)) return;
  for (const item of arr(o.spec.limits)) {
    if (!isObj(item)) continue;
    for (const k of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) defaultResourceList(item[k]);
    if (item.type !== 'Container') continue;
    if (!isObj(item.default)) item.default = {};
    if (!isObj(item.defaultRequest)) item.defaultRequest = {};
    for (const [k, v] of Object.entries(isObj(item.max) ? item.max : {})) if (!(k in item.default)) item.default[k] = v;
    for (const [k, v] of Object.entries(item.default)) if (!(k in item.defaultRequest)) item.defaultRequest[k] = v;
    for (const [k, v] of Object.entries(isObj(item.min) ? item.min : {})) if (!(k in item.defaultRequest)) item.defaultRequest[k] = v;
  }
}

export function defaultResourceQuota(rq: Any): void {
  if (!isObj(rq)) return;
  if (isObj(rq.spec)) defaultResourceList(rq.spec.hard);
  if (isObj(rq.status)) {
    defaultResourceList(rq.status.hard);
    defaultResourceList(rq.status.used);
  }
}
