import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, statSync, existsSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validatePath, writePayload, type Payload } from './atomicwriter.js';

const p = (entries: Record<string, [string, number]>): Payload =>
  new Map(Object.entries(entries).map(([k, [d, m]]) => [k, { data: Buffer.from(d), mode: m }]));

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-aw-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('writes files behind ..data and user-visible symlinks with exact modes', withDir(async (dir) => {
  const changed = await writePayload(dir, p({ 'a.txt': ['A', 0o600], 'sub/dir/b': ['B', 0o644] }), new Date(Date.UTC(2024, 0, 2, 3, 4, 5)));
  assert.equal(changed, true);
  const ts = readlinkSync(join(dir, '..data'));
  assert.match(ts, /^\.\.2024_01_02_03_04_05\./);
  assert.equal(statSync(join(dir, ts)).mode & 0o777, 0o755);
  assert.equal(readlinkSync(join(dir, 'a.txt')), '..data/a.txt');
  assert.equal(readlinkSync(join(dir, 'sub')), '..data/sub');
  assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'A');
  assert.equal(readFileSync(join(dir, 'sub/dir/b'), 'utf8'), 'B');
  assert.equal(statSync(join(dir, 'a.txt')).mode & 0o7777, 0o600);
  assert.deepEqual(readdirSync(dir).sort(), ['..data', ts, 'a.txt', 'sub'].sort());
}));

test('unchanged payload is not rewritten; changes swap the timestamped dir and drop stale entries', withDir(async (dir) => {
  await writePayload(dir, p({ x: ['1', 0o644], y: ['2', 0o644] }));
  const ts1 = readlinkSync(join(dir, '..data'));
  assert.equal(await writePayload(dir, p({ x: ['1', 0o644], y: ['2', 0o644] })), false);
  assert.equal(readlinkSync(join(dir, '..data')), ts1);

  assert.equal(await writePayload(dir, p({ x: ['1', 0o640], y: ['2', 0o644] })), true, 'mode change rewrites');
  const ts2 = readlinkSync(join(dir, '..data'));
  assert.notEqual(ts2, ts1);
  assert.equal(existsSync(join(dir, ts1)), false, 'old timestamped dir removed');

  assert.equal(await writePayload(dir, p({ x: ['changed', 0o640] })), true);
  assert.equal(readFileSync(join(dir, 'x'), 'utf8'), 'changed');
  assert.throws(() => lstatSync(join(dir, 'y')), /ENOENT/);
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('..2')).length, 1);
}));

test('a removed key alone triggers a rewrite', withDir(async (dir) => {
  await writePayload(dir, p({ x: ['1', 0o644], y: ['2', 0o644] }));
  assert.equal(await writePayload(dir, p({ x: ['1', 0o644] })), true);
  assert.deepEqual(readdirSync(join(dir, '..data')), ['x']);
}));

test('empty payload still publishes ..data', withDir(async (dir) => {
  assert.equal(await writePayload(dir, new Map()), true);
  assert.deepEqual(readdirSync(join(dir, '..data')), []);
  assert.equal(await writePayload(dir, new Map()), false);
}));

test('invalid paths are rejected with upstream text and nothing is written', withDir(async (dir) => {
  assert.throws(() => validatePath(''), /must not be empty/);
  assert.throws(() => validatePath('/etc/x'), /invalid path: must be relative path: \/etc\/x/);
  assert.throws(() => validatePath('a/../../x'), /must not contain '\.\.'/);
  assert.throws(() => validatePath('..data/x'), /must not start with '\.\.'/);
  validatePath('a/..b/c');
  assert.throws(() => validatePath('..'), /must not contain/);
  await assert.rejects(writePayload(dir, p({ ok: ['1', 0o644], '../evil': ['x', 0o644] })), /must not contain/);
  assert.deepEqual(readdirSync(dir), []);
}));
