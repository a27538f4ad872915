/**
 * `k8ts image import / ls / export-offline` against a containerd of the test's own (needs root,
 * /usr/bin/containerd, /usr/bin/ctr, busybox-static): an OCI layout tar built here is imported through
 * `bin/k8ts`, then `k8ts image ls` and the CRI both see it; the exported offline images import too.
 * Without a running containerd the command fails with a clear message. No pods are run. Teardown stops
 * containerd by PID, kills leftover shims, unmounts under the temp dir, deletes the bridge and the dir.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CriClient } from '../../src/kubelet/runtime/cri/client.js';
import { killShims, startContainerd, unmountUnder, type RunningContainerd } from '../../src/kubelet/runtime/containerd.js';
import { buildImage, layerFromTar, writeOciLayoutTar, DEFAULT_PATH_ENV } from '../../src/kubelet/images/oci.js';
import { writeTar } from '../../src/kubelet/images/tar.js';

const run = promisify(execFile);
const canRun = process.getuid?.() === 0 && existsSync('/usr/bin/containerd') && existsSync('/usr/bin/ctr') && existsSync('/bin/busybox');

// dist/test/integration → repository root
const K8TS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/k8ts');
const IMAGE = 'k8ts.local/imported:1';
const BRIDGE = `k8tI${process.pid % 10000}`;
const POD_CIDR = '10.244.232.0/24';

interface Result { code: number; stdout: string; stderr: string }

async function k8ts(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [K8TS, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** A one-layer image holding /hello.txt, written as an OCI layout tar under IMAGE; returns the image ID (config digest). */
function buildImageTar(file: string): string {
  const layer = layerFromTar(writeTar([{ type: 'file', path: 'hello.txt', data: 'imported by k8ts\n', mode: 0o644 }]));
  const image = buildImage({ layers: [{ ...layer, createdBy: 'k8ts test' }], config: { Env: [DEFAULT_PATH_ENV], Cmd: ['/hello.txt'] } });
  writeFileSync(file, writeOciLayoutTar([{ image, refs: [IMAGE] }]));
  return image.config.descriptor.digest;
}

/** The same kind of image as `docker save` writes it (manifest.json, config, uncompressed layer.tar); returns the image ID. */
function buildDockerSaveTar(file: string, ref: string): string {
  const layerTar = writeTar([{ type: 'file', path: 'saved.txt', data: 'saved by docker\n', mode: 0o644 }]);
  const layer = layerFromTar(layerTar);
  const image = buildImage({ layers: [{ ...layer, createdBy: 'k8ts test' }], config: { Env: [DEFAULT_PATH_ENV], Cmd: ['/saved.txt'] } });
  const configHex = image.config.descriptor.digest.slice('sha256:'.length);
  const layerDir = layer.diffId.slice('sha256:'.length);
  const manifest = [{ Config: `${configHex}.json`, RepoTags: [ref], Layers: [`${layerDir}/layer.tar`] }];
  writeFileSync(file, writeTar([
    { type: 'file', path: `${configHex}.json`, data: image.config.data },
    { type: 'dir', path: layerDir },
    { type: 'file', path: `${layerDir}/layer.tar`, data: layerTar },
    { type: 'file', path: 'manifest.json', data: JSON.stringify(manifest) },
  ]));
  return image.config.descriptor.digest;
}

describe('k8ts image', { skip: canRun ? false : 'needs root, containerd, ctr and busybox-static' }, () => {
  let dir = '';
  let ctrd: RunningContainerd | undefined;
  let cri: CriClient | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-imgimp-'));
    ctrd = await startContainerd({ dir: join(dir, 'ctrd'), sandboxImage: 'k8ts.local/pause:none', podCidr: POD_CIDR, bridgeName: BRIDGE });
    cri = new CriClient({ endpoint: ctrd.endpoint });
  });

  after(async () => {
    cri?.close();
    if (ctrd) {
      await ctrd.stop();
      killShims(ctrd.paths.socket);
    }
    if (dir) await unmountUnder(dir);
    await run('ip', ['link', 'del', BRIDGE]).catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('imports an OCI layout tar that ls and the CRI then see', async () => {
    const tar = join(dir, 'imported.tar');
    const imageId = buildImageTar(tar);
    assert.equal(await cri!.imageStatus({ image: IMAGE }), null, 'not present before the import');

    const imp = await k8ts('image', 'import', '--address', ctrd!.paths.socket, tar);
    assert.equal(imp.code, 0, imp.stderr);
    assert.equal(imp.stdout, `Loaded image: ${IMAGE}\n`);

    const ls = await k8ts('image', 'ls', '--address', `unix://${ctrd!.paths.socket}`);
    assert.equal(ls.code, 0, ls.stderr);
    const lines = ls.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^IMAGE\s+TAG\s+IMAGE ID\s+SIZE$/);
    const row = lines.find((l) => l.startsWith('k8ts.local/imported '));
    assert.ok(row, ls.stdout);
    const [, tag, id, size] = row.split(/\s+/);
    assert.equal(tag, '1');
    assert.match(id!, /^[0-9a-f]{13}$/);
    assert.match(size!, /^\d+(\.\d+)?k?B$/);

    const img = await cri!.imageStatus({ image: IMAGE });
    assert.ok(img, 'CRI ImageStatus finds the imported image');
    assert.ok(img.repoTags.includes(IMAGE), img.repoTags.join(','));
    assert.equal(img.id, imageId);
    assert.equal(id, imageId.slice('sha256:'.length, 'sha256:'.length + 13));
  });

  it('imports a docker-save tar', async () => {
    const tar = join(dir, 'saved.tar');
    const imageId = buildDockerSaveTar(tar, 'k8ts.local/saved:2');
    const imp = await k8ts('image', 'import', '--address', ctrd!.paths.socket, tar);
    assert.equal(imp.code, 0, imp.stderr);
    assert.equal(imp.stdout, 'Loaded image: k8ts.local/saved:2\n');
    assert.equal((await cri!.imageStatus({ image: 'k8ts.local/saved:2' }))?.id, imageId);
  });

  it('exports the offline images as a tar that imports under docker.io and registry.k8s.io names', async () => {
    const tar = join(dir, 'offline.tar');
    const exp = await k8ts('image', 'export-offline', tar);
    assert.equal(exp.code, 0, exp.stderr);
    assert.match(exp.stdout, /Exported image: docker\.io\/library\/busybox:1\.35\n/);

    const imp = await k8ts('image', 'import', '--address', ctrd!.paths.socket, tar);
    assert.equal(imp.code, 0, imp.stderr);
    assert.match(imp.stdout, /^Loaded image: docker\.io\/library\/busybox:latest$/m);
    assert.match(imp.stdout, /^Loaded image: registry\.k8s\.io\/pause:3\.10$/m);

    for (const ref of ['docker.io/library/busybox:1.35', 'busybox', 'registry.k8s.io/pause:3.10']) {
      assert.ok(await cri!.imageStatus({ image: ref }), `${ref} present`);
    }
  });

  it('says the node is not running when its socket is absent', async () => {
    const tar = join(dir, 'imported.tar');
    const res = await k8ts('image', 'import', '--data-dir', join(dir, 'no-node'), tar);
    assert.equal(res.code, 1);
    assert.equal(res.stdout, '');
    assert.match(res.stderr, /^Error: containerd socket .*no-node\/agent\/containerd\/containerd\.sock not found: is the node running\?/);
    const ls = await k8ts('image', 'ls', '--data-dir', join(dir, 'no-node'));
    assert.equal(ls.code, 1);
    assert.match(ls.stderr, /is the node running\?/);
  });
});
