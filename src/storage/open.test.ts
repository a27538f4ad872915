import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openStore } from './open.js';
import { MemoryStore } from './memory/store.js';
import { SqliteStore } from './sqlite/store.js';
import { EtcdStore } from './etcd/store.js';

test('openStore picks the backend from the URL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-open-'));
  try {
    const m = await openStore('memory://');
    assert.ok(m instanceof MemoryStore);
    await m.close();

    const abs = join(dir, 'a', 'state.db');
    const s1 = await openStore(`sqlite://${abs}`, { compactIntervalMs: 0 });
    assert.ok(s1 instanceof SqliteStore);
    await s1.create('/k', new Uint8Array([1]));
    await s1.close();
    assert.ok(existsSync(abs));

    const s2 = await openStore(join(dir, 'b', 'state.db'), { compactIntervalMs: 0 });
    assert.ok(s2 instanceof SqliteStore);
    await s2.close();
    assert.ok(existsSync(join(dir, 'b', 'state.db')));

    const s3 = await openStore(pathToFileURL(abs).href, { compactIntervalMs: 0 });
    assert.ok((await s3.get('/k'))?.value[0] === 1);
    await s3.close();

    for (const url of ['etcd://127.0.0.1:2379', 'etcd://127.0.0.1:2379,127.0.0.2:2379', 'http://127.0.0.1:2379']) {
      const e = await openStore(url, { compactIntervalMs: 0 });
      assert.ok(e instanceof EtcdStore);
      await e.close();
    }
    await assert.rejects(openStore('mysql://x/y'), /unsupported datastore URL/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
