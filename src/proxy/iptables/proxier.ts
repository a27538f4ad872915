/**
 * The iptables proxier: keeps the node's K8TS- Service chains (rules.ts) in step with the cluster's
 * Services and EndpointSlices.
 *
 * Contracts:
 * - `sync()` renders the whole rule set and applies it with one `iptables-restore --noflush` per
 *   table (nat first, then filter), then makes sure the jumps from the built-in chains exist
 *   (checked with -C, inserted with -I at position 1 only when missing). Syncs are serialized;
 *   when the rendered text equals what was applied last, nothing is run.
 * - `requestSync()` (called on every source change) batches: a sync runs at most once per
 *   `minSyncPeriodMs`; changes arriving meanwhile are folded into the next one.
 * - Only chains named K8TS-… are declared, flushed or deleted; built-in chains only gain/lose the
 *   jumps listed by `jumpRules()`. `cleanup()` removes those jumps and every chain this proxier owns.
 * - `command` prefixes every iptables invocation (e.g. ['ip', 'netns', 'exec', ns]) so tests can run
 *   the proxier inside a network namespace they created.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Logger } from '../../util/logger.js';
import type { SharedInformer } from '../../client/informer.js';
import type { KubeObject } from '../../api/types.js';
import { buildServiceMap } from '../servicemap.js';
import { CHAIN, jumpRules, ownedChainsIn, renderIptablesRestore } from './rules.js';

const run = promisify(execFile);

/** Where the proxier reads cluster state: typically two informers' listers (see `informerSource`). */
export interface ProxySource {
  services(): Service[];
  endpointSlices(): EndpointSlice[];
}

export interface IptablesProxierOptions {
  source: ProxySource;
  nodeName: string;
  clusterCidr: string;
  /** Node-port addresses; empty = every local address. */
  nodeIPs?: string[];
  /** Binary paths (default from PATH). */
  iptables?: string;
  iptablesRestore?: string;
  iptablesSave?: string;
  /** Command prefix for every invocation, e.g. ['ip', 'netns', 'exec', 'k8ts-px-1']. */
  command?: string[];
  /** Minimum time between two syncs started by requestSync (upstream --iptables-min-sync-period, default 1s). */
  minSyncPeriodMs?: number;
  log: Logger;
}

export interface SyncStats {
  servicePorts: number;
  /** Reading the installed chains (iptables-save -t nat). */
  saveMs: number;
  renderMs: number;
  applyMs: number;
  natBytes: number;
  applied: boolean;
}

export class IptablesProxier {
  private readonly o: Required<Omit<IptablesProxierOptions, 'log' | 'source'>> & Pick<IptablesProxierOptions, 'log' | 'source'>;
  private running: Promise<unknown> = Promise.resolve();
  private lastApplied = '';
  private lastSyncAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Stats of the most recent sync (for benchmarks and metrics). */
  lastStats: SyncStats | undefined;

  constructor(o: IptablesProxierOptions) {
    this.o = {
      nodeIPs: [],
      iptables: 'iptables',
      iptablesRestore: 'iptables-restore',
      iptablesSave: 'iptables-save',
      command: [],
      minSyncPeriodMs: 1000,
      ...o,
    };
  }

