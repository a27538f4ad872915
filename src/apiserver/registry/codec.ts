/**
 * How objects sit in the store: JSON bytes without metadata.resourceVersion, which is derived
 * from the key's modRevision on every read (so it always equals the store revision).
 */
import type { KubeObject } from '../../api/types.js';
import type { KeyValue } from '../../storage/store.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

export function encodeObject(obj: KubeObject): Uint8Array {
  const rv = obj.metadata?.resourceVersion;
  if (rv !== undefined && obj.metadata) {
    delete obj.metadata.resourceVersion;
    const bytes = enc.encode(JSON.stringify(obj));
    obj.metadata.resourceVersion = rv;
    return bytes;
  }
  return enc.encode(JSON.stringify(obj));
}

/** Decodes a stored value and stamps resourceVersion = modRevision. */
export function decodeObject(kv: KeyValue): KubeObject {
  const obj = JSON.parse(dec.decode(kv.value)) as KubeObject;
  obj.metadata ??= {};
  obj.metadata.resourceVersion = String(kv.modRevision);
  return obj;
}

/** Storage key prefix of a resource: `/registry/pods/` or `/registry/apps/deployments/`. */
export function resourcePrefix(group: string, resource: string): string {
  return group ? `/registry/${group}/${resource}/` : `/registry/${resource}/`;
}

export function objectKey(prefix: string, namespace: string | undefined, name: string): string {
  return namespace ? `${prefix}${namespace}/${name}` : `${prefix}${name}`;
}

export function namespacePrefix(prefix: string, namespace: string | undefined): string {
  return namespace ? `${prefix}${namespace}/` : prefix;
}
