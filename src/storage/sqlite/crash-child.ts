/**
 * Child process for crash.test.ts: creates keys /crash/0, /crash/1, ... in the SQLite store at
 * argv[2], a few at a time, printing each key after its create resolved (was acknowledged), until
 * it is killed.
 */
import { SqliteStore } from './store.js';

const store = new SqliteStore(process.argv[2]!, { compactIntervalMs: 0 });
const value = new Uint8Array(2048).fill(120);
let i = 0;
for (;;) {
  const keys = [i, i + 1, i + 2, i + 3].map((n) => `/crash/${n}`);
  i += 4;
  await Promise.all(
    keys.map(async (k) => {
      await store.create(k, value);
      process.stdout.write(`${k}\n`);
    }),
  );
}
