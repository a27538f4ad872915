import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../util/logger.js';
import { BucketRateLimiter, ItemExponentialRateLimiter, MaxOfRateLimiter, WorkQueue, defaultControllerRateLimiter, runWorkers } from './workqueue.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WorkQueue', () => {
  it('merges duplicates while queued and hands keys out FIFO', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    q.add('b');
    q.add('a');
    q.add('c');
    assert.equal(q.len(), 3);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
    assert.equal(await q.get(), 'c');
    assert.equal(q.len(), 0);
  });

  it('never hands out a key being processed; a re-add during processing is queued after done', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    const k = await q.get();
    assert.equal(k, 'a');
    q.add('a');
    q.add('a');
    assert.equal(q.len(), 0, 'processing key is not queued again yet');
    let second: string | undefined;
    void q.get().then((v) => (second = v));
    await wait(5);
    assert.equal(second, undefined);
    q.done('a');
    await wait(1);
    assert.equal(second, 'a', 'handed out once after done');
    q.done('a');
    assert.equal(q.len(), 0);
  });

  it('wakes a waiting getter on add and rejects it on abort', async () => {
    const q = new WorkQueue<string>();
    const p = q.get();
    q.add('x');
    assert.equal(await p, 'x');
    const ctl = new AbortController();
    const p2 = q.get(ctl.signal);
    ctl.abort(new Error('bye'));
    await assert.rejects(p2, /bye/);
    q.add('y');
    assert.equal(await q.get(), 'y', 'an aborted getter does not swallow keys');
  });

  it('addAfter delays, and an earlier pending add wins', async () => {
    const q = new WorkQueue<string>();
    q.addAfter('a', 40);
    q.addAfter('a', 200);
    q.addAfter('b', 0);
    assert.equal(q.len(), 1);
    assert.equal(await q.get(), 'b');
    const t0 = Date.now();
    assert.equal(await q.get(), 'a');
    const dt = Date.now() - t0;
    assert.ok(dt >= 30 && dt < 180, `took ${dt} ms`);
    q.addAfter('c', 100);
    q.addAfter('c', 10);
    const t1 = Date.now();
    assert.equal(await q.get(), 'c');
    assert.ok(Date.now() - t1 < 80);
  });

  it('shutDown drains what is queued, then get answers undefined; adds are ignored', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    const waiting = new WorkQueue<string>();
    const pending = waiting.get();
    waiting.shutDown();
    assert.equal(await pending, undefined);
    q.shutDown();
    q.add('b');
    q.addAfter('c', 1);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), undefined);
  });
});

describe('rate limiters', () => {
  it('per-item exponential back-off: 5 ms doubling up to 1000 s, reset by forget', () => {
    const r = new ItemExponentialRateLimiter<string>();
    assert.deepEqual(
      [r.when('a'), r.when('a'), r.when('a'), r.when('a')],
      [5, 10, 20, 40],
    );
    assert.equal(r.when('b'), 5);
    assert.equal(r.numRequeues('a'), 4);
    for (let i = 0; i < 40; i++) r.when('a');
    assert.equal(r.when('a'), 1_000_000);
    r.forget('a');
    assert.equal(r.numRequeues('a'), 0);
    assert.equal(r.when('a'), 5);
  });

  it('bucket: 100 burst, then 10 a second', () => {
    const r = new BucketRateLimiter<string>(10, 100);
    for (let i = 0; i < 100; i++) assert.equal(r.when(), 0);
    const d1 = r.when();
    const d2 = r.when();
    assert.ok(d1 > 90 && d1 <= 100, String(d1));
    assert.ok(d2 > 190 && d2 <= 200, String(d2));
  });

  it('the default controller limiter takes the larger of both', () => {
    const r = defaultControllerRateLimiter<string>();
    assert.equal(r.when('x'), 5);
    assert.equal(r.when('x'), 10);
    const m = new MaxOfRateLimiter<string>(new ItemExponentialRateLimiter(1, 8), new ItemExponentialRateLimiter(3, 4));
    assert.deepEqual(
      [m.when('k'), m.when('k'), m.when('k')],
      [3, 4, 4],
    );
    assert.equal(m.numRequeues('k'), 3);
    m.forget('k');
    assert.equal(m.when('k'), 3);
  });

  it('addRateLimited delays by the limiter and forget resets', async () => {
    const q = new WorkQueue<string>('t', new ItemExponentialRateLimiter(20, 1000));
    const t0 = Date.now();
    q.addRateLimited('a');
    assert.equal(await q.get(), 'a');
    q.done('a');
    const dt1 = Date.now() - t0;
    const t1 = Date.now();
    q.addRateLimited('a');
    assert.equal(await q.get(), 'a');
    q.done('a');
    const dt2 = Date.now() - t1;
    assert.ok(dt1 >= 15, `first ${dt1}`);
    assert.ok(dt2 >= 35, `second ${dt2}`);
    assert.equal(q.numRequeues('a'), 2);
    q.forget('a');
    assert.equal(q.numRequeues('a'), 0);
  });
});

describe('runWorkers', () => {
  it('retries failures rate-limited, forgets on success, never runs a key twice at once', async () => {
    const q = new WorkQueue<string>('t', new ItemExponentialRateLimiter(2, 50));
    const ctl = new AbortController();
    const attempts = new Map<string, number>();
    const running = new Set<string>();
    let overlap = false;
    let maxParallel = 0;
    const sync = async (key: string) => {
      if (running.has(key)) overlap = true;
      running.add(key);
      maxParallel = Math.max(maxParallel, running.size);
      attempts.set(key, (attempts.get(key) ?? 0) + 1);
      await wait(10);
      // The same key added while it runs must wait for done.
      if (key === 'busy' && attempts.get(key)! < 3) q.add('busy');
      running.delete(key);
      if (key === 'flaky' && attempts.get(key)! < 3) throw new Error('not yet');
    };
    const done = runWorkers(q, 4, sync, ctl.signal, silentLogger);
    q.add('flaky');
    q.add('busy');
    q.add('other');
    await wait(150);
    assert.equal(attempts.get('flaky'), 3, 'retried until it succeeded');
    assert.equal(q.numRequeues('flaky'), 0, 'forgotten after success');
    assert.equal(attempts.get('busy'), 3);
    assert.equal(overlap, false);
    assert.ok(maxParallel >= 2, 'workers run in parallel');
    ctl.abort();
    await done;
    assert.equal(await q.get(), undefined);
  });
});
