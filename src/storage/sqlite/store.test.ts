import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runStoreConformance } from '../conformance.js';
import { isStorageError } from '../store.js';
import { SqliteStore } from './store.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-sqlite-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

runStoreConformance('sqlite', async () => {
  const t = tempDir();
  const store = new SqliteStore(join(t.dir, 'db', 'state.db'), { compactIntervalMs: 0 });
  return {
    store,
    cleanup: async () => {
      await store.close();
      t.remove();
    },
  };
});

test('sqlite: data, revisions and the compacted revision survive a reopen', async () => {
  const t = tempDir();
  const path = join(t.dir, 'nested', 'dirs', 'state.db');
  try {
    const s1 = new SqliteStore(path, { compactIntervalMs: 0 });
    const a = await s1.create('/r/a', enc('1'));
    await s1.update('/r/a', enc('2'), a.modRevision);
    const b = await s1.create('/r/b', enc('b'));
    const d = await s1.delete('/r/b');
    await s1.compact(b.modRevision);
    await s1.close();

    const s2 = new SqliteStore(path, { compactIntervalMs: 0 });
    assert.equal(await s2.currentRevision(), d.revision);
    assert.equal(await s2.compactedRevision(), b.modRevision);
    assert.equal(dec((await s2.get('/r/a'))!.value), '2');
    assert.equal(await s2.get('/r/b'), undefined);
    await assert.rejects(s2.list('/r/', { revision: a.modRevision }), (e) => isStorageError(e, 'Compacted'));
    // Revisions continue after the last one, even when the last row was compacted away.
    await s2.compact(d.revision);
    await s2.close();
    const s3 = new SqliteStore(path, { compactIntervalMs: 0 });
    const c = await s3.create('/r/c', enc('c'));
    assert.equal(c.modRevision, d.revision + 1);
    await s3.close();
  } finally {
    t.remove();
  }
});

test('sqlite: compaction deletes superseded rows and delete markers only', async () => {
  const t = tempDir();
  const path = join(t.dir, 'state.db');
  try {
    const s = new SqliteStore(path, { compactIntervalMs: 0 });
    let kv = await s.create('/c/a', enc('0'));
    for (let i = 1; i <= 20; i++) kv = await s.update('/c/a', enc(String(i)), kv.modRevision);
    await s.create('/c/b', enc('b'));
    await s.delete('/c/b');
    const keep = await s.create('/c/keep', enc('k'));
    const mid = await s.currentRevision();
    const later = await s.update('/c/a', enc('later'), kv.modRevision);
    await s.compact(mid);
    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT id, name, deleted FROM log ORDER BY id').all() as { id: number; name: string; deleted: number }[];
    db.close();
    assert.deepEqual(
      rows.map((r) => [r.id, r.name, r.deleted]),
      [
        [kv.modRevision, '/c/a', 0],
        [keep.modRevision, '/c/keep', 0],
        [later.modRevision, '/c/a', 0],
      ],
    );
    assert.deepEqual(
      (await s.list('/c/', { revision: mid })).items.map((i) => [i.key, dec(i.value)]),
      [
        ['/c/a', '20'],
        ['/c/keep', 'k'],
      ],
    );
    await s.close();
  } finally {
    t.remove();
  }
});

test('sqlite: periodic compaction keeps the configured number of revisions', async () => {
  const t = tempDir();
  try {
    const s = new SqliteStore(join(t.dir, 'state.db'), { compactIntervalMs: 50, compactKeepRevisions: 10 });
    let kv = await s.create('/p/a', enc('0'));
    for (let i = 1; i < 40; i++) kv = await s.update('/p/a', enc(String(i)), kv.modRevision);
    const deadline = Date.now() + 5000;
    while ((await s.compactedRevision()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await s.compactedRevision(), kv.modRevision - 10);
    assert.equal(dec((await s.get('/p/a'))!.value), '39');
    await s.close();
  } finally {
    t.remove();
  }
});

test('sqlite: a watcher that falls far behind catches up from the table', async () => {
  const t = tempDir();
  try {
    const s = new SqliteStore(join(t.dir, 'state.db'), { compactIntervalMs: 0 });
    const start = await s.currentRevision();
    const ac = new AbortController();
    const iter = s.watch('/w/', start, ac.signal)[Symbol.asyncIterator]();
    // The watcher is registered once next() runs; then 25k live events arrive unread (past the buffer).
    const first = iter.next();
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 25_000; i++) writes.push(s.create(`/w/${i}`, enc('x')));
    await Promise.all(writes);
    const revs: number[] = [];
    const r0 = await first;
    revs.push(r0.value!.revision);
    while (revs.length < 25_000) {
      const r = await iter.next();
      assert.equal(r.done, false);
      revs.push(r.value!.revision);
    }
    for (let i = 1; i < revs.length; i++) assert.equal(revs[i], revs[i - 1]! + 1);
    assert.equal(revs[0], start + 1);
    ac.abort();
    await iter.return?.();
    await s.close();
  } finally {
    t.remove();
  }
});

test('sqlite: list and count stay fast at 10k keys with history', async () => {
  const t = tempDir();
  try {
    const s = new SqliteStore(join(t.dir, 'state.db'), { compactIntervalMs: 0 });
    const value = new Uint8Array(1024).fill(65);
    const creates: Promise<{ modRevision: number }>[] = [];
    for (let i = 0; i < 10_000; i++) creates.push(s.create(`/registry/pods/ns${i % 10}/pod-${String(i).padStart(5, '0')}`, value));
    const kvs = await Promise.all(creates);
    const mid = await s.currentRevision();
    const updates: Promise<unknown>[] = [];
    for (let i = 0; i < 10_000; i += 2) {
      updates.push(s.update(`/registry/pods/ns${i % 10}/pod-${String(i).padStart(5, '0')}`, value, kvs[i]!.modRevision));
    }
    await Promise.all(updates);
    await s.create('/registry/services/x', value);

    let t0 = performance.now();
    const all = await s.list('/registry/pods/');
    const listMs = performance.now() - t0;
    assert.equal(all.items.length, 10_000);
    t0 = performance.now();
    const ns = await s.list('/registry/pods/ns3/');
    const nsMs = performance.now() - t0;
    assert.equal(ns.items.length, 1000);
    t0 = performance.now();
    const page = await s.list('/registry/pods/', { limit: 500, startAfter: all.items[5000]!.key });
    const pageMs = performance.now() - t0;
    assert.equal(page.items.length, 500);
    assert.equal(page.items[0]!.key, all.items[5001]!.key);
    t0 = performance.now();
    const old = await s.list('/registry/pods/', { revision: mid });
    const oldMs = performance.now() - t0;
    assert.equal(old.items.length, 10_000);
    t0 = performance.now();
    assert.equal(await s.count('/registry/pods/'), 10_000);
    const countMs = performance.now() - t0;
    const fmt = (n: number) => n.toFixed(1);
    console.log(
      `# sqlite 10k keys: list all ${fmt(listMs)}ms, list 1k ${fmt(nsMs)}ms, page 500 ${fmt(pageMs)}ms, list at old rev ${fmt(oldMs)}ms, count ${fmt(countMs)}ms`,
    );
    // Generous bounds for a slow CI machine; a plan that scans history per row would be far slower.
    assert.ok(listMs < 1500, `list all took ${listMs}ms`);
    assert.ok(pageMs < 100, `a page took ${pageMs}ms`);
    assert.ok(countMs < 500, `count took ${countMs}ms`);
    await s.close();
  } finally {
    t.remove();
  }
});
