/**
 * Table printers for every served resource (server-side printing for `kubectl get`).
 *
 * Contracts:
 * - `printerFor(group, resource)` gives upstream's printer for that resource, whatever the version;
 *   `undefined` when upstream has none (limitranges, bindings, unknown resources), in which case the
 *   server uses `defaultPrinter`.
 * - `defaultPrinter` is upstream's default table convertor: `Name` and `Created At` (type date, the
 *   creation timestamp in RFC 3339, UTC, second precision).
 * - All printers print wide: `cells` returns one value per column, priority-1 columns included.
 */
import { appsPrinters } from './apps/v1/printers.js';
import { autoscalingPrinters } from './autoscaling/printers.js';
import { batchPrinters } from './batch/v1/printers.js';
import { coordinationPrinters } from './coordination/v1/printers.js';
import {
  CREATION_TIMESTAMP_DESCRIPTION,
  column,
  corePrinters,
  nameColumn,
  nameOf,
  parseTime,
} from './core/v1/printers.js';
import { discoveryPrinters } from './discovery/v1/printers.js';
import { eventsPrinters } from './events/printers.js';
import { policyPrinters } from './policy/v1/printers.js';
import { storagePrinters } from './storage/v1/printers.js';
import type { KubeObject, Printer } from './types.js';

const BY_GROUP: Readonly<Record<string, Readonly<Record<string, Printer>>>> = {
  '': corePrinters,
  apps: appsPrinters,
  batch: batchPrinters,
  autoscaling: autoscalingPrinters,
  policy: policyPrinters,
  'storage.k8s.io': storagePrinters,
  'discovery.k8s.io': discoveryPrinters,
  'coordination.k8s.io': coordinationPrinters,
  'events.k8s.io': eventsPrinters,
};

export function printerFor(group: string, resource: string): Printer | undefined {
  const printers = Object.hasOwn(BY_GROUP, group) ? BY_GROUP[group]! : undefined;
  if (!printers || !Object.hasOwn(printers, resource)) return undefined;
  return printers[resource];
}

/** Go's zero time in RFC 3339, what upstream prints for an unset creation timestamp. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

function createdAt(obj: KubeObject): string {
  const t = parseTime(obj.metadata?.creationTimestamp);
  if (t === undefined) return ZERO_TIME;
  // time.RFC3339 has no fractional seconds.
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export const defaultPrinter: Printer = {
  columns: [nameColumn(), column('Created At', 'date', CREATION_TIMESTAMP_DESCRIPTION)],
  cells: (obj) => [nameOf(obj), createdAt(obj)],
};
