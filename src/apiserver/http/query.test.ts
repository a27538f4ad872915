import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../machinery/errors.js';
import { parseQuery } from './query.js';

const q = (s: string) => parseQuery(new URLSearchParams(s));

describe('parseQuery', () => {
  it('parses the known parameters', () => {
    const r = q('limit=500&continue=abc&labelSelector=a%3Db&watch=1&allowWatchBookmarks=true&timeoutSeconds=30&dryRun=All&fieldValidation=Strict&propagationPolicy=Foreground&gracePeriodSeconds=0');
    assert.equal(r.limit, 500);
    assert.equal(r.continueToken, 'abc');
    assert.equal(r.labelSelector, 'a=b');
    assert.equal(r.watch, true);
    assert.equal(r.allowWatchBookmarks, true);
    assert.equal(r.timeoutSeconds, 30);
    assert.equal(r.dryRun, true);
    assert.equal(r.fieldValidation, 'Strict');
    assert.equal(r.propagationPolicy, 'Foreground');
    assert.equal(r.gracePeriodSeconds, 0);
  });

  it('ignores unknown parameters', () => {
    assert.doesNotThrow(() => q('foo=bar&pretty=true'));
  });

  it('answers bad values with 400', () => {
    for (const s of ['limit=x', 'limit=-2', 'watch=maybe', 'resourceVersion=abc', 'dryRun=Some', 'fieldValidation=Loose', 'propagationPolicy=Up', 'resourceVersionMatch=Exact', 'resourceVersion=1&continue=x', 'timeoutSeconds=1.5']) {
      assert.throws(() => q(s), (e: unknown) => e instanceof ApiError && e.code === 400, s);
    }
  });
});
