/**
 * Offline OCI images, built in code from Debian's busybox-static (`/bin/busybox` on the host).
 *
 * - `busybox`: one layer with `/bin/busybox`, a symlink in `/bin` for every applet, `/etc/passwd`,
 *   `/etc/group`, `/tmp` (1777), `/root`, `/var/www`; `Cmd ["sh"]`.
 * - `pause`: the same layer (same digest, so registries and containerd store it once) with
 *   {@link PAUSE_ENTRYPOINT} (a shell loop). It stands in for upstream's `registry.k8s.io/pause`: it
 *   holds the pod's namespaces, exits 0 on SIGTERM and, as PID 1 of a pod that shares its PID
 *   namespace, reaps orphaned zombies.
 *
 * Contract: builds are deterministic. The same busybox binary, options and applet list give
 * byte-identical layers, configs and manifests (fixed mtimes, uid/gid 0, sorted entries, gzip with
 * no timestamp), so digests are stable across machines running the same Debian package.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { writeTar, type TarEntry } from './tar.js';

export const MEDIA_TYPE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const MEDIA_TYPE_INDEX = 'application/vnd.oci.image.index.v1+json';
export const MEDIA_TYPE_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const MEDIA_TYPE_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';

/** Annotation read by `ctr images import` and `nerdctl load` (takes precedence over ref.name). */
export const ANNOTATION_CONTAINERD_NAME = 'io.containerd.image.name';
export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';

export const DEFAULT_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Fixed creation time written into configs, so digests do not change from build to build. */
const EPOCH = '1970-01-01T00:00:00Z';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string; variant?: string };
}

export interface Blob {
  descriptor: Descriptor;
  data: Buffer;
}

export interface ImageConfig {
  created: string;
  architecture: string;
  os: string;
  variant?: string;
  config: {
    Env?: string[];
    Cmd?: string[];
    Entrypoint?: string[];
    WorkingDir?: string;
    User?: string;
    Labels?: Record<string, string>;
  };
  rootfs: { type: 'layers'; diff_ids: string[] };
  history: { created: string; created_by: string; comment?: string; empty_layer?: boolean }[];
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType: typeof MEDIA_TYPE_MANIFEST;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/** A built image: its manifest blob, config blob and layer blobs (all content-addressed). */
export interface OciImage {
  manifest: Blob;
  config: Blob;
  layers: Blob[];
  /** The parsed manifest and config, for callers that want fields without re-parsing. */
  manifestJson: ImageManifest;
  configJson: ImageConfig;
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function blob(mediaType: string, data: Buffer): Blob {
  return { descriptor: { mediaType, digest: sha256(data), size: data.length }, data };
}

/** Node's `process.arch` as an OCI/Go architecture (and variant for 32-bit ARM). */
export function ociPlatform(arch: string = process.arch): { architecture: string; os: 'linux'; variant?: string } {
  switch (arch) {
    case 'x64':
      return { architecture: 'amd64', os: 'linux' };
    case 'arm64':
      return { architecture: 'arm64', os: 'linux' };
    case 'arm':
      return { architecture: 'arm', os: 'linux', variant: 'v7' };
    case 'ia32':
      return { architecture: '386', os: 'linux' };
    case 'ppc64':
      return { architecture: 'ppc64le', os: 'linux' };
    case 's390x':
    case 'riscv64':
    case 'mips64el':
      return { architecture: arch, os: 'linux' };
    default:
      throw new Error(`no OCI architecture for node arch ${arch}`);
  }
}

/**
 * Gzip whose bytes depend only on the input: Node writes mtime 0 and no file name in the header,
 * so only the zlib version could change the output.
 */
export function gzipLayer(tar: Buffer): Buffer {
  return gzipSync(tar, { level: 9 });
}

/** Builds a gzip layer blob from a tar, and returns the diff_id (digest of the uncompressed tar). */
export function layerFromTar(tar: Buffer): { blob: Blob; diffId: string } {
  return { blob: blob(MEDIA_TYPE_LAYER_GZIP, gzipLayer(tar)), diffId: sha256(tar) };
}

/** JSON with a trailing-newline-free, stable key order (the order of the literal). */
function jsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

export interface ImageSpec {
  layers: { blob: Blob; diffId: string; createdBy: string }[];
  config: ImageConfig['config'];
  platform?: { architecture: string; os: string; variant?: string };
  created?: string;
}

/** Assembles config and manifest around already-built layers. */
export function buildImage(spec: ImageSpec): OciImage {
  const platform = spec.platform ?? ociPlatform();
  const created = spec.created ?? EPOCH;
  const configJson: ImageConfig = {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: spec.config,
    rootfs: { type: 'layers', diff_ids: spec.layers.map((l) => l.diffId) },
    history: spec.layers.map((l) => ({ created, created_by: l.createdBy })),
  };
  const config = blob(MEDIA_TYPE_CONFIG, jsonBytes(configJson));
  const manifestJson: ImageManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPE_MANIFEST,
    config: config.descriptor,
    layers: spec.layers.map((l) => l.blob.descriptor),
  };
  const manifest = blob(MEDIA_TYPE_MANIFEST, jsonBytes(manifestJson));
  return { manifest, config, layers: spec.layers.map((l) => l.blob), manifestJson, configJson };
}

/** Applets every busybox image here has, whatever `busybox --list` says. */
export const REQUIRED_APPLETS = [
  'sh', 'httpd', 'wget', 'nc', 'sleep', 'echo', 'cat', 'ls', 'env', 'hostname', 'ps', 'true', 'false', 'nslookup',
] as const;

/**
 * The applets a busybox binary provides, from `busybox --list`; falls back to
 * {@link REQUIRED_APPLETS} when the binary cannot run here (another architecture).
 */
export function busyboxApplets(binary: string): string[] {
  let listed: string[] = [];
  try {
    listed = execFileSync(binary, ['--list'], { encoding: 'utf8', timeout: 10_000 }).split('\n');
  } catch {
    listed = [];
  }
  const names = new Set<string>(REQUIRED_APPLETS);
  for (const raw of listed) {
    const name = raw.trim();
    if (name && name !== 'busybox' && !name.includes('/')) names.add(name);
  }
  return [...names].sort();
}

export const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/bin/false',
  'bin:x:2:2:bin:/bin:/bin/false',
  'sys:x:3:3:sys:/dev:/bin/false',
  'www-data:x:33:33:www-data:/var/www:/bin/false',
  'nobody:x:65534:65534:nobody:/home:/bin/false',
  '',
].join('\n');

