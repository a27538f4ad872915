/**
 * EndpointSlice reconciliation for one selector Service (k8s.io/endpointslice reconciler.go).
 *
 * Contracts (`planSlices`, pure):
 * - Slices of an address type the Service no longer uses, and slices not owned by the Service,
 *   are deleted. Per address type, pods (including terminating ones, with their conditions) are
 *   grouped by the ports they resolve; each group is reconciled against the existing slices with
 *   the same ports, with minimal churn: endpoints already in a slice stay there (updated in place
 *   if their conditions, node, zone or target changed), removed endpoints leave their slice (an
 *   emptied slice is deleted), new endpoints first fill slices that are being updated anyway
 *   (fullest first), then the one unchanged slice they fit in best, then new slices; no slice gets
 *   more than `maxEndpointsPerSlice` endpoints. Slices whose labels differ from the Service's are
 *   updated. A Service with no endpoints keeps one empty placeholder slice.
 * - A pod on a node the cache does not know is left out (and reported in `errors`, so the sync is
 *   retried) unless the Service publishes not-ready addresses.
 * - Creates that would pair with deletes become updates of the slices to delete (same address
 *   type, owned by the Service) — `recycle`.
 *
 * `applyPlan` writes creates (skipped while the Service is being deleted; a namespace that is
 * terminating ends the sync quietly, as upstream), then updates, then
 * deletes, stamping the trigger-time annotation on every written slice and recording each write
 * in the tracker. It stops at the first failure (the sync is retried).
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { EndpointPort } from 'kubernetes-types/discovery/v1.js';
import type { RestClient } from '../../client/rest.js';
import { ApiStatusError, isNotFound } from '../../client/rest.js';
import { ENDPOINTSLICES } from '../resources.js';
import { LAST_CHANGE_TRIGGER_TIME, shouldPodBeInEndpoints, type ServiceObj } from '../common/endpointutil.js';
import type { EndpointSliceTracker } from '../common/endpointslicetracker.js';
import { formatRfc3339Nano } from '../common/triggertime.js';
import {
  EndpointSet,
  addressTypesForService,
  endpointPorts,
  endpointsEqualBeyondHash,
  newSlice,
  ownedBy,
  podToEndpoint,
  portMapKey,
  sliceLabels,
  type AddressType,
  type SliceObj,
} from './slices.js';
import { errorText as errText } from '../../util/concurrency.js';

export interface SlicePlan {
  create: SliceObj[];
  update: SliceObj[];
  delete: SliceObj[];
  /** Pods left out for a reason worth a retry. */
  errors: string[];
}

export interface PlanInput {
  service: ServiceObj;
  pods: Pod[];
  existing: SliceObj[];
  node: (name: string) => Node | undefined;
  maxEndpointsPerSlice: number;
  controllerName: string;
}

export function planSlices(o: PlanInput): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [], errors: [] };
  const types = addressTypesForService(o.service);
  const byType = new Map<string, SliceObj[]>();
  for (const s of o.existing) {
    if (!types.includes(s.addressType as AddressType)) {
      plan.delete.push(s);
      continue;
    }
    const l = byType.get(s.addressType) ?? [];
    l.push(s);
    byType.set(s.addressType, l);
  }
  for (const t of types) planByAddressType(o, t, byType.get(t) ?? [], plan);
  recycle(plan, o.service);
  return plan;
}

