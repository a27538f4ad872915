/**
 * The newest known version of each object: what the informer cache holds, unless this controller
 * has written a newer one that the informer has not delivered yet (upstream's storeObjectUpdate
 * caches). Binding writes four objects in a row; without this, the next sync would act on the
 * informer's stale copies and fail with conflicts.
 *
 * Contracts:
 * - `get` returns the remembered copy only while its resourceVersion is newer than the cached
 *   one; once the informer catches up (or the object is gone from it) the copy is dropped.
 * - resourceVersions are compared as integers; a non-numeric one is never considered newer.
 */
import type { KubeObject } from '../../api/types.js';

function rv(o: KubeObject | undefined): bigint | undefined {
  const s = o?.metadata?.resourceVersion;
  if (!s || !/^\d+$/.test(s)) return undefined;
  return BigInt(s);
}

export class NewestCache<T extends KubeObject> {
  private readonly written = new Map<string, T>();

  constructor(private readonly cached: (key: string) => T | undefined) {}

  /** Remembers an object returned by a write. */
  remember(key: string, obj: T): void {
    this.written.set(key, obj);
  }

  forget(key: string): void {
    this.written.delete(key);
  }

  get(key: string): T | undefined {
    const c = this.cached(key);
    const w = this.written.get(key);
    if (!w) return c;
    if (!c) {
      this.written.delete(key);
      return undefined;
    }
    const wv = rv(w);
    const cv = rv(c);
    if (wv !== undefined && cv !== undefined && wv > cv) return w;
    this.written.delete(key);
    return c;
  }

  get size(): number {
    return this.written.size;
  }
}
