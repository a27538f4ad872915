import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { SyncRunner } from './syncrunner.js';
import { silentLogger } from '../util/logger.js';

test('two requested syncs run at once (burst 2), the third waits for the minimum period; bursts of requests fold', async () => {
  const at: number[] = [];
  const r = new SyncRunner(async () => void at.push(Date.now()), () => 400, silentLogger, 'test');
  const t0 = Date.now();
  const until = async (n: number) => { for (let i = 0; at.length < n && i < 300; i++) await sleep(10); };
  for (let i = 0; i < 5; i++) r.request();
  await until(1);
  r.request();
  await until(2);
  assert.ok(at[1]! - t0 < 200, `second sync immediate (${at[1]! - t0} ms)`);
  r.request();
  r.request();
  await until(3);
  await sleep(50);
  assert.equal(at.length, 3, 'requests while one is scheduled fold into it');
  assert.ok(at[2]! - t0 >= 350, `third sync waits for a token (${at[2]! - t0} ms)`);
  await r.stop();
  r.request();
  await r.run();
  await sleep(50);
  assert.equal(at.length, 3, 'nothing runs after stop');
});

test('a failed requested sync is requested again', async () => {
  let calls = 0;
  const r = new SyncRunner(async () => { calls++; if (calls === 1) throw new Error('boom'); }, () => 0, silentLogger, 'test');
  r.request();
  for (let i = 0; calls < 2 && i < 100; i++) await sleep(10);
  assert.equal(calls, 2);
  await r.stop();
});
