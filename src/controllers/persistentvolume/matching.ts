/**
 * Claim ↔ volume matching (component-helpers/storage/volume/pv_helpers.go and the PV controller's
 * access-mode index, pkg/controller/volume/persistentvolume/index.go).
 *
 * Contracts:
 * - `findBestMatch` returns a volume pre-bound to the claim (`spec.claimRef` naming it, with no UID
 *   or the claim's UID) that is large enough, before anything else; otherwise, searching the
 *   access-mode sets that contain every requested mode from the fewest modes up, the smallest
 *   Available, unclaimed volume of the claim's class whose labels match the claim's selector.
 *   Volumes being deleted and volumes of another volumeMode never match. With `delayBinding`
 *   only pre-bound volumes are returned.
 * - Pure functions over the objects given; nothing is mutated.
 */
import { labelSelectorToSelector, type Selector } from '../../machinery/labels.js';
import { tryParseQuantity, type Quantity } from '../../machinery/quantity.js';
import {
  annotation,
  ANN_BETA_IS_DEFAULT_CLASS,
  ANN_BETA_STORAGE_CLASS,
  ANN_IS_DEFAULT_CLASS,
  type PvcObj,
  type PvObj,
  type StorageClassObj,
} from './types.js';

const ZERO = tryParseQuantity('0')!;

/** GetPersistentVolumeClaimClass: the beta annotation, else spec.storageClassName, else "". */
export function claimClass(claim: PvcObj): string {
  return annotation(claim, ANN_BETA_STORAGE_CLASS) ?? claim.spec?.storageClassName ?? '';
}

/** GetPersistentVolumeClass. */
export function volumeClass(volume: PvObj): string {
  return annotation(volume, ANN_BETA_STORAGE_CLASS) ?? volume.spec?.storageClassName ?? '';
}

/** PersistentVolumeClaimHasClass: the claim names a class (possibly ""), so no default is assigned. */
export function claimHasClass(claim: PvcObj): boolean {
  return annotation(claim, ANN_BETA_STORAGE_CLASS) !== undefined || (claim.spec?.storageClassName !== undefined && claim.spec.storageClassName !== null);
}

export function requestedStorage(claim: PvcObj): Quantity {
  const v = claim.spec?.resources?.requests?.storage;
  return (v !== undefined && tryParseQuantity(v)) || ZERO;
}

export function volumeStorage(volume: PvObj): Quantity | undefined {
  const v = volume.spec?.capacity?.storage;
  return v === undefined ? undefined : tryParseQuantity(v);
}

/** IsVolumeBoundToClaim: claimRef names the claim and, when it carries a UID, the claim's UID. */
export function isVolumeBoundToClaim(volume: PvObj, claim: PvcObj): boolean {
  const ref = volume.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata?.name || (ref.namespace ?? '') !== (claim.metadata?.namespace ?? '')) return false;
  return !ref.uid || ref.uid === claim.metadata?.uid;
}

/** CheckVolumeModeMismatches (an unset mode is Filesystem). */
export function volumeModeMismatch(claim: PvcObj, volume: PvObj): boolean {
  return (claim.spec?.volumeMode ?? 'Filesystem') !== (volume.spec?.volumeMode ?? 'Filesystem');
}

/** CheckAccessModes: the volume offers every mode the claim asks for. */
export function accessModesSatisfied(claim: PvcObj, volume: PvObj): boolean {
  const offered = new Set(volume.spec?.accessModes ?? []);
  return (claim.spec?.accessModes ?? []).every((m) => offered.has(m));
}

/** checkVolumeSatisfyClaim: undefined when `volume` can serve `claim`, else upstream's reason. */
export function volumeSatisfiesClaim(volume: PvObj, claim: PvcObj): string | undefined {
  if (volume.metadata?.deletionTimestamp) return `the volume is marked for deletion ${JSON.stringify(volume.metadata.name ?? '')}`;
  const size = volumeStorage(volume) ?? ZERO;
  if (size.cmp(requestedStorage(claim)) < 0) return 'requested PV is too small';
  if (volumeClass(volume) !== claimClass(claim)) return 'storageClassName does not match';
  if (volumeModeMismatch(claim, volume)) return 'incompatible volumeMode';
  if (!accessModesSatisfied(claim, volume)) return 'incompatible accessMode';
  return undefined;
}

const modesKey = (v: PvObj): string => [...new Set(v.spec?.accessModes ?? [])].sort().join(',');

/** The claim's selector; a claim without one selects every volume. Throws on an invalid selector. */
function claimSelector(claim: PvcObj): Selector | undefined {
  const sel = claim.spec?.selector;
  return sel ? labelSelectorToSelector(sel) : undefined;
}

/** FindMatchingVolume over one access-mode group (the PV controller path: no node, no exclusions). */
function matchInGroup(claim: PvcObj, volumes: PvObj[], selector: Selector | undefined, delayBinding: boolean): PvObj | undefined {
  const requested = requestedStorage(claim);
  const cls = claimClass(claim);
  let best: PvObj | undefined;
  let bestSize: Quantity | undefined;
  for (const v of volumes) {
    const size = volumeStorage(v) ?? ZERO;
    if (volumeModeMismatch(claim, v) || v.metadata?.deletionTimestamp) continue;
    if (delayBinding) continue;
    if (v.status?.phase !== 'Available' || v.spec?.claimRef) continue;
    if (selector && !selector.matches(v.metadata?.labels)) continue;
    if (volumeClass(v) !== cls) continue;
    if (size.cmp(requested) < 0) continue;
    if (!bestSize || bestSize.cmp(size) > 0 || (bestSize.cmp(size) === 0 && (v.metadata?.name ?? '') < (best?.metadata?.name ?? ''))) {
      best = v;
      bestSize = size;
    }
  }
  return best;
}

export function findBestMatch(claim: PvcObj, volumes: readonly PvObj[], delayBinding: boolean): PvObj | undefined {
  const requested = requestedStorage(claim);
  for (const v of volumes) {
    if (volumeModeMismatch(claim, v) || v.metadata?.deletionTimestamp) continue;
    if (isVolumeBoundToClaim(v, claim) && (volumeStorage(v) ?? ZERO).cmp(requested) >= 0) return v;
  }
  const selector = claimSelector(claim);
  const wanted = claim.spec?.accessModes ?? [];
  const groups = new Map<string, PvObj[]>();
  for (const v of volumes) {
    const k = modesKey(v);
    const g = groups.get(k);
    if (g) g.push(v);
    else groups.set(k, [v]);
  }
  const keys = [...groups.keys()]
    .filter((k) => {
      const modes = new Set(k ? k.split(',') : []);
      return wanted.every((m) => modes.has(m));
    })
    .sort((a, b) => (a ? a.split(',').length : 0) - (b ? b.split(',').length : 0) || a.localeCompare(b));
  for (const k of keys) {
    const v = matchInGroup(claim, groups.get(k)!, selector, delayBinding);
    if (v) return v;
  }
  return undefined;
}

/** util.GetDefaultClass: among classes marked default, the newest (then by name); undefined when none. */
export function defaultClass(classes: readonly StorageClassObj[]): StorageClassObj | undefined {
  const defaults = classes.filter((c) => annotation(c, ANN_IS_DEFAULT_CLASS) === 'true' || annotation(c, ANN_BETA_IS_DEFAULT_CLASS) === 'true');
  defaults.sort((a, b) => {
    const ta = Date.parse(a.metadata?.creationTimestamp ?? '') || 0;
    const tb = Date.parse(b.metadata?.creationTimestamp ?? '') || 0;
    return tb - ta || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
  });
  return defaults[0];
}
