/**
 * The PersistentVolume binder (kube-controller-manager's `persistentvolume-binder`,
 * pkg/controller/volume/persistentvolume/pv_controller.go) for statically provisioned volumes.
 *
 * Contracts:
 * - Two queues as upstream: claims keyed `namespace/name`, volumes keyed by name. Informer
 *   handlers only enqueue: a claim on its own events; its volume when it is deleted; its claim when
 *   a volume is deleted; unbound claims when a volume becomes Available (upstream waits for the
 *   periodic resync for that); everything on `resync()` (every 15 s).
 * - `syncClaim`/`syncVolume` are level-triggered and re-read the newest known objects. Binding
 *   writes the volume first (claimRef, then phase Bound), then the claim (volumeName and
 *   annotations, then status Bound with capacity and access modes); a failure part way is finished
 *   by the next sync of either object.
 * - A claim with `pv.kubernetes.io/bind-completed` is bound for good: losing its volume makes it
 *   Lost, it is never rebound. A volume whose claim is gone (or was replaced by one with another
 *   UID) becomes Released and keeps its claimRef, so no claim binds it again; reclaim policy
 *   Delete deletes the PersistentVolume object (the storage behind it is not touched: statically
 *   provisioned volumes belong to the administrator), Retain keeps it, Recycle has no recycler
 *   here and marks it Failed.
 * - No dynamic provisioning: a claim of a class with an external provisioner is annotated for it
 *   (`volume.kubernetes.io/storage-provisioner`) and waits; WaitForFirstConsumer classes leave the
 *   claim Pending.
 * - Events as upstream, on the claim or volume, with upstream's reasons and messages.
 */
import type { Lister } from '../../client/informer.js';
import type { DeletedObject } from '../../client/informer.js';
import type { EventRecorder } from '../../client/events.js';
import { isNotFound } from '../../client/rest.js';
import type { Logger } from '../../util/logger.js';
import { isPodTerminal, type PodObj } from '../common/podutil.js';
import { splitKey } from '../common/keys.js';
import { PVCS, PVS } from '../resources.js';
import { claimClass, claimHasClass, defaultClass, findBestMatch, isVolumeBoundToClaim, volumeModeMismatch, volumeSatisfiesClaim } from './matching.js';
import { NewestCache } from './newest.js';
import {
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_DYNAMICALLY_PROVISIONED,
  ANN_SELECTED_NODE,
  annotation,
  claimKey,
  hasAnnotation,
  REASON,
  type PvcObj,
  type PvObj,
  type StorageClassObj,
} from './types.js';
import { PvWriter, type PvClient } from './writes.js';

/** --pvclaimbinder-sync-period default. */
export const RESYNC_PERIOD_MS = 15_000;

export interface PvControllerDeps {
  client: PvClient;
  volumes: Lister<PvObj>;
  claims: Lister<PvcObj>;
  classes: Lister<StorageClassObj>;
  /** Pods, to name the unscheduled consumers of a WaitForFirstConsumer claim (optional). */
  pods?: Lister<PodObj>;
  recorder: Pick<EventRecorder, 'event'>;
  log: Logger;
  enqueueClaim(key: string): void;
  enqueueVolume(name: string): void;
  signal?: AbortSignal;
}

export class PersistentVolumeController {
  readonly volumes: NewestCache<PvObj>;
  readonly claims: NewestCache<PvcObj>;
  private readonly w: PvWriter;

  constructor(private readonly d: PvControllerDeps) {
    this.volumes = new NewestCache<PvObj>((name) => d.volumes.get(undefined, name));
    this.claims = new NewestCache<PvcObj>((key) => {
      const { namespace, name } = splitKey(key);
      return d.claims.get(namespace, name);
    });
    this.w = new PvWriter({ client: d.client, volumes: this.volumes, claims: this.claims, recorder: d.recorder, signal: d.signal });
  }

  // ---- informer handlers (enqueue only) -----------------------------------------------------------

  onClaimChange(claim: PvcObj): void {
    this.d.enqueueClaim(claimKey(claim.metadata ?? {}));
  }

  onClaimDelete(del: DeletedObject<PvcObj>): void {
    this.claims.forget(claimKey(del.lastKnown.metadata ?? {}));
    const vol = del.lastKnown.spec?.volumeName;
    if (vol) this.d.enqueueVolume(vol);
  }