export const GROUP = [
  'root:x:0:',
  'daemon:x:1:',
  'bin:x:2:',
  'sys:x:3:',
  'tty:x:5:',
  'www-data:x:33:',
  'nogroup:x:65534:',
  'nobody:x:65534:',
  '',
].join('\n');

export interface BusyboxOptions {
  /** Path to a static busybox binary; default `/bin/busybox` (Debian's busybox-static). */
  binary?: string;
  /** Applet names to link in `/bin`; default: every applet the binary lists, plus the required ones. */
  applets?: string[];
  platform?: { architecture: string; os: string; variant?: string };
}

/** The busybox root filesystem as tar entries, sorted by path. */
export function busyboxRootfs(binaryData: Buffer, applets: string[]): TarEntry[] {
  const dirs: [string, number][] = [
    ['bin', 0o755], ['etc', 0o755], ['home', 0o755], ['root', 0o700], ['sbin', 0o755], ['tmp', 0o1777],
    ['usr', 0o755], ['usr/bin', 0o755], ['usr/sbin', 0o755], ['var', 0o755], ['var/www', 0o755],
  ];
  const entries: TarEntry[] = dirs.map(([path, mode]) => ({ type: 'dir', path, mode }));
  entries.push({ type: 'file', path: 'bin/busybox', data: binaryData, mode: 0o755 });
  for (const applet of new Set(applets)) {
    if (applet === 'busybox' || applet.includes('/') || applet === '' || applet === '.' || applet === '..') continue;
    entries.push({ type: 'symlink', path: `bin/${applet}`, target: 'busybox' });
  }
  // Scripts often start with #!/usr/bin/env.
  entries.push({ type: 'symlink', path: 'usr/bin/env', target: '../../bin/busybox' });
  entries.push({ type: 'file', path: 'etc/passwd', data: PASSWD, mode: 0o644 });
  entries.push({ type: 'file', path: 'etc/group', data: GROUP, mode: 0o644 });
  // Parents sort before children because '/' (0x2f) sorts before every name character used here
  // only if compared per path component; compare component lists to be safe.
  return entries.sort((a, b) => comparePaths(a.path, b.path));
}

function comparePaths(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i]! < pb[i]! ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** The shared busybox layer both images use. */
export function busyboxLayer(opts: BusyboxOptions = {}): { blob: Blob; diffId: string; createdBy: string } {
  const binary = opts.binary ?? '/bin/busybox';
  const data = readFileSync(binary);
  const applets = opts.applets ?? busyboxApplets(binary);
  const layer = layerFromTar(writeTar(busyboxRootfs(data, applets)));
  return { ...layer, createdBy: `k8ts: busybox from ${binary} (${applets.length} applets)` };
}

export interface OfflineImages {
  busybox: OciImage;
  pause: OciImage;
}

/**
 * The pause container's program, as upstream's /pause does: sleep forever, exit 0 on SIGTERM/SIGINT,
 * and as PID 1 of a shared PID namespace reap orphaned zombies (ash's `wait` reaps any child).
 */
