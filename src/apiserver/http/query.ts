/**
 * Query parameters of resource requests, parsed and checked as upstream does: a bad value of a
 * known parameter is a 400 BadRequest naming the parameter; unknown parameters are ignored.
 */
import { badRequest } from '../../machinery/errors.js';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

export interface RequestQuery {
  pretty: boolean;
  dryRun: boolean;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  timeoutSeconds?: number;
  watch: boolean;
  allowWatchBookmarks: boolean;
  sendInitialEvents?: boolean;
  includeObject?: 'None' | 'Metadata' | 'Object';
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  force?: boolean;
}

function bool(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (v === '' || v === 'true' || v === '1' || v === 'True' || v === 'TRUE' || v === 't' || v === 'T') return true;
  if (v === 'false' || v === '0' || v === 'False' || v === 'FALSE' || v === 'f' || v === 'F') return false;
  throw badRequest(`invalid boolean value "${v}" for parameter "${name}": strconv.ParseBool: parsing "${v}": invalid syntax`);
}

function int(q: URLSearchParams, name: string, min = 0): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid value "${v}" for parameter "${name}": strconv.ParseInt: parsing "${v}": invalid syntax`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw badRequest(`invalid value "${v}" for parameter "${name}": value out of range`);
  if (n < min) throw badRequest(`invalid value "${v}" for parameter "${name}": must be greater than or equal to ${min}`);
  return n;
}

function oneOf<T extends string>(q: URLSearchParams, name: string, allowed: readonly T[]): T | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!(allowed as readonly string[]).includes(v)) {
    throw badRequest(`invalid value "${v}" for parameter "${name}": supported values: ${allowed.map((a) => `"${a}"`).join(', ')}`);
  }
  return v as T;
}

export function parseQuery(q: URLSearchParams): RequestQuery {
  const dryRunValues = q.getAll('dryRun');
  for (const d of dryRunValues) {
    if (d !== 'All' && d !== '') throw badRequest(`Invalid dryRun value: ${d}. Valid values are: All`);
  }
  const rv = q.get('resourceVersion') ?? undefined;
  if (rv !== undefined && rv !== '' && !/^\d+$/.test(rv)) throw badRequest(`invalid resource version "${rv}": must be a non-negative integer`);
  const rvMatch = oneOf(q, 'resourceVersionMatch', ['NotOlderThan', 'Exact'] as const);
  const watch = bool(q, 'watch') ?? false;
  const sendInitialEvents = bool(q, 'sendInitialEvents');
  // A watch-list (sendInitialEvents) may ask NotOlderThan of the latest state with an empty resourceVersion.
  if (rvMatch && !rv && !(watch && sendInitialEvents)) {
    throw badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  }
  if (rvMatch === 'Exact' && rv === '0') throw badRequest('resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  const limit = int(q, 'limit', 0);
  const cont = q.get('continue') || undefined;
  if (cont && rv) throw badRequest('specifying resource version is not allowed when using continue');
  const fieldValidation = oneOf(q, 'fieldValidation', ['Ignore', 'Warn', 'Strict'] as const);
  return {
    pretty: bool(q, 'pretty') ?? false,
    dryRun: dryRunValues.includes('All'),
    fieldManager: q.get('fieldManager') ?? undefined,
    fieldValidation,
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
    limit,
    continueToken: cont,
    resourceVersion: rv === '' ? undefined : rv,
    resourceVersionMatch: rvMatch,
    timeoutSeconds: int(q, 'timeoutSeconds', 0),
    watch,
    allowWatchBookmarks: bool(q, 'allowWatchBookmarks') ?? false,
    sendInitialEvents,
    includeObject: oneOf(q, 'includeObject', ['None', 'Metadata', 'Object'] as const),
    gracePeriodSeconds: int(q, 'gracePeriodSeconds', 0),
    propagationPolicy: oneOf(q, 'propagationPolicy', ['Orphan', 'Background', 'Foreground'] as const),
    orphanDependents: bool(q, 'orphanDependents'),
    force: bool(q, 'force'),
  };
}