  onVolumeChange(volume: PvObj): void {
    this.d.enqueueVolume(volume.metadata?.name ?? '');
    const ref = volume.spec?.claimRef;
    if (ref && !ref.uid) this.d.enqueueClaim(claimKey(ref));
    else if (!ref && volume.status?.phase === 'Available') {
      for (const c of this.d.claims.list()) if (!hasAnnotation(c, ANN_BIND_COMPLETED) && !c.spec?.volumeName) this.d.enqueueClaim(claimKey(c.metadata ?? {}));
    }
  }

  onVolumeDelete(del: DeletedObject<PvObj>): void {
    this.volumes.forget(del.lastKnown.metadata?.name ?? '');
    const ref = del.lastKnown.spec?.claimRef;
    if (ref) this.d.enqueueClaim(claimKey(ref));
  }

  /** The periodic resync: every claim and volume. */
  resync(): void {
    for (const c of this.d.claims.list()) this.d.enqueueClaim(claimKey(c.metadata ?? {}));
    for (const v of this.d.volumes.list()) this.d.enqueueVolume(v.metadata?.name ?? '');
  }

  // ---- claims -------------------------------------------------------------------------------------

  async syncClaimKey(key: string): Promise<void> {
    const claim = this.claims.get(key);
    if (claim) await this.syncClaim(claim);
  }

  async syncClaim(claim: PvcObj): Promise<void> {
    if (!hasAnnotation(claim, ANN_BIND_COMPLETED)) await this.syncUnboundClaim(claim);
    else await this.syncBoundClaim(claim);
  }

  private allVolumes(): PvObj[] {
    return this.d.volumes.list().map((v) => this.volumes.get(v.metadata?.name ?? '') ?? v);
  }

  /** IsDelayBindingMode: the claim's class exists and says WaitForFirstConsumer. */
  private isDelayBinding(claim: PvcObj): boolean {
    const name = claimClass(claim);
    if (!name) return false;
    const cls = this.d.classes.get(undefined, name);
    if (!cls) return false;
    if (!cls.volumeBindingMode) throw new Error(`VolumeBindingMode not set for StorageClass ${JSON.stringify(name)}`);
    return cls.volumeBindingMode === 'WaitForFirstConsumer';
  }

  private async syncUnboundClaim(claim: PvcObj): Promise<void> {
    const wanted = claim.spec?.volumeName;
    if (!wanted) {
      const delay = this.isDelayBinding(claim);
      const volume = findBestMatch(claim, this.allVolumes(), delay);
      if (volume) {
        await this.w.bind(volume, claim);
        return;
      }
      if (await this.assignDefaultClass(claim)) return;
      if (delay && !hasAnnotation(claim, ANN_SELECTED_NODE)) {
        this.eventForDelayBinding(claim);
      } else if (claimClass(claim) !== '') {
        await this.provisionClaim(claim);
        return;
      } else {
        this.d.recorder.event(claim, 'Normal', REASON.FailedBinding, 'no persistent volumes available for this claim and no storage class is set');
      }
      await this.w.updateClaimStatus(claim, 'Pending', undefined);
      return;
    }
    const volume = this.volumes.get(wanted);
    if (!volume) {
      await this.w.updateClaimStatus(claim, 'Pending', undefined);
      return;
    }
    const ref = volume.spec?.claimRef;
    if (!ref) {
      const mismatch = volumeSatisfiesClaim(volume, claim);
      if (mismatch) {
        this.d.recorder.event(claim, 'Warning', REASON.VolumeMismatch, `Cannot bind to requested volume ${JSON.stringify(wanted)}: ${mismatch}`);
        await this.w.updateClaimStatus(claim, 'Pending', undefined);
        return;
      }
      await this.w.bind(volume, claim);
      return;
    }
    if (isVolumeBoundToClaim(volume, claim)) {
      await this.w.bind(volume, claim);
      return;
    }
    this.d.recorder.event(claim, 'Warning', REASON.FailedBinding, `volume ${JSON.stringify(wanted)} already bound to a different claim.`);
    if (!hasAnnotation(claim, ANN_BOUND_BY_CONTROLLER)) {
      await this.w.updateClaimStatus(claim, 'Pending', undefined);
      return;
    }
    throw new Error(`invalid binding of claim ${JSON.stringify(claimKey(claim.metadata ?? {}))} to volume ${JSON.stringify(wanted)}: volume already claimed by ${JSON.stringify(claimKey(ref))}`);
  }

