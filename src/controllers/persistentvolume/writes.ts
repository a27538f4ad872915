/**
 * The PV binder's writes (pv_controller.go: updateClaimStatus, updateVolumePhase, bindVolumeToClaim,
 * bindClaimToVolume, unbindVolume, setClaimProvisioner). Each one writes only when something
 * changes, works on a copy (informer objects are shared), and remembers the server's answer in the
 * newest-version caches so the next sync sees it before the informer does.
 */
import type { EventRecorder } from '../../client/events.js';
import type { RestClient } from '../../client/rest.js';
import { PVCS, PVS } from '../resources.js';
import type { NewestCache } from './newest.js';
import { isVolumeBoundToClaim } from './matching.js';
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_STORAGE_PROVISIONER,
  annotation,
  claimKey,
  hasAnnotation,
  type ClaimPhase,
  type ClaimRef,
  type PvcObj,
  type PvObj,
  type VolumePhase,
} from './types.js';

export type PvClient = Pick<RestClient, 'get' | 'update' | 'updateStatus' | 'delete'>;

export interface WriterDeps {
  client: PvClient;
  volumes: NewestCache<PvObj>;
  claims: NewestCache<PvcObj>;
  recorder: Pick<EventRecorder, 'event'>;
  signal?: AbortSignal;
}

const clone = <T>(o: T): T => structuredClone(o);

function setAnnotation<T extends PvObj | PvcObj>(o: T, key: string, value: string): void {
  o.metadata = { ...o.metadata, annotations: { ...o.metadata?.annotations, [key]: value } };
}

/** reference.GetReference for a claim. */
export function claimRefTo(claim: PvcObj): ClaimRef {
  return {
    kind: 'PersistentVolumeClaim',
    namespace: claim.metadata?.namespace,
    name: claim.metadata?.name,
    uid: claim.metadata?.uid,
    apiVersion: 'v1',
    resourceVersion: claim.metadata?.resourceVersion,
  };
}

export class PvWriter {
  constructor(private readonly d: WriterDeps) {}

  private async saveVolume(v: PvObj, status: boolean): Promise<PvObj> {
    const o = { signal: this.d.signal };
    const out = status ? await this.d.client.updateStatus<PvObj>(PVS, v, o) : await this.d.client.update<PvObj>(PVS, v, o);
    this.d.volumes.remember(out.metadata?.name ?? '', out);
    return out;
  }

  private async saveClaim(c: PvcObj, status: boolean): Promise<PvcObj> {
    const o = { signal: this.d.signal };
    const out = status ? await this.d.client.updateStatus<PvcObj>(PVCS, c, o) : await this.d.client.update<PvcObj>(PVCS, c, o);
    this.d.claims.remember(claimKey(out.metadata ?? {}), out);
    return out;
  }

  /** Sets the claim's phase; with a volume also status.accessModes and (when the phase changes) status.capacity; without one clears both. */
  async updateClaimStatus(claim: PvcObj, phase: ClaimPhase, volume: PvObj | undefined): Promise<PvcObj> {
    const c = clone(claim);
    const st = (c.status ??= {});
    let dirty = false;
    if (st.phase !== phase) {
      st.phase = phase;
      dirty = true;
    }
    if (!volume) {
      if (st.accessModes !== undefined) {
        delete st.accessModes;
        dirty = true;
      }
      if (st.capacity !== undefined) {
        delete st.capacity;
        dirty = true;
      }
    } else {
      if (JSON.stringify(st.accessModes ?? null) !== JSON.stringify(volume.spec?.accessModes ?? null)) {
        st.accessModes = clone(volume.spec?.accessModes);
        dirty = true;
      }
      if (claim.status?.phase !== phase) {
        const cap = volume.spec?.capacity?.storage;
        if (cap === undefined) throw new Error(`PersistentVolume ${JSON.stringify(volume.metadata?.name ?? '')} is without a storage capacity`);
        if (st.capacity?.storage !== cap) {
          st.capacity = clone(volume.spec!.capacity!);
          dirty = true;
        }
      }
    }
    return dirty ? this.saveClaim(c, true) : claim;
  }

  /** As updateClaimStatus; the Event is emitted only when the phase actually changes. */
  async updateClaimStatusWithEvent(claim: PvcObj, phase: ClaimPhase, volume: PvObj | undefined, type: 'Normal' | 'Warning', reason: string, message: string): Promise<PvcObj> {
    if (claim.status?.phase === phase) return claim;
    const out = await this.updateClaimStatus(claim, phase, volume);
    this.d.recorder.event(out, type, reason, message);
    return out;
  }

