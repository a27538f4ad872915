import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, parseGoDuration, shortHumanDuration } from './duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const Y = 365 * D;

test('humanDuration (upstream TestHumanDuration)', () => {
  const cases: Array<[number, string]> = [
    [S, '1s'],
    [70 * S, '70s'],
    [190 * S, '3m10s'],
    [70 * M, '70m'],
    [47 * H, '47h'],
    [49 * H, '2d1h'],
    [(8 * 24 + 2) * H, '8d'],
    [367 * 24 * H, '367d'],
    [(365 * 2 * 24 + 25) * H, '2y1d'],
    [(365 * 8 * 24 + 2) * H, '8y'],
  ];
  for (const [d, want] of cases) assert.equal(humanDuration(d), want, String(d));
});

test('humanDuration boundaries (upstream TestHumanDurationBoundaries)', () => {
  const ms = 1;
  const cases: Array<[number, string]> = [
    [-2 * S, '<invalid>'],
    [-2 * S + 0.000001, '0s'],
    [0, '0s'],
    [S - ms, '0s'],
    [2 * M - ms, '119s'],
    [2 * M, '2m'],
    [2 * M + S, '2m1s'],
    [10 * M - ms, '9m59s'],
    [10 * M, '10m'],
    [10 * M + S, '10m'],
    [3 * H - ms, '179m'],
    [3 * H, '3h'],
    [3 * H + M, '3h1m'],
    [8 * H - ms, '7h59m'],
    [8 * H, '8h'],
    [8 * H + 59 * M, '8h'],
    [2 * D - ms, '47h'],
    [2 * D, '2d'],
    [2 * D + H, '2d1h'],
    [8 * D - ms, '7d23h'],
    [8 * D, '8d'],
    [8 * D + 23 * H, '8d'],
    [2 * Y - ms, '729d'],
    [2 * Y, '2y'],
    [2 * Y + 23 * H, '2y'],
    [2 * Y + 23 * H + 59 * M, '2y'],
    [2 * Y + 24 * H - ms, '2y'],
    [2 * Y + 24 * H, '2y1d'],
    [3 * Y, '3y'],
    [7 * Y, '7y'],
    [8 * Y - ms, '7y364d'],
    [8 * Y, '8y'],
    [8 * Y + 364 * D, '8y'],
    [9 * Y, '9y'],
  ];
  for (const [d, want] of cases) assert.equal(humanDuration(d), want, String(d));
});

test('shortHumanDuration boundaries (upstream TestShortHumanDurationBoundaries)', () => {
  const ms = 1;
  const cases: Array<[number, string]> = [
    [-2 * S, '<invalid>'],
    [-2 * S + 0.000001, '0s'],
    [0, '0s'],
    [S - ms, '0s'],
    [S, '1s'],
    [2 * S - ms, '1s'],
    [M - ms, '59s'],
    [M, '1m'],
    [2 * M - ms, '1m'],
    [H - ms, '59m'],
    [H, '1h'],
    [2 * H - ms, '1h'],
    [D - ms, '23h'],
    [D, '1d'],
    [2 * D - ms, '1d'],
    [Y - ms, '364d'],
    [Y, '1y'],
    [2 * Y - ms, '1y'],
    [2 * Y, '2y'],
  ];
  for (const [d, want] of cases) assert.equal(shortHumanDuration(d), want, String(d));
});

test('parseGoDuration reads Go durations and bare seconds', () => {
  assert.equal(parseGoDuration('40s'), 40_000);
  assert.equal(parseGoDuration('1m30s'), 90_000);
  assert.equal(parseGoDuration('500ms'), 500);
  assert.equal(parseGoDuration('1.5h'), 5_400_000);
  assert.equal(parseGoDuration('10'), 10_000);
  assert.throws(() => parseGoDuration('10x'));
  assert.throws(() => parseGoDuration(''));
});
