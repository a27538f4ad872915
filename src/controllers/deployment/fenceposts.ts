/**
 * maxSurge/maxUnavailable of a Deployment (deployment/util ResolveFenceposts, MaxSurge,
 * MaxUnavailable) and intstr scaling.
 *
 * Contracts:
 * - Percentages scale against the Deployment's replicas; surge rounds up, unavailable rounds
 *   down (intstr.GetScaledValueFromIntOrPercent). When both resolve to 0, unavailable becomes 1
 *   (validation forbids both being 0 explicitly; rounding down can still produce it).
 * - maxSurge/maxUnavailable are 0 for a Recreate Deployment; maxUnavailable is also 0 when the
 *   Deployment wants 0 replicas and never exceeds its replicas.
 */
import type { DeploymentObj } from './types.js';

/** spec.replicas (the API defaults it to 1). */
export const replicasOf = (o: { spec?: { replicas?: number } }): number => o.spec?.replicas ?? 1;

export const isRollingUpdate = (d: DeploymentObj): boolean => (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

/** intstr.GetScaledValueFromIntOrPercent. Throws for a string that is not `N%`. */
export function scaledValue(v: number | string | undefined | null, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  if (!v.endsWith('%')) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const s = v.slice(0, -1);
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`invalid value "${v}": strconv.Atoi: parsing "${s}": invalid syntax`);
  const x = (Number.parseInt(s, 10) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** [surge, unavailable] for `desired` replicas (deployment/util ResolveFenceposts). */
export function resolveFenceposts(maxSurgeV: number | string | undefined, maxUnavailableV: number | string | undefined, desired: number): [number, number] {
  const surge = scaledValue(maxSurgeV ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailableV ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

export function maxSurge(d: DeploymentObj): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicasOf(d))[0];
}

export function maxUnavailable(d: DeploymentObj): number {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  const u = resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicas)[1];
  return Math.min(u, replicas);
}
