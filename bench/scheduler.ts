/**
 * Scheduling throughput end to end through the API (issue 3): a k8ts server with its built-in
 * scheduler (controllers off), N Node objects (no kubelets, as kube-scheduler's scheduler_perf),
 * then P pods created by 64 concurrent clients; throughput = pods bound / seconds from the first
 * create to the last bind, and the rate in the steady middle (10%–90% of binds).
 *
 *   npm run build && node dist/bench/scheduler.js [--nodes 5000] [--pods 10000,50000]
 *
 * Each pod count runs on a fresh server. Traffic goes only to the server it starts on 127.0.0.1.
 */
import type { KubeObject } from '../src/api/types.js';
import { RestClient, type ResourceRef } from '../src/client/rest.js';
import { TestServer } from '../test/support/server.js';

const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' };
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };

interface Args {
  nodes: number;
  pods: number[];
  concurrency: number;
}

function parseArgs(): Args {
  const a: Args = { nodes: 5000, pods: [10_000, 50_000], concurrency: 64 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--nodes') (a.nodes = Number(v)), i++;
    else if (argv[i] === '--pods') (a.pods = String(v).split(',').map(Number)), i++;
    else if (argv[i] === '--concurrency') (a.concurrency = Number(v)), i++;
  }
  return a;
}

async function pool(n: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

const node = (i: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: `bench-node-${i}`, labels: { 'kubernetes.io/hostname': `bench-node-${i}`, type: 'simulated' } },
  status: {
    capacity: { cpu: '32', memory: '256Gi', pods: '110' },
    allocatable: { cpu: '32', memory: '256Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'bench node' }],
  },
});

const pod = (i: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `bench-pod-${i}`, namespace: 'default', labels: { app: 'bench' } },
  spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '100m', memory: '100Mi' } } }] },
});

async function run(nodes: number, pods: number, concurrency: number): Promise<Record<string, string>> {
  const server = await TestServer.start({ extraArgs: ['--log-level', 'warn', '--disable-controller-manager'] });
  const creds = server.credentials();
  const client = new RestClient({ server: server.url, ...creds }, { qps: 'unlimited', maxSockets: concurrency + 8 });
  try {
    const tn = Date.now();
    await pool(nodes, concurrency, (i) => client.create(NODES, undefined, node(i)));
    const nodeSec = (Date.now() - tn) / 1000;
    // Let the scheduler's node informer catch up before the clock starts.
    await new Promise((r) => setTimeout(r, 2000));

    const list = await client.list(PODS, 'default', { limit: 1 });
    const bindTimes: number[] = [];
    const bound = new Set<string>();
    const ctl = new AbortController();
    const watching = (async () => {
      for await (const ev of client.watch<KubeObject>(PODS, 'default', { resourceVersion: list.metadata?.resourceVersion, signal: ctl.signal, timeoutSeconds: 3600 })) {
        if (ev.type !== 'MODIFIED' && ev.type !== 'ADDED') continue;
        const o = ev.object as KubeObject & { spec?: { nodeName?: string } };
        const name = o.metadata!.name!;
        if (o.spec?.nodeName && !bound.has(name)) {
          bound.add(name);
          bindTimes.push(Date.now());
          if (bound.size === pods) ctl.abort();
        }
      }
    })().catch((e) => {
      if (!ctl.signal.aborted) throw e;
    });

    const t0 = Date.now();
    await pool(pods, concurrency, (i) => client.create(PODS, 'default', pod(i)));
    const created = Date.now();
    const deadline = setTimeout(() => ctl.abort(), 600_000);
    await watching;
    clearTimeout(deadline);
    const end = bindTimes[bindTimes.length - 1] ?? Date.now();
    const total = (end - t0) / 1000;
    const lo = bindTimes[Math.floor(pods * 0.1)]!;
    const hi = bindTimes[Math.floor(pods * 0.9) - 1]!;
    return {
      nodes: String(nodes),
      pods: String(pods),
      'node objects created in': `${nodeSec.toFixed(1)} s`,
      'pods created in': `${((created - t0) / 1000).toFixed(1)} s (${Math.round(pods / ((created - t0) / 1000))}/s)`,
      'pods bound': `${bound.size}`,
      'first create → last bind': `${total.toFixed(1)} s`,
      'throughput end to end': `${Math.round(bound.size / total)} pods/s`,
      'throughput 10%–90% of binds': `${Math.round((pods * 0.8) / ((hi - lo) / 1000))} pods/s`,
    };
  } finally {
    client.close();
    await server.destroy();
  }
}

async function main(): Promise<void> {
  const args = parseArgs();
  console.log(`\nk8ts scheduling throughput (${args.nodes} nodes, ${args.concurrency} pod creators, scheduler in the server, over HTTPS)`);
  for (const p of args.pods) {
    const r = await run(args.nodes, p, args.concurrency);
    console.log('');
    for (const [k, v] of Object.entries(r)) console.log(`  ${k.padEnd(30)} ${v}`);
  }
  console.log(`\nreproduce: npm run build && node dist/bench/scheduler.js --nodes ${args.nodes} --pods ${args.pods.join(',')}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
