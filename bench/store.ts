/**
 * Storage benchmark: creates/s (~2 KiB values), gets/s and list latency at 10k keys, for the SQLite
 * and etcd backends. Prints figures; not a test.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/store.js [--backend sqlite|etcd|all] [--keys 10000] [--concurrency 64]
 *
 * etcd is started on free 127.0.0.1 ports from the `etcd` binary (Debian's etcd-server).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import type { Store } from '../src/storage/store.js';
import { SqliteStore } from '../src/storage/sqlite/store.js';
import { EtcdStore } from '../src/storage/etcd/store.js';
import { startEtcd } from '../test/support/etcd.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'all' },
    keys: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '64' },
  },
});
const KEYS = Number(args.keys);
const CONCURRENCY = Number(args.concurrency);
const VALUE = new Uint8Array(2048).map((_, i) => 32 + (i % 90));

/** Runs `n` jobs with at most `concurrency` in flight; returns the elapsed seconds. */
async function pool(n: number, concurrency: number, job: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await job(next++);
    }),
  );
  return (performance.now() - t0) / 1000;
}

async function timeMs(runs: number, fn: () => Promise<unknown>): Promise<{ median: number; min: number }> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)]!, min: ms[0]! };
}

const key = (i: number) => `/registry/configmaps/ns${i % 20}/cm-${String(i).padStart(6, '0')}`;

async function bench(name: string, store: Store): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const seqN = Math.min(1000, KEYS);
  const seqS = await pool(seqN, 1, (i) => store.create(`/bench/seq/${i}`, VALUE));
  out['creates/s, 1 in flight'] = (seqN / seqS).toFixed(0);
  const createS = await pool(KEYS, CONCURRENCY, (i) => store.create(key(i), VALUE));
  out[`creates/s, ${CONCURRENCY} in flight`] = (KEYS / createS).toFixed(0);
  const rand = (i: number) => key((i * 7919) % KEYS);
  const getS = await pool(KEYS, CONCURRENCY, (i) => store.get(rand(i)));
  out[`gets/s, ${CONCURRENCY} in flight`] = (KEYS / getS).toFixed(0);
  const get1S = await pool(seqN, 1, (i) => store.get(rand(i)));
  out['gets/s, 1 in flight'] = (seqN / get1S).toFixed(0);
  let kv = await store.get(key(0));
  const updS = await pool(seqN, 1, async () => {
    kv = await store.update(key(0), VALUE, kv!.modRevision);
  });
  out['CAS updates/s, 1 in flight'] = (seqN / updS).toFixed(0);

  const all = await timeMs(5, async () => {
    const r = await store.list('/registry/configmaps/');
    if (r.items.length !== KEYS) throw new Error(`listed ${r.items.length} of ${KEYS}`);
  });
  out[`list all ${KEYS} keys, ms (median)`] = all.median.toFixed(1);
  const ns = await timeMs(9, () => store.list('/registry/configmaps/ns7/'));
  out[`list one prefix (${KEYS / 20} keys), ms`] = ns.median.toFixed(1);
  const page = await timeMs(9, () => store.list('/registry/configmaps/', { limit: 500, startAfter: key(KEYS / 2) }));
  out['list page of 500, ms'] = page.median.toFixed(1);
  const count = await timeMs(9, () => store.count('/registry/configmaps/'));
  out['count, ms'] = count.median.toFixed(1);
  console.error(`[${name}] done`);
  return out;
}

function etcdVersion(): string | undefined {
  try {
    return execFileSync('etcd', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    return undefined;
  }
}

// Warm up the JIT and the file cache so the first backend measured is not penalised.
{
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-'));
  const warm = new SqliteStore(join(dir, 'state.db'), { compactIntervalMs: 0 });
  await pool(3000, CONCURRENCY, async (i) => {
    await warm.create(`/warm/${i}`, VALUE);
    await warm.get(`/warm/${i}`);
  });
  await warm.list('/warm/');
  await warm.close();
  rmSync(dir, { recursive: true, force: true });
}

const results: Record<string, Record<string, string>> = {};
const backends = args.backend === 'all' ? ['sqlite', 'etcd'] : [args.backend!];

for (const b of backends) {
  if (b === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-'));
    const store = new SqliteStore(join(dir, 'state.db'), { compactIntervalMs: 0 });
    try {
      results['sqlite (WAL, synchronous=NORMAL)'] = await bench('sqlite', store);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
    const dir2 = mkdtempSync(join(tmpdir(), 'k8ts-bench-'));
    const full = new SqliteStore(join(dir2, 'state.db'), { compactIntervalMs: 0, synchronous: 'FULL' });
    try {
      results['sqlite (WAL, synchronous=FULL)'] = await bench('sqlite-full', full);
    } finally {
      await full.close();
      rmSync(dir2, { recursive: true, force: true });
    }
  } else if (b === 'etcd') {
    const version = etcdVersion();
    if (!version) {
      console.error('etcd not found on PATH (apt-get install etcd-server); skipping');
      continue;
    }
    const etcd = await startEtcd();
    const store = new EtcdStore([etcd.endpoint], { compactIntervalMs: 0 });
    try {
      results[`etcd (${version.replace('etcd Version: ', 'v')}, 1 member)`] = await bench('etcd', store);
    } finally {
      await store.close();
      await etcd.stop();
    }
  } else {
    throw new Error(`unknown backend ${b}`);
  }
}

const rows = Object.keys(Object.values(results)[0] ?? {});
const cols = Object.keys(results);
const w0 = Math.max(...rows.map((r) => r.length), 6);
const widths = cols.map((c) => Math.max(c.length, 8));
console.log(`storage benchmark: ${KEYS} keys, 2 KiB values, node ${process.version}, ${cpus().length} cores`);
console.log(['metric'.padEnd(w0), ...cols.map((c, i) => c.padStart(widths[i]!))].join(' | '));
for (const r of rows) console.log([r.padEnd(w0), ...cols.map((c, i) => (results[c]![r] ?? '-').padStart(widths[i]!))].join(' | '));
console.log(`\nreproduce: npx tsc -p tsconfig.json && node dist/bench/store.js --backend ${args.backend} --keys ${KEYS} --concurrency ${CONCURRENCY}`);
