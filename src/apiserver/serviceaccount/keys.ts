/**
 * The service-account token signing key (upstream's --service-account-signing-key-file and
 * --service-account-key-file). One ECDSA P-256 key pair, generated on first start and kept beside
 * the cluster CA so tokens issued before a restart stay valid after it.
 *
 * Files in `dir`: service-account.key (PKCS#8 PEM, 0600) and service-account.pub (SPKI PEM, 0644).
 * The key ID is upstream's: base64url(SHA-256(DER SubjectPublicKeyInfo)).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SIGNING_KEY_FILE = 'service-account.key';
export const PUBLIC_KEY_FILE = 'service-account.pub';

/** JWS algorithm of the key below. */
export const SIGNING_ALG = 'ES256';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** JWS `kid` header. */
  keyId: string;
  alg: typeof SIGNING_ALG;
}

export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

export function signingKeyFromPem(privatePem: string): SigningKey {
  const privateKey = createPrivateKey(privatePem);
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('service account signing key must be an ECDSA P-256 key');
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), alg: SIGNING_ALG };
}

/** Loads the key pair from `dir`, creating it (atomically) when absent. */
export function ensureSigningKey(dir: string): SigningKey {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyPath = join(dir, SIGNING_KEY_FILE);
  if (!existsSync(keyPath)) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const tmp = `${keyPath}.${process.pid}.tmp`;
    writeFileSync(tmp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    renameSync(tmp, keyPath);
  }
  const key = signingKeyFromPem(readFileSync(keyPath, 'utf8'));
  const pubPath = join(dir, PUBLIC_KEY_FILE);
  const pubPem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  if (!existsSync(pubPath) || readFileSync(pubPath, 'utf8') !== pubPem) writeFileSync(pubPath, pubPem, { mode: 0o644 });
  return key;
}
