/** Test helpers for the source tests: collect updates and wait for the next one. */
import type { SourceUpdate } from './podset.js';

export class Updates {
  private readonly queue: SourceUpdate[] = [];
  private waiter: ((u: SourceUpdate) => void) | undefined;
  readonly all: SourceUpdate[] = [];

  readonly push = (u: SourceUpdate): void => {
    this.all.push(u);
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(u);
    } else {
      this.queue.push(u);
    }
  };

  /** The next update, or a rejection after `ms`. */
  next(ms = 3000): Promise<SourceUpdate> {
    const q = this.queue.shift();
    if (q) return Promise.resolve(q);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no update within ${ms} ms`));
      }, ms);
      this.waiter = (u) => {
        clearTimeout(t);
        resolve(u);
      };
    });
  }

  /** Resolves true when no update arrives within `ms`. */
  async none(ms: number): Promise<boolean> {
    if (this.queue.length > 0) return false;
    const n = this.all.length;
    await new Promise((r) => setTimeout(r, ms));
    return this.all.length === n;
  }
}

export const names = (u: SourceUpdate): string[] => u.pods.map((p) => `${p.metadata!.namespace}/${p.metadata!.name}`);
