/**
 * The storage contract. A Store is a revisioned key/value log with watch, the shape of etcd v3 and
 * of kine's single table: every write gets the next cluster-wide revision; a key's `modRevision` is
 * the revision of its last write and `createRevision` the revision that created it. Values are
 * opaque bytes. All backends (memory, sqlite, etcd) pass one conformance suite.
 */

export interface KeyValue {
  key: string;
  value: Uint8Array;
  createRevision: number;
  modRevision: number;
}

export interface ListOptions {
  /** Read the state as of this revision (0 or absent: latest). Below the compacted revision → Compacted. */
  revision?: number;
  /** At most this many items (0 or absent: no limit). */
  limit?: number;
  /** Start strictly after this key (paging: pass the last key of the previous page). */
  startAfter?: string;
}

export interface ListResult {
  items: KeyValue[];
  /** The revision the list was read at (the store's current revision when none was asked for). */
  revision: number;
  /** True when `limit` cut the list short. */
  more: boolean;
}

/**
 * A change, in revision order. `revision` is the revision of the change itself
 * (for a put, equal to `kv.modRevision`). Deletes carry the last value before deletion.
 */
export type WatchEvent =
  | { type: 'put'; revision: number; kv: KeyValue }
  | { type: 'delete'; revision: number; key: string; prevKv: KeyValue };

export type StorageErrorCode = 'KeyExists' | 'KeyNotFound' | 'Conflict' | 'Compacted' | 'Unavailable';

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    /** For Conflict: the key's current value (absent if the key no longer exists). */
    readonly current?: KeyValue,
    /** For Compacted: the compacted revision. */
    readonly compactedRevision?: number,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

export const isStorageError = (e: unknown, code?: StorageErrorCode): e is StorageError =>
  e instanceof StorageError && (code === undefined || e.code === code);

export interface Store {
  /** The latest value of a key, or undefined. */
  get(key: string): Promise<KeyValue | undefined>;

  /** Keys starting with `prefix`, in byte order of keys. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;

  /** Number of live keys under prefix at the latest revision. */
  count(prefix: string): Promise<number>;

  /** Fails with KeyExists if the key is present. */
  create(key: string, value: Uint8Array): Promise<KeyValue>;

  /**
   * Compare-and-swap: writes only if the key's modRevision equals `expectedModRevision`.
   * Fails with KeyNotFound if the key is absent, Conflict (carrying the current value) otherwise.
   */
  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue>;

  /**
   * Deletes the key; with `expectedModRevision`, only if it matches (else Conflict).
   * Fails with KeyNotFound if absent. Returns the deleted value and the deletion revision.
   */
  delete(key: string, expectedModRevision?: number): Promise<{ prevKv: KeyValue; revision: number }>;

  /**
   * Every change under `prefix` with revision > `afterRevision`, in order: first the replay of
   * history, then live changes, until `signal` aborts (the iterator then ends without error).
   * Fails with Compacted (thrown from the iterator) if `afterRevision` < the compacted revision.
   */
  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<WatchEvent>;

  /** The revision of the latest write (0 for an empty store). */
  currentRevision(): Promise<number>;

  /** The revision below which history is gone (0 if never compacted). */
  compactedRevision(): Promise<number>;

  /**
   * Drops history at or below `revision` that is superseded (older versions of keys, and delete
   * markers). Reads and watches below `revision` then fail with Compacted.
   */
  compact(revision: number): Promise<void>;

  close(): Promise<void>;
}
