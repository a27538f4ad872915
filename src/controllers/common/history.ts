/**
 * ControllerRevision history (pkg/controller/history): snapshots of a workload's pod template that
 * StatefulSets and DaemonSets keep, and that `kubectl rollout history|undo` read and apply.
 *
 * Contracts:
 * - A revision's `data` is the strategic merge patch `{"spec":{"template":{…,"$patch":"replace"}}}`
 *   of its owner (upstream's getPatch), serialized with sorted keys so equal templates give equal
 *   bytes (`canonicalJson`); two revisions hold the same template iff their canonical data is equal.
 * - Names are `<owner>-<hash>` (the owner name cut to 223 characters); `hashControllerRevision` is
 *   FNV-1 (32 bit) over the canonical data then the decimal collision count, encoded with
 *   upstream's SafeEncodeString alphabet, so a collision is resolved by bumping the count.
 * - `sortControllerRevisions` orders by revision number, then creation time, then name (ascending).
 * - `RevisionHistory.create` retries name collisions: an existing revision of the same name with the
 *   same data is returned as is; one with other data bumps `collision.count` and tries the next name.
 */
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/types.js';
import { isAlreadyExists, type RestClient } from '../../client/rest.js';
import { controllerRef } from './controllerref.js';
import { CONTROLLERREVISIONS } from '../resources.js';

/** The label naming a revision's hash (history.ControllerRevisionHashLabel). */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';

export type ControllerRevision = KubeObject & { data?: unknown; revision: number };

/** JSON with object keys sorted at every level (Go's json.Marshal of a map[string]interface{}). */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x === undefined ? null : x)).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

/** FNV-1 32 bit (Go's hash/fnv New32). */
export function fnv32(data: Uint8Array, h = 0x811c9dc5): number {
  for (const b of data) h = (Math.imul(h, 0x01000193) ^ b) >>> 0;
  return h >>> 0;
}

/** FNV-1a 32 bit (Go's hash/fnv New32a). */
export function fnv32a(data: Uint8Array, h = 0x811c9dc5): number {
  for (const b of data) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h >>> 0;
}

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** apimachinery rand.SafeEncodeString: maps each byte onto a vowel-free alphabet. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) out += ALPHANUMS[b % ALPHANUMS.length];
  return out;
}

/** history.HashControllerRevision over the canonical data and the collision count. */
export function hashControllerRevision(data: unknown, probe?: number): string {
  let h = fnv32(Buffer.from(canonicalJson(data), 'utf8'));
  if (probe !== undefined) h = fnv32(Buffer.from(String(probe), 'utf8'), h);
  return safeEncodeString(String(h));
}

/** history.ControllerRevisionName. */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}

/** The patch that restores `owner.spec.template` (getPatch of the StatefulSet and DaemonSet controllers). */
export function templatePatch(owner: KubeObject): Record<string, unknown> {
  const template = structuredClone(((owner as { spec?: { template?: unknown } }).spec?.template ?? {}) as Record<string, unknown>);
  return { spec: { template: { ...template, $patch: 'replace' } } };
}

/** The pod template a revision restores (its data without the `$patch` directive). */
export function templateFromRevision(rev: ControllerRevision): PodTemplateSpec {
  const data = rev.data as { spec?: { template?: Record<string, unknown> } } | undefined;
  const { $patch: _ignored, ...template } = structuredClone(data?.spec?.template ?? {});
  return template as PodTemplateSpec;
}

/** history.NewControllerRevision: named and labelled with the hash of `data` and `collisionCount`. */
export function newControllerRevision(
  parent: KubeObject,
  apiVersion: string,
  kind: string,
  templateLabels: Record<string, string> | undefined,
  data: unknown,
  revision: number,
  collisionCount: number,
): ControllerRevision {
  const hash = hashControllerRevision(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(parent.metadata!.name!, hash),
      namespace: parent.metadata?.namespace,
      labels: { ...(templateLabels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
      ownerReferences: [controllerRef(parent, apiVersion, kind)],
    },
    data,
    revision,
  };
}

const created = (r: KubeObject): number => (r.metadata?.creationTimestamp ? Date.parse(r.metadata.creationTimestamp) : 0);

/** Sorts in place (ascending) and returns `revs`. */
export function sortControllerRevisions<T extends ControllerRevision>(revs: T[]): T[] {
  return revs.sort((a, b) => {
    if (a.revision !== b.revision) return a.revision - b.revision;
    const t = created(a) - created(b);
    if (t !== 0) return t;
    const an = a.metadata?.name ?? '';
    const bn = b.metadata?.name ?? '';
    return an < bn ? -1 : an > bn ? 1 : 0;
  });
}

/** history.EqualRevision: same hash label (when both have one) and the same data. */
export function equalRevision(a: ControllerRevision | undefined, b: ControllerRevision | undefined): boolean {
  if (!a || !b) return a === b;
  const ha = a.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];
  const hb = b.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];
  if (ha !== undefined && hb !== undefined && ha !== hb) return false;
  return canonicalJson(a.data) === canonicalJson(b.data);
}

