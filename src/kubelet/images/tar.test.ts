import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTar, writeTar, type TarEntry } from './tar.js';

const longDir = 'a'.repeat(120);
const longName = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(90)}`;
const veryLong = `x/${'y'.repeat(100)}/${'y'.repeat(100)}/${'z'.repeat(120)}`;
const entries: TarEntry[] = [
  { type: 'dir', path: 'bin' },
  { type: 'dir', path: 'tmp', mode: 0o1777 },
  { type: 'file', path: 'bin/tool', data: Buffer.from([0, 1, 2, 3, 255]), mode: 0o755 },
  { type: 'symlink', path: 'bin/sh', target: 'tool' },
  { type: 'file', path: 'etc/motd', data: 'hello\n' },
  { type: 'file', path: 'empty', data: '' },
  { type: 'file', path: longName, data: 'split into prefix and name' },
  { type: 'dir', path: `x/${'y'.repeat(100)}/${'y'.repeat(100)}` },
  { type: 'file', path: veryLong, data: 'needs pax path' },
  { type: 'file', path: 'unicode-é', data: 'pax for non-ascii' },
  { type: 'symlink', path: 'longlink', target: `/${longDir}/target` },
];

describe('tar writer', () => {
  it('is deterministic and block-aligned to a 10240-byte record', () => {
    const a = writeTar(entries);
    const b = writeTar(entries);
    assert.ok(a.equals(b));
    assert.equal(a.length % 10240, 0);
  });

  it('reads back what it wrote, with uid/gid 0 and fixed mtimes', () => {
    const got = readTar(writeTar(entries));
    assert.deepEqual(got.map((e) => e.path), ['bin/', 'tmp/', 'bin/tool', 'bin/sh', 'etc/motd', 'empty', longName, `x/${'y'.repeat(100)}/${'y'.repeat(100)}/`, veryLong, 'unicode-é', 'longlink']);
    for (const e of got) {
      assert.equal(e.uid, 0);
      assert.equal(e.gid, 0);
      assert.equal(e.mtime, 0);
    }
    assert.equal(got[1]!.mode, 0o1777);
    assert.deepEqual([...got[2]!.data], [0, 1, 2, 3, 255]);
    assert.equal(got[3]!.type, 'symlink');
    assert.equal(got[3]!.target, 'tool');
    assert.equal(got[8]!.data.toString(), 'needs pax path');
    assert.equal(got[10]!.target, `/${longDir}/target`);
  });

  it('round-trips through the system tar', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-tar-'));
    try {
      const file = join(dir, 'a.tar');
      writeFileSync(file, writeTar(entries));
      const listing = execFileSync('tar', ['-tvf', file], { encoding: 'utf8' });
      assert.match(listing, /^drwxrwxrwt 0\/0 +0 1970-01-01 00:00 tmp\/$/m);
      assert.match(listing, /^-rwxr-xr-x 0\/0 +5 1970-01-01 00:00 bin\/tool$/m);
      assert.match(listing, /^lrwxrwxrwx 0\/0 +0 1970-01-01 00:00 bin\/sh -> tool$/m);
      const names = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n');
      assert.deepEqual(names, readTar(readFileSync(file)).map((e) => e.path));
      const out = join(dir, 'x');
      execFileSync('mkdir', [out]);
      execFileSync('tar', ['-xf', file, '-C', out], { stdio: 'ignore' });
      assert.equal(readFileSync(join(out, 'etc/motd'), 'utf8'), 'hello\n');
      assert.equal(readFileSync(join(out, veryLong), 'utf8'), 'needs pax path');
      assert.equal(readFileSync(join(out, longName), 'utf8'), 'split into prefix and name');
      assert.equal(readFileSync(join(out, 'unicode-é'), 'utf8'), 'pax for non-ascii');
      assert.equal(readlinkSync(join(out, 'bin/sh')), 'tool');
      assert.equal(statSync(join(out, 'bin/tool')).mode & 0o777, 0o755);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects paths that escape the archive root', () => {
    assert.throws(() => writeTar([{ type: 'file', path: '../etc/passwd', data: '' }]), /bad path/);
    assert.throws(() => writeTar([{ type: 'file', path: '/', data: '' }]), /bad path/);
  });
});
