import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { slowStartBatch } from './slowstart.js';

describe('slowStartBatch', () => {
  it('runs batches of 1, 2, 4, … up to the count', async () => {
    const sizes: number[] = [];
    let inFlight = 0;
    const res = await slowStartBatch(10, 1, async () => {
      if (inFlight === 0) sizes.push(0);
      inFlight++;
      sizes[sizes.length - 1]!++;
      await new Promise((r) => setImmediate(r));
      inFlight--;
    });
    assert.deepEqual(sizes, [1, 2, 4, 3]);
    assert.deepEqual(res, { successes: 10 });
  });

  it('stops after the first batch with a failure and counts its successes', async () => {
    let calls = 0;
    const res = await slowStartBatch(100, 1, async () => {
      calls++;
      if (calls === 5) throw new Error('boom');
    });
    assert.equal(calls, 7, 'batches 1, 2, 4: the failure is in the third');
    assert.equal(res.successes, 6);
    assert.equal((res.error as Error).message, 'boom');
  });

  it('does nothing for zero', async () => {
    assert.deepEqual(await slowStartBatch(0, 1, async () => assert.fail()), { successes: 0 });
  });
});
