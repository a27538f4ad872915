import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, chmodSync, rmSync, statSync, symlinkSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expand, expandSubPathExpr, resolveSubPath, validateSubPath } from './subpath.js';

test('expand follows upstream expansion syntax', () => {
  const m = (k: string): string => `<${k}>`;
  assert.equal(expand('a/$(X)/b', m), 'a/<X>/b');
  assert.equal(expand('$$(X)', m), '$(X)');
  assert.equal(expand('$(X', m), '$(X');
  assert.equal(expand('cost $5 $', m), 'cost $5 $');
  assert.equal(expand('$(A)$(B)', m), '<A><B>');
});

test('subPathExpr needs every variable set', () => {
  const env = new Map([['POD_NAME', 'web-0'], ['EMPTY', '']]);
  assert.equal(expandSubPathExpr('logs/$(POD_NAME)', env), 'logs/web-0');
  assert.throws(() => expandSubPathExpr('$(NOPE)/$(EMPTY)', env), /^Error: missing value for EMPTY, NOPE$/);
});

test('subPath validation and resolution stay inside the volume', () => {
  const base = mkdtempSync(join(tmpdir(), 'k8ts-sp-'));
  const outside = mkdtempSync(join(tmpdir(), 'k8ts-sp-out-'));
  try {
    const vol = join(base, 'vol');
    mkdirSync(vol);
    chmodSync(vol, 0o770);
    assert.throws(() => validateSubPath('/abs'), /must not be an absolute path/);
    assert.throws(() => validateSubPath('a/../b'), /must not contain '\.\.'/);
    const got = resolveSubPath(vol, 'a/b');
    assert.equal(got, join(realpathSync(vol), 'a/b'));
    assert.equal(statSync(join(vol, 'a')).mode & 0o7777, 0o770, 'created with the volume root mode');
    assert.equal(resolveSubPath(vol, './a/b/'), got);
    symlinkSync(outside, join(vol, 'escape'));
    assert.throws(() => resolveSubPath(vol, 'escape/x'), /not within volume path/);
    symlinkSync('a', join(vol, 'inner'));
    assert.equal(resolveSubPath(vol, 'inner/b'), got);
  } finally {
    rmSync(base, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});