export const PAUSE_ENTRYPOINT = ['/bin/sh', '-c', 'trap "exit 0" TERM INT; while :; do sleep 2147483647 & wait; done'];

/** Builds the busybox and pause images from one busybox layer. */
export function buildOfflineImages(opts: BusyboxOptions = {}): OfflineImages {
  const layer = busyboxLayer(opts);
  const platform = opts.platform ?? ociPlatform();
  const busybox = buildImage({ layers: [layer], platform, config: { Env: [DEFAULT_PATH_ENV], Cmd: ['sh'] } });
  const pause = buildImage({
    layers: [layer],
    platform,
    config: { Env: [DEFAULT_PATH_ENV], Entrypoint: PAUSE_ENTRYPOINT, Labels: { 'io.k8ts.image': 'pause' } },
  });
  return { busybox, pause };
}

/**
 * Expands a short image reference the way Docker and containerd do:
 * `busybox` → `docker.io/library/busybox:latest`, `foo/bar:1` → `docker.io/foo/bar:1`.
 */
export function normalizeReference(ref: string): string {
  let name = ref;
  let suffix = '';
  const at = name.indexOf('@');
  if (at >= 0) {
    suffix = name.slice(at);
    name = name.slice(0, at);
  }
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) {
    suffix = name.slice(colon) + suffix;
    name = name.slice(0, colon);
  } else if (!suffix) {
    suffix = ':latest';
  }
  const first = name.split('/')[0]!;
  const hasDomain = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasDomain) name = name.includes('/') ? `docker.io/${name}` : `docker.io/library/${name}`;
  return name + suffix;
}

/** One image under one or more names, for {@link writeOciLayoutTar}. */
export interface NamedImage {
  image: OciImage;
  refs: string[];
}

/**
 * Writes an OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/…`) as a tar, importable
 * with `ctr images import` / `ctr -n k8s.io images import`. Each reference becomes one entry of
 * index.json, annotated with the normalized reference both as `io.containerd.image.name` and as
 * `org.opencontainers.image.ref.name`. Shared blobs are written once.
 */
export function writeOciLayoutTar(images: NamedImage[]): Buffer {
  const blobs = new Map<string, Buffer>();
  const manifests: Descriptor[] = [];
  for (const { image, refs } of images) {
    for (const b of [image.manifest, image.config, ...image.layers]) blobs.set(b.descriptor.digest, b.data);
    const platform = {
      architecture: image.configJson.architecture,
      os: image.configJson.os,
      ...(image.configJson.variant ? { variant: image.configJson.variant } : {}),
    };
    for (const ref of refs) {
      const name = normalizeReference(ref);
      manifests.push({
        ...image.manifest.descriptor,
        annotations: { [ANNOTATION_CONTAINERD_NAME]: name, [ANNOTATION_REF_NAME]: name },
        platform,
      });
    }
  }
  const index = { schemaVersion: 2, mediaType: MEDIA_TYPE_INDEX, manifests };
  const entries: TarEntry[] = [
    { type: 'file', path: 'oci-layout', data: JSON.stringify({ imageLayoutVersion: '1.0.0' }) },
    { type: 'file', path: 'index.json', data: JSON.stringify(index) },
    { type: 'dir', path: 'blobs' },
    { type: 'dir', path: 'blobs/sha256' },
  ];
  for (const digest of [...blobs.keys()].sort()) {
    entries.push({ type: 'file', path: `blobs/sha256/${digest.slice('sha256:'.length)}`, data: blobs.get(digest)! });
  }
  return writeTar(entries);
}

/**
 * The repositories and tags the offline images are published under. `docker.io/library/busybox:1.35`
 * then resolves through a registry mirror for docker.io. The pause tags cover what containerd 1.6
 * (3.6), Kubernetes 1.30 (3.9) and 1.31+ (3.10) ask for.
 */
export const OFFLINE_TAGS = {
  busybox: { repository: 'library/busybox', tags: ['latest', '1.35', '1.36', '1.37'] },
  pause: { repository: 'library/pause', tags: ['3.10', '3.9', '3.6', 'latest'] },
} as const;

/** References for the layout tar: every tag of {@link OFFLINE_TAGS}, plus `registry.k8s.io/pause`. */
export function offlineImageRefs(): { busybox: string[]; pause: string[] } {
  const { busybox, pause } = OFFLINE_TAGS;
  return {
    busybox: busybox.tags.map((t) => `docker.io/${busybox.repository}:${t}`),
    pause: [...pause.tags.map((t) => `docker.io/${pause.repository}:${t}`), ...pause.tags.filter((t) => t !== 'latest').map((t) => `registry.k8s.io/pause:${t}`)],
  };
}
