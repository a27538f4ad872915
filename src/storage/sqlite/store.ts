import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  StorageError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type WatchEvent,
} from '../store.js';
import { compareKeys, prefixEnd } from '../keys.js';
import { WatchHub } from '../watchhub.js';

export interface SqliteStoreOptions {
  /**
   * SQLite `synchronous` mode. NORMAL (default) in WAL mode makes every acknowledged write survive
   * a crash of the process (kill -9), not a power loss; FULL also survives power loss.
   */
  synchronous?: 'NORMAL' | 'FULL';
  /** How often history is compacted, in ms (default 5 minutes; 0 disables periodic compaction). */
  compactIntervalMs?: number;
  /** Periodic compaction keeps this many latest revisions of history (default 1000). */
  compactKeepRevisions?: number;
  /** Most writes committed in one transaction (default 1000). */
  maxBatch?: number;
}

type WriteOp =
  | { kind: 'create'; key: string; value: Buffer }
  | { kind: 'update'; key: string; value: Buffer; expected: number }
  | { kind: 'delete'; key: string; expected: number | undefined };

interface Pending {
  op: WriteOp;
  resolve: (r: unknown) => void;
  reject: (e: unknown) => void;
}

type Outcome = { ok: true; result: unknown; event: WatchEvent } | { ok: false; error: StorageError };

interface LatestRow {
  id: number;
  deleted: number;
  create_revision: number;
  value: Buffer | null;
}

interface LogRow {
  id: number;
  name: string;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: Buffer | null;
  old_value: Buffer | null;
}

interface ListParams {
  lo: string;
  hi: string | Buffer;
  rev: number;
  limit: number;
}

interface KvRow {
  id: number;
  name: string;
  create_revision: number;
  value: Buffer | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value BLOB,
  old_value BLOB
);
CREATE INDEX IF NOT EXISTS log_name_id ON log (name, id, deleted);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

/** In SQLite every BLOB sorts after every TEXT: an upper bound that excludes no key. */
const NO_UPPER_BOUND = Buffer.from([0xff]);
const EMPTY = Buffer.alloc(0);
const COMPACT_CHUNK = 10_000;

