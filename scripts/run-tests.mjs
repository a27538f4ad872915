#!/usr/bin/env node
// Runs node's test runner over compiled test files under the given folders (Node 20 has no --test globs).
// Usage: node scripts/run-tests.mjs [--concurrency N] [--file-timeout SECONDS] dir...
// With --file-timeout, files run one at a time, each killed (and counted failed) past the limit.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
let concurrency = '1';
let fileTimeout = 0;
const dirs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--concurrency') concurrency = args[++i];
  else if (args[i] === '--file-timeout') fileTimeout = Number(args[++i]);
  else dirs.push(args[i]);
}
const files = [];
const walk = (d) => {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) files.push(p);
  }
};
for (const d of dirs) walk(d);
files.sort();
if (files.length === 0) {
  console.error('no test files found under', dirs.join(' '));
  process.exit(1);
}
if (fileTimeout > 0) {
  const failed = [];
  for (const f of files) {
    const t0 = Date.now();
    // Run directly (node:test runs in-process), so SIGTERM reaches the test support's handler,
    // which stops the servers and agents the file started.
    const res = spawnSync(process.execPath, [f], { stdio: 'inherit', timeout: fileTimeout * 1000, killSignal: 'SIGTERM' });
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    if (res.error?.code === 'ETIMEDOUT' || res.signal) failed.push(`${f} (killed after ${secs} s)`);
    else if (res.status !== 0) failed.push(`${f} (exit ${res.status}, ${secs} s)`);
    else console.log(`# file ${f} passed in ${secs} s`);
  }
  if (failed.length) console.log(`# failed files:\n#   ${failed.join('\n#   ')}`);
  console.log(`# files ${files.length}, failed ${failed.length}`);
  process.exit(failed.length ? 1 : 0);
}
const res = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...files], { stdio: 'inherit' });
process.exit(res.status ?? 1);
