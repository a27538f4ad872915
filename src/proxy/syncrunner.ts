/**
 * Sync scheduling shared by the proxiers (upstream's BoundedFrequencyRunner, reduced):
 * - `run()` runs the sync now, serialized after any running one; its promise rejects on failure.
 * - `request()` schedules a run no sooner than `minPeriodMs` after the previous run started;
 *   requests made meanwhile fold into that one run; a failed requested run is requested again.
 * - `stop()` cancels the scheduled run, makes later `request()`/`run()` no-ops, and waits for the
 *   running one.
 */
import type { Logger } from '../util/logger.js';

export class SyncRunner {
  private running: Promise<unknown> = Promise.resolve();
  private lastRunAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly syncNow: () => Promise<void>,
    private readonly minPeriodMs: () => number,
    private readonly log: Logger,
    private readonly what: string,
  ) {}

  request(): void {
    if (this.stopped || this.timer) return;
    const wait = Math.max(0, this.lastRunAt + this.minPeriodMs() - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run().catch((e: Error) => {
        this.log.warn({ err: e.message }, `${this.what} failed; retrying`);
        this.request();
      });
    }, wait);
  }

  run(): Promise<void> {
    const p = this.running.catch(() => {}).then(() => {
      if (this.stopped) return undefined;
      this.lastRunAt = Date.now();
      return this.syncNow();
    });
    this.running = p;
    return p;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running.catch(() => {});
  }
}
