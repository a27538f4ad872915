/**
 * Workload figures on simulated nodes (issue 3): a k8ts server with its scheduler and controllers,
 * one `k8ts agent --simulate N`, then the time for an R-replica Deployment to have every replica
 * available, and for a rollout of it (new image, default 25% surge / 25% unavailable) to complete.
 *
 *   npm run build && node dist/bench/deployment.js [--nodes 100] [--replicas 100]
 *
 * Traffic goes only to the server and agent it starts on 127.0.0.1.
 */
import type { KubeObject } from '../src/api/types.js';
import { RestClient, type ResourceRef } from '../src/client/rest.js';
import { TestServer, eventually } from '../test/support/server.js';
import { TestAgent } from '../test/support/agent.js';

const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' };
const DEPLOYMENTS: ResourceRef = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true, kind: 'Deployment' };

type Obj = KubeObject & { spec?: Record<string, any>; status?: Record<string, any> };

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

const deployment = (replicas: number, image: string): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'bench', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'bench' } },
    template: {
      metadata: { labels: { app: 'bench' } },
      spec: { containers: [{ name: 'c', image, resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
    },
  },
});

/** Resolves when the Deployment's status shows the whole rollout of its current generation done. */
async function complete(client: RestClient, replicas: number, timeoutMs: number): Promise<void> {
  await eventually(
    async () => {
      const d = await client.get<Obj>(DEPLOYMENTS, 'default', 'bench');
      const s = d.status ?? {};
      return (
        s.observedGeneration === d.metadata?.generation &&
        s.updatedReplicas === replicas &&
        s.availableReplicas === replicas &&
        (s.replicas ?? 0) === replicas &&
        !s.unavailableReplicas
      );
    },
    timeoutMs,
    100,
  );
}

async function main(): Promise<void> {
  const nodes = arg('nodes', 100);
  const replicas = arg('replicas', 100);
  const server = await TestServer.start({ extraArgs: ['--log-level', 'warn'] });
  const agent = TestAgent.start(server, { nodes, leaseRenewInterval: '10s', nodeStatusUpdateFrequency: '60s' });
  const client = new RestClient({ server: server.url, ...server.credentials() }, { qps: 'unlimited' });
  try {
    await eventually(async () => (await client.list(NODES, undefined)).items.length === nodes, 60_000, 200);
    const t0 = Date.now();
    await client.create(DEPLOYMENTS, 'default', deployment(replicas, 'nginx:1.27'));
    await complete(client, replicas, 300_000);
    const createMs = Date.now() - t0;
    const t1 = Date.now();
    await client.patch(DEPLOYMENTS, 'default', 'bench', 'strategic', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1.28' }] } } } });
    await complete(client, replicas, 300_000);
    const rolloutMs = Date.now() - t1;
    console.log(`\nk8ts Deployment on simulated nodes (${nodes} nodes, ${replicas} replicas, scheduler and controllers in the server)`);
    console.log(`  ${'all replicas available after create'.padEnd(40)} ${(createMs / 1000).toFixed(2)} s`);
    console.log(`  ${'rollout to a new image complete'.padEnd(40)} ${(rolloutMs / 1000).toFixed(2)} s`);
    console.log(`\nreproduce: npm run build && node dist/bench/deployment.js --nodes ${nodes} --replicas ${replicas}`);
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
