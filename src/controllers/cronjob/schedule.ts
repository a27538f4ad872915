/**
 * Cron schedules as the CronJob controller evaluates them (github.com/robfig/cron/v3 ParseStandard
 * and SpecSchedule.Next), with IANA time zones through Intl.
 *
 * Contracts:
 * - `parseSchedule` accepts five fields (minute hour day-of-month month day-of-week) with `*`, `?`,
 *   ranges `a-b`, steps `/n`, lists `a,b`, month and weekday names (JAN, MON; case-insensitive),
 *   the descriptors `@yearly @annually @monthly @weekly @daily @midnight @hourly`, `@every <go
 *   duration>`, and an optional `TZ=<zone> ` / `CRON_TZ=<zone> ` prefix. It throws a
 *   `ScheduleError` carrying robfig's message otherwise.
 * - `next(afterMs)` is the first activation strictly after `afterMs` (ms since the epoch), as wall
 *   clock in the schedule's zone (DST gaps and repeats as robfig/cron handles them), or undefined
 *   when there is none within five years (e.g. `0 0 30 2 *`).
 * - Day matching follows cron: when both day-of-month and day-of-week are restricted (neither is
 *   `*`/`?`), a day matches when either matches; otherwise both must match.
 */
import { parseGoDuration } from '../../machinery/duration.js';

export class ScheduleError extends Error {}

export interface Schedule {
  /** First activation strictly after `afterMs`, or undefined when none within five years. */
  next(afterMs: number): number | undefined;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/** A set of allowed values plus whether the field was `*`/`?` (robfig's starBit). */
interface Field {
  bits: Set<number>;
  star: boolean;
}

function parseInt10(expr: string): number {
  if (!/^[0-9]+$/.test(expr)) throw new ScheduleError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  return Number(expr);
}

function intOrName(expr: string, b: Bounds): number {
  const named = b.names?.[expr.toLowerCase()];
  return named ?? parseInt10(expr);
}

function parseRange(expr: string, b: Bounds, into: Field): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  const single = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = intOrName(lowAndHigh[0]!, b);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = intOrName(lowAndHigh[1]!, b);
    else throw new ScheduleError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseInt10(rangeAndStep[1]!);
    if (single) end = b.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) throw new ScheduleError(`too many slashes: ${expr}`);
  if (start < b.min) throw new ScheduleError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new ScheduleError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new ScheduleError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new ScheduleError(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) into.bits.add(v);
  if (star) into.star = true;
}

function parseField(field: string, b: Bounds): Field {
  const f: Field = { bits: new Set(), star: false };
  for (const expr of field.split(',')) parseRange(expr, b, f);
  return f;
}

const all = (b: Bounds): Field => parseField('*', b);
const one = (v: number): Field => ({ bits: new Set([v]), star: false });

interface Spec {
  minute: Field;
  hour: Field;
  dom: Field;
  month: Field;
  dow: Field;
}

const DESCRIPTORS: Record<string, () => Spec> = {
  '@yearly': () => ({ minute: one(0), hour: one(0), dom: one(1), month: one(1), dow: all(DOW) }),
  '@annually': () => DESCRIPTORS['@yearly']!(),
  '@monthly': () => ({ minute: one(0), hour: one(0), dom: one(1), month: all(MONTHS), dow: all(DOW) }),
  '@weekly': () => ({ minute: one(0), hour: one(0), dom: all(DOM), month: all(MONTHS), dow: one(0) }),
  '@daily': () => ({ minute: one(0), hour: one(0), dom: all(DOM), month: all(MONTHS), dow: all(DOW) }),
  '@midnight': () => DESCRIPTORS['@daily']!(),
  '@hourly': () => ({ minute: one(0), hour: all(HOURS), dom: all(DOM), month: all(MONTHS), dow: all(DOW) }),
};

/** Parses a schedule; `defaultZone` applies unless the spec carries a TZ=/CRON_TZ= prefix. */
export function parseSchedule(spec: string, defaultZone: string = localZone()): Schedule {
  if (spec.length === 0) throw new ScheduleError('empty spec string');
  let zone = defaultZone;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const sp = spec.indexOf(' ');
    const eq = spec.indexOf('=');
    const name = sp < 0 ? spec.slice(eq + 1) : spec.slice(eq + 1, sp);
    if (!isKnownZone(name)) throw new ScheduleError(`provided bad location ${name}: unknown time zone ${name}`);
    zone = name === '' ? 'UTC' : name;
    spec = sp < 0 ? '' : spec.slice(sp).trim();
  }
  if (spec.startsWith('@every ')) {
    let ms: number;
    try {
      ms = parseGoDuration(spec.slice('@every '.length));
    } catch (e) {
      throw new ScheduleError(`failed to parse duration ${spec}: ${(e as Error).message}`);
    }
    return constantDelay(ms);
  }
  if (spec.startsWith('@')) {
    const d = DESCRIPTORS[spec];
    if (!d) throw new ScheduleError(`unrecognized descriptor: ${spec}`);
    return specSchedule(d(), zone);
  }
  const fields = spec.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) throw new ScheduleError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  return specSchedule(
    {
      minute: parseField(fields[0]!, MINUTES),
      hour: parseField(fields[1]!, HOURS),
      dom: parseField(fields[2]!, DOM),
      month: parseField(fields[3]!, MONTHS),
      dow: parseField(fields[4]!, DOW),
    },
    zone,
  );
}

