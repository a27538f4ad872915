import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PodObj } from '../common/podutil.js';
import { duplicatedIndexPodsForRemoval, firstPendingIndexes, generateNameWithIndex, Intervals, parseIndexes } from './indexes.js';
import { BackoffStore, remainingMs } from './backoff.js';

const pod = (name: string, ix?: string, phase = 'Running', finishedAt?: string): PodObj =>
  ({
    metadata: { name, annotations: ix === undefined ? {} : { 'batch.kubernetes.io/job-completion-index': ix } },
    spec: { nodeName: 'n' },
    status: {
      phase,
      ...(finishedAt ? { containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, finishedAt } } }] } : {}),
    },
  }) as PodObj;

describe('completion indexes', () => {
  it('renders and parses completedIndexes as upstream', () => {
    assert.equal(new Intervals().withOrderedIndexes([0, 1, 2, 4, 6, 7, 9]).toString(), '0-2,4,6,7,9');
    assert.equal(parseIndexes('0-2,4,6,7,9', 10).toString(), '0-2,4,6,7,9');
    assert.equal(parseIndexes('1,3-8,x,12', 5).toString(), '1,3,4');
    assert.equal(parseIndexes('', 5).total(), 0);
    const iv = parseIndexes('1,3-5', 10);
    assert.equal(iv.total(), 4);
    assert.ok(iv.has(4) && !iv.has(2));
    assert.equal(iv.withOrderedIndexes([2]).toString(), '1-5');
  });

  it('picks the lowest pending indexes', () => {
    assert.deepEqual(firstPendingIndexes(parseIndexes('0,2-3', 10), 3, 10), [1, 4, 5]);
    assert.deepEqual(firstPendingIndexes(parseIndexes('0-3', 5), 3, 5), [4]);
    assert.deepEqual(firstPendingIndexes(new Intervals(), 2, 1), [0]);
  });

  it('removes pods with unknown, out-of-range or repeated indexes', () => {
    const { rm, left } = duplicatedIndexPodsForRemoval([pod('a', '0'), pod('b'), pod('c', '7'), pod('d', '1'), pod('e', '1', 'Pending')], 3);
    assert.deepEqual(rm.map((p) => p.metadata?.name).sort(), ['b', 'c', 'e']);
    assert.deepEqual(left.map((p) => p.metadata?.name).sort(), ['a', 'd']);
  });

  it('names indexed pods <job>-<index>- within 58 characters', () => {
    assert.equal(generateNameWithIndex('pi', 3), 'pi-3-');
    const long = 'x'.repeat(70);
    assert.equal(generateNameWithIndex(long, 12), `${'x'.repeat(54)}-12-`);
  });
});

describe('pod failure back-off', () => {
  it('counts failures since the last success and doubles the delay', () => {
    const s = new BackoffStore();
    const t = Date.parse('2024-05-01T10:00:00Z');
    let r = s.next('k', [], [pod('f1', undefined, 'Failed', '2024-05-01T10:00:00Z')]);
    assert.equal(r.failuresAfterLastSuccess, 1);
    assert.equal(remainingMs(r, t + 4000), 6000);
    s.store(r);
    r = s.next('k', [], [pod('f2', undefined, 'Failed', '2024-05-01T10:00:20Z')]);
    assert.equal(r.failuresAfterLastSuccess, 2);
    assert.equal(remainingMs(r, t + 20_000), 20_000);
    assert.equal(remainingMs(r, t + 41_000), 0);
    s.store(r);
    // A success resets; failures after it still count.
    r = s.next('k', [pod('s', undefined, 'Succeeded', '2024-05-01T10:01:00Z')], [pod('f3', undefined, 'Failed', '2024-05-01T10:01:05Z')]);
    assert.equal(r.failuresAfterLastSuccess, 1);
    assert.equal(remainingMs({ key: 'k', failuresAfterLastSuccess: 20, lastFailureTime: t }, t), 600_000);
  });
});
