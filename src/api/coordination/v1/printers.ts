/**
 * Server-side table printing for coordination.k8s.io/v1, as upstream's
 * pkg/printers/internalversion/printers.go.
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { age, ageColumn, column, nameColumn, nameOf, printer } from '../../core/v1/printers.js';
import type { Printer } from '../../types.js';

export const leasePrinter = printer<Lease>(
  [
    nameColumn(),
    column('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'),
    ageColumn(),
  ],
  (obj, now) => [nameOf(obj), obj.spec?.holderIdentity ?? '', age(obj, now)],
);

/** coordination.k8s.io printers by resource. */
export const coordinationPrinters: Readonly<Record<string, Printer>> = {
  leases: leasePrinter,
};
