/**
 * A local image registry: Debian's `docker-registry` (CNCF distribution 2.8) run as a child process
 * on 127.0.0.1, with filesystem storage, plus a client that pushes {@link OciImage}s to any registry
 * through the HTTP API v2.
 *
 * Network rule: the registry binds 127.0.0.1 only (or the loopback host given) and nothing here
 * talks to any other address unless a caller passes one to {@link pushImage}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { OFFLINE_TAGS, type Blob, type OciImage, type OfflineImages } from './oci.js';

export const DEFAULT_REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface RegistryOptions {
  /** Storage root (filesystem driver). The config `registry.yml` and `registry.log` are written here too. */
  dir: string;
  /** Port on `host`; 0 or absent picks a free one. */
  port?: number;
  /** Loopback address to bind; default 127.0.0.1. */
  host?: string;
  binary?: string;
  /** How long to wait for `GET /v2/` to answer 200; default 15 s. */
  readyTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface LocalRegistry {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `127.0.0.1:<port>`, as containerd and image references spell a registry host. */
  readonly hostPort: string;
  readonly port: number;
  readonly pid: number;
  /** Stops the registry (SIGTERM by PID, SIGKILL after `graceMs`); resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** A free TCP port on `host`, found by binding port 0. Another process may take it before use. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The registry's config: filesystem storage under `dir`, HTTP on host:port, no auth, deletes allowed. */
export function registryConfig(dir: string, host: string, port: number): string {
  // YAML written by hand: every value is a plain scalar or a quoted path.
  return [
    'version: 0.1',
    'log:',
    '  level: info',
    '  formatter: text',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(dir)}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${JSON.stringify(`${host}:${port}`)}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
    '  headers:',
    '    X-Content-Type-Options: [nosniff]',
    'health:',
    '  storagedriver:',
    '    enabled: false',
    '',
  ].join('\n');
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `docker-registry serve <dir>/registry.yml` and resolves once `GET /v2/` answers 200.
 * Rejects (and kills the child) if it exits first or the timeout passes. The child's environment is
 * reduced to PATH and HOME so stray `REGISTRY_*` variables cannot reconfigure it.
 */
export async function startRegistry(opts: RegistryOptions): Promise<LocalRegistry> {
  const host = opts.host ?? '127.0.0.1';
  if (!/^127\.\d+\.\d+\.\d+$/.test(host) && host !== '::1') throw new Error(`registry must bind a loopback address, not ${host}`);
  const binary = opts.binary ?? DEFAULT_REGISTRY_BINARY;
  const port = opts.port || (await freePort(host));
  mkdirSync(opts.dir, { recursive: true });
  const configPath = join(opts.dir, 'registry.yml');
  const logPath = join(opts.dir, 'registry.log');
  writeFileSync(configPath, registryConfig(opts.dir, host, port));
  const logFd = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(binary, ['serve', configPath], {
      stdio: ['ignore', logFd, logFd],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: opts.dir },
    });
  } finally {
    closeSync(logFd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${binary}`);
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  child.once('error', () => {});

  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  const url = `http://${hostForUrl}:${port}`;
  const stop = async (graceMs = 5000): Promise<void> => {
    if (exited) return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      if (!exited) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }, graceMs);
    await exit;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 15_000);
  for (;;) {
    if (exited) throw new Error(`docker-registry exited before it was ready:\n${tail(logPath)}`);
    if (opts.signal?.aborted) {
      await stop();
      throw opts.signal.reason ?? new Error('aborted');
    }
    try {
      const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not answer on ${url}/v2/ in time:\n${tail(logPath)}`);
    }
    await sleep(25);
  }
  return { url, hostPort: `${hostForUrl}:${port}`, port, pid, stop };
}

async function expectStatus(res: Response, ok: number[], what: string): Promise<void> {
  if (ok.includes(res.status)) return;
  const body = await res.text().catch(() => '');
  throw new Error(`${what}: HTTP ${res.status} ${body.slice(0, 500)}`);
}

export interface PushOptions {
  /** Try a cross-repository mount from this repository before uploading a missing blob. */
  mountFrom?: string;
  signal?: AbortSignal;
}

export interface PushResult {
  /** Blobs uploaded, mounted from another repository, or already present. */
  uploaded: number;
  mounted: number;
  skipped: number;
  manifestDigest: string;
}

/** Pushes one blob unless the repository already has it (HEAD), by mount or monolithic upload. */
async function pushBlob(base: string, repo: string, b: Blob, opts: PushOptions): Promise<'uploaded' | 'mounted' | 'skipped'> {
  const { digest, size } = b.descriptor;
  const head = await fetch(`${base}/v2/${repo}/blobs/${digest}`, { method: 'HEAD', signal: opts.signal ?? null });
  if (head.status === 200) return 'skipped';
  const mount = opts.mountFrom && opts.mountFrom !== repo ? `?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(opts.mountFrom)}` : '';
  const start = await fetch(`${base}/v2/${repo}/blobs/uploads/${mount}`, { method: 'POST', signal: opts.signal ?? null });
  await start.arrayBuffer();
  if (start.status === 201) return 'mounted';
  await expectStatus(start, [202], `start upload of ${digest} to ${repo}`);
  const location = start.headers.get('location');
  if (!location) throw new Error(`start upload of ${digest} to ${repo}: no Location header`);
  const put = new URL(location, base);
  put.searchParams.set('digest', digest);
  const res = await fetch(put, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
    body: b.data,
    signal: opts.signal ?? null,
  });
  await expectStatus(res, [201], `upload of ${digest} to ${repo}`);
  await res.arrayBuffer();
  return 'uploaded';
}

/**
 * Pushes an image to `registryUrl` (e.g. `http://127.0.0.1:5000`) as `repo:tag` for every tag:
 * config and layers first (skipping blobs the repository has), then the manifest under each tag.
 * Checks that the registry's `Docker-Content-Digest` equals the manifest's own digest.
 */
export async function pushImage(registryUrl: string, image: OciImage, repo: string, tags: string[], opts: PushOptions = {}): Promise<PushResult> {
  const base = registryUrl.replace(/\/+$/, '');
  const result: PushResult = { uploaded: 0, mounted: 0, skipped: 0, manifestDigest: image.manifest.descriptor.digest };
  for (const b of [image.config, ...image.layers]) result[await pushBlob(base, repo, b, opts)]++;
  for (const tag of tags) {
    const res = await fetch(`${base}/v2/${repo}/manifests/${tag}`, {
      method: 'PUT',
      headers: { 'content-type': image.manifest.descriptor.mediaType },
      body: image.manifest.data,
      signal: opts.signal ?? null,
    });
    await expectStatus(res, [201], `push manifest ${repo}:${tag}`);
    await res.arrayBuffer();
    const digest = res.headers.get('docker-content-digest');
    if (digest && digest !== result.manifestDigest) throw new Error(`registry stored ${repo}:${tag} as ${digest}, expected ${result.manifestDigest}`);
  }
  return result;
}

/**
 * Publishes the offline images: busybox as `library/busybox:{latest,1.35,1.36,1.37}`, pause as
 * `library/pause:{3.10,3.9,3.6,latest}` (docker.io through a mirror) and as `pause:…` (what a
 * mirror for registry.k8s.io asks for). Pause's layer is mounted from busybox's repository.
 */
export async function pushOfflineImages(registryUrl: string, images: OfflineImages, signal?: AbortSignal): Promise<void> {
  const { busybox, pause } = OFFLINE_TAGS;
  const opts = signal ? { signal } : {};
  await pushImage(registryUrl, images.busybox, busybox.repository, [...busybox.tags], opts);
  await pushImage(registryUrl, images.pause, pause.repository, [...pause.tags], { ...opts, mountFrom: busybox.repository });
  await pushImage(registryUrl, images.pause, 'pause', [...pause.tags], { ...opts, mountFrom: pause.repository });
}

/**
 * containerd `hosts.toml` (in `<config_path>/<upstream host>/hosts.toml`) that sends pulls for
 * `upstream` (e.g. `docker.io`, `registry.k8s.io`) to the local registry over plain HTTP.
 */
export function containerdMirrorHostsToml(upstream: string, registryUrl: string): string {
  const server = upstream === 'docker.io' ? 'https://registry-1.docker.io' : `https://${upstream}`;
  return [`server = ${JSON.stringify(server)}`, '', `[host.${JSON.stringify(registryUrl.replace(/\/+$/, ''))}]`, '  capabilities = ["pull", "resolve"]', ''].join('\n');
}
