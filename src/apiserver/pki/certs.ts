/**
 * The cluster's PKI: one CA, the API server's serving certificate and client certificates
 * (admin, and later nodes). Generated on first start under `<dir>`, reused afterwards; a serving
 * certificate whose SANs no longer cover the requested names is re-issued from the same CA.
 *
 * Files: ca.crt ca.key serving.crt serving.key admin.crt admin.key (PEM; keys PKCS#8 ECDSA P-256).
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const crypto = webcrypto;
x509.cryptoProvider.set(crypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
const TEN_YEARS = 10 * 365 * 24 * 3600 * 1000;
const ONE_YEAR = 365 * 24 * 3600 * 1000;

export interface Pem {
  cert: string;
  key: string;
}

export interface ClusterPki {
  ca: Pem;
  serving: Pem;
  admin: Pem;
  /** Issues a client certificate signed by the cluster CA (CN = user, O = groups). */
  issueClient(commonName: string, organizations: string[]): Promise<Pem>;
}

const randomSerial = (): string => {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[0] &= 0x7f;
  return Buffer.from(b).toString('hex');
};

async function exportKey(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function importKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0];
  return crypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']);
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
}

function nameOf(cn: string, orgs: string[] = []): string {
  const esc = (s: string) => s.replace(/([,+"\\<>;=])/g, '\\$1');
  return [...orgs.map((o) => `O=${esc(o)}`), `CN=${esc(cn)}`].join(', ');
}

async function createCa(): Promise<Pem> {
  const keys = await newKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: nameOf(`k8ts-ca@${Math.floor(now / 1000)}`),
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + TEN_YEARS),
    signingAlgorithm: SIGN,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) };
}

async function issue(ca: Pem, subject: string, usage: 'server' | 'client', sans: { dns: string[]; ips: string[] }): Promise<Pem> {
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await importKey(ca.key);
  const keys = await newKeys();
  const now = Date.now();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
    await x509.AuthorityKeyIdentifierExtension.create(caCert),
  ];
  if (sans.dns.length || sans.ips.length) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        ...sans.dns.map((value) => ({ type: 'dns' as const, value })),
        ...sans.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject,
    issuer: caCert.subject,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + ONE_YEAR),
    signingAlgorithm: SIGN,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions,
  });
  return { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) };
}

function sansOf(certPem: string): { dns: Set<string>; ips: Set<string> } {
  const cert = new x509.X509Certificate(certPem);
  const ext = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const dns = new Set<string>();
  const ips = new Set<string>();
  for (const n of ext?.names.toJSON() ?? []) {
    if (n.type === 'dns') dns.add(n.value);
    if (n.type === 'ip') ips.add(n.value);
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
    ca = await createCa();
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
    serving = await issue(ca, nameOf('kube-apiserver'), 'server', sans);
    writePem(dir, 'serving', serving);
  }
  let admin = fresh ? undefined : readPem(dir, 'admin');
  if (!admin) {
    admin = await issue(ca, nameOf('system:admin', ['system:masters']), 'client', { dns: [], ips: [] });
    writePem(dir, 'admin', admin);
  }
  const caPem = ca;
  return {
    ca: caPem,
    serving,
    admin,
    issueClient: (cn, orgs) => issue(caPem, nameOf(cn, orgs), 'client', { dns: [], ips: [] }),
  };
}
