/**
 * File payloads of the projecting plugins (configMap, secret, downwardAPI), as upstream's
 * MakePayload / CollectData build them. Pure functions of the API objects.
 */
import type { Container, DownwardAPIVolumeFile, KeyToPath, ResourceFieldSelector } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../../machinery/quantity.js';
import type { ConfigMap, Pod, Secret } from '../types.js';
import type { Payload } from './atomicwriter.js';
import { extractMetadataField, formatMap, goQuote } from '../container/fieldpath.js';

export const DEFAULT_MODE = 0o644;

/** Payload of a configMap (or projected configMap source); `cm` undefined = optional and missing. */
export function configMapPayload(cm: ConfigMap | undefined, items: KeyToPath[] | undefined, defaultMode: number, optional: boolean): Payload {
  const text = cm?.data ?? {};
  const binary = cm?.binaryData ?? {};
  const lookup = (k: string): Buffer | undefined =>
    k in text ? Buffer.from(text[k]!, 'utf8') : k in binary ? Buffer.from(binary[k]!, 'base64') : undefined;
  return keyPayload(Object.keys(text).concat(Object.keys(binary)), lookup, items, defaultMode, optional, (k) => `configmap references non-existent config key: ${k}`);
}

/** Payload of a secret (values are base64 in the API object). */
export function secretPayload(secret: Secret | undefined, items: KeyToPath[] | undefined, defaultMode: number, optional: boolean): Payload {
  const data = secret?.data ?? {};
  const lookup = (k: string): Buffer | undefined => (k in data ? Buffer.from(data[k]!, 'base64') : undefined);
  return keyPayload(Object.keys(data), lookup, items, defaultMode, optional, (k) => `references non-existent secret key: ${k}`);
}

function keyPayload(
  keys: string[],
  lookup: (k: string) => Buffer | undefined,
  items: KeyToPath[] | undefined,
  defaultMode: number,
  optional: boolean,
  missing: (k: string) => string,
): Payload {
  const out: Payload = new Map();
  if (!items || items.length === 0) {
    for (const k of keys) out.set(k, { data: lookup(k)!, mode: defaultMode });
    return out;
  }
  for (const it of items) {
    const data = lookup(it.key);
    if (data === undefined) {
      if (optional) continue;
      throw new Error(missing(it.key));
    }
    out.set(it.path, { data, mode: it.mode ?? defaultMode });
  }
  return out;
}

export { goQuote, formatMap };

/** Upstream's fieldpath.ExtractFieldPathAsString for a pod (the fields downwardAPI volumes accept). */
export const podFieldValue = (pod: Pod, fieldPath: string): string => extractMetadataField(pod, fieldPath);

function findContainer(pod: Pod, name: string | undefined): Container {
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const c = all.find((x) => x.name === name);
  if (!c) throw new Error(`container ${name ?? ''} not found`);
  return c;
}

const ceilDiv = (a: bigint, b: bigint): bigint => {
  if (b === 0n) throw new Error('division by zero divisor');
  const q = a / b;
  return q * b === a || a < 0n !== b < 0n ? q : q + 1n;
};

/**
 * Upstream's ExtractResourceValueByContainerNameAndNodeAllocatable: the container's request or limit
 * divided by the divisor (rounded up), a missing limit of cpu, memory or ephemeral-storage taken from
 * the node's allocatable.
 */
export function containerResourceValue(pod: Pod, sel: ResourceFieldSelector, allocatable: Record<string, string> | undefined): string {
  const c = findContainer(pod, sel.containerName);
  const dot = sel.resource.indexOf('.');
  const kind = sel.resource.slice(0, dot);
  const name = sel.resource.slice(dot + 1);
  const known = name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || name.startsWith('hugepages-');
  if ((kind !== 'limits' && kind !== 'requests') || !known) throw new Error(`unsupported container resource : ${sel.resource}`);
  let raw = kind === 'limits' ? c.resources?.limits?.[name] : c.resources?.requests?.[name];
  if (kind === 'limits' && (name === 'cpu' || name === 'memory' || name === 'ephemeral-storage') && (raw === undefined || parseQuantity(raw).isZero())) {
    raw = allocatable?.[name];
  }
  const q = parseQuantity(raw ?? '0');
  const div = sel.divisor === undefined || parseQuantity(sel.divisor).isZero() ? parseQuantity('1') : parseQuantity(sel.divisor);
  return name === 'cpu' ? ceilDiv(q.milliValueBig(), div.milliValueBig()).toString() : ceilDiv(q.valueBig(), div.valueBig()).toString();
}

/** True when some item needs the node's allocatable (a limits.* item whose container sets no such limit). */
export function needsAllocatable(pod: Pod, items: DownwardAPIVolumeFile[] | undefined): boolean {
  return (items ?? []).some((it) => {
    const r = it.resourceFieldRef;
    if (!r || !r.resource.startsWith('limits.')) return false;
    const c = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === r.containerName);
    const v = c?.resources?.limits?.[r.resource.slice('limits.'.length)];
    return v === undefined || parseQuantity(v).isZero();
  });
}

/** Payload of a downwardAPI volume (or projected downwardAPI source). Throws the first extraction error. */
export function downwardAPIPayload(pod: Pod, items: DownwardAPIVolumeFile[] | undefined, defaultMode: number, allocatable: Record<string, string> | undefined): Payload {
  const out: Payload = new Map();
  for (const it of items ?? []) {
    let value = '';
    if (it.fieldRef) value = podFieldValue(pod, it.fieldRef.fieldPath);
    else if (it.resourceFieldRef) value = containerResourceValue(pod, it.resourceFieldRef, allocatable);
    out.set(it.path, { data: Buffer.from(value, 'utf8'), mode: it.mode ?? defaultMode });
  }
  return out;
}
