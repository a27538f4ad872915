/**
 * Which EndpointSlice versions a controller wrote, per Service (upstream EndpointSliceTracker), so
 * a sync never acts on an informer cache older than its own writes (which would, e.g., create a
 * second slice for endpoints that already have one).
 *
 * Upstream compares metadata.generation; k8ts does not maintain a generation on EndpointSlices,
 * so this compares resourceVersions, which k8ts (and etcd) issue as increasing integers. A
 * resourceVersion that is not an integer is never considered stale.
 *
 * Contracts:
 * - `update(slice)` records a slice as written (create/update answer); `expectDeletion(slice)`
 *   records a delete this controller issued.
 * - `staleSlices(key, slices)` is true when a cached slice is older than the version written, a
 *   slice expected deleted is still cached, or a written slice is not cached yet.
 * - `shouldSync(slice)` is false only for a slice event that reflects this controller's own write.
 * - `handleDeletion(slice)` forgets the slice; true when its deletion was expected.
 */
import type { KubeObject } from '../../api/types.js';

const DELETION_EXPECTED = -1n;

function rvOf(obj: KubeObject): bigint | undefined {
  const rv = obj.metadata?.resourceVersion;
  if (!rv || !/^\d+$/.test(rv)) return undefined;
  return BigInt(rv);
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** `namespace/<service-name label>` of a slice ('' when unlabeled). */
export function serviceKeyOfSlice(slice: KubeObject): string {
  const name = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
  return name ? `${slice.metadata?.namespace ?? ''}/${name}` : '';
}

export class EndpointSliceTracker {
  private readonly byService = new Map<string, Map<string, bigint>>();

  private entry(slice: KubeObject, create: boolean): Map<string, bigint> | undefined {
    const key = serviceKeyOfSlice(slice);
    let m = this.byService.get(key);
    if (!m && create) this.byService.set(key, (m = new Map()));
    return m;
  }

  has(slice: KubeObject): boolean {
    return this.entry(slice, false)?.has(slice.metadata?.uid ?? '') ?? false;
  }

  shouldSync(slice: KubeObject): boolean {
    const g = this.entry(slice, false)?.get(slice.metadata?.uid ?? '');
    if (g === undefined) return true;
    const rv = rvOf(slice);
    return rv === undefined || rv > g;
  }

  update(slice: KubeObject): void {
    const rv = rvOf(slice);
    const m = this.entry(slice, true)!;
    if (rv === undefined) m.delete(slice.metadata?.uid ?? '');
    else m.set(slice.metadata?.uid ?? '', rv);
  }

  expectDeletion(slice: KubeObject): void {
    this.entry(slice, true)!.set(slice.metadata?.uid ?? '', DELETION_EXPECTED);
  }

  handleDeletion(slice: KubeObject): boolean {
    const m = this.entry(slice, false);
    const uid = slice.metadata?.uid ?? '';
    const g = m?.get(uid);
    m?.delete(uid);
    return g === DELETION_EXPECTED;
  }

  staleSlices(serviceKey: string, slices: KubeObject[]): boolean {
    const m = this.byService.get(serviceKey);
    if (!m) return false;
    const seen = new Set<string>();
    for (const s of slices) {
      const uid = s.metadata?.uid ?? '';
      seen.add(uid);
      const g = m.get(uid);
      if (g === undefined) continue;
      if (g === DELETION_EXPECTED) return true;
      const rv = rvOf(s);
      if (rv !== undefined && g > rv) return true;
    }
    for (const [uid, g] of m) if (g !== DELETION_EXPECTED && !seen.has(uid)) return true;
    return false;
  }

  deleteService(serviceKey: string): void {
    this.byService.delete(serviceKey);
  }
}