/** robfig's ConstantDelaySchedule: whole seconds, at least one. */
function constantDelay(ms: number): Schedule {
  const delay = Math.max(1000, Math.floor(ms / 1000) * 1000);
  return { next: (after) => after - (after % 1000) + delay };
}

// ---- wall clock in a zone -------------------------------------------------------------------------

/** The process's local IANA zone (Go's time.Local), `UTC` when unknown. */
export function localZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** True for `''`, `UTC` and zones Intl knows (names as Go's LoadLocation accepts them). */
export function isKnownZone(name: string): boolean {
  if (name === '' || name === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

interface Wall {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

function wallOf(ms: number, zone: string): Wall {
  if (zone === 'UTC') {
    const d = new Date(ms);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), weekday: d.getUTCDay() };
  }
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const w = { year: parts['year']!, month: parts['month']!, day: parts['day']!, hour: parts['hour']! % 24, minute: parts['minute']!, second: parts['second']!, weekday: 0 };
  w.weekday = new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
  return w;
}

/** The zone's UTC offset (ms) at instant `ms`. */
function offsetAt(ms: number, zone: string): number {
  if (zone === 'UTC') return 0;
  const base = Math.floor(ms / 1000) * 1000;
  const w = wallOf(base, zone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - base;
}

/** Go's time.Date in `zone`: fields are normalised (month 13 = next January); gaps resolved as Go does. */
function dateIn(zone: string, year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const wallUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const o1 = offsetAt(wallUtc, zone);
  let utc = wallUtc - o1;
  const o2 = offsetAt(utc, zone);
  if (o2 !== o1) utc = wallUtc - o2;
  return utc;
}

// ---- SpecSchedule.Next ---------------------------------------------------------------------------

function dayMatches(s: Spec, w: Wall): boolean {
  const domMatch = s.dom.bits.has(w.day);
  const dowMatch = s.dow.bits.has(w.weekday);
  if (s.dom.star || s.dow.star) return domMatch && dowMatch;
  return domMatch || dowMatch;
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

function specSchedule(s: Spec, zone: string): Schedule {
  return {
    next(after: number): number | undefined {
      // Start at the next whole second after `after`.
      let t = after - (((after % 1000) + 1000) % 1000) + 1000;
      let added = false;
      const yearLimit = wallOf(t, zone).year + 5;
      wrap: for (;;) {
        let w = wallOf(t, zone);
        if (w.year > yearLimit) return undefined;
        while (!s.month.bits.has(w.month)) {
          if (!added) {
            added = true;
            t = dateIn(zone, w.year, w.month, 1, 0, 0, 0);
            w = wallOf(t, zone);
          }
          t = dateIn(zone, w.year, w.month + 1, w.day, w.hour, w.minute, w.second);
          w = wallOf(t, zone);
          if (w.month === 1) continue wrap;
        }
        while (!dayMatches(s, w)) {
          if (!added) {
            added = true;
            t = dateIn(zone, w.year, w.month, w.day, 0, 0, 0);
            w = wallOf(t, zone);
          }
          t = dateIn(zone, w.year, w.month, w.day + 1, w.hour, w.minute, w.second);
          w = wallOf(t, zone);
          // DST may move midnight: push back to 00:00.
          if (w.hour !== 0) {
            t = w.hour > 12 ? t + (24 - w.hour) * HOUR_MS : t - w.hour * HOUR_MS;
            w = wallOf(t, zone);
          }
          if (w.day === 1) continue wrap;
        }
        while (!s.hour.bits.has(w.hour)) {
          if (!added) {
            added = true;
            t = dateIn(zone, w.year, w.month, w.day, w.hour, 0, 0);
            w = wallOf(t, zone);
          }
          t += HOUR_MS;
          w = wallOf(t, zone);
          if (w.hour === 0) continue wrap;
        }
        while (!s.minute.bits.has(w.minute)) {
          if (!added) {
            added = true;
            t -= ((t % MINUTE_MS) + MINUTE_MS) % MINUTE_MS;
            w = wallOf(t, zone);
          }
          t += MINUTE_MS;
          w = wallOf(t, zone);
          if (w.minute === 0) continue wrap;
        }
        // Seconds field is always 0 for standard schedules.
        while (w.second !== 0) {
          if (!added) {
            added = true;
            t -= ((t % 1000) + 1000) % 1000;
          }
          t += 1000;
          w = wallOf(t, zone);
          if (w.second === 0) continue wrap;
        }
        return t;
      }
    },
  };
}

/** Go's time.RFC3339 of instant `ms` in `zone` (`Z` when the offset is zero). */
export function formatInZone(ms: number, zone: string): string {
  const z = zone === '' ? 'UTC' : zone;
  const base = Math.floor(ms / 1000) * 1000;
  const w = wallOf(base, z);
  const off = offsetAt(base, z) / 60_000;
  const p2 = (n: number) => String(n).padStart(2, '0');
  const date = `${String(w.year).padStart(4, '0')}-${p2(w.month)}-${p2(w.day)}T${p2(w.hour)}:${p2(w.minute)}:${p2(w.second)}`;
  if (off === 0) return `${date}Z`;
  const a = Math.abs(off);
  return `${date}${off < 0 ? '-' : '+'}${p2(Math.floor(a / 60))}:${p2(a % 60)}`;
}
