/**
 * The iptables proxier: keeps the node's K8TS- Service chains (rules.ts) in step with the cluster's
 * Services and EndpointSlices.
 *
 * Contracts:
 * - `sync()` applies changes with at most one `iptables-restore --noflush` per table (nat first,
 *   then filter); syncs are serialized. Like upstream since 1.27 most syncs are *partial*: only the
 *   service ports whose Service/EndpointSlice objects changed are re-rendered, only chains whose
 *   rules differ from what this proxier applied are written (fixed chains such as K8TS-SERVICES
 *   included, when their text changed), and chains of removed ports/endpoints are deleted; when
 *   nothing differs, nothing is written. A sync is *full* (every chain written, stale owned chains
 *   from iptables-save deleted, jumps from the built-in chains checked with -C and inserted with -I
 *   at position 1 when missing) on the first sync, after a failed restore, when a built-in jump is
 *   gone (the table was flushed behind our back), and `fullSyncPeriodMs` after the last full one.
 * - Periodic syncs (upstream --iptables-sync-period) are the caller's: each one detects flushes.
 * - `requestSync()` (called on every source change) batches: a sync runs at most once per
 *   `minSyncPeriodMs`; changes arriving meanwhile are folded into the next one.
 * - Only chains named K8TS-… are declared, flushed or deleted; built-in chains only gain/lose the
 *   jumps listed by `jumpRules()`. `cleanup()` removes those jumps and every chain this proxier owns.
 * - `command` prefixes every iptables invocation (e.g. ['ip', 'netns', 'exec', ns]) so tests can run
 *   the proxier inside a network namespace they created.
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Logger } from '../../util/logger.js';
import { SyncRunner } from '../syncrunner.js';
import type { SharedInformer } from '../../client/informer.js';
import type { KubeObject } from '../../api/types.js';
import { SERVICE_NAME_LABEL, buildServiceMap, type ServicePortInfo } from '../servicemap.js';
import { CHAIN, OWNED_DYNAMIC_CHAIN, assembleChains, fixedChains, jumpRules, ownedChainsIn, removeText, renderServicePort, restoreText, type ServicePortRules } from './rules.js';
import { iptablesRestore, runArgv } from '../../util/hostnet.js';

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
  /** A sync this long after the last full one is full (upstream's FullSyncPeriod, 1 hour). */
  fullSyncPeriodMs?: number;
  /** Called after every successful sync, applied or not (for /metrics). */
  onSync?: (stats: SyncStats) => void;
  log: Logger;
}

export interface SyncStats {
  servicePorts: number;
  /** Reading the installed state: iptables-save on a full sync from unknown state, the jump checks otherwise. */
  saveMs: number;
  renderMs: number;
  applyMs: number;
  /** Bytes of nat restore input written (0 when nat was not written). */
  natBytes: number;
  applied: boolean;
  /** Only changed chains were written (false: every chain was, plus the jumps). */
  partial: boolean;
  /** K8TS-SVC/SVL/EXT/FW/SEP chains written. */
  serviceChainsWritten: number;
  /** K8TS- chains written, fixed ones included, both tables. */
  chainsWritten: number;
  chainsDeleted: number;
}

type ApplyResult = Omit<SyncStats, 'servicePorts' | 'saveMs' | 'applyMs'>;

/** Service ports whose own chains one transaction of a full sync writes. */
const FULL_SYNC_BATCH = 500;
/** Stale chains one transaction flushes or deletes. */
const REMOVE_BATCH = 2000;

/** One service port as last applied: its info (and that info as JSON, computed when first compared), rules and own chains' texts. */
interface PortState {
  info: ServicePortInfo;
  fp?: string;
  rules: ServicePortRules;
  /** Own chain → its rules joined. */
  texts: Map<string, string>;
}

interface MapEntry {
  svc: Service;
  slices: EndpointSlice[];
  infos: ServicePortInfo[];
}

