/**
 * The cluster's PKI: one CA, the API server's serving certificate and client certificates
 * (admin, and later nodes). Generated on first start under `<dir>`, reused afterwards; a serving
 * certificate whose SANs no longer cover the requested names is re-issued from the same CA.
 *
 * Files: ca.crt ca.key serving.crt serving.key admin.crt admin.key apiserver-kubelet-client.crt
 * apiserver-kubelet-client.key (PEM; keys PKCS#8 ECDSA P-256). The kubelet client certificate is
 * what the API server presents to kubelets (logs, exec, attach, port-forward, proxy, metrics):
 * CN=kube-apiserver-kubelet-client, O=system:masters, as kubeadm names it.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pem {
  cert: string;
  key: string;
}

export interface ClusterPki {
  ca: Pem;
  serving: Pem;
  admin: Pem;
  kubeletClient: Pem;
  /** Issues a client certificate signed by the cluster CA (CN = user, O = groups). */
  issueClient(commonName: string, organizations: string[]): Promise<Pem>;
}

export const KUBELET_CLIENT_USER = 'kube-apiserver-kubelet-client';

const issuer = () => import('./issue.js');

function sansOf(certPem: string): { dns: Set<string>; ips: Set<string> } {
  const dns = new Set<string>();
  const ips = new Set<string>();
  for (const part of (new X509Certificate(certPem).subjectAltName ?? '').split(', ')) {
    if (part.startsWith('DNS:')) dns.add(part.slice(4));
    else if (part.startsWith('IP Address:')) ips.add(part.slice(11).toLowerCase());
  }
  return { dns, ips };
}

function readPem(dir: string, name: string): Pem | undefined {
  const c = join(dir, `${name}.crt`);
  const k = join(dir, `${name}.key`);
  if (!existsSync(c) || !existsSync(k)) return undefined;
  return { cert: readFileSync(c, 'utf8'), key: readFileSync(k, 'utf8') };
}

function writePem(dir: string, name: string, pem: Pem): void {
  writeFileSync(join(dir, `${name}.crt`), pem.cert, { mode: 0o644 });
  writeFileSync(join(dir, `${name}.key`), pem.key, { mode: 0o600 });
}

/**
 * Loads the PKI from `dir`, creating whatever is missing. The serving certificate covers
 * `sans` (plus what it already covered); it is re-issued when a requested name is missing.
 */
export async function ensurePki(dir: string, sans: { dns: string[]; ips: string[] }): Promise<ClusterPki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let ca = readPem(dir, 'ca');
  let fresh = false;
  if (!ca) {
    ca = await (await issuer()).createCa();
    writePem(dir, 'ca', ca);
    fresh = true;
  }
  let serving = fresh ? undefined : readPem(dir, 'serving');
  if (serving) {
    const have = sansOf(serving.cert);
    if (sans.dns.some((d) => !have.dns.has(d)) || sans.ips.some((i) => !have.ips.has(i))) {
      sans = { dns: [...new Set([...have.dns, ...sans.dns])], ips: [...new Set([...have.ips, ...sans.ips])] };
      serving = undefined;
    }
  }
  if (!serving) {
    const { issue, nameOf } = await issuer();
    serving = await issue(ca, nameOf('kube-apiserver'), 'server', sans);
    writePem(dir, 'serving', serving);
  }
  let admin = fresh ? undefined : readPem(dir, 'admin');
  if (!admin) {
    const { issue, nameOf } = await issuer();
    admin = await issue(ca, nameOf('system:admin', ['system:masters']), 'client', { dns: [], ips: [] });
    writePem(dir, 'admin', admin);
  }
  let kubeletClient = fresh ? undefined : readPem(dir, 'apiserver-kubelet-client');
  if (!kubeletClient) {
    const { issue, nameOf } = await issuer();
    kubeletClient = await issue(ca, nameOf(KUBELET_CLIENT_USER, ['system:masters']), 'client', { dns: [], ips: [] });
    writePem(dir, 'apiserver-kubelet-client', kubeletClient);
  }
  const caPem = ca;
  return {
    ca: caPem,
    serving,
    admin,
    kubeletClient,
    issueClient: async (cn, orgs) => {
      const { issue, nameOf } = await issuer();
      return issue(caPem, nameOf(cn, orgs), 'client', { dns: [], ips: [] });
    },
  };
}
