/**
 * Simulated agents for integration tests: `k8ts agent --simulate N` joined to a TestServer with its
 * node token and CA. `stop()` kills with SIGKILL (how a node dies); processes left are killed on exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, type TestServer } from './server.js';

export interface AgentOptions {
  nodes: number;
  /** Default `sim-node-`. Two agents on one server need different prefixes (and cluster CIDRs to keep pod IPs apart). */
  prefix?: string;
  cpu?: string;
  memory?: string;
  pods?: string;
  clusterCidr?: string;
  /** Default 1s (tests want quick heartbeats). */
  leaseRenewInterval?: string;
  nodeStatusUpdateFrequency?: string;
  podStartDelay?: string;
  extraArgs?: string[];
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) {
    try {
      p.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
});

export class TestAgent {
  logs = '';
  private constructor(readonly proc: ChildProcess) {}

  static start(server: TestServer, o: AgentOptions): TestAgent {
    const token = readFileSync(join(server.dataDir, 'server', 'node-token'), 'utf8').trim();
    const ca = join(server.dataDir, 'server', 'tls', 'ca.crt');
    const args = [join(REPO, 'bin', 'k8ts'), 'agent', '--server', server.url, '--token', token, '--ca-file', ca, '--simulate', String(o.nodes)];
    args.push('--lease-renew-interval', o.leaseRenewInterval ?? '1s', '--node-status-update-frequency', o.nodeStatusUpdateFrequency ?? '2s');
    if (o.prefix) args.push('--node-name-prefix', o.prefix);
    if (o.cpu) args.push('--node-cpu', o.cpu);
    if (o.memory) args.push('--node-memory', o.memory);
    if (o.pods) args.push('--node-pods', o.pods);
    if (o.clusterCidr) args.push('--cluster-cidr', o.clusterCidr);
    if (o.podStartDelay) args.push('--pod-start-delay', o.podStartDelay);
    args.push(...(o.extraArgs ?? []));
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, K8TS_LOG_LEVEL: 'warn' } });
    const a = new TestAgent(p);
    live.add(p);
    p.on('exit', () => live.delete(p));
    p.stdout!.on('data', (d) => (a.logs += d));
    p.stderr!.on('data', (d) => (a.logs += d));
    return a;
  }

  /** SIGKILL: every heartbeat of its nodes stops. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGKILL');
    await exited;
  }
}
