/** Small concurrency and error helpers shared by controllers and agents. */

/** Runs `fn` over `items` with at most `n` in flight; rejects with the first failure. */
export async function forEachLimit<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/** The message of an Error, or the value as text. */
export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
