/**
 * CronJob schedules: the one parser (`parseCron`, used by validation and by the cronjob
 * controller, which evaluates the parsed fields) and time zone checks, with the error texts
 * upstream's validation produces: schedules parse as github.com/robfig/cron/v3 ParseStandard
 * does (five fields, `@hourly` style descriptors, `@every <duration>`, an optional
 * `TZ=`/`CRON_TZ=` prefix), time zones as Go's time.LoadLocation (IANA names, checked against the
 * runtime's ICU data).
 */
import { parseGoDuration } from '../../../machinery/duration.js';

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const SECONDS: Bounds = { min: 0, max: 59 };
const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };


class CronError extends Error {}

/** Go's strconv.Quote for the ASCII-printable strings these messages carry. */
const goQuote = (s: string): string => JSON.stringify(s);

const MAX_INT64 = 9223372036854775807n;

/** strconv.Atoi's accepted syntax and errors. */
function atoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new CronError(`strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`);
  const big = BigInt(s);
  if (big > MAX_INT64 || big < -MAX_INT64 - 1n) throw new CronError(`strconv.Atoi: parsing ${goQuote(s)}: value out of range`);
  return Number(big);
}

function mustParseInt(expr: string): number {
  let n: number;
  try {
    n = atoi(expr);
  } catch (e) {
    throw new CronError(`failed to parse int from ${expr}: ${(e as Error).message}`);
  }
  if (n < 0) throw new CronError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, names: Record<string, number> | undefined): number {
  const named = names?.[expr.toLowerCase()];
  if (named !== undefined) return named;
  return mustParseInt(expr);
}

/** A field's allowed values, and whether it was `*`/`?` without a step above 1 (robfig's starBit). */
export interface CronField {
  bits: Set<number>;
  star: boolean;
}

function parseRange(expr: string, r: Bounds, into: CronField): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = r.min;
    end = r.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0]!, r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, r.names);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  let step: number;
  if (rangeAndStep.length === 1) step = 1;
  else if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]!);
    if (singleDigit) end = r.max;
    if (step > 1) star = false;
  } else throw new CronError(`too many slashes: ${expr}`);
  if (start < r.min) throw new CronError(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new CronError(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) into.bits.add(v);
  if (star) into.star = true;
}

function parseField(field: string, r: Bounds): CronField {
  const f: CronField = { bits: new Set(), star: false };
  for (const expr of field.split(',')) {
    if (expr !== '') parseRange(expr, r, f);
  }
  return f;
}

const DURATION_UNITS = new Set(['ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h']);

/** time.ParseDuration's syntax and error texts. */
function checkGoDuration(s: string): void {
  const orig = s;
  const bad = (): CronError => new CronError(`time: invalid duration ${goQuote(orig)}`);
  if (s.startsWith('-') || s.startsWith('+')) s = s.slice(1);
  if (s === '0') return;
  if (s === '') throw bad();
  while (s !== '') {
    const m = /^([0-9]*)(\.([0-9]*))?/.exec(s)!;
    const intPart = m[1] ?? '';
    const frac = m[3];
    if (intPart === '' && (frac === undefined || frac === '')) throw bad();
    s = s.slice(m[0].length);
    let i = 0;
    while (i < s.length && s[i] !== '.' && !(s[i]! >= '0' && s[i]! <= '9')) i++;
    if (i === 0) throw new CronError(`time: missing unit in duration ${goQuote(orig)}`);
    const unit = s.slice(0, i);
    if (!DURATION_UNITS.has(unit)) throw new CronError(`time: unknown unit ${goQuote(unit)} in duration ${goQuote(orig)}`);
    s = s.slice(i);
  }
}

/** Go's fmt `%s` of a []string: `[a b c]`. */
const goList = (xs: string[]): string => `[${xs.join(' ')}]`;

export interface CronFields {
  minute: CronField;
  hour: CronField;
  dom: CronField;
  month: CronField;
  dow: CronField;
}

/** A parsed schedule: wall-clock fields (in `zone` when the spec named one), or a constant delay. */
export type ParsedCron = { kind: 'fields'; zone?: string; fields: CronFields } | { kind: 'every'; zone?: string; ms: number };

const all = (r: Bounds): CronField => parseField('*', r);
const one = (v: number): CronField => ({ bits: new Set([v]), star: false });

