/**
 * PodLogOptions from a `/containerLogs` query, as the API server forwards them: `follow`,
 * `previous`, `timestamps` (booleans as Go's strconv.ParseBool reads them), `tailLines`,
 * `limitBytes`, `sinceSeconds` (integers), `sinceTime` (RFC 3339). Throws LogQueryError on a
 * malformed value.
 */
import { parseRfc3339Nano } from '../logs/format.js';

export class LogQueryError extends Error {}

export interface LogQuery {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  limitBytes?: number;
  sinceNs?: bigint;
}

function bool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null || v === '') return false;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  throw new LogQueryError(`invalid value for ${name}: ${JSON.stringify(v)}`);
}

function int(q: URLSearchParams, name: string, min: number): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw new LogQueryError(`invalid value for ${name}: ${JSON.stringify(v)}`);
  const n = Number(v);
  if (n < min) throw new LogQueryError(`${name}: must be greater than ${min === 0 ? 'or equal to 0' : '0'}`);
  return n;
}

export function parseLogQuery(q: URLSearchParams, nowMs: number): LogQuery {
  const out: LogQuery = { follow: bool(q, 'follow'), previous: bool(q, 'previous'), timestamps: bool(q, 'timestamps') };
  out.tailLines = int(q, 'tailLines', 0);
  out.limitBytes = int(q, 'limitBytes', 1);
  const sinceSeconds = int(q, 'sinceSeconds', 1);
  const sinceTime = q.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime) throw new LogQueryError('at most one of `sinceTime` or `sinceSeconds` may be specified');
  if (sinceSeconds !== undefined) out.sinceNs = BigInt(nowMs - sinceSeconds * 1000) * 1_000_000n;
  if (sinceTime) {
    const ns = parseRfc3339Nano(sinceTime);
    if (ns === undefined) throw new LogQueryError(`invalid value for sinceTime: ${JSON.stringify(sinceTime)}`);
    out.sinceNs = ns;
  }
  return out;
}
