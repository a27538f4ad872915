/**
 * The userspace proxier (kube-proxy's original mode, upstream pkg/proxy/userspace, removed in 1.26):
 * one listening socket per service port, and nat rules redirecting the service's addresses to it.
 *
 * Contracts:
 * - The process must run in the network namespace whose iptables it programs: the rules REDIRECT
 *   (or DNAT) to sockets this process opens, and a Node process can only open sockets in its own
 *   namespace. `command` therefore only prefixes the iptables binaries (it is [] when the whole
 *   process was started under `ip netns exec <ns>`); it cannot move the sockets.
 * - `sync()` (serialized) reads the service map, opens a socket on bindAddress:<kernel-chosen port>
 *   for each new TCP/UDP service port (SCTP is not proxied, as upstream), hands the ready (else
 *   serving-terminating) cluster endpoints to the round-robin picker, applies the nat rules in one
 *   `iptables-restore --noflush` transaction (skipped when the text equals what was applied and our
 *   chains are still installed), ensures the jumps from PREROUTING/OUTPUT (checked with -C after an
 *   apply or when iptables-save does not show them; so an unchanged sync runs one iptables-save), and only
 *   then closes the sockets of service ports that went away, together with their open connections.
 *   Sockets of service ports that stay are kept; endpoint changes affect new connections only.
 * - `requestSync()` batches: at most one sync per `minSyncPeriodMs`; a failed sync is retried.
 * - `cleanup()` stops syncing, closes every socket and removes the jumps and the K8TS- chains.
 * - Only chains named K8TS-… are declared, flushed or deleted; built-in chains only gain/lose jumps.
 */
import type { Logger } from '../../util/logger.js';
import { SyncRunner } from '../syncrunner.js';
import type { ProxySource } from '../iptables/proxier.js';
import type { TrafficSample } from '../metrics.js';
import { buildServiceMap, categorizeEndpoints, type ServicePortInfo } from '../servicemap.js';
import { RoundRobin } from './loadbalancer.js';
import type { PortCounters, PortProxy } from './portproxy.js';
import { CHAIN, jumpRules, renderDeleteChains, renderNat, type Portal } from './rules.js';
import { TcpPortProxy } from './tcp.js';
import { DEFAULT_UDP_IDLE_TIMEOUT_MS, UdpPortProxy } from './udp.js';
import { iptablesRestore, runArgv } from '../../util/hostnet.js';

export interface IptablesCommands {
  /** Command prefix for every iptables invocation, e.g. ['ip', 'netns', 'exec', ns]. */
  command?: string[];
  iptables?: string;
  iptablesRestore?: string;
  iptablesSave?: string;
}

export interface UserspaceProxierOptions extends IptablesCommands {
  source: ProxySource;
  nodeName: string;
  /** Address the portal sockets bind (default 0.0.0.0, which makes the rules REDIRECT). */
  bindAddress?: string;
  /** Node-port addresses; empty = every local address. */
  nodeIPs?: string[];
  /** Minimum time between two syncs started by requestSync (default 1 s). */
  minSyncPeriodMs?: number;
  /** Idle time after which a UDP session closes (upstream --udp-timeout, default 250 ms). */
  udpIdleTimeoutMs?: number;
  /** Per-attempt dial timeouts for TCP backends (default upstream's 250ms, 500ms, 1s, 2s). */
  dialTimeoutsMs?: number[];
  /** Called after every successful sync. */
  onSync?: (s: UserspaceSyncStats) => void;
  log: Logger;
}

export interface UserspaceSyncStats {
  servicePorts: number;
  /** Sockets opened / closed by this sync. */
  opened: number;
  closed: number;
  /** Whole sync, in seconds. */
  seconds: number;
  saveMs: number;
  applyMs: number;
  applied: boolean;
}

export interface ServicePortStats extends PortCounters {
  /** Upstream ServicePortName: `ns/name` or `ns/name:port`. */
  servicePort: string;
  protocol: 'TCP' | 'UDP';
  proxyPort: number;
}

interface Entry {
  info: ServicePortInfo;
  proxy: PortProxy;
}

