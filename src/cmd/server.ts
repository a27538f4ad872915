/**
 * `k8ts server`: flags → config → wiring and start order of the control plane.
 * Order: data dir → PKI → store → watch caches → bootstrap objects → HTTPS listener → kubeconfig
 * → ready. SIGTERM/SIGINT stop everything in reverse order and exit 0.
 */
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createLogger, type LogLevel } from '../util/logger.js';
import { ensurePki } from '../apiserver/pki/certs.js';
import { openStore } from '../storage/open.js';
import { Registries } from '../apiserver/registries.js';
import { ApiServer } from '../apiserver/server.js';
import { ApiMetrics } from '../apiserver/metrics.js';
import { OpenApiService } from '../apiserver/openapi/service.js';
import { RESOURCES } from '../api/resources.js';
import type { Definitions } from '../apiserver/fieldvalidation.js';
import { bootstrapObjects } from '../apiserver/bootstrap.js';
import { serviceAccountTokensFor } from '../apiserver/serviceaccount/index.js';
import { IPv4Range, PortRange } from '../apiserver/registry/core/serviceips/ranges.js';
import { METRICS_DISCOVERY, startResourceMetrics } from '../apiserver/resourcemetrics/index.js';
import { writeKubeconfig, type ClientConfig } from '../client/kubeconfig.js';
import type { ControllerManagerConfig } from '../controllers/manager.js';
import { parseGoDuration } from '../machinery/duration.js';
import { FlagError, type FlagSpec, type FlagValues } from './flags.js';
import { startComponent, type ComponentHandle } from './components.js';
import { startLocalAgent } from './localagent.js';
import { AddressPool } from '../controllers/servicelb/pool.js';

export const serverFlags = {
  'data-dir': { type: 'string', default: '/var/lib/k8ts', help: 'folder for state, certificates and kubeconfig' },
  'https-listen-port': { type: 'number', default: 6443, help: 'HTTPS port of the API server' },
  'bind-address': { type: 'string', default: '127.0.0.1', help: 'address the API server listens on' },
  'write-kubeconfig': { type: 'string', help: 'also write the admin kubeconfig to this path' },
  'write-kubeconfig-mode': { type: 'string', help: 'accepted for k3s compatibility (files are written 0600)' },
  'datastore-endpoint': { type: 'string', default: '', help: 'empty: embedded SQLite; etcd://host:port[,host:port…]: etcd' },
  'disable-agent': { type: 'boolean', help: 'do not run the local node agent' },
  'disable-scheduler': { type: 'boolean', help: 'do not run the built-in scheduler' },
  'disable-controller-manager': { type: 'boolean', help: 'do not run the built-in controllers' },
  controllers: { type: 'string', default: '*', help: 'controllers to run: `*` all, `name` on, `-name` off, comma separated' },
  'node-monitor-grace-period': { type: 'string', default: '40s', help: 'time a node may go without a heartbeat before it is marked unhealthy' },
  'node-monitor-period': { type: 'string', default: '5s', help: 'period of the node lifecycle check' },
  'default-not-ready-toleration-seconds': { type: 'number', default: 300, help: 'tolerationSeconds of the not-ready:NoExecute toleration added to pods without one' },
  'default-unreachable-toleration-seconds': { type: 'number', default: 300, help: 'tolerationSeconds of the unreachable:NoExecute toleration added to pods without one' },
  'max-endpoints-per-slice': { type: 'number', default: 100, help: 'endpoints in one EndpointSlice at most' },
  'terminated-pod-gc-threshold': { type: 'number', default: 12500, help: 'terminated pods kept before the pod GC deletes the oldest' },
  'horizontal-pod-autoscaler-sync-period': { type: 'string', default: '15s', help: 'period of the HPA controller' },
  'horizontal-pod-autoscaler-downscale-stabilization': { type: 'string', default: '5m', help: 'window over which the HPA takes the highest recommendation before scaling down' },
  'metric-resolution': { type: 'string', default: '15s', help: 'how often the built-in metrics server scrapes kubelets for metrics.k8s.io (as metrics-server)' },
  'cluster-cidr': { type: 'string', default: '10.42.0.0/16', help: 'pod network' },
  'service-cidr': { type: 'string', default: '10.43.0.0/16', help: 'service virtual IP range' },
  'servicelb-address-pool': { type: 'string', default: '', help: 'addresses for LoadBalancer services, IPv4 CIDRs or a-b ranges, comma separated (empty: node addresses)' },
  'service-node-port-range': { type: 'string', default: '30000-32767', help: 'NodePort range' },
  'cluster-dns': { type: 'string', default: '10.43.0.10', help: "cluster DNS address the local node's pods use" },
  'cluster-domain': { type: 'string', default: 'cluster.local', help: 'cluster DNS domain' },
  'proxy-mode': { type: 'string', default: 'iptables', help: "the local node's service proxy mode: iptables or userspace" },
  'disable-kube-proxy': { type: 'boolean', help: 'do not run the service proxy on the local node' },
  'node-name': { type: 'string', help: 'name of the local node (default: the host name)' },
  'node-ip': { type: 'string', help: 'InternalIP of the local node (default: its pod bridge gateway)' },
  'node-label': { type: 'string', help: 'extra labels of the local node, k=v,k2=v2' },
  'pod-manifest-path': { type: 'string', help: "static pod manifests directory of the local node (default <data-dir>/agent/pod-manifests)" },
  token: { type: 'string', help: 'shared secret for joining agents (generated when absent)' },
  'watch-cache-size': { type: 'number', default: 10000, help: 'recent events kept per resource for resuming watches' },
  'compact-interval': { type: 'number', default: 300, help: 'seconds between store compactions (SQLite)' },
  'log-level': { type: 'string', default: 'info', help: 'debug, info, warn or error' },
} satisfies FlagSpec;

