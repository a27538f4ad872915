#!/usr/bin/env node
// Runs node's test runner over compiled test files under the given folders (Node 20 has no --test globs).
// Usage: node scripts/run-tests.mjs [--concurrency N] dir...
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
let concurrency = '1';
const dirs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--concurrency') concurrency = args[++i];
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
const res = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...files], { stdio: 'inherit' });
process.exit(res.status ?? 1);
