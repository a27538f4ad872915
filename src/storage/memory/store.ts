import {
  StorageError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type WatchEvent,
} from '../store.js';
import { compareKeys } from '../keys.js';
import { WatchHub } from '../watchhub.js';

/** One write in the log: a put (value set) or a delete marker carrying the previous value. */
interface Row {
  revision: number;
  key: string;
  deleted: boolean;
  createRevision: number;
  /** The key's previous modRevision (0 for a create). */
  prevRevision: number;
  value: Uint8Array;
  /** For delete markers: the value before deletion. */
  oldValue: Uint8Array | undefined;
}

/**
 * An in-process Store with the full semantics of the persistent backends (history, list at a
 * revision, watch replay, compaction). For tests; nothing survives the process.
 */
export class MemoryStore implements Store {
  /** Every retained write, in revision order. */
  private log: Row[] = [];
  /** Live keys at the latest revision. */
  private readonly live = new Map<string, KeyValue>();
  private rev = 0;
  private compacted = 0;
  private closed = false;
  private readonly hub: WatchHub;

  constructor() {
    this.hub = new WatchHub({
      readEvents: (prefix, after, limit) => this.readEvents(prefix, after, limit),
      compactedRevision: () => this.compacted,
    });
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    return this.live.get(key);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    const revision = opts.revision && opts.revision > 0 ? opts.revision : this.rev;
    this.checkReadable(revision);
    let candidates: KeyValue[];
    if (revision === this.rev) {
      candidates = [...this.live.values()].filter((kv) => kv.key.startsWith(prefix));
    } else {
      const state = new Map<string, Row>();
      for (const row of this.log) {
        if (row.revision > revision) break;
        if (row.key.startsWith(prefix)) state.set(row.key, row);
      }
      candidates = [];
      for (const row of state.values()) if (!row.deleted) candidates.push(rowToKv(row));
    }
    candidates.sort((a, b) => compareKeys(a.key, b.key));
    const startAfter = opts.startAfter;
    if (startAfter !== undefined && startAfter !== '') {
      candidates = candidates.filter((kv) => compareKeys(kv.key, startAfter) > 0);
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const more = limit > 0 && candidates.length > limit;
    return { items: more ? candidates.slice(0, limit) : candidates, revision, more };
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen();
    let n = 0;
    for (const key of this.live.keys()) if (key.startsWith(prefix)) n++;
    return n;
  }

  async create(key: string, value: Uint8Array): Promise<KeyValue> {
    this.checkOpen();
    const cur = this.live.get(key);
    if (cur) throw new StorageError('KeyExists', `key ${key} already exists`, cur);
    const revision = ++this.rev;
    const row: Row = {
      revision,
      key,
      deleted: false,
      createRevision: revision,
      prevRevision: 0,
      value: Uint8Array.from(value),
      oldValue: undefined,
    };
    return this.commitPut(row);
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue> {
    this.checkOpen();
    const cur = this.live.get(key);
    if (!cur) throw new StorageError('KeyNotFound', `key ${key} not found`);
    if (cur.modRevision !== expectedModRevision) {
      throw new StorageError('Conflict', `key ${key} is at revision ${cur.modRevision}, not ${expectedModRevision}`, cur);
    }
    const revision = ++this.rev;
    const row: Row = {
      revision,
      key,
      deleted: false,
      createRevision: cur.createRevision,
      prevRevision: cur.modRevision,
      value: Uint8Array.from(value),
      oldValue: undefined,
    };
    return this.commitPut(row);
  }

  async delete(key: string, expectedModRevision?: number): Promise<{ prevKv: KeyValue; revision: number }> {
    this.checkOpen();
    const cur = this.live.get(key);
    if (!cur) throw new StorageError('KeyNotFound', `key ${key} not found`);
    if (expectedModRevision !== undefined && cur.modRevision !== expectedModRevision) {
      throw new StorageError('Conflict', `key ${key} is at revision ${cur.modRevision}, not ${expectedModRevision}`, cur);
    }
    const revision = ++this.rev;
    const row: Row = {
      revision,
      key,
      deleted: true,
      createRevision: cur.createRevision,
      prevRevision: cur.modRevision,
      value: new Uint8Array(0),
      oldValue: cur.value,
    };
    this.log.push(row);
    this.live.delete(key);
    this.hub.publish([rowToEvent(row)]);
    return { prevKv: cur, revision };
  }

  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<WatchEvent> {
    this.checkOpen();
    return this.hub.watch(prefix, afterRevision, signal);
  }

  async currentRevision(): Promise<number> {
    return this.rev;
  }

  async compactedRevision(): Promise<number> {
    return this.compacted;
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    const target = Math.min(revision, this.rev);
    if (target <= this.compacted) return;
    this.compacted = target;
    // Keep rows above the target, and at or below it only each key's latest row if it is live.
    const latestAtOrBelow = new Map<string, number>();
    for (const row of this.log) {
      if (row.revision > target) break;
      latestAtOrBelow.set(row.key, row.revision);
    }
    this.log = this.log.filter(
      (row) => row.revision > target || (!row.deleted && latestAtOrBelow.get(row.key) === row.revision),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    this.hub.close();
  }

  private commitPut(row: Row): KeyValue {
    this.log.push(row);
    const kv = rowToKv(row);
    this.live.set(row.key, kv);
    this.hub.publish([rowToEvent(row)]);
    return kv;
  }

  private readEvents(prefix: string, after: number, limit: number): WatchEvent[] {
    // First row with revision > after (the log is sorted by revision).
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.log[mid]!.revision <= after) lo = mid + 1;
      else hi = mid;
    }
    const out: WatchEvent[] = [];
    for (let i = lo; i < this.log.length && out.length < limit; i++) {
      const row = this.log[i]!;
      if (row.key.startsWith(prefix)) out.push(rowToEvent(row));
    }
    return out;
  }

  private checkReadable(revision: number): void {
    if (revision < this.compacted) {
      throw new StorageError('Compacted', `revision ${revision} has been compacted (compacted revision ${this.compacted})`, undefined, this.compacted);
    }
    if (revision > this.rev) {
      throw new StorageError('Unavailable', `revision ${revision} is a future revision (current revision ${this.rev})`);
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('Unavailable', 'store is closed');
  }
}

function rowToKv(row: Row): KeyValue {
  return { key: row.key, value: row.value, createRevision: row.createRevision, modRevision: row.revision };
}

function rowToEvent(row: Row): WatchEvent {
  if (!row.deleted) return { type: 'put', revision: row.revision, kv: rowToKv(row) };
  return {
    type: 'delete',
    revision: row.revision,
    key: row.key,
    prevKv: { key: row.key, value: row.oldValue ?? new Uint8Array(0), createRevision: row.createRevision, modRevision: row.prevRevision },
  };
}
