import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isStorageError, StorageError, type KeyValue, type Store, type WatchEvent } from './store.js';

/**
 * The behaviour every Store backend must have. `makeStore` is called once per test; stores may
 * share state across tests (e.g. one etcd), so each test works under its own key prefix and
 * asserts revisions only relative to each other.
 */
export function runStoreConformance(
  name: string,
  makeStore: () => Promise<{ store: Store; cleanup: () => Promise<void> }>,
): void {
  let seq = 0;
  const it = (title: string, fn: (store: Store, p: string) => Promise<void>) =>
    test(`${name}: ${title}`, { timeout: 60_000 }, async () => {
      const { store, cleanup } = await makeStore();
      const p = `/conf/${process.pid}-${Date.now().toString(36)}-${seq++}/`;
      try {
        await fn(store, p);
      } finally {
        await cleanup();
      }
    });

  it('create stores bytes and fails with KeyExists when the key is present', async (s, p) => {
    const bytes = Uint8Array.from([0, 1, 2, 255, 128, 10]);
    const kv = await s.create(`${p}a`, bytes);
    assert.equal(kv.key, `${p}a`);
    assert.deepEqual(u8(kv.value), bytes);
    assert.equal(kv.createRevision, kv.modRevision);
    assert.ok(kv.modRevision > 0);
    const got = await s.get(`${p}a`);
    assert.ok(got);
    assert.deepEqual(u8(got.value), bytes);
    assert.equal(got.modRevision, kv.modRevision);
    assert.equal(got.createRevision, kv.createRevision);
    const err = await rejection(s.create(`${p}a`, enc('other')));
    assert.ok(isStorageError(err, 'KeyExists'), String(err));
    assert.deepEqual(u8((await s.get(`${p}a`))!.value), bytes);
    assert.equal(await s.currentRevision(), kv.modRevision);
  });

  it('get of a missing key is undefined; an empty value round-trips', async (s, p) => {
    assert.equal(await s.get(`${p}missing`), undefined);
    await s.create(`${p}empty`, new Uint8Array(0));
    assert.equal((await s.get(`${p}empty`))!.value.length, 0);
  });

  it('a large value round-trips', async (s, p) => {
    const big = new Uint8Array(300_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
    await s.create(`${p}big`, big);
    assert.deepEqual(u8((await s.get(`${p}big`))!.value), big);
  });

  it('a list larger than 4 MiB in total comes back whole', async (s, p) => {
    const value = new Uint8Array(256 * 1024).fill(7);
    for (let i = 0; i < 24; i++) await s.create(`${p}${String(i).padStart(2, '0')}`, value);
    const res = await s.list(p);
    assert.equal(res.items.length, 24);
    for (const item of res.items) assert.equal(item.value.length, value.length);
  });

  it('update is compare-and-swap on modRevision and keeps createRevision', async (s, p) => {
    const k = `${p}k`;
    const c = await s.create(k, enc('v1'));
    const u1 = await s.update(k, enc('v2'), c.modRevision);
    assert.ok(u1.modRevision > c.modRevision);
    assert.equal(u1.createRevision, c.createRevision);
    assert.equal(dec(u1.value), 'v2');
    const u2 = await s.update(k, enc('v3'), u1.modRevision);
    assert.equal(u2.createRevision, c.createRevision);
    const got = await s.get(k);
    assert.equal(dec(got!.value), 'v3');
    assert.equal(got!.modRevision, u2.modRevision);
    assert.equal(got!.createRevision, c.createRevision);

    const err = await rejection(s.update(k, enc('stale'), u1.modRevision));
    assert.ok(isStorageError(err, 'Conflict'), String(err));
    assert.ok(err.current, 'Conflict carries the current value');
    assert.equal(err.current.modRevision, u2.modRevision);
    assert.equal(err.current.createRevision, c.createRevision);
    assert.equal(dec(err.current.value), 'v3');
    assert.equal(dec((await s.get(k))!.value), 'v3');
  });

  it('update of a missing or deleted key fails with KeyNotFound', async (s, p) => {
    const e1 = await rejection(s.update(`${p}nope`, enc('x'), 1));
    assert.ok(isStorageError(e1, 'KeyNotFound'), String(e1));
    const e0 = await rejection(s.update(`${p}nope`, enc('x'), 0));
    assert.ok(isStorageError(e0, 'KeyNotFound'), String(e0));
    assert.equal(await s.get(`${p}nope`), undefined);
    const c = await s.create(`${p}gone`, enc('x'));
    await s.delete(`${p}gone`);
    const e2 = await rejection(s.update(`${p}gone`, enc('y'), c.modRevision));
    assert.ok(isStorageError(e2, 'KeyNotFound'), String(e2));
    assert.equal(await s.get(`${p}gone`), undefined);
  });

  it('delete with and without an expected revision', async (s, p) => {
    const a = await s.create(`${p}a`, enc('A'));
    const d = await s.delete(`${p}a`);
    assert.ok(d.revision > a.modRevision);
    assert.equal(d.prevKv.key, `${p}a`);
    assert.equal(dec(d.prevKv.value), 'A');
    assert.equal(d.prevKv.modRevision, a.modRevision);
    assert.equal(d.prevKv.createRevision, a.createRevision);
    assert.equal(await s.get(`${p}a`), undefined);
    assert.equal(await s.currentRevision(), d.revision);

    const missing = await rejection(s.delete(`${p}a`));
    assert.ok(isStorageError(missing, 'KeyNotFound'), String(missing));
    const missing2 = await rejection(s.delete(`${p}never`, 5));
    assert.ok(isStorageError(missing2, 'KeyNotFound'), String(missing2));

    const b = await s.create(`${p}b`, enc('B1'));
    const b2 = await s.update(`${p}b`, enc('B2'), b.modRevision);
    const conflict = await rejection(s.delete(`${p}b`, b.modRevision));
    assert.ok(isStorageError(conflict, 'Conflict'), String(conflict));
    assert.equal(conflict.current?.modRevision, b2.modRevision);
    assert.equal(dec(conflict.current!.value), 'B2');
    assert.ok(await s.get(`${p}b`), 'a failed delete leaves the key');
    const ok = await s.delete(`${p}b`, b2.modRevision);
    assert.equal(dec(ok.prevKv.value), 'B2');
    assert.equal(ok.prevKv.createRevision, b.createRevision);
    assert.equal(await s.get(`${p}b`), undefined);

    // Re-creating a deleted key starts a new life: a new createRevision.
    const again = await s.create(`${p}a`, enc('A2'));
    assert.ok(again.createRevision > d.revision);
    assert.equal(again.createRevision, again.modRevision);
  });

  it('revisions strictly increase across every kind of write', async (s, p) => {
    const revs: number[] = [];
    const before = await s.currentRevision();
    const a = await s.create(`${p}a`, enc('1'));
    revs.push(a.modRevision);
    const b = await s.create(`${p}b`, enc('1'));
    revs.push(b.modRevision);
    const a2 = await s.update(`${p}a`, enc('2'), a.modRevision);
    revs.push(a2.modRevision);
    revs.push((await s.delete(`${p}b`)).revision);
    revs.push((await s.create(`${p}b`, enc('3'))).modRevision);
    assert.ok(revs[0]! > before);
    for (let i = 1; i < revs.length; i++) assert.ok(revs[i]! > revs[i - 1]!, `revisions ${revs.join(',')}`);
    assert.equal(await s.currentRevision(), revs.at(-1));
    // Failed writes do not take a revision.
    await rejection(s.create(`${p}a`, enc('x')));
    await rejection(s.update(`${p}a`, enc('x'), a.modRevision));
    assert.equal(await s.currentRevision(), revs.at(-1));
  });

  it('list returns only keys under the prefix, in key order', async (s, p) => {
    const keys = [`${p}a/2`, `${p}a/10`, `${p}a/1`, `${p}a/b/x`, `${p}ab/1`, `${p}a`, `${p}b/1`, `${p}a/\u00e9`, `${p}a/Z`];
    for (const k of keys) await s.create(k, enc(k));
    const res = await s.list(`${p}a/`);
    const want = [`${p}a/1`, `${p}a/10`, `${p}a/2`, `${p}a/Z`, `${p}a/b/x`, `${p}a/\u00e9`];
    assert.deepEqual(
      res.items.map((i) => i.key),
      want,
    );
    for (const item of res.items) assert.equal(dec(item.value), item.key);
    assert.equal(res.more, false);
    assert.equal(res.revision, await s.currentRevision());
    assert.deepEqual(
      (await s.list(`${p}ab/`)).items.map((i) => i.key),
      [`${p}ab/1`],
    );
    assert.deepEqual((await s.list(`${p}zzz/`)).items, []);
    const all = await s.list(p);
    assert.deepEqual(
      all.items.map((i) => i.key),
      [...keys].sort(byteOrder),
    );
    // The empty prefix covers every key.
    const everything = (await s.list('')).items.map((i) => i.key);
    for (const k of keys) assert.ok(everything.includes(k), k);
    assert.deepEqual(everything, [...everything].sort(byteOrder));
    // Deleted keys drop out.
    await s.delete(`${p}a/10`);
    assert.deepEqual(
      (await s.list(`${p}a/`)).items.map((i) => i.key),
      want.filter((k) => k !== `${p}a/10`),
    );
  });

  it('list at an old revision shows the state as of that revision', async (s, p) => {
    const a = await s.create(`${p}a`, enc('a1'));
    const b = await s.create(`${p}b`, enc('b1'));
    const r1 = b.modRevision;
    await s.update(`${p}a`, enc('a2'), a.modRevision);
    await s.delete(`${p}b`);
    await s.create(`${p}c`, enc('c1'));
    const old = await s.list(p, { revision: r1 });
    assert.equal(old.revision, r1);
    assert.deepEqual(
      old.items.map((i) => [i.key, dec(i.value), i.modRevision]),
      [
        [`${p}a`, 'a1', a.modRevision],
        [`${p}b`, 'b1', b.modRevision],
      ],
    );
    const older = await s.list(p, { revision: a.modRevision });
    assert.deepEqual(
      older.items.map((i) => i.key),
      [`${p}a`],
    );
    const now = await s.list(p);
    assert.deepEqual(
      now.items.map((i) => [i.key, dec(i.value)]),
      [
        [`${p}a`, 'a2'],
        [`${p}c`, 'c1'],
      ],
    );
    const explicit = await s.list(p, { revision: now.revision });
    assert.deepEqual(explicit.items, now.items);
    // A revision not yet written cannot be read.
    const future = await rejection(s.list(p, { revision: now.revision + 1000 }));
    assert.ok(isStorageError(future, 'Unavailable'), String(future));
  });

  it('list pages with limit and startAfter', async (s, p) => {
    const keys: string[] = [];
    for (let i = 0; i < 25; i++) keys.push(`${p}k${String(i).padStart(3, '0')}`);
    for (const k of [...keys].reverse()) await s.create(k, enc(k));
    await s.create(`${p.slice(0, -1)}0/outside`, enc('x'));
    const seen: string[] = [];
    let startAfter: string | undefined;
    let pages = 0;
    let revision: number | undefined;
    for (;;) {
      const page = await s.list(p, { limit: 10, ...(startAfter !== undefined ? { startAfter } : {}), ...(revision ? { revision } : {}) });
      revision ??= page.revision;
      pages++;
      assert.ok(page.items.length <= 10);
      seen.push(...page.items.map((i) => i.key));
      if (pages === 1) {
        // Writes after the first page do not show in later pages read at the same revision.
        await s.create(`${p}k0005x`, enc('late'));
        await s.delete(keys[20]!);
      }
      if (!page.more) break;
      startAfter = page.items.at(-1)!.key;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, keys);

    const exact = await s.list(p, { limit: 2, startAfter: keys[22]! });
    assert.deepEqual(
      exact.items.map((i) => i.key),
      [keys[23], keys[24]],
    );
    assert.equal(exact.more, false);
    const cut = await s.list(p, { limit: 2, startAfter: keys[21]! });
    assert.equal(cut.more, true);
    // A startAfter that sorts before the prefix starts at the prefix.
    const first = await s.list(p, { limit: 1, startAfter: '/' });
    assert.deepEqual(
      first.items.map((i) => i.key),
      [keys[0]],
    );
    const none = await s.list(p, { startAfter: `${p}zzz` });
    assert.deepEqual(none.items, []);
    assert.equal(none.more, false);
  });

  it('count counts live keys under the prefix', async (s, p) => {
    assert.equal(await s.count(p), 0);
    for (let i = 0; i < 7; i++) await s.create(`${p}x/${i}`, enc('v'));
    await s.create(`${p}y/1`, enc('v'));
    const c = await s.create(`${p}x/7`, enc('v'));
    await s.update(`${p}x/7`, enc('w'), c.modRevision);
    assert.equal(await s.count(`${p}x/`), 8);
    await s.delete(`${p}x/3`);
    assert.equal(await s.count(`${p}x/`), 7);
    assert.equal(await s.count(p), 8);
  });

  it('watch replays history, then streams live changes, in order without gaps or duplicates', async (s, p) => {
    const start = await s.currentRevision();
    const writes: number[] = [];
    const a = await s.create(`${p}a`, enc('1'));
    writes.push(a.modRevision);
    const a2 = await s.update(`${p}a`, enc('2'), a.modRevision);
    writes.push(a2.modRevision);
    writes.push((await s.create(`${p}b`, enc('b'))).modRevision);
    writes.push((await s.delete(`${p}b`)).revision);
    const ac = new AbortController();
    const iter = s.watch(p, start, ac.signal)[Symbol.asyncIterator]();
    const first = await take(iter, 2);
    // Live writes while part of the history is still unread.
    writes.push((await s.create(`${p}c`, enc('c'))).modRevision);
    writes.push((await s.update(`${p}a`, enc('3'), a2.modRevision)).modRevision);
    const rest = await take(iter, 4);
    const events = [...first, ...rest];
    assert.deepEqual(
      events.map((e) => e.revision),
      writes,
    );
    assert.deepEqual(
      events.map((e) => `${e.type}:${keyOf(e)}`),
      ['put:a', 'put:a', 'put:b', 'delete:b', 'put:c', 'put:a'].map((x) => x.replace(':', `:${p}`)),
    );
    const put = events[1]!;
    assert.equal(put.type, 'put');
    if (put.type === 'put') {
      assert.equal(dec(put.kv.value), '2');
      assert.equal(put.kv.modRevision, put.revision);
      assert.equal(put.kv.createRevision, a.createRevision);
    }
    // Nothing more arrives until another write.
    const pending = iter.next();
    const late = await s.create(`${p}d`, enc('d'));
    const next = await withTimeout(pending, 10_000);
    assert.equal(next.done, false);
    assert.equal(next.value!.revision, late.modRevision);
    ac.abort();
    assert.equal((await withTimeout(iter.next(), 10_000)).done, true);
  });

  it('watch from the current revision sees only new changes', async (s, p) => {
    await s.create(`${p}old`, enc('x'));
    const rev = await s.currentRevision();
    const ac = new AbortController();
    const iter = s.watch(p, rev, ac.signal)[Symbol.asyncIterator]();
    const pending = iter.next();
    const n = await s.create(`${p}new`, enc('y'));
    const ev = await withTimeout(pending, 10_000);
    assert.equal(ev.done, false);
    assert.equal(ev.value!.revision, n.modRevision);
    assert.equal(keyOf(ev.value!), `${p}new`);
    ac.abort();
    await iter.return?.();
  });

  it('watch of deletes carries the previous value', async (s, p) => {
    const start = await s.currentRevision();
    const c = await s.create(`${p}x`, enc('first'));
    const u = await s.update(`${p}x`, enc('last'), c.modRevision);
    const d = await s.delete(`${p}x`);
    const ac = new AbortController();
    const iter = s.watch(p, start, ac.signal)[Symbol.asyncIterator]();
    const events = await take(iter, 3);
    const del = events[2]!;
    assert.equal(del.type, 'delete');
    if (del.type !== 'delete') return;
    assert.equal(del.key, `${p}x`);
    assert.equal(del.revision, d.revision);
    assert.equal(del.prevKv.key, `${p}x`);
    assert.equal(dec(del.prevKv.value), 'last');
    assert.equal(del.prevKv.modRevision, u.modRevision);
    assert.equal(del.prevKv.createRevision, c.createRevision);
    // Live deletes too.
    const pending = iter.next();
    const y = await s.create(`${p}y`, enc('yv'));
    await withTimeout(pending, 10_000);
    const pending2 = iter.next();
    await s.delete(`${p}y`);
    const live = (await withTimeout(pending2, 10_000)).value!;
    assert.equal(live.type, 'delete');
    if (live.type === 'delete') {
      assert.equal(dec(live.prevKv.value), 'yv');
      assert.equal(live.prevKv.modRevision, y.modRevision);
    }
    ac.abort();
    await iter.return?.();
  });

  it('watch of a prefix ignores other prefixes', async (s, p) => {
    const start = await s.currentRevision();
    const ac = new AbortController();
    const iter = s.watch(`${p}in/`, start, ac.signal)[Symbol.asyncIterator]();
    await s.create(`${p}out/1`, enc('x'));
    await s.create(`${p}in`, enc('x'));
    await s.create(`${p}inx/1`, enc('x'));
    const want = await s.create(`${p}in/1`, enc('x'));
    await s.create(`${p}out/2`, enc('x'));
    const want2 = await s.create(`${p}in/2`, enc('x'));
    const events = await take(iter, 2);
    assert.deepEqual(
      events.map((e) => e.revision),
      [want.modRevision, want2.modRevision],
    );
    ac.abort();
    await iter.return?.();
  });

  it('watch ends cleanly on abort, also while waiting and when aborted before it starts', async (s, p) => {
    const rev = await s.currentRevision();
    const ac = new AbortController();
    const iter = s.watch(p, rev, ac.signal)[Symbol.asyncIterator]();
    const pending = iter.next();
    await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    assert.equal((await withTimeout(pending, 10_000)).done, true);
    assert.equal((await withTimeout(iter.next(), 10_000)).done, true);

    const pre = new AbortController();
    pre.abort();
    const it2 = s.watch(p, rev, pre.signal)[Symbol.asyncIterator]();
    assert.equal((await withTimeout(it2.next(), 10_000)).done, true);

    // for-await with break releases the watch too; the store keeps working.
    const ac3 = new AbortController();
    await s.create(`${p}z`, enc('z'));
    for await (const ev of s.watch(p, rev, ac3.signal)) {
      assert.equal(keyOf(ev), `${p}z`);
      break;
    }
    ac3.abort();
    assert.ok(await s.get(`${p}z`));
  });

  it('closing the store ends its watches', async (s, p) => {
    const ac = new AbortController();
    const iter = s.watch(p, await s.currentRevision(), ac.signal)[Symbol.asyncIterator]();
    const pending = iter.next();
    await new Promise((r) => setTimeout(r, 50));
    await s.close();
    const r = await withTimeout(
      pending.then(
        (x) => x,
        (e: unknown) => e,
      ),
      10_000,
    );
    // Either a clean end or an Unavailable error; never a hang.
    if (r instanceof Error) assert.ok(isStorageError(r, 'Unavailable'), String(r));
    else assert.equal((r as IteratorResult<WatchEvent>).done, true);
    ac.abort();
  });

  it('watch keeps order under concurrent writes during replay', async (s, p) => {
    const start = await s.currentRevision();
    const revs: number[] = [];
    for (let i = 0; i < 150; i++) revs.push((await s.create(`${p}pre/${i}`, enc(String(i)))).modRevision);
    const ac = new AbortController();
    const iter = s.watch(p, start, ac.signal)[Symbol.asyncIterator]();
    const writer = (async () => {
      for (let i = 0; i < 150; i++) {
        const kvs = await Promise.all([s.create(`${p}live/${i}/a`, enc('a')), s.create(`${p}live/${i}/b`, enc('b'))]);
        revs.push(...kvs.map((kv) => kv.modRevision));
      }
    })();
    const events = await take(iter, 450, 60_000);
    await writer;
    const got = events.map((e) => e.revision);
    for (let i = 1; i < got.length; i++) assert.ok(got[i]! > got[i - 1]!, `order at ${i}`);
    assert.deepEqual(got, [...revs].sort((x, y) => x - y));
    ac.abort();
    await iter.return?.();
  });

  it('compaction drops old history: old reads and watches fail with Compacted, latest reads work', async (s, p) => {
    const a = await s.create(`${p}a`, enc('a1'));
    const r1 = a.modRevision;
    const a2 = await s.update(`${p}a`, enc('a2'), a.modRevision);
    await s.create(`${p}b`, enc('b1'));
    const del = await s.delete(`${p}b`);
    const rc = del.revision;
    const a3 = await s.update(`${p}a`, enc('a3'), a2.modRevision);
    await s.create(`${p}c`, enc('c1'));
    await s.compact(rc);
    assert.equal(await s.compactedRevision(), rc);

    const listErr = await rejection(s.list(p, { revision: r1 }));
    assert.ok(isStorageError(listErr, 'Compacted'), String(listErr));
    assert.equal(listErr.compactedRevision, rc);

    const watchErr = await rejection(firstEvent(s.watch(p, r1, new AbortController().signal)));
    assert.ok(isStorageError(watchErr, 'Compacted'), String(watchErr));
    assert.equal(watchErr.compactedRevision, rc);

    // The state at the compacted revision itself is still readable.
    const atC = await s.list(p, { revision: rc });
    assert.deepEqual(
      atC.items.map((i) => [i.key, dec(i.value), i.modRevision]),
      [[`${p}a`, 'a2', a2.modRevision]],
    );
    const now = await s.list(p);
    assert.deepEqual(
      now.items.map((i) => [i.key, dec(i.value)]),
      [
        [`${p}a`, 'a3'],
        [`${p}c`, 'c1'],
      ],
    );
    assert.equal(dec((await s.get(`${p}a`))!.value), 'a3');
    assert.equal((await s.get(`${p}a`))!.createRevision, a.createRevision);
    assert.equal(await s.count(p), 2);

    // Watching from the compacted revision replays what followed it.
    const ac = new AbortController();
    const iter = s.watch(p, rc, ac.signal)[Symbol.asyncIterator]();
    const evs = await take(iter, 2);
    assert.deepEqual(
      evs.map((e) => e.revision),
      [a3.modRevision, a3.modRevision + 1],
    );
    ac.abort();
    await iter.return?.();

    // Compacting again at or below the compacted revision changes nothing.
    await s.compact(r1);
    assert.equal(await s.compactedRevision(), rc);
    // A key deleted before compaction can be created again, and writes go on.
    const b2 = await s.create(`${p}b`, enc('b2'));
    assert.ok(b2.createRevision > a3.modRevision);
    const upd = await s.update(`${p}a`, enc('a4'), a3.modRevision);
    assert.equal(upd.createRevision, a.createRevision);
  });

  it('concurrent compare-and-swap writers with retry lose no update', async (s, p) => {
    const key = `${p}counter`;
    await s.create(key, enc('0'));
    const workers = 8;
    const perWorker = 12;
    let conflicts = 0;
    const work = async () => {
      for (let i = 0; i < perWorker; i++) {
        let cur = (await s.get(key))!;
        for (;;) {
          try {
            await s.update(key, enc(String(Number(dec(cur.value)) + 1)), cur.modRevision);
            break;
          } catch (e) {
            if (!isStorageError(e, 'Conflict')) throw e;
            conflicts++;
            assert.ok(e.current);
            cur = e.current;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: workers }, work));
    assert.equal(dec((await s.get(key))!.value), String(workers * perWorker));
    assert.ok(conflicts > 0, 'the writers did race');
  });
}

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const u8 = (b: Uint8Array) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const keyOf = (e: WatchEvent) => (e.type === 'put' ? e.kv.key : e.key);
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

async function rejection(p: Promise<unknown>): Promise<StorageError & { current?: KeyValue }> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof StorageError, `expected a StorageError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms}ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function take(iter: AsyncIterator<WatchEvent>, n: number, ms = 10_000): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  const deadline = Date.now() + ms;
  while (out.length < n) {
    const r = await withTimeout(iter.next(), Math.max(1, deadline - Date.now()));
    if (r.done) assert.fail(`watch ended after ${out.length} of ${n} events`);
    out.push(r.value);
  }
  return out;
}

async function firstEvent(w: AsyncIterable<WatchEvent>): Promise<WatchEvent | undefined> {
  const iter = w[Symbol.asyncIterator]();
  try {
    const r = await withTimeout(iter.next(), 10_000);
    return r.done ? undefined : r.value;
  } finally {
    await iter.return?.();
  }
}
