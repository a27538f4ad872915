/**
 * The README's single-node cluster (needs root): `k8ts server` without --disable-agent starts its
 * own node, which gets a pod CIDR from the nodeipam controller, registers with the control-plane
 * roles and runs a 3-replica Deployment of real busybox containers. Stopping the server stops the
 * node's containerd and registry; `k8ts agent --cleanup` then removes the containers, the bridge
 * and the node's state.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { REPO, TestServer, eventually } from '../support/server.js';
import { REAL_NODE_SKIP } from '../support/node.js';
import { bridgeNameFor } from '../../src/kubelet/network.js';

const NODE = `it-local-${process.pid % 10000}`;
const CLUSTER_CIDR = '10.90.0.0/16';

function body(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 2000 }, (res) => {
      let b = '';
      res.on('data', (d) => (b += d));
      res.on('end', () => resolve(b));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** PIDs of processes whose command line mentions `dir`. */
function processesUnder(dir: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try { if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir)) out.push(Number(p)); } catch { /* gone */ }
  }
  return out;
}

describe('k8ts server with its local node', { skip: REAL_NODE_SKIP }, () => {
  let server: TestServer;
  let cleaned = false;

  const cleanup = (): void => {
    if (cleaned || !server) return;
    cleaned = true;
    const r = spawnSync(process.execPath, [join(REPO, 'bin', 'k8ts'), 'agent', '--cleanup', '--data-dir', server.dataDir, '--node-name', NODE, '--cluster-cidr', CLUSTER_CIDR], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
  };

  before(async () => {
    server = await TestServer.start({ localNode: true, extraArgs: ['--cluster-cidr', CLUSTER_CIDR, '--node-name', NODE, '--log-level', 'warn'] });
  });

  after(async () => {
    await server?.stop();
    cleanup();
    await server?.destroy();
  });

  it('joins the local node with a pod CIDR from nodeipam and the control-plane roles', async () => {
    const t0 = Date.now();
    const ready = await eventually(async () => {
      const r = await server.kubectl(['get', 'node', NODE, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
      return r.stdout.trim() === 'True';
    }, 90_000, 200);
    assert.ok(ready);
    console.log(`# local node Ready ${Date.now() - t0} ms after the server was ready`);
    const n = JSON.parse(await server.k(['get', 'node', NODE, '-o', 'json'])) as { metadata: { labels: Record<string, string> }; spec: { podCIDR: string } };
    assert.equal(n.spec.podCIDR, '10.90.0.0/24');
    assert.equal(n.metadata.labels['node-role.kubernetes.io/control-plane'], 'true');
    assert.match(await server.k(['get', 'nodes']), /control-plane,master/);
  });

  it('runs `kubectl create deployment web --image=busybox --replicas=3` as three real containers', async () => {
    await server.k(['create', 'deployment', 'web', '--image=busybox', '--replicas=3', '--', 'sh', '-c', 'hostname > /tmp/index.html; exec httpd -f -p 8080 -h /tmp']);
    const ips = await eventually(async () => {
      const out = await server.k(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.status.phase} {.status.podIP}{"\\n"}{end}']);
      const rows = out.trim().split('\n').filter(Boolean).map((l) => l.split(' '));
      return rows.length === 3 && rows.every(([ph, ip]) => ph === 'Running' && ip) ? rows.map((r) => r[1]!) : undefined;
    }, 60_000, 200);
    assert.ok(ips);
    for (const ip of ips) assert.match(ip, /^10\.90\.0\.\d+$/);
    const names = await Promise.all(ips.map((ip) => body(`http://${ip}:8080/index.html`)));
    assert.equal(new Set(names.map((x) => x.trim())).size, 3);
  });

  it('stops the node with the server; cleanup leaves nothing behind', async () => {
    assert.equal(await server.stop(), 0);
    const left = processesUnder(join(server.dataDir, 'agent') + '/').filter((pid) => !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('containerd-shim'));
    assert.deepEqual(left, [], 'no containerd or registry left running after the server stopped');
    cleanup();
    assert.deepEqual(processesUnder(join(server.dataDir, 'agent') + '/'), [], 'no shim left after cleanup');
    assert.ok(!execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).includes(`${bridgeNameFor(NODE)}:`));
    assert.ok(!existsSync(join(server.dataDir, 'agent')));
    assert.ok(!execFileSync('ip', ['route'], { encoding: 'utf8' }).includes(`unreachable ${CLUSTER_CIDR}`));
  });
});
