/**
 * `k8ts agent` without `--simulate`: flags → RealAgentConfig, and the wiring of the kubelet's
 * parts (volumes, environment, probes, server, static pod sources).
 */
import { hostname } from 'node:os';
import { createServer } from 'node:http';
import type { RestClient } from '../client/rest.js';
import type { Logger } from '../util/logger.js';
import { runRealAgent } from '../kubelet/agent.js';
import { makePodEnvironment, readHostResolvConf } from '../kubelet/podenv.js';
import { VolumeManager } from '../kubelet/volumes/index.js';
import { ProbeManager } from '../kubelet/prober/manager.js';
import { criProbeExec } from '../kubelet/prober/criexec.js';
import { ManifestEndpoint, MirrorPods, startFileSource, startHttpSource } from '../kubelet/config/index.js';
import { startKubeletServer } from '../kubelet/server/server.js';
import { collectResourceMetrics } from '../kubelet/stats/resource.js';
import type { Kubelet } from '../kubelet/kubelet.js';
import { SharedInformerFactory } from '../client/informer.js';
import { startNodeProxy, type ProxyMode } from '../proxy/node.js';
import { ensureServiceDevice, serviceDeviceNameFor } from '../proxy/servicedevice.js';
import { ensureNoTrack, type LocalListener } from '../proxy/notrack.js';
import { startApiServerRelay } from '../proxy/apiserverrelay.js';
import { IPv4Range } from '../apiserver/registry/core/serviceips/ranges.js';
import { startDnsFromInformers } from '../dns/informers.js';
import { DnsMetrics } from '../dns/metrics.js';
import { FlagError, type FlagValues } from './flags.js';
import { parseDurationMs, type agentFlags } from './agent.js';

