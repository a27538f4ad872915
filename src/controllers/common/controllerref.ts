/**
 * Controller references (pkg/controller/controller_ref_manager.go): which object controls which,
 * adoption of matching orphans and release of objects that no longer match.
 *
 * Contracts:
 * - `controllerOf` is the single ownerReference with `controller: true`, or undefined.
 * - `claim` adopts (patches in a controller ref) orphans whose labels match and that are not being
 *   deleted, releases (patches out the ref) owned objects whose labels no longer match, and returns
 *   the objects the owner controls afterwards. It never adopts while the owner is being deleted.
 *   A NotFound on adopt/release is ignored (the object is gone); other errors are thrown after the
 *   rest of the objects were handled.
 * - Adoption patches carry the object's uid as a precondition-by-content (`metadata.uid`), so a
 *   recreated object of the same name is never adopted by accident.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../api/types.js';
import type { Selector } from '../../machinery/labels.js';
import { isNotFound, type ResourceRef, type RestClient } from '../../client/rest.js';

export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** A controller ownerReference pointing at `owner` (blockOwnerDeletion set, as upstream). */
export function controllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata!.name!,
    uid: owner.metadata!.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** True when `obj`'s controller ref points at `owner` (by uid). */
export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  const ref = controllerOf(obj);
  return !!ref && ref.uid === owner.metadata?.uid;
}

export interface ClaimOptions<T extends KubeObject> {
  client: Pick<RestClient, 'patch'>;
  /** The resource of the claimed objects. */
  resource: ResourceRef;
  owner: KubeObject;
  ownerApiVersion: string;
  ownerKind: string;
  selector: Selector;
  /** Candidates: every object of the resource in the owner's namespace. */
  candidates: T[];
  /** Extra condition for adoption (e.g. pods must not be terminal for ReplicaSets: upstream adopts them too; default true). */
  canAdopt?: (obj: T) => boolean;
  signal?: AbortSignal;
}

export async function claim<T extends KubeObject>(o: ClaimOptions<T>): Promise<T[]> {
  const owned: T[] = [];
  const errors: unknown[] = [];
  const ownerUid = o.owner.metadata?.uid;
  const ownerDeleting = !!o.owner.metadata?.deletionTimestamp;
  const ns = o.owner.metadata?.namespace;
  await Promise.all(
    o.candidates.map(async (obj) => {
      const ref = controllerOf(obj);
      const matches = o.selector.matches(obj.metadata?.labels);
      if (ref) {
        if (ref.uid !== ownerUid) return;
        if (matches) {
          owned.push(obj);
          return;
        }
        if (ownerDeleting) {
          owned.push(obj);
          return;
        }
        try {
          // Release: remove our reference (strategic merge patch deletes it by uid, the merge key).
          await o.client.patch(o.resource, ns, obj.metadata!.name!, 'strategic', { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: obj.metadata!.uid } }, { signal: o.signal });
        } catch (e) {
          if (!isNotFound(e) && !isUidMismatch(e)) errors.push(e);
        }
        return;
      }
      if (!matches || ownerDeleting || obj.metadata?.deletionTimestamp) return;
      if (o.canAdopt && !o.canAdopt(obj)) return;
      try {
        const patched = await o.client.patch<T>(
          o.resource,
          ns,
          obj.metadata!.name!,
          'strategic',
          { metadata: { ownerReferences: [controllerRef(o.owner, o.ownerApiVersion, o.ownerKind)], uid: obj.metadata!.uid } },
          { signal: o.signal },
        );
        owned.push(patched);
      } catch (e) {
        if (!isNotFound(e) && !isUidMismatch(e)) errors.push(e);
      }
    }),
  );
  if (errors.length) throw errors[0];
  return owned;
}

/** A patch carrying a different metadata.uid is refused by the server as 409 Conflict or 422 Invalid. */
function isUidMismatch(e: unknown): boolean {
  const code = (e as { status?: { code?: number } }).status?.code;
  return code === 409 || code === 422;
}
