/**
 * API server benchmark: pod creates/s, gets/s, list latency at 10k pods, watch delivery latency
 * with 1,000 watchers, and server RSS at 10k pods — on SQLite and on etcd.
 *
 *   npm run build && node dist/bench/apiserver.js [--backend sqlite|etcd|all] [--pods 10000] [--watchers 1000]
 *
 * Traffic goes only to the k8ts server this benchmark starts on 127.0.0.1.
 */
import { Agent, request } from 'node:https';
import { readFileSync } from 'node:fs';
import { TestServer, type Credentials } from '../test/support/server.js';
import { startEtcd } from '../test/support/etcd.js';

interface Args {
  backend: 'sqlite' | 'etcd' | 'all';
  pods: number;
  watchers: number;
  concurrency: number;
}

function parseArgs(): Args {
  const a: Args = { backend: 'all', pods: 10_000, watchers: 1000, concurrency: 64 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--backend') (a.backend = v as Args['backend']), i++;
    else if (argv[i] === '--pods') (a.pods = Number(v)), i++;
    else if (argv[i] === '--watchers') (a.watchers = Number(v)), i++;
    else if (argv[i] === '--concurrency') (a.concurrency = Number(v)), i++;
  }
  return a;
}

class Client {
  private readonly agent: Agent;
  constructor(
    private readonly port: number,
    private readonly creds: Credentials,
    maxSockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets, ca: creds.ca, cert: creds.cert, key: creds.key });
  }

  call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ code: number; body: string }> {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          agent: this.agent,
          headers: { 'content-type': contentType, accept: 'application/json' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ code: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'bench', labels: { app: 'bench', shard: String(name.length % 7) } },
  spec: {
    containers: [
      {
        name: 'app',
        image: 'busybox:1.35',
        command: ['sh', '-c', 'sleep 3600'],
        ports: [{ containerPort: 8080, name: 'http' }],
        env: [{ name: 'A', value: 'b' }],
        resources: { requests: { cpu: '10m', memory: '16Mi' } },
      },
    ],
  },
});

async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) await fn(i);
    }),
  );
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

async function watchLatency(port: number, creds: Credentials, watchers: number): Promise<{ p50: number; p99: number; delivered: number; expected: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: watchers + 8, ca: creds.ca, cert: creds.cert, key: creds.key });
  const client = new Client(port, creds, 8);
  await client.call('POST', '/api/v1/namespaces/bench/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tick' }, data: { t: '0' } });
  const sent = new Map<string, number>();
  const lat: number[] = [];
  let established = 0;
  const reqs: Array<ReturnType<typeof request>> = [];
  await new Promise<void>((ready) => {
    for (let i = 0; i < watchers; i++) {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/v1/namespaces/bench/configmaps?watch=1&fieldSelector=metadata.name%3Dtick&resourceVersion=0',
          agent,
          headers: { accept: 'application/json' },
        },
        (res) => {
          let buf = '';
          let first = true;
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            const now = performance.now();
            buf += chunk;
            let nl;
            while ((nl = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, nl);
              buf = buf.slice(nl + 1);
              if (first) {
                first = false;
                if (++established === watchers) ready();
                continue;
              }
              const m = /"t":"(\d+)"/.exec(line);
              const t0 = m ? sent.get(m[1]) : undefined;
              if (t0 !== undefined) lat.push(now - t0);
            }
          });
        },
      );
      req.end();
      reqs.push(req);
    }
  });
  const rounds = 50;
  for (let i = 1; i <= rounds; i++) {
    sent.set(String(i), performance.now());
    await client.call('PATCH', '/api/v1/namespaces/bench/configmaps/tick', { data: { t: String(i) } }, 'application/merge-patch+json').then((r) => {
      if (r.code !== 200) throw new Error(`patch failed ${r.code} ${r.body}`);
    });
    await new Promise((r) => setTimeout(r, 40));
  }
  await new Promise((r) => setTimeout(r, 1000));
  for (const r of reqs) r.destroy();
  agent.destroy();
  client.close();
  return { p50: pct(lat, 50), p99: pct(lat, 99), delivered: lat.length, expected: rounds * watchers };
}