function parseLabels(s: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of (s ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new FlagError(`invalid label "${kv}" in --node-labels (want key=value)`);
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

export async function runRealNode(flags: FlagValues<typeof agentFlags>, client: RestClient, caPem: string | undefined, log: Logger, signal: AbortSignal): Promise<void> {
  if (process.getuid?.() !== 0) throw new FlagError('a real node needs root (containerd, network namespaces, mounts); use --simulate N for hollow nodes');
  const nodeName = (flags['node-name'] ?? hostname()).toLowerCase();
  const dir = `${flags['data-dir']}/agent`;
  const { nodeLabels } = await import('../kubelet/node/nodestatus.js');
  const clusterDomain = flags['cluster-domain']!;
  const clusterDNS = (flags['cluster-dns'] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  await startServiceNetworking(flags, client, nodeName, clusterDNS, clusterDomain, log, signal);
  await runRealAgent(
    {
      dir,
      nodeName,
      ...(flags['node-ip'] ? { nodeIP: flags['node-ip'] } : {}),
      ...(flags['pod-cidr'] ? { podCidr: flags['pod-cidr'] } : {}),
      clusterCidr: flags['cluster-cidr']!,
      ...(flags['container-runtime-endpoint'] ? { containerRuntimeEndpoint: flags['container-runtime-endpoint'] } : {}),
      offlineImages: flags['offline-images'],
      mirrors: [],
      pauseImage: flags['pause-image']!,
      kubelet: {
        kubeletPort: flags['kubelet-port'] > 0 ? flags['kubelet-port'] : 10250,
        maxPods: flags['max-pods'],
        labels: nodeLabels(nodeName, parseLabels(flags['node-labels'])),
        leaseRenewMs: parseDurationMs(flags['lease-renew-interval']!, 'lease-renew-interval'),
        nodeStatusMs: parseDurationMs(flags['node-status-update-frequency']!, 'node-status-update-frequency'),
        workers: Math.max(1, flags['pod-workers']),
        relistMs: 1000,
        resyncMs: parseDurationMs(flags['sync-frequency']!, 'sync-frequency'),
      },
    },
    client,
    {
      makeEnvironment: (k: Kubelet) => {
        const volumes = new VolumeManager({ podsDir: k.podsDir, client, nodeName, log: log.child({ part: 'volumes' }) });
        k.onPodRemoved = (uid) => volumes.tearDownPod(uid);
        k.podDirsOnDisk = () => volumes.podUidsOnDisk();
        return makePodEnvironment({
          client, nodeName, nodeIP: k.cfg.nodeIP, podsDir: k.podsDir, clusterDNS, clusterDomain,
          hostResolvConf: readHostResolvConf(), services: () => k.serviceInformer, volumes, events: k.event,
        });
      },
      onKubelet: async (k: Kubelet, sig: AbortSignal) => {
        const mirrors = new MirrorPods({ client, nodeName, nodeUid: () => k.nodeUid(), log: log.child({ part: 'mirror-pods' }) });
        k.syncMirrors = () => mirrors.sync(k.staticPods(), k.podInformer?.lister.list() ?? [], { terminating: k.terminatingStatic() });
        const plog = log.child({ part: 'pod-sources' });
        if (flags['pod-manifest-path']) {
          startFileSource({ dir: flags['pod-manifest-path'], periodMs: parseDurationMs(flags['file-check-frequency']!, 'file-check-frequency'), nodeName, onUpdate: (u) => k.setSourcePods('file', u.pods), log: plog, signal: sig });
        }
        if (flags['manifest-url']) {
          startHttpSource({ url: flags['manifest-url'], periodMs: parseDurationMs(flags['http-check-frequency']!, 'http-check-frequency'), nodeName, onUpdate: (u) => k.setSourcePods('http-url', u.pods), log: plog, signal: sig });
        }
        const manifests = new ManifestEndpoint({ nodeName, onUpdate: (u) => k.setSourcePods('http-endpoint', u.pods), log: plog });
        const cri = k.deps.cri;
        // The server starts while the kubelet registers (its port is fixed in the Node already).
        void startKubeletServer({
          host: {
            nodeName,
            pods: () => k.podList(),
            lookupContainer: (ns, pod, c) => k.lookupContainer(ns, pod, c),
            sandboxId: (ns, pod) => k.sandboxId(ns, pod),
            cri,
            resourceMetrics: () => collectResourceMetrics(cri, k.podList()),
            extraHandlers: [(req, res) => manifests.handle(req, res)],
          },
          bindAddress: k.cfg.nodeIP,
          port: k.cfg.kubeletPort,
          ...(caPem ? { caPem } : {}),
          log: log.child({ part: 'kubelet-server' }),
          signal: sig,
        }).then(
          (srv) => log.info({ address: `${k.cfg.nodeIP}:${srv.port}` }, 'kubelet server listening'),
          (e: Error) => log.error({ err: e.message }, 'kubelet server failed to start: logs, exec, port-forward and metrics are unavailable'),
        );
      },
      makeProber: (k: Kubelet) => new ProbeManager({
        exec: criProbeExec(k.deps.cri),
        onResultChange: (uid) => k.queue.add(uid),
        onFailure: (pod, name, id, probe, output) => void k.killForProbe(pod, name, id, probe, output),
        recordEvent: k.event,
        log: log.child({ part: 'prober' }),
      }),
    },
    log,
    signal,
  );
}

/** The kube-dns Service's `metrics` port: the node-local DNS's Prometheus metrics (CoreDNS's names). */
const DNS_METRICS_PORT = 9153;

async function serveDnsMetrics(host: string, metrics: DnsMetrics, signal: AbortSignal): Promise<void> {
  const srv = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] !== '/metrics') return void res.writeHead(404).end('404 page not found\n');
    metrics.registry.metrics().then((body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body), (e: Error) => res.writeHead(500).end(e.message));
  });
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen({ host, port: DNS_METRICS_PORT, exclusive: true }, () => resolve());
  });
  signal.addEventListener('abort', () => srv.close(), { once: true });
}

const list = (s: string | undefined): string[] => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);

