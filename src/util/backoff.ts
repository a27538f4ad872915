/** Exponential back-off with jitter: delay(n) = min(max, base * 2^n) * (1 + jitter * rand). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, jitter = 0.2): number {
  const d = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return d * (1 + jitter * Math.random());
}
