/**
 * Sync scheduling shared by the proxiers, as upstream's BoundedFrequencyRunner (kube-proxy uses
 * minInterval = --iptables-min-sync-period and a burst of 2):
 * - `request()` schedules a run as soon as the rate limit allows: a token bucket holding `burst`
 *   tokens, refilled one per `minPeriodMs`, each requested run taking one. Requests made while a
 *   run is scheduled fold into it. A Service event followed at once by its EndpointSlice's thus
 *   costs two immediate syncs, not one sync and a second a period later. A failed requested run is
 *   requested again.
 * - `run()` runs the sync now (outside the rate limit), serialized after any running one; its
 *   promise rejects on failure.
 * - `stop()` cancels the scheduled run, makes later `request()`/`run()` no-ops, and waits for the
 *   running one.
 */
import type { Logger } from '../util/logger.js';

export class SyncRunner {
  private running: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private tokens: number;
  private refilledAt = Date.now();

  constructor(
    private readonly syncNow: () => Promise<void>,
    private readonly minPeriodMs: () => number,
    private readonly log: Logger,
    private readonly what: string,
    private readonly burst = 2,
  ) {
    this.tokens = burst;
  }

  request(): void {
    if (this.stopped || this.timer) return;
    this.refill();
    const wait = this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) * this.minPeriodMs());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refill();
      this.tokens = Math.max(0, this.tokens - 1);
      void this.run().catch((e: Error) => {
        this.log.warn({ err: e.message }, `${this.what} failed; retrying`);
        this.request();
      });
    }, wait);
  }

  run(): Promise<void> {
    const p = this.running.catch(() => {}).then(() => (this.stopped ? undefined : this.syncNow()));
    this.running = p;
    return p;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running.catch(() => {});
  }

  private refill(): void {
    const now = Date.now();
    const period = this.minPeriodMs();
    this.tokens = period <= 0 ? this.burst : Math.min(this.burst, this.tokens + (now - this.refilledAt) / period);
    this.refilledAt = now;
  }
}
