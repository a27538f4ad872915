import { fileURLToPath } from 'node:url';
import type { Store } from './store.js';
import type { SqliteStoreOptions } from './sqlite/store.js';
import type { EtcdStoreOptions } from './etcd/store.js';

export interface OpenStoreOptions {
  /** How often history is compacted, in ms (default 5 minutes; 0 disables). */
  compactIntervalMs?: number;
  /** Periodic compaction keeps this many latest revisions (default 1000). */
  compactKeepRevisions?: number;
  sqlite?: Omit<SqliteStoreOptions, 'compactIntervalMs' | 'compactKeepRevisions'>;
  etcd?: Omit<EtcdStoreOptions, 'compactIntervalMs' | 'compactKeepRevisions'>;
}

/**
 * Opens the backend a datastore URL names:
 * - `sqlite:///abs/path/state.db` (or `sqlite://rel/path`, `file:///abs/path`) or a plain path → SQLite;
 * - `etcd://h:p[,h:p...]` or `http://h:p[,...]` / `https://...` → etcd;
 * - `memory://` → an in-process store (tests).
 */
export async function openStore(url: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const compaction = {
    ...(opts.compactIntervalMs !== undefined ? { compactIntervalMs: opts.compactIntervalMs } : {}),
    ...(opts.compactKeepRevisions !== undefined ? { compactKeepRevisions: opts.compactKeepRevisions } : {}),
  };
  // Backends load on demand: the etcd client (gRPC, protobufjs) costs memory a SQLite server never needs.
  if (url === 'memory://' || url === 'memory:') return new (await import('./memory/store.js')).MemoryStore();
  if (url.startsWith('etcd://') || url.startsWith('http://') || url.startsWith('https://')) {
    const { EtcdStore } = await import('./etcd/store.js');
    return EtcdStore.fromUrl(url, { ...opts.etcd, ...compaction });
  }
  let path: string;
  if (url.startsWith('sqlite://')) path = decodeURIComponent(url.slice('sqlite://'.length).replace(/\?.*$/, ''));
  else if (url.startsWith('file://')) path = fileURLToPath(url);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new Error(`unsupported datastore URL ${JSON.stringify(url)}`);
  else path = url;
  if (path === '') throw new Error(`no path in datastore URL ${JSON.stringify(url)}`);
  const { SqliteStore } = await import('./sqlite/store.js');
  return new SqliteStore(path, { ...opts.sqlite, ...compaction });
}
