/**
 * The controllers' work queue, with client-go's semantics:
 *
 * - `add(key)` is a no-op while the key is already waiting (duplicates merge).
 * - A key handed out by `get` is "processing" until `done(key)`; it is not handed out again
 *   meanwhile. If it was added while processing, `done` puts it back in the queue once.
 * - Keys are handed out in the order they became ready (FIFO).
 * - `addAfter(key, ms)` adds the key after a delay; several pending delays keep the earliest.
 * - `addRateLimited(key)` delays by the rate limiter's answer for the key (per-key exponential
 *   back-off from 5 ms doubling to 1000 s, and an overall 10 qps / 100 burst bucket: the larger
 *   wins); `forget(key)` resets the key's back-off.
 * - After `shutDown()` adds are ignored, delayed adds are cancelled, `get` hands out what is
 *   still queued and then resolves `undefined`. Pending delayed adds keep the process alive until then.
 */
import type { Logger } from '../util/logger.js';
import { TokenBucket } from './ratelimit.js';

export interface RateLimiter<T> {
  /** How long to wait before handling `item` again (ms); counts a failure for `item`. */
  when(item: T): number;
  forget(item: T): void;
  numRequeues(item: T): number;
}

/** Per-item exponential back-off: base · 2^failures, capped at max. */
export class ItemExponentialRateLimiter<T> implements RateLimiter<T> {
  private readonly failures = new Map<T, number>();
  constructor(
    readonly baseMs = 5,
    readonly maxMs = 1_000_000,
  ) {}

  when(item: T): number {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    return Math.min(this.maxMs, this.baseMs * 2 ** Math.min(n, 62));
  }

  forget(item: T): void {
    this.failures.delete(item);
  }

  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }
}

/** An overall token bucket: each call takes a token, so bursts of retries spread out. */
export class BucketRateLimiter<T> implements RateLimiter<T> {
  private readonly bucket: TokenBucket;
  constructor(qps = 10, burst = 100) {
    this.bucket = new TokenBucket(qps, burst);
  }
  when(): number {
    return this.bucket.reserve();
  }
  forget(): void {}
  numRequeues(): number {
    return 0;
  }
}

/** The maximum of several limiters (client-go's MaxOfRateLimiter). */
export class MaxOfRateLimiter<T> implements RateLimiter<T> {
  private readonly limiters: RateLimiter<T>[];
  constructor(...limiters: RateLimiter<T>[]) {
    this.limiters = limiters;
  }
  when(item: T): number {
    let d = 0;
    for (const l of this.limiters) d = Math.max(d, l.when(item));
    return d;
  }
  forget(item: T): void {
    for (const l of this.limiters) l.forget(item);
  }
  numRequeues(item: T): number {
    let n = 0;
    for (const l of this.limiters) n = Math.max(n, l.numRequeues(item));
    return n;
  }
}

/** client-go's DefaultControllerRateLimiter: 5 ms → 1000 s per item, 10 qps / 100 burst overall. */
export function defaultControllerRateLimiter<T>(): RateLimiter<T> {
  return new MaxOfRateLimiter<T>(new ItemExponentialRateLimiter<T>(5, 1_000_000), new BucketRateLimiter<T>(10, 100));
}

export class WorkQueue<T = string> {
  private queue: T[] = [];
  private head = 0;
  private readonly dirty = new Set<T>();
  private readonly processing = new Set<T>();
  private readonly waiting = new Map<T, { at: number; timer: NodeJS.Timeout }>();
  private getters: Array<(item: T | undefined) => void> = [];
  private shuttingDown = false;
  private readonly limiter: RateLimiter<T>;

  constructor(
    readonly name = '',
    limiter?: RateLimiter<T>,
  ) {
    this.limiter = limiter ?? defaultControllerRateLimiter<T>();
  }

  add(item: T): void {
    if (this.shuttingDown || this.dirty.has(item)) return;
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    this.push(item);
  }

  /** Adds `item` after `ms` (at once when ms <= 0). A pending earlier add wins over a later one. */
  addAfter(item: T, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(item);
    const at = Date.now() + ms;
    const prev = this.waiting.get(item);
    if (prev) {
      if (prev.at <= at) return;
      clearTimeout(prev.timer);
    }
    const timer = setTimeout(() => {
      this.waiting.delete(item);
      this.add(item);
    }, ms);
    this.waiting.set(item, { at, timer });
  }

  addRateLimited(item: T): void {
    this.addAfter(item, this.limiter.when(item));
  }

  forget(item: T): void {
    this.limiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.limiter.numRequeues(item);
  }

  /** Keys waiting to be handed out (not counting delayed or processing ones). */
  len(): number {
    return this.queue.length - this.head;
  }

  /**
   * The next key, marked processing; `undefined` once shut down and drained. Rejects with the
   * signal's reason when `signal` aborts first.
   */
  get(signal?: AbortSignal): Promise<T | undefined> {
    if (this.len() > 0) return Promise.resolve(this.take());
    if (this.shuttingDown) return Promise.resolve(undefined);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.getters = this.getters.filter((g) => g !== give);
        reject(signal!.reason);
      };
      const give = (item: T | undefined) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(item);
      };
      this.getters.push(give);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Marks `item` finished; if it was added meanwhile it is queued again. */
  done(item: T): void {
    this.processing.delete(item);
    if (this.dirty.has(item)) this.push(item);
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const w of this.waiting.values()) clearTimeout(w.timer);
    this.waiting.clear();
    const getters = this.getters;
    this.getters = [];
    for (const g of getters) g(undefined);
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  private push(item: T): void {
    const g = this.getters.shift();
    if (g) {
      this.dirty.delete(item);
      this.processing.add(item);
      g(item);
      return;
    }
    this.queue.push(item);
  }

  private take(): T {
    const item = this.queue[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.dirty.delete(item);
    this.processing.add(item);
    return item;
  }
}

/**
 * Runs `n` workers over `queue` until `signal` aborts (which shuts the queue down); resolves when
 * every worker has finished its current key. A key whose sync throws is re-added rate-limited; one
 * whose sync succeeds is forgotten (its back-off resets). One key never runs twice at once.
 */
export async function runWorkers<T>(queue: WorkQueue<T>, n: number, sync: (key: T) => Promise<void>, signal: AbortSignal, log: Logger): Promise<void> {
  const stop = () => queue.shutDown();
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
  const worker = async () => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      if (signal.aborted) {
        queue.done(key);
        continue;
      }
      try {
        await sync(key);
        queue.forget(key);
      } catch (err) {
        if (!signal.aborted) {
          log.warn({ key: String(key), err: err instanceof Error ? err.message : String(err), requeues: queue.numRequeues(key) }, 'sync failed; requeued');
          queue.addRateLimited(key);
        }
      } finally {
        queue.done(key);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: n }, worker));
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
