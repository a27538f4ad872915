/**
 * The proxy of one node (run by `k8ts agent`): the service device, a Service + EndpointSlice
 * informer pair, the proxier of the chosen mode, a periodic full resync, and the metrics/health
 * endpoint.
 *
 * Contracts:
 * - Start order: service device (service CIDR route, node-local addresses) → informers synced →
 *   first sync → event-driven syncs. `ready` resolves after the first successful sync.
 * - Every Service or EndpointSlice event requests a sync (batched by the proxier's minimum sync
 *   period); a sync also runs every `syncPeriodMs` (upstream --iptables-sync-period, 30 s), which
 *   notices rules someone removed and repairs them (the iptables proxier's syncs are partial, with
 *   a full one hourly or after any failure).
 * - Stopping (signal) stops syncing and the metrics server but leaves the rules in place, as
 *   upstream kube-proxy does, so service traffic keeps flowing across a restart. `cleanupNodeProxy`
 *   (for `k8ts agent --cleanup`) removes the chains of every mode and the service device.
 * - LoadBalancer ingress addresses that are no address of another interface (ServiceLB pool
 *   addresses) are bound on the service device next to `localAddresses`, so traffic for them stays
 *   on the node whether or not a rule rewrote it yet (as IPVS mode binds service addresses).
 * - /healthz answers 200 with upstream's body ({"lastUpdated","currentTime"}) once a sync
 *   succeeded within twice the sync period, else 503.
 */
import { createServer, type Server } from 'node:http';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject } from '../api/types.js';
import type { ResourceRef } from '../client/rest.js';
import type { SharedInformerFactory } from '../client/informer.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { IptablesProxier, informerSource } from './iptables/proxier.js';
import { ProxyMetrics, trafficFromIptablesSave, type TrafficSample } from './metrics.js';
import { ensureServiceDevice, removeServiceDevice, serviceDeviceNameFor } from './servicedevice.js';
import { removeNoTrack } from './notrack.js';

const run = promisify(execFile);

export const SERVICES: ResourceRef = { group: '', version: 'v1', resource: 'services', namespaced: true, kind: 'Service' };
export const ENDPOINT_SLICES: ResourceRef = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true, kind: 'EndpointSlice' };

export type ProxyMode = 'iptables' | 'userspace';

/** What node.ts needs of a proxier of any mode. */
export interface Proxier {
  sync(): Promise<void>;
  requestSync(): void;
  cleanup(): Promise<void>;
}

export interface NodeProxyOptions {
  informers: SharedInformerFactory;
  nodeName: string;
  mode: ProxyMode;
  clusterCidr: string;
  serviceCidr: string;
  /** Node-port addresses (CIDRs or IPs); empty: every local address. */
  nodePortAddresses: string[];
  /** Addresses bound on the service device (the node-local cluster DNS address). */
  localAddresses: string[];
  minSyncPeriodMs: number;
  syncPeriodMs: number;
  /** host:port of /metrics and /healthz; '' for none. */
  metricsBindAddress: string;
  log?: Logger;
  signal: AbortSignal;
}

export interface NodeProxy {
  ready: Promise<void>;
  metrics: ProxyMetrics;
  /** The metrics server's address once listening. */
  metricsAddress(): string | undefined;
}

export function startNodeProxy(o: NodeProxyOptions): NodeProxy {
  const log = (o.log ?? silentLogger).child({ component: 'proxy', mode: o.mode });
  const services = o.informers.informerFor<KubeObject & Service>(SERVICES);
  const slices = o.informers.informerFor<KubeObject & EndpointSlice>(ENDPOINT_SLICES);
  const source = informerSource(services, slices);
  let traffic: () => Promise<TrafficSample[]> = async () => [];
  const metrics = new ProxyMetrics(() => traffic());
  let server: Server | undefined;
  let address: string | undefined;

  const ready = (async () => {
    await ensureServiceDevice(serviceDeviceNameFor(o.nodeName), o.serviceCidr, o.localAddresses);
    const p = await makeProxier(o, source, log, metrics, (t) => (traffic = t));
    await cleanupOtherModes(o.mode, log);
    if (o.metricsBindAddress) {
      server = await serveMetrics(o.metricsBindAddress, metrics, o.syncPeriodMs);
      const a = server.address();
      address = a && typeof a === 'object' ? `${a.address}:${a.port}` : undefined;
      log.info({ address }, 'proxy metrics listening');
    }
    o.informers.start(o.signal);
    await Promise.all([services.waitForSync(o.signal), slices.waitForSync(o.signal)]);
    const addresses = new DeviceAddresses(o, services, log);
    source.onChange(() => {
      p.requestSync();
      addresses.request();
    });
    addresses.request();
    services.addEventHandler({ onAdd: () => metrics.serviceChanges.inc(), onUpdate: () => metrics.serviceChanges.inc(), onDelete: () => metrics.serviceChanges.inc() });
    slices.addEventHandler({ onAdd: () => metrics.endpointChanges.inc(), onUpdate: () => metrics.endpointChanges.inc(), onDelete: () => metrics.endpointChanges.inc() });
    const periodic = setInterval(() => void p.sync().catch((e: Error) => log.warn({ err: e.message }, 'periodic proxy sync failed')), o.syncPeriodMs);
    o.signal.addEventListener('abort', () => {
      clearInterval(periodic);
      server?.close();
    }, { once: true });
    try {
      await p.sync();
      log.info({ serviceDevice: serviceDeviceNameFor(o.nodeName) }, 'proxy rules synced; following services and endpoint slices');
    } catch (e) {
      // requestSync retries (rate-limited) until a sync succeeds.
      log.error({ err: (e as Error).message }, 'first proxy sync failed; retrying');
      p.requestSync();
    }
  })();
  ready.catch((e: Error) => log.error({ err: e.message }, 'proxy failed to start'));
  return { ready, metrics, metricsAddress: () => address };
}

