/**
 * iptables proxier sync time (issue 5): N ClusterIP services (one port, 2 ready endpoints each;
 * every 10th a NodePort, every 20th with ClientIP affinity) rendered and applied with
 * `iptables-restore --noflush` inside a network namespace this benchmark creates and deletes, so
 * the host's tables are never touched. Per N it reports: the first sync (empty tables, full), a
 * sync after one endpoint changed (partial: only that service's chains), a no-op sync (nothing
 * written), a restart (a new proxier over the installed rules: full sync reading iptables-save) and
 * the sync that removes half the services (partial: K8TS-SERVICES rewritten, stale chains
 * deleted), plus the rule and chain counts. Each line: time in reading state / render / apply.
 *
 *   npm run build && node dist/bench/proxy.js [--services 1000,10000] [--legacy]
 */
import { execFileSync } from 'node:child_process';
import { IptablesProxier, type SyncStats } from '../src/proxy/iptables/proxier.js';
import { slice, svc } from '../src/proxy/testdata.js';
import { silentLogger } from '../src/util/logger.js';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';

const argv = process.argv.slice(2);
const counts = argv.includes('--services') ? String(argv[argv.indexOf('--services') + 1]).split(',').map(Number) : [1000, 10_000];
/** --legacy: use iptables-legacy* instead of the default (nf_tables) binaries. */
const legacy = argv.includes('--legacy');
console.log(`backend: ${legacy ? 'iptables-legacy' : 'default (iptables-nft)'}`);
const NS = `k8ts-px-bench-${process.pid % 100000}`;

const ip = (base: number, i: number) => `10.${base + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;

function world(n: number): { services: Service[]; slices: EndpointSlice[] } {
  const services: Service[] = [];
  const slices: EndpointSlice[] = [];
  for (let i = 0; i < n; i++) {
    const spec: Parameters<typeof svc>[3] = {};
    if (i % 10 === 0) Object.assign(spec, { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30000 + (i % 2700) }] });
    if (i % 20 === 0) Object.assign(spec, { sessionAffinity: 'ClientIP' });
    services.push(svc(`ns${i % 50}`, `svc-${i}`, ip(96, i + 1), spec));
    slices.push(slice(`ns${i % 50}`, `svc-${i}`, [{ ip: ip(200, 2 * i + 1) }, { ip: ip(200, 2 * i + 2) }]));
  }
  return { services, slices };
}

const fmt = (s: SyncStats | undefined) =>
  s
    ? `total ${(s.saveMs + s.renderMs + s.applyMs).toFixed(0).padStart(6)} ms (read ${s.saveMs.toFixed(0)}, render ${s.renderMs.toFixed(0)}, apply ${s.applyMs.toFixed(0)}) ` +
      `${s.partial ? 'partial' : 'full'}${s.applied ? `, ${s.chainsWritten} chains written (${s.serviceChainsWritten} service), ${s.chainsDeleted} deleted` : ', nothing written'}`
    : '-';

async function main(): Promise<void> {
  execFileSync('ip', ['netns', 'add', NS]);
  try {
    for (const n of counts) {
      let w = world(n);
      const make = () =>
        new IptablesProxier({
          source: { services: () => w.services, endpointSlices: () => w.slices },
          nodeName: 'bench',
          clusterCidr: '10.200.0.0/14',
          command: ['ip', 'netns', 'exec', NS],
          minSyncPeriodMs: 0,
          log: silentLogger,
          ...(legacy ? { iptables: 'iptables-legacy', iptablesRestore: 'iptables-legacy-restore', iptablesSave: 'iptables-legacy-save' } : {}),
        });
      let proxier = make();
      await proxier.sync();
      const first = proxier.lastStats;
      const save = execFileSync('ip', ['netns', 'exec', NS, legacy ? 'iptables-legacy-save' : 'iptables-save'], { encoding: 'utf8', maxBuffer: 1 << 30 });
      const rules = (save.match(/^-A /gm) ?? []).length;
      const chains = (save.match(/^:K8TS-/gm) ?? []).length;
      w = { services: w.services, slices: w.slices.map((s, i) => (i === 0 ? slice(s.metadata!.namespace!, 'svc-0', [{ ip: '10.203.0.1' }]) : s)) };
      await proxier.sync();
      const changed = proxier.lastStats;
      await proxier.sync();
      const noop = proxier.lastStats;
      proxier = make();
      await proxier.sync();
      const restart = proxier.lastStats;
      w = { services: w.services.slice(0, n / 2), slices: w.slices.slice(0, n / 2) };
      await proxier.sync();
      const shrink = proxier.lastStats;
      const c0 = performance.now();
      await proxier.cleanup();
      const cleanupMs = performance.now() - c0;
      console.log(`services=${n}: ${rules} rules, ${chains} K8TS chains`);
      console.log(`  first sync     ${fmt(first)}, nat input ${(first!.natBytes / 1e6).toFixed(1)} MB`);
      console.log(`  one endpoint   ${fmt(changed)}`);
      console.log(`  unchanged      ${fmt(noop)}`);
      console.log(`  restart        ${fmt(restart)}`);
      console.log(`  half removed   ${fmt(shrink)}`);
      console.log(`  cleanup        ${cleanupMs.toFixed(0)} ms`);
    }
  } finally {
    execFileSync('ip', ['netns', 'del', NS]);
  }
}

await main();