/**
 * A Store in one SQLite file, laid out like kine: a single append-only `log` table whose row id is
 * the revision. Each row is a put or a delete marker (carrying the deleted value in `old_value`);
 * `prev_revision` points to the key's previous row. A key's state at revision R is its row with the
 * largest id <= R. Writes are grouped: the writes issued in one turn of the event loop commit in one
 * transaction, and each is acknowledged only after that commit. Watches are fed in-process, so the
 * database must have no other writer.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly hub: WatchHub;
  private rev: number;
  /** Reads and watches below this revision fail with Compacted. */
  private compacted: number;
  /** History at or below this revision has been cleaned up. */
  private compactDone: number;
  private queue: Pending[] = [];
  private flushScheduled = false;
  private compaction: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly maxBatch: number;
  private readonly keepRevisions: number;

  private readonly stmts: {
    latest: Database.Statement<[string], LatestRow>;
    insert: Database.Statement<[number, string, number, number, number, number, Buffer | null, Buffer | null]>;
    seq: Database.Statement<[], { seq: number }>;
    listFrom: Database.Statement<[ListParams], KvRow>;
    listAfter: Database.Statement<[ListParams], KvRow>;
    count: Database.Statement<[string, string | Buffer], { n: number }>;
    events: Database.Statement<[number, string, string | Buffer, number], LogRow>;
    getMeta: Database.Statement<[string], { value: number }>;
    setMeta: Database.Statement<[string, number]>;
    deletePrev: Database.Statement<[number, number]>;
    deleteTombstones: Database.Statement<[number, number]>;
  };

  constructor(path: string, opts: SqliteStoreOptions = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path, { timeout: 5000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
    this.db.exec(SCHEMA);
    this.maxBatch = opts.maxBatch ?? 1000;
    this.keepRevisions = opts.compactKeepRevisions ?? 1000;

    const kvCols = 'l.id AS id, l.name AS name, l.create_revision AS create_revision, l.value AS value';
    const listSql = (lower: '>=' | '>') => `
      SELECT ${kvCols} FROM log AS l
      WHERE l.name ${lower} @lo AND l.name < @hi AND l.id <= @rev AND l.deleted = 0
        AND l.id = (SELECT MAX(m.id) FROM log AS m WHERE m.name = l.name AND m.id <= @rev)
      ORDER BY l.name LIMIT @limit`;
    this.stmts = {
      latest: this.db.prepare('SELECT id, deleted, create_revision, value FROM log WHERE name = ? ORDER BY id DESC LIMIT 1'),
      insert: this.db.prepare(
        'INSERT INTO log (id, name, created, deleted, create_revision, prev_revision, value, old_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      seq: this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'log'"),
      listFrom: this.db.prepare(listSql('>=')),
      listAfter: this.db.prepare(listSql('>')),
      count: this.db.prepare(`
        SELECT COUNT(*) AS n FROM log AS l
        WHERE l.name >= ? AND l.name < ? AND l.deleted = 0
          AND l.id = (SELECT MAX(m.id) FROM log AS m WHERE m.name = l.name)`),
      // `+name`: scan by revision (watches start near the head), filtering on the key range.
      events: this.db.prepare(`
        SELECT id, name, deleted, create_revision, prev_revision, value, old_value FROM log
        WHERE id > ? AND +name >= ? AND +name < ? ORDER BY id LIMIT ?`),
      getMeta: this.db.prepare('SELECT value FROM meta WHERE key = ?'),
      setMeta: this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      deletePrev: this.db.prepare(
        'DELETE FROM log WHERE id IN (SELECT prev_revision FROM log WHERE id > ? AND id <= ? AND prev_revision > 0)',
      ),
      deleteTombstones: this.db.prepare('DELETE FROM log WHERE id > ? AND id <= ? AND deleted = 1'),
    };

    this.rev = this.stmts.seq.get()?.seq ?? 0;
    this.compacted = this.stmts.getMeta.get('compact_rev')?.value ?? 0;
    this.compactDone = this.stmts.getMeta.get('compact_done')?.value ?? 0;
    this.hub = new WatchHub({
      readEvents: (prefix, after, limit) => this.readEvents(prefix, after, limit),
      compactedRevision: () => this.compacted,
    });

    const interval = opts.compactIntervalMs ?? 5 * 60_000;
    if (interval > 0) {
      this.timer = setInterval(() => {
        const target = this.rev - this.keepRevisions;
        if (target > this.compacted) this.compact(target).catch(() => undefined);
      }, interval);
      this.timer.unref();
    }
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    const row = this.read(() => this.stmts.latest.get(key));
    if (!row || row.deleted) return undefined;
    return { key, value: row.value ?? EMPTY, createRevision: row.create_revision, modRevision: row.id };
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    const revision = opts.revision && opts.revision > 0 ? opts.revision : this.rev;
    this.checkReadable(revision);
    const upper = prefixEnd(prefix) ?? NO_UPPER_BOUND;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const sqlLimit = limit > 0 ? limit + 1 : -1;
    const startAfter = opts.startAfter;
    const rows = this.read(() =>
      startAfter !== undefined && startAfter !== '' && compareKeys(startAfter, prefix) >= 0
        ? this.stmts.listAfter.all({ lo: startAfter, hi: upper, rev: revision, limit: sqlLimit })
        : this.stmts.listFrom.all({ lo: prefix, hi: upper, rev: revision, limit: sqlLimit }),
    );
    const more = limit > 0 && rows.length > limit;
    if (more) rows.length = limit;
    return { items: rows.map(kvFromRow), revision, more };
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen();
    return this.read(() => this.stmts.count.get(prefix, prefixEnd(prefix) ?? NO_UPPER_BOUND)?.n ?? 0);
  }

  create(key: string, value: Uint8Array): Promise<KeyValue> {
    return this.enqueue({ kind: 'create', key, value: Buffer.from(value) }) as Promise<KeyValue>;
  }

  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue> {
    return this.enqueue({ kind: 'update', key, value: Buffer.from(value), expected: expectedModRevision }) as Promise<KeyValue>;
  }

  delete(key: string, expectedModRevision?: number): Promise<{ prevKv: KeyValue; revision: number }> {
    return this.enqueue({ kind: 'delete', key, expected: expectedModRevision }) as Promise<{ prevKv: KeyValue; revision: number }>;
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

  /**
   * Marks `revision` (clamped to the current revision) compacted at once, then deletes superseded
   * rows and delete markers at or below it in chunks, yielding to the event loop between chunks.
   * Reads at or above the compacted revision stay correct throughout.
   */
  compact(revision: number): Promise<void> {
    this.checkOpen();
    const run = this.compaction.then(() => this.runCompaction(revision));
    this.compaction = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    while (this.queue.length > 0) this.flush();
    this.closed = true;
    await this.compaction;
    this.hub.close();
    this.db.close();
  }

  private async runCompaction(revision: number): Promise<void> {
    if (this.closed) return;
    const target = Math.min(revision, this.rev);
    if (target > this.compacted) {
      this.write(() => this.stmts.setMeta.run('compact_rev', target));
      this.compacted = target;
    }
    while (this.compactDone < this.compacted && !this.closed) {
      const from = this.compactDone;
      const to = Math.min(from + COMPACT_CHUNK, this.compacted);
      this.write(
        this.db.transaction(() => {
          // Rows superseded by a row in (from, to]; then delete markers in (from, to]. Rows
          // superseded by rows at or below `from` went in earlier compactions.
          this.stmts.deletePrev.run(from, to);
          this.stmts.deleteTombstones.run(from, to);
          this.stmts.setMeta.run('compact_done', to);
        }),
      );
      this.compactDone = to;
      if (this.compactDone < this.compacted) await new Promise((r) => setImmediate(r));
    }
  }

  private enqueue(op: WriteOp): Promise<unknown> {
    if (this.closed) return Promise.reject(new StorageError('Unavailable', 'store is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          while (this.queue.length > 0) this.flush();
        });
      }
    });
  }

  /** Commits up to maxBatch queued writes in one transaction, then publishes and acknowledges them. */
  private flush(): void {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    const outcomes: Outcome[] = [];
    let rev = this.rev;
    try {
      this.db
        .transaction(() => {
          rev = this.stmts.seq.get()?.seq ?? 0;
          for (const p of batch) {
            const outcome = this.apply(p.op, rev + 1);
            if (outcome.ok) rev++;
            outcomes.push(outcome);
          }
        })
        .immediate();
    } catch (e) {
      const err = new StorageError('Unavailable', `sqlite write failed: ${(e as Error).message}`);
      for (const p of batch) p.reject(err);
      return;
    }
    this.rev = rev;
    const events: WatchEvent[] = [];
    for (const o of outcomes) if (o.ok) events.push(o.event);
    this.hub.publish(events);
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.result);
      else p.reject(o.error);
    });
  }

  /** Runs one write inside the batch transaction; a failed check writes nothing. */
  private apply(op: WriteOp, id: number): Outcome {
    const latest = this.stmts.latest.get(op.key);
    const live = latest && !latest.deleted ? latest : undefined;
    const current: KeyValue | undefined = live && {
      key: op.key,
      value: live.value ?? EMPTY,
      createRevision: live.create_revision,
      modRevision: live.id,
    };
    switch (op.kind) {
      case 'create': {
        if (current) return { ok: false, error: new StorageError('KeyExists', `key ${op.key} already exists`, current) };
        this.stmts.insert.run(id, op.key, 1, 0, id, latest?.id ?? 0, op.value, null);
        const kv: KeyValue = { key: op.key, value: op.value, createRevision: id, modRevision: id };
        return { ok: true, result: kv, event: { type: 'put', revision: id, kv } };
      }
      case 'update': {
        if (!current) return { ok: false, error: new StorageError('KeyNotFound', `key ${op.key} not found`) };
        if (current.modRevision !== op.expected) return { ok: false, error: conflict(current, op.expected) };
        this.stmts.insert.run(id, op.key, 0, 0, current.createRevision, current.modRevision, op.value, null);
        const kv: KeyValue = { key: op.key, value: op.value, createRevision: current.createRevision, modRevision: id };
        return { ok: true, result: kv, event: { type: 'put', revision: id, kv } };
      }
      case 'delete': {
        if (!current) return { ok: false, error: new StorageError('KeyNotFound', `key ${op.key} not found`) };
        if (op.expected !== undefined && current.modRevision !== op.expected) {
          return { ok: false, error: conflict(current, op.expected) };
        }
        this.stmts.insert.run(id, op.key, 0, 1, current.createRevision, current.modRevision, null, live!.value ?? EMPTY);
        return {
          ok: true,
          result: { prevKv: current, revision: id },
          event: { type: 'delete', revision: id, key: op.key, prevKv: current },
        };
      }
    }
  }

  private readEvents(prefix: string, after: number, limit: number): WatchEvent[] {
    const rows = this.read(() => this.stmts.events.all(after, prefix, prefixEnd(prefix) ?? NO_UPPER_BOUND, limit));
    return rows.map((r): WatchEvent => {
      if (!r.deleted) {
        return { type: 'put', revision: r.id, kv: { key: r.name, value: r.value ?? EMPTY, createRevision: r.create_revision, modRevision: r.id } };
      }
      return {
        type: 'delete',
        revision: r.id,
        key: r.name,
        prevKv: { key: r.name, value: r.old_value ?? EMPTY, createRevision: r.create_revision, modRevision: r.prev_revision },
      };
    });
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

  private read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw new StorageError('Unavailable', `sqlite read failed: ${(e as Error).message}`);
    }
  }

  private write<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw new StorageError('Unavailable', `sqlite write failed: ${(e as Error).message}`);
    }
  }
}

function kvFromRow(r: KvRow): KeyValue {
  return { key: r.name, value: r.value ?? EMPTY, createRevision: r.create_revision, modRevision: r.id };
}

function conflict(current: KeyValue, expected: number): StorageError {
  return new StorageError('Conflict', `key ${current.key} is at revision ${current.modRevision}, not ${expected}`, current);
}
