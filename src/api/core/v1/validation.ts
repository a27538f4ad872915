/**
 * Validation for core/v1, as upstream's pkg/apis/core/validation/validation.go (Kubernetes 1.32
 * with default feature gates): same checks, field paths and message texts, including upstream's
 * path quirks (e.g. `spec.template.labels`, `metadata.taints`, `spec.resources[storage]`).
 *
 * Contract (see src/api/types.ts): functions are pure and return every error. Object-meta checks
 * common to all types (name syntax via the type's `nameFn`, namespace, labels, annotations, owner
 * references, finalizers; immutability of name/uid/... on update) are the registry's job and
 * are not repeated here; metadata checks that are specific to a type (pod annotations,
 * a secret's service-account annotation, ...) are.
 */
import type { FieldError } from '../../../machinery/fielderrors.js';
import { duplicate, forbidden, immutable, invalid, notFound, notSupported, required, tooLong } from '../../../machinery/fielderrors.js';
import { nameIsDNSSubdomain, validateAnnotations, validateLabels, validateLabelName, validateLabelSelector } from '../../../machinery/objectmeta.js';
import { Quantity, parseQuantity } from '../../../machinery/quantity.js';
import {
  inclusiveRangeError,
  ipFamilyOf,
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isHTTPHeaderName,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidCIDR,
  isValidIP,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  parseCIDR,
  parseIP,
} from '../../../machinery/validation.js';
import { externallyAccessible } from './defaults.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;
type Errs = FieldError[];

const isObj = (v: unknown): v is Record<string, Any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): Any[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const entries = (v: unknown): [string, Any][] => (isObj(v) ? Object.entries(v) : []);
const has = (v: unknown): boolean => v !== undefined && v !== null;
const byteLen = (s: string): number => Buffer.byteLength(s, 'utf8');
const sorted = (xs: readonly string[]): string[] => [...xs].sort();

export const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';
export const IS_NOT_POSITIVE_ERROR_MSG = 'must be greater than zero';
export const IS_NOT_INTEGER_ERROR_MSG = 'must be an integer';
export const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';
const FILE_MODE_ERROR_MSG = 'must be a number between 0 and 0777 (octal), both inclusive';
const MAX_INT32 = 2147483647;
/** ConfigMap and Secret payload limit (upstream's MaxSecretSize). */
export const MAX_SECRET_SIZE = 1024 * 1024;

const SUPPORTED_PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

// ---- small field helpers ------------------------------------------------------------------------

export function validateDNS1123Label(value: string, path: string): Errs {
  return isDNS1123Label(value).map((m) => invalid(path, value, m));
}

export function validateDNS1123Subdomain(value: string, path: string): Errs {
  return isDNS1123Subdomain(value).map((m) => invalid(path, value, m));
}

export function validateQualifiedName(value: string, path: string): Errs {
  return isQualifiedName(value).map((m) => invalid(path, value, m));
}

export function validateNonnegativeField(value: unknown, path: string): Errs {
  return num(value) < 0 ? [invalid(path, value, IS_NEGATIVE_ERROR_MSG)] : [];
}

function ipErrs(value: string, path: string): Errs {
  return isValidIP(value).map((m) => invalid(path, value, m));
}

function cidrErrs(value: string, path: string): Errs {
  return isValidCIDR(value).map((m) => invalid(path, value, m));
}

/** Parses a quantity field; an unparseable value is reported as upstream's decoder would. */
function quantityOf(v: unknown, path: string, errs: Errs): Quantity | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') {
    errs.push(invalid(path, v, 'quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\''));
    return undefined;
  }
  try {
    return parseQuantity(v);
  } catch (e) {
    errs.push(invalid(path, v, (e as Error).message));
    return undefined;
  }
}

const ZERO = Quantity.fromValue(0);

function validateNonnegativeQuantity(q: Quantity, path: string): Errs {
  return q.cmp(ZERO) < 0 ? [invalid(path, q.toString(), IS_NEGATIVE_ERROR_MSG)] : [];
}

function validatePositiveQuantityValue(q: Quantity, path: string): Errs {
  return q.cmp(ZERO) <= 0 ? [invalid(path, q.toString(), IS_NOT_POSITIVE_ERROR_MSG)] : [];
}

function validateBasicResource(q: Quantity, path: string): Errs {
  return q.value() < 0 ? [invalid(path, q.value(), 'must be a valid resource quantity')] : [];
}

// ---- resource names -----------------------------------------------------------------------------

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'persistentvolumeclaims',
  'configmaps',
  'services.nodeports',
  'services.loadbalancers',
  'requests.storage',
  'storage',
]);
const STANDARD_QUOTA_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.storage',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);
const INTEGER_RESOURCES = new Set([
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

const isHugePageResourceName = (n: string): boolean => n.startsWith('hugepages-');
const isNativeResource = (n: string): boolean => !n.includes('/') || n.includes('kubernetes.io/');
/** Extended resources: outside kubernetes.io, not `requests.`-prefixed, `requests.<name>` a qualified name. */
export const isExtendedResourceName = (n: string): boolean =>
  !isNativeResource(n) && !n.startsWith('requests.') && isQualifiedName(`requests.${n}`).length === 0;
const isStandardContainerResourceName = (n: string): boolean => STANDARD_CONTAINER_RESOURCES.has(n) || isHugePageResourceName(n);
const isStandardResourceName = (n: string): boolean =>
  STANDARD_RESOURCES.has(n) || isHugePageResourceName(n) || n.startsWith('requests.hugepages-');
const isStandardQuotaResourceName = (n: string): boolean =>
  STANDARD_QUOTA_RESOURCES.has(n) || n.startsWith('requests.hugepages-') || isHugePageResourceName(n);
const isIntegerResourceName = (n: string): boolean => INTEGER_RESOURCES.has(n) || isExtendedResourceName(n);
/** Only cpu, memory, ephemeral-storage (and their requests./limits. forms) may be overcommitted. */
const isOvercommitAllowed = (n: string): boolean => isNativeResource(n) && !isHugePageResourceName(n);

function validateResourceName(name: string, path: string): Errs {
  const errs = validateQualifiedName(name, path);
  if (errs.length) return errs;
  if (!name.includes('/') && !isStandardResourceName(name)) {
    return [invalid(path, name, 'must be a standard resource type or fully qualified')];
  }
  return [];
}

function validateContainerResourceName(name: string, path: string): Errs {
  const errs = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!isStandardContainerResourceName(name)) return [...errs, invalid(path, name, 'must be a standard resource for containers')];
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    return [...errs, invalid(path, name, "doesn't follow extended resource name standard")];
  }
  return errs;
}

function validateResourceQuantityValue(resource: string, q: Quantity, path: string): Errs {
  const errs = validateNonnegativeQuantity(q, path);
  if (isIntegerResourceName(resource) && q.milliValueBig() % 1000n !== 0n) errs.push(invalid(path, q.toString(), IS_NOT_INTEGER_ERROR_MSG));
  return errs;
}

// ---- pod spec -----------------------------------------------------------------------------------

interface PodOpts {
  /** The spec belongs to a Pod (not a template): host ports are defaulted, stricter checks apply. */
  resourceIsPod: boolean;
}

function validatePortNumOrName(port: unknown, path: string): Errs {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => invalid(path, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalid(path, port, m));
  return [invalid(path, port ?? '', 'must be an integer or a string')];
}

function validateHTTPGet(h: Record<string, Any>, path: string): Errs {
  const errs: Errs = [];
  if (!str(h.path)) errs.push(required(`${path}.path`));
  errs.push(...validatePortNumOrName(h.port, `${path}.port`));
  if (h.scheme !== 'HTTP' && h.scheme !== 'HTTPS') errs.push(notSupported(`${path}.scheme`, str(h.scheme), ['HTTP', 'HTTPS']));
  for (const hdr of arr(h.httpHeaders)) {
    const name = str(isObj(hdr) ? hdr.name : '');
    for (const m of isHTTPHeaderName(name)) errs.push(invalid(`${path}.httpHeaders`, name, m));
  }
  return errs;
}

