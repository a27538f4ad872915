/**
 * Slow-start batches (pkg/controller/replicaset slowStartBatch): calls `fn` `count` times in
 * batches of `initial`, 2·initial, 4·initial, … run concurrently within a batch.
 *
 * Contract: after a batch with any failure no further batch starts; the answer counts the
 * successful calls and carries the first failure of that batch.
 */
export interface SlowStartResult {
  successes: number;
  error?: unknown;
}

export async function slowStartBatch(count: number, initial: number, fn: () => Promise<void>): Promise<SlowStartResult> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initial); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += batch - failed.length;
    if (failed.length > 0) return { successes, error: failed[0]!.reason };
    remaining -= batch;
  }
  return { successes };
}
