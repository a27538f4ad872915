/**
 * Lease validation, as upstream's pkg/apis/coordination/validation. Leases have no defaults.
 * Object-meta checks are the registry's. Pure.
 */
import type { FieldError } from '../../../machinery/fielderrors.js';
import { forbidden, invalid, notSupported } from '../../../machinery/fielderrors.js';
import { isQualifiedName } from '../../../machinery/validation.js';
import type { KubeObject } from '../../types.js';
import { objOf } from '../../apps/v1/helpers.js';

const LEASE_STRATEGIES = ['OldestEmulationVersion'];

/** Upstream's ValidateCoordinatedLeaseStrategy (its path repeats `strategy`, as upstream's does). */
function validateStrategy(strategy: string, path: string): FieldError[] {
  const p = `${path}.strategy`;
  if (!strategy.includes('/')) return LEASE_STRATEGIES.includes(strategy) ? [] : [notSupported(p, strategy, LEASE_STRATEGIES)];
  return isQualifiedName(strategy).map((msg) => invalid(p, strategy, msg));
}

export function validateLease(obj: KubeObject): FieldError[] {
  const spec = objOf(obj['spec']) ?? {};
  const errs: FieldError[] = [];
  const lds = spec['leaseDurationSeconds'];
  if (typeof lds === 'number' && lds <= 0) errs.push(invalid('spec.leaseDurationSeconds', lds, 'must be greater than 0'));
  const lt = spec['leaseTransitions'];
  if (typeof lt === 'number' && lt < 0) errs.push(invalid('spec.leaseTransitions', lt, 'must be greater than or equal to 0'));
  const strategy = spec['strategy'];
  if (typeof strategy === 'string') errs.push(...validateStrategy(strategy, 'spec.strategy'));
  const ph = spec['preferredHolder'];
  if (typeof ph === 'string' && ph !== '' && (typeof strategy !== 'string' || strategy === '')) {
    errs.push(forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  }
  return errs;
}
