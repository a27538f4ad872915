/**
 * The pod-template-hash (controller.ComputeHash): FNV-32a over a canonical JSON rendering of the
 * pod template, then the collision count as 4 little-endian bytes when set, printed in decimal and
 * mapped through upstream's rand.SafeEncodeString alphabet (no vowels, no 0/1/3, so no words).
 *
 * Contract: the hash depends only on the template's JSON content (key order, null/absent and
 * empty-vs-absent lists or maps make no difference) and the collision count.
 */
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Sorted keys; null, undefined, empty lists and empty maps dropped (as semantic equality ignores them). */
export function canonicalJson(v: unknown): string {
  const norm = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(norm);
    if (x !== null && typeof x === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort()) {
        const n = norm((x as Record<string, unknown>)[k]);
        if (n === undefined || n === null) continue;
        if (Array.isArray(n) && n.length === 0) continue;
        if (typeof n === 'object' && !Array.isArray(n) && Object.keys(n as object).length === 0) continue;
        out[k] = n;
      }
      return out;
    }
    return x;
  };
  return JSON.stringify(norm(v) ?? null);
}

export function fnv32a(bytes: Uint8Array, seed = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (const b of bytes) h = Math.imul(h ^ b, FNV_PRIME) >>> 0;
  return h;
}

/** rand.SafeEncodeString: each byte mapped to ALPHANUMS[byte % 27]. */
export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

export function computeHash(template: PodTemplateSpec | undefined, collisionCount?: number | null): string {
  let h = fnv32a(Buffer.from(canonicalJson(template ?? {}), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(collisionCount >>> 0);
    h = fnv32a(b, h);
  }
  return safeEncode(String(h));
}