/** `ns/name:port` plus protocol: one portal each. */
const portalKey = (i: ServicePortInfo) => `${i.key}/${i.protocol}`;

export class UserspaceProxier {
  private readonly o: Required<Omit<UserspaceProxierOptions, 'onSync'>> & Pick<UserspaceProxierOptions, 'onSync'>;
  private readonly lb = new RoundRobin();
  private readonly portals = new Map<string, Entry>();
  private lastApplied = '';
  private readonly runner: SyncRunner;
  /** Stats of the most recent successful sync. */
  lastStats: UserspaceSyncStats | undefined;
  /** Successful syncs so far and their total duration. */
  syncCount = 0;
  syncSecondsTotal = 0;

  constructor(o: UserspaceProxierOptions) {
    this.o = {
      bindAddress: '0.0.0.0',
      nodeIPs: [],
      iptables: 'iptables',
      iptablesRestore: 'iptables-restore',
      iptablesSave: 'iptables-save',
      command: [],
      minSyncPeriodMs: 1000,
      udpIdleTimeoutMs: DEFAULT_UDP_IDLE_TIMEOUT_MS,
      dialTimeoutsMs: [250, 500, 1000, 2000],
      ...o,
    };
    this.runner = new SyncRunner(() => this.syncNow(), () => this.o.minSyncPeriodMs, this.o.log, 'userspace proxy sync');
  }

  /** Schedules a sync no sooner than minSyncPeriodMs after the previous one; repeated calls merge. */
  requestSync(): void {
    this.runner.request();
  }

  /** Opens/closes sockets and applies the rules now (serialized with other syncs). Rejects on failure. */
  sync(): Promise<void> {
    return this.runner.run();
  }

  /** Per service port counters, keyed by `ns/name:port/PROTOCOL`. */
  stats(): Map<string, ServicePortStats> {
    const out = new Map<string, ServicePortStats>();
    for (const [k, e] of this.portals) {
      out.set(k, { servicePort: e.info.key, protocol: e.proxy.protocol, proxyPort: e.proxy.port, ...e.proxy.counters });
    }
    return out;
  }

  /** Per-endpoint traffic of the current service ports (for /metrics). */
  traffic(): TrafficSample[] {
    const out: TrafficSample[] = [];
    for (const e of this.portals.values()) {
      for (const [endpoint, c] of e.proxy.endpoints) {
        out.push({ servicePort: e.info.key, protocol: e.proxy.protocol, endpoint, connections: c.connections, bytesIn: c.bytesIn, bytesOut: c.bytesOut });
      }
    }
    return out;
  }

  /** The portal socket port of a service port (`ns/name:port/PROTOCOL`), if open. */
  proxyPort(key: string): number | undefined {
    return this.portals.get(key)?.proxy.port;
  }

