import { StorageError, type WatchEvent } from './store.js';

/**
 * The history a WatchHub replays from. Both calls are synchronous, so that a replay page and the
 * registration of live delivery happen with no write in between (single-process backends).
 */
export interface WatchSource {
  /** Events under `prefix` with revision > `afterRevision`, in revision order, at most `limit`. */
  readEvents(prefix: string, afterRevision: number, limit: number): WatchEvent[];
  /** The revision below which history is gone. */
  compactedRevision(): number;
}

export interface WatchHubOptions {
  /** Events read from history per step of a replay. */
  replayPageSize?: number;
  /**
   * Live events buffered for a consumer that does not keep up. Past this the buffer is dropped and
   * the watcher catches up from history again (or fails with Compacted if that history is gone).
   */
  maxBuffered?: number;
}

interface Subscriber {
  prefix: string;
  buffer: WatchEvent[];
  /** Set when the buffer overflowed: live events are not kept until the watcher re-reads history. */
  overflow: boolean;
  wake: (() => void) | undefined;
}

/**
 * Fans committed writes out to in-process watchers. Guarantees: each watcher sees every event under
 * its prefix with revision > afterRevision exactly once, in revision order, first from history and
 * then live; it ends without error when its signal aborts or the hub closes.
 */
export class WatchHub {
  private readonly subs = new Set<Subscriber>();
  private readonly pageSize: number;
  private readonly maxBuffered: number;
  private closed = false;

  constructor(
    private readonly source: WatchSource,
    opts: WatchHubOptions = {},
  ) {
    this.pageSize = opts.replayPageSize ?? 500;
    this.maxBuffered = opts.maxBuffered ?? 10_000;
  }

  /** Delivers committed events (in revision order). Must be called right after the commit. */
  publish(events: readonly WatchEvent[]): void {
    if (this.subs.size === 0 || events.length === 0) return;
    for (const sub of this.subs) {
      let added = false;
      for (const ev of events) {
        const key = ev.type === 'put' ? ev.kv.key : ev.key;
        if (!key.startsWith(sub.prefix) || sub.overflow) continue;
        if (sub.buffer.length >= this.maxBuffered) {
          sub.overflow = true;
          sub.buffer = [];
          added = true;
          continue;
        }
        sub.buffer.push(ev);
        added = true;
      }
      if (added) sub.wake?.();
    }
  }

  get watcherCount(): number {
    return this.subs.size;
  }

  /** Ends every watcher (their iterators finish without error). */
  close(): void {
    this.closed = true;
    for (const sub of this.subs) sub.wake?.();
    this.subs.clear();
  }

  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<WatchEvent> {
    return { [Symbol.asyncIterator]: () => this.run(prefix, afterRevision, signal) };
  }

  private async *run(prefix: string, afterRevision: number, signal: AbortSignal): AsyncGenerator<WatchEvent> {
    if (signal.aborted || this.closed) return;
    const sub: Subscriber = { prefix, buffer: [], overflow: false, wake: undefined };
    const onAbort = () => {
      this.subs.delete(sub);
      sub.wake?.();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    // Registered before the first history read: every write after this point is buffered, and
    // the replay covers everything before it; `last` drops what both deliver.
    this.subs.add(sub);
    let last = afterRevision;
    let catchingUp = true;
    try {
      while (!signal.aborted && !this.closed) {
        if (sub.overflow) {
          sub.overflow = false;
          catchingUp = true;
        }
        if (catchingUp) {
          const compacted = this.source.compactedRevision();
          if (last < compacted) {
            throw new StorageError('Compacted', `revision ${last} has been compacted (compacted revision ${compacted})`, undefined, compacted);
          }
          const page = this.source.readEvents(prefix, last, this.pageSize);
          if (page.length < this.pageSize) {
            // History is exhausted as of this synchronous read; later events are in the buffer.
            catchingUp = false;
          }
          for (const ev of page) {
            if (ev.revision <= last) continue;
            yield ev;
            last = ev.revision;
            if (signal.aborted || this.closed) return;
          }
          continue;
        }
        if (sub.buffer.length > 0) {
          const batch = sub.buffer;
          sub.buffer = [];
          for (const ev of batch) {
            if (ev.revision <= last) continue;
            yield ev;
            last = ev.revision;
            if (signal.aborted || this.closed || sub.overflow) break;
          }
          continue;
        }
        await new Promise<void>((resolve) => {
          sub.wake = resolve;
        });
        sub.wake = undefined;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.subs.delete(sub);
    }
  }
}