/** Exactly one of exec, httpGet, tcpSocket, grpc (probes) or sleep (lifecycle handlers). */
function validateHandler(h: Record<string, Any>, gracePeriod: number | undefined, path: string, kinds: readonly string[]): Errs {
  const errs: Errs = [];
  let n = 0;
  for (const kind of kinds) {
    const v = h[kind];
    if (!has(v)) continue;
    if (n > 0) {
      errs.push(forbidden(`${path}.${kind}`, 'may not specify more than 1 handler type'));
      continue;
    }
    n++;
    const p = `${path}.${kind}`;
    const o = isObj(v) ? v : {};
    switch (kind) {
      case 'exec':
        if (arr(o.command).length === 0) errs.push(required(`${p}.command`));
        break;
      case 'httpGet':
        errs.push(...validateHTTPGet(o, p));
        break;
      case 'tcpSocket':
        errs.push(...validatePortNumOrName(o.port, `${p}.port`));
        break;
      case 'grpc':
        errs.push(...validatePortNumOrName(num(o.port), `${p}.port`));
        break;
      case 'sleep': {
        const secs = num(o.seconds);
        if (gracePeriod !== undefined && (secs <= 0 || secs > gracePeriod)) {
          errs.push(invalid(p, secs, `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod})`));
        }
        break;
      }
    }
  }
  if (n === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;
const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'] as const;

function validateProbe(probe: unknown, gracePeriod: number | undefined, path: string): Errs {
  if (!isObj(probe)) return [];
  const errs = validateHandler(probe, gracePeriod, path, PROBE_HANDLERS);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...validateNonnegativeField(probe[f], `${path}.${f}`));
  }
  if (has(probe.terminationGracePeriodSeconds) && num(probe.terminationGracePeriodSeconds) <= 0) {
    errs.push(invalid(`${path}.terminationGracePeriodSeconds`, probe.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  return errs;
}

function validateLivenessOrStartupProbe(probe: unknown, gracePeriod: number | undefined, path: string): Errs {
  if (!isObj(probe)) return [];
  const errs = validateProbe(probe, gracePeriod, path);
  if (num(probe.successThreshold) !== 1) errs.push(invalid(`${path}.successThreshold`, probe.successThreshold ?? 0, 'must be 1'));
  return errs;
}

function validateReadinessProbe(probe: unknown, gracePeriod: number | undefined, path: string): Errs {
  if (!isObj(probe)) return [];
  const errs = validateProbe(probe, gracePeriod, path);
  if (has(probe.terminationGracePeriodSeconds)) {
    errs.push(invalid(`${path}.terminationGracePeriodSeconds`, probe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  }
  return errs;
}

function validateLifecycle(lc: Record<string, Any>, gracePeriod: number | undefined, path: string): Errs {
  const errs: Errs = [];
  if (isObj(lc.postStart)) errs.push(...validateHandler(lc.postStart, gracePeriod, `${path}.postStart`, LIFECYCLE_HANDLERS));
  if (isObj(lc.preStop)) errs.push(...validateHandler(lc.preStop, gracePeriod, `${path}.preStop`, LIFECYCLE_HANDLERS));
  return errs;
}

function validateContainerPorts(ports: Any[], path: string): Errs {
  const errs: Errs = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = isObj(port) ? port : {};
    const ip = `${path}[${i}]`;
    const name = str(p.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) for (const m of msgs) errs.push(invalid(`${ip}.name`, name, m));
      else if (names.has(name)) errs.push(duplicate(`${ip}.name`, name));
      else names.add(name);
    }
    if (!num(p.containerPort)) errs.push(required(`${ip}.containerPort`));
    else for (const m of isValidPortNum(num(p.containerPort))) errs.push(invalid(`${ip}.containerPort`, p.containerPort, m));
    if (num(p.hostPort) !== 0) for (const m of isValidPortNum(num(p.hostPort))) errs.push(invalid(`${ip}.hostPort`, p.hostPort, m));
    if (!str(p.protocol)) errs.push(required(`${ip}.protocol`));
    else if (!SUPPORTED_PORT_PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${ip}.protocol`, p.protocol, SUPPORTED_PORT_PROTOCOLS));
  });
  return errs;
}

const VALID_ENV_FIELD_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];
const VALID_VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
/** Pod field labels the downward API accepts (env fieldRef and, after conversion, volumes). */
export const DOWNWARD_API_LABELS: ReadonlySet<string> = new Set([
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.serviceAccountName',
  'spec.schedulerName',
  'status.phase',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
]);
const VALID_CONTAINER_RESOURCE_FIELDS = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];
const CONTAINER_RESOURCE_FIELD_PREFIXES = ['limits.hugepages-', 'requests.hugepages-'];

function splitSubscriptedPath(p: string): [string, string] | undefined {
  if (!p.endsWith("']")) return undefined;
  const s = p.slice(0, -2);
  const i = s.indexOf("['");
  if (i <= 0) return undefined;
  return [s.slice(0, i), s.slice(i + 2)];
}

function validateObjectFieldSelector(fs: Record<string, Any>, expressions: readonly string[], path: string): Errs {
  const apiVersion = str(fs.apiVersion);
  const fieldPath = str(fs.fieldPath);
  if (!apiVersion) return [required(`${path}.apiVersion`)];
  if (!fieldPath) return [required(`${path}.fieldPath`)];
  // Upstream's ConvertDownwardAPIFieldLabel.
  let internal = fieldPath;
  const sub = splitSubscriptedPath(fieldPath);
  let convErr = '';
  if (apiVersion !== 'v1') convErr = `unsupported pod version: ${apiVersion}`;
  else if (sub) {
    if (sub[0] !== 'metadata.annotations' && sub[0] !== 'metadata.labels') convErr = `field label does not support subscript: ${fieldPath}`;
  } else if (fieldPath === 'spec.host') internal = 'spec.nodeName';
  else if (!DOWNWARD_API_LABELS.has(fieldPath)) convErr = `field label not supported: ${fieldPath}`;
  if (convErr) return [invalid(`${path}.fieldPath`, fieldPath, `error converting fieldPath: ${convErr}`)];
  if (sub) {
    if (sub[0] === 'metadata.annotations') return validateQualifiedName(sub[1].toLowerCase(), path);
    return validateQualifiedName(sub[1], path);
  }
  if (!expressions.includes(internal)) return [notSupported(`${path}.fieldPath`, internal, sorted(expressions))];
  return [];
}

const CPU_DIVISORS = new Set(['1m', '1']);
const MEMORY_DIVISORS = new Set(['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei']);

function validateContainerResourceDivisor(resource: string, divisor: unknown, path: string): Errs {
  if (!has(divisor)) return [];
  const errs: Errs = [];
  const q = quantityOf(divisor, `${path}.divisor`, errs);
  if (!q) return errs;
  const canon = q.canonical();
  if (q.isZero()) return [];
  if (resource === 'limits.cpu' || resource === 'requests.cpu') {
    if (!CPU_DIVISORS.has(canon)) errs.push(invalid(`${path}.divisor`, str(divisor), "only divisor's values 1m and 1 are supported with the cpu resource"));
  } else if (resource === 'limits.memory' || resource === 'requests.memory') {
    if (!MEMORY_DIVISORS.has(canon)) {
      errs.push(invalid(`${path}.divisor`, str(divisor), "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource"));
    }
  } else if (resource === 'limits.ephemeral-storage' || resource === 'requests.ephemeral-storage') {
    if (!MEMORY_DIVISORS.has(canon)) {
      errs.push(invalid(`${path}.divisor`, str(divisor), "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral storage resource"));
    }
  }
  return errs;
}

function validateContainerResourceFieldSelector(fs: Record<string, Any>, path: string, volume: boolean): Errs {
  const errs: Errs = [];
  const resource = str(fs.resource);
  if (volume && !str(fs.containerName)) errs.push(required(`${path}.containerName`));
  else if (!resource) errs.push(required(`${path}.resource`));
  else if (!VALID_CONTAINER_RESOURCE_FIELDS.includes(resource) && !CONTAINER_RESOURCE_FIELD_PREFIXES.some((p) => resource.startsWith(p))) {
    errs.push(notSupported(`${path}.resource`, resource, VALID_CONTAINER_RESOURCE_FIELDS));
  }
  errs.push(...validateContainerResourceDivisor(resource, fs.divisor, path));
  return errs;
}

function validateKeySelector(s: Record<string, Any>, path: string): Errs {
  const errs: Errs = [];
  const name = str(s.name);
  for (const m of isDNS1123Subdomain(name)) errs.push(invalid(`${path}.name`, name, m));
  const key = str(s.key);
  if (!key) errs.push(required(`${path}.key`));
  else for (const m of isConfigMapKey(key)) errs.push(invalid(`${path}.key`, key, m));
  return errs;
}

function validateEnv(env: Any[], path: string): Errs {
  const errs: Errs = [];
  env.forEach((ev, i) => {
    const e = isObj(ev) ? ev : {};
    const ip = `${path}[${i}]`;
    const name = str(e.name);
    if (!name) errs.push(required(`${ip}.name`));
    for (const m of isRelaxedEnvVarName(name)) errs.push(invalid(`${ip}.name`, name, m));
    if (!isObj(e.valueFrom)) return;
    const vf = e.valueFrom;
    const vp = `${ip}.valueFrom`;
    let n = 0;
    if (isObj(vf.fieldRef)) {
      n++;
      errs.push(...validateObjectFieldSelector(vf.fieldRef, VALID_ENV_FIELD_PATHS, `${vp}.fieldRef`));
    }
    if (isObj(vf.resourceFieldRef)) {
      n++;
      errs.push(...validateContainerResourceFieldSelector(vf.resourceFieldRef, `${vp}.resourceFieldRef`, false));
    }
    if (isObj(vf.configMapKeyRef)) {
      n++;
      errs.push(...validateKeySelector(vf.configMapKeyRef, `${vp}.configMapKeyRef`));
    }
    if (isObj(vf.secretKeyRef)) {
      n++;
      errs.push(...validateKeySelector(vf.secretKeyRef, `${vp}.secretKeyRef`));
    }
    if (n === 0) errs.push(invalid(vp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (str(e.value)) errs.push(invalid(vp, '', 'may not be specified when `value` is not empty'));
    else if (n > 1) errs.push(invalid(vp, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateEnvFrom(envFrom: Any[], path: string): Errs {
  const errs: Errs = [];
  envFrom.forEach((ef, i) => {
    const e = isObj(ef) ? ef : {};
    const ip = `${path}[${i}]`;
    const prefix = str(e.prefix);
    if (prefix) for (const m of isRelaxedEnvVarName(prefix)) errs.push(invalid(`${ip}.prefix`, prefix, m));
    let n = 0;
    for (const kind of ['configMapRef', 'secretRef']) {
      if (!isObj(e[kind])) continue;
      n++;
      const name = str(e[kind].name);
      if (!name) errs.push(required(`${ip}.${kind}.name`));
      else for (const m of nameIsDNSSubdomain(name, true)) errs.push(invalid(`${ip}.${kind}.name`, name, m));
    }
    if (n === 0) errs.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function isAbsPath(p: string): boolean {
  return p.startsWith('/');
}

function validatePathNoBacksteps(target: string, path: string): Errs {
  return target.split('/').includes('..') ? [invalid(path, target, "must not contain '..'")] : [];
}

function validateLocalDescendingPath(target: string, path: string): Errs {
  const errs: Errs = [];
  if (isAbsPath(target)) errs.push(invalid(path, target, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(target, path));
  return errs;
}

function validateLocalNonReservedPath(target: string, path: string): Errs {
  const errs = validateLocalDescendingPath(target, path);
  if (target.startsWith('..') && !target.startsWith('../')) errs.push(invalid(path, target, "must not start with '..'"));
  return errs;
}

function validateVolumeMounts(mounts: Any[], devices: Any[], volumes: Map<string, Record<string, Any>>, container: Record<string, Any>, path: string): Errs {
  const errs: Errs = [];
  const mountpoints = new Set<string>();
  const devNames = new Set(devices.map((d) => str(isObj(d) ? d.name : '')));
  const devPaths = new Set(devices.map((d) => str(isObj(d) ? d.devicePath : '')));
  mounts.forEach((mnt, i) => {
    const m = isObj(mnt) ? mnt : {};
    const ip = `${path}[${i}]`;
    const name = str(m.name);
    const mountPath = str(m.mountPath);
    if (!name) errs.push(required(`${ip}.name`));
    if (!volumes.has(name)) errs.push(notFound(`${ip}.name`, name));
    if (!mountPath) errs.push(required(`${ip}.mountPath`));
    if (mountpoints.has(mountPath)) errs.push(invalid(`${ip}.mountPath`, mountPath, 'must be unique'));
    mountpoints.add(mountPath);
    if (devNames.has(name)) errs.push(invalid(`${ip}.name`, name, 'must not already exist in volumeDevices'));
    if (devPaths.has(mountPath)) errs.push(invalid(`${ip}.mountPath`, mountPath, 'must not already exist as a path in volumeDevices'));
    const subPath = str(m.subPath);
    if (subPath) errs.push(...validateLocalDescendingPath(subPath, `${path}.subPath`));
    const subPathExpr = str(m.subPathExpr);
    if (subPathExpr) {
      if (subPath) errs.push(invalid(`${ip}.subPathExpr`, subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(subPathExpr, `${path}.subPathExpr`));
    }
    if (has(m.mountPropagation)) {
      const mp = str(m.mountPropagation);
      const supported = ['Bidirectional', 'HostToContainer', 'None'];
      if (!supported.includes(mp)) errs.push(notSupported(`${path}.mountPropagation`, mp, supported));
      const privileged = isObj(container.securityContext) && container.securityContext.privileged === true;
      if (mp === 'Bidirectional' && !privileged) {
        errs.push(forbidden(`${path}.mountPropagation`, 'Bidirectional mount propagation is available only to privileged containers'));
      }
    }
    if (has(m.recursiveReadOnly)) {
      const rro = str(m.recursiveReadOnly);
      const rp = `${path}.recursiveReadOnly`;
      const supported = ['Disabled', 'Enabled', 'IfPossible'];
      if (!supported.includes(rro)) errs.push(notSupported(rp, rro, supported));
      else if (rro !== 'Disabled') {
        if (m.readOnly !== true) errs.push(forbidden(rp, 'may only be specified when readOnly is true'));
        if (has(m.mountPropagation) && m.mountPropagation !== 'None') {
          errs.push(forbidden(rp, 'may only be specified when mountPropagation is None or not specified'));
        }
      }
    }
  });
  return errs;
}

function validateVolumeDevices(devices: Any[], mounts: Any[], volumes: Map<string, Record<string, Any>>, path: string): Errs {
  const errs: Errs = [];
  const paths = new Set<string>();
  const names = new Set<string>();
  const mountNames = new Set(mounts.map((m) => str(isObj(m) ? m.name : '')));
  const mountPaths = new Set(mounts.map((m) => str(isObj(m) ? m.mountPath : '')));
  devices.forEach((dev, i) => {
    const d = isObj(dev) ? dev : {};
    const ip = `${path}[${i}]`;
    const name = str(d.name);
    const devicePath = str(d.devicePath);
    const vol = volumes.get(name);
    if (!name) errs.push(required(`${ip}.name`));
    if (names.has(name)) errs.push(invalid(`${ip}.name`, name, 'must be unique'));
    if (vol && !isObj(vol.persistentVolumeClaim) && !isObj(vol.ephemeral)) {
      errs.push(invalid(`${ip}.name`, name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    }
    if (!vol) errs.push(notFound(`${ip}.name`, name));
    if (!devicePath) errs.push(required(`${ip}.devicePath`));
    if (paths.has(devicePath)) errs.push(invalid(`${ip}.devicePath`, devicePath, 'must be unique'));
    if (devicePath && validatePathNoBacksteps(devicePath, `${path}.devicePath`).length > 0) {
      errs.push(invalid(`${ip}.devicePath`, devicePath, "can not contain backsteps ('..')"));
    } else {
      paths.add(devicePath);
    }
    if (mountNames.has(name)) errs.push(invalid(`${ip}.name`, name, 'must not already exist in volumeMounts'));
    if (mountPaths.has(devicePath)) errs.push(invalid(`${ip}.devicePath`, devicePath, 'must not already exist as a path in volumeMounts'));
    if (name) names.add(name);
  });
  return errs;
}

function validateResourceRequirements(res: unknown, path: string): Errs {
  const errs: Errs = [];
  const r = isObj(res) ? res : {};
  const limPath = `${path}.limits`;
  const reqPath = `${path}.requests`;
  let limCpuMem = false;
  let reqCpuMem = false;
  let hugePages = false;
  const limits = new Map<string, Quantity>();
  for (const [name, v] of entries(r.limits)) {
    const p = `${limPath}[${name}]`;
    errs.push(...validateContainerResourceName(name, p));
    const q = quantityOf(v, p, errs);
    if (!q) continue;
    limits.set(name, q);
    errs.push(...validateResourceQuantityValue(name, q, p));
    if (isHugePageResourceName(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') limCpuMem = true;
  }
  for (const [name, v] of entries(r.requests)) {
    const p = `${reqPath}[${name}]`;
    errs.push(...validateContainerResourceName(name, p));
    const q = quantityOf(v, p, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, p));
    const lim = limits.get(name);
    if (lim) {
      if (q.cmp(lim) !== 0 && !isOvercommitAllowed(name)) {
        errs.push(invalid(reqPath, q.toString(), `must be equal to ${name} limit of ${lim.toString()}`));
      } else if (q.cmp(lim) > 0) {
        errs.push(invalid(reqPath, q.toString(), `must be less than or equal to ${name} limit of ${lim.toString()}`));
      }
    } else if (!isOvercommitAllowed(name) && !(isObj(r.limits) && name in r.limits)) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePageResourceName(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') reqCpuMem = true;
  }
  if (!limCpuMem && !reqCpuMem && hugePages) errs.push(forbidden(path, 'HugePages require cpu or memory'));
  const claimNames = new Set<string>();
  arr(r.claims).forEach((c, i) => {
    const name = str(isObj(c) ? c.name : '');
    const cp = `${path}.claims[${i}]`;
    if (!name) errs.push(required(cp));
    else if (claimNames.has(name)) errs.push(duplicate(cp, name));
    claimNames.add(name);
  });
  return errs;
}

function validatePullPolicy(policy: unknown, path: string): Errs {
  const p = str(policy);
  if (p === 'Always' || p === 'IfNotPresent' || p === 'Never') return [];
  if (!p) return [required(path)];
  return [notSupported(path, p, ['Always', 'IfNotPresent', 'Never'])];
}

const MAX_ID = 4294967295;

function validateIDs(sc: Record<string, Any>, path: string, fields: readonly string[]): Errs {
  const errs: Errs = [];
  for (const f of fields) {
    if (!has(sc[f])) continue;
    const v = num(sc[f]);
    if (v < 0 || v > MAX_ID) errs.push(invalid(`${path}.${f}`, sc[f], inclusiveRangeError(0, MAX_ID)));
  }
  return errs;
}

function validateContainerSecurityContext(sc: unknown, path: string): Errs {
  if (!isObj(sc)) return [];
  const errs = validateIDs(sc, path, ['runAsUser', 'runAsGroup']);
  if (has(sc.procMount) && sc.procMount !== 'Default' && sc.procMount !== 'Unmasked') {
    errs.push(notSupported(`${path}.procMount`, sc.procMount, ['Default', 'Unmasked']));
  }
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    if (isObj(sc.capabilities) && arr(sc.capabilities.add).includes('CAP_SYS_ADMIN')) {
      errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
    }
  }
  return errs;
}

/** Checks shared by containers, init containers and ephemeral containers (upstream's validateContainerCommon). */
function validateContainerCommon(c: Record<string, Any>, volumes: Map<string, Record<string, Any>>, path: string): Errs {
  const errs: Errs = [];
  const name = str(c.name);
  if (!name) errs.push(required(`${path}.name`));
  else errs.push(...validateDNS1123Label(name, `${path}.name`));
  if (!str(c.image)) errs.push(required(`${path}.image`));
  const tmp = str(c.terminationMessagePolicy);
  if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    if (!tmp) errs.push(required(`${path}.terminationMessagePolicy`));
    else errs.push(notSupported(`${path}.terminationMessagePolicy`, tmp, ['File', 'FallbackToLogsOnError']));
  }
  errs.push(...validateContainerPorts(arr(c.ports), `${path}.ports`));
  errs.push(...validateEnv(arr(c.env), `${path}.env`));
  errs.push(...validateEnvFrom(arr(c.envFrom), `${path}.envFrom`));
  errs.push(...validateVolumeMounts(arr(c.volumeMounts), arr(c.volumeDevices), volumes, c, `${path}.volumeMounts`));
  errs.push(...validateVolumeDevices(arr(c.volumeDevices), arr(c.volumeMounts), volumes, `${path}.volumeDevices`));
  errs.push(...validatePullPolicy(c.imagePullPolicy, `${path}.imagePullPolicy`));
  errs.push(...validateResourceRequirements(c.resources, `${path}.resources`));
  arr(c.resizePolicy).forEach((rp, i) => {
    const p = isObj(rp) ? rp : {};
    const rpPath = `${path}.resizePolicy[${i}]`;
    if (p.resourceName !== 'cpu' && p.resourceName !== 'memory') errs.push(notSupported(`${rpPath}.resourceName`, str(p.resourceName), ['cpu', 'memory']));
    if (p.restartPolicy !== 'NotRequired' && p.restartPolicy !== 'RestartContainer') {
      errs.push(notSupported(`${rpPath}.restartPolicy`, str(p.restartPolicy), ['NotRequired', 'RestartContainer']));
    }
  });
  errs.push(...validateContainerSecurityContext(c.securityContext, `${path}.securityContext`));
  return errs;
}

function accumulateUniqueHostPorts(containers: Any[], seen: Set<string>, path: string): Errs {
  const errs: Errs = [];
  containers.forEach((c, ci) => {
    if (!isObj(c)) return;
    arr(c.ports).forEach((p, pi) => {
      if (!isObj(p) || !num(p.hostPort)) return;
      const key = `${str(p.hostIP)}/${str(p.protocol)}/${num(p.hostPort)}`;
      if (seen.has(key)) errs.push(duplicate(`${path}[${ci}].ports[${pi}].hostPort`, key));
      else seen.add(key);
    });
  });
  return errs;
}

function validateContainers(containers: Any[], volumes: Map<string, Record<string, Any>>, gracePeriod: number | undefined, path: string): Errs {
  if (containers.length === 0) return [required(path)];
  const errs: Errs = [];
  const names = new Set<string>();
  containers.forEach((ctr, i) => {
    const c = isObj(ctr) ? ctr : {};
    const p = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, volumes, p));
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
    else names.add(name);
    if (isObj(c.lifecycle)) errs.push(...validateLifecycle(c.lifecycle, gracePeriod, `${p}.lifecycle`));
    errs.push(...validateLivenessOrStartupProbe(c.livenessProbe, gracePeriod, `${p}.livenessProbe`));
    errs.push(...validateReadinessProbe(c.readinessProbe, gracePeriod, `${p}.readinessProbe`));
    errs.push(...validateLivenessOrStartupProbe(c.startupProbe, gracePeriod, `${p}.startupProbe`));
    if (has(c.restartPolicy)) errs.push(forbidden(`${p}.restartPolicy`, 'may not be set for non-init containers'));
  });
  errs.push(...accumulateUniqueHostPorts(containers, new Set(), path));
  return errs;
}

function validateInitContainers(inits: Any[], regular: Any[], volumes: Map<string, Record<string, Any>>, gracePeriod: number | undefined, path: string): Errs {
  const errs: Errs = [];
  const names = new Set<string>(regular.map((c) => str(isObj(c) ? c.name : '')));
  inits.forEach((ctr, i) => {
    const c = isObj(ctr) ? ctr : {};
    const p = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, volumes, p));
    let restartAlways = false;
    if (has(c.restartPolicy)) {
      if (c.restartPolicy !== 'Always') errs.push(notSupported(`${p}.restartPolicy`, c.restartPolicy, ['Always']));
      restartAlways = c.restartPolicy === 'Always';
    }
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
    else if (name) names.add(name);
    errs.push(...accumulateUniqueHostPorts([c], new Set(), path));
    if (restartAlways) {
      if (isObj(c.lifecycle)) errs.push(...validateLifecycle(c.lifecycle, gracePeriod, `${p}.lifecycle`));
      errs.push(...validateLivenessOrStartupProbe(c.livenessProbe, gracePeriod, `${p}.livenessProbe`));
      errs.push(...validateReadinessProbe(c.readinessProbe, gracePeriod, `${p}.readinessProbe`));
      errs.push(...validateLivenessOrStartupProbe(c.startupProbe, gracePeriod, `${p}.startupProbe`));
    } else {
      if (has(c.lifecycle)) errs.push(forbidden(`${p}.lifecycle`, 'may not be set for init containers without restartPolicy=Always'));
      if (has(c.livenessProbe)) errs.push(forbidden(`${p}.livenessProbe`, 'may not be set for init containers without restartPolicy=Always'));
      if (has(c.readinessProbe)) errs.push(forbidden(`${p}.readinessProbe`, 'may not be set for init containers'));
      if (has(c.startupProbe)) errs.push(forbidden(`${p}.startupProbe`, 'may not be set for init containers without restartPolicy=Always'));
    }
    if (arr(c.resizePolicy).length > 0) errs.push(invalid(`${p}.resizePolicy`, c.resizePolicy, 'must not be set for init containers'));
  });
  return errs;
}

function validateEphemeralContainers(
  eph: Any[],
  containers: Any[],
  inits: Any[],
  volumes: Map<string, Record<string, Any>>,
  path: string,
): Errs {
  const errs: Errs = [];
  if (eph.length === 0) return errs;
  const other = new Set<string>([...containers, ...inits].map((c) => str(isObj(c) ? c.name : '')));
  const names = new Set<string>();
  eph.forEach((ctr, i) => {
    const c = isObj(ctr) ? ctr : {};
    const p = `${path}[${i}]`;
    const name = str(c.name);
    if (other.has(name) || names.has(name)) errs.push(duplicate(`${p}.name`, name));
    else names.add(name);
    const target = str(c.targetContainerName);
    if (target && ![...containers, ...inits].some((x) => isObj(x) && x.name === target)) errs.push(notFound(`${p}.targetContainerName`, target));
    errs.push(...validateContainerCommon(c, volumes, p));
    for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
      if (has(c[f])) errs.push(forbidden(`${p}.${f}`, 'cannot be set for an Ephemeral Container'));
    }
    if (arr(c.ports).length > 0) errs.push(forbidden(`${p}.ports`, 'cannot be set for an Ephemeral Container'));
    if (isObj(c.resources) && (entries(c.resources.limits).length || entries(c.resources.requests).length)) {
      errs.push(forbidden(`${p}.resources`, 'cannot be set for an Ephemeral Container'));
    }
    arr(c.volumeMounts).forEach((m, j) => {
      if (isObj(m) && str(m.subPath)) errs.push(forbidden(`${p}.volumeMounts[${j}].subPath`, 'cannot be set for an Ephemeral Container'));
    });
  });
  return errs;
}

// ---- volumes ------------------------------------------------------------------------------------

function validateFileMode(mode: unknown, path: string): Errs {
  if (!has(mode)) return [];
  const m = num(mode);
  return m > 0o777 || m < 0 ? [invalid(path, mode, FILE_MODE_ERROR_MSG)] : [];
}

function validateKeyToPath(kp: Record<string, Any>, path: string): Errs {
  const errs: Errs = [];
  if (!str(kp.key)) errs.push(required(`${path}.key`));
  if (!str(kp.path)) errs.push(required(`${path}.path`));
  errs.push(...validateLocalNonReservedPath(str(kp.path), `${path}.path`));
  errs.push(...validateFileMode(kp.mode, `${path}.mode`));
  return errs;
}

function validateDownwardAPIVolumeFile(f: Record<string, Any>, path: string): Errs {
  const errs: Errs = [];
  if (!str(f.path)) errs.push(required(`${path}.path`));
  errs.push(...validateLocalNonReservedPath(str(f.path), `${path}.path`));
  if (isObj(f.fieldRef)) {
    errs.push(...validateObjectFieldSelector(f.fieldRef, VALID_VOLUME_FIELD_PATHS, `${path}.fieldRef`));
    if (isObj(f.resourceFieldRef)) errs.push(invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (isObj(f.resourceFieldRef)) {
    errs.push(...validateContainerResourceFieldSelector(f.resourceFieldRef, `${path}.resourceFieldRef`, true));
  } else {
    errs.push(required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...validateFileMode(f.mode, `${path}.mode`));
  return errs;
}

const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

function validateHostPath(hp: Record<string, Any>, path: string): Errs {
  if (!str(hp.path)) return [required(`${path}.path`)];
  const errs = validatePathNoBacksteps(str(hp.path), `${path}.path`);
  if (has(hp.type) && !HOST_PATH_TYPES.includes(str(hp.type))) errs.push(notSupported(`${path}.type`, hp.type, HOST_PATH_TYPES));
  return errs;
}

function validateProjected(pv: Record<string, Any>, path: string): Errs {
  const errs: Errs = [];
  const allPaths = new Set<string>();
  const notePath = (p: string, name: string): void => {
    if (!p) return;
    if (allPaths.has(p)) errs.push(invalid(path, name, 'conflicting duplicate paths'));
    else allPaths.add(p);
  };
  arr(pv.sources).forEach((source, i) => {
    const s = isObj(source) ? source : {};
    const sp = `${path}.sources[${i}]`;
    let n = 0;
    for (const kind of ['secret', 'configMap']) {
      if (!isObj(s[kind])) continue;
      n++;
      const pp = `${sp}.${kind}`;
      if (!str(s[kind].name)) errs.push(required(`${pp}.name`));
      arr(s[kind].items).forEach((kp, j) => {
        const k = isObj(kp) ? kp : {};
        errs.push(...validateKeyToPath(k, `${pp}.items[${j}]`));
        notePath(str(k.path), str(s[kind].name));
      });
    }
    if (isObj(s.downwardAPI)) {
      n++;
      arr(s.downwardAPI.items).forEach((f, j) => {
        const file = isObj(f) ? f : {};
        errs.push(...validateDownwardAPIVolumeFile(file, `${sp}.downwardAPI.items[${j}]`));
        notePath(str(file.path), '');
      });
    }
    if (isObj(s.serviceAccountToken)) {
      n++;
      const t = s.serviceAccountToken;
      const tp = `${sp}.serviceAccountToken`;
      const exp = num(t.expirationSeconds);
      if (exp < 600) errs.push(invalid(`${tp}.expirationSeconds`, exp, 'may not specify a duration less than 10 minutes'));
      if (exp > 2 ** 32) errs.push(invalid(`${tp}.expirationSeconds`, exp, 'may not specify a duration larger than 2^32 seconds'));
      if (!str(t.path)) errs.push(required(`${path}.path`));
      notePath(str(t.path), '');
    }
    if (isObj(s.clusterTrustBundle)) {
      n++;
      const ctb = s.clusterTrustBundle;
      const cp = `${sp}.clusterTrustBundle`;
      if (!str(ctb.path)) errs.push(required(`${cp}.path`));
      notePath(str(ctb.path), '');
    }
    if (n > 1) errs.push(forbidden(sp, 'may not specify more than 1 volume type per source'));
  });
  return errs;
}

/** Volume source kinds in upstream's validateVolumeSource order. */
const POD_VOLUME_SOURCES = [
  'emptyDir',
  'hostPath',
  'gitRepo',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'flocker',
  'persistentVolumeClaim',
  'rbd',
  'cinder',
  'cephfs',
  'quobyte',
  'downwardAPI',
  'fc',
  'flexVolume',
  'configMap',
  'azureFile',
  'vsphereVolume',
  'photonPersistentDisk',
  'portworxVolume',
  'azureDisk',
  'storageos',
  'projected',
  'scaleIO',
  'csi',
  'ephemeral',
  'image',
] as const;

function validateVolumeSourceKind(kind: string, s: Record<string, Any>, path: string): Errs {
  const errs: Errs = [];
  switch (kind) {
    case 'emptyDir':
      if (has(s.sizeLimit)) {
        const q = quantityOf(s.sizeLimit, `${path}.sizeLimit`, errs);
        if (q && q.sign() < 0) errs.push(forbidden(`${path}.sizeLimit`, 'SizeLimit field must be a valid resource quantity'));
      }
      if (has(s.medium) && !['', 'Memory', 'HugePages'].includes(str(s.medium)) && !str(s.medium).startsWith('HugePages-')) {
        errs.push(notSupported(`${path}.medium`, s.medium, ['', 'HugePages', 'Memory']));
      }
      break;
    case 'hostPath':
      errs.push(...validateHostPath(s, path));
      break;
    case 'gitRepo':
      if (!str(s.repository)) errs.push(required(`${path}.repository`));
      if (str(s.directory)) errs.push(...validateLocalDescendingPath(str(s.directory), `${path}.directory`));
      break;
    case 'secret':
      if (!str(s.secretName)) errs.push(required(`${path}.secretName`));
      errs.push(...validateFileMode(s.defaultMode, `${path}.defaultMode`));
      arr(s.items).forEach((kp, i) => errs.push(...validateKeyToPath(isObj(kp) ? kp : {}, `${path}.items[${i}]`)));
      break;
    case 'configMap':
      if (!str(s.name)) errs.push(required(`${path}.name`));
      errs.push(...validateFileMode(s.defaultMode, `${path}.defaultMode`));
      arr(s.items).forEach((kp, i) => errs.push(...validateKeyToPath(isObj(kp) ? kp : {}, `${path}.items[${i}]`)));
      break;
    case 'nfs':
      if (!str(s.server)) errs.push(required(`${path}.server`));
      if (!str(s.path)) errs.push(required(`${path}.path`));
      if (!isAbsPath(str(s.path))) errs.push(invalid(`${path}.path`, str(s.path), 'must be an absolute path'));
      break;
    case 'persistentVolumeClaim':
      if (!str(s.claimName)) errs.push(required(`${path}.claimName`));
      break;
    case 'downwardAPI':
      errs.push(...validateFileMode(s.defaultMode, `${path}.defaultMode`));
      arr(s.items).forEach((f, i) => errs.push(...validateDownwardAPIVolumeFile(isObj(f) ? f : {}, `${path}.items[${i}]`)));
      break;
    case 'projected':
      errs.push(...validateFileMode(s.defaultMode, `${path}.defaultMode`));
      errs.push(...validateProjected(s, path));
      break;
    case 'iscsi':
      if (!str(s.targetPortal)) errs.push(required(`${path}.targetPortal`));
      if (!str(s.iqn)) errs.push(required(`${path}.iqn`));
      if (num(s.lun) < 0 || num(s.lun) > 255) errs.push(invalid(`${path}.lun`, s.lun, inclusiveRangeError(0, 255)));
      break;
    case 'rbd':
    case 'cephfs':
      if (arr(s.monitors).length === 0) errs.push(required(`${path}.monitors`));
      if (kind === 'rbd' && !str(s.image)) errs.push(required(`${path}.image`));
      break;
    case 'glusterfs':
      if (!str(s.endpoints)) errs.push(required(`${path}.endpoints`));
      if (!str(s.path)) errs.push(required(`${path}.path`));
      break;
    case 'gcePersistentDisk':
      if (!str(s.pdName)) errs.push(required(`${path}.pdName`));
      break;
    case 'awsElasticBlockStore':
    case 'cinder':
    case 'vsphereVolume':
    case 'portworxVolume':
      if (!str(s.volumeID) && !str(s.volumePath)) errs.push(required(`${path}.${kind === 'vsphereVolume' ? 'volumePath' : 'volumeID'}`));
      break;
    case 'flexVolume':
      if (!str(s.driver)) errs.push(required(`${path}.driver`));
      break;
    case 'csi':
      if (!str(s.driver)) errs.push(required(`${path}.driver`));
      else errs.push(...validateCSIDriverName(str(s.driver), `${path}.driver`));
      break;
    case 'ephemeral':
      if (!isObj(s.volumeClaimTemplate)) errs.push(required(`${path}.volumeClaimTemplate`));
      else {
        const t = s.volumeClaimTemplate;
        const tp = `${path}.volumeClaimTemplate`;
        if (isObj(t.metadata)) {
          errs.push(...validateLabels(t.metadata.labels, `${tp}.metadata.labels`));
          errs.push(...validateAnnotations(t.metadata.annotations, `${tp}.metadata.annotations`));
        }
        errs.push(...validatePersistentVolumeClaimSpec(isObj(t.spec) ? t.spec : {}, `${tp}.spec`));
      }
      break;
    case 'image':
      if (!str(s.reference)) errs.push(required(`${path}.reference`));
      break;
  }
  return errs;
}

function validateCSIDriverName(driver: string, path: string): Errs {
  const errs: Errs = [];
  if (byteLen(driver) > 63) errs.push(tooLong(path, driver, 63));
  for (const m of isDNS1123Subdomain(driver.toLowerCase())) errs.push(invalid(path, driver, m));
  return errs;
}

function validateVolumeSource(v: Record<string, Any>, path: string): Errs {
  const errs: Errs = [];
  let n = 0;
  for (const kind of POD_VOLUME_SOURCES) {
    if (!has(v[kind])) continue;
    if (n > 0) {
      errs.push(forbidden(`${path}.${kind}`, 'may not specify more than 1 volume type'));
      continue;
    }
    n++;
    errs.push(...validateVolumeSourceKind(kind, isObj(v[kind]) ? v[kind] : {}, `${path}.${kind}`));
  }
  if (n === 0) errs.push(required(path, 'must specify a volume type'));
  return errs;
}

/** Returns the valid volumes by name (invalid ones are left out, as upstream does) and the errors. */
function validateVolumes(volumes: Any[], podName: string, path: string): { vols: Map<string, Record<string, Any>>; errs: Errs } {
  const errs: Errs = [];
  const vols = new Map<string, Record<string, Any>>();
  const created = new Set<string>();
  if (podName) for (const v of volumes) if (isObj(v) && isObj(v.ephemeral)) created.add(`${podName}-${str(v.name)}`);
  volumes.forEach((vol, i) => {
    const v = isObj(vol) ? vol : {};
    const ip = `${path}[${i}]`;
    const name = str(v.name);
    const el = validateVolumeSource(v, ip);
    if (!name) el.push(required(`${ip}.name`));
    else el.push(...validateDNS1123Label(name, `${ip}.name`));
    if (vols.has(name)) el.push(duplicate(`${ip}.name`, name));
    if (el.length === 0) vols.set(name, v);
    else errs.push(...el);
    if (isObj(v.persistentVolumeClaim) && created.has(str(v.persistentVolumeClaim.claimName))) {
      errs.push(invalid(`${ip}.persistentVolumeClaim.claimName`, v.persistentVolumeClaim.claimName, 'must not reference a PVC that gets created for an ephemeral volume'));
    }
  });
  return { vols, errs };
}

// ---- scheduling ---------------------------------------------------------------------------------

function validateTaintEffect(effect: unknown, allowEmpty: boolean, path: string): Errs {
  const e = str(effect);
  if (!allowEmpty && !e) return [required(path)];
  if (e === 'NoSchedule' || e === 'PreferNoSchedule' || e === 'NoExecute') return [];
  return [notSupported(path, e, ['NoSchedule', 'PreferNoSchedule', 'NoExecute'])];
}

export function validateTolerations(tolerations: Any[], path: string): Errs {
  const errs: Errs = [];
  tolerations.forEach((tol, i) => {
    const t = isObj(tol) ? tol : {};
    const ip = `${path}[${i}]`;
    const key = str(t.key);
    const op = str(t.operator);
    if (key) errs.push(...validateLabelName(key, `${ip}.key`));
    if (!key && op !== 'Exists') {
      errs.push(invalid(`${ip}.operator`, op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (has(t.tolerationSeconds) && t.effect !== 'NoExecute') {
      errs.push(invalid(`${ip}.effect`, str(t.effect), "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (op) {
      case 'Equal':
      case '': {
        const msgs = isValidLabelValue(str(t.value));
        if (msgs.length) errs.push(invalid(`${ip}.operator`, str(t.value), msgs.join(';')));
        break;
      }
      case 'Exists':
        if (str(t.value)) errs.push(invalid(`${ip}.operator`, t, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(notSupported(`${ip}.operator`, op, ['Equal', 'Exists']));
    }
    if (str(t.effect)) errs.push(...validateTaintEffect(t.effect, true, `${ip}.effect`));
  });
  return errs;
}

function validateNodeSelectorRequirement(rq: Record<string, Any>, path: string): Errs {
  const errs: Errs = [];
  const values = arr(rq.values);
  switch (rq.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(required(`${path}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalid(`${path}.operator`, str(rq.operator), 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(str(rq.key), `${path}.key`));
  values.forEach((v, i) => {
    for (const m of isValidLabelValue(str(v))) errs.push(invalid(`${path}.values[${i}]`, v, m));
  });
  return errs;
}

function validateNodeFieldSelectorRequirement(rq: Record<string, Any>, path: string): Errs {
  const errs: Errs = [];
  const values = arr(rq.values);
  if (rq.operator === 'In' || rq.operator === 'NotIn') {
    if (values.length !== 1) errs.push(required(`${path}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else {
    errs.push(invalid(`${path}.operator`, str(rq.operator), 'not a valid selector operator'));
  }
  if (rq.key !== 'metadata.name') errs.push(invalid(`${path}.key`, str(rq.key), 'not a valid field selector key'));
  else values.forEach((v, i) => errs.push(...validateDNS1123Subdomain(str(v), `${path}.values[${i}]`)));
  return errs;
}

function validateNodeSelectorTerm(term: Record<string, Any>, path: string): Errs {
  const errs: Errs = [];
  arr(term.matchExpressions).forEach((r, j) => errs.push(...validateNodeSelectorRequirement(isObj(r) ? r : {}, `${path}.matchExpressions[${j}]`)));
  arr(term.matchFields).forEach((r, j) => errs.push(...validateNodeFieldSelectorRequirement(isObj(r) ? r : {}, `${path}.matchFields[${j}]`)));
  return errs;
}

export function validateNodeSelector(sel: Record<string, Any>, path: string): Errs {
  const terms = arr(sel.nodeSelectorTerms);
  const tp = `${path}.nodeSelectorTerms`;
  if (terms.length === 0) return [required(tp, 'must have at least one node selector term')];
  const errs: Errs = [];
  terms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(isObj(t) ? t : {}, `${tp}[${i}]`)));
  return errs;
}

function validatePodAffinityTerm(term: Record<string, Any>, path: string): Errs {
  const errs: Errs = [];
  errs.push(...validateLabelSelector(term.labelSelector, `${path}.labelSelector`));
  errs.push(...validateLabelSelector(term.namespaceSelector, `${path}.namespaceSelector`));
  for (const ns of arr(term.namespaces)) for (const m of isDNS1123Label(str(ns))) errs.push(invalid(`${path}.namespace`, ns, m));
  const labelKeys = arr(term.matchLabelKeys);
  const mismatchKeys = arr(term.mismatchLabelKeys);
  const keyPaths: [Any[], string][] = [
    [labelKeys, 'matchLabelKeys'],
    [mismatchKeys, 'mismatchLabelKeys'],
  ];
  for (const [keys, field] of keyPaths) {
    if (keys.length > 0 && !isObj(term.labelSelector)) {
      errs.push(forbidden(`${path}.${field}`, 'must not be specified when labelSelector is not set'));
      continue;
    }
    keys.forEach((k, i) => errs.push(...validateLabelName(str(k), `${path}.${field}[${i}]`)));
  }
  for (const k of labelKeys) {
    if (mismatchKeys.includes(k)) errs.push(invalid(`${path}.matchLabelKeys`, k, 'exists in both matchLabelKeys and mismatchLabelKeys'));
  }
  if (!str(term.topologyKey)) errs.push(required(`${path}.topologyKey`, 'can not be empty'));
  errs.push(...validateLabelName(str(term.topologyKey), `${path}.topologyKey`));
  return errs;
}

function validateWeightedTerms(terms: Any[], path: string, termField: string, validateTerm: (t: Record<string, Any>, p: string) => Errs): Errs {
  const errs: Errs = [];
  terms.forEach((t, i) => {
    const w = isObj(t) ? t : {};
    const ip = `${path}[${i}]`;
    if (num(w.weight) <= 0 || num(w.weight) > 100) errs.push(invalid(`${ip}.weight`, w.weight ?? 0, 'must be in the range 1-100'));
    errs.push(...validateTerm(isObj(w[termField]) ? w[termField] : {}, `${ip}.${termField}`));
  });
  return errs;
}

function validateAffinity(aff: unknown, path: string): Errs {
  if (!isObj(aff)) return [];
  const errs: Errs = [];
  if (isObj(aff.nodeAffinity)) {
    const na = aff.nodeAffinity;
    const np = `${path}.nodeAffinity`;
    if (isObj(na.requiredDuringSchedulingIgnoredDuringExecution)) {
      errs.push(...validateNodeSelector(na.requiredDuringSchedulingIgnoredDuringExecution, `${np}.requiredDuringSchedulingIgnoredDuringExecution`));
    }
    errs.push(
      ...validateWeightedTerms(arr(na.preferredDuringSchedulingIgnoredDuringExecution), `${np}.preferredDuringSchedulingIgnoredDuringExecution`, 'preference', validateNodeSelectorTerm),
    );
  }
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    if (!isObj(aff[kind])) continue;
    const pa = aff[kind];
    const pp = `${path}.${kind}`;
    arr(pa.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) =>
      errs.push(...validatePodAffinityTerm(isObj(t) ? t : {}, `${pp}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`)),
    );
    errs.push(
      ...validateWeightedTerms(arr(pa.preferredDuringSchedulingIgnoredDuringExecution), `${pp}.preferredDuringSchedulingIgnoredDuringExecution`, 'podAffinityTerm', validatePodAffinityTerm),
    );
  }
  return errs;
}

function validateTopologySpreadConstraints(constraints: Any[], path: string): Errs {
  const errs: Errs = [];
  constraints.forEach((con, i) => {
    const c = isObj(con) ? con : {};
    const p = `${path}[${i}]`;
    if (num(c.maxSkew) <= 0) errs.push(invalid(`${p}.maxSkew`, c.maxSkew ?? 0, IS_NOT_POSITIVE_ERROR_MSG));
    if (!str(c.topologyKey)) errs.push(required(`${p}.topologyKey`, 'can not be empty'));
    if (c.whenUnsatisfiable !== 'DoNotSchedule' && c.whenUnsatisfiable !== 'ScheduleAnyway') {
      errs.push(notSupported(`${p}.whenUnsatisfiable`, str(c.whenUnsatisfiable), ['DoNotSchedule', 'ScheduleAnyway']));
    }
    for (const rest of constraints.slice(i + 1)) {
      if (isObj(rest) && rest.topologyKey === c.topologyKey && rest.whenUnsatisfiable === c.whenUnsatisfiable) {
        errs.push(duplicate(`${p}.{topologyKey, whenUnsatisfiable}`, `{${str(c.topologyKey)}, ${str(c.whenUnsatisfiable)}}`));
        break;
      }
    }
    if (has(c.minDomains)) {
      if (num(c.minDomains) <= 0) errs.push(invalid(`${p}.minDomains`, c.minDomains, IS_NOT_POSITIVE_ERROR_MSG));
      if (c.whenUnsatisfiable !== 'DoNotSchedule') {
        errs.push(invalid(`${p}.minDomains`, c.minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${str(c.whenUnsatisfiable)}`));
      }
    }
    for (const f of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      if (has(c[f]) && c[f] !== 'Honor' && c[f] !== 'Ignore') errs.push(notSupported(`${p}.${f}`, c[f], ['Honor', 'Ignore']));
    }
    const mlk = arr(c.matchLabelKeys);
    if (mlk.length > 0 && !isObj(c.labelSelector)) errs.push(forbidden(`${p}.matchLabelKeys`, 'must not be specified when labelSelector is not set'));
    mlk.forEach((k, j) => errs.push(...validateLabelName(str(k), `${p}.matchLabelKeys[${j}]`)));
    errs.push(...validateLabelSelector(c.labelSelector, `${p}.labelSelector`));
  });
  return errs;
}

const MAX_DNS_NAMESERVERS = 3;
const MAX_DNS_SEARCH_PATHS = 32;
const MAX_DNS_SEARCH_LIST_CHARS = 2048;

function validatePodDNSConfig(cfg: unknown, dnsPolicy: string, path: string): Errs {
  const errs: Errs = [];
  if (dnsPolicy === 'None') {
    if (!isObj(cfg)) return [required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (arr(cfg.nameservers).length === 0) return [required(`${path}.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!isObj(cfg)) return errs;
  const ns = arr(cfg.nameservers);
  if (ns.length > MAX_DNS_NAMESERVERS) errs.push(invalid(`${path}.nameservers`, ns, `must not have more than ${MAX_DNS_NAMESERVERS} nameservers`));
  ns.forEach((n, i) => errs.push(...ipErrs(str(n), `${path}.nameservers[${i}]`)));
  const searches = arr(cfg.searches).map(str);
  if (searches.length > MAX_DNS_SEARCH_PATHS) errs.push(invalid(`${path}.searches`, searches, `must not have more than ${MAX_DNS_SEARCH_PATHS} search paths`));
  if (searches.join(' ').length > MAX_DNS_SEARCH_LIST_CHARS) {
    errs.push(invalid(`${path}.searches`, searches, `must not have more than ${MAX_DNS_SEARCH_LIST_CHARS} characters (including spaces) in the search list`));
  }
  searches.forEach((s, i) => errs.push(...validateDNS1123Subdomain(s.endsWith('.') ? s.slice(0, -1) : s, `${path}.searches[${i}]`)));
  arr(cfg.options).forEach((o, i) => {
    if (!str(isObj(o) ? o.name : '')) errs.push(required(`${path}.options[${i}]`, 'must not be empty'));
  });
  return errs;
}

function validatePodSecurityContext(sc: unknown, path: string): Errs {
  if (!isObj(sc)) return [];
  const errs = validateIDs(sc, path, ['runAsUser', 'runAsGroup', 'fsGroup']);
  arr(sc.supplementalGroups).forEach((g, i) => {
    if (num(g) < 0 || num(g) > MAX_ID) errs.push(invalid(`${path}.supplementalGroups[${i}]`, g, inclusiveRangeError(0, MAX_ID)));
  });
  if (has(sc.fsGroupChangePolicy) && sc.fsGroupChangePolicy !== 'OnRootMismatch' && sc.fsGroupChangePolicy !== 'Always') {
    errs.push(notSupported(`${path}.fsGroupChangePolicy`, sc.fsGroupChangePolicy, ['OnRootMismatch', 'Always']));
  }
  if (has(sc.supplementalGroupsPolicy) && sc.supplementalGroupsPolicy !== 'Merge' && sc.supplementalGroupsPolicy !== 'Strict') {
    errs.push(notSupported(`${path}.supplementalGroupsPolicy`, sc.supplementalGroupsPolicy, ['Merge', 'Strict']));
  }
  const seen = new Set<string>();
  arr(sc.sysctls).forEach((s, i) => {
    const name = str(isObj(s) ? s.name : '');
    const sp = `${path}.sysctls[${i}]`;
    if (!name) errs.push(required(`${sp}.name`));
    else if (!/^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 253) {
      errs.push(
        invalid(
          `${sp}.name`,
          name,
          "must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$",
        ),
      );
    } else if (seen.has(name)) errs.push(duplicate(`${sp}.name`, name));
    seen.add(name);
  });
  return errs;
}

const DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

function validatePodSpecificAnnotations(annotations: unknown, spec: Record<string, Any>, path: string): Errs {
  const errs: Errs = [];
  if (!isObj(annotations)) return errs;
  if (MIRROR_POD_ANNOTATION in annotations && !str(spec.nodeName)) {
    errs.push(invalid(`${path}[${MIRROR_POD_ANNOTATION}]`, annotations[MIRROR_POD_ANNOTATION], 'must set spec.nodeName if mirror pod annotation is set'));
  }
  if (DELETION_COST_ANNOTATION in annotations) {
    const v = str(annotations[DELETION_COST_ANNOTATION]);
    const n = /^[+-]?[0-9]+$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < -2147483648 || n > MAX_INT32) {
      errs.push(invalid(`${path}[${DELETION_COST_ANNOTATION}]`, v, 'must be a 32bit integer'));
    }
  }
  return errs;
}

/**
 * Upstream's ValidatePodSpec. `podName` is the pod's name (empty for templates) and only
 * matters for ephemeral-volume PVC names.
 */
export function validatePodSpec(spec: unknown, path: string, opts: { podName?: string; resourceIsPod?: boolean } = {}): Errs {
  const s = isObj(spec) ? spec : {};
  const po: PodOpts = { resourceIsPod: opts.resourceIsPod ?? false };
  const errs: Errs = [];
  if (!has(s.terminationGracePeriodSeconds)) errs.push(required(`${path}.terminationGracePeriodSeconds`));
  const gracePeriod = has(s.terminationGracePeriodSeconds) ? num(s.terminationGracePeriodSeconds) : undefined;
  const { vols, errs: vErrs } = validateVolumes(arr(s.volumes), opts.podName ?? '', `${path}.volumes`);
  errs.push(...vErrs);
  const claimNames = new Set<string>();
  arr(s.resourceClaims).forEach((c, i) => {
    const name = str(isObj(c) ? c.name : '');
    const cp = `${path}.resourceClaims[${i}]`;
    if (claimNames.has(name)) errs.push(duplicate(`${cp}.name`, name));
    else errs.push(...validateDNS1123Label(name, `${cp}.name`));
    claimNames.add(name);
  });
  errs.push(...validateContainers(arr(s.containers), vols, gracePeriod, `${path}.containers`));
  errs.push(...validateInitContainers(arr(s.initContainers), arr(s.containers), vols, gracePeriod, `${path}.initContainers`));
  errs.push(...validateEphemeralContainers(arr(s.ephemeralContainers), arr(s.containers), arr(s.initContainers), vols, `${path}.ephemeralContainers`));
  if (s.hostNetwork === true) {
    arr(s.containers).forEach((c, i) => {
      arr(isObj(c) ? c.ports : []).forEach((p, j) => {
        if (!isObj(p)) return;
        const hp = num(p.hostPort);
        const cp = num(p.containerPort);
        if ((po.resourceIsPod || hp !== 0) && hp !== cp) {
          errs.push(invalid(`${path}.containers[${i}].ports[${j}].hostPort`, hp, 'must match `containerPort` when `hostNetwork` is true'));
        }
      });
    });
  }
  const rp = str(s.restartPolicy);
  if (!['Always', 'OnFailure', 'Never'].includes(rp)) {
    errs.push(rp ? notSupported(`${path}.restartPolicy`, rp, ['Always', 'OnFailure', 'Never']) : required(`${path}.restartPolicy`));
  }
  const dp = str(s.dnsPolicy);
  if (!['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'].includes(dp)) {
    errs.push(dp ? notSupported(`${path}.dnsPolicy`, dp, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']) : required(`${path}.dnsPolicy`));
  }
  errs.push(...validateLabels(s.nodeSelector, `${path}.nodeSelector`));
  errs.push(...validatePodSecurityContext(s.securityContext, `${path}.securityContext`));
  arr(s.imagePullSecrets).forEach((ref, i) => {
    if (isObj(ref) && Object.keys(ref).some((k) => k !== 'name')) errs.push(invalid(`${path}.imagePullSecrets[${i}]`, ref, 'only name may be set'));
  });
  errs.push(...validateAffinity(s.affinity, `${path}.affinity`));
  errs.push(...validatePodDNSConfig(s.dnsConfig, dp, `${path}.dnsConfig`));
  arr(s.readinessGates).forEach((g, i) => {
    const t = str(isObj(g) ? g.conditionType : '');
    for (const m of isQualifiedName(t)) errs.push(invalid(`${path}.readinessGates[${i}].conditionType`, t, m));
  });
  const gates = new Set<string>();
  arr(s.schedulingGates).forEach((g, i) => {
    const name = str(isObj(g) ? g.name : '');
    errs.push(...validateQualifiedName(name, `${path}.schedulingGates[${i}]`));
    if (gates.has(name)) errs.push(duplicate(`${path}.schedulingGates[${i}]`, name));
    gates.add(name);
  });
  errs.push(...validateTopologySpreadConstraints(arr(s.topologySpreadConstraints), `${path}.topologySpreadConstraints`));
  if (s.hostNetwork === true && s.hostUsers === false) errs.push(forbidden(`${path}.hostNetwork`, 'when `hostUsers` is false'));
  if (str(s.serviceAccountName)) errs.push(...validateDNS1123Subdomain(str(s.serviceAccountName), `${path}.serviceAccountName`));
  if (str(s.nodeName)) errs.push(...validateDNS1123Subdomain(str(s.nodeName), `${path}.nodeName`));
  if (has(s.activeDeadlineSeconds)) {
    const v = num(s.activeDeadlineSeconds);
    if (v < 1 || v > MAX_INT32) errs.push(invalid(`${path}.activeDeadlineSeconds`, s.activeDeadlineSeconds, inclusiveRangeError(1, MAX_INT32)));
  }
  if (str(s.hostname)) errs.push(...validateDNS1123Label(str(s.hostname), `${path}.hostname`));
  if (str(s.subdomain)) errs.push(...validateDNS1123Label(str(s.subdomain), `${path}.subdomain`));
  if (arr(s.tolerations).length > 0) errs.push(...validateTolerations(arr(s.tolerations), `${path}.tolerations`));
  arr(s.hostAliases).forEach((ha, i) => {
    const h = isObj(ha) ? ha : {};
    errs.push(...ipErrs(str(h.ip), `${path}.hostAliases[${i}].ip`));
    arr(h.hostnames).forEach((hn, j) => errs.push(...validateDNS1123Subdomain(str(hn), `${path}.hostAliases[${i}].hostnames[${j}]`)));
  });
  if (str(s.priorityClassName)) errs.push(...validateDNS1123Subdomain(str(s.priorityClassName), `${path}.priorityClassName`));
  if (has(s.runtimeClassName)) errs.push(...validateDNS1123Subdomain(str(s.runtimeClassName), `${path}.runtimeClassName`));
  if (has(s.preemptionPolicy) && s.preemptionPolicy !== 'PreemptLowerPriority' && s.preemptionPolicy !== 'Never') {
    errs.push(notSupported(`${path}.preemptionPolicy`, s.preemptionPolicy, ['PreemptLowerPriority', 'Never']));
  }
  for (const [name, v] of entries(s.overhead)) {
    const p = `${path}.overhead[${name}]`;
    errs.push(...validateResourceName(name, p));
    const q = quantityOf(v, p, errs);
    if (q) errs.push(...validateResourceQuantityValue(name, q, p));
  }
  if (isObj(s.os)) {
    const osName = str(s.os.name);
    if (!osName) errs.push(required(`${path}.os.name`));
    else if (osName !== 'linux' && osName !== 'windows') errs.push(notSupported(`${path}.os.name`, osName, ['linux', 'windows']));
  }
  return errs;
}

/** Upstream's ValidatePodTemplateSpec (paths `template.labels`, `template.spec...`). */
export function validatePodTemplateSpec(tpl: unknown, path: string): Errs {
  const t = isObj(tpl) ? tpl : {};
  const meta = isObj(t.metadata) ? t.metadata : {};
  const spec = isObj(t.spec) ? t.spec : {};
  const errs: Errs = [];
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  errs.push(...validatePodSpecificAnnotations(meta.annotations, spec, `${path}.annotations`));
  errs.push(...validatePodSpec(spec, `${path}.spec`));
  if (arr(spec.ephemeralContainers).length > 0) errs.push(forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  return errs;
}

// ---- Pod ----------------------------------------------------------------------------------------

function isDualStack(ips: string[]): boolean {
  const fams = new Set(ips.map(ipFamilyOf));
  return fams.has(4) && fams.has(6);
}

function validatePodIPsLike(list: Any[], path: string): Errs {
  const errs: Errs = [];
  list.forEach((x, i) => errs.push(...ipErrs(str(isObj(x) ? x.ip : ''), `${path}[${i}]`)));
  if (list.length > 1) {
    const ips = list.map((x) => str(isObj(x) ? x.ip : ''));
    if (!isDualStack(ips) || ips.length > 2) errs.push(invalid(path, list, 'may specify no more than one IP for each IP family'));
    const seen = new Set<string>();
    list.forEach((x, i) => {
      const ip = str(isObj(x) ? x.ip : '');
      if (seen.has(ip)) errs.push(duplicate(`${path}[${i}]`, x));
      seen.add(ip);
    });
  }
  return errs;
}

function validatePodIPs(pod: Record<string, Any>): Errs {
  const st = isObj(pod.status) ? pod.status : {};
  return [...validatePodIPsLike(arr(st.podIPs), 'status.podIPs'), ...validatePodIPsLike(arr(st.hostIPs), 'status.hostIPs')];
}

/** Pod metadata (type-specific annotations) and spec, as upstream's validatePodMetadataAndSpec minus ObjectMeta. */
export function validatePod(pod: unknown): Errs {
  const p = isObj(pod) ? pod : {};
  const meta = isObj(p.metadata) ? p.metadata : {};
  const spec = isObj(p.spec) ? p.spec : {};
  const errs: Errs = [];
  errs.push(...validatePodSpecificAnnotations(meta.annotations, spec, 'metadata.annotations'));
  errs.push(...validatePodSpec(spec, 'spec', { podName: str(meta.name), resourceIsPod: true }));
  if (!str(spec.serviceAccountName)) {
    arr(spec.volumes).forEach((v, vi) => {
      if (!isObj(v) || !isObj(v.projected)) return;
      arr(v.projected.sources).forEach((src, si) => {
        if (isObj(src) && isObj(src.serviceAccountToken)) {
          errs.push(forbidden(`spec.volumes[${vi}].projected.sources[${si}].serviceAccountToken`, 'must not be specified when serviceAccountName is not set'));
        }
      });
    });
  }
  errs.push(...validatePodIPs(p));
  return errs;
}

const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/** JSON equality that treats absent, null, empty lists and empty maps alike (Go's omitempty round trip). */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

function canon(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map(canon);
  if (isObj(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const c = canon(v[k]);
      if (c !== undefined && c !== null && c !== '' && c !== false && c !== 0) out[k] = c;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  if (v === null || v === '' || v === false || v === 0) return undefined;
  return v;
}

/** A compact `-old/+new` rendering of the top-level fields that differ (stands in for Go's cmp.Diff). */
function specDiff(oldSpec: Record<string, Any>, newSpec: Record<string, Any>, typeName: string): string {
  const keys = [...new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)])].sort();
  const lines = [`  ${typeName}{`];
  for (const k of keys) {
    if (semanticEqual(oldSpec[k], newSpec[k])) continue;
    const name = k.charAt(0).toUpperCase() + k.slice(1);
    if (oldSpec[k] !== undefined) lines.push(`- \t${name}: ${JSON.stringify(oldSpec[k])},`);
    if (newSpec[k] !== undefined) lines.push(`+ \t${name}: ${JSON.stringify(newSpec[k])},`);
  }
  lines.push('  }');
  return lines.join('\n');
}

function validateContainerUpdates(newC: Any[], oldC: Any[], path: string): { errs: Errs; stop: boolean } {
  if (newC.length !== oldC.length) return { errs: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: Errs = [];
  newC.forEach((c, i) => {
    const image = str(isObj(c) ? c.image : '');
    if (!image) errs.push(required(`${path}[${i}].image`));
    if (image.trim().length !== image.length) errs.push(invalid(`${path}[${i}].image`, image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

/** Upstream's ValidatePodUpdate minus the object-meta and full re-validation (`validatePod` runs too). */
export function validatePodUpdate(pod: unknown, old: unknown): Errs {
  const n = isObj(pod) ? pod : {};
  const o = isObj(old) ? old : {};
  const ns = isObj(n.spec) ? n.spec : {};
  const os = isObj(o.spec) ? o.spec : {};
  const errs: Errs = [];
  const nm = isObj(n.metadata) ? n.metadata : {};
  const om = isObj(o.metadata) ? o.metadata : {};
  const nAnn = isObj(nm.annotations) ? nm.annotations : {};
  const oAnn = isObj(om.annotations) ? om.annotations : {};
  if ((MIRROR_POD_ANNOTATION in nAnn) !== (MIRROR_POD_ANNOTATION in oAnn) || nAnn[MIRROR_POD_ANNOTATION] !== oAnn[MIRROR_POD_ANNOTATION]) {
    if (MIRROR_POD_ANNOTATION in oAnn && !(MIRROR_POD_ANNOTATION in nAnn)) {
      errs.push(forbidden(`metadata.annotations[${MIRROR_POD_ANNOTATION}]`, 'deletion of mirror pod annotation is not allowed'));
    } else if (MIRROR_POD_ANNOTATION in nAnn && !(MIRROR_POD_ANNOTATION in oAnn)) {
      errs.push(forbidden(`metadata.annotations[${MIRROR_POD_ANNOTATION}]`, 'creation of mirror pod annotation is not allowed'));
    } else {
      errs.push(forbidden(`metadata.annotations[${MIRROR_POD_ANNOTATION}]`, 'modification of mirror pod annotation is not allowed'));
    }
  }
  for (const [field] of [['containers'], ['initContainers']] as const) {
    const r = validateContainerUpdates(arr(ns[field]), arr(os[field]), `spec.${field}`);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  if (has(ns.activeDeadlineSeconds)) {
    const v = num(ns.activeDeadlineSeconds);
    if (v < 0 || v > MAX_INT32) {
      errs.push(invalid('spec.activeDeadlineSeconds', v, inclusiveRangeError(0, MAX_INT32)));
      return errs;
    }
    if (has(os.activeDeadlineSeconds) && num(os.activeDeadlineSeconds) < v) {
      errs.push(invalid('spec.activeDeadlineSeconds', v, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (has(os.activeDeadlineSeconds)) {
    errs.push(invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  // Only additions to tolerations (tolerationSeconds of an existing one may change).
  for (const ot of arr(os.tolerations)) {
    const found = arr(ns.tolerations).some((nt) => isObj(nt) && isObj(ot) && semanticEqual({ ...ot, tolerationSeconds: nt.tolerationSeconds }, nt));
    if (!found) {
      errs.push(forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
      break;
    }
  }
  // Only deletions of scheduling gates.
  const oldGates = new Set(arr(os.schedulingGates).map((g) => str(isObj(g) ? g.name : '')));
  arr(ns.schedulingGates).forEach((g, i) => {
    const name = str(isObj(g) ? g.name : '');
    if (!oldGates.has(name)) errs.push(forbidden(`spec.schedulingGates[${i}].name`, `only deletion is allowed, but found new scheduling gate '${name}'`));
  });
  if (semanticEqual(ns, os)) return errs;
  const munged: Record<string, Any> = structuredClone(ns);
  for (const field of ['containers', 'initContainers']) {
    if (!Array.isArray(munged[field])) continue;
    munged[field] = munged[field].map((c: Any, i: number) => (isObj(c) ? { ...c, image: arr(os[field])[i]?.image } : c));
  }
  if (has(os.activeDeadlineSeconds)) munged.activeDeadlineSeconds = os.activeDeadlineSeconds;
  else delete munged.activeDeadlineSeconds;
  munged.schedulingGates = os.schedulingGates;
  munged.tolerations = os.tolerations;
  if (has(os.terminationGracePeriodSeconds) && num(os.terminationGracePeriodSeconds) < 0 && num(munged.terminationGracePeriodSeconds) === 1) {
    munged.terminationGracePeriodSeconds = os.terminationGracePeriodSeconds;
  }
  if (arr(os.schedulingGates).length > 0) {
    // Gated pods may gain nodeSelector entries and node affinity.
    const oldSel = isObj(os.nodeSelector) ? os.nodeSelector : {};
    const newSel = isObj(munged.nodeSelector) ? munged.nodeSelector : {};
    let onlyAdded = true;
    for (const [k, v] of Object.entries(oldSel)) {
      if (newSel[k] !== v) {
        onlyAdded = false;
        errs.push(invalid(`spec.nodeSelector`, munged.nodeSelector, 'only additions to spec.nodeSelector are allowed (no mutations or deletions)'));
        break;
      }
    }
    if (onlyAdded) munged.nodeSelector = os.nodeSelector;
    munged.affinity = os.affinity;
  }
  if (!semanticEqual(munged, os)) {
    errs.push(forbidden('spec', `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${specDiff(os, munged, 'core.PodSpec')}`));
  }
  return errs;
}

const SYSTEM_POD_CONDITIONS = new Set(['PodScheduled', 'Ready', 'Initialized']);

function validateContainerStateTransition(newStatuses: Any[], oldStatuses: Any[], path: string, restartPolicy: string): Errs {
  const errs: Errs = [];
  if (restartPolicy === 'Always') return errs;
  oldStatuses.forEach((os, i) => {
    if (!isObj(os) || !isObj(os.state) || !isObj(os.state.terminated)) return;
    if (num(os.state.terminated.exitCode) !== 0 && restartPolicy === 'OnFailure') return;
    for (const ns of newStatuses) {
      if (isObj(ns) && ns.name === os.name && !(isObj(ns.state) && isObj(ns.state.terminated))) {
        errs.push(forbidden(`${path}[${i}].state`, 'may not be transitioned to non-terminated state'));
      }
    }
  });
  return errs;
}

/** Upstream's ValidatePodStatusUpdate minus object-meta. */
export function validatePodStatusUpdate(pod: unknown, old: unknown): Errs {
  const n = isObj(pod) ? pod : {};
  const o = isObj(old) ? old : {};
  const nst = isObj(n.status) ? n.status : {};
  const ost = isObj(o.status) ? o.status : {};
  const nspec = isObj(n.spec) ? n.spec : {};
  const ospec = isObj(o.spec) ? o.spec : {};
  const errs: Errs = [];
  arr(nst.conditions).forEach((c, i) => {
    const t = str(isObj(c) ? c.type : '');
    if (SYSTEM_POD_CONDITIONS.has(t)) return;
    errs.push(...validateQualifiedName(t, `metadata.conditions[${i}].Type`));
  });
  if (str(nspec.nodeName) !== str(ospec.nodeName)) errs.push(forbidden('status.nodeName', 'may not be changed directly'));
  if (str(nst.nominatedNodeName) !== str(ost.nominatedNodeName) && str(nst.nominatedNodeName)) {
    errs.push(...validateDNS1123Subdomain(str(nst.nominatedNodeName), 'status.nominatedNodeName'));
  }
  const rp = str(ospec.restartPolicy);
  errs.push(...validateContainerStateTransition(arr(nst.containerStatuses), arr(ost.containerStatuses), 'status.containerStatuses', rp));
  errs.push(...validateContainerStateTransition(arr(nst.initContainerStatuses), arr(ost.initContainerStatuses), 'status.initContainerStatuses', rp));
  errs.push(...validatePodIPs(n));
  return errs;
}

// ---- PodTemplate, ReplicationController --------------------------------------------------------

export function validatePodTemplate(pt: unknown): Errs {
  const o = isObj(pt) ? pt : {};
  return validatePodTemplateSpec(o.template, 'template');
}

function selectorMatches(selector: Record<string, Any>, labels: unknown): boolean {
  const l = isObj(labels) ? labels : {};
  return Object.entries(selector).every(([k, v]) => k in l && str(l[k]) === str(v));
}

export function validateReplicationController(rc: unknown): Errs {
  const o = isObj(rc) ? rc : {};
  const spec = isObj(o.spec) ? o.spec : {};
  const errs: Errs = [];
  errs.push(...validateNonnegativeField(spec.minReadySeconds, 'spec.minReadySeconds'));
  const selector = isObj(spec.selector) ? spec.selector : {};
  if (Object.keys(selector).length === 0) errs.push(required('spec.selector'));
  errs.push(...validateNonnegativeField(spec.replicas, 'spec.replicas'));
  if (!isObj(spec.template)) {
    errs.push(required('spec.template'));
    return errs;
  }
  const tpl = spec.template;
  const labels = isObj(tpl.metadata) ? tpl.metadata.labels : undefined;
  if (Object.keys(selector).length > 0 && !selectorMatches(selector, labels)) {
    errs.push(invalid('spec.template.metadata.labels', labels ?? {}, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(tpl, 'spec.template'));
  const rp = isObj(tpl.spec) ? str(tpl.spec.restartPolicy) : '';
  if (rp !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  if (isObj(tpl.spec) && has(tpl.spec.activeDeadlineSeconds)) {
    errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
  return errs;
}

/** Status counters non-negative and consistent (upstream's ValidateReplicationControllerStatus). */
export function validateReplicasStatus(status: unknown, path = 'status'): Errs {
  const s = isObj(status) ? status : {};
  const errs: Errs = [];
  for (const f of ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']) {
    errs.push(...validateNonnegativeField(s[f], `${path}.${f}`));
  }
  const msg = 'cannot be greater than status.replicas';
  if (num(s.fullyLabeledReplicas) > num(s.replicas)) errs.push(invalid(`${path}.fullyLabeledReplicas`, s.fullyLabeledReplicas, msg));
  if (num(s.readyReplicas) > num(s.replicas)) errs.push(invalid(`${path}.readyReplicas`, s.readyReplicas, msg));
  if (num(s.availableReplicas) > num(s.replicas)) errs.push(invalid(`${path}.availableReplicas`, s.availableReplicas, msg));
  if (num(s.availableReplicas) > num(s.readyReplicas)) errs.push(invalid(`${path}.availableReplicas`, s.availableReplicas, 'cannot be greater than readyReplicas'));
  return errs;
}

// ---- Service ------------------------------------------------------------------------------------

const SUPPORTED_SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const MAX_CLIENT_IP_SERVICE_AFFINITY_SECONDS = 86400;

function clusterIPsOf(spec: Record<string, Any>): string[] {
  const list = arr(spec.clusterIPs).map(str);
  return list;
}

function isHeadless(spec: Record<string, Any>): boolean {
  const ips = clusterIPsOf(spec);
  if (ips.length === 0) return str(spec.clusterIP) === 'None';
  return ips.length === 1 && ips[0] === 'None';
}

/** Not unspecified, loopback, link-local unicast or link-local multicast (upstream's ValidateNonSpecialIP). */
export function validateNonSpecialIP(ip: string, path: string): Errs {
  const b = parseIP(ip);
  if (!b) return [invalid(path, ip, 'must be a valid IP address')];
  let v4: number[] | undefined;
  if (b.length === 4) v4 = b;
  else if (b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) v4 = b.slice(12);
  const errs: Errs = [];
  const unspecified = v4 ? v4.every((x) => x === 0) : b.every((x) => x === 0);
  const loopback = v4 ? v4[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
  const linkLocal = v4 ? v4[0] === 169 && v4[1] === 254 : b[0] === 0xfe && (b[1]! & 0xc0) === 0x80;
  const llMulticast = v4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : b[0] === 0xff && (b[1]! & 0x0f) === 0x02;
  if (unspecified) errs.push(invalid(path, ip, `may not be unspecified (${ip})`));
  if (loopback) errs.push(invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (linkLocal) errs.push(invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (llMulticast) errs.push(invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}

function validateClusterIPsRelatedFields(spec: Record<string, Any>): Errs {
  if (spec.type === 'ExternalName') return [];
  const errs: Errs = [];
  const clusterIP = str(spec.clusterIP);
  const ips = clusterIPsOf(spec);
  if (clusterIP) {
    if (ips.length === 0) errs.push(required('spec.clusterIPs'));
    else if (ips[0] !== clusterIP) errs.push(invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
  } else if (ips.length !== 0) {
    errs.push(invalid('spec.clusterIPs', ips, 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  arr(spec.ipFamilies).forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(notSupported(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6']));
    if (seen.has(f)) errs.push(duplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  if (has(spec.ipFamilyPolicy) && !['PreferDualStack', 'RequireDualStack', 'SingleStack'].includes(spec.ipFamilyPolicy)) {
    errs.push(notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  }
  let bad = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        bad = true;
        errs.push(invalid('spec.clusterIPs', ips, "'None' must be the first and only value"));
      }
      return;
    }
    const e = ipErrs(ip, `spec.clusterIPs[${i}]`);
    if (e.length) bad = true;
    errs.push(...e);
  });
  if (ips.length > 2) {
    bad = true;
    errs.push(invalid('spec.clusterIPs', ips, 'may only hold up to 2 values'));
  }
  if (bad) return errs;
  if (ips.length > 1 && !isDualStack(ips)) errs.push(invalid('spec.clusterIPs', ips, 'may specify no more than one IP for each IP family'));
  const fams = arr(spec.ipFamilies);
  if (!isHeadless(spec) && ips.length > 0 && fams.length > 0) {
    ips.forEach((ip, i) => {
      if (i > fams.length - 1) return;
      const fam = ipFamilyOf(ip);
      if (fams[i] === 'IPv4' && fam === 6) errs.push(invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (fams[i] === 'IPv6' && fam !== 6) errs.push(invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

function validateLoadBalancerClass(svc: Record<string, Any>, old: Record<string, Any> | undefined): Errs {
  const spec = isObj(svc.spec) ? svc.spec : {};
  const errs: Errs = [];
  if (old) {
    const ospec = isObj(old.spec) ? old.spec : {};
    if (ospec.type === 'LoadBalancer' && spec.type === 'LoadBalancer' && str(ospec.loadBalancerClass) !== str(spec.loadBalancerClass)) {
      errs.push(invalid('spec.loadBalancerClass', spec.loadBalancerClass ?? null, 'may not change once set'));
    }
  }
  if (spec.type === 'LoadBalancer') {
    if (has(spec.loadBalancerClass)) errs.push(...validateQualifiedName(str(spec.loadBalancerClass), 'spec.loadBalancerClass'));
  } else if (has(spec.loadBalancerClass)) {
    errs.push(forbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"));
  }
  return errs;
}

export function validateService(svc: unknown): Errs {
  const o = isObj(svc) ? svc : {};
  const spec = isObj(o.spec) ? o.spec : {};
  const meta = isObj(o.metadata) ? o.metadata : {};
  const ann = isObj(meta.annotations) ? meta.annotations : {};
  const errs: Errs = [];
  const hintsKey = 'service.kubernetes.io/topology-aware-hints';
  const modeKey = 'service.kubernetes.io/topology-mode';
  if (hintsKey in ann && modeKey in ann && ann[hintsKey] !== ann[modeKey]) {
    errs.push(invalid(`metadata.annotations[${modeKey}]`, ann[modeKey], `must match annotations[${hintsKey}] when both are specified`));
  }
  const type = str(spec.type);
  const ports = arr(spec.ports);
  const headless = isHeadless(spec);
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required('spec.ports'));
  const ips = clusterIPsOf(spec);
  switch (type) {
    case 'LoadBalancer':
      if (headless) errs.push(invalid('spec.clusterIPs[0]', ips[0] ?? 'None', "may not be set to 'None' for LoadBalancer services"));
      break;
    case 'NodePort':
      if (headless) errs.push(invalid('spec.clusterIPs[0]', ips[0] ?? 'None', "may not be set to 'None' for NodePort services"));
      break;
    case 'ExternalName': {
      if (ips.length > 0 || str(spec.clusterIP)) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      if (arr(spec.ipFamilies).length > 0) errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
      if (has(spec.ipFamilyPolicy)) errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
      const cname = str(spec.externalName).replace(/\.$/, '');
      if (cname) errs.push(...validateDNS1123Subdomain(cname, 'spec.externalName'));
      else errs.push(required('spec.externalName'));
      break;
    }
  }
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const sp = isObj(port) ? port : {};
    const pp = `spec.ports[${i}]`;
    const name = str(sp.name);
    if (ports.length > 1 && !name) errs.push(required(`${pp}.name`));
    else if (name) {
      errs.push(...validateDNS1123Label(name, `${pp}.name`));
      if (names.has(name)) errs.push(duplicate(`${pp}.name`, name));
      else names.add(name);
    }
    for (const m of isValidPortNum(num(sp.port))) errs.push(invalid(`${pp}.port`, sp.port ?? 0, m));
    if (!str(sp.protocol)) errs.push(required(`${pp}.protocol`));
    else if (!SUPPORTED_PORT_PROTOCOLS.includes(sp.protocol)) errs.push(notSupported(`${pp}.protocol`, sp.protocol, SUPPORTED_PORT_PROTOCOLS));
    errs.push(...validatePortNumOrName(sp.targetPort, `${pp}.targetPort`));
    if (has(sp.appProtocol)) errs.push(...validateQualifiedName(str(sp.appProtocol), `${pp}.appProtocol`));
    if (num(sp.nodePort) !== 0) for (const m of isValidPortNum(num(sp.nodePort))) errs.push(invalid(`${pp}.nodePort`, sp.nodePort, m));
  });
  if (isObj(spec.selector)) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const affinity = str(spec.sessionAffinity);
  if (!affinity) errs.push(required('spec.sessionAffinity'));
  else if (affinity !== 'ClientIP' && affinity !== 'None') errs.push(notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  if (affinity === 'ClientIP') {
    const cfg = spec.sessionAffinityConfig;
    const cp = 'spec.sessionAffinityConfig';
    if (!isObj(cfg)) errs.push(required(cp, 'when session affinity type is ClientIP'));
    else if (!isObj(cfg.clientIP)) errs.push(required(`${cp}.clientIP`, 'when session affinity type is ClientIP'));
    else if (!has(cfg.clientIP.timeoutSeconds)) errs.push(required(`${cp}.clientIP.timeoutSeconds`, 'when session affinity type is ClientIP'));
    else {
      const t = num(cfg.clientIP.timeoutSeconds);
      if (t <= 0 || t > MAX_CLIENT_IP_SERVICE_AFFINITY_SECONDS) {
        errs.push(invalid(`${cp}.clientIP.timeoutSeconds`, t, `must be greater than 0 and less than ${MAX_CLIENT_IP_SERVICE_AFFINITY_SECONDS}`));
      }
    }
  } else if (affinity === 'None' && has(spec.sessionAffinityConfig)) {
    errs.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPsRelatedFields(spec));
  arr(spec.externalIPs).forEach((ip, i) => {
    const p = `spec.externalIPs[${i}]`;
    const e = ipErrs(str(ip), p);
    if (e.length) errs.push(...e);
    else errs.push(...validateNonSpecialIP(str(ip), p));
  });
  if (!type) errs.push(required('spec.type'));
  else if (!SUPPORTED_SERVICE_TYPES.includes(type)) errs.push(notSupported('spec.type', type, SUPPORTED_SERVICE_TYPES));
  if (type === 'ClusterIP') {
    ports.forEach((sp, i) => {
      if (isObj(sp) && num(sp.nodePort) !== 0) errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((sp, i) => {
    if (!isObj(sp) || !num(sp.nodePort)) return;
    const key = `${str(sp.protocol)}/${num(sp.nodePort)}`;
    if (nodePorts.has(key)) errs.push(duplicate(`spec.ports[${i}].nodePort`, sp.nodePort));
    nodePorts.add(key);
  });
  const portKeys = new Set<string>();
  ports.forEach((sp, i) => {
    const p = isObj(sp) ? sp : {};
    const key = `${str(p.protocol)}/${num(p.port)}`;
    if (portKeys.has(key)) errs.push(duplicate(`spec.ports[${i}]`, { port: num(p.port), protocol: str(p.protocol) }));
    portKeys.add(key);
  });
  const ranges = arr(spec.loadBalancerSourceRanges);
  const lbAnn = 'service.beta.kubernetes.io/load-balancer-source-ranges';
  if (ranges.length > 0) {
    const rp = 'spec.LoadBalancerSourceRanges';
    if (type !== 'LoadBalancer') errs.push(forbidden(rp, "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => errs.push(...cidrErrs(str(r).trim(), `${rp}[${i}]`)));
  } else if (lbAnn in ann) {
    const ap = `metadata.annotations[${lbAnn}]`;
    if (type !== 'LoadBalancer') errs.push(forbidden(ap, "may only be used when `type` is 'LoadBalancer'"));
    const val = str(ann[lbAnn]).trim();
    if (val) for (const c of val.split(',')) errs.push(...cidrErrs(c.trim(), ap));
  }
  if (has(spec.allocateLoadBalancerNodePorts) && type !== 'LoadBalancer') {
    errs.push(forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }
  if (type === 'LoadBalancer' && !has(spec.allocateLoadBalancerNodePorts)) errs.push(required('allocateLoadBalancerNodePorts'));
  errs.push(...validateLoadBalancerClass(o, undefined));
  // externalTrafficPolicy
  if (!externallyAccessible(o)) {
    if (str(spec.externalTrafficPolicy)) {
      errs.push(invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
    }
  } else if (!str(spec.externalTrafficPolicy)) {
    errs.push(required('spec.externalTrafficPolicy'));
  } else if (spec.externalTrafficPolicy !== 'Cluster' && spec.externalTrafficPolicy !== 'Local') {
    errs.push(notSupported('spec.externalTrafficPolicy', spec.externalTrafficPolicy, ['Cluster', 'Local']));
  }
  const needsHealthCheck = type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
  if (!needsHealthCheck) {
    if (num(spec.healthCheckNodePort) !== 0) {
      errs.push(invalid('spec.healthCheckNodePort', spec.healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
    }
  } else if (num(spec.healthCheckNodePort) !== 0) {
    // Zero means "not yet allocated": the allocator fills it in.
    for (const m of isValidPortNum(num(spec.healthCheckNodePort))) errs.push(invalid('spec.healthCheckNodePort', spec.healthCheckNodePort, m));
  }
  // internalTrafficPolicy
  if (!has(spec.internalTrafficPolicy)) {
    if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') errs.push(required('spec.internalTrafficPolicy'));
  } else if (spec.internalTrafficPolicy !== 'Cluster' && spec.internalTrafficPolicy !== 'Local') {
    errs.push(notSupported('spec.internalTrafficPolicy', spec.internalTrafficPolicy, ['Cluster', 'Local']));
  }
  if (has(spec.trafficDistribution) && spec.trafficDistribution !== 'PreferClose') {
    errs.push(notSupported('spec.trafficDistribution', spec.trafficDistribution, ['PreferClose']));
  }
  return errs;
}

/** ClusterIP(s) and IP families may only be added or released, never swapped (upstream's ValidateServiceUpdate). */
export function validateServiceUpdate(svc: unknown, old: unknown): Errs {
  const n = isObj(svc) ? svc : {};
  const o = isObj(old) ? old : {};
  const ns = isObj(n.spec) ? n.spec : {};
  const os = isObj(o.spec) ? o.spec : {};
  const errs: Errs = [];
  if (ns.type !== 'ExternalName' && os.type !== 'ExternalName' && !(isHeadless(ns) && isHeadless(os))) {
    const nips = clusterIPsOf(ns);
    const oips = clusterIPsOf(os);
    if (oips.length === nips.length) {
      oips.forEach((ip, i) => {
        if (ip !== nips[i]) errs.push(invalid(`spec.clusterIPs[${i}]`, nips, 'may not change once set'));
      });
    } else if (oips.length > nips.length) {
      if (nips.length === 0) errs.push(invalid('spec.clusterIPs[0]', nips, 'primary clusterIP can not be unset'));
      if (oips.length > 0 && nips.length > 0 && nips[0] !== oips[0]) errs.push(invalid('spec.clusterIPs[0]', nips, 'may not change once set'));
      if (nips.length === 1 && ns.ipFamilyPolicy !== 'SingleStack') {
        errs.push(invalid('spec.clusterIPs[0]', nips, "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary clusterIP"));
      }
    } else if (oips.length > 0 && nips[0] !== oips[0]) {
      errs.push(invalid('spec.clusterIPs[0]', nips, 'may not change once set'));
    }
    const nf = arr(ns.ipFamilies).map(str);
    const of = arr(os.ipFamilies).map(str);
    if (of.length === nf.length) {
      of.forEach((f, i) => {
        if (f !== nf[i]) errs.push(invalid('spec.ipFamilies', nf, 'may not change once set'));
      });
    } else if (of.length > nf.length) {
      if (nf.length === 0) errs.push(invalid('spec.ipFamilies[0]', nf, 'primary ipFamily can not be unset'));
      if (of.length > 0 && nf.length > 0 && nf[0] !== of[0]) errs.push(invalid('spec.ipFamilies[0]', nf, 'may not change once set'));
      if (nf.length === 1 && ns.ipFamilyPolicy !== 'SingleStack') {
        errs.push(invalid('spec.ipFamilies[0]', nf, "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary ipFamily"));
      }
    } else if (of.length > 0 && nf[0] !== of[0]) {
      errs.push(invalid('spec.ipFamilies[0]', nf, 'may not change once set'));
    }
  }
  const lbc = validateLoadBalancerClass(n, o).filter((e) => e.detail === 'may not change once set');
  errs.push(...lbc);
  return errs;
}

export function validateServiceStatusUpdate(svc: unknown): Errs {
  const n = isObj(svc) ? svc : {};
  const st = isObj(n.status) ? n.status : {};
  const lb = isObj(st.loadBalancer) ? st.loadBalancer : {};
  const spec = isObj(n.spec) ? n.spec : {};
  const errs: Errs = [];
  arr(lb.ingress).forEach((ing, i) => {
    const g = isObj(ing) ? ing : {};
    const p = `status.loadBalancer.ingress[${i}]`;
    if (str(g.ip)) errs.push(...ipErrs(str(g.ip), `${p}.ip`));
    if (has(g.ipMode)) {
      if (!str(g.ip)) errs.push(required(`${p}.ipMode`, 'may only be specified when `ip` is set'));
      else if (g.ipMode !== 'VIP' && g.ipMode !== 'Proxy') errs.push(notSupported(`${p}.ipMode`, g.ipMode, ['Proxy', 'VIP']));
    } else if (str(g.ip) && spec.type === 'LoadBalancer') {
      errs.push(required(`${p}.ipMode`, 'must be specified when `ip` is set'));
    }
    if (str(g.hostname)) {
      errs.push(...validateDNS1123Subdomain(str(g.hostname), `${p}.hostname`));
      if (parseIP(str(g.hostname))) errs.push(invalid(`${p}.hostname`, g.hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

// ---- Endpoints ----------------------------------------------------------------------------------

export function validateEndpoints(ep: unknown): Errs {
  const o = isObj(ep) ? ep : {};
  const errs: Errs = [];
  arr(o.subsets).forEach((ss, i) => {
    const s = isObj(ss) ? ss : {};
    const ip = `subsets[${i}]`;
    if (arr(s.addresses).length === 0 && arr(s.notReadyAddresses).length === 0) errs.push(required(ip, 'must specify `addresses` or `notReadyAddresses`'));
    for (const kind of ['addresses', 'notReadyAddresses']) {
      arr(s[kind]).forEach((a, j) => {
        const addr = isObj(a) ? a : {};
        const ap = `${ip}.${kind}[${j}]`;
        errs.push(...ipErrs(str(addr.ip), `${ap}.ip`));
        if (str(addr.hostname)) errs.push(...validateDNS1123Label(str(addr.hostname), `${ap}.hostname`));
        if (has(addr.nodeName)) errs.push(...validateDNS1123Subdomain(str(addr.nodeName), `${ap}.nodeName`));
        errs.push(...validateNonSpecialIP(str(addr.ip), `${ap}.ip`));
      });
    }
    const ports = arr(s.ports);
    ports.forEach((pt, j) => {
      const p = isObj(pt) ? pt : {};
      const pp = `${ip}.ports[${j}]`;
      const name = str(p.name);
      if (ports.length > 1 && !name) errs.push(required(`${pp}.name`));
      else if (name) errs.push(...validateDNS1123Label(name, `${pp}.name`));
      for (const m of isValidPortNum(num(p.port))) errs.push(invalid(`${pp}.port`, p.port ?? 0, m));
      if (!str(p.protocol)) errs.push(required(`${pp}.protocol`));
      else if (!SUPPORTED_PORT_PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${pp}.protocol`, p.protocol, SUPPORTED_PORT_PROTOCOLS));
      if (has(p.appProtocol)) errs.push(...validateQualifiedName(str(p.appProtocol), `${pp}.appProtocol`));
    });
  });
  return errs;
}

// ---- ConfigMap, Secret --------------------------------------------------------------------------

/** Decoded length of a base64 string (as stored in Secret data / ConfigMap binaryData). */
function base64Len(v: unknown): number {
  return Buffer.from(str(v), 'base64').length;
}

/**
 * Go's base64.StdEncoding decode error for a []byte field (`illegal base64 data at input byte N`),
 * or undefined when the text decodes. Upstream rejects such input while decoding the request.
 */
export function base64Error(v: unknown): string | undefined {
  if (typeof v !== 'string') return v === undefined || v === null ? undefined : 'illegal base64 data at input byte 0';
  const t = v.replace(/[\r\n]/g, '');
  const bad = t.search(/[^A-Za-z0-9+/=]/);
  const pad = t.indexOf('=');
  if (bad >= 0 && (pad < 0 || bad < pad)) return `illegal base64 data at input byte ${bad}`;
  if (pad >= 0) {
    const tail = t.slice(pad);
    if (!/^={1,2}$/.test(tail) || t.length % 4 !== 0 || (tail.length === 2 && t.length - 2 !== pad) || pad % 4 < 2) {
      return `illegal base64 data at input byte ${pad % 4 < 2 ? pad - (pad % 4) : pad}`;
    }
    return undefined;
  }
  if (t.length % 4 !== 0) return `illegal base64 data at input byte ${t.length - (t.length % 4)}`;
  return undefined;
}

const IMMUTABLE_SET_MSG = 'field is immutable when `immutable` is set';

export function validateConfigMap(cm: unknown): Errs {
  const o = isObj(cm) ? cm : {};
  const errs: Errs = [];
  let total = 0;
  const binary = isObj(o.binaryData) ? o.binaryData : {};
  for (const [k, v] of entries(o.data)) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(`data[${k}]`, k, m));
    if (k in binary) errs.push(invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    total += byteLen(str(v));
  }
  for (const [k, v] of entries(o.binaryData)) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(`binaryData[${k}]`, k, m));
    const b64 = base64Error(v);
    if (b64) errs.push(invalid(`binaryData[${k}]`, '<binary data>', b64));
    total += base64Len(v);
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong('', '', MAX_SECRET_SIZE));
  return errs;
}

