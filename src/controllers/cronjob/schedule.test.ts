import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatInZone, parseSchedule, ScheduleError } from './schedule.js';

const at = (s: string): number => Date.parse(s);
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z'));

/** The first `n` activations after `from`. */
function runs(spec: string, from: string, n: number, zone = 'UTC'): (string | undefined)[] {
  const s = parseSchedule(spec, zone);
  const out: (string | undefined)[] = [];
  let t: number | undefined = at(from);
  for (let i = 0; i < n && t !== undefined; i++) {
    t = s.next(t);
    out.push(iso(t));
  }
  return out;
}

describe('cron schedule parsing', () => {
  it('steps, ranges and lists', () => {
    assert.deepEqual(runs('*/15 * * * *', '2024-05-01T10:07:00Z', 3), ['2024-05-01T10:15:00Z', '2024-05-01T10:30:00Z', '2024-05-01T10:45:00Z']);
    assert.deepEqual(runs('5,10-12 * * * *', '2024-05-01T10:07:00Z', 4), ['2024-05-01T10:10:00Z', '2024-05-01T10:11:00Z', '2024-05-01T10:12:00Z', '2024-05-01T11:05:00Z']);
    assert.deepEqual(runs('0 9-17/4 * * *', '2024-05-01T10:00:00Z', 3), ['2024-05-01T13:00:00Z', '2024-05-01T17:00:00Z', '2024-05-02T09:00:00Z']);
    // `N/step` means N-max/step.
    assert.deepEqual(runs('50/5 * * * *', '2024-05-01T10:00:00Z', 3), ['2024-05-01T10:50:00Z', '2024-05-01T10:55:00Z', '2024-05-01T11:50:00Z']);
  });

  it('an activation exactly at `after` is not returned', () => {
    assert.deepEqual(runs('0 * * * *', '2024-05-01T10:00:00Z', 1), ['2024-05-01T11:00:00Z']);
    assert.deepEqual(runs('0 * * * *', '2024-05-01T09:59:59.500Z', 1), ['2024-05-01T10:00:00Z']);
  });

  it('month and weekday names, any case', () => {
    assert.deepEqual(runs('0 0 1 jan *', '2024-05-01T00:00:00Z', 1), ['2025-01-01T00:00:00Z']);
    // 2024-05-01 is a Wednesday.
    assert.deepEqual(runs('30 8 * * MON-FRI', '2024-05-03T09:00:00Z', 2), ['2024-05-06T08:30:00Z', '2024-05-07T08:30:00Z']);
    assert.deepEqual(runs('0 12 * MAR,Sep sun', '2024-05-01T00:00:00Z', 1), ['2024-09-01T12:00:00Z']);
  });

  it('restricted day-of-month and day-of-week match either', () => {
    // The 13th, or any Friday (2024-09-13 is a Friday, 2024-09-06 too).
    assert.deepEqual(runs('0 0 13 * FRI', '2024-09-01T00:00:00Z', 3), ['2024-09-06T00:00:00Z', '2024-09-13T00:00:00Z', '2024-09-20T00:00:00Z']);
    // With one side `*` both must match: every day in the month range.
    assert.deepEqual(runs('0 0 * * 1', '2024-09-01T00:00:00Z', 1), ['2024-09-02T00:00:00Z']);
  });

  it('descriptors', () => {
    assert.deepEqual(runs('@hourly', '2024-05-01T10:07:00Z', 1), ['2024-05-01T11:00:00Z']);
    assert.deepEqual(runs('@daily', '2024-05-01T10:07:00Z', 1), ['2024-05-02T00:00:00Z']);
    assert.deepEqual(runs('@midnight', '2024-05-01T10:07:00Z', 1), ['2024-05-02T00:00:00Z']);
    assert.deepEqual(runs('@weekly', '2024-05-01T10:07:00Z', 1), ['2024-05-05T00:00:00Z']);
    assert.deepEqual(runs('@monthly', '2024-05-01T10:07:00Z', 1), ['2024-06-01T00:00:00Z']);
    assert.deepEqual(runs('@yearly', '2024-05-01T10:07:00Z', 1), ['2025-01-01T00:00:00Z']);
    assert.deepEqual(runs('@annually', '2024-05-01T10:07:00Z', 1), ['2025-01-01T00:00:00Z']);
    assert.deepEqual(runs('@every 90s', '2024-05-01T10:00:00.400Z', 2), ['2024-05-01T10:01:30Z', '2024-05-01T10:03:00Z']);
  });

  it('leap days and impossible dates', () => {
    assert.deepEqual(runs('0 0 29 2 *', '2024-03-01T00:00:00Z', 1), ['2028-02-29T00:00:00Z']);
    assert.deepEqual(runs('0 0 30 2 *', '2024-03-01T00:00:00Z', 1), [undefined]);
    assert.deepEqual(runs('0 0 31 * *', '2024-04-01T00:00:00Z', 1), ['2024-05-31T00:00:00Z']);
  });

  it("rejects what robfig/cron rejects, with its messages", () => {
    const err = (s: string) => {
      try {
        parseSchedule(s, 'UTC');
      } catch (e) {
        assert.ok(e instanceof ScheduleError);
        return (e as Error).message;
      }
      return undefined;
    };
    assert.equal(err('* * * *'), 'expected exactly 5 fields, found 4: [* * * *]');
    assert.equal(err('60 * * * *'), 'end of range (60) above maximum (59): 60');
    assert.equal(err('* * 0 * *'), 'beginning of range (0) below minimum (1): 0');
    assert.equal(err('5-1 * * * *'), 'beginning of range (5) beyond end of range (1): 5-1');
    assert.equal(err('*/0 * * * *'), 'step of range should be a positive number: */0');
    assert.equal(err('@fortnightly'), 'unrecognized descriptor: @fortnightly');
    assert.equal(err('* * * * 7'), 'end of range (7) above maximum (6): 7');
    assert.equal(err(''), 'empty spec string');
    assert.match(err('x * * * *')!, /^failed to parse int from x/);
    assert.equal(err('TZ=Nowhere/City * * * * *'), 'provided bad location Nowhere/City: unknown time zone Nowhere/City');
  });
});

