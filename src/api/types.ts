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
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';

/** ObjectMeta with the server-owned fields writable (kubernetes-types marks them readonly). */
export type Meta = { -readonly [K in keyof ObjectMeta]: ObjectMeta[K] };

export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: Meta;
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
  /**
   * The type's metadata.name rule for the registry's object-meta checks (upstream's ValidateNameFunc;
   * `prefix` is true when checking generateName). Absent: DNS-1123 subdomain.
   */
  nameFn?(name: string, prefix: boolean): string[];
  defaults?(obj: T): void;
  validate?(obj: T): FieldError[];
  /** Extra checks on update (immutable fields); `validate` is run on the new object too. */
  validateUpdate?(obj: T, old: T): FieldError[];
  /** Validation of a status-subresource write. */
  validateStatusUpdate?(obj: T, old: T): FieldError[];
  printer?: Printer<T>;
}
