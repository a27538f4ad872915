/**
 * Scale check (issue 3): one `k8ts agent --simulate` holding N nodes and P pods, all Running,
 * with the server's scheduler and controllers on; prints the time to get there and the resident
 * memory of the agent and of the server (API server, scheduler and controllers in one process).
 *
 *   npm run build && node dist/bench/scale.js [--nodes 5000] [--pods 100000] [--no-agent-metrics]
 *
 * `--no-agent-metrics` turns off the agent's /metrics/resource endpoint (`--kubelet-port -1`): at
 * this scale one scrape of all its nodes is tens of MB of text every --metric-resolution.
 *
 * Traffic goes only to the server and agent it starts on 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import type { KubeObject } from '../src/api/types.js';
import { RestClient, type ResourceRef } from '../src/client/rest.js';
import { TestServer, eventually } from '../test/support/server.js';
import { TestAgent } from '../test/support/agent.js';

const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' };
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

function rssMb(pid: number | undefined): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(m?.[1] ?? 0) / 1024);
}

async function pool(n: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) await fn(next++);
  }));
}

async function main(): Promise<void> {
  const nodes = arg('nodes', 5000);
  const pods = arg('pods', 100_000);
  const server = await TestServer.start({ extraArgs: ['--log-level', 'warn'] });
  const noMetrics = process.argv.includes('--no-agent-metrics');
  const agent = TestAgent.start(server, {
    nodes,
    pods: '110',
    leaseRenewInterval: '10s',
    nodeStatusUpdateFrequency: '60s',
    extraArgs: noMetrics ? ['--kubelet-port', '-1'] : [],
  });
  const client = new RestClient({ server: server.url, ...server.credentials() }, { qps: 'unlimited', maxSockets: 80 });
  try {
    const t0 = Date.now();
    await eventually(async () => (await client.list(NODES, undefined, { limit: 1 })).metadata?.remainingItemCount === nodes - 1, 120_000, 500);
    const nodesMs = Date.now() - t0;
    const list = await client.list(PODS, 'default', { limit: 1 });
    const running = new Set<string>();
    const ctl = new AbortController();
    const watching = (async () => {
      for await (const ev of client.watch<KubeObject & { status?: { phase?: string } }>(PODS, 'default', { resourceVersion: list.metadata?.resourceVersion, signal: ctl.signal, timeoutSeconds: 3600 })) {
        if (ev.type === 'MODIFIED' && ev.object.status?.phase === 'Running') {
          running.add(ev.object.metadata!.name!);
          if (running.size === pods) ctl.abort();
        }
      }
    })().catch(() => undefined);
    const t1 = Date.now();
    await pool(pods, 64, (i) =>
      client.create(PODS, 'default', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `scale-${i}`, labels: { app: 'scale' } },
        spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      }),
    );
    const createdMs = Date.now() - t1;
    const deadline = setTimeout(() => ctl.abort(), 900_000);
    await watching;
    clearTimeout(deadline);
    const runningMs = Date.now() - t1;
    await new Promise((r) => setTimeout(r, 5000));
    console.log(`\nk8ts scale check (${nodes} simulated nodes in one agent, ${pods} pods, agent metrics ${noMetrics ? 'off' : 'on'})`);
    console.log(`  ${'nodes registered'.padEnd(36)} ${(nodesMs / 1000).toFixed(1)} s`);
    console.log(`  ${'pods created'.padEnd(36)} ${(createdMs / 1000).toFixed(1)} s`);
    console.log(`  ${'pods Running'.padEnd(36)} ${running.size} after ${(runningMs / 1000).toFixed(1)} s`);
    console.log(`  ${'agent RSS'.padEnd(36)} ${rssMb(agent.proc.pid)} MB`);
    console.log(`  ${'server RSS (API, scheduler, controllers)'.padEnd(36)} ${rssMb(server.proc?.pid)} MB`);
    console.log(`\nreproduce: npm run build && node dist/bench/scale.js --nodes ${nodes} --pods ${pods}${noMetrics ? ' --no-agent-metrics' : ''}`);
  } finally {
    client.close();
    await agent.stop();
    await server.destroy();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
