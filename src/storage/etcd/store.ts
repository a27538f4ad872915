import etcd3 from 'etcd3';
import type { IKeyValue, IRequestOp, ICompare, IWatchResponse, IDuplexStream, IWatchRequest, ITxnResponse } from 'etcd3';
import {
  StorageError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type WatchEvent,
} from '../store.js';
import { compareKeys, prefixEndBytes } from '../keys.js';

export interface EtcdStoreOptions {
  /** How often history is compacted, in ms (default 5 minutes; 0 disables periodic compaction). */
  compactIntervalMs?: number;
  /** Periodic compaction keeps this many latest revisions of history (default 1000). */
  compactKeepRevisions?: number;
  /** Deadline for connecting to an endpoint, in ms (default 5000). */
  dialTimeoutMs?: number;
}

const ALL_KEYS = Buffer.from([0]);
const COMPACTED_MSG = 'required revision has been compacted';
const FUTURE_MSG = 'required revision is a future revision';

/**
 * Parses `etcd://h:p,h:p`, `http://h:p,http://h:p` (or a mix, or bare `h:p`) into endpoint URLs.
 */
export function parseEtcdEndpoints(url: string): string[] {
  const rest = url.replace(/^etcd:\/\//, '');
  const hosts = rest
    .split(',')
    .map((h) => h.trim().replace(/\/+$/, ''))
    .filter((h) => h !== '')
    .map((h) => (/^https?:\/\//.test(h) ? h : `http://${h}`));
  if (hosts.length === 0) throw new Error(`no etcd endpoints in ${JSON.stringify(url)}`);
  return hosts;
}

/**
 * A Store on etcd v3. Revisions are etcd's own (a fresh etcd is at revision 1); every write is one
 * transaction guarded by a comparison on the key's version or mod revision, so concurrent writers
 * from any number of processes are safe. Keys are used as given (no prefix is added).
 */
export class EtcdStore implements Store {
  private readonly client: etcd3.Etcd3;
  private readonly streams = new Set<() => void>();
  private knownCompacted = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(endpoints: string[], opts: EtcdStoreOptions = {}) {
    this.client = new etcd3.Etcd3({
      hosts: endpoints,
      dialTimeout: opts.dialTimeoutMs ?? 5000,
      // An unpaged list can be far larger than gRPC's default 4 MiB (kube-apiserver lifts it too).
      grpcOptions: { 'grpc.max_receive_message_length': -1 },
    });
    const interval = opts.compactIntervalMs ?? 5 * 60_000;
    const keep = opts.compactKeepRevisions ?? 1000;
    if (interval > 0) {
      this.timer = setInterval(() => {
        this.currentRevision()
          .then((rev) => (rev - keep > this.knownCompacted ? this.compact(rev - keep) : undefined))
          .catch(() => undefined);
      }, interval);
      this.timer.unref();
    }
  }

  static fromUrl(url: string, opts: EtcdStoreOptions = {}): EtcdStore {
    return new EtcdStore(parseEtcdEndpoints(url), opts);
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.call(() => this.client.kv.range({ key: Buffer.from(key) }));
    const kv = res.kvs[0];
    return kv ? toKv(kv) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const startAfter = opts.startAfter;
    const start =
      startAfter !== undefined && startAfter !== '' && compareKeys(startAfter, prefix) >= 0 ? startAfter + '\x00' : prefix;
    const revision = opts.revision && opts.revision > 0 ? opts.revision : 0;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const res = await this.call(() =>
      this.client.kv.range({
        key: start === '' ? ALL_KEYS : Buffer.from(start),
        range_end: Buffer.from(prefixEndBytes(Buffer.from(prefix))),
        revision,
        limit,
      }),
    );
    return {
      items: res.kvs.map(toKv),
      revision: revision || Number(res.header.revision),
      more: res.more,
    };
  }

  async count(prefix: string): Promise<number> {
    const res = await this.call(() =>
      this.client.kv.range({
        key: prefix === '' ? ALL_KEYS : Buffer.from(prefix),
        range_end: Buffer.from(prefixEndBytes(Buffer.from(prefix))),
        count_only: true,
      }),
    );
    return Number(res.count);
  }

  async create(key: string, value: Uint8Array): Promise<KeyValue> {
    const k = Buffer.from(key);
    const v = Buffer.from(value);
    const res = await this.txn([{ key: k, target: 'Version', result: 'Equal', version: 0 }], [{ request_put: { key: k, value: v } }], k);
    if (!res.succeeded) {
      throw new StorageError('KeyExists', `key ${key} already exists`, currentOf(res));
    }
    const revision = Number(res.header.revision);
    return { key, value: v, createRevision: revision, modRevision: revision };
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue> {
    const k = Buffer.from(key);
    const v = Buffer.from(value);
    const res = await this.txn(
      [
        { key: k, target: 'Version', result: 'Greater', version: 0 },
        { key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision },
      ],
      [{ request_put: { key: k, value: v, prev_kv: true } }],
      k,
    );
    if (!res.succeeded) throw failure(key, res, expectedModRevision);
    const prev = res.responses[0]?.response_put?.prev_kv;
    const revision = Number(res.header.revision);
    return { key, value: v, createRevision: prev ? Number(prev.create_revision) : revision, modRevision: revision };
  }

  async delete(key: string, expectedModRevision?: number): Promise<{ prevKv: KeyValue; revision: number }> {
    const k = Buffer.from(key);
    const compare: ICompare[] = [{ key: k, target: 'Version', result: 'Greater', version: 0 }];
    if (expectedModRevision !== undefined) {
      compare.push({ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision });
    }
    const res = await this.txn(compare, [{ request_delete_range: { key: k, prev_kv: true } }], k);
    if (!res.succeeded) throw failure(key, res, expectedModRevision);
    const prev = res.responses[0]?.response_delete_range?.prev_kvs?.[0];
    if (!prev) throw new StorageError('Unavailable', `etcd returned no previous value deleting ${key}`);
    return { prevKv: toKv(prev), revision: Number(res.header.revision) };
  }

  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<WatchEvent> {
    return { [Symbol.asyncIterator]: () => this.runWatch(prefix, afterRevision, signal) };
  }

  async currentRevision(): Promise<number> {
    const res = await this.call(() => this.client.kv.range({ key: ALL_KEYS, count_only: true }));
    return Number(res.header.revision);
  }

  /**
   * etcd does not report its compacted revision directly; it is the smallest revision a read at
   * which succeeds, found by bisection (reads below it fail with "compacted").
   */
  async compactedRevision(): Promise<number> {
    let lo = Math.max(1, this.knownCompacted);
    let hi = await this.currentRevision();
    if (await this.readableAt(lo)) return lo === 1 ? 0 : this.noteCompacted(lo);
    // Invariant: not readable at lo, readable at hi.
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await this.readableAt(mid)) hi = mid;
      else lo = mid;
    }
    return this.noteCompacted(hi);
  }

  async compact(revision: number): Promise<void> {
    const target = Math.min(revision, await this.currentRevision());
    if (target <= this.knownCompacted || target < 1) return;
    try {
      await this.client.kv.compact({ revision: target, physical: true });
      this.noteCompacted(target);
    } catch (e) {
      if (!String((e as Error).message).includes(COMPACTED_MSG)) throw mapError(e);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const end of this.streams) end();
    this.client.close();
  }

  private async *runWatch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncGenerator<WatchEvent> {
    if (signal.aborted || this.closed) return;
    let stream: IDuplexStream<IWatchRequest, IWatchResponse>;
    try {
      stream = await this.client.watchClient.watch();
    } catch (e) {
      throw mapError(e);
    }
    const queue: IWatchResponse[] = [];
    let failed: unknown;
    let ended = false;
    let wake: (() => void) | undefined;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    let watchId: string | undefined;
    let stopped = false;
    // Ends the RPC by half-closing it (not cancelling, which the client library counts as a host failure).
    const stop = () => {
      if (stopped) return;
      stopped = true;
      try {
        if (watchId !== undefined && !ended && failed === undefined) stream.write({ cancel_request: { watch_id: watchId } });
        stream.end();
      } catch {
        // The call is already over.
      }
      notify();
    };
    stream.on('data', (res) => {
      queue.push(res);
      notify();
    });
    stream.on('error', (err) => {
      failed ??= err;
      notify();
    });
    stream.on('end', () => {
      ended = true;
      notify();
    });
    signal.addEventListener('abort', stop, { once: true });
    this.streams.add(stop);
    try {
      stream.write({
        create_request: {
          key: prefix === '' ? ALL_KEYS : Buffer.from(prefix),
          range_end: Buffer.from(prefixEndBytes(Buffer.from(prefix))),
          start_revision: afterRevision + 1,
          prev_kv: true,
        },
      });
      for (;;) {
        if (stopped || signal.aborted) return;
        const res = queue.shift();
        if (res === undefined) {
          if (failed !== undefined) throw mapError(failed);
          if (ended) throw new StorageError('Unavailable', 'etcd watch stream ended');
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          continue;
        }
        if (res.created) watchId = res.watch_id;
        const compactRev = Number(res.compact_revision);
        if (compactRev > 0) {
          this.noteCompacted(compactRev);
          throw new StorageError(
            'Compacted',
            `revision ${afterRevision} has been compacted (compacted revision ${compactRev})`,
            undefined,
            compactRev,
          );
        }
        if (res.canceled) throw new StorageError('Unavailable', `etcd canceled the watch: ${res.cancel_reason || 'no reason given'}`);
        for (const ev of res.events) {
          if (stopped || signal.aborted) return;
          yield toEvent(ev.type, ev.kv, ev.prev_kv);
        }
      }
    } finally {
      signal.removeEventListener('abort', stop);
      this.streams.delete(stop);
      stop();
    }
  }

  private async readableAt(revision: number): Promise<boolean> {
    try {
      await this.client.kv.range({ key: ALL_KEYS, revision, count_only: true });
      return true;
    } catch (e) {
      if (String((e as Error).message).includes(COMPACTED_MSG)) return false;
      throw mapError(e);
    }
  }

  private noteCompacted(revision: number): number {
    if (revision > this.knownCompacted) this.knownCompacted = revision;
    return revision;
  }

  private txn(compare: ICompare[], success: IRequestOp[], key: Buffer): Promise<ITxnResponse> {
    return this.call(() => this.client.kv.txn({ compare, success, failure: [{ request_range: { key } }] }));
  }

  /** Runs one etcd call, mapping its failures to StorageError. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StorageError('Unavailable', 'store is closed');
    try {
      return await fn();
    } catch (e) {
      const err = mapError(e);
      if (err.code === 'Compacted') {
        const compacted = await this.compactedRevision().catch(() => undefined);
        throw new StorageError('Compacted', err.message, undefined, compacted);
      }
      throw err;
    }
  }
}

function mapError(e: unknown): StorageError {
  if (e instanceof StorageError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (message.includes(COMPACTED_MSG)) return new StorageError('Compacted', `etcd: ${COMPACTED_MSG}`);
  if (message.includes(FUTURE_MSG)) return new StorageError('Unavailable', `etcd: ${FUTURE_MSG}`);
  return new StorageError('Unavailable', `etcd: ${message}`);
}

function toKv(kv: IKeyValue): KeyValue {
  return {
    key: kv.key.toString(),
    value: kv.value,
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
  };
}

function toEvent(type: string, kv: IKeyValue, prev: IKeyValue | null | undefined): WatchEvent {
  const revision = Number(kv.mod_revision);
  if (type === 'Put' || type === 'PUT') return { type: 'put', revision, kv: toKv(kv) };
  const key = kv.key.toString();
  // etcd omits prev_kv when that version was compacted away; the marker then carries no value.
  const prevKv = prev ? toKv(prev) : { key, value: new Uint8Array(0), createRevision: 0, modRevision: 0 };
  return { type: 'delete', revision, key, prevKv };
}

function currentOf(res: ITxnResponse): KeyValue | undefined {
  const kv = res.responses[0]?.response_range?.kvs?.[0];
  return kv ? toKv(kv) : undefined;
}

function failure(key: string, res: ITxnResponse, expected: number | undefined): StorageError {
  const current = currentOf(res);
  if (!current) return new StorageError('KeyNotFound', `key ${key} not found`);
  return new StorageError('Conflict', `key ${key} is at revision ${current.modRevision}, not ${expected}`, current);
}