export function findEqualRevisions<T extends ControllerRevision>(revs: T[], needle: ControllerRevision): T[] {
  return revs.filter((r) => equalRevision(r, needle));
}

export function maxRevision(revs: ControllerRevision[]): number {
  let m = 0;
  for (const r of revs) if (r.revision > m) m = r.revision;
  return m;
}

/** The number after the highest revision (1 for an empty history). */
export function nextRevision(revs: ControllerRevision[]): number {
  return maxRevision(revs) + 1;
}

/**
 * The revisions to delete so at most `limit` non-live ones remain: the oldest non-live first.
 * `sorted` must be in `sortControllerRevisions` order; `live` holds the names still in use.
 */
export function revisionsToTruncate<T extends ControllerRevision>(sorted: T[], live: ReadonlySet<string>, limit: number): T[] {
  const history = sorted.filter((r) => !live.has(r.metadata?.name ?? ''));
  return history.length <= limit ? [] : history.slice(0, history.length - limit);
}

/** The calls `RevisionHistory` makes. */
export type HistoryClient = Pick<RestClient, 'create' | 'get' | 'update' | 'delete'>;

/** Writes ControllerRevisions (history.realHistory). */
export class RevisionHistory {
  constructor(private readonly client: HistoryClient) {}

  /**
   * Creates `rev` under the name its data and `collision.count` hash to, bumping the count on a
   * collision with a revision of other data; answers the stored revision.
   */
  async create(parent: KubeObject, rev: ControllerRevision, collision: { count: number }, signal?: AbortSignal): Promise<ControllerRevision> {
    const ns = parent.metadata?.namespace;
    for (let attempt = 0; attempt < 100; attempt++) {
      const hash = hashControllerRevision(rev.data, collision.count);
      const clone: ControllerRevision = structuredClone(rev);
      clone.metadata!.name = controllerRevisionName(parent.metadata!.name!, hash);
      try {
        return await this.client.create<ControllerRevision>(CONTROLLERREVISIONS, ns, clone, { signal });
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        const exists = await this.client.get<ControllerRevision>(CONTROLLERREVISIONS, ns, clone.metadata!.name!, { signal });
        if (canonicalJson(exists.data) === canonicalJson(clone.data)) return exists;
        collision.count++;
      }
    }
    throw new Error(`no free ControllerRevision name for ${parent.metadata?.name} after 100 collisions`);
  }

  /** Sets the revision number (a rollback to an earlier template reuses its revision object). */
  async updateRevision(rev: ControllerRevision, revision: number, signal?: AbortSignal): Promise<ControllerRevision> {
    if (rev.revision === revision) return rev;
    const next: ControllerRevision = { ...structuredClone(rev), revision };
    return this.client.update<ControllerRevision>(CONTROLLERREVISIONS, next, { signal });
  }

  async delete(rev: ControllerRevision, signal?: AbortSignal): Promise<void> {
    await this.client.delete(CONTROLLERREVISIONS, rev.metadata?.namespace, rev.metadata!.name!, { signal });
  }
}

/**
 * controller.ComputeHash of a pod template: FNV-1a (32 bit) over its canonical JSON, then the
 * collision count as 4 little-endian bytes when set, encoded with SafeEncodeString.
 */
export function computeTemplateHash(template: unknown, collisionCount: number | undefined): string {
  let h = fnv32a(Buffer.from(canonicalJson(template ?? {}), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(collisionCount >>> 0);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}
