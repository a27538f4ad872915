import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHostPathType } from './hostpath.js';

test('hostPath type checks and *OrCreate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-hp-'));
  const sockPath = join(dir, 'sock');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(sockPath, r));
  try {
    const file = join(dir, 'f');
    writeFileSync(file, 'x');
    mkdirSync(join(dir, 'd'));
    await checkHostPathType(join(dir, 'missing'), '');
    await checkHostPathType(join(dir, 'd'), 'Directory');
    await assert.rejects(checkHostPathType(file, 'Directory'), { message: `hostPath type check failed: ${file} is not a directory` });
    await assert.rejects(checkHostPathType(join(dir, 'nope'), 'Directory'), /is not a directory/);
    await checkHostPathType(file, 'File');
    await assert.rejects(checkHostPathType(join(dir, 'd'), 'File'), /is not a file/);
    await assert.rejects(checkHostPathType(file, 'DirectoryOrCreate'), /is not a directory/);
    await checkHostPathType(join(dir, 'new/deep'), 'DirectoryOrCreate');
    assert.ok(statSync(join(dir, 'new/deep')).isDirectory());
    await checkHostPathType(join(dir, 'newfile'), 'FileOrCreate');
    assert.ok(statSync(join(dir, 'newfile')).isFile());
    await assert.rejects(checkHostPathType(join(dir, 'd'), 'FileOrCreate'), /is not a file/);
    await checkHostPathType(sockPath, 'Socket');
    await assert.rejects(checkHostPathType(file, 'Socket'), /is not a socket file/);
    await checkHostPathType('/dev/null', 'CharDevice');
    await assert.rejects(checkHostPathType(file, 'CharDevice'), /is not a character device/);
    await assert.rejects(checkHostPathType('/dev/null', 'BlockDevice'), /is not a block device/);
  } finally {
    srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