  private async syncNow(): Promise<void> {
    const t0 = performance.now();
    const infos = buildServiceMap(this.o.source.services(), this.o.source.endpointSlices(), this.o.nodeName).filter(
      (i) => i.protocol === 'TCP' || i.protocol === 'UDP',
    );
    const wanted = new Map(infos.map((i) => [portalKey(i), i]));
    let opened = 0;
    for (const [k, info] of wanted) {
      const eps = categorizeEndpoints(info).cluster.map((e) => `${e.ip}:${e.port}`);
      this.lb.update(k, eps, info.affinityTimeoutSeconds);
      const have = this.portals.get(k);
      if (have) {
        have.info = info;
        continue;
      }
      const pick = (clientIP: string, retry: boolean) => this.lb.next(k, clientIP, retry);
      const proxy =
        info.protocol === 'UDP'
          ? await UdpPortProxy.open(this.o.bindAddress, pick, this.o.udpIdleTimeoutMs, this.o.log)
          : await TcpPortProxy.open(this.o.bindAddress, pick, this.o.log, this.o.dialTimeoutsMs);
      this.portals.set(k, { info, proxy });
      opened++;
      this.o.log.debug({ servicePort: info.key, protocol: info.protocol, proxyPort: proxy.port }, 'opened portal socket');
    }
    this.lb.expireAffinities();

    const gone = [...this.portals.keys()].filter((k) => !wanted.has(k));
    const portals: Portal[] = infos.map((info) => ({ info, proxyPort: this.portals.get(portalKey(info))!.proxy.port }));
    const nat = renderNat(portals, { nodeIPs: this.o.nodeIPs, bindAddress: this.o.bindAddress });
    const ts = performance.now();
    const save = await exec(this.o, this.o.iptablesSave, ['-t', 'nat']);
    const t1 = performance.now();
    const intact = save.includes(`:${CHAIN.portalsContainer} `) && save.includes(`:${CHAIN.nodePortHost} `);
    let applied = false;
    if (nat !== this.lastApplied || !intact) {
      await restore(this.o, nat);
      this.lastApplied = nat;
      applied = true;
    }
    if (applied || !jumpsPresent(save)) await this.ensureJumps();
    const t2 = performance.now();

    for (const k of gone) {
      const e = this.portals.get(k)!;
      this.portals.delete(k);
      this.lb.remove(k);
      await e.proxy.close();
      this.o.log.debug({ servicePort: e.info.key, protocol: e.info.protocol }, 'closed portal socket');
    }
    const seconds = (performance.now() - t0) / 1000;
    this.lastStats = { servicePorts: infos.length, opened, closed: gone.length, seconds, saveMs: t1 - ts, applyMs: t2 - t1, applied };
    this.syncCount++;
    this.syncSecondsTotal += seconds;
    this.o.onSync?.(this.lastStats);
    if (applied || opened || gone.length) this.o.log.info({ servicePorts: infos.length, opened, closed: gone.length, applied }, 'userspace proxy synced');
  }

  private async ensureJumps(): Promise<void> {
    for (const j of jumpRules()) {
      try {
        await exec(this.o, this.o.iptables, ['-w', '5', '-t', 'nat', '-C', j.chain, ...j.spec]);
      } catch {
        const where = j.position === 'insert' ? ['-I', j.chain, '1'] : ['-A', j.chain];
        await exec(this.o, this.o.iptables, ['-w', '5', '-t', 'nat', ...where, ...j.spec]);
      }
    }
  }

  /** Stops scheduled syncs, waits for a running one, closes every socket, removes jumps and chains. */
  async cleanup(): Promise<void> {
    await this.runner.stop();
    for (const [k, e] of this.portals) {
      this.lb.remove(k);
      await e.proxy.close();
    }
    this.portals.clear();
    await cleanupUserspaceRules(this.o);
    this.lastApplied = '';
  }
}

/** Whether iptables-save output shows every jump from a built-in chain to ours (then no -C checks are needed). */
function jumpsPresent(save: string): boolean {
  const lines = save.split('\n');
  return jumpRules().every((j) => lines.some((l) => l.startsWith(`-A ${j.chain} `) && l.endsWith(` -j ${j.spec.at(-1)!}`)));
}

/** Removes the userspace proxier's jumps and K8TS- chains (for `k8ts agent --cleanup`); no sockets involved. */
export async function cleanupUserspaceRules(o: IptablesCommands = {}): Promise<void> {
  const c = { command: [], iptables: 'iptables', iptablesRestore: 'iptables-restore', iptablesSave: 'iptables-save', ...o };
  for (const j of jumpRules()) {
    for (let i = 0; i < 10; i++) {
      try {
        await exec(c, c.iptables, ['-w', '5', '-t', 'nat', '-D', j.chain, ...j.spec]);
      } catch {
        break;
      }
    }
  }
  const del = renderDeleteChains(await exec(c, c.iptablesSave, ['-t', 'nat']));
  if (del) await restore(c, del);
}

function exec(o: Required<IptablesCommands>, bin: string, args: string[]): Promise<string> {
  return runArgv([...o.command, bin, ...args]);
}

function restore(o: Required<IptablesCommands>, input: string): Promise<void> {
  return iptablesRestore(input, [...o.command, o.iptablesRestore]);
}
