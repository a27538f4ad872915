/**
 * Service programming latency on a real node (issue 5; needs root): a k8ts server and one
 * `k8ts agent` (containerd, the node's proxy in iptables or userspace mode). Two busybox httpd
 * backends run and are ready first; then, one at a time, a Service selecting them is created and
 * the time from the create request to the first successful HTTP answer through its ClusterIP
 * (from the host, the nat OUTPUT path) is measured — upstream's network programming latency, from
 * the client's side. With `--background N`, N other Services (with endpoints) exist first, so each
 * sync carries their rules too. `--gap MS` is the pause between two Services (default 1500): each
 * Service costs two syncs (the Service, then its EndpointSlice), and the proxy allows a burst of
 * two then one per `--iptables-min-sync-period` (passed to the agent with `--min-sync-period`,
 * default 1s as upstream), so Services created faster than that wait for the rate limit.
 *
 *   npm run build && node dist/bench/servicelatency.js [--services 30] [--background 1000] [--mode iptables|userspace] [--gap 1500] [--min-sync-period 1s]
 *
 * Traffic goes only to 127.0.0.1, the service CIDR (routed to the node's service device) and the
 * node's own bridge.
 */
import type { KubeObject } from '../src/api/types.js';
import { RestClient, type ResourceRef } from '../src/client/rest.js';
import { TestServer, eventually } from '../test/support/server.js';
import { TestNode, canRunRealNode } from '../test/support/node.js';

const SERVICES: ResourceRef = { group: '', version: 'v1', resource: 'services', namespaced: true, kind: 'Service' };
const ENDPOINTS: ResourceRef = { group: '', version: 'v1', resource: 'endpoints', namespaced: true, kind: 'Endpoints' };
const DEPLOYMENTS: ResourceRef = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true, kind: 'Deployment' };

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

/** One GET with a short deadline: an unprogrammed service IP drops the SYN, so waiting longer only hides progress. */
async function tryGet(host: string, port: number, timeoutMs: number): Promise<boolean> {
  try {
    const r = await fetch(`http://${host}:${port}/`, { signal: AbortSignal.timeout(timeoutMs) });
    await r.arrayBuffer();
    return r.ok;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  if (!canRunRealNode()) throw new Error('needs root, containerd, runc, CNI plugins, busybox-static and docker-registry');
  const n = Number(arg('services', '30'));
  const background = Number(arg('background', '0'));
  const mode = arg('mode', 'iptables');
  const gap = Number(arg('gap', '1500'));
  const minSync = arg('min-sync-period', '1s');
  const server = await TestServer.start({ extraArgs: ['--log-level', 'warn', '--cluster-cidr', '10.88.0.0/16'] });
  const node = await TestNode.start(server, { name: 'bench-node', podCidr: '10.88.251.0/24', extraArgs: ['--proxy-mode', mode, '--iptables-min-sync-period', minSync] });
  const client = new RestClient({ server: server.url, ...server.credentials() }, { qps: 'unlimited' });
  try {
    await client.create(DEPLOYMENTS, 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'backend' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'backend' } },
        template: {
          metadata: { labels: { app: 'backend' } },
          spec: {
            terminationGracePeriodSeconds: 0,
            containers: [{ name: 'httpd', image: 'busybox:1.35', command: ['sh', '-c', 'mkdir -p /www; hostname > /www/index.html; exec httpd -f -p 8080 -h /www'] }],
          },
        },
      },
    } as KubeObject);
    const podIPs = await eventually(async () => {
      const r = await server.kubectl(['get', 'pods', '-l', 'app=backend', '-o', 'jsonpath={.items[*].status.podIP}']);
      const ips = r.stdout.trim().split(/\s+/).filter(Boolean);
      return ips.length === 2 && (await Promise.all(ips.map((ip) => tryGet(ip, 8080, 1000)))).every(Boolean) ? ips : undefined;
    }, 120_000, 200);
    if (background > 0) {
      const t = performance.now();
      for (let i = 0; i < background; i += 50) {
        await Promise.all(Array.from({ length: Math.min(50, background - i) }, async (_, j) => {
          const name = `bg-${i + j}`;
          await client.create(SERVICES, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80, targetPort: 8080 }] } } as KubeObject);
          await client.create(ENDPOINTS, 'default', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name }, subsets: [{ addresses: podIPs!.map((ip) => ({ ip })), ports: [{ port: 8080 }] }] } as KubeObject);
        }));
      }
      // The last background service answering means the proxy caught up.
      const last = await client.get<KubeObject & { spec: { clusterIP: string } }>(SERVICES, 'default', `bg-${background - 1}`);
      await eventually(() => tryGet(last.spec.clusterIP, 80, 200), 300_000, 100);
      console.log(`# ${background} background services programmed ${((performance.now() - t) / 1000).toFixed(1)} s after the first create`);
    }
    const lat: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const svc = await client.create<KubeObject & { spec: { clusterIP: string } }>(SERVICES, 'default', {
        apiVersion: 'v1', kind: 'Service', metadata: { name: `probe-${i}` }, spec: { selector: { app: 'backend' }, ports: [{ port: 80, targetPort: 8080 }] },
      } as unknown as KubeObject & { spec: { clusterIP: string } });
      await eventually(() => tryGet(svc.spec.clusterIP, 80, 25), 60_000, 0);
      lat.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, gap));
    }
    const f = (ms: number) => `${ms.toFixed(0)} ms`;
    console.log(`\nk8ts service programming latency (${mode} mode, ${background} other services, a Service every ${gap} ms, min sync period ${minSync}; Service create → first HTTP 200 through its ClusterIP)`);
    console.log(`  n=${n}  p50 ${f(pct(lat, 50))}  p90 ${f(pct(lat, 90))}  p99 ${f(pct(lat, 99))}  max ${f(Math.max(...lat))}`);
    console.log(`\nreproduce: npm run build && node dist/bench/servicelatency.js --services ${n} --background ${background} --mode ${mode} --gap ${gap} --min-sync-period ${minSync}`);
  } finally {
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