/** Keeps the service device's addresses = localAddresses + foreign LoadBalancer ingress IPs (serialized, batched). */
class DeviceAddresses {
  private running = false;
  private again = false;
  constructor(
    private readonly o: NodeProxyOptions,
    private readonly services: { lister: { list(): Service[] } },
    private readonly log: Logger,
  ) {}

  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void (async () => {
      try {
        do {
          this.again = false;
          await new Promise((r) => setTimeout(r, 100));
          await this.apply();
        } while (this.again && !this.o.signal.aborted);
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, 'could not update the service device addresses');
      } finally {
        this.running = false;
      }
    })();
  }

  /** The LoadBalancer addresses last applied (sorted, joined); the device is left alone while they stay the same. */
  private applied: string | undefined;

  private async apply(): Promise<void> {
    const device = serviceDeviceNameFor(this.o.nodeName);
    const lb = new Set<string>();
    for (const svc of this.services.lister.list()) {
      if (svc.spec?.type !== 'LoadBalancer') continue;
      for (const i of svc.status?.loadBalancer?.ingress ?? []) if (i.ip && /^\d+\.\d+\.\d+\.\d+$/.test(i.ip)) lb.add(i.ip);
    }
    const key = [...lb].sort().join(',');
    if (key === this.applied) return;
    if (lb.size > 0) {
      const { stdout } = await run('ip', ['-o', '-4', 'addr', 'show']);
      for (const m of stdout.matchAll(/^\d+: (\S+)\s+inet (\d+\.\d+\.\d+\.\d+)\//gm)) if (m[1] !== device) lb.delete(m[2]!);
    }
    await ensureServiceDevice(device, this.o.serviceCidr, [...new Set([...this.o.localAddresses, ...lb])]);
    this.applied = key;
  }
}

async function makeProxier(o: NodeProxyOptions, source: ReturnType<typeof informerSource>, log: Logger, metrics: ProxyMetrics, setTraffic: (t: () => Promise<TrafficSample[]>) => void): Promise<Proxier> {
  if (o.mode === 'iptables') {
    setTraffic(async () => trafficFromIptablesSave((await run('iptables-save', ['-c', '-t', 'nat'], { maxBuffer: 1 << 30 })).stdout));
    return new IptablesProxier({
      source,
      nodeName: o.nodeName,
      clusterCidr: o.clusterCidr,
      nodeIPs: o.nodePortAddresses,
      minSyncPeriodMs: o.minSyncPeriodMs,
      log,
      onSync: (s) => metrics.observeSync({ seconds: (s.saveMs + s.renderMs + s.applyMs) / 1000, ...(s.partial !== undefined ? { partial: s.partial } : {}) }),
    });
  }
  const { UserspaceProxier } = await import('./userspace/proxier.js');
  const p = new UserspaceProxier({ source, nodeName: o.nodeName, nodeIPs: o.nodePortAddresses, minSyncPeriodMs: o.minSyncPeriodMs, log, onSync: (s: { seconds: number }) => metrics.observeSync({ seconds: s.seconds }) });
  setTraffic(async () => p.traffic());
  return p;
}

/** Upstream kube-proxy removes the rules of the modes it is not running in at start-up. */
async function cleanupOtherModes(mode: ProxyMode, log: Logger): Promise<void> {
  const empty = { services: () => [], endpointSlices: () => [] };
  if (mode !== 'iptables') await new IptablesProxier({ source: empty, nodeName: '', clusterCidr: '', log }).cleanup();
  if (mode !== 'userspace') {
    const { cleanupUserspaceRules } = await import('./userspace/proxier.js');
    await cleanupUserspaceRules();
  }
}

function serveMetrics(bind: string, metrics: ProxyMetrics, syncPeriodMs: number): Promise<Server> {
  const i = bind.lastIndexOf(':');
  const host = bind.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(bind.slice(i + 1));
  const srv = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
        (e: Error) => res.writeHead(500).end(e.message),
      );
    } else if (path === '/healthz' || path === '/livez') {
      const now = Date.now();
      const healthy = metrics.lastSyncAt > 0 && now - metrics.lastSyncAt < 2 * syncPeriodMs;
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' }).end(
        JSON.stringify({ lastUpdated: new Date(metrics.lastSyncAt).toISOString(), currentTime: new Date(now).toISOString() }),
      );
    } else {
      res.writeHead(404).end('404 page not found\n');
    }
  });
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(port, host, () => resolve(srv));
  });
}

/** Removes every proxy chain (all modes), the NOTRACK chain and the service device of `nodeName`. */
export async function cleanupNodeProxy(nodeName: string, log?: Logger): Promise<void> {
  const empty = { services: () => [], endpointSlices: () => [] };
  await new IptablesProxier({ source: empty, nodeName, clusterCidr: '', log: log ?? silentLogger }).cleanup();
  const { cleanupUserspaceRules } = await import('./userspace/proxier.js');
  await cleanupUserspaceRules();
  await removeNoTrack();
  await removeServiceDevice(serviceDeviceNameFor(nodeName));
}