/** What the proxier last applied; exact while nobody else edits K8TS- chains. */
interface Installed {
  /** Fixed chains' rules joined, keyed `table/chain`. */
  fixed: Map<string, string>;
  /** By `key/protocol`. */
  ports: Map<string, PortState>;
  /** Owned chains iptables-save showed that no known port owns (deleted by the next full sync unless rendered). */
  orphans: Set<string>;
}

export class IptablesProxier {
  private readonly o: Required<Omit<IptablesProxierOptions, 'log' | 'source' | 'onSync'>> & Pick<IptablesProxierOptions, 'log' | 'source' | 'onSync'>;
  /** undefined: the installed chains are unknown (start, failed restore, flush detected) → full sync reading iptables-save. */
  private installed: Installed | undefined;
  private mapCache = new Map<string, MapEntry>();
  private backendKind: Promise<'legacy' | 'nft'> | undefined;
  private lastFullAt = 0;
  private readonly runner: SyncRunner;
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
      fullSyncPeriodMs: 3_600_000,
      ...o,
    };
    this.runner = new SyncRunner(() => this.syncNow(), () => this.o.minSyncPeriodMs, this.o.log, 'iptables sync');
  }

  /** Schedules a sync no sooner than minSyncPeriodMs after the previous one; repeated calls merge. */
  requestSync(): void {
    this.runner.request();
  }

  /**
   * Brings the installed rules in step with the source now (serialized with other syncs); rejects on
   * failure, after which the next sync is full. A partial sync writes only chains whose rules differ
   * from what this proxier applied, and deletes the SVC/SVL/EXT/FW/SEP chains it applied that are no
   * longer rendered; it first checks the nat PREROUTING and filter FORWARD jumps with `-C`, and a
   * missing one (tables flushed behind our back) or a failed partial restore turns it into a full sync.
   * A full sync reads iptables-save when the installed state is unknown, writes every chain, deletes
   * every stale owned chain and ensures all the jumps.
   */
  sync(): Promise<void> {
    return this.runner.run();
  }

  private async syncNow(): Promise<void> {
    try {
      const ts = performance.now();
      let full = !this.installed || Date.now() - this.lastFullAt >= this.o.fullSyncPeriodMs;
      if (!full && !(await this.jumpsIntact())) {
        this.installed = undefined;
        full = true;
      }
      const t0 = performance.now();
      const infos = this.serviceMap();
      const t1 = performance.now();
      let stats: ApplyResult | undefined;
      if (!full) {
        try {
          stats = await this.apply(infos, false);
        } catch (e) {
          this.o.log.warn({ err: (e as Error).message }, 'partial iptables sync failed; syncing fully');
          this.installed = undefined;
        }
      }
      let saveMs = t0 - ts;
      if (!stats) {
        const s0 = performance.now();
        if (!this.installed) this.installed = await this.readInstalled();
        saveMs += performance.now() - s0;
        stats = await this.apply(infos, true);
      }
      const renderMs = t1 - t0 + stats.renderMs;
      const applyMs = performance.now() - t1 - stats.renderMs - (saveMs - (t0 - ts));
      this.lastStats = { ...stats, servicePorts: infos.length, saveMs, renderMs, applyMs };
      if (stats.applied) this.o.log.info({ servicePorts: infos.length, partial: stats.partial, chainsWritten: stats.chainsWritten, renderMs: Math.round(renderMs), applyMs: Math.round(applyMs) }, 'iptables rules synced');
      this.o.onSync?.(this.lastStats);
    } catch (e) {
      this.installed = undefined;
      throw e;
    }
  }

  /**
   * Renders the ports whose info (as JSON) changed since they were applied, writes the
   * chains whose rules differ from what was applied (all when `full`), and deletes owned chains no
   * longer rendered; `installed` is replaced only once both restores succeeded.
   */
  private async apply(infos: ServicePortInfo[], full: boolean): Promise<ApplyResult> {
    const r0 = performance.now();
    const inst = this.installed!;
    const ro = { clusterCidr: this.o.clusterCidr, nodeIPs: this.o.nodeIPs };
    const ports = new Map<string, PortState>();
    const changed: Array<[PortState, PortState | undefined]> = [];
    for (const info of infos) {
      const id = `${info.key}/${info.protocol}`;
      const prev = inst.ports.get(id);
      let fp: string | undefined;
      if (prev && (prev.info === info || (prev.fp ??= JSON.stringify(prev.info)) === (fp = JSON.stringify(info)))) {
        ports.set(id, prev.info === info ? prev : { ...prev, info, fp });
        continue;
      }
      const rules = renderServicePort(info, ro);
      const st: PortState = { info, ...(fp !== undefined ? { fp } : {}), rules, texts: new Map([...rules.chains].map(([c, l]) => [c, l.join('\n')])) };
      ports.set(id, st);
      changed.push([st, prev]);
    }
    const parts = [...ports.values()].map((p) => p.rules);
    // A partial sync needs the fixed chains plus the changed ports' own chains only.
    const chains = full ? assembleChains(parts, ro) : fixedChains(parts, ro);
    if (!full) for (const [st] of changed) for (const [c, l] of st.rules.chains) chains.nat.set(c, l);
    const fixed = new Map<string, string>();
    for (const table of ['nat', 'filter'] as const) for (const [c, l] of chains[table]) if (!OWNED_DYNAMIC_CHAIN.test(c)) fixed.set(`${table}/${c}`, l.join('\n'));
    const renderMs = performance.now() - r0;

    const write = { nat: [] as string[], filter: [] as string[] };
    const remove: string[] = [];
    if (full) {
      write.nat = [...chains.nat.keys()];
      write.filter = [...chains.filter.keys()];
      const known = new Set(inst.orphans);
      for (const p of inst.ports.values()) for (const c of p.texts.keys()) known.add(c);
      for (const c of known) if (!chains.nat.has(c)) remove.push(c);
    } else {
      for (const [k, text] of fixed) if (inst.fixed.get(k) !== text) write[k.startsWith('nat/') ? 'nat' : 'filter'].push(k.slice(k.indexOf('/') + 1));
      for (const [st, prev] of changed) {
        for (const [c, text] of st.texts) if (prev?.texts.get(c) !== text) write.nat.push(c);
        if (prev) for (const c of prev.texts.keys()) if (!st.texts.has(c)) remove.push(c);
      }
      for (const [id, p] of inst.ports) if (!ports.has(id)) for (const c of p.texts.keys()) remove.push(c);
    }
    const natTexts: string[] = [];
    if ((await this.backend()) === 'legacy') {
      // iptables-legacy rewrites the whole table per transaction: one transaction is cheapest there.
      if (write.nat.length || remove.length) natTexts.push(restoreText('nat', chains.nat, write.nat, remove));
    } else {
      if (full) {
        // The leaf fixed chains, the ports' own chains in batches (nothing reaches a batch's new
        // chains before the last transaction rewrites K8TS-SERVICES; a rewritten chain is swapped
        // atomically), then the other fixed chains. iptables-nft 1.8.9's cost per transaction grows
        // with the square of the chains it names, so batches keep the first sync at 10,000 services
        // from taking minutes.
        const leaves: string[] = [CHAIN.markMasq, CHAIN.postrouting]; // fixed chains jumping to no K8TS- chain
        natTexts.push(restoreText('nat', chains.nat, leaves));
        const own = [...ports.values()];
        for (let i = 0; i < own.length; i += FULL_SYNC_BATCH) {
          const names = own.slice(i, i + FULL_SYNC_BATCH).flatMap((p) => [...p.texts.keys()]);
          if (names.length > 0) natTexts.push(restoreText('nat', chains.nat, names));
        }
        natTexts.push(restoreText('nat', chains.nat, write.nat.filter((c) => !OWNED_DYNAMIC_CHAIN.test(c) && !leaves.includes(c))));
      } else if (write.nat.length) natTexts.push(restoreText('nat', chains.nat, write.nat));
      // Stale chains go after the rules that jumped to them were rewritten: first flushed, then
      // deleted (so a stale chain never outlives one it jumps to), in batches as above.
      for (const op of ['flush', 'delete'] as const) for (let i = 0; i < remove.length; i += REMOVE_BATCH) natTexts.push(removeText(op, remove.slice(i, i + REMOVE_BATCH)));
    }
    const filterText = write.filter.length ? restoreText('filter', chains.filter, write.filter) : undefined;
    for (const t of natTexts) await this.restore(t);
    if (filterText) await this.restore(filterText);
    if (full) {
      await this.ensureJumps();
      this.lastFullAt = Date.now();
    }
    this.installed = { fixed, ports, orphans: new Set() };
    const dynamic = (l: string[]) => l.filter((c) => OWNED_DYNAMIC_CHAIN.test(c)).length;
    return {
      renderMs,
      natBytes: natTexts.reduce((n, t) => n + t.length, 0),
      applied: natTexts.length > 0 || filterText !== undefined || full,
      partial: !full,
      serviceChainsWritten: dynamic(write.nat),
      chainsWritten: write.nat.length + write.filter.length,
      chainsDeleted: remove.length,
    };
  }

  /**
   * buildServiceMap's output, reusing the infos of each service whose Service object and
   * EndpointSlice objects are the very ones of the previous sync (informer listers replace an object
   * on every change), so unchanged services cost neither a rebuild nor a comparison.
   */
  private serviceMap(): ServicePortInfo[] {
    const bySvc = new Map<string, EndpointSlice[]>();
    for (const sl of this.o.source.endpointSlices()) {
      const k = `${sl.metadata?.namespace ?? ''}/${sl.metadata?.labels?.[SERVICE_NAME_LABEL] ?? ''}`;
      const l = bySvc.get(k);
      if (l) l.push(sl);
      else bySvc.set(k, [sl]);
    }
    const next = new Map<string, MapEntry>();
    const out: ServicePortInfo[] = [];
    for (const svc of this.o.source.services()) {
      const k = `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
      const slices = bySvc.get(k) ?? [];
      const prev = this.mapCache.get(k);
      const e = prev && prev.svc === svc && prev.slices.length === slices.length && prev.slices.every((x, i) => x === slices[i]) ? prev : { svc, slices, infos: buildServiceMap([svc], slices, this.o.nodeName) };
      next.set(k, e);
      for (const i of e.infos) out.push(i);
    }
    this.mapCache = next;
    // buildServiceMap's order over all services.
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0));
  }

  /** 'legacy' when `iptables --version` says so (cached); anything else is treated as nf_tables. */
  private async backend(): Promise<'legacy' | 'nft'> {
    this.backendKind ??= this.exec(this.o.iptables, ['--version']).then((v) => (/legacy/.test(v) ? 'legacy' : 'nft'), () => 'nft' as const);
    return this.backendKind;
  }

  /** The owned chains iptables-save shows, as orphans (so a full sync rewrites or deletes each). */
  private async readInstalled(): Promise<Installed> {
    const save = await this.exec(this.o.iptablesSave, ['-t', 'nat']);
    return { fixed: new Map(), ports: new Map(), orphans: new Set(ownedChainsIn(save)) };
  }

  /** The jumps from nat PREROUTING and filter FORWARD exist (a flush of either table removes them). */
  private async jumpsIntact(): Promise<boolean> {
    const probes = jumpRules().filter(([t, c]) => (t === 'nat' && c === 'PREROUTING') || (t === 'filter' && c === 'FORWARD')).slice(0, 2);
    const ok = await Promise.all(probes.map(([table, chain, spec]) => this.exec(this.o.iptables, ['-w', '5', '-t', table, '-C', chain, ...spec]).then(() => true, () => false)));
    return ok.every(Boolean);
  }

  /** Stops scheduled syncs, waits for a running one, removes the jumps and every K8TS- proxy chain. */
  async cleanup(): Promise<void> {
    await this.runner.stop();
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
    this.installed = undefined;
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

  private exec(bin: string, args: string[]): Promise<string> {
    return runArgv([...this.o.command, bin, ...args]);
  }

  private restore(input: string): Promise<void> {
    return iptablesRestore(input, [...this.o.command, this.o.iptablesRestore]);
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
