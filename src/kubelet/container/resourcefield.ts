/**
 * Downward API container resources (upstream pkg/api/v1/resource ExtractContainerResourceValue,
 * MergeContainerResourceLimits). Shared by container env (`valueFrom.resourceFieldRef`) and the
 * downwardAPI volume.
 *
 * Contract: pure; failures throw `Error` with upstream's message text.
 */
import type { Container, ResourceFieldSelector } from 'kubernetes-types/core/v1.js';
import { parseQuantity, Quantity } from '../../machinery/quantity.js';
import type { Pod } from '../types.js';

/** Node allocatable (a `Node.status.allocatable`), used where a container sets no limit. */
export type Allocatable = { readonly [name: string]: string | undefined };

type ResourceList = { readonly [name: string]: string | number | undefined } | undefined;

const ZERO = new Quantity(0n);

function quantityOf(list: ResourceList, name: string): Quantity {
  const v = list?.[name];
  return v === undefined ? ZERO : parseQuantity(v);
}

/** Upstream MergeContainerResourceLimits: limits of cpu, memory and ephemeral-storage that are unset or zero come from allocatable. */
export function limitsWithAllocatable(container: Container, allocatable: Allocatable | undefined): Record<string, string | number> {
  const limits: Record<string, string | number> = { ...(container.resources?.limits ?? {}) };
  if (!allocatable) return limits;
  for (const name of ['cpu', 'memory', 'ephemeral-storage']) {
    const cur = limits[name];
    if (cur === undefined || parseQuantity(cur).isZero()) {
      const cap = allocatable[name];
      if (cap !== undefined) limits[name] = cap;
    }
  }
  return limits;
}

function ceilDiv(a: number, b: number): string {
  return String(Math.ceil(a / b));
}

/**
 * The value of one container resource with the selector's divisor (default 1): cpu in units of
 * the divisor rounded up from millicores, memory, ephemeral-storage and hugepages-* rounded up
 * from bytes. `allocatable` fills in missing limits first.
 */
export function containerResourceValue(fs: ResourceFieldSelector, container: Container, allocatable?: Allocatable): string {
  const divisorQ = fs.divisor === undefined || fs.divisor === '' ? ZERO : parseQuantity(fs.divisor);
  const divisor = divisorQ.isZero() ? parseQuantity('1') : divisorQ;
  const limits = limitsWithAllocatable(container, allocatable);
  const requests = container.resources?.requests;
  const cpu = (q: Quantity): string => ceilDiv(q.milliValue(), divisor.milliValue());
  const bytes = (q: Quantity): string => ceilDiv(q.value(), divisor.value());
  switch (fs.resource) {
    case 'limits.cpu':
      return cpu(quantityOf(limits, 'cpu'));
    case 'limits.memory':
      return bytes(quantityOf(limits, 'memory'));
    case 'limits.ephemeral-storage':
      return bytes(quantityOf(limits, 'ephemeral-storage'));
    case 'requests.cpu':
      return cpu(quantityOf(requests, 'cpu'));
    case 'requests.memory':
      return bytes(quantityOf(requests, 'memory'));
    case 'requests.ephemeral-storage':
      return bytes(quantityOf(requests, 'ephemeral-storage'));
  }
  if (fs.resource.startsWith('requests.hugepages-')) return bytes(quantityOf(requests, fs.resource.slice('requests.'.length)));
  if (fs.resource.startsWith('limits.hugepages-')) return bytes(quantityOf(limits, fs.resource.slice('limits.'.length)));
  throw new Error(`unsupported container resource : ${fs.resource}`);
}

/**
 * Resolves a selector against `container`, or against the pod's container named by
 * `fs.containerName` when set (upstream ExtractResourceValueByContainerName).
 */
export function podResourceValue(fs: ResourceFieldSelector, pod: Pod, container: Container | undefined, allocatable?: Allocatable): string {
  if (fs.containerName) {
    const target =
      pod.spec?.containers.find((c) => c.name === fs.containerName) ?? pod.spec?.initContainers?.find((c) => c.name === fs.containerName);
    if (!target) throw new Error(`container ${fs.containerName} not found`);
    return containerResourceValue(fs, target, allocatable);
  }
  if (!container) throw new Error('resourceFieldRef without containerName outside a container');
  return containerResourceValue(fs, container, allocatable);
}