function planByAddressType(o: PlanInput, addressType: AddressType, existing: SliceObj[], plan: SlicePlan): void {
  const { service } = o;
  const toDelete: SliceObj[] = [];
  const toCreate: SliceObj[] = [];
  const existingByPorts = new Map<string, SliceObj[]>();
  for (const s of existing) {
    if (!ownedBy(s, service)) {
      toDelete.push(s);
      continue;
    }
    const k = portMapKey(s.ports);
    existingByPorts.set(k, [...(existingByPorts.get(k) ?? []), s]);
  }
  const desired = new Map<string, { ports: EndpointPort[]; set: EndpointSet }>();
  for (const pod of o.pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = endpointPorts(service, pod);
    const k = portMapKey(ports);
    let d = desired.get(k);
    if (!d) desired.set(k, (d = { ports, set: new EndpointSet() }));
    const nodeName = pod.spec?.nodeName ?? '';
    const node = nodeName ? o.node(nodeName) : undefined;
    if (!node && service.spec?.publishNotReadyAddresses !== true) {
      plan.errors.push(`skipping Pod ${pod.metadata?.name} for Service ${service.metadata?.namespace}/${service.metadata?.name}: Node ${nodeName} Not Found`);
      continue;
    }
    const ep = podToEndpoint(pod, node, service, addressType);
    if (ep.addresses.length > 0) d.set.insert(ep);
  }
  for (const [k, d] of desired) {
    const r = planByPorts(o, existingByPorts.get(k) ?? [], d.set, d.ports, addressType);
    toCreate.push(...r.create);
    plan.update.push(...r.update);
    toDelete.push(...r.delete);
  }
  for (const [k, slices] of existingByPorts) if (!desired.has(k)) toDelete.push(...slices);

  if (existing.length === toDelete.length && toCreate.length === 0) {
    const placeholder = newSlice(service, [], addressType, o.controllerName);
    if (toDelete.length === 1 && isSamePlaceholder(toDelete[0]!, placeholder)) toDelete.length = 0;
    else toCreate.push(placeholder);
  }
  plan.create.push(...toCreate);
  plan.delete.push(...toDelete);
}

function planByPorts(o: PlanInput, existing: SliceObj[], desired: EndpointSet, ports: EndpointPort[], addressType: AddressType): { create: SliceObj[]; update: SliceObj[]; delete: SliceObj[] } {
  const max = o.maxEndpointsPerSlice;
  const byName = new Map<string, SliceObj>();
  const unchanged = new Set<string>();
  const toUpdate = new Set<string>();
  const toDelete = new Set<string>();

  // 1. Keep endpoints still desired where they are, drop the others, refresh labels.
  for (const s of existing) {
    const name = s.metadata!.name!;
    byName.set(name, s);
    const kept = [];
    let changed = false;
    for (const ep of s.endpoints ?? []) {
      const want = desired.get(ep);
      if (!want) continue;
      kept.push(want);
      if (!endpointsEqualBeyondHash(want, ep)) changed = true;
      desired.delete(ep);
    }
    const { labels, changed: labelsChanged } = sliceLabels(s, o.service, o.controllerName);
    if (changed || kept.length !== (s.endpoints ?? []).length) {
      if (kept.length === 0) toDelete.add(name);
      else {
        byName.set(name, { ...structuredClone(s), endpoints: kept, metadata: { ...structuredClone(s.metadata), labels } });
        toUpdate.add(name);
      }
    } else if (labelsChanged) {
      byName.set(name, { ...structuredClone(s), metadata: { ...structuredClone(s.metadata), labels } });
      toUpdate.add(name);
    } else {
      unchanged.add(name);
    }
  }

  // 2. Fill the slices being updated anyway, fullest first.
  if (desired.size > 0 && toUpdate.size > 0) {
    const slices = [...toUpdate].map((n) => byName.get(n)!).sort((a, b) => b.endpoints.length - a.endpoints.length);
    for (const s of slices) while (desired.size > 0 && s.endpoints.length < max) s.endpoints.push(desired.pop()!);
  }

  // 3. Put what is left into the unchanged slice it fits best, or into new slices.
  const create: SliceObj[] = [];
  while (desired.size > 0) {
    let fill: SliceObj | undefined;
    if (desired.size < max && unchanged.size > 0) {
      const best = sliceToFill([...unchanged].map((n) => byName.get(n)!), desired.size, max);
      if (best) {
        fill = { ...structuredClone(best), endpoints: [...best.endpoints] };
        byName.set(best.metadata!.name!, fill);
      }
    }
    fill ??= newSlice(o.service, ports, addressType, o.controllerName);
    while (desired.size > 0 && fill.endpoints.length < max) fill.endpoints.push(desired.pop()!);
    const name = fill.metadata?.name;
    if (name) {
      toUpdate.add(name);
      unchanged.delete(name);
    } else create.push(fill);
  }
  return { create, update: [...toUpdate].map((n) => byName.get(n)!), delete: [...toDelete].map((n) => byName.get(n)!) };
}

