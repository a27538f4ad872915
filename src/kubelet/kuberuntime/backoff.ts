/**
 * Per-key exponential back-off as upstream's flowcontrol.Backoff used for CrashLoopBackOff and
 * ImagePullBackOff: the first restart waits `initialMs` (10 s), each later one doubles up to
 * `maxMs` (5 min); a key not failing for 2 × maxMs starts again from the initial delay.
 */
export class Backoff {
  private readonly entries = new Map<string, { delayMs: number; lastMs: number }>();
  constructor(
    readonly initialMs = 10_000,
    readonly maxMs = 300_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The current delay of `key` (0 when it has none). */
  delay(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  /** True while `key` must still wait since `sinceMs` (the failure time) under its current delay. */
  inBackoff(key: string, sinceMs: number): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    return this.now() - sinceMs < e.delayMs;
  }

  /** Milliseconds left to wait (0 when free). */
  remaining(key: string, sinceMs: number): number {
    const e = this.entries.get(key);
    return e ? Math.max(0, e.delayMs - (this.now() - sinceMs)) : 0;
  }

  /** Records a restart of `key`: sets or doubles its delay. */
  next(key: string): number {
    const t = this.now();
    const e = this.entries.get(key);
    if (!e || t - e.lastMs > 2 * this.maxMs) {
      this.entries.set(key, { delayMs: this.initialMs, lastMs: t });
      return this.initialMs;
    }
    e.delayMs = Math.min(e.delayMs * 2, this.maxMs);
    e.lastMs = t;
    return e.delayMs;
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every key with the given prefix (a pod's uid). */
  forgetPrefix(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}