export const KUBERNETES_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0+k8ts',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-23T00:00:00Z',
  goVersion: `node${process.versions.node}`,
  compiler: 'tsc',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

export async function runServer(flags: FlagValues<typeof serverFlags>): Promise<number> {
  const log = createLogger('server', flags['log-level'] as LogLevel);
  // A stray rejection is a bug to log, not a reason to take the control plane down.
  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason instanceof Error ? reason.stack : String(reason) }, 'unhandled promise rejection');
  });
  // Flags are checked before anything starts.
  const cmConfig: Partial<ControllerManagerConfig> = {
    nodeMonitorGracePeriodMs: durationFlag(flags, 'node-monitor-grace-period'),
    nodeMonitorPeriodMs: durationFlag(flags, 'node-monitor-period'),
    defaultNotReadyTolerationSeconds: flags['default-not-ready-toleration-seconds'],
    defaultUnreachableTolerationSeconds: flags['default-unreachable-toleration-seconds'],
    terminatedPodGcThreshold: flags['terminated-pod-gc-threshold'],
    maxEndpointsPerSlice: flags['max-endpoints-per-slice'],
    hpaSyncPeriodMs: durationFlag(flags, 'horizontal-pod-autoscaler-sync-period'),
    hpaDownscaleStabilizationMs: durationFlag(flags, 'horizontal-pod-autoscaler-downscale-stabilization'),
    clusterCidr: flags['cluster-cidr'],
    serviceLBPool: flags['servicelb-address-pool'] || undefined,
  };
  if (cmConfig.serviceLBPool) {
    try {
      AddressPool.parse(cmConfig.serviceLBPool);
    } catch (e) {
      throw new FlagError(`invalid --servicelb-address-pool: ${(e as Error).message}`);
    }
  }
  const metricResolutionMs = durationFlag(flags, 'metric-resolution');
  if (metricResolutionMs <= 0) throw new FlagError('--metric-resolution must be positive');
  const eps = flags['max-endpoints-per-slice'];
  if (!Number.isInteger(eps) || eps < 1 || eps > 1000) throw new FlagError('--max-endpoints-per-slice must be between 1 and 1000');
  const enabled = (flags.controllers ?? '*').split(',').map((s) => s.trim()).filter(Boolean);
  const dataDir = resolve(flags['data-dir']!);
  const serverDir = join(dataDir, 'server');
  mkdirSync(join(serverDir, 'db'), { recursive: true });
  const bind = flags['bind-address']!;
  const port = flags['https-listen-port'];
  try {
    new IPv4Range(flags['service-cidr']!);
    new PortRange(flags['service-node-port-range']!);
  } catch (e) {
    throw new FlagError((e as Error).message);
  }

  // The serving certificate names the `kubernetes` Service address: in-cluster clients connect to it by IP.
  const ips = ['127.0.0.1', new IPv4Range(flags['service-cidr']!).ipAt(0)];
  if (bind !== '0.0.0.0' && bind !== '127.0.0.1' && bind !== '::') ips.push(bind);
  const pki = await ensurePki(join(serverDir, 'tls'), {
    dns: ['localhost', hostname(), 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
    ips,
  });

  const tokenFile = join(serverDir, 'token');
  let token = flags.token;
  if (!token) token = existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : randomBytes(24).toString('hex');
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  writeFileSync(join(serverDir, 'node-token'), `${token}\n`, { mode: 0o600 });

  const endpoint = flags['datastore-endpoint'] || `sqlite://${join(serverDir, 'db', 'state.db')}`;
  const store = await openStore(endpoint, { compactIntervalMs: flags['compact-interval'] * 1000 });
  log.info({ datastore: endpoint.startsWith('sqlite') ? 'sqlite' : 'etcd', endpoint }, 'datastore opened');

  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const openapi = new OpenApiService({ resources: RESOURCES });
  const registries = new Registries(store, openapi.definitions() as unknown as Definitions, log.child({ component: 'registry' }), {
    watchCacheSize: flags['watch-cache-size'],
    serviceIPs: { serviceCIDR: flags['service-cidr']!, nodePortRange: flags['service-node-port-range']! },
    podAdmission: {
      defaultTolerationSeconds: {
        notReadySeconds: flags['default-not-ready-toleration-seconds'],
        unreachableSeconds: flags['default-unreachable-toleration-seconds'],
      },
    },
  });
  await registries.start(stop.signal);
  // The `kubernetes` Service's Endpoints need an address pods can reach: the bind address unless loopback.
  await bootstrapObjects(registries, log, { clusterDNS: flags['cluster-dns']!, apiServer: { address: bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind, port } });

  const metrics = new ApiMetrics();
  for (const reg of registries.all()) {
    metrics.addCacheSource({
      group: reg.info.group,
      resource: reg.info.resource,
      watchers: () => reg.cacher.watcherCount(),
      objects: () => reg.cacher.count(reg.cacher.prefix),
    });
  }
  const resourceMetrics = startResourceMetrics(registries, { kubeletClient: pki.kubeletClient, intervalMs: metricResolutionMs, log: log.child({ component: 'metrics-server' }), signal: stop.signal });
  cmConfig.rootCaPem = pki.ca.cert;
  const serviceAccountTokens = serviceAccountTokensFor(join(serverDir, 'tls'), registries);
  const server = new ApiServer({
    serviceAccountTokens,
    extraApis: [{ discovery: METRICS_DISCOVERY, handle: (m, p, q, a) => resourceMetrics.handle(m, p, q, a) }],
    tls: { cert: pki.serving.cert, key: pki.serving.key, ca: pki.ca.cert },
    registries,
    openapi,
    metrics,
    log: log.child({ component: 'apiserver' }),
    version: KUBERNETES_VERSION,
    tokens: new Map([[token, { name: 'system:k8ts:agent', groups: ['system:nodes', 'system:authenticated'] }]]),
    kubeletClient: pki.kubeletClient,
  });
  await server.listen(port, bind);

  const host = bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind;
  const kc = {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    caPem: pki.ca.cert,
    clientCertPem: pki.admin.cert,
    clientKeyPem: pki.admin.key,
  };
  writeKubeconfig(join(dataDir, 'kubeconfig.yaml'), kc);
  if (flags['write-kubeconfig']) writeKubeconfig(resolve(flags['write-kubeconfig']), kc);
  server.setReady(true);
  // The components reach the API through the loopback Unix socket (no TLS), or over HTTPS with the
  // admin certificate when the data dir's path is too long for a socket address.
  const socketPath = join(serverDir, 'apiserver.sock');
  let loopback: ClientConfig = { server: kc.server, ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key };
  if (Buffer.byteLength(socketPath) <= 100) {
    await server.listenLoopback(socketPath);
    loopback = { server: 'http://localhost', socketPath };
  }
  const components: ComponentHandle[] = [];
  const logLevel = flags['log-level'] as LogLevel;
  if (!flags['disable-scheduler']) components.push(startComponent({ component: 'scheduler', client: loopback, logLevel }, log));
  if (!flags['disable-controller-manager']) {
    components.push(startComponent({ component: 'controller-manager', client: loopback, logLevel, controllerManager: cmConfig, controllers: enabled }, log));
  }
  const nodeName = (flags['node-name'] ?? hostname()).toLowerCase();
  const agent = flags['disable-agent']
    ? undefined
    : startLocalAgent({
        server: kc.server,
        tokenFile: join(serverDir, 'node-token'),
        caFile: join(serverDir, 'tls', 'ca.crt'),
        dataDir,
        nodeName,
        logLevel: flags['log-level']!,
        args: [
          '--cluster-cidr', flags['cluster-cidr']!,
          '--cluster-dns', flags['cluster-dns']!,
          '--service-cidr', flags['service-cidr']!,
          '--proxy-mode', flags['proxy-mode']!,
          ...(flags['disable-kube-proxy'] ? ['--disable-kube-proxy'] : []),
          '--cluster-domain', flags['cluster-domain']!,
          '--node-labels', ['node-role.kubernetes.io/control-plane=true', 'node-role.kubernetes.io/master=true', ...(flags['node-label'] ? [flags['node-label']] : [])].join(','),
          '--pod-manifest-path', flags['pod-manifest-path'] ?? join(dataDir, 'agent', 'pod-manifests'),
          ...(flags['node-ip'] ? ['--node-ip', flags['node-ip']] : []),
        ],
      }, log);
  log.info({ address: kc.server, kubeconfig: join(dataDir, 'kubeconfig.yaml'), agent: agent ? nodeName : 'disabled' }, 'k8ts server ready');

  await new Promise<void>((done) => {
    const onSignal = (sig: NodeJS.Signals) => {
      log.info({ signal: sig }, 'shutting down');
      done();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  // The agent and components first: they still talk to the API (lease release) while stopping.
  await Promise.all([agent?.stop(), ...components.map((c) => c.stop())]);
  stop.abort();
  await server.close();
  await store.close();
  log.info({}, 'stopped');
  return 0;
}

function durationFlag(flags: FlagValues<typeof serverFlags>, name: keyof typeof serverFlags): number {
  const v = String(flags[name] ?? (serverFlags[name] as { default?: unknown }).default);
  try {
    return parseGoDuration(v);
  } catch {
    throw new FlagError(`invalid duration "${v}" for flag --${name}`);
  }
}
