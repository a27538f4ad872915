/**
 * Downward API object fields (upstream pkg/fieldpath and pkg/apis/core/pods
 * ConvertDownwardAPIFieldLabel). Shared by container env (`valueFrom.fieldRef`) and the
 * downwardAPI volume.
 *
 * Contract: every function is pure; failures throw `Error` with upstream's message text.
 */
import { ipFamilyOf, isQualifiedName } from '../../machinery/validation.js';
import type { Pod } from '../types.js';
import { DOWNWARD_API_LABELS } from '../../api/core/v1/validation.js';

/** Splits `metadata.labels['key']` into path and subscript (upstream SplitMaybeSubscriptedPath). */
export function splitSubscriptedPath(fieldPath: string): { path: string; subscript?: string } {
  if (!fieldPath.endsWith("']")) return { path: fieldPath };
  const s = fieldPath.slice(0, -2);
  const i = s.indexOf("['");
  if (i <= 0) return { path: fieldPath };
  return { path: s.slice(0, i), subscript: s.slice(i + 2) };
}


/**
 * Checks a pod field selector and returns its internal path (`spec.host` becomes `spec.nodeName`).
 * `apiVersion` empty means v1 (the API server defaults it).
 */
export function convertPodFieldLabel(apiVersion: string | undefined, label: string): string {
  const version = apiVersion || 'v1';
  if (version !== 'v1') throw new Error(`unsupported pod version: ${version}`);
  const { path, subscript } = splitSubscriptedPath(label);
  if (subscript !== undefined) {
    if (path === 'metadata.annotations' || path === 'metadata.labels') return label;
    throw new Error(`field label does not support subscript: ${label}`);
  }
  if (DOWNWARD_API_LABELS.has(label)) return label;
  if (label === 'spec.host') return 'spec.nodeName';
  throw new Error(`field label not supported: ${label}`);
}

/** Go's strconv.Quote (the `%q` verb) for the strings found in labels and annotations. */
export function goQuote(s: string): string {
  const named: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '"': '\\"', '\\': '\\\\' };
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (named[ch]) out += named[ch];
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    // Not printable for Go (C1 controls, soft hyphen, zero-width and line/paragraph separators, BOM).
    else if ((c >= 0x80 && c < 0xa0) || c === 0xad || (c >= 0x200b && c <= 0x200f) || c === 0x2028 || c === 0x2029 || c === 0xfeff) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return out + '"';
}

/** `k="v"` lines sorted by key, joined by newlines (upstream FormatMap). */
export function formatMap(m: Readonly<Record<string, string>> | undefined): string {
  if (!m) return '';
  return Object.keys(m)
    .sort()
    .map((k) => `${k}=${goQuote(m[k] ?? '')}`)
    .join('\n');
}

/** Metadata fields of an object (upstream ExtractFieldPathAsString) for an internal field path. */
export function extractMetadataField(pod: Pod, fieldPath: string): string {
  const meta = pod.metadata ?? {};
  const { path, subscript } = splitSubscriptedPath(fieldPath);
  if (subscript !== undefined) {
    if (path === 'metadata.annotations') {
      const errs = isQualifiedName(subscript.toLowerCase());
      if (errs.length) throw new Error(`invalid key subscript in ${fieldPath}: ${errs.join(';')}`);
      return meta.annotations?.[subscript] ?? '';
    }
    if (path === 'metadata.labels') {
      const errs = isQualifiedName(subscript);
      if (errs.length) throw new Error(`invalid key subscript in ${fieldPath}: ${errs.join(';')}`);
      return meta.labels?.[subscript] ?? '';
    }
    throw new Error(`fieldPath ${goQuote(fieldPath)} does not support subscript`);
  }
  switch (fieldPath) {
    case 'metadata.annotations':
      return formatMap(meta.annotations);
    case 'metadata.labels':
      return formatMap(meta.labels);
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
  }
  throw new Error(`unsupported fieldPath: ${fieldPath}`);
}

/**
 * At most one IP of each family, the node's primary family first (upstream sortPodIPs):
 * IPv4 first unless the node's first IP is IPv6.
 */
export function sortPodIPs(podIPs: readonly string[], nodeIPs: readonly string[]): string[] {
  const v6First = nodeIPs.length > 0 && ipFamilyOf(nodeIPs[0]!) === 6;
  const families: (4 | 6)[] = v6First ? [6, 4] : [4, 6];
  const out: string[] = [];
  for (const fam of families) {
    const ip = podIPs.find((x) => ipFamilyOf(x) === fam);
    if (ip !== undefined) out.push(ip);
  }
  return out;
}

export interface PodFieldContext {
  /** The node's IPs, primary first (status.hostIP is the first). */
  hostIPs: readonly string[];
  podIPs: readonly string[];
}

/**
 * The value of a pod field selector for env vars (upstream podFieldSelectorRuntimeValue).
 * `spec.restartPolicy`, `spec.schedulerName` and `status.phase` pass the label check but are
 * rejected here, as upstream does.
 */
export function podFieldValue(
  pod: Pod,
  ref: { apiVersion?: string; fieldPath: string },
  ctx: PodFieldContext,
): string {
  const path = convertPodFieldLabel(ref.apiVersion, ref.fieldPath);
  const podIPs = sortPodIPs(ctx.podIPs, ctx.hostIPs);
  switch (path) {
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      if (ctx.hostIPs.length === 0) throw new Error('host IP unknown; known addresses: []');
      return ctx.hostIPs[0]!;
    case 'status.hostIPs':
      if (ctx.hostIPs.length === 0) throw new Error('host IP unknown; known addresses: []');
      return ctx.hostIPs.join(',');
    case 'status.podIP':
      return podIPs[0] ?? '';
    case 'status.podIPs':
      return podIPs.join(',');
  }
  return extractMetadataField(pod, path);
}
