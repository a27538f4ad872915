/**
 * Server-side table printing for policy/v1, as upstream's pkg/printers/internalversion/printers.go.
 */
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { age, ageColumn, column, nameColumn, nameOf, printer } from '../../core/v1/printers.js';
import type { Printer } from '../../types.js';

/** intstr.IntOrString.String(); `N/A` when unset. */
function intOrStringOrNA(v: number | string | undefined | null): string {
  return v === undefined || v === null ? 'N/A' : String(v);
}

export const podDisruptionBudgetPrinter = printer<PodDisruptionBudget>(
  [
    nameColumn(),
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    ageColumn(),
  ],
  (obj, now) => [
    nameOf(obj),
    intOrStringOrNA(obj.spec?.minAvailable),
    intOrStringOrNA(obj.spec?.maxUnavailable),
    obj.status?.disruptionsAllowed ?? 0,
    age(obj, now),
  ],
);

/** policy printers by resource. */
export const policyPrinters: Readonly<Record<string, Printer>> = {
  poddisruptionbudgets: podDisruptionBudgetPrinter,
};
