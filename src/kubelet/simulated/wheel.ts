/**
 * One ticker for many periodic per-item jobs (lease renewals, node status heartbeats) instead of a
 * timer per item.
 *
 * Contract: item `i` of `count` is handed to `fire` once every `intervalMs`, at offset
 * `(i mod slots) / slots` of the interval, so the work is spread evenly. Ticks missed while the event
 * loop was busy are caught up (each missed slot fires once). `fire` must not throw; it may start
 * async work and return at once.
 */
export class TimerWheel {
  private timer: NodeJS.Timeout | undefined;
  private readonly slots: number;
  private readonly tickMs: number;
  private startedAt = 0;
  private done = 0;

  constructor(
    private readonly count: number,
    readonly intervalMs: number,
    private readonly fire: (index: number) => void,
    tickMs = 100,
  ) {
    this.slots = Math.max(1, Math.round(intervalMs / Math.max(10, tickMs)));
    this.tickMs = intervalMs / this.slots;
  }

  start(): void {
    if (this.timer) return;
    this.startedAt = Date.now();
    this.done = 0;
    this.timer = setInterval(() => this.tick(), this.tickMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const due = Math.floor((Date.now() - this.startedAt) / this.tickMs);
    // Never fire more than one full round in one go: a long stall does not cause a burst of repeats.
    if (due - this.done > this.slots) this.done = due - this.slots;
    while (this.done < due) {
      const slot = this.done % this.slots;
      this.done++;
      for (let i = slot; i < this.count; i += this.slots) this.fire(i);
    }
  }
}
