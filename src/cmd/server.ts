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
import { writeKubeconfig } from '../client/kubeconfig.js';
import type { FlagSpec, FlagValues } from './flags.js';

export const serverFlags = {
  'data-dir': { type: 'string', default: '/var/lib/k8ts', help: 'folder for state, certificates and kubeconfig' },
  'https-listen-port': { type: 'number', default: 6443, help: 'HTTPS port of the API server' },
  'bind-address': { type: 'string', default: '127.0.0.1', help: 'address the API server listens on' },
  'write-kubeconfig': { type: 'string', help: 'also write the admin kubeconfig to this path' },
  'write-kubeconfig-mode': { type: 'string', help: 'accepted for k3s compatibility (files are written 0600)' },
  'datastore-endpoint': { type: 'string', default: '', help: 'empty: embedded SQLite; etcd://host:port[,host:port…]: etcd' },
  'disable-agent': { type: 'boolean', help: 'do not run the local node agent' },
  'cluster-cidr': { type: 'string', default: '10.42.0.0/16', help: 'pod network' },
  'service-cidr': { type: 'string', default: '10.43.0.0/16', help: 'service virtual IP range' },
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
  const dataDir = resolve(flags['data-dir']!);
  const serverDir = join(dataDir, 'server');
  mkdirSync(join(serverDir, 'db'), { recursive: true });
  const bind = flags['bind-address']!;
  const port = flags['https-listen-port'];

  const ips = ['127.0.0.1'];
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
  });
  await registries.start(stop.signal);
  await bootstrapObjects(registries, log);

  const metrics = new ApiMetrics();
  for (const reg of registries.all()) {
    metrics.addCacheSource({
      group: reg.info.group,
      resource: reg.info.resource,
      watchers: () => reg.cacher.watcherCount(),
      objects: () => reg.cacher.count(reg.cacher.prefix),
    });
  }
  const server = new ApiServer({
    tls: { cert: pki.serving.cert, key: pki.serving.key, ca: pki.ca.cert },
    registries,
    openapi,
    metrics,
    log: log.child({ component: 'apiserver' }),
    version: KUBERNETES_VERSION,
    tokens: new Map([[token, { name: 'system:k8ts:agent', groups: ['system:nodes', 'system:authenticated'] }]]),
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
  log.info({ address: kc.server, kubeconfig: join(dataDir, 'kubeconfig.yaml'), agent: flags['disable-agent'] ? 'disabled' : 'not yet available' }, 'k8ts server ready');

  await new Promise<void>((done) => {
    const onSignal = (sig: NodeJS.Signals) => {
      log.info({ signal: sig }, 'shutting down');
      done();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  await server.close();
  stop.abort();
  await store.close();
  log.info({}, 'stopped');
  return 0;
}
