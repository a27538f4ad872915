/**
 * Small object-identity and time helpers shared by every layer.
 *
 * - Keys: `ns/name` for namespaced objects, `name` for cluster-scoped ones (client-go's
 *   MetaNamespaceKeyFunc / SplitMetaNamespaceKey).
 * - API versions: `apps/v1` ↔ {group: 'apps', version: 'v1'}, `v1` ↔ {group: '', version: 'v1'}.
 * - Times: metav1.Time serializes as RFC 3339 in UTC with second precision
 *   (`2006-01-02T15:04:05Z`); metav1.MicroTime with exactly 6 fractional digits
 *   (`2006-01-02T15:04:05.000000Z`).
 */
import { randomUUID } from 'node:crypto';

export interface GroupVersion {
  group: string;
  version: string;
}

export interface GroupKind {
  group: string;
  kind: string;
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

/** `ns/name`, or `name` when the namespace is empty. */
export function namespacedKey(namespace: string | undefined | null, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Key of an object from its metadata. */
export function keyOf(obj: { metadata?: { namespace?: string; name?: string } | null }): string {
  return namespacedKey(obj.metadata?.namespace, obj.metadata?.name ?? '');
}

/** Inverse of namespacedKey. Throws Error `unexpected key format: "a/b/c"` for more than one `/`. */
export function splitKey(key: string): { namespace: string; name: string } {
  const parts = key.split('/');
  if (parts.length === 1) return { namespace: '', name: parts[0]! };
  if (parts.length === 2) return { namespace: parts[0]!, name: parts[1]! };
  throw new Error(`unexpected key format: ${JSON.stringify(key)}`);
}

/** schema.ParseGroupVersion: "" → {"", ""}, "v1" → core, "apps/v1" → apps. Throws on more slashes. */
export function parseApiVersion(apiVersion: string): GroupVersion {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: parts[0]! };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  throw new Error(`unexpected GroupVersion string: ${apiVersion}`);
}

/** `apps/v1`, or `v1` for the core group. */
export function formatApiVersion(gv: GroupVersion): string {
  return gv.group ? `${gv.group}/${gv.version}` : gv.version;
}

/** The GVK of an object from its apiVersion and kind. */
export function gvkOf(obj: { apiVersion?: string; kind?: string }): GroupVersionKind {
  const gv = parseApiVersion(obj.apiVersion ?? '');
  return { ...gv, kind: obj.kind ?? '' };
}

/** schema.GroupVersionKind.String(): `apps/v1, Kind=Deployment` (`/v1, Kind=Pod` for core). */
export function gvkString(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}, Kind=${gvk.kind}`;
}

/** schema.GroupVersionResource.String(): `apps/v1, Resource=deployments`. */
export function gvrString(gvr: GroupVersionResource): string {
  return `${gvr.group}/${gvr.version}, Resource=${gvr.resource}`;
}

/** schema.GroupKind.String(): `Deployment.apps`, or `Pod` for core. */
export function groupKindString(gk: GroupKind): string {
  return gk.group ? `${gk.kind}.${gk.group}` : gk.kind;
}

/** A new object UID (RFC 4122 v4). */
export function newUid(): string {
  return randomUUID();
}

/** metav1.Time form: RFC 3339, UTC, whole seconds (`2006-01-02T15:04:05Z`). */
export function formatRfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The current time as metav1.Time serializes it. */
export function nowRfc3339(): string {
  return formatRfc3339(new Date());
}

/**
 * metav1.MicroTime form: RFC 3339, UTC, 6 fractional digits. `micros` (0–999) adds the
 * sub-millisecond part when the caller has it.
 */
export function formatMicroTime(d: Date = new Date(), micros = 0): string {
  const us = String(Math.max(0, Math.min(999, Math.trunc(micros)))).padStart(3, '0');
  return d.toISOString().replace(/\.(\d{3})Z$/, `.$1${us}Z`);
}

/** The current time as metav1.MicroTime serializes it. */
export function nowMicroTime(): string {
  return formatMicroTime(new Date());
}

const RFC3339_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 timestamp (as metav1.Time / MicroTime accept); undefined when malformed. */
export function parseRfc3339(s: string): Date | undefined {
  if (!RFC3339_RE.test(s)) return undefined;
  const t = Date.parse(s.toUpperCase());
  return Number.isNaN(t) ? undefined : new Date(t);
}
