import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from './store.js';

const child = fileURLToPath(new URL('./crash-child.js', import.meta.url));

test('sqlite: every acknowledged write survives kill -9 of the writer', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-crash-'));
  const path = join(dir, 'state.db');
  try {
    for (let round = 0; round < 3; round++) {
      const proc = spawn(process.execPath, [child, path], { stdio: ['ignore', 'pipe', 'inherit'] });
      const acked: string[] = [];
      let buf = '';
      const target = 2000 + round * 1500;
      await new Promise<void>((resolve, reject) => {
        proc.on('error', reject);
        proc.on('exit', (code, sig) => (sig === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code} ${sig}`))));
        proc.stdout!.on('data', (d: Buffer) => {
          buf += d.toString();
          const lines = buf.split('\n');
          buf = lines.pop()!;
          acked.push(...lines);
          if (acked.length >= target && proc.exitCode === null && !proc.killed) proc.kill('SIGKILL');
        });
      });
      assert.ok(acked.length >= target);
      const store = new SqliteStore(path, { compactIntervalMs: 0 });
      try {
        const missing: string[] = [];
        for (const k of acked) if (!(await store.get(k))) missing.push(k);
        assert.deepEqual(missing, [], `${missing.length} acknowledged keys lost`);
        const count = await store.count('/crash/');
        assert.ok(count >= acked.length);
        // Clear for the next round so the child starts at /crash/0 again.
        for (const kv of (await store.list('/crash/')).items) await store.delete(kv.key);
      } finally {
        await store.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
