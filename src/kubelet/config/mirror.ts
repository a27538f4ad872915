/**
 * Mirror pods (upstream pkg/kubelet/pod/mirror_client.go plus the mirror-pod steps of the
 * kubelet's syncPod and deleteOrphanedMirrorPods): each static pod is reflected in the API as a
 * pod of the same namespace/name carrying `kubernetes.io/config.mirror` = the static pod's
 * config.hash and a controller ownerReference to this Node.
 */
import type { RestClient } from '../../client/rest.js';
import { isConflict, isNotFound, isAlreadyExists } from '../../client/rest.js';
import type { Logger } from '../../util/logger.js';
import { CONFIG_HASH_ANNOTATION, CONFIG_MIRROR_ANNOTATION, PODS, type Pod } from '../types.js';
import { isMirrorPod, isMirrorPodOf, podKey } from './staticpod.js';

export interface MirrorPodsOptions {
  client: Pick<RestClient, 'create' | 'delete'>;
  nodeName: string;
  /** This Node's uid in the API; undefined until the node is registered (no mirror pod is created then). */
  nodeUid(): string | undefined;
  log: Logger;
}

export interface MirrorSyncOptions {
  /**
   * namespace/name of static pods that are gone from their source but still terminating: their
   * mirror pods are kept until termination ends (upstream keeps them while the pod worker runs).
   */
  terminating?: ReadonlySet<string>;
}

/** The pod to create in the API for `staticPod` (server-owned metadata and status left out). */
export function mirrorPodFor(staticPod: Pod, nodeName: string, nodeUid: string): Pod {
  const src = staticPod.metadata ?? {};
  const annotations = { ...(src.annotations ?? {}) };
  annotations[CONFIG_MIRROR_ANNOTATION] = annotations[CONFIG_HASH_ANNOTATION] ?? '';
  const metadata: Pod['metadata'] = {
    name: src.name,
    namespace: src.namespace,
    annotations,
    ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUid, controller: true }],
  };
  if (src.labels) metadata.labels = { ...src.labels };
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: structuredClone(staticPod.spec) } as Pod;
}

export class MirrorPods {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly o: MirrorPodsOptions) {}

  /**
   * Makes the API's mirror pods match `staticPods`; `apiPods` are the pods bound to this node that
   * the kubelet's informer holds (possibly stale: every write tolerates NotFound/Conflict/
   * AlreadyExists and the next sync corrects the rest). For each static pod: a mirror pod that is
   * being deleted or whose hash differs is deleted (grace 0, uid precondition) and a missing or
   * deleted one is created. Mirror pods of this node without a static pod (and not terminating) are
   * deleted. Calls run one after another; errors are logged, never thrown.
   */
  sync(staticPods: Pod[], apiPods: Pod[], opts: MirrorSyncOptions = {}): Promise<void> {
    const run = this.chain.then(() => this.syncOnce(staticPods, apiPods, opts));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async syncOnce(staticPods: Pod[], apiPods: Pod[], opts: MirrorSyncOptions): Promise<void> {
    const mirrors = new Map<string, Pod>();
    for (const p of apiPods) {
      if (!isMirrorPod(p)) continue;
      if (p.spec?.nodeName && p.spec.nodeName !== this.o.nodeName) continue;
      mirrors.set(podKey(p), p);
    }
    const wanted = new Set<string>();
    for (const sp of staticPods) {
      const key = podKey(sp);
      wanted.add(key);
      const mirror = mirrors.get(key);
      let deleted = false;
      if (mirror && (mirror.metadata?.deletionTimestamp || !isMirrorPodOf(mirror, sp))) {
        deleted = await this.deleteMirror(mirror, mirror.metadata?.deletionTimestamp ? 'being deleted' : 'hash differs from the static pod');
      }
      if (!mirror || deleted) await this.create(sp);
    }
    for (const [key, mirror] of mirrors) {
      if (wanted.has(key) || opts.terminating?.has(key)) continue;
      await this.deleteMirror(mirror, 'static pod is gone');
    }
  }

  private async create(sp: Pod): Promise<void> {
    const fields = { namespace: sp.metadata?.namespace, name: sp.metadata?.name };
    const nodeUid = this.o.nodeUid();
    if (!nodeUid) {
      this.o.log.debug(fields, 'node not registered yet; not creating a mirror pod');
      return;
    }
    try {
      await this.o.client.create(PODS, sp.metadata?.namespace, mirrorPodFor(sp, this.o.nodeName, nodeUid));
      this.o.log.info(fields, 'created mirror pod');
    } catch (err) {
      if (isAlreadyExists(err)) return; // the informer lags; the next sync compares hashes
      this.o.log.error({ ...fields, err: (err as Error).message }, 'failed creating a mirror pod');
    }
  }

  /** Deletes a mirror pod now (grace 0, uid precondition); true when this call deleted it. */
  private async deleteMirror(mirror: Pod, why: string): Promise<boolean> {
    const fields = { namespace: mirror.metadata?.namespace, name: mirror.metadata?.name, uid: mirror.metadata?.uid };
    try {
      await this.o.client.delete(PODS, mirror.metadata?.namespace, mirror.metadata?.name ?? '', {
        gracePeriodSeconds: 0,
        preconditions: mirror.metadata?.uid ? { uid: mirror.metadata.uid } : undefined,
      });
      this.o.log.info({ ...fields, reason: why }, 'deleted mirror pod');
      return true;
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) this.o.log.error({ ...fields, err: (err as Error).message }, 'failed deleting a mirror pod');
      return false;
    }
  }
}
