/**
 * The agent's own containerd over CRI v1 (needs root, /usr/bin/containerd, runc, /usr/lib/cni and
 * busybox-static): containerd starts from a generated config in a temp dir and answers Version,
 * Status and ImageFsInfo; a busybox OCI image built here and imported with `ctr` runs a pod: a
 * sandbox with an IP from the test's pod CIDR on the test's bridge, a container that logs "hi" and
 * answers ExecSync. Everything created is removed: pods via CRI, containerd and leftover shims by
 * PID, mounts under the temp dir, the bridge, the netns, the temp dir.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CriClient, type ContainerConfig, type PodSandboxConfig } from '../../src/kubelet/runtime/cri/client.js';
import { startContainerd, type RunningContainerd } from '../../src/kubelet/runtime/containerd.js';
import { teardownContainerd } from '../support/containerd.js';

const run = promisify(execFile);
const canRun = process.getuid?.() === 0 && existsSync('/usr/bin/containerd') && existsSync('/usr/sbin/runc') &&
  existsSync('/usr/lib/cni/bridge') && existsSync('/bin/busybox');

const BUSYBOX = 'k8ts.local/busybox:test';
const PAUSE = 'k8ts.local/pause:test';
const BRIDGE = `k8tc${process.pid % 100000}`;
const POD_CIDR = `10.244.${200 + (process.pid % 50)}.0/24`;

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Builds an OCI layout tar holding two images over one busybox layer: BUSYBOX (sh) and PAUSE (sleep infinity). */
async function buildImageTar(work: string): Promise<string> {
  const stage = join(work, 'stage');
  mkdirSync(join(stage, 'bin'), { recursive: true });
  mkdirSync(join(stage, 'tmp'), { recursive: true });
  copyFileSync('/bin/busybox', join(stage, 'bin/busybox'));
  for (const l of ['sh', 'sleep', 'echo', 'cat']) symlinkSync('busybox', join(stage, 'bin', l));
  const oci = join(work, 'oci');
  const blobs = join(oci, 'blobs/sha256');
  mkdirSync(blobs, { recursive: true });
  const layerPath = join(work, 'layer.tar');
  await run('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-cf', layerPath, '-C', stage, 'bin', 'tmp']);
  const layer = readFileSync(layerPath);
  const layerDigest = sha(layer);
  writeFileSync(join(blobs, layerDigest), layer);
  const blob = (o: object): { digest: string; size: number } => {
    const b = Buffer.from(JSON.stringify(o));
    const d = sha(b);
    writeFileSync(join(blobs, d), b);
    return { digest: `sha256:${d}`, size: b.length };
  };
  const manifests = [];
  for (const [name, entrypoint] of [[BUSYBOX, ['/bin/sh']], [PAUSE, ['/bin/sleep', 'infinity']]] as const) {
    const config = blob({
      architecture: 'amd64', os: 'linux',
      config: { Entrypoint: entrypoint, Env: ['PATH=/bin'], WorkingDir: '/' },
      rootfs: { type: 'layers', diff_ids: [`sha256:${layerDigest}`] },
    });
    const manifest = blob({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${layerDigest}`, size: layer.length }],
    });
    manifests.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest,
      platform: { architecture: 'amd64', os: 'linux' },
      annotations: { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': name.split(':')[1] },
    });
  }
  writeFileSync(join(oci, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(oci, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
  const out = join(work, 'images.tar');
  await run('tar', ['-cf', out, '-C', oci, 'oci-layout', 'index.json', 'blobs']);
  return out;
}

function inCidr(ip: string, cidr: string): boolean {
  const toN = (s: string): number => s.split('.').reduce((a, p) => a * 256 + Number(p), 0);
  const [base, bits] = cidr.split('/');
  return toN(ip) >= toN(base!) && toN(ip) < toN(base!) + 2 ** (32 - Number(bits));
}

describe('CRI on the agent\'s own containerd', { skip: canRun ? false : 'needs root, containerd, runc, CNI plugins, busybox' }, () => {
  let dir = '';
  let ctrd: RunningContainerd | undefined;
  let cri: CriClient | undefined;
  const netnsPaths = new Set<string>();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-cri-'));
    ctrd = await startContainerd({ dir: join(dir, 'ctrd'), sandboxImage: PAUSE, podCidr: POD_CIDR, bridgeName: BRIDGE });
    cri = new CriClient({ endpoint: ctrd.endpoint });
  });

  after(async () => {
    await teardownContainerd({ cri, ctrd, dir, bridge: BRIDGE, netnsPaths });
  });

  it('answers Version, Status and ImageFsInfo', async () => {
    const v = await cri!.version();
    assert.equal(v.runtimeName, 'containerd');
    assert.equal(v.runtimeApiVersion, 'v1');
    const s = await cri!.status();
    const ready = s.status?.conditions.find((c) => c.type === 'RuntimeReady');
    assert.equal(ready?.status, true, JSON.stringify(s.status));
    const fs = await cri!.imageFsInfo();
    assert.ok(fs.imageFilesystems.length >= 1);
    assert.ok(fs.imageFilesystems[0]!.fsId?.mountpoint.startsWith(dir), fs.imageFilesystems[0]!.fsId?.mountpoint);
    await assert.rejects(cri!.containerStatus('does-not-exist'), (e: Error & { codeName?: string }) => e.codeName === 'NOT_FOUND');
  });

  it('runs a pod from an imported image with an IP in the pod CIDR', async () => {
    const tar = await buildImageTar(join(dir, 'img'));
    await run('ctr', ['--address', ctrd!.paths.socket, '-n', 'k8s.io', 'images', 'import', tar]);
    const img = await cri!.imageStatus({ image: BUSYBOX });
    assert.ok(img, 'busybox image present');
    assert.ok((await cri!.listImages()).some((i) => i.repoTags.includes(PAUSE)));

    const logDir = join(dir, 'logs');
    mkdirSync(logDir, { recursive: true });
    const sandboxConfig: PodSandboxConfig = {
      metadata: { name: 'p1', uid: 'uid-p1', namespace: 'default', attempt: 0 },
      hostname: 'p1',
      logDirectory: logDir,
      labels: { 'k8ts.test': 'cri' },
      linux: { securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    };
    const containerConfig: ContainerConfig = {
      metadata: { name: 'c1', attempt: 0 },
      image: { image: BUSYBOX },
      command: ['/bin/sh', '-c', 'echo hi; sleep 30'],
      envs: [{ key: 'GREETING', value: 'hi' }],
      logPath: 'c1/0.log',
      linux: { securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    };

    const t0 = performance.now();
    const podId = await cri!.runPodSandbox(sandboxConfig);
    const t1 = performance.now();
    const cid = await cri!.createContainer(podId, containerConfig, sandboxConfig);
    const t2 = performance.now();
    await cri!.startContainer(cid);
    const t3 = performance.now();
    console.log(`# CRI latency: RunPodSandbox ${(t1 - t0).toFixed(0)} ms + CreateContainer ${(t2 - t1).toFixed(0)} ms + StartContainer ${(t3 - t2).toFixed(0)} ms = ${(t3 - t0).toFixed(0)} ms`);

    const ps = await cri!.podSandboxStatus(podId, true);
    const spec = JSON.parse(ps.info.info ?? '{}') as { runtimeSpec?: { linux?: { namespaces?: { type: string; path?: string }[] } } };
    const net = spec.runtimeSpec?.linux?.namespaces?.find((n) => n.type === 'network')?.path ?? '';
    if (net) netnsPaths.add(net);
    assert.ok(net.startsWith(dir + '/'), `pod netns ${net} under the test dir`);
    assert.equal(ps.status?.state, 'SANDBOX_READY');
    const ip = ps.status?.network?.ip ?? '';
    assert.ok(inCidr(ip, POD_CIDR), `pod IP ${ip} in ${POD_CIDR}`);

    const cs = await cri!.containerStatus(cid);
    assert.equal(cs.status?.state, 'CONTAINER_RUNNING');
    assert.ok((cs.status?.startedAt ?? 0) > 0);
    const listed = await cri!.listContainers({ podSandboxId: podId });
    assert.deepEqual(listed.map((c) => c.id), [cid]);

    const ex = await cri!.execSync(cid, ['/bin/sh', '-c', 'echo $GREETING; cat /etc/hostname'], 5);
    assert.equal(ex.exitCode, 0);
    assert.equal(ex.stdout.toString(), 'hi\np1\n');

    // the container's stdout reaches its CRI log file
    const log = readFileSync(join(logDir, 'c1/0.log'), 'utf8');
    assert.match(log, / stdout F hi\n/);

    await cri!.stopContainer(cid, 0);
    assert.equal((await cri!.containerStatus(cid)).status?.state, 'CONTAINER_EXITED');
    await cri!.removeContainer(cid);
    await cri!.stopPodSandbox(podId);
    await cri!.removePodSandbox(podId);
    assert.deepEqual(await cri!.listPodSandbox(), []);
    for (const p of netnsPaths) assert.equal(existsSync(p), false, `netns ${p} removed by containerd`);
  });
});