describe('cron schedules in time zones', () => {
  it('reads wall clock in the zone (standard and summer time)', () => {
    assert.deepEqual(runs('0 9 * * *', '2024-01-10T00:00:00Z', 1, 'America/New_York'), ['2024-01-10T14:00:00Z']);
    assert.deepEqual(runs('0 9 * * *', '2024-07-10T00:00:00Z', 1, 'America/New_York'), ['2024-07-10T13:00:00Z']);
    assert.deepEqual(runs('0 9 * * *', '2024-07-10T00:00:00Z', 1, 'Asia/Kolkata'), ['2024-07-10T03:30:00Z']);
    assert.deepEqual(runs('TZ=Asia/Tokyo 0 9 * * *', '2024-07-10T00:00:00Z', 1, 'UTC'), ['2024-07-11T00:00:00Z']);
    assert.deepEqual(runs('CRON_TZ=Europe/Berlin 0 0 * * *', '2024-07-10T00:00:00Z', 1, 'UTC'), ['2024-07-10T22:00:00Z']);
  });

  it('skips a time in the spring-forward gap that day, as robfig/cron', () => {
    // 2024-03-10 02:00 EST → 03:00 EDT: 02:30 does not exist that day.
    assert.deepEqual(runs('30 2 * * *', '2024-03-09T12:00:00Z', 2, 'America/New_York'), ['2024-03-11T06:30:00Z', '2024-03-12T06:30:00Z']);
  });

  it('hourly schedules across the fall-back repeat', () => {
    // 2024-11-03 02:00 EDT → 01:00 EST; the first 01:30 (EDT) comes first.
    assert.deepEqual(runs('30 1 * * *', '2024-11-03T04:00:00Z', 1, 'America/New_York'), ['2024-11-03T05:30:00Z']);
    assert.deepEqual(runs('0 * * * *', '2024-11-03T04:30:00Z', 3, 'America/New_York'), ['2024-11-03T05:00:00Z', '2024-11-03T06:00:00Z', '2024-11-03T07:00:00Z']);
  });

  it('formats the scheduled timestamp as Go RFC 3339 in a zone', () => {
    assert.equal(formatInZone(at('2024-07-10T13:00:00Z'), 'America/New_York'), '2024-07-10T09:00:00-04:00');
    assert.equal(formatInZone(at('2024-07-10T03:30:00Z'), 'Asia/Kolkata'), '2024-07-10T09:00:00+05:30');
    assert.equal(formatInZone(at('2024-01-10T09:00:00Z'), 'Europe/London'), '2024-01-10T09:00:00Z');
    assert.equal(formatInZone(at('2024-01-10T09:00:00Z'), 'UTC'), '2024-01-10T09:00:00Z');
  });
});
