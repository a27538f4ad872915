/**
 * `k8ts agent`: joins nodes to a cluster — one real node (containerd, CNI, kubelet; realnode.ts) or,
 * with `--simulate N`, hollow nodes whose pods run without containers. SIGTERM/SIGINT stop
 * heartbeats and workers and exit 0 without deleting the Nodes; a killed process simply stops
 * renewing its Leases. `--cleanup` removes what a real node made.
 */
import { readFileSync } from 'node:fs';
import { setMaxListeners } from 'node:events';
import { createLogger, type LogLevel } from '../util/logger.js';
import { RestClient } from '../client/rest.js';
import { SimulatedAgent } from '../kubelet/simulated/agent.js';
import { defaultUsageConfig } from '../kubelet/simulated/usage.js';
import { FlagError, type FlagSpec, type FlagValues } from './flags.js';
import { parseGoDuration } from '../machinery/duration.js';

export const agentFlags = {
  server: { type: 'string', help: 'API server URL, e.g. https://127.0.0.1:6443' },
  token: { type: 'string', help: "the server's join token (<data-dir>/server/node-token)" },
  'token-file': { type: 'string', help: 'read the join token from this file' },
  'ca-file': { type: 'string', help: "PEM file of the server's CA (<data-dir>/server/tls/ca.crt)" },
  'insecure-skip-tls-verify': { type: 'boolean', help: "do not verify the server's certificate (only without --ca-file)" },
  simulate: { type: 'number', default: 0, help: 'register this many simulated nodes whose pods run without containers' },
  'node-name-prefix': { type: 'string', default: 'sim-node-', help: 'simulated node names are <prefix><index>' },
  'node-cpu': { type: 'string', default: '4', help: 'cpu capacity of each simulated node' },
  'node-memory': { type: 'string', default: '16Gi', help: 'memory capacity of each simulated node' },
  'node-pods': { type: 'string', default: '110', help: 'pod capacity of each simulated node' },
  'cluster-cidr': { type: 'string', default: '10.42.0.0/16', help: 'pod network; simulated node i gets its i-th /24' },
  'lease-renew-interval': { type: 'string', default: '10s', help: 'how often each node Lease is renewed' },
  'node-status-update-frequency': { type: 'string', default: '60s', help: 'how often each node posts its status heartbeat' },
  'pod-start-delay': { type: 'string', default: '100ms', help: 'simulated time from binding to Running' },
  'pod-termination-delay': { type: 'string', default: '1s', help: 'simulated termination time (capped by the grace period)' },
  'pod-workers': { type: 'number', default: 32, help: 'pods synced at once' },
  'kube-api-qps': { type: 'number', default: 0, help: 'client-side request rate limit (0: unlimited)' },
  'kube-api-burst': { type: 'number', default: 200, help: 'requests allowed at once above --kube-api-qps' },
  'kubelet-port': { type: 'number', default: 0, help: 'port of the shared kubelet endpoint (/metrics/resource) on 127.0.0.1 (0: any free port; -1: off)' },
  'simulated-cpu-usage': { type: 'number', default: 0.1, help: 'cpu a simulated container uses, as a fraction of its request (pod annotation k8ts.io/simulated-cpu-usage overrides)' },
  'simulated-memory-usage': { type: 'number', default: 0.1, help: 'memory a simulated container uses, as a fraction of its request (pod annotation k8ts.io/simulated-memory-usage overrides)' },
  'log-level': { type: 'string', default: 'info', help: 'debug, info, warn or error' },
  // real nodes (no --simulate)
  'data-dir': { type: 'string', default: '/var/lib/k8ts', help: 'state directory; the node keeps everything under <data-dir>/agent' },
  'node-name': { type: 'string', help: 'node name (default: the host name)' },
  'node-ip': { type: 'string', help: 'node InternalIP (default: the pod bridge gateway, first address of the pod CIDR)' },
  'pod-cidr': { type: 'string', help: "this node's pod CIDR (default: the Node's spec.podCIDR from the nodeipam controller)" },
  'node-labels': { type: 'string', help: 'extra node labels, k=v,k2=v2' },
  'container-runtime-endpoint': { type: 'string', help: 'CRI socket of an existing containerd (default: start our own under <data-dir>/agent/containerd)' },
  'offline-images': { type: 'boolean', default: true, help: 'serve the built-in busybox and pause images from a local registry mirroring docker.io and registry.k8s.io' },
  'pause-image': { type: 'string', default: 'registry.k8s.io/pause:3.10', help: 'sandbox (pause) image' },
  'max-pods': { type: 'number', default: 110, help: 'pods this node runs at most' },
  'cluster-dns': { type: 'string', default: '10.43.0.10', help: "cluster DNS server address(es) in pods' resolv.conf, comma-separated; the node answers DNS on the first (the kube-dns Service address)" },
  'service-cidr': { type: 'string', default: '10.43.0.0/16', help: "the cluster's service IP range (routed to the node's service device)" },
  'proxy-mode': { type: 'string', default: 'iptables', help: 'iptables or userspace' },
  'disable-kube-proxy': { type: 'boolean', help: 'do not run the service proxy on this node' },
  'nodeport-addresses': { type: 'string', default: '', help: 'CIDRs or IPs node ports answer on, comma-separated (default: every local address)' },
  'iptables-min-sync-period': { type: 'string', default: '1s', help: 'minimum time between two proxy rule syncs' },
  'iptables-sync-period': { type: 'string', default: '30s', help: 'period of the full proxy rule resync' },
  'proxy-metrics-bind-address': { type: 'string', default: '127.0.0.1:10249', help: "host:port of the proxy's /metrics and /healthz ('' for none)" },
  'disable-dns': { type: 'boolean', help: 'do not answer cluster DNS on this node' },
  'dns-upstream': { type: 'string', default: '', help: 'DNS servers (ip[:port], comma-separated) for names outside the cluster domain (default: none, such queries are REFUSED)' },
  'cluster-domain': { type: 'string', default: 'cluster.local', help: 'cluster DNS domain' },
  'pod-manifest-path': { type: 'string', help: 'directory of static pod manifests' },
  'file-check-frequency': { type: 'string', default: '20s', help: 'how often the manifest directory is re-read' },
  'manifest-url': { type: 'string', help: 'URL of static pod manifests, polled' },
  'http-check-frequency': { type: 'string', default: '20s', help: 'how often --manifest-url is polled' },
  'sync-frequency': { type: 'string', default: '10s', help: 'how often every pod is re-synced' },
  cleanup: { type: 'boolean', help: 'remove every container, sandbox, mount, bridge and cgroup this node made, and its state, then exit' },
} satisfies FlagSpec;

