/**
 * Starts a real `k8ts server` process for integration tests (temporary data dir, free port on
 * 127.0.0.1, SQLite or etcd) and runs the real kubectl and helm against it. Every process is
 * stopped by PID when the test ends (and on process exit).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'node:https';
import { parse as parseYaml } from 'yaml';

export const REPO = resolve(new URL('../../..', import.meta.url).pathname);
const K8TS = join(REPO, 'bin', 'k8ts');

export function tool(name: 'kubectl' | 'helm'): string {
  const local = join(REPO, '.tools', 'bin', name);
  return existsSync(local) ? local : name;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (a && typeof a === 'object' ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

const live = new Set<ChildProcess>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const p of live) {
      try {
        p.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
  // A test file stopped from outside (a runner's time limit) still stops what it started.
  process.once('SIGTERM', () => process.exit(143));
}

export interface ServerOptions {
  datastore?: string;
  extraArgs?: string[];
  dataDir?: string;
  port?: number;
  /** Run the server's local node (a real `k8ts agent`, needs root) instead of `--disable-agent`. */
  localNode?: boolean;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Credentials {
  ca: string;
  cert: string;
  key: string;
}

export class TestServer {
  proc: ChildProcess | undefined;
  logs = '';
  private constructor(
    readonly dataDir: string,
    readonly port: number,
    private opts: ServerOptions,
    private readonly ownsDir: boolean,
  ) {}

  static async start(opts: ServerOptions = {}): Promise<TestServer> {
    hookExit();
    const dir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'k8ts-it-'));
    const port = opts.port ?? (await freePort());
    const s = new TestServer(dir, port, opts, !opts.dataDir);
    await s.launch();
    return s;
  }

  get kubeconfig(): string {
    return join(this.dataDir, 'kubeconfig.yaml');
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  credentials(): Credentials {
    const kc = parseYaml(readFileSync(this.kubeconfig, 'utf8'));
    const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
    return {
      ca: b64(kc.clusters[0].cluster['certificate-authority-data']),
      cert: b64(kc.users[0].user['client-certificate-data']),
      key: b64(kc.users[0].user['client-key-data']),
    };
  }

  async launch(): Promise<void> {
    const args = ['server', '--data-dir', this.dataDir, '--https-listen-port', String(this.port), ...(this.opts.localNode ? [] : ['--disable-agent'])];
    if (this.opts.datastore) args.push('--datastore-endpoint', this.opts.datastore);
    args.push(...(this.opts.extraArgs ?? []));
    // K8TS_TEST_NODE_ARGS: extra node flags for the server process (e.g. `--cpu-prof` when profiling a benchmark).
    const nodeArgs = (process.env.K8TS_TEST_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const p = spawn(process.execPath, [...nodeArgs, K8TS, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, K8TS_LOG_LEVEL: 'warn' } });
    this.proc = p;
    live.add(p);
    p.stdout!.on('data', (d) => (this.logs += d));
    p.stderr!.on('data', (d) => (this.logs += d));
    p.on('exit', () => live.delete(p));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (p.exitCode !== null) throw new Error(`k8ts server exited with ${p.exitCode}:\n${this.logs}`);
      if ((await this.readyz()) === 200) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`k8ts server not ready in 30s:\n${this.logs}`);
  }

  readyz(): Promise<number> {
    return new Promise((res) => {
      const req = request({ host: '127.0.0.1', port: this.port, path: '/readyz', rejectUnauthorized: false, timeout: 1000 }, (r) => {
        r.resume();
        res(r.statusCode ?? 0);
      });
      req.on('error', () => res(0));
      req.on('timeout', () => {
        req.destroy();
        res(0);
      });
      req.end();
    });
  }

  /** Graceful stop (SIGTERM); resolves with the exit code. */
  async stop(): Promise<number | null> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return p?.exitCode ?? null;
    const exited = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
    p.kill('SIGTERM');
    // A local node stops first (kubelet, containerd, registry), within the server's 20 s for it.
    const timer = setTimeout(() => p.kill('SIGKILL'), this.opts.localNode ? 30_000 : 10_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }

  async kill9(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGKILL');
    await exited;
  }

  /** Stops and starts the server on the same data dir and port; `extraArgs` replaces the flags it had. */
  async restart(extraArgs?: string[]): Promise<void> {
    await this.stop();
    if (extraArgs) this.opts = { ...this.opts, extraArgs };
    await this.launch();
  }

  /** Stops the server and removes its data dir. */
  async destroy(): Promise<void> {
    await this.stop();
    if (this.ownsDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  kubectl(args: string[], input?: string, timeoutMs = 60_000): Promise<RunResult> {
    return run(tool('kubectl'), ['--kubeconfig', this.kubeconfig, ...args], input, timeoutMs);
  }

  /** kubectl that must succeed; returns stdout. */
  async k(args: string[], input?: string): Promise<string> {
    const r = await this.kubectl(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  helm(args: string[], timeoutMs = 120_000): Promise<RunResult> {
    return run(tool('helm'), ['--kubeconfig', this.kubeconfig, ...args], undefined, timeoutMs, {
      HELM_CACHE_HOME: join(this.dataDir, 'helm', 'cache'),
      HELM_CONFIG_HOME: join(this.dataDir, 'helm', 'config'),
      HELM_DATA_HOME: join(this.dataDir, 'helm', 'data'),
    });
  }
}

export function run(cmd: string, args: string[], input?: string, timeoutMs = 60_000, env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((res, rej) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    live.add(p);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', (e) => {
      clearTimeout(t);
      live.delete(p);
      rej(e);
    });
    p.on('close', (code) => {
      clearTimeout(t);
      live.delete(p);
      res({ code: code ?? -1, stdout, stderr });
    });
    p.stdin.end(input ?? '');
  });
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(fn: () => Promise<T> | T, timeoutMs = 10_000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