async function benchBackend(name: string, args: Args, datastore?: string): Promise<Record<string, string>> {
  const s = await TestServer.start({ datastore, extraArgs: ['--log-level', 'warn', '--disable-scheduler', '--disable-controller-manager'] });
  const creds = s.credentials();
  const client = new Client(s.port, creds, args.concurrency);
  try {
    await client.call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
    const rssIdle = rssMb(s.proc!.pid!);
    let t = performance.now();
    let failures = 0;
    await pool(args.pods, args.concurrency, async (i) => {
      const r = await client.call('POST', '/api/v1/namespaces/bench/pods', pod(`pod-${i}`));
      if (r.code !== 201) failures++;
    });
    const createSecs = (performance.now() - t) / 1000;
    if (failures) throw new Error(`${failures} creates failed`);
    // Steady state: the server holding all pods, after it had a moment to collect garbage.
    await new Promise((r) => setTimeout(r, 5000));
    const rssSettled = rssMb(s.proc!.pid!);
    const nGets = Math.min(args.pods, 20_000);
    t = performance.now();
    await pool(nGets, args.concurrency, async (i) => {
      const r = await client.call('GET', `/api/v1/namespaces/bench/pods/pod-${i % args.pods}`);
      if (r.code !== 200) failures++;
    });
    const getSecs = (performance.now() - t) / 1000;
    const listTimes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const r = await client.call('GET', '/api/v1/namespaces/bench/pods');
      if (r.code !== 200 || JSON.parse(r.body).items.length !== args.pods) throw new Error('bad list');
      listTimes.push(performance.now() - t0);
    }
    const pageTimes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      await client.call('GET', '/api/v1/namespaces/bench/pods?limit=500');
      pageTimes.push(performance.now() - t0);
    }
    const rssPeak = rssMb(s.proc!.pid!);
    const w = await watchLatency(s.port, creds, args.watchers);
    const out = {
      backend: name,
      'pod creates/s': (args.pods / createSecs).toFixed(0),
      'pod gets/s': (nGets / getSecs).toFixed(0),
      [`list ${args.pods} pods p50 (ms)`]: pct(listTimes, 50).toFixed(0),
      'list page of 500 p50 (ms)': pct(pageTimes, 50).toFixed(1),
      [`watch delivery p50/p99 (ms), ${args.watchers} watchers`]: `${w.p50.toFixed(1)} / ${w.p99.toFixed(1)} (${w.delivered}/${w.expected} events)`,
      'server RSS idle (MB)': rssIdle.toFixed(0),
      [`server RSS holding ${args.pods} pods, settled (MB)`]: rssSettled.toFixed(0),
      [`server RSS after ${args.pods} gets + 20 lists (MB)`]: rssPeak.toFixed(0),
    };
    return out;
  } finally {
    client.close();
    await s.destroy();
  }
}

async function main(): Promise<void> {
  const args = parseArgs();
  const results: Array<Record<string, string>> = [];
  if (args.backend === 'sqlite' || args.backend === 'all') results.push(await benchBackend('sqlite', args));
  if (args.backend === 'etcd' || args.backend === 'all') {
    const etcd = await startEtcd();
    try {
      results.push(await benchBackend('etcd', args, etcd.endpoint.replace(/^http:/, 'etcd:')));
    } finally {
      await etcd.stop();
    }
  }
  console.log(`\nk8ts API server benchmark (${args.pods} pods, ${args.watchers} watchers, ${args.concurrency} clients in flight)`);
  for (const r of results) {
    console.log(`\n[${r.backend}]`);
    for (const [k, v] of Object.entries(r)) if (k !== 'backend') console.log(`  ${k.padEnd(48)} ${v}`);
  }
  console.log(`\nreproduce: npm run build && node dist/bench/apiserver.js --backend ${args.backend} --pods ${args.pods} --watchers ${args.watchers}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