/** `1.5s`, `100ms`, `2m`, `1m30s`, `1h`, or a bare number of seconds → milliseconds. */
export function parseDurationMs(s: string, flag: string): number {
  try {
    return parseGoDuration(s);
  } catch {
    throw new FlagError(`invalid duration "${s}" for flag --${flag}`);
  }
}

export async function runAgent(flags: FlagValues<typeof agentFlags>): Promise<number> {
  const log = createLogger('agent', flags['log-level'] as LogLevel);
  if (flags.cleanup) {
    const { cleanupNode } = await import('../kubelet/agent.js');
    const { hostname } = await import('node:os');
    const nodeName = (flags['node-name'] ?? hostname()).toLowerCase();
    await cleanupNode(`${flags['data-dir']}/agent`, nodeName, flags['cluster-cidr'], log);
    const { cleanupNodeProxy } = await import('../proxy/node.js');
    await cleanupNodeProxy(nodeName, log);
    log.info({ dir: `${flags['data-dir']}/agent` }, 'node cleaned up');
    return 0;
  }
  if (!flags.server) throw new FlagError('--server is required');
  const token = flags.token ?? (flags['token-file'] ? readFileSync(flags['token-file'], 'utf8').trim() : undefined);
  if (!token) throw new FlagError('--token or --token-file is required');
  if (flags.simulate !== 0 && (!(flags.simulate > 0) || !Number.isInteger(flags.simulate))) throw new FlagError('--simulate takes a whole number of nodes');
  const ca = flags['ca-file'] ? readFileSync(flags['ca-file'], 'utf8') : undefined;
  if (!ca && !flags['insecure-skip-tls-verify'] && flags.server.startsWith('https:')) {
    throw new FlagError("--ca-file is required to verify the server (or pass --insecure-skip-tls-verify)");
  }
  const leaseRenewMs = parseDurationMs(flags['lease-renew-interval']!, 'lease-renew-interval');
  const nodeStatusMs = parseDurationMs(flags['node-status-update-frequency']!, 'node-status-update-frequency');
  if (leaseRenewMs <= 0 || nodeStatusMs <= 0) throw new FlagError('heartbeat intervals must be positive');
  if (!(flags['simulated-cpu-usage'] >= 0) || !(flags['simulated-memory-usage'] >= 0)) throw new FlagError('--simulated-cpu-usage and --simulated-memory-usage must be >= 0');

  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason instanceof Error ? reason.stack : String(reason) }, 'unhandled promise rejection');
  });
  const qps = flags['kube-api-qps'];
  if (flags.simulate === 0) {
    const { runRealNode } = await import('./realnode.js');
    const client = new RestClient(
      { server: flags.server.replace(/\/+$/, ''), ca, token, insecureSkipTlsVerify: !ca && flags['insecure-skip-tls-verify'] },
      { qps: qps > 0 ? qps : 'unlimited', burst: flags['kube-api-burst'], userAgent: 'k8ts-agent/kubelet' },
    );
    const stop = new AbortController();
    setMaxListeners(0, stop.signal);
    // Repeated signals must not kill the process before containerd and the registry are stopped.
    const onSignal = (sig: NodeJS.Signals) => {
      if (stop.signal.aborted) return;
      log.info({ signal: sig }, 'shutting down (containers keep running)');
      stop.abort(new Error(`received ${sig}`));
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    try {
      await runRealNode(flags, client, ca, log, stop.signal);
    } catch (err) {
      if (!stop.signal.aborted) throw err;
    }
    client.close();
    log.info({}, 'stopped');
    return 0;
  }
  const client = new RestClient(
    { server: flags.server.replace(/\/+$/, ''), ca, token, insecureSkipTlsVerify: !ca && flags['insecure-skip-tls-verify'] },
    { qps: qps > 0 ? qps : 'unlimited', burst: flags['kube-api-burst'], maxSockets: 128, userAgent: 'k8ts-agent/simulated' },
  );
  const agent = new SimulatedAgent(
    client,
    {
      count: flags.simulate,
      prefix: flags['node-name-prefix']!,
      clusterCidr: flags['cluster-cidr']!,
      cpu: flags['node-cpu']!,
      memory: flags['node-memory']!,
      pods: flags['node-pods']!,
      leaseRenewMs,
      nodeStatusMs,
      podStartDelayMs: parseDurationMs(flags['pod-start-delay']!, 'pod-start-delay'),
      podTerminationMs: parseDurationMs(flags['pod-termination-delay']!, 'pod-termination-delay'),
      workers: Math.max(1, flags['pod-workers']),
      kubeletPort: flags['kubelet-port'] >= 0 ? flags['kubelet-port'] : undefined,
      usage: { ...defaultUsageConfig, cpuFraction: flags['simulated-cpu-usage'], memoryFraction: flags['simulated-memory-usage'] },
    },
    log.child({ mode: 'simulated' }),
  );

  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const onSignal = (sig: NodeJS.Signals) => {
    log.info({ signal: sig }, 'shutting down (nodes are kept)');
    stop.abort(new Error(`received ${sig}`));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    await agent.run(stop.signal);
  } catch (err) {
    if (!stop.signal.aborted) throw err;
  }
  client.close();
  log.info({ stats: agent.stats }, 'stopped');
  return 0;
}
