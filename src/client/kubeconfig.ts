/** Kubeconfig files: writing the admin kubeconfig and reading one for in-process clients. */
import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';

export interface KubeconfigParams {
  server: string;
  caPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  clusterName?: string;
  userName?: string;
}

export function renderKubeconfig(p: KubeconfigParams): string {
  const cluster = p.clusterName ?? 'default';
  const user = p.userName ?? 'default';
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: p.server, 'certificate-authority-data': b64(p.caPem) } }],
    users: [{ name: user, user: { 'client-certificate-data': b64(p.clientCertPem), 'client-key-data': b64(p.clientKeyPem) } }],
    contexts: [{ name: cluster, context: { cluster, user } }],
    'current-context': cluster,
    preferences: {},
  });
}

/** Writes atomically (temp file + rename) with mode 0600. */
export function writeKubeconfig(path: string, p: KubeconfigParams): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, renderKubeconfig(p), { mode: 0o600 });
  renameSync(tmp, path);
}

/** What a client needs to reach and authenticate to a server. PEM strings, not paths. */
export interface ClientConfig {
  /** `https://host:port` (no trailing slash). */
  server: string;
  ca?: string;
  cert?: string;
  key?: string;
  token?: string;
  /** Skip server certificate verification (kubeconfig `insecure-skip-tls-verify`). */
  insecureSkipTlsVerify?: boolean;
  /** SNI / certificate name to verify instead of the URL's host (`tls-server-name`). */
  tlsServerName?: string;
  /** A Unix socket to reach an `http:` server through (the API server's loopback socket). */
  socketPath?: string;
}

/** The kubeconfig path kubectl would use: the first entry of $KUBECONFIG, else ~/.kube/config. */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = (env.KUBECONFIG ?? '').split(':').find((p) => p.length > 0);
  return fromEnv ?? join(env.HOME ?? homedir(), '.kube', 'config');
}

/**
 * Reads a kubeconfig file and resolves `context` (default: its current-context) to a ClientConfig.
 * `*-data` fields are base64 PEM; the path forms (`certificate-authority`, `client-certificate`,
 * `client-key`, `tokenFile`) are read from disk, relative to the kubeconfig's folder.
 * Throws Error naming the missing piece when the file does not resolve.
 */
export function loadKubeconfig(path: string, context?: string): ClientConfig {
  const doc = parseYaml(readFileSync(path, 'utf8')) as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object') throw new Error(`kubeconfig ${path}: not a YAML mapping`);
  const base = dirname(resolvePath(path));
  const ctxName = context ?? (doc['current-context'] as string | undefined);
  if (!ctxName) throw new Error(`kubeconfig ${path}: no current-context`);
  const ctx = findNamed(doc.contexts, 'context', ctxName);
  if (!ctx) throw new Error(`kubeconfig ${path}: context "${ctxName}" not found`);
  const clusterName = ctx.cluster as string | undefined;
  const cluster = clusterName ? findNamed(doc.clusters, 'cluster', clusterName) : undefined;
  if (!cluster) throw new Error(`kubeconfig ${path}: cluster "${clusterName ?? ''}" not found`);
  const userName = ctx.user as string | undefined;
  const user = (userName ? findNamed(doc.users, 'user', userName) : undefined) ?? {};
  if (typeof cluster.server !== 'string' || !cluster.server) throw new Error(`kubeconfig ${path}: cluster "${clusterName}" has no server`);

  const data = (inline: unknown, file: unknown): string | undefined => {
    if (typeof inline === 'string' && inline) return Buffer.from(inline, 'base64').toString('utf8');
    if (typeof file === 'string' && file) return readFileSync(resolvePath(base, file), 'utf8');
    return undefined;
  };
  const cfg: ClientConfig = { server: cluster.server.replace(/\/+$/, '') };
  const ca = data(cluster['certificate-authority-data'], cluster['certificate-authority']);
  if (ca) cfg.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) cfg.insecureSkipTlsVerify = true;
  if (typeof cluster['tls-server-name'] === 'string' && cluster['tls-server-name']) cfg.tlsServerName = cluster['tls-server-name'];
  const cert = data(user['client-certificate-data'], user['client-certificate']);
  if (cert) cfg.cert = cert;
  const key = data(user['client-key-data'], user['client-key']);
  if (key) cfg.key = key;
  if (typeof user.token === 'string' && user.token) cfg.token = user.token;
  else if (typeof user.tokenFile === 'string' && user.tokenFile) cfg.token = readFileSync(resolvePath(base, user.tokenFile), 'utf8').trim();
  return cfg;
}

function findNamed(list: unknown, field: string, name: string): Record<string, unknown> | undefined {
  if (!Array.isArray(list)) return undefined;
  for (const e of list as Array<Record<string, unknown> | null>) {
    if (e && e.name === name) {
      const v = e[field];
      return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
    }
  }
  return undefined;
}
