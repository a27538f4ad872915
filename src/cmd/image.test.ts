import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ImageCommandError, checkSocket, containerdSocket, ctrImportArgs, formatImages, formatTable, goFormatG, humanSize,
  imageFlags, imageRows, importImages, parseCtrImportOutput, splitArgs,
} from './image.js';

const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;

describe('splitArgs', () => {
  it('separates files from flags, taking values of string flags along', () => {
    assert.deepEqual(splitArgs(imageFlags, ['a.tar', '--address', '/x.sock', '--all-platforms', 'b.tar', '--data-dir=/d', '-']), {
      flags: ['--address', '/x.sock', '--all-platforms', '--data-dir=/d'],
      positionals: ['a.tar', 'b.tar', '-'],
    });
  });
  it('treats everything after -- as files and leaves unknown flags for parseFlags', () => {
    assert.deepEqual(splitArgs(imageFlags, ['--bogus', 'x', '--', '--weird.tar']), { flags: ['--bogus'], positionals: ['x', '--weird.tar'] });
  });
});

describe('containerdSocket', () => {
  it("defaults to the node's containerd under the data dir", () => {
    assert.equal(containerdSocket({ 'data-dir': '/var/lib/k8ts', address: undefined }), '/var/lib/k8ts/agent/containerd/containerd.sock');
  });
  it('takes --address as a path or unix:// URL', () => {
    assert.equal(containerdSocket({ 'data-dir': '/d', address: 'unix:///run/c.sock' }), '/run/c.sock');
    assert.equal(containerdSocket({ 'data-dir': '/d', address: '/run/c.sock' }), '/run/c.sock');
  });
});

describe('ctr import', () => {
  it('builds the ctr command line for the k8s.io namespace', () => {
    assert.deepEqual(ctrImportArgs('/s.sock', 'x.tar'), ['--address', '/s.sock', '--namespace', 'k8s.io', 'images', 'import', 'x.tar']);
    assert.deepEqual(ctrImportArgs('/s.sock', 'x.tar', { allPlatforms: true, snapshotter: 'native' }),
      ['--address', '/s.sock', '--namespace', 'k8s.io', 'images', 'import', '--all-platforms', '--snapshotter', 'native', 'x.tar']);
  });
  it('reads image names and digests from ctr output', () => {
    const out = `unpacking docker.io/library/busybox:1.35 (${D1})...done\nunpacking k8ts.local/x:1 (${D2})...done\n`;
    assert.deepEqual(parseCtrImportOutput(out), [{ name: 'docker.io/library/busybox:1.35', digest: D1 }, { name: 'k8ts.local/x:1', digest: D2 }]);
    assert.deepEqual(parseCtrImportOutput('ctr: something else\n'), []);
  });
  it('refuses a missing file before touching containerd', async () => {
    await assert.rejects(importImages(['/nonexistent/x.tar'], { 'data-dir': '/nonexistent', address: undefined, 'all-platforms': false, snapshotter: undefined, 'ctr-path': 'ctr' }, () => undefined),
      (e: Error) => e instanceof ImageCommandError && /no such file/.test(e.message));
  });
});

describe('checkSocket', () => {
  it('says the node is not running when the socket is absent', async () => {
    await assert.rejects(checkSocket('/nonexistent/containerd.sock'),
      (e: Error) => e instanceof ImageCommandError && e.message.includes('/nonexistent/containerd.sock not found') && e.message.includes('is the node running?'));
  });
  it('rejects a path that is not a socket, accepts a listening one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-image-'));
    try {
      writeFileSync(join(dir, 'plain'), '');
      await assert.rejects(checkSocket(join(dir, 'plain')), /is not a unix socket/);
      const srv = createServer((s) => s.destroy());
      const path = join(dir, 's.sock');
      await new Promise<void>((r) => srv.listen(path, r));
      try {
        await checkSocket(path);
      } finally {
        await new Promise((r) => srv.close(r));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('crictl images format', () => {
  it("formats numbers like Go's %.3g", () => {
    assert.equal(goFormatG(2.215936, 3), '2.22');
    assert.equal(goFormatG(100, 3), '100');
    assert.equal(goFormatG(1, 3), '1');
    assert.equal(goFormatG(2.5, 3), '2.5');
    assert.equal(goFormatG(9.996, 3), '10');
    assert.equal(goFormatG(999.6, 3), '1e+03');
    assert.equal(goFormatG(0.0001, 3), '0.0001');
    assert.equal(goFormatG(0, 3), '0');
  });
  it('prints sizes in decimal units with 3 significant digits', () => {
    assert.equal(humanSize(0), '0B');
    assert.equal(humanSize(999), '999B');
    assert.equal(humanSize(1000), '1kB');
    assert.equal(humanSize(12_345), '12.3kB');
    assert.equal(humanSize(2_215_936), '2.22MB');
    assert.equal(humanSize(1_500_000_000), '1.5GB');
  });
  it('gives one row per tag, sorted by first tag, with 13-char ids and <none> for untagged images', () => {
    const rows = imageRows([
      { id: D2, repoTags: ['k8ts.local/imported:1', 'k8ts.local/imported:latest'], repoDigests: [], size: 2_215_936 },
      { id: D1, repoTags: ['docker.io/library/busybox:1.35'], repoDigests: [`docker.io/library/busybox@${D1}`], size: 999 },
    ]);
    assert.deepEqual(rows, [
      ['docker.io/library/busybox', '1.35', 'aaaaaaaaaaaaa', '999B'],
      ['k8ts.local/imported', '1', 'bbbbbbbbbbbbb', '2.22MB'],
      ['k8ts.local/imported', 'latest', 'bbbbbbbbbbbbb', '2.22MB'],
    ]);
    assert.deepEqual(imageRows([{ id: D1, repoTags: [], repoDigests: [`k8ts.local/x@${D2}`], size: 1 }]), [['k8ts.local/x', '<none>', 'aaaaaaaaaaaaa', '1B']]);
  });
  it('pads columns as tabwriter(minwidth 20, padding 3) does, the last column unpadded', () => {
    assert.equal(formatTable([['a', 'bb', 'c'], ['aaaaaaaaaaaaaaaaaaaa', 'b', 'cc']]),
      `a${' '.repeat(22)}bb${' '.repeat(18)}c\n` + `aaaaaaaaaaaaaaaaaaaa${' '.repeat(3)}b${' '.repeat(19)}cc\n`);
    const out = formatImages([{ id: D1, repoTags: ['docker.io/library/busybox:latest'], repoDigests: [], size: 2_215_936 }]);
    assert.equal(out,
      `IMAGE${' '.repeat(23)}TAG${' '.repeat(17)}IMAGE ID${' '.repeat(12)}SIZE\n` +
      `docker.io/library/busybox${' '.repeat(3)}latest${' '.repeat(14)}aaaaaaaaaaaaa${' '.repeat(7)}2.22MB\n`);
  });
});