const DESCRIPTORS: Record<string, () => CronFields> = {
  '@yearly': () => ({ minute: one(0), hour: one(0), dom: one(1), month: one(1), dow: all(DOW) }),
  '@annually': () => DESCRIPTORS['@yearly']!(),
  '@monthly': () => ({ minute: one(0), hour: one(0), dom: one(1), month: all(MONTHS), dow: all(DOW) }),
  '@weekly': () => ({ minute: one(0), hour: one(0), dom: all(DOM), month: all(MONTHS), dow: one(0) }),
  '@daily': () => ({ minute: one(0), hour: one(0), dom: all(DOM), month: all(MONTHS), dow: all(DOW) }),
  '@midnight': () => DESCRIPTORS['@daily']!(),
  '@hourly': () => ({ minute: one(0), hour: all(HOURS), dom: all(DOM), month: all(MONTHS), dow: all(DOW) }),
};

/** Thrown by `parseCron` with robfig's error text. */
export class CronParseError extends Error {}

/** robfig/cron v3 ParseStandard. Throws CronParseError with the parser's error text. */
export function parseCron(spec: string): ParsedCron {
  try {
    let zone: string | undefined;
    if (spec.length === 0) throw new CronError('empty spec string');
    if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
      const sp = spec.indexOf(' ');
      const eq = spec.indexOf('=');
      const name = sp < 0 ? spec.slice(eq + 1) : spec.slice(eq + 1, sp);
      const tzErr = loadLocationError(name);
      if (tzErr) throw new CronError(`provided bad location ${name}: ${tzErr}`);
      zone = name === '' ? 'UTC' : name;
      spec = sp < 0 ? '' : spec.slice(sp).trim();
    }
    if (spec.startsWith('@')) {
      const d = DESCRIPTORS[spec];
      if (d) return { kind: 'fields', zone, fields: d() };
      if (spec.startsWith('@every ')) {
        const text = spec.slice('@every '.length);
        try {
          checkGoDuration(text);
        } catch (e) {
          throw new CronError(`failed to parse duration ${spec}: ${(e as Error).message}`);
        }
        let ms = 0;
        try {
          ms = parseGoDuration(text.replace('μs', 'µs'));
        } catch {
          ms = 0;
        }
        return { kind: 'every', zone, ms };
      }
      throw new CronError(`unrecognized descriptor: ${spec}`);
    }
    const fields = spec.split(/\s+/).filter((f) => f !== '');
    if (fields.length !== 5) throw new CronError(`expected exactly 5 fields, found ${fields.length}: ${goList(fields)}`);
    parseField('0', SECONDS);
    return {
      kind: 'fields',
      zone,
      fields: {
        minute: parseField(fields[0]!, MINUTES),
        hour: parseField(fields[1]!, HOURS),
        dom: parseField(fields[2]!, DOM),
        month: parseField(fields[3]!, MONTHS),
        dow: parseField(fields[4]!, DOW),
      },
    };
  } catch (e) {
    if (e instanceof CronError) throw new CronParseError(e.message);
    throw e;
  }
}

/** robfig/cron v3 ParseStandard's error text, or undefined when the schedule parses. */
export function cronScheduleError(spec: string): string | undefined {
  try {
    parseCron(spec);
    return undefined;
  } catch (e) {
    if (e instanceof CronParseError) return e.message;
    throw e;
  }
}

let canonicalZones: Set<string> | undefined;

/**
 * time.LoadLocation's error text for a zone name (`unknown time zone X`), or undefined when the
 * zone exists. "" and "UTC" are always known, as in Go; names are case-sensitive.
 */
export function loadLocationError(name: string): string | undefined {
  if (name === '' || name === 'UTC') return undefined;
  if (name === 'Local') return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return `unknown time zone ${name}`;
  }
  canonicalZones ??= new Set(
    (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [],
  );
  if (canonicalZones.has(name) || resolved === name) return undefined;
  // ICU matches case-insensitively; the zoneinfo database does not.
  if (resolved.toLowerCase() === name.toLowerCase()) return `unknown time zone ${name}`;
  return undefined;
}

const TZ_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

/** Upstream's validateTimeZone messages for a set timeZone field (empty list = valid). */
export function timeZoneErrors(tz: string): string[] {
  if (tz.length === 0) return ['timeZone must be nil or non-empty string'];
  for (const part of tz.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !TZ_PART.test(part)) return [`unknown time zone ${tz}`];
  }
  const errs: string[] = [];
  if (tz.toLowerCase() === 'local') errs.push('timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones');
  const le = loadLocationError(tz);
  if (le) errs.push(le);
  return errs;
}