export function validateConfigMapUpdate(cm: unknown, old: unknown): Errs {
  const n = isObj(cm) ? cm : {};
  const o = isObj(old) ? old : {};
  const errs: Errs = [];
  if (o.immutable === true) {
    if (n.immutable !== true) errs.push(forbidden('immutable', IMMUTABLE_SET_MSG));
    if (!semanticEqual(n.data, o.data)) errs.push(forbidden('data', IMMUTABLE_SET_MSG));
    if (!semanticEqual(n.binaryData, o.binaryData)) errs.push(forbidden('binaryData', IMMUTABLE_SET_MSG));
  }
  return errs;
}

/** Go's encoding/json error for input that is not a JSON object. */
function jsonObjectError(text: string): string | undefined {
  const t = text.trim();
  if (!t) return 'unexpected end of JSON input';
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    const c = t[0]!;
    if (!'{["-0123456789tfn'.includes(c)) return `invalid character '${c}' looking for beginning of value`;
    return 'unexpected end of JSON input';
  }
  if (v === null || isObj(v)) return undefined;
  const kind = Array.isArray(v) ? 'array' : typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : 'bool';
  return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
}

export function validateSecret(secret: unknown): Errs {
  const o = isObj(secret) ? secret : {};
  const meta = isObj(o.metadata) ? o.metadata : {};
  const ann = isObj(meta.annotations) ? meta.annotations : {};
  const data = isObj(o.data) ? o.data : {};
  const errs: Errs = [];
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(`data[${k}]`, k, m));
    const b64 = base64Error(v);
    if (b64) errs.push(invalid(`data[${k}]`, '<secret contents redacted>', b64));
    total += base64Len(v);
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong('data', '', MAX_SECRET_SIZE));
  const has2 = (k: string): boolean => k in data && data[k] !== null && data[k] !== undefined;
  switch (str(o.type)) {
    case 'kubernetes.io/service-account-token':
      if (!str(ann['kubernetes.io/service-account.name'])) errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      break;
    case 'Opaque':
    case '':
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = o.type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      if (!has2(key)) {
        errs.push(required(`data[${key}]`));
        break;
      }
      const err = jsonObjectError(Buffer.from(str(data[key]), 'base64').toString('utf8'));
      if (err) errs.push(invalid(`data[${key}]`, '<secret contents redacted>', err));
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!has2('username') && !has2('password')) {
        errs.push(required('data[username]'));
        errs.push(required('data[password]'));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (base64Len(data['ssh-privatekey']) === 0) errs.push(required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      if (!has2('tls.crt')) errs.push(required('data[tls.crt]'));
      if (!has2('tls.key')) errs.push(required('data[tls.key]'));
      break;
  }
  return errs;
}

