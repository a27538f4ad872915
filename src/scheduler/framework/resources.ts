/**
 * Resource arithmetic of the scheduler (framework.Resource and component-helpers/resource
 * PodRequests), over plain numbers: cpu in millicores, everything else in whole units (bytes for
 * memory and ephemeral-storage), each rounded up as upstream's MilliValue()/Value().
 *
 * Contract:
 * - `podRequests(pod)` = max(sum of app containers + restartable init (sidecar) containers,
 *   max over init containers of (its request + sidecars started before it)) + spec.overhead.
 *   A container's missing request falls back to its limit (what API defaulting stores).
 * - `podNonZeroRequests(pod)` is the same for cpu and memory with upstream's defaults for a
 *   container that has no request at all (100m cpu, 200Mi memory); used by scoring only.
 * - Results are cached per pod object (WeakMap): pods are treated as immutable.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../../machinery/quantity.js';

/** schedutil.DefaultMilliCPURequest / DefaultMemoryRequest. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended, hugepages-* and attachable-volumes-* resources (upstream's ScalarResources). */
  scalar: Map<string, number>;
}

/** Shared empty scalar map; replaced by a private Map on the first write (see `setScalar`). */
const NO_SCALARS: Map<string, number> = new Map();

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: NO_SCALARS };
}

export function cloneResource(r: Resource): Resource {
  return { milliCPU: r.milliCPU, memory: r.memory, ephemeralStorage: r.ephemeralStorage, scalar: r.scalar.size ? new Map(r.scalar) : NO_SCALARS };
}

/** Sets one scalar resource of `r` (copy-on-first-write of the shared empty map). */
export function setScalar(r: Resource, name: string, v: number): void {
  if (r.scalar === NO_SCALARS) r.scalar = new Map();
  r.scalar.set(name, v);
}

/** v1helper.IsExtendedResourceName: domain-qualified, not kubernetes.io, not a quota `requests.` name. */
export function isExtendedResourceName(name: string): boolean {
  if (!name.includes('/')) return false;
  if (name.includes('kubernetes.io/')) return false;
  return !name.startsWith('requests.');
}

/** schedutil.IsScalarResourceName. */
export function isScalarResourceName(name: string): boolean {
  return isExtendedResourceName(name) || name.startsWith('hugepages-') || name.startsWith('attachable-volumes-');
}

type QuantityInput = string | number | undefined | null;

const quantityCache = new Map<string, { milli: number; value: number }>();
const QUANTITY_CACHE_LIMIT = 4096;

function parsed(q: QuantityInput): { milli: number; value: number } {
  if (q === undefined || q === null) return { milli: 0, value: 0 };
  const key = typeof q === 'number' ? `#${q}` : q;
  let hit = quantityCache.get(key);
  if (hit) return hit;
  try {
    const v = parseQuantity(q);
    hit = { milli: v.milliValue(), value: v.value() };
  } catch {
    hit = { milli: 0, value: 0 };
  }
  if (quantityCache.size >= QUANTITY_CACHE_LIMIT) quantityCache.clear();
  quantityCache.set(key, hit);
  return hit;
}

/** Quantity.MilliValue() of a serialized quantity (0 when absent or invalid). */
export function milliValue(q: QuantityInput): number {
  return parsed(q).milli;
}

/** Quantity.Value() of a serialized quantity (0 when absent or invalid). */
export function wholeValue(q: QuantityInput): number {
  return parsed(q).value;
}

type ResourceList = Record<string, string | number> | undefined | null;

/** Adds a ResourceList into `r` (framework.Resource.Add, without `pods`). */
export function addResourceList(r: Resource, rl: ResourceList): void {
  if (!rl) return;
  for (const name in rl) {
    const q = rl[name];
    switch (name) {
      case 'cpu':
        r.milliCPU += milliValue(q);
        break;
      case 'memory':
        r.memory += wholeValue(q);
        break;
      case 'ephemeral-storage':
        r.ephemeralStorage += wholeValue(q);
        break;
      case 'pods':
        break;
      default:
        if (isScalarResourceName(name)) setScalar(r, name, (r.scalar.get(name) ?? 0) + wholeValue(q));
    }
  }
}

function addInto(dst: Resource, src: Resource): void {
  dst.milliCPU += src.milliCPU;
  dst.memory += src.memory;
  dst.ephemeralStorage += src.ephemeralStorage;
  for (const [k, v] of src.scalar) setScalar(dst, k, (dst.scalar.get(k) ?? 0) + v);
}

function maxInto(dst: Resource, src: Resource): void {
  dst.milliCPU = Math.max(dst.milliCPU, src.milliCPU);
  dst.memory = Math.max(dst.memory, src.memory);
  dst.ephemeralStorage = Math.max(dst.ephemeralStorage, src.ephemeralStorage);
  for (const [k, v] of src.scalar) setScalar(dst, k, Math.max(dst.scalar.get(k) ?? 0, v));
}

function containerRequests(c: Container, nonZero: boolean): Resource {
  const r = emptyResource();
  const req = c.resources?.requests ?? undefined;
  const lim = c.resources?.limits ?? undefined;
  // Requests as defaulted by the API server: a missing request takes the limit.
  const merged: Record<string, string | number> = {};
  if (lim) for (const k in lim) merged[k] = lim[k]!;
  if (req) for (const k in req) merged[k] = req[k]!;
  addResourceList(r, merged);
  if (nonZero) {
    if (!('cpu' in merged)) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (!('memory' in merged)) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

function computePodRequests(pod: Pod, nonZero: boolean): Resource {
  const spec = pod.spec;
  const reqs = emptyResource();
  for (const c of spec?.containers ?? []) addInto(reqs, containerRequests(c, nonZero));
  const restartable = emptyResource();
  const initMax = emptyResource();
  for (const c of spec?.initContainers ?? []) {
    const cr = containerRequests(c, nonZero);
    if (c.restartPolicy === 'Always') {
      addInto(reqs, cr);
      addInto(restartable, cr);
      maxInto(initMax, restartable);
    } else {
      const tmp = cloneResource(cr);
      addInto(tmp, restartable);
      maxInto(initMax, tmp);
    }
  }
  maxInto(reqs, initMax);
  if (spec?.overhead) addResourceList(reqs, spec.overhead);
  return reqs;
}

const requestsCache = new WeakMap<Pod, Resource>();
const nonZeroCache = new WeakMap<Pod, Resource>();

/** The pod's effective requests (see module contract). The result must not be mutated. */
export function podRequests(pod: Pod): Resource {
  let r = requestsCache.get(pod);
  if (!r) {
    r = computePodRequests(pod, false);
    requestsCache.set(pod, r);
  }
  return r;
}

/** Requests with upstream's non-zero defaults for cpu and memory. The result must not be mutated. */
export function podNonZeroRequests(pod: Pod): Resource {
  let r = nonZeroCache.get(pod);
  if (!r) {
    r = computePodRequests(pod, true);
    nonZeroCache.set(pod, r);
  }
  return r;
}