/**
 * The node's service plumbing before the kubelet starts: the service device (service CIDR route;
 * the kube-dns and `kubernetes` Service addresses bound on it), the node-local cluster DNS server
 * and the API server relay on those addresses (their Endpoints point at the Service addresses
 * themselves; NOTRACK rules take that traffic past the proxy's nat rules straight to them), and
 * the proxy. DNS, relay and proxy keep starting in the background; a failure of any is logged and
 * leaves the kubelet running.
 */
async function startServiceNetworking(flags: FlagValues<typeof agentFlags>, client: RestClient, nodeName: string, clusterDNS: string[], clusterDomain: string, log: Logger, signal: AbortSignal): Promise<void> {
  const mode = flags['proxy-mode'] as ProxyMode;
  if (mode !== 'iptables' && mode !== 'userspace') throw new FlagError(`invalid --proxy-mode "${flags['proxy-mode']}" (want iptables or userspace)`);
  const dnsAddress = flags['disable-dns'] ? undefined : clusterDNS.find((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a));
  const serviceCidr = flags['service-cidr']!;
  // The `kubernetes` Service's address: the first of the service CIDR (as the server allocates it).
  let apiAddress: string;
  try {
    apiAddress = new IPv4Range(serviceCidr).ipAt(0);
  } catch (e) {
    throw new FlagError((e as Error).message);
  }
  const listeners: LocalListener[] = [...(dnsAddress ? [{ ip: dnsAddress, port: 53 }, { ip: dnsAddress, port: DNS_METRICS_PORT }] : []), { ip: apiAddress, port: 443 }];
  const localAddresses = [...new Set(listeners.map((l) => l.ip))];
  const minSyncPeriodMs = parseDurationMs(flags['iptables-min-sync-period']!, 'iptables-min-sync-period');
  const syncPeriodMs = parseDurationMs(flags['iptables-sync-period']!, 'iptables-sync-period');
  if (syncPeriodMs <= 0) throw new FlagError('--iptables-sync-period must be positive');
  await ensureServiceDevice(serviceDeviceNameFor(nodeName), serviceCidr, localAddresses);
  await ensureNoTrack(listeners);
  const target = new URL(flags.server!);
  const targetPort = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
  startApiServerRelay({ listenHost: apiAddress, listenPort: 443, targetHost: target.hostname.replace(/^\[|\]$/g, ''), targetPort, log, signal }).then(
    () => log.info({ address: `${apiAddress}:443`, target: `${target.hostname}:${targetPort}` }, 'relaying the kubernetes Service address to the API server'),
    (e: Error) => log.error({ err: e.message, address: `${apiAddress}:443` }, 'API server relay failed to start (another node on this machine may be serving it)'),
  );
  const informers = new SharedInformerFactory(client, { log: log.child({ part: 'informers' }) });
  if (dnsAddress) {
    const upstream = list(flags['dns-upstream']);
    const metrics = new DnsMetrics(`dns://${dnsAddress}:53`);
    startDnsFromInformers(client, { clusterDomain, host: dnsAddress, port: 53, informers, signal, log, onAnswer: (p, q, r, sec) => metrics.observe(p, q, r, sec), ...(upstream.length ? { upstream } : {}) }).then(
      () => {
        log.info({ address: `${dnsAddress}:53` }, 'cluster DNS listening (UDP and TCP)');
        serveDnsMetrics(dnsAddress, metrics, signal).catch((e: Error) => log.warn({ err: e.message }, 'DNS metrics listener failed'));
      },
      (e: Error) => log.error({ err: e.message, address: `${dnsAddress}:53` }, 'cluster DNS failed to start (another node on this machine may be serving it)'),
    );
  }
  if (!flags['disable-kube-proxy']) {
    startNodeProxy({
      informers,
      nodeName,
      mode,
      clusterCidr: flags['cluster-cidr']!,
      serviceCidr,
      nodePortAddresses: list(flags['nodeport-addresses']),
      localAddresses,
      minSyncPeriodMs,
      syncPeriodMs,
      metricsBindAddress: flags['proxy-metrics-bind-address'] ?? '',
      log,
      signal,
    });
  }
  informers.start(signal);
}