export function validateSecretUpdate(secret: unknown, old: unknown): Errs {
  const n = isObj(secret) ? secret : {};
  const o = isObj(old) ? old : {};
  const errs: Errs = [];
  if (str(n.type) !== str(o.type)) errs.push(immutable('type', str(n.type)));
  if (o.immutable === true) {
    if (n.immutable !== true) errs.push(forbidden('immutable', IMMUTABLE_SET_MSG));
    if (!semanticEqual(n.data, o.data)) errs.push(forbidden('data', IMMUTABLE_SET_MSG));
  }
  return errs;
}

// ---- Namespace ----------------------------------------------------------------------------------

const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

function validateKubeFinalizerName(name: string, path: string): Errs {
  const errs = isQualifiedName(name).map((m) => invalid(path, name, m));
  if (!name.includes('/') && !STANDARD_FINALIZERS.has(name)) {
    errs.push(invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return errs;
}

export function validateNamespace(ns: unknown): Errs {
  const o = isObj(ns) ? ns : {};
  const spec = isObj(o.spec) ? o.spec : {};
  const errs: Errs = [];
  for (const f of arr(spec.finalizers)) errs.push(...validateKubeFinalizerName(str(f), 'spec.finalizers'));
  return errs;
}

export function validateNamespaceStatusUpdate(ns: unknown): Errs {
  const o = isObj(ns) ? ns : {};
  const meta = isObj(o.metadata) ? o.metadata : {};
  const phase = str(isObj(o.status) ? o.status.phase : '');
  if (!meta.deletionTimestamp) {
    if (phase !== 'Active') return [invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty")];
  } else if (phase !== 'Terminating') {
    return [invalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty")];
  }
  return [];
}

/** The `finalize` subresource: each spec finalizer a valid name. */
export function validateNamespaceFinalizeUpdate(ns: unknown): Errs {
  const o = isObj(ns) ? ns : {};
  const spec = isObj(o.spec) ? o.spec : {};
  const errs: Errs = [];
  arr(spec.finalizers).forEach((f, i) => errs.push(...validateKubeFinalizerName(str(f), `spec.finalizers[${i}]`)));
  return errs;
}

// ---- Event --------------------------------------------------------------------------------------

const REPORTING_INSTANCE_LENGTH_LIMIT = 128;
const ACTION_LENGTH_LIMIT = 128;
const REASON_LENGTH_LIMIT = 128;
const NOTE_LENGTH_LIMIT = 1024;

/** Upstream's legacyValidateEvent for core/v1 Events. */
export function validateEvent(ev: unknown): Errs {
  const o = isObj(ev) ? ev : {};
  const meta = isObj(o.metadata) ? o.metadata : {};
  const involved = isObj(o.involvedObject) ? o.involvedObject : {};
  const ns = str(meta.namespace);
  const ins = str(involved.namespace);
  const errs: Errs = [];
  if (!o.eventTime) {
    if (!ins) {
      if (ns !== '' && ns !== 'default') errs.push(invalid('involvedObject.namespace', ins, 'does not match event.namespace'));
    } else if (ns !== ins) {
      errs.push(invalid('involvedObject.namespace', ins, 'does not match event.namespace'));
    }
  } else {
    if (!ins && ns !== 'default' && ns !== 'kube-system') errs.push(invalid('involvedObject.namespace', ins, 'does not match event.namespace'));
    const rc = str(o.reportingComponent);
    if (!rc) errs.push(required('source'));
    errs.push(...validateQualifiedName(rc, 'source'));
    const ri = str(o.reportingInstance);
    if (!ri) errs.push(required('reportingInstance'));
    if (byteLen(ri) > REPORTING_INSTANCE_LENGTH_LIMIT) errs.push(invalid('reportingInstance', '', `can have at most ${REPORTING_INSTANCE_LENGTH_LIMIT} characters`));
    const action = str(o.action);
    if (!action) errs.push(required('action'));
    if (byteLen(action) > ACTION_LENGTH_LIMIT) errs.push(invalid('action', '', `can have at most ${ACTION_LENGTH_LIMIT} characters`));
    const reason = str(o.reason);
    if (!reason) errs.push(required('reason'));
    if (byteLen(reason) > REASON_LENGTH_LIMIT) errs.push(invalid('reason', '', `can have at most ${REASON_LENGTH_LIMIT} characters`));
    if (byteLen(str(o.message)) > NOTE_LENGTH_LIMIT) errs.push(invalid('message', '', `can have at most ${NOTE_LENGTH_LIMIT} characters`));
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(invalid('namespace', ns, m));
  return errs;
}

// ---- Node ---------------------------------------------------------------------------------------

function validateNodeTaints(taints: Any[], path: string): Errs {
  const errs: Errs = [];
  const unique = new Map<string, Set<string>>();
  taints.forEach((tt, i) => {
    const t = isObj(tt) ? tt : {};
    const ip = `${path}[${i}]`;
    errs.push(...validateLabelName(str(t.key), `${ip}.key`));
    const msgs = isValidLabelValue(str(t.value));
    if (msgs.length) errs.push(invalid(`${ip}.value`, str(t.value), msgs.join(';')));
    errs.push(...validateTaintEffect(t.effect, false, `${ip}.effect`));
    const eff = str(t.effect);
    const keys = unique.get(eff) ?? new Set<string>();
    if (keys.has(str(t.key))) {
      errs.push({ type: 'FieldValueDuplicate', field: ip, badValue: t, detail: 'taints must be unique by key and effect pair' });
      return;
    }
    keys.add(str(t.key));
    unique.set(eff, keys);
  });
  return errs;
}

function validateNodeResources(node: Record<string, Any>): Errs {
  const st = isObj(node.status) ? node.status : {};
  const errs: Errs = [];
  for (const field of ['capacity', 'allocatable']) {
    for (const [k, v] of entries(st[field])) {
      const p = `status.${field}.${k}`;
      const q = quantityOf(v, p, errs);
      if (q) errs.push(...validateResourceQuantityValue(k, q, p));
    }
  }
  return errs;
}

function podCIDRsOf(spec: Record<string, Any>): string[] {
  const list = arr(spec.podCIDRs).map(str);
  if (list.length === 0 && str(spec.podCIDR)) return [str(spec.podCIDR)];
  return list;
}

export function validateNode(node: unknown): Errs {
  const o = isObj(node) ? node : {};
  const spec = isObj(o.spec) ? o.spec : {};
  const errs: Errs = [];
  if (arr(spec.taints).length > 0) errs.push(...validateNodeTaints(arr(spec.taints), 'metadata.taints'));
  errs.push(...validateNodeResources(o));
  const cidrs = podCIDRsOf(spec);
  if (cidrs.length > 0) {
    cidrs.forEach((c, i) => errs.push(...cidrErrs(c, `spec.podCIDRs[${i}]`)));
    if (cidrs.length > 1) {
      const fams = new Set(cidrs.map((c) => parseCIDR(c)?.family));
      if (!(fams.has(4) && fams.has(6)) || cidrs.length > 2) errs.push(invalid('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
      const seen = new Set<string>();
      cidrs.forEach((c, i) => {
        if (seen.has(c)) errs.push(duplicate(`spec.podCIDRs[${i}]`, c));
        seen.add(c);
      });
    }
  }
  return errs;
}

/** Upstream's ValidateNodeUpdate minus object-meta (also used for `/status` writes). */
export function validateNodeUpdate(node: unknown, old: unknown): Errs {
  const n = isObj(node) ? node : {};
  const o = isObj(old) ? old : {};
  const ns = isObj(n.spec) ? n.spec : {};
  const os = isObj(o.spec) ? o.spec : {};
  const st = isObj(n.status) ? n.status : {};
  const errs: Errs = [];
  errs.push(...validateNodeResources(n));
  const seen = new Set<string>();
  arr(st.addresses).forEach((a, i) => {
    const key = JSON.stringify([str(isObj(a) ? a.type : ''), str(isObj(a) ? a.address : '')]);
    if (seen.has(key)) errs.push(duplicate(`status.addresses[${i}]`, a));
    seen.add(key);
  });
  const oc = podCIDRsOf(os);
  const nc = podCIDRsOf(ns);
  if (oc.length > 0) {
    const msg = 'node updates may not change podCIDR except from "" to valid';
    if (oc.length !== nc.length) errs.push(forbidden('spec.podCIDRs', msg));
    else oc.forEach((c, i) => c !== nc[i] && errs.push(forbidden('spec.podCIDRs', msg)));
  }
  if (str(os.providerID) && str(os.providerID) !== str(ns.providerID)) {
    errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  if (arr(ns.taints).length > 0) errs.push(...validateNodeTaints(arr(ns.taints), 'metadata.taints'));
  if (str(ns.externalID) !== str(os.externalID)) errs.push(forbidden('spec.externalID', 'may not be updated'));
  return errs;
}

// ---- PersistentVolume, PersistentVolumeClaim ----------------------------------------------------

const SUPPORTED_ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const SUPPORTED_VOLUME_MODES = ['Block', 'Filesystem'];
const SUPPORTED_RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];

function validateAccessModes(modes: Any[], path: string): Errs {
  const errs: Errs = [];
  let rwop = false;
  let other = false;
  for (const m of modes) {
    if (!SUPPORTED_ACCESS_MODES.includes(m)) errs.push(notSupported(path, m, SUPPORTED_ACCESS_MODES));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (SUPPORTED_ACCESS_MODES.includes(m)) other = true;
  }
  if (rwop && other) errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

const PV_SOURCES = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'glusterfs',
  'flocker',
  'nfs',
  'rbd',
  'quobyte',
  'cephfs',
  'iscsi',
  'cinder',
  'fc',
  'flexVolume',
  'azureFile',
  'vsphereVolume',
  'photonPersistentDisk',
  'portworxVolume',
  'azureDisk',
  'scaleIO',
  'local',
  'storageos',
  'csi',
] as const;

export function validatePersistentVolume(pv: unknown): Errs {
  const o = isObj(pv) ? pv : {};
  const spec = isObj(o.spec) ? o.spec : {};
  const errs: Errs = [];
  const modes = arr(spec.accessModes);
  if (modes.length === 0) errs.push(required('spec.accessModes'));
  errs.push(...validateAccessModes(modes, 'spec.accessModes'));
  const capacity = isObj(spec.capacity) ? spec.capacity : {};
  if (Object.keys(capacity).length === 0) errs.push(required('spec.capacity'));
  if (!('storage' in capacity) || Object.keys(capacity).length > 1) errs.push(notSupported('spec.capacity', capacity, ['storage']));
  for (const [r, v] of Object.entries(capacity)) {
    const p = `spec.capacity[${r}]`;
    const q = quantityOf(v, p, errs);
    if (!q) continue;
    errs.push(...validateBasicResource(q, p));
    errs.push(...validatePositiveQuantityValue(q, p));
  }
  if (str(spec.storageClassName)) errs.push(...validateDNS1123Subdomain(str(spec.storageClassName), 'spec.storageClassName'));
  if (has(spec.volumeMode) && !SUPPORTED_VOLUME_MODES.includes(spec.volumeMode)) errs.push(notSupported('spec.volumeMode', spec.volumeMode, SUPPORTED_VOLUME_MODES));
  if (str(spec.persistentVolumeReclaimPolicy) && !SUPPORTED_RECLAIM_POLICIES.includes(spec.persistentVolumeReclaimPolicy)) {
    errs.push(notSupported('spec.persistentVolumeReclaimPolicy', spec.persistentVolumeReclaimPolicy, SUPPORTED_RECLAIM_POLICIES));
  }
  let nodeAffinitySpecified = false;
  if (isObj(spec.nodeAffinity)) {
    if (isObj(spec.nodeAffinity.required)) {
      nodeAffinitySpecified = true;
      errs.push(...validateNodeSelector(spec.nodeAffinity.required, 'spec.nodeAffinity.required'));
    } else {
      errs.push(required('spec.nodeAffinity.required', 'must specify required node constraints'));
    }
  }
  let n = 0;
  for (const kind of PV_SOURCES) {
    if (!has(spec[kind])) continue;
    if (n > 0) {
      errs.push(forbidden(`spec.${kind}`, 'may not specify more than 1 volume type'));
      continue;
    }
    n++;
    const s = isObj(spec[kind]) ? spec[kind] : {};
    const p = `spec.${kind}`;
    if (kind === 'local') {
      if (!str(s.path)) errs.push(required(`${p}.path`));
      else errs.push(...validatePathNoBacksteps(str(s.path), `${p}.path`));
      if (!nodeAffinitySpecified) errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
    } else if (kind === 'csi') {
      if (!str(s.driver)) errs.push(required(`${p}.driver`));
      else errs.push(...validateCSIDriverName(str(s.driver), `${p}.driver`));
      if (!str(s.volumeHandle)) errs.push(required(`${p}.volumeHandle`));
    } else {
      errs.push(...validateVolumeSourceKind(kind, s, p));
    }
  }
  if (n === 0) errs.push(required('spec', 'must specify a volume type'));
  if (isObj(spec.hostPath) && str(spec.hostPath.path).replace(/\/+$/, '') === '' && str(spec.hostPath.path).startsWith('/') && spec.persistentVolumeReclaimPolicy === 'Recycle') {
    errs.push(forbidden('spec.persistentVolumeReclaimPolicy', "may not be 'recycle' for a hostPath mount of '/'"));
  }
  return errs;
}

const sourceOf = (spec: Record<string, Any>): Record<string, Any> => {
  const out: Record<string, Any> = {};
  for (const k of PV_SOURCES) if (has(spec[k])) out[k] = spec[k];
  return out;
};

export function validatePersistentVolumeUpdate(pv: unknown, old: unknown): Errs {
  const n = isObj(pv) ? pv : {};
  const o = isObj(old) ? old : {};
  const ns = isObj(n.spec) ? n.spec : {};
  const os = isObj(o.spec) ? o.spec : {};
  const errs: Errs = [];
  const nsrc = structuredClone(sourceOf(ns));
  const osrc = sourceOf(os);
  if (isObj(osrc.csi) && !has(osrc.csi.controllerExpandSecretRef) && isObj(nsrc.csi)) delete nsrc.csi.controllerExpandSecretRef;
  if (!semanticEqual(nsrc, osrc)) {
    errs.push(forbidden('spec.persistentvolumesource', `spec.persistentvolumesource is immutable after creation\n${specDiff(osrc, nsrc, 'core.PersistentVolumeSource')}`));
  }
  if (str(ns.volumeMode) !== str(os.volumeMode)) errs.push(immutable('volumeMode', ns.volumeMode ?? null));
  if (isObj(os.nodeAffinity) && !semanticEqual(ns.nodeAffinity, os.nodeAffinity)) errs.push(immutable('nodeAffinity', ns.nodeAffinity ?? null));
  return errs;
}

/** The claim spec rules shared by PVCs and ephemeral volume claim templates. */
export function validatePersistentVolumeClaimSpec(spec: Record<string, Any>, path: string): Errs {
  const errs: Errs = [];
  const modes = arr(spec.accessModes);
  if (modes.length === 0) errs.push(required(`${path}.accessModes`, 'at least 1 access mode is required'));
  if (isObj(spec.selector)) errs.push(...validateLabelSelector(spec.selector, `${path}.selector`));
  errs.push(...validateAccessModes(modes, `${path}.accessModes`));
  const requests = isObj(spec.resources) && isObj(spec.resources.requests) ? spec.resources.requests : {};
  const sp = `${path}.resources[storage]`;
  if (!('storage' in requests)) errs.push(required(sp));
  else {
    const q = quantityOf(requests.storage, sp, errs);
    if (q) {
      const pe = validatePositiveQuantityValue(q, sp);
      if (pe.length) errs.push(...pe);
      else errs.push(...validateResourceQuantityValue('storage', q, sp));
    }
  }
  if (str(spec.storageClassName)) errs.push(...validateDNS1123Subdomain(str(spec.storageClassName), `${path}.storageClassName`));
  if (has(spec.volumeMode) && !SUPPORTED_VOLUME_MODES.includes(spec.volumeMode)) errs.push(notSupported(`${path}.volumeMode`, spec.volumeMode, SUPPORTED_VOLUME_MODES));
  for (const f of ['dataSource', 'dataSourceRef']) {
    if (!isObj(spec[f])) continue;
    if (!str(spec[f].name)) errs.push(required(`${path}.${f}.name`));
    if (!str(spec[f].kind)) errs.push(required(`${path}.${f}.kind`));
    if (!str(spec[f].apiGroup) && spec[f].kind !== 'PersistentVolumeClaim' && str(spec[f].kind)) {
      errs.push(invalid(`${path}.${f}.kind`, spec[f].kind, 'must be \'PersistentVolumeClaim\' when referencing the default apiGroup'));
    }
  }
  return errs;
}

export function validatePersistentVolumeClaim(pvc: unknown): Errs {
  const o = isObj(pvc) ? pvc : {};
  return validatePersistentVolumeClaimSpec(isObj(o.spec) ? o.spec : {}, 'spec');
}

export function validatePersistentVolumeClaimUpdate(pvc: unknown, old: unknown): Errs {
  const n = isObj(pvc) ? pvc : {};
  const o = isObj(old) ? old : {};
  const ns = isObj(n.spec) ? n.spec : {};
  const os = isObj(o.spec) ? o.spec : {};
  const errs: Errs = [];
  const nClone: Record<string, Any> = structuredClone(ns);
  const oClone: Record<string, Any> = structuredClone(os);
  if (!str(os.volumeName)) oClone.volumeName = nClone.volumeName;
  const scKey = 'volume.beta.kubernetes.io/storage-class';
  const nAnn = isObj(n.metadata) && isObj(n.metadata.annotations) ? n.metadata.annotations : {};
  const oAnn = isObj(o.metadata) && isObj(o.metadata.annotations) ? o.metadata.annotations : {};
  const upgradeFromAnnotation = scKey in oAnn && !has(os.storageClassName) && has(ns.storageClassName) && str(ns.storageClassName) === str(oAnn[scKey]);
  if (upgradeFromAnnotation) delete nClone.storageClassName;
  else if (str(nAnn[scKey]) !== str(oAnn[scKey])) errs.push(immutable(`metadata.annotations[${scKey}]`, str(nAnn[scKey])));
  const phase = isObj(n.status) ? str(n.status.phase) : '';
  if (phase === 'Bound' && isObj(nClone.resources) && isObj(nClone.resources.requests)) {
    const oldStorage = isObj(os.resources) && isObj(os.resources.requests) ? os.resources.requests.storage : undefined;
    if (oldStorage === undefined) delete nClone.resources.requests.storage;
    else nClone.resources.requests.storage = oldStorage;
  }
  if (!semanticEqual(nClone, oClone)) {
    errs.push(forbidden('spec', `spec is immutable after creation except resources.requests for bound claims\n${specDiff(oClone, nClone, 'core.PersistentVolumeClaimSpec')}`));
  }
  const newSize = isObj(ns.resources) && isObj(ns.resources.requests) ? ns.resources.requests.storage : undefined;
  const oldSize = isObj(os.resources) && isObj(os.resources.requests) ? os.resources.requests.storage : undefined;
  const nq = has(newSize) ? quantityOf(newSize, 'spec.resources.requests.storage', []) : Quantity.fromValue(0);
  const oq = has(oldSize) ? quantityOf(oldSize, 'spec.resources.requests.storage', []) : Quantity.fromValue(0);
  if (nq && oq && nq.cmp(oq) < 0) errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
  if (str(ns.volumeMode) !== str(os.volumeMode)) errs.push(immutable('volumeMode', ns.volumeMode ?? null));
  return errs;
}

export function validatePersistentVolumeClaimStatusUpdate(pvc: unknown): Errs {
  const n = isObj(pvc) ? pvc : {};
  const spec = isObj(n.spec) ? n.spec : {};
  const st = isObj(n.status) ? n.status : {};
  const errs: Errs = [];
  if (arr(spec.accessModes).length === 0) errs.push(required('Spec.accessModes'));
  for (const [r, v] of entries(st.capacity)) {
    const p = `status.capacity[${r}]`;
    const q = quantityOf(v, p, errs);
    if (q) errs.push(...validateBasicResource(q, p));
  }
  return errs;
}

// ---- LimitRange ---------------------------------------------------------------------------------

const STANDARD_LIMIT_TYPES = new Set(['Pod', 'Container', 'PersistentVolumeClaim']);

function validateLimitRangeResourceName(limitType: string, name: string, path: string): Errs {
  return limitType === 'Pod' || limitType === 'Container' ? validateContainerResourceName(name, path) : validateResourceName(name, path);
}

export function validateLimitRange(lr: unknown): Errs {
  const o = isObj(lr) ? lr : {};
  const spec = isObj(o.spec) ? o.spec : {};
  const errs: Errs = [];
  const types = new Set<string>();
  arr(spec.limits).forEach((item, i) => {
    const l = isObj(item) ? item : {};
    const ip = `spec.limits[${i}]`;
    const type = str(l.type);
    errs.push(...isQualifiedName(type).map((m) => invalid(`${ip}.type`, type, m)));
    if (!type.includes('/') && !STANDARD_LIMIT_TYPES.has(type)) errs.push(invalid(`${ip}.type`, type, 'must be a standard limit type or fully qualified'));
    if (types.has(type)) errs.push(duplicate(`${ip}.type`, type));
    types.add(type);
    const keys = new Set<string>();
    const collect = (field: string): Map<string, Quantity> => {
      const out = new Map<string, Quantity>();
      for (const [k, v] of entries(l[field])) {
        const p = `${ip}.${field}[${k}]`;
        errs.push(...validateLimitRangeResourceName(type, k, p));
        keys.add(k);
        const q = quantityOf(v, p, errs);
        if (q) out.set(k, q);
      }
      return out;
    };
    const max = collect('max');
    const min = collect('min');
    let defaults = new Map<string, Quantity>();
    let defaultRequests = new Map<string, Quantity>();
    if (type === 'Pod') {
      if (entries(l.default).length > 0) errs.push(forbidden(`${ip}.default`, "may not be specified when `type` is 'Pod'"));
      if (entries(l.defaultRequest).length > 0) errs.push(forbidden(`${ip}.defaultRequest`, "may not be specified when `type` is 'Pod'"));
    } else {
      defaults = collect('default');
      defaultRequests = collect('defaultRequest');
    }
    if (type === 'PersistentVolumeClaim' && !min.has('storage') && !max.has('storage')) {
      errs.push(required(`${ip}.limits`, 'either minimum or maximum storage value is required, but neither was provided'));
    }
    const ratios = collect('maxLimitRequestRatio');
    for (const k of keys) {
      const mn = min.get(k);
      const mx = max.get(k);
      const df = defaults.get(k);
      const dr = defaultRequests.get(k);
      const ratio = ratios.get(k);
      if (mn && mx && mn.cmp(mx) > 0) errs.push(invalid(`${ip}.min[${k}]`, mn.toString(), `min value ${mn} is greater than max value ${mx}`));
      if (dr && mn && mn.cmp(dr) > 0) errs.push(invalid(`${ip}.defaultRequest[${k}]`, dr.toString(), `min value ${mn} is greater than default request value ${dr}`));
      if (dr && mx && dr.cmp(mx) > 0) errs.push(invalid(`${ip}.defaultRequest[${k}]`, dr.toString(), `default request value ${dr} is greater than max value ${mx}`));
      if (dr && df && dr.cmp(df) > 0) errs.push(invalid(`${ip}.defaultRequest[${k}]`, dr.toString(), `default request value ${dr} is greater than default limit value ${df}`));
      if (df && mn && mn.cmp(df) > 0) errs.push(invalid(`${ip}.default[${k}]`, mn.toString(), `min value ${mn} is greater than default value ${df}`));
      if (df && mx && df.cmp(mx) > 0) errs.push(invalid(`${ip}.default[${k}]`, mx.toString(), `default value ${df} is greater than max value ${mx}`));
      if (ratio && ratio.cmp(Quantity.fromValue(1)) < 0) errs.push(invalid(`${ip}.maxLimitRequestRatio[${k}]`, ratio.toString(), `ratio ${ratio} is less than 1`));
      if (ratio && mn && mx) {
        const limit = Number(mx.milliValueBig()) / Number(mn.milliValueBig());
        const r = Number(ratio.milliValueBig()) / 1000;
        if (r > limit) errs.push(invalid(`${ip}.maxLimitRequestRatio[${k}]`, ratio.toString(), `ratio ${ratio} is greater than max/min = ${limit.toFixed(6)}`));
      }
      if (!isOvercommitAllowed(k) && df && dr && df.cmp(dr) !== 0) {
        errs.push(invalid(`${ip}.defaultRequest[${k}]`, dr.toString(), `default value ${df} must equal to defaultRequest value ${dr} in ${k}`));
      }
    }
  });
  return errs;
}

// ---- ResourceQuota ------------------------------------------------------------------------------

const STANDARD_QUOTA_SCOPES = new Set(['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity']);
/** Resources a scope may constrain (upstream's IsResourceQuotaScopeValidForResource). */
function scopeValidForResource(scope: string, resource: string): boolean {
  const podObjectCount = resource === 'pods' || resource === 'count/pods';
  const podCompute = ['cpu', 'memory', 'limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory'].includes(resource);
  switch (scope) {
    case 'BestEffort':
      return podObjectCount;
    case 'Terminating':
    case 'NotTerminating':
    case 'NotBestEffort':
    case 'PriorityClass':
    case 'CrossNamespacePodAffinity':
      return podObjectCount || podCompute;
    default:
      return true;
  }
}

function validateQuotaResources(list: unknown, path: string): Errs {
  const errs: Errs = [];
  for (const [k, v] of entries(list)) {
    const p = `${path}[${k}]`;
    errs.push(...validateResourceName(k, p));
    if (!k.includes('/') && !isStandardQuotaResourceName(k)) errs.push(invalid(p, k, 'must be a standard resource for quota'));
    const q = quantityOf(v, p, errs);
    if (q) errs.push(...validateResourceQuantityValue(k, q, p));
  }
  return errs;
}

export function validateResourceQuota(rq: unknown): Errs {
  const o = isObj(rq) ? rq : {};
  const spec = isObj(o.spec) ? o.spec : {};
  const st = isObj(o.status) ? o.status : {};
  const errs: Errs = [];
  errs.push(...validateQuotaResources(spec.hard, 'spec.hard'));
  const scopes = arr(spec.scopes).map(str);
  if (scopes.length > 0) {
    const hard = Object.keys(isObj(spec.hard) ? spec.hard : {}).sort();
    for (const scope of scopes) {
      if (!STANDARD_QUOTA_SCOPES.has(scope)) errs.push(invalid('spec.scopes', scopes, 'unsupported scope'));
      for (const k of hard) {
        if (isStandardQuotaResourceName(k) && !scopeValidForResource(scope, k)) errs.push(invalid('spec.scopes', scopes, 'unsupported scope applied to resource'));
      }
    }
    const set = new Set(scopes);
    if ((set.has('BestEffort') && set.has('NotBestEffort')) || (set.has('Terminating') && set.has('NotTerminating'))) {
      errs.push(invalid('spec.scopes', scopes, 'conflicting scopes'));
    }
  }
  if (isObj(spec.scopeSelector)) {
    arr(spec.scopeSelector.matchExpressions).forEach((e, i) => {
      const r = isObj(e) ? e : {};
      const p = `spec.scopeSelector.matchExpressions[${i}]`;
      if (!STANDARD_QUOTA_SCOPES.has(str(r.scopeName))) errs.push(invalid(`${p}.scopeName`, str(r.scopeName), 'unsupported scope'));
      const values = arr(r.values);
      switch (r.operator) {
        case 'In':
        case 'NotIn':
          if (values.length === 0) errs.push(required(`${p}.values`, "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
          break;
        case 'Exists':
        case 'DoesNotExist':
          if (values.length !== 0) errs.push(invalid(`${p}.values`, values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
          break;
        default:
          errs.push(invalid(`${p}.operator`, str(r.operator), 'not a valid selector operator'));
      }
    });
  }
  errs.push(...validateQuotaResources(st.hard, 'status.hard'));
  errs.push(...validateQuotaResources(st.used, 'status.used'));
  return errs;
}

export function validateResourceQuotaUpdate(rq: unknown, old: unknown): Errs {
  const n = isObj(rq) && isObj(rq.spec) ? rq.spec : {};
  const o = isObj(old) && isObj(old.spec) ? old.spec : {};
  const ns = new Set(arr(n.scopes).map(str));
  const os = new Set(arr(o.scopes).map(str));
  if (ns.size !== os.size || [...ns].some((s) => !os.has(s))) return [invalid('spec.scopes', arr(n.scopes), FIELD_IMMUTABLE_ERROR_MSG)];
  return [];
}