  /** Schedules a sync no sooner than minSyncPeriodMs after the previous one; repeated calls merge. */
  requestSync(): void {
    if (this.stopped || this.timer) return;
    const wait = Math.max(0, this.lastSyncAt + this.o.minSyncPeriodMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.sync().catch((e: Error) => {
        this.o.log.warn({ err: e.message }, 'iptables sync failed; retrying');
        this.requestSync();
      });
    }, wait);
  }

  /** Renders and applies the full rule set now (serialized with other syncs). Rejects on failure. */
  sync(): Promise<void> {
    const p = this.running.catch(() => {}).then(() => this.syncNow());
    this.running = p;
    return p;
  }

  private async syncNow(): Promise<void> {
    this.lastSyncAt = Date.now();
    const ts = performance.now();
    const save = await this.exec(this.o.iptablesSave, ['-t', 'nat']);
    const t0 = performance.now();
    const infos = buildServiceMap(this.o.source.services(), this.o.source.endpointSlices(), this.o.nodeName);
    const existing = ownedChainsIn(save);
    const ro = { clusterCidr: this.o.clusterCidr, nodeIPs: this.o.nodeIPs };
    const { nat, filter, stale } = renderIptablesRestore(infos, { ...ro, existingChains: existing });
    const t1 = performance.now();
    // The key is the text without the stale-chain deletions (which change with what is installed).
    let key = nat + filter;
    if (stale.length > 0) {
      const clean = renderIptablesRestore(infos, { ...ro, existingChains: [] });
      key = clean.nat + clean.filter;
    }
    // Also re-apply when a chain we rely on disappeared (someone flushed the table).
    const intact = save.includes(`:${CHAIN.services} `);
    let applied = false;
    if (key !== this.lastApplied || !intact || stale.length > 0) {
      await this.restore(nat);
      await this.restore(filter);
      await this.ensureJumps();
      this.lastApplied = key;
      applied = true;
    }
    const t2 = performance.now();
    this.lastStats = { servicePorts: infos.length, saveMs: t0 - ts, renderMs: t1 - t0, applyMs: t2 - t1, natBytes: nat.length, applied };
    if (applied) this.o.log.info({ servicePorts: infos.length, renderMs: Math.round(t1 - t0), applyMs: Math.round(t2 - t1) }, 'iptables rules synced');
  }

  /** Stops scheduled syncs, waits for a running one, removes the jumps and every K8TS- proxy chain. */
  async cleanup(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running.catch(() => {});
    for (const [table, chain, spec] of jumpRules()) {
      for (let i = 0; i < 10; i++) {
        try {
          await this.exec(this.o.iptables, ['-w', '5', '-t', table, '-D', chain, ...spec]);
        } catch {
          break;
        }
      }
    }
    const natSave = await this.exec(this.o.iptablesSave, ['-t', 'nat']);
    const natOwned = [CHAIN.services, CHAIN.nodePorts, CHAIN.postrouting, CHAIN.markMasq, ...ownedChainsIn(natSave)].filter((c) => natSave.includes(`:${c} `));
    if (natOwned.length) await this.restore(['*nat', ...natOwned.map((c) => `:${c} - [0:0]`), ...natOwned.map((c) => `-X ${c}`), 'COMMIT', ''].join('\n'));
    const filterSave = await this.exec(this.o.iptablesSave, ['-t', 'filter']);
    const filterOwned = [CHAIN.services, CHAIN.externalServices, CHAIN.forward].filter((c) => filterSave.includes(`:${c} `));
    if (filterOwned.length) await this.restore(['*filter', ...filterOwned.map((c) => `:${c} - [0:0]`), ...filterOwned.map((c) => `-X ${c}`), 'COMMIT', ''].join('\n'));
    this.lastApplied = '';
  }

  private async ensureJumps(): Promise<void> {
    for (const [table, chain, spec] of jumpRules()) {
      try {
        await this.exec(this.o.iptables, ['-w', '5', '-t', table, '-C', chain, ...spec]);
      } catch {
        await this.exec(this.o.iptables, ['-w', '5', '-t', table, '-I', chain, '1', ...spec]);
      }
    }
  }

  private async exec(bin: string, args: string[]): Promise<string> {
    const [cmd, ...pre] = [...this.o.command, bin];
    const { stdout } = await run(cmd!, [...pre, ...args], { maxBuffer: 1 << 30 });
    return stdout;
  }

  private restore(input: string): Promise<void> {
    const [cmd, ...pre] = [...this.o.command, this.o.iptablesRestore];
    return new Promise((resolve, reject) => {
      const p = spawn(cmd!, [...pre, '--noflush', '-w', '5'], { stdio: ['pipe', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (d) => (err += d));
      p.on('error', reject);
      p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`iptables-restore failed (${code}): ${err.trim().slice(0, 2000)}`))));
      p.stdin.on('error', () => {}); // reported through 'close'
      p.stdin.end(input);
    });
  }
}

/** A ProxySource over two informers' listers, plus change wiring: each event requests a sync. */
export function informerSource(
  services: Pick<SharedInformer<KubeObject & Service>, 'lister' | 'addEventHandler'>,
  slices: Pick<SharedInformer<KubeObject & EndpointSlice>, 'lister' | 'addEventHandler'>,
): ProxySource & { onChange(cb: () => void): () => void } {
  return {
    services: () => services.lister.list(),
    endpointSlices: () => slices.lister.list(),
    onChange(cb) {
      const a = services.addEventHandler({ onAdd: cb, onUpdate: cb, onDelete: cb });
      const b = slices.addEventHandler({ onAdd: cb, onUpdate: cb, onDelete: cb });
      return () => {
        a();
        b();
      };
    },
  };
}