/** The slice closest to full once `n` endpoints are added (upstream getSliceToFill). */
function sliceToFill(slices: SliceObj[], n: number, max: number): SliceObj | undefined {
  let best: SliceObj | undefined;
  let bestDiff = max;
  for (const s of slices) {
    const diff = max - (n + s.endpoints.length);
    if (diff >= 0 && diff < bestDiff) {
      bestDiff = diff;
      best = s;
      if (diff === 0) break;
    }
  }
  return best;
}

function isSamePlaceholder(a: SliceObj, b: SliceObj): boolean {
  const la = a.metadata?.labels ?? {};
  const lb = b.metadata?.labels ?? {};
  if (a.metadata?.namespace !== b.metadata?.namespace) return false;
  if (Object.keys(la).length !== Object.keys(lb).length || Object.keys(la).some((k) => la[k] !== lb[k])) return false;
  const refs = (s: SliceObj) => JSON.stringify((s.metadata?.ownerReferences ?? []).map((r) => [r.apiVersion, r.kind, r.name, r.uid, !!r.controller, !!r.blockOwnerDeletion]));
  return refs(a) === refs(b) && a.addressType === b.addressType && (a.endpoints ?? []).length === 0 && (a.ports ?? []).length === 0;
}

/** Turns creates into updates of slices that would be deleted (same address type, owned). */
function recycle(plan: SlicePlan, svc: ServiceObj): void {
  for (let i = 0; i < plan.delete.length && plan.create.length > 0; ) {
    const del = plan.delete[i]!;
    const slice = plan.create[plan.create.length - 1]!;
    if (del.addressType === slice.addressType && ownedBy(del, svc)) {
      const meta = { ...slice.metadata!, name: del.metadata!.name! };
      delete meta.generateName;
      plan.create.pop();
      plan.update.push({ ...slice, metadata: meta });
      plan.delete.splice(i, 1);
    } else i++;
  }
}

export interface ApplyOptions {
  client: Pick<RestClient, 'create' | 'update' | 'delete'>;
  tracker: EndpointSliceTracker;
  service: ServiceObj;
  /** ms since the epoch; undefined removes the annotation. */
  triggerTime: number | undefined;
  signal?: AbortSignal;
}

function stampTriggerTime(s: SliceObj, t: number | undefined): SliceObj {
  const annotations = { ...(s.metadata?.annotations ?? {}) };
  if (t !== undefined) annotations[LAST_CHANGE_TRIGGER_TIME] = formatRfc3339Nano(t);
  else delete annotations[LAST_CHANGE_TRIGGER_TIME];
  return { ...s, metadata: { ...s.metadata, annotations } };
}

export async function applyPlan(plan: SlicePlan, o: ApplyOptions): Promise<void> {
  const ns = o.service.metadata?.namespace;
  const svcName = `${ns}/${o.service.metadata?.name}`;
  if (!o.service.metadata?.deletionTimestamp) {
    for (const s of plan.create) {
      try {
        o.tracker.update(await o.client.create<SliceObj>(ENDPOINTSLICES, ns, stampTriggerTime(s, o.triggerTime), { signal: o.signal }));
      } catch (e) {
        // A terminating namespace refuses every create: nothing left to do for this Service.
        if (e instanceof ApiStatusError && (e.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating')) return;
        throw new Error(`failed to create EndpointSlice for Service ${svcName}: ${errText(e)}`);
      }
    }
  }
  for (const s of plan.update) {
    try {
      o.tracker.update(await o.client.update<SliceObj>(ENDPOINTSLICES, stampTriggerTime(s, o.triggerTime), { signal: o.signal }));
    } catch (e) {
      throw new Error(`failed to update ${s.metadata?.name} EndpointSlice for Service ${svcName}: ${errText(e)}`);
    }
  }
  for (const s of plan.delete) {
    try {
      await o.client.delete(ENDPOINTSLICES, ns, s.metadata!.name!, { signal: o.signal });
      o.tracker.expectDeletion(s);
    } catch (e) {
      if (isNotFound(e)) continue;
      throw new Error(`failed to delete ${s.metadata?.name} EndpointSlice for Service ${svcName}: ${errText(e)}`);
    }
  }
}

