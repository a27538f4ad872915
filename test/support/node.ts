/**
 * A real node (`k8ts agent` with its own containerd) joined to a TestServer, for integration tests
 * that need root. Its state lives in its own temp dir; `stop()` sends SIGTERM, then runs
 * `k8ts agent --cleanup`, which removes every container, sandbox, mount, bridge, cgroup and the
 * dir. A process left at exit is killed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, eventually, type TestServer } from './server.js';

export const canRunRealNode = (): boolean =>
  process.getuid?.() === 0 && ['/usr/bin/containerd', '/usr/sbin/runc', '/usr/lib/cni/bridge', '/bin/busybox', '/usr/bin/docker-registry'].every((p) => existsSync(p));

export const REAL_NODE_SKIP = canRunRealNode() ? false : 'needs root, containerd, runc, CNI plugins, busybox-static and docker-registry';

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) {
    try { p.kill('SIGKILL'); } catch { /* gone */ }
  }
});

export interface NodeOptions {
  name: string;
  /** e.g. 10.88.3.0/24; inside clusterCidr. */
  podCidr: string;
  clusterCidr?: string;
  /** Watch `<dataDir>/manifests` for static pods (re-read every second). */
  staticPods?: boolean;
  extraArgs?: string[];
}

export class TestNode {
  logs = '';
  private constructor(readonly proc: ChildProcess, readonly dataDir: string, readonly o: NodeOptions) {}

  static async start(server: TestServer, o: NodeOptions): Promise<TestNode> {
    const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-node-'));
    const token = readFileSync(join(server.dataDir, 'server', 'node-token'), 'utf8').trim();
    const ca = join(server.dataDir, 'server', 'tls', 'ca.crt');
    const args = [
      join(REPO, 'bin', 'k8ts'), 'agent', '--server', server.url, '--token', token, '--ca-file', ca,
      '--data-dir', dataDir, '--node-name', o.name, '--pod-cidr', o.podCidr, '--cluster-cidr', o.clusterCidr ?? '10.88.0.0/16',
      '--lease-renew-interval', '2s', '--node-status-update-frequency', '5s',
      ...(o.staticPods ? ['--pod-manifest-path', join(dataDir, 'manifests'), '--file-check-frequency', '1s'] : []),
      ...(o.extraArgs ?? []),
    ];
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, K8TS_LOG_LEVEL: process.env.K8TS_NODE_LOG_LEVEL ?? 'warn' } });
    const n = new TestNode(p, dataDir, o);
    live.add(p);
    p.on('exit', () => live.delete(p));
    p.stdout!.on('data', (d) => (n.logs += d));
    p.stderr!.on('data', (d) => (n.logs += d));
    await eventually(async () => {
      if (p.exitCode !== null) throw new Error(`agent exited ${p.exitCode}: ${n.logs}`);
      const out = await server.kubectl(['get', 'node', o.name, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
      return out.stdout.trim() === 'True';
    }, 60_000, 200);
    return n;
  }

  get manifestDir(): string {
    return join(this.dataDir, 'manifests');
  }

  /** SIGTERM (up to 20 s), then `k8ts agent --cleanup`. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (p.exitCode === null && p.signalCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      const t = setTimeout(() => p.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    }
    const r = spawnSync(process.execPath, [join(REPO, 'bin', 'k8ts'), 'agent', '--cleanup', '--data-dir', this.dataDir, '--node-name', this.o.name, '--cluster-cidr', this.o.clusterCidr ?? '10.88.0.0/16'], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, K8TS_LOG_LEVEL: 'warn' } });
    if (r.status !== 0) throw new Error(`k8ts agent --cleanup failed (${r.status}): ${r.stderr}`);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
