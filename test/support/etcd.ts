import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EtcdHandle {
  /** The client URL, e.g. `http://127.0.0.1:41234`. */
  endpoint: string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A port on 127.0.0.1 that was free a moment ago. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function healthy(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { health?: string };
    return body.health === 'true';
  } catch {
    return false;
  }
}

/**
 * Starts a single-member etcd (the `etcd` binary on PATH, Debian's etcd-server) on free loopback
 * ports with a temporary data dir, and resolves once it reports healthy. `stop` kills it by PID and
 * removes the data dir; a process exit kills any that are still running.
 */
export async function startEtcd(): Promise<EtcdHandle> {
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-etcd-'));
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const clientPort = await freePort();
    let peerPort = await freePort();
    while (peerPort === clientPort) peerPort = await freePort();
    const endpoint = `http://127.0.0.1:${clientPort}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    const child = spawn(
      'etcd',
      [
        '--name', 'k8ts-test',
        '--data-dir', join(dataDir, `member-${attempt}`),
        '--listen-client-urls', endpoint,
        '--advertise-client-urls', endpoint,
        '--listen-peer-urls', peer,
        '--initial-advertise-peer-urls', peer,
        '--initial-cluster', `k8ts-test=${peer}`,
        '--initial-cluster-state', 'new',
        '--logger', 'zap',
        '--log-level', 'error',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    running.add(child);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', () => {
        for (const c of running) if (c.exitCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
      });
    }
    let exited = false;
    const exitedP = new Promise<void>((resolve) => {
      const done = () => {
        exited = true;
        running.delete(child);
        resolve();
      };
      child.once('exit', done);
      // Spawning failed (e.g. no etcd binary): there may be no 'exit' event.
      child.once('error', (e) => {
        stderr += `${String(e)} (is etcd-server installed?)`;
        done();
      });
    });
    const deadline = Date.now() + 20_000;
    while (!exited && Date.now() < deadline) {
      if (await healthy(endpoint)) {
        return {
          endpoint,
          stop: async () => {
            if (!exited && child.pid) {
              process.kill(child.pid, 'SIGTERM');
              const t = setTimeout(() => {
                if (!exited && child.pid) process.kill(child.pid, 'SIGKILL');
              }, 5000);
              await exitedP;
              clearTimeout(t);
            }
            rmSync(dataDir, { recursive: true, force: true });
          },
        };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!exited && child.pid) {
      process.kill(child.pid, 'SIGKILL');
      await exitedP;
    }
    lastError = stderr;
  }
  rmSync(dataDir, { recursive: true, force: true });
  throw new Error(`etcd did not become healthy: ${lastError}`);
}