  private async syncBoundClaim(claim: PvcObj): Promise<void> {
    const name = claim.spec?.volumeName;
    if (!name) {
      await this.w.updateClaimStatusWithEvent(claim, 'Lost', undefined, 'Warning', REASON.ClaimLost, 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
      return;
    }
    const volume = this.volumes.get(name);
    if (!volume) {
      await this.w.updateClaimStatusWithEvent(claim, 'Lost', undefined, 'Warning', REASON.ClaimLost, 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
      return;
    }
    const ref = volume.spec?.claimRef;
    if (!ref || ref.uid === claim.metadata?.uid) {
      await this.w.bind(volume, claim);
      return;
    }
    await this.w.updateClaimStatusWithEvent(claim, 'Lost', undefined, 'Warning', REASON.ClaimMisbound, 'Two claims are bound to the same volume, this one is bound incorrectly');
  }

  /** assignDefaultStorageClass (RetroactiveDefaultStorageClass): true when the claim was updated. */
  private async assignDefaultClass(claim: PvcObj): Promise<boolean> {
    if (claimHasClass(claim)) return false;
    const cls = defaultClass(this.d.classes.list());
    if (!cls?.metadata?.name) return false;
    await this.w.setClaimClass(claim, cls.metadata.name);
    return true;
  }

  private eventForDelayBinding(claim: PvcObj): void {
    const waiting = this.unscheduledPodsUsing(claim);
    if (waiting.length === 0) {
      this.d.recorder.event(claim, 'Normal', REASON.WaitForFirstConsumer, 'waiting for first consumer to be created before binding');
    } else if (waiting.length === 1) {
      this.d.recorder.event(claim, 'Normal', REASON.WaitForPodScheduled, `waiting for pod ${waiting[0]} to be scheduled`);
    } else {
      this.d.recorder.event(claim, 'Normal', REASON.WaitForPodScheduled, `waiting for pods ${waiting.join(',')} to be scheduled`);
    }
  }

  /** Names of live pods without a node that use the claim (directly or as a generic ephemeral volume). */
  private unscheduledPodsUsing(claim: PvcObj): string[] {
    if (!this.d.pods) return [];
    const ns = claim.metadata?.namespace;
    const name = claim.metadata?.name;
    return this.d.pods
      .list(ns)
      .filter((p) => !isPodTerminal(p) && !p.spec?.nodeName)
      .filter((p) => (p.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === name || (v.ephemeral && `${p.metadata?.name}-${v.name}` === name)))
      .map((p) => p.metadata?.name ?? '');
  }

  /** provisionClaim without in-tree provisioners: external ones are asked through the claim's annotations. */
  private async provisionClaim(claim: PvcObj): Promise<void> {
    const name = claimClass(claim);
    const cls = this.d.classes.get(undefined, name);
    if (!cls) {
      this.d.recorder.event(claim, 'Warning', REASON.ProvisioningFailed, `storageclass.storage.k8s.io ${JSON.stringify(name)} not found`);
      return;
    }
    const provisioner = cls.provisioner ?? '';
    if (provisioner.startsWith('kubernetes.io/')) {
      this.d.recorder.event(claim, 'Warning', REASON.ProvisioningFailed, `no volume plugin matched name: ${provisioner}`);
      return;
    }
    const updated = await this.w.setClaimProvisioner(claim, provisioner);
    this.d.recorder.event(
      updated,
      'Normal',
      REASON.ExternalProvisioning,
      `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    );
  }

  // ---- volumes ------------------------------------------------------------------------------------

  async syncVolumeKey(name: string): Promise<void> {
    const volume = this.volumes.get(name);
    if (volume) await this.syncVolume(volume);
  }

  async syncVolume(volume: PvObj): Promise<void> {
    const ref = volume.spec?.claimRef;
    if (!ref || !ref.uid) {
      await this.w.updateVolumePhase(volume, 'Available');
      return;
    }
    const claim = await this.claimOf(volume);
    if (!claim) {
      let v = volume;
      if (v.status?.phase !== 'Released' && v.status?.phase !== 'Failed') {
        this.d.log.info({ name: v.metadata?.name, reclaimPolicy: v.spec?.persistentVolumeReclaimPolicy }, 'volume is released and reclaim policy will be executed');
        v = await this.w.updateVolumePhase(v, 'Released');
      }
      await this.reclaimVolume(v);
      return;
    }
    if (!claim.spec?.volumeName) {
      if (volumeModeMismatch(claim, volume)) {
        this.d.recorder.event(volume, 'Warning', REASON.VolumeMismatch, `Cannot bind PersistentVolume to requested PersistentVolumeClaim ${JSON.stringify(claim.metadata?.name ?? '')} due to incompatible volumeMode.`);
        this.d.recorder.event(claim, 'Warning', REASON.VolumeMismatch, `Cannot bind PersistentVolume ${JSON.stringify(volume.metadata?.name ?? '')} to requested PersistentVolumeClaim due to incompatible volumeMode.`);
        return;
      }
      this.d.enqueueClaim(claimKey(claim.metadata ?? {}));
      return;
    }
    if (claim.spec.volumeName === volume.metadata?.name) {
      await this.w.updateVolumePhase(volume, 'Bound');
      return;
    }
    // The claim is bound to another volume.
    if (hasAnnotation(volume, ANN_DYNAMICALLY_PROVISIONED) && volume.spec?.persistentVolumeReclaimPolicy === 'Delete') {
      let v = volume;
      if (v.status?.phase !== 'Released' && v.status?.phase !== 'Failed') v = await this.w.updateVolumePhase(v, 'Released');
      await this.reclaimVolume(v);
      return;
    }
    await this.w.unbindVolume(volume);
  }

  /**
   * The claim the volume's claimRef names, or undefined when it is gone or has another UID. Before
   * concluding that, asks the API server: the informer may not have seen a new claim yet.
   */
  private async claimOf(volume: PvObj): Promise<PvcObj | undefined> {
    const ref = volume.spec!.claimRef!;
    const key = claimKey(ref);
    let claim = this.claims.get(key);
    const phase = volume.status?.phase;
    if (!claim && phase !== 'Released' && phase !== 'Failed') claim = await this.fetchClaim(ref.namespace ?? '', ref.name ?? '');
    if (claim && claim.metadata?.uid !== ref.uid) {
      claim = await this.fetchClaim(ref.namespace ?? '', ref.name ?? '');
      if (claim && claim.metadata?.uid !== ref.uid) claim = undefined;
    }
    return claim;
  }

  private async fetchClaim(namespace: string, name: string): Promise<PvcObj | undefined> {
    try {
      return await this.d.client.get<PvcObj>(PVCS, namespace, name, { signal: this.d.signal });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** isVolumeReleased: bound (with a UID) to a claim that is gone, replaced, or bound to another volume. */
  private isVolumeReleased(volume: PvObj): boolean {
    const ref = volume.spec?.claimRef;
    if (!ref?.uid) return false;
    const claim = this.claims.get(claimKey(ref));
    if (claim && claim.metadata?.uid === ref.uid) return !!claim.spec?.volumeName && claim.spec.volumeName !== volume.metadata?.name;
    return true;
  }

  private async reclaimVolume(volume: PvObj): Promise<void> {
    switch (volume.spec?.persistentVolumeReclaimPolicy) {
      case 'Retain':
        return;
      case 'Recycle':
        await this.w.updateVolumePhaseWithEvent(volume, 'Failed', 'Warning', REASON.VolumeFailedRecycle, 'No recycler plugin found for the volume!');
        return;
      case 'Delete':
        await this.deleteVolume(volume);
        return;
      default:
        await this.w.updateVolumePhaseWithEvent(volume, 'Failed', 'Warning', REASON.VolumeUnknownReclaimPolicy, 'Volume has unrecognized PersistentVolumeReclaimPolicy');
    }
  }

  /** deleteVolumeOperation for static volumes: deletes the PV object; volumes of external provisioners and CSI drivers are left to them. */
  private async deleteVolume(volume: PvObj): Promise<void> {
    const name = volume.metadata?.name ?? '';
    let current: PvObj;
    try {
      current = await this.d.client.get<PvObj>(PVS, undefined, name, { signal: this.d.signal });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (current.metadata?.deletionTimestamp) return;
    if (!this.isVolumeReleased(current)) return;
    const provisioner = annotation(current, ANN_DYNAMICALLY_PROVISIONED);
    if ((provisioner && !provisioner.startsWith('kubernetes.io/')) || current.spec?.csi) return;
    try {
      await this.d.client.delete(PVS, undefined, name, { signal: this.d.signal, preconditions: { uid: current.metadata?.uid } });
      this.d.log.info({ name }, 'deleted released volume');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
