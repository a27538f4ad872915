/**
 * Cron schedules as the CronJob controller evaluates them (github.com/robfig/cron/v3 ParseStandard
 * and SpecSchedule.Next), with IANA time zones through Intl.
 *
 * Contracts:
 * - `parseSchedule` parses with `parseCron` of src/api/batch/v1/cron.ts (the parser validation uses:
 *   five fields, ranges, steps, lists, names, descriptors, `@every`, a TZ=/CRON_TZ= prefix) and
 *   throws a `ScheduleError` carrying robfig's message for what it refuses.
 * - `next(afterMs)` is the first activation strictly after `afterMs` (ms since the epoch), as wall
 *   clock in the schedule's zone (DST gaps and repeats as robfig/cron handles them), or undefined
 *   when there is none within five years (e.g. `0 0 30 2 *`).
 * - Day matching follows cron: when both day-of-month and day-of-week are restricted (neither is
 *   `*`/`?`), a day matches when either matches; otherwise both must match.
 */
import { CronParseError, parseCron, type CronFields, type ParsedCron } from '../../api/batch/v1/cron.js';

export class ScheduleError extends Error {}

export interface Schedule {
  /** First activation strictly after `afterMs`, or undefined when none within five years. */
  next(afterMs: number): number | undefined;
}

/**
 * Parses a schedule with the API's parser (the same one validation uses, so the texts match);
 * `defaultZone` applies unless the spec carries a TZ=/CRON_TZ= prefix.
 */
export function parseSchedule(spec: string, defaultZone: string = localZone()): Schedule {
  let parsed: ParsedCron;
  try {
    parsed = parseCron(spec);
  } catch (e) {
    if (e instanceof CronParseError) throw new ScheduleError(e.message);
    throw e;
  }
  if (parsed.kind === 'every') return constantDelay(parsed.ms);
  return specSchedule(parsed.fields, parsed.zone ?? defaultZone);
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

function dayMatches(s: CronFields, w: Wall): boolean {
  const domMatch = s.dom.bits.has(w.day);
  const dowMatch = s.dow.bits.has(w.weekday);
  if (s.dom.star || s.dow.star) return domMatch && dowMatch;
  return domMatch || dowMatch;
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

function specSchedule(s: CronFields, zone: string): Schedule {
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
