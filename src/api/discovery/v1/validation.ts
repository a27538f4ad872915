/**
 * EndpointSlice validation, as upstream's pkg/apis/discovery/validation. Object-meta checks are the
 * registry's. Pure.
 */
import type { FieldError } from '../../../machinery/fielderrors.js';
import { duplicate, immutable, invalid, notSupported, required, tooMany } from '../../../machinery/fielderrors.js';
import { validateLabels } from '../../../machinery/objectmeta.js';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidIPv4Address,
  isValidIPv6Address,
  isValidLabelValue,
  parseIP,
} from '../../../machinery/validation.js';
import type { KubeObject } from '../../types.js';
import { isObj, isSet, objOf } from '../../apps/v1/helpers.js';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_TOPOLOGY_LABELS = 16;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;
const MAX_ENDPOINTS = 1000;
const MAX_ZONE_HINTS = 8;
const ZONE_LABEL = 'topology.kubernetes.io/zone';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** 16-byte form of a parsed address (IPv4 as IPv4-mapped IPv6), as Go's net.IP holds it. */
function to16(b: number[]): number[] {
  return b.length === 4 ? [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...b] : b;
}

/** Upstream's ValidateEndpointIP: no unspecified, loopback or link-local addresses. */
export function validateEndpointIP(ip: string, path: string): FieldError[] {
  const parsed = parseIP(ip);
  if (!parsed) return [invalid(path, ip, 'must be a valid IP address')];
  const b = to16(parsed);
  const v4 = b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  const errs: FieldError[] = [];
  const unspecified = v4 ? b.slice(12).every((x) => x === 0) : b.every((x) => x === 0);
  if (unspecified) errs.push(invalid(path, ip, `may not be unspecified (${ip})`));
  const loopback = v4 ? b[12] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
  if (loopback) errs.push(invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  const linkLocalUnicast = v4 ? b[12] === 169 && b[13] === 254 : b[0] === 0xfe && (b[1]! & 0xc0) === 0x80;
  if (linkLocalUnicast) errs.push(invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  const linkLocalMulticast = v4 ? b[12] === 224 && b[13] === 0 && b[14] === 0 : b[0] === 0xff && (b[1]! & 0x0f) === 0x02;
  if (linkLocalMulticast) errs.push(invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}

/** apimachinery's IsFullyQualifiedDomainName (at least two labels, optional trailing dot). */
export function isFullyQualifiedDomainName(path: string, name: string): FieldError[] {
  if (name.length === 0) return [required(path)];
  if (name.endsWith('.')) name = name.slice(0, -1);
  const sub = isDNS1123Subdomain(name);
  if (sub.length > 0) return [invalid(path, name, sub.join(','))];
  const labels = name.split('.');
  if (labels.length < 2) return [invalid(path, name, 'should be a domain with at least two segments separated by dots')];
  for (const label of labels) {
    const errs = isDNS1123Label(label);
    if (errs.length > 0) return [invalid(path, label, errs.join(','))];
  }
  return [];
}

function validateHints(hints: Record<string, unknown>, path: string): FieldError[] {
  const zones: unknown[] = Array.isArray(hints['forZones']) ? hints['forZones'] : [];
  const fz = `${path}.forZones`;
  if (zones.length > MAX_ZONE_HINTS) return [tooMany(fz, zones.length, MAX_ZONE_HINTS)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  zones.forEach((z, i) => {
    const name = str(objOf(z)?.['name']);
    const zp = `${fz}[${i}].name`;
    if (seen.has(name)) errs.push(duplicate(zp, name));
    else seen.add(name);
    for (const msg of isValidLabelValue(name)) errs.push(invalid(zp, name, msg));
  });
  return errs;
}

function validateEndpoints(endpoints: unknown[], addressType: string): FieldError[] {
  if (endpoints.length > MAX_ENDPOINTS) return [tooMany('endpoints', endpoints.length, MAX_ENDPOINTS)];
  const errs: FieldError[] = [];
  endpoints.forEach((e, i) => {
    const ep = objOf(e) ?? {};
    const idx = `endpoints[${i}]`;
    const ap = `${idx}.addresses`;
    const addresses: unknown[] = Array.isArray(ep['addresses']) ? ep['addresses'] : [];
    if (addresses.length === 0) errs.push(required(ap, 'must contain at least 1 address'));
    else if (addresses.length > MAX_ADDRESSES) errs.push(tooMany(ap, addresses.length, MAX_ADDRESSES));
    addresses.forEach((a, j) => {
      const addr = str(a);
      const p = `${ap}[${j}]`;
      switch (addressType) {
        case 'IPv4':
          for (const msg of isValidIPv4Address(addr)) errs.push(invalid(p, addr, msg));
          errs.push(...validateEndpointIP(addr, p));
          break;
        case 'IPv6':
          for (const msg of isValidIPv6Address(addr)) errs.push(invalid(p, addr, msg));
          errs.push(...validateEndpointIP(addr, p));
          break;
        case 'FQDN':
          errs.push(...isFullyQualifiedDomainName(p, addr));
          break;
      }
    });
    if (isSet(ep['nodeName'])) {
      const nn = str(ep['nodeName']);
      for (const msg of isDNS1123Subdomain(nn)) errs.push(invalid(`${idx}.nodeName`, nn, msg));
    }
    const tp = `${idx}.deprecatedTopology`;
    const topology = objOf(ep['deprecatedTopology']);
    if (topology) {
      if (Object.keys(topology).length > MAX_TOPOLOGY_LABELS) errs.push(tooMany(tp, Object.keys(topology).length, MAX_TOPOLOGY_LABELS));
      errs.push(...validateLabels(topology as Record<string, string>, tp));
      if (ZONE_LABEL in topology) {
        errs.push({ type: 'InternalError', field: `${tp}[${ZONE_LABEL}]`, detail: 'reserved key was not removed in conversion' });
      }
    }
    if (isSet(ep['hostname'])) {
      const h = str(ep['hostname']);
      for (const msg of isDNS1123Label(h)) errs.push(invalid(`${idx}.hostname`, h, msg));
    }
    if (isObj(ep['hints'])) errs.push(...validateHints(ep['hints'], `${idx}.hints`));
  });
  return errs;
}

function validatePorts(ports: unknown[]): FieldError[] {
  if (ports.length > MAX_PORTS) return [tooMany('ports', ports.length, MAX_PORTS)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const port = objOf(p) ?? {};
    const idx = `ports[${i}]`;
    const name = str(port['name']);
    if (name.length > 0) for (const msg of isDNS1123Label(name)) errs.push(invalid(`${idx}.name`, name, msg));
    if (names.has(name)) errs.push(duplicate(`${idx}.name`, name));
    else names.add(name);
    const protocol = port['protocol'];
    if (!isSet(protocol)) errs.push(required(`${idx}.protocol`));
    else if (!PORT_PROTOCOLS.includes(protocol as string)) errs.push(notSupported(`${idx}.protocol`, protocol, PORT_PROTOCOLS));
    if (isSet(port['appProtocol'])) {
      const ap = str(port['appProtocol']);
      for (const msg of isQualifiedName(ap)) errs.push(invalid(`${idx}.appProtocol`, ap, msg));
    }
  });
  return errs;
}

export function validateEndpointSlice(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const at = obj['addressType'];
  if (!isSet(at) || at === '') errs.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(at as string)) errs.push(notSupported('addressType', at, ADDRESS_TYPES));
  errs.push(...validateEndpoints(Array.isArray(obj['endpoints']) ? obj['endpoints'] : [], str(at)));
  errs.push(...validatePorts(Array.isArray(obj['ports']) ? obj['ports'] : []));
  return errs;
}

export function validateEndpointSliceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return obj['addressType'] === old['addressType'] ? [] : [immutable('addressType', obj['addressType'] ?? '')];
}
