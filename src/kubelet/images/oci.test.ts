import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import {
  MEDIA_TYPE_CONFIG, MEDIA_TYPE_LAYER_GZIP, MEDIA_TYPE_MANIFEST, REQUIRED_APPLETS, buildImage, buildOfflineImages, busyboxRootfs,
  layerFromTar, normalizeReference, ociPlatform, offlineImageRefs, sha256, writeOciLayoutTar, PAUSE_ENTRYPOINT,
} from './oci.js';
import { readTar, writeTar } from './tar.js';

const hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('OCI image building', () => {
  it('digests are sha256 of the exact bytes; diff_id is of the uncompressed tar', () => {
    const tar = writeTar([{ type: 'file', path: 'hello', data: 'hi' }]);
    const { blob, diffId } = layerFromTar(tar);
    assert.equal(blob.descriptor.mediaType, MEDIA_TYPE_LAYER_GZIP);
    assert.equal(blob.descriptor.digest, `sha256:${hex(blob.data)}`);
    assert.equal(blob.descriptor.size, blob.data.length);
    assert.equal(diffId, `sha256:${hex(tar)}`);
    assert.ok(gunzipSync(blob.data).equals(tar));
    assert.ok(layerFromTar(tar).blob.data.equals(blob.data), 'gzip is deterministic');
    assert.equal(sha256('abc'), 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('builds a manifest and config of the OCI shape', () => {
    const layer = { ...layerFromTar(writeTar([{ type: 'file', path: 'x', data: 'y' }])), createdBy: 'test' };
    const img = buildImage({ layers: [layer], platform: { architecture: 'arm64', os: 'linux' }, config: { Cmd: ['sh'] } });
    const m = JSON.parse(img.manifest.data.toString());
    assert.equal(m.schemaVersion, 2);
    assert.equal(m.mediaType, MEDIA_TYPE_MANIFEST);
    assert.deepEqual(m.config, { mediaType: MEDIA_TYPE_CONFIG, digest: sha256(img.config.data), size: img.config.data.length });
    assert.deepEqual(m.layers, [{ mediaType: MEDIA_TYPE_LAYER_GZIP, digest: layer.blob.descriptor.digest, size: layer.blob.data.length }]);
    assert.equal(img.manifest.descriptor.digest, sha256(img.manifest.data));
    const c = JSON.parse(img.config.data.toString());
    assert.equal(c.architecture, 'arm64');
    assert.equal(c.os, 'linux');
    assert.deepEqual(c.rootfs, { type: 'layers', diff_ids: [layer.diffId] });
    assert.deepEqual(c.config, { Cmd: ['sh'] });
    assert.equal(c.history.length, 1);
  });

  it('maps node architectures to OCI ones', () => {
    assert.deepEqual(ociPlatform('x64'), { architecture: 'amd64', os: 'linux' });
    assert.deepEqual(ociPlatform('arm64'), { architecture: 'arm64', os: 'linux' });
    assert.throws(() => ociPlatform('nope'));
  });

  it('normalizes references like docker does', () => {
    assert.equal(normalizeReference('busybox'), 'docker.io/library/busybox:latest');
    assert.equal(normalizeReference('busybox:1.35'), 'docker.io/library/busybox:1.35');
    assert.equal(normalizeReference('docker.io/library/busybox:1.35'), 'docker.io/library/busybox:1.35');
    assert.equal(normalizeReference('me/app'), 'docker.io/me/app:latest');
    assert.equal(normalizeReference('registry.k8s.io/pause:3.10'), 'registry.k8s.io/pause:3.10');
    assert.equal(normalizeReference('localhost:5000/x'), 'localhost:5000/x:latest');
    assert.equal(normalizeReference('busybox@sha256:abc'), 'docker.io/library/busybox@sha256:abc');
  });

  it('lays out the busybox root filesystem', () => {
    const entries = busyboxRootfs(Buffer.from('ELF'), ['sh', 'ls']);
    const byPath = new Map(readTar(writeTar(entries)).map((e) => [e.path, e]));
    assert.equal(byPath.get('tmp/')!.mode, 0o1777);
    assert.equal(byPath.get('bin/busybox')!.mode, 0o755);
    assert.equal(byPath.get('bin/sh')!.target, 'busybox');
    assert.match(byPath.get('etc/passwd')!.data.toString(), /^root:x:0:0:root:\/root:\/bin\/sh$/m);
    assert.match(byPath.get('etc/group')!.data.toString(), /^root:x:0:$/m);
    for (const d of ['root/', 'var/www/', 'bin/', 'etc/']) assert.ok(byPath.has(d), d);
    const paths = [...byPath.keys()];
    assert.ok(paths.indexOf('bin/') < paths.indexOf('bin/busybox'), 'parents come first');
  });

  it('builds busybox and pause from the host busybox, sharing one layer', { skip: !existsSync('/bin/busybox') && 'no /bin/busybox' }, () => {
    const a = buildOfflineImages();
    const b = buildOfflineImages();
    assert.equal(a.busybox.manifest.descriptor.digest, b.busybox.manifest.descriptor.digest, 'deterministic');
    assert.equal(a.busybox.layers[0]!.descriptor.digest, a.pause.layers[0]!.descriptor.digest);
    assert.notEqual(a.busybox.manifest.descriptor.digest, a.pause.manifest.descriptor.digest);
    assert.deepEqual(a.busybox.configJson.config.Cmd, ['sh']);
    assert.deepEqual(a.busybox.configJson.config.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
    assert.deepEqual(a.pause.configJson.config.Entrypoint, PAUSE_ENTRYPOINT);
    assert.equal(a.busybox.configJson.architecture, ociPlatform().architecture);
    const names = new Set(readTar(gunzipSync(a.busybox.layers[0]!.data)).map((e) => e.path));
    for (const applet of REQUIRED_APPLETS) assert.ok(names.has(`bin/${applet}`), applet);
  });

  it('writes an OCI layout with one index entry per reference and each blob once', () => {
    const layer = { ...layerFromTar(writeTar([{ type: 'file', path: 'x', data: 'y' }])), createdBy: 'test' };
    const one = buildImage({ layers: [layer], config: { Cmd: ['a'] } });
    const two = buildImage({ layers: [layer], config: { Cmd: ['b'] } });
    const files = readTar(writeOciLayoutTar([{ image: one, refs: ['busybox:1.35', 'busybox'] }, { image: two, refs: ['registry.k8s.io/pause:3.10'] }]));
    const byPath = new Map(files.map((e) => [e.path, e]));
    assert.deepEqual(JSON.parse(byPath.get('oci-layout')!.data.toString()), { imageLayoutVersion: '1.0.0' });
    const index = JSON.parse(byPath.get('index.json')!.data.toString());
    assert.equal(index.schemaVersion, 2);
    assert.deepEqual(index.manifests.map((m: any) => m.annotations['org.opencontainers.image.ref.name']), [
      'docker.io/library/busybox:1.35', 'docker.io/library/busybox:latest', 'registry.k8s.io/pause:3.10',
    ]);
    assert.equal(index.manifests[0].digest, one.manifest.descriptor.digest);
    const blobs = files.filter((f) => f.path.startsWith('blobs/sha256/') && f.type === 'file');
    assert.equal(blobs.length, 5, 'two manifests, two configs, one shared layer');
    for (const f of blobs) assert.equal(`sha256:${hex(f.data)}`, `sha256:${f.path.split('/').pop()}`);
    assert.ok(offlineImageRefs().busybox.includes('docker.io/library/busybox:1.35'));
  });
});
