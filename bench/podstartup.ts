/**
 * Pod startup latency on a real node (issue 4; needs root): a k8ts server and one `k8ts agent`
 * with its own containerd. Latency is pod create → phase Running seen through a watch, with the
 * image already present (`busybox:1.35`, pull policy IfNotPresent): p50/p99 over sequential single
 * pods, then over a burst of N pods created at once. Also the agent's RSS idle and with the burst
 * running (containerd and shims are separate processes, reported apart).
 *
 *   npm run build && node dist/bench/podstartup.js [--singles 20] [--burst 30]
 *
 * Traffic goes only to 127.0.0.1 and to the node's own bridge.
 */
import { readFileSync, readdirSync } from 'node:fs';
import type { KubeObject } from '../src/api/types.js';
import { RestClient, type ResourceRef } from '../src/client/rest.js';
import { TestServer, eventually } from '../test/support/server.js';
import { TestNode, canRunRealNode } from '../test/support/node.js';

const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
type Pod = KubeObject & { status?: { phase?: string } };

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

const pod = (name: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels: { bench: 'startup' } },
  spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'busybox:1.35', command: ['sleep', '3600'] }] },
} as Pod);

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/** RSS of processes whose command line contains `needle`. */
function rssOf(needle: string): number {
  let total = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle)) total += rssMb(Number(d));
    } catch { /* gone */ }
  }
  return total;
}

class RunningWatch {
  readonly running = new Map<string, number>();
  private readonly stop = new AbortController();
  constructor(client: RestClient) {
    void (async () => {
      for (;;) {
        try {
          for await (const ev of client.watch<Pod>(PODS, 'default', { labelSelector: 'bench=startup', signal: this.stop.signal })) {
            const p = ev.object as Pod;
            if (ev.type !== 'DELETED' && p.status?.phase === 'Running' && !this.running.has(p.metadata!.name!)) this.running.set(p.metadata!.name!, performance.now());
          }
        } catch { /* re-watch */ }
        if (this.stop.signal.aborted) return;
      }
    })();
  }
  close(): void { this.stop.abort(); }
}

async function main(): Promise<void> {
  if (!canRunRealNode()) throw new Error('needs root, containerd, runc, CNI plugins, busybox-static and docker-registry');
  const singles = arg('singles', 20);
  const burst = arg('burst', 30);
  const server = await TestServer.start({ extraArgs: ['--log-level', 'warn', '--cluster-cidr', '10.88.0.0/16'] });
  const t0 = performance.now();
  const node = await TestNode.start(server, { name: 'bench-node', podCidr: '10.88.250.0/24' });
  const joinMs = performance.now() - t0;
  const client = new RestClient({ server: server.url, ...server.credentials() }, { qps: 'unlimited' });
  const w = new RunningWatch(client);
  try {
    // Warm up: the image is pulled once and present afterwards.
    await client.create(PODS, 'default', pod('warmup'));
    await eventually(() => w.running.has('warmup'), 60_000, 50);
    await new Promise((r) => setTimeout(r, 3_000));
    const idleRss = rssMb(node.proc.pid!);
    const lat1: number[] = [];
    for (let i = 0; i < singles; i++) {
      const name = `single-${i}`;
      const s = performance.now();
      await client.create(PODS, 'default', pod(name));
      await eventually(() => w.running.has(name), 60_000, 5);
      lat1.push(w.running.get(name)! - s);
    }
    const starts = new Map<string, number>();
    await Promise.all(Array.from({ length: burst }, async (_, i) => {
      const name = `burst-${i}`;
      starts.set(name, performance.now());
      await client.create(PODS, 'default', pod(name));
    }));
    await eventually(() => [...starts.keys()].every((n) => w.running.has(n)), 180_000, 20);
    const latB = [...starts].map(([n, s]) => w.running.get(n)! - s);
    await new Promise((r) => setTimeout(r, 2_000));
    const loadedRss = rssMb(node.proc.pid!);
    const pods = 1 + singles + burst;
    const ctrdRss = rssOf('/containerd/config.toml');
    const shimRss = rssOf('containerd-shim');
    const f = (ms: number) => `${ms.toFixed(0)} ms`;
    console.log(`\nk8ts pod startup on a real node (containerd ${'1.6'}, runc, CNI bridge; image present)`);
    console.log(`  ${'agent start → node Ready'.padEnd(44)} ${f(joinMs)}`);
    console.log(`  ${`single pod create → Running (n=${singles})`.padEnd(44)} p50 ${f(pct(lat1, 50))}  p99 ${f(pct(lat1, 99))}  max ${f(Math.max(...lat1))}`);
    console.log(`  ${`burst of ${burst} created at once`.padEnd(44)} p50 ${f(pct(latB, 50))}  p99 ${f(pct(latB, 99))}  max ${f(Math.max(...latB))}`);
    console.log(`  ${'agent RSS idle (1 pod)'.padEnd(44)} ${idleRss.toFixed(0)} MB`);
    console.log(`  ${`agent RSS with ${pods} pods`.padEnd(44)} ${loadedRss.toFixed(0)} MB (containerd ${ctrdRss.toFixed(0)} MB, shims ${shimRss.toFixed(0)} MB in all)`);
    console.log(`\nreproduce: npm run build && node dist/bench/podstartup.js --singles ${singles} --burst ${burst}`);
  } finally {
    w.close();
    client.close();
    await node.stop();
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
