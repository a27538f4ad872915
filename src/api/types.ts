/**
 * What each API type contributes to the server: defaulting, validation and table printing.
 * The apiserver's registry composes these with the generic store; nothing here touches storage.
 *
 * Contracts:
 * - `defaults` is idempotent and never fails; it mutates the object in place.
 * - `validate` / `validateUpdate` are pure and return every error (empty list = valid), with
 *   field paths rooted at the object (`metadata.name`, `spec.containers[0].image`). Object-meta
 *   checks common to all types (name syntax, labels, annotations) are done by the registry, not here;
 *   `validate` covers the rest (spec, and status for `validateStatusUpdate`).
 * - Printers give upstream's server-side table columns; `cells` returns one value per column.
 */
import type { FieldError } from '../machinery/fielderrors.js';

export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: import('kubernetes-types/meta/v1').ObjectMeta;
  [field: string]: unknown;
};

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  /** 0: shown by default; 1: shown only with `-o wide`. */
  priority: number;
}

export interface Printer<T = KubeObject> {
  columns: TableColumn[];
  /** One cell per column, in column order. `now` makes AGE columns deterministic in tests. */
  cells(obj: T, now: Date): unknown[];
}

export interface TypeRules<T = KubeObject> {
  defaults?(obj: T): void;
  validate?(obj: T): FieldError[];
  /** Extra checks on update (immutable fields); `validate` is run on the new object too. */
  validateUpdate?(obj: T, old: T): FieldError[];
  /** Validation of a status-subresource write. */
  validateStatusUpdate?(obj: T, old: T): FieldError[];
  printer?: Printer<T>;
}