  async updateVolumePhase(volume: PvObj, phase: VolumePhase, message = ''): Promise<PvObj> {
    if (volume.status?.phase === phase) return volume;
    const v = clone(volume);
    v.status = { ...v.status, phase };
    if (message) v.status.message = message;
    else delete v.status.message;
    return this.saveVolume(v, true);
  }

  async updateVolumePhaseWithEvent(volume: PvObj, phase: VolumePhase, type: 'Normal' | 'Warning', reason: string, message: string): Promise<PvObj> {
    if (volume.status?.phase === phase) return volume;
    const out = await this.updateVolumePhase(volume, phase, message);
    this.d.recorder.event(out, type, reason, message);
    return out;
  }

  /** GetBindVolumeToClaim + save: claimRef to the claim (with UID), bound-by-controller unless the user pre-bound it. */
  async bindVolumeToClaim(volume: PvObj, claim: PvcObj): Promise<PvObj> {
    const v = clone(volume);
    let dirty = false;
    const preBound = isVolumeBoundToClaim(volume, claim);
    const ref = volume.spec?.claimRef;
    if (!ref || ref.name !== claim.metadata?.name || ref.namespace !== claim.metadata?.namespace || ref.uid !== claim.metadata?.uid) {
      v.spec = { ...v.spec, claimRef: claimRefTo(claim) };
      dirty = true;
    }
    if (!preBound && !hasAnnotation(v, ANN_BOUND_BY_CONTROLLER)) {
      setAnnotation(v, ANN_BOUND_BY_CONTROLLER, 'yes');
      dirty = true;
    }
    return dirty ? this.saveVolume(v, false) : volume;
  }

  /** Sets spec.volumeName (then bound-by-controller) and bind-completed on the claim. */
  async bindClaimToVolume(claim: PvcObj, volume: PvObj): Promise<PvcObj> {
    const c = clone(claim);
    let dirty = false;
    if (claim.spec?.volumeName !== volume.metadata?.name) {
      c.spec = { ...c.spec, volumeName: volume.metadata?.name };
      if (!hasAnnotation(c, ANN_BOUND_BY_CONTROLLER)) setAnnotation(c, ANN_BOUND_BY_CONTROLLER, 'yes');
      dirty = true;
    }
    if (!hasAnnotation(c, ANN_BIND_COMPLETED)) {
      setAnnotation(c, ANN_BIND_COMPLETED, 'yes');
      dirty = true;
    }
    return dirty ? this.saveClaim(c, false) : claim;
  }

  /** bind(): volume spec, volume phase Bound, claim spec, claim status Bound, in that order; stops at the first error. */
  async bind(volume: PvObj, claim: PvcObj): Promise<{ volume: PvObj; claim: PvcObj }> {
    let v = await this.bindVolumeToClaim(volume, claim);
    v = await this.updateVolumePhase(v, 'Bound');
    let c = await this.bindClaimToVolume(claim, v);
    c = await this.updateClaimStatus(c, 'Bound', v);
    return { volume: v, claim: c };
  }

  /** Rolls a binding back: a controller binding loses claimRef, a user's pre-binding only its UID; phase Available. */
  async unbindVolume(volume: PvObj): Promise<PvObj> {
    const v = clone(volume);
    if (hasAnnotation(volume, ANN_BOUND_BY_CONTROLLER)) {
      delete v.spec!.claimRef;
      const anns = { ...v.metadata?.annotations };
      delete anns[ANN_BOUND_BY_CONTROLLER];
      v.metadata = { ...v.metadata, annotations: anns };
      if (Object.keys(anns).length === 0) delete v.metadata.annotations;
    } else if (v.spec?.claimRef) {
      delete v.spec.claimRef.uid;
    }
    const saved = await this.saveVolume(v, false);
    return this.updateVolumePhase(saved, 'Available');
  }

  /** Annotates the claim with the provisioner asked to create its volume. */
  async setClaimProvisioner(claim: PvcObj, provisioner: string): Promise<PvcObj> {
    if (annotation(claim, ANN_STORAGE_PROVISIONER) === provisioner) return claim;
    const c = clone(claim);
    setAnnotation(c, ANN_BETA_STORAGE_PROVISIONER, provisioner);
    setAnnotation(c, ANN_STORAGE_PROVISIONER, provisioner);
    return this.saveClaim(c, false);
  }

  /** Writes spec.storageClassName (the retroactive default class). */
  async setClaimClass(claim: PvcObj, className: string): Promise<PvcObj> {
    const c = clone(claim);
    c.spec = { ...c.spec, storageClassName: className };
    return this.saveClaim(c, false);
  }
}
