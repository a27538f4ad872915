/** Token-bucket rate limiting shared by the REST client and the workqueue. */
import { sleep } from '../util/abort.js';

/**
 * A token bucket holding at most `burst` tokens, refilled at `qps` tokens a second; it starts full.
 * `reserve()` always takes a token and may drive the balance negative: the returned delay is how
 * long the caller must wait before its token is really available (client-go's Reserve/Delay).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(qps > 0) || !(burst >= 1)) throw new Error(`token bucket needs qps > 0 and burst >= 1 (got ${qps}, ${burst})`);
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one token; returns the milliseconds to wait before using it (0 when available now). */
  reserve(): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.qps);
    this.last = t;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.qps) * 1000;
  }

  /** Takes a token only if one is available now. */
  tryTake(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.qps);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Waits for a token. Rejects with the signal's reason when `signal` aborts (the token is spent). */
  async take(signal?: AbortSignal): Promise<void> {
    const d = this.reserve();
    if (d > 0) await sleep(d, signal);
  }
}
