/**
 * Offline images end to end: build busybox and pause from the host's busybox-static, write an OCI
 * layout tar, start Debian's docker-registry on 127.0.0.1 with a temporary storage directory, push,
 * and read the images back through the registry API as containerd would (OCI Accept header).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  MEDIA_TYPE_MANIFEST, buildOfflineImages, offlineImageRefs, sha256, writeOciLayoutTar, type OfflineImages,
} from '../../src/kubelet/images/oci.js';
import { readTar } from '../../src/kubelet/images/tar.js';
import { containerdMirrorHostsToml, pushImage, pushOfflineImages, startRegistry, type LocalRegistry } from '../../src/kubelet/images/registry.js';

const usable = existsSync('/bin/busybox') && existsSync('/usr/bin/docker-registry');
const withContainerd = existsSync('/usr/bin/containerd') && existsSync('/usr/bin/ctr') && process.getuid?.() === 0;

describe('offline images', { skip: !usable && 'needs /bin/busybox (busybox-static) and /usr/bin/docker-registry' }, () => {
  let dir = '';
  let images: OfflineImages;
  let registry: LocalRegistry | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-images-'));
    const t0 = performance.now();
    images = buildOfflineImages();
    const ms = performance.now() - t0;
    const layer = images.busybox.layers[0]!;
    console.log(`# build both images: ${ms.toFixed(0)} ms; layer ${layer.data.length} bytes gzip (${layer.descriptor.digest.slice(0, 19)})`);
  });

  after(async () => {
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes an OCI layout tar that the system tar lists', () => {
    const refs = offlineImageRefs();
    const tar = writeOciLayoutTar([{ image: images.busybox, refs: refs.busybox }, { image: images.pause, refs: refs.pause }]);
    const file = join(dir, 'images.tar');
    writeFileSync(file, tar);
    console.log(`# layout tar: ${tar.length} bytes`);
    const names = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n');
    assert.ok(names.includes('index.json'));
    assert.ok(names.includes('oci-layout'));
    for (const img of [images.busybox, images.pause]) {
      for (const b of [img.manifest, img.config, ...img.layers]) assert.ok(names.includes(`blobs/sha256/${b.descriptor.digest.slice(7)}`), b.descriptor.digest);
    }
    assert.equal(names.filter((n) => n.startsWith('blobs/sha256/') && !n.endsWith('/')).length, 5, 'layer stored once');
  });

  it('serves pushed images from a local docker-registry', async () => {
    let t0 = performance.now();
    registry = await startRegistry({ dir: join(dir, 'registry') });
    console.log(`# registry ready on ${registry.url} in ${(performance.now() - t0).toFixed(0)} ms (pid ${registry.pid})`);
    assert.match(registry.url, /^http:\/\/127\.0\.0\.1:\d+$/);

    t0 = performance.now();
    await pushOfflineImages(registry.url, images);
    console.log(`# push busybox + pause (3 repositories, 12 tags): ${(performance.now() - t0).toFixed(0)} ms`);

    // A second push skips every blob.
    const again = await pushImage(registry.url, images.busybox, 'library/busybox', ['latest']);
    assert.deepEqual({ uploaded: again.uploaded, mounted: again.mounted, skipped: again.skipped }, { uploaded: 0, mounted: 0, skipped: 2 });

    const digest = images.busybox.manifest.descriptor.digest;
    const res = await fetch(`${registry.url}/v2/library/busybox/manifests/1.35`, { headers: { accept: MEDIA_TYPE_MANIFEST } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), MEDIA_TYPE_MANIFEST);
    assert.equal(res.headers.get('docker-content-digest'), digest);
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(sha256(body), digest);
    const manifest = JSON.parse(body.toString());

    const tags = (await (await fetch(`${registry.url}/v2/library/busybox/tags/list`)).json()) as { name: string; tags: string[] };
    assert.deepEqual({ ...tags, tags: [...tags.tags].sort() }, { name: 'library/busybox', tags: ['1.35', '1.36', '1.37', 'latest'] });

    for (const [repo, tag] of [['library/pause', '3.10'], ['library/pause', '3.9'], ['pause', '3.10']] as const) {
      const r = await fetch(`${registry.url}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { accept: MEDIA_TYPE_MANIFEST } });
      assert.equal(r.status, 200, `${repo}:${tag}`);
      assert.equal(r.headers.get('docker-content-digest'), images.pause.manifest.descriptor.digest);
    }

    const layerRes = await fetch(`${registry.url}/v2/library/busybox/blobs/${manifest.layers[0].digest}`);
    assert.equal(layerRes.status, 200);
    const layer = Buffer.from(await layerRes.arrayBuffer());
    assert.equal(sha256(layer), manifest.layers[0].digest);
    const files = readTar(gunzipSync(layer));
    const bb = files.find((f) => f.path === 'bin/busybox');
    assert.ok(bb && bb.size > 100_000, 'bin/busybox in the layer');
    assert.ok(files.some((f) => f.path === 'bin/httpd' && f.target === 'busybox'));

    const configRes = await fetch(`${registry.url}/v2/library/busybox/blobs/${manifest.config.digest}`);
    const config = (await configRes.json()) as { config: { Cmd: string[] } };
    assert.deepEqual(config.config.Cmd, ['sh']);

    await registry.stop();
    const pid = registry.pid;
    registry = undefined;
    assert.throws(() => process.kill(pid, 0), 'registry process is gone');
  });
  it('imports the layout tar and pulls through a docker.io mirror with a throwaway containerd', { skip: !withContainerd && 'needs root, containerd and ctr' }, async () => {
    const root = join(dir, 'containerd');
    const sock = join(root, 'c.sock');
    mkdirSync(join(root, 'hosts', 'docker.io'), { recursive: true });
    writeFileSync(join(root, 'config.toml'), [
      'version = 2',
      `root = ${JSON.stringify(join(root, 'root'))}`,
      `state = ${JSON.stringify(join(root, 'state'))}`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '[grpc]',
      `  address = ${JSON.stringify(sock)}`,
      '',
    ].join('\n'));
    const containerd = spawn('/usr/bin/containerd', ['--config', join(root, 'config.toml')], { stdio: 'ignore' });
    const reg = await startRegistry({ dir: join(dir, 'registry2') });
    try {
      const ctr = (...args: string[]) => execFileSync('/usr/bin/ctr', ['-a', sock, ...args], { encoding: 'utf8', timeout: 30_000 });
      for (let i = 0; ; i++) {
        try {
          ctr('version');
          break;
        } catch (err) {
          if (i > 100) throw err;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      let t0 = performance.now();
      ctr('-n', 'k8s.io', 'images', 'import', join(dir, 'images.tar'));
      console.log(`# ctr images import: ${(performance.now() - t0).toFixed(0)} ms`);
      const listed = ctr('-n', 'k8s.io', 'images', 'ls', '-q').split('\n');
      for (const ref of ['docker.io/library/busybox:1.35', 'docker.io/library/busybox:latest', 'registry.k8s.io/pause:3.10']) assert.ok(listed.includes(ref), ref);

      await pushOfflineImages(reg.url, images);
      writeFileSync(join(root, 'hosts', 'docker.io', 'hosts.toml'), containerdMirrorHostsToml('docker.io', reg.url));
      t0 = performance.now();
      ctr('-n', 'mirror', 'images', 'pull', '--hosts-dir', join(root, 'hosts'), 'docker.io/library/busybox:1.36');
      console.log(`# ctr images pull through the mirror: ${(performance.now() - t0).toFixed(0)} ms`);
      assert.match(ctr('-n', 'mirror', 'images', 'ls'), new RegExp(`docker.io/library/busybox:1.36\\s.*${images.busybox.manifest.descriptor.digest}`));
    } finally {
      await reg.stop();
      containerd.kill('SIGTERM');
      await new Promise((r) => (containerd.exitCode !== null ? r(null) : containerd.once('exit', r)));
    }
  });
});
