/**
 * Slow-start batches (controller_utils slowStartBatch): runs `fn(0..count-1)` in batches of
 * `initial`, 2·initial, 4·initial, …, each batch concurrently.
 *
 * Contract: after a batch with a failure no further batch starts; the answer counts the successful
 * calls, how many were never attempted, and carries the first failure.
 */
export interface SlowStartResult {
  successes: number;
  skipped: number;
  error?: unknown;
}

export async function slowStartBatch(count: number, initial: number, fn: (index: number) => Promise<void>): Promise<SlowStartResult> {
  let pos = 0;
  let successes = 0;
  for (let batch = Math.min(count, initial); batch > 0; batch = Math.min(2 * batch, count - pos)) {
    const start = pos;
    const results = await Promise.allSettled(Array.from({ length: batch }, (_, i) => fn(start + i)));
    pos += batch;
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += batch - failed.length;
    if (failed.length > 0) return { successes, skipped: count - pos, error: failed[0]!.reason };
  }
  return { successes, skipped: 0 };
}
