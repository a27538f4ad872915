/**
 * Service-account JWT claims (pkg/serviceaccount/claims.go) and the user they stand for.
 *
 * Contracts:
 * - `buildClaims` is pure: iat = nbf = now, exp = now + expirationSeconds (whole seconds), a fresh
 *   jti, and the private `kubernetes.io` claim naming the service account and whatever the token is
 *   bound to (pod, secret, node).
 * - `parsePrivateClaims` accepts only a well-formed `kubernetes.io` claim (namespace and a
 *   service account with name and uid); anything else is rejected with a reason.
 */
import { randomUUID } from 'node:crypto';

/** Upstream's default --service-account-issuer for kubeadm/k3s clusters; also the default API audience. */
export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export const SERVICE_ACCOUNT_USERNAME_PREFIX = 'system:serviceaccount:';
export const ALL_SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';

export interface RefClaim {
  name: string;
  uid: string;
}

/** The private `kubernetes.io` claim. */
export interface KubernetesClaim {
  namespace: string;
  serviceaccount: RefClaim;
  pod?: RefClaim;
  secret?: RefClaim;
  node?: RefClaim;
  /** Seconds since the epoch after which the holder should have refreshed (extended tokens only). */
  warnafter?: number;
}

export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': KubernetesClaim;
}

export interface ServiceAccountUser {
  name: string;
  groups: string[];
}

export function makeUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_USERNAME_PREFIX}${namespace}:${name}`;
}

export function userOf(namespace: string, name: string): ServiceAccountUser {
  return {
    name: makeUsername(namespace, name),
    groups: [ALL_SERVICE_ACCOUNTS_GROUP, `${ALL_SERVICE_ACCOUNTS_GROUP}:${namespace}`, 'system:authenticated'],
  };
}

export interface ClaimsInput {
  issuer: string;
  audiences: string[];
  expirationSeconds: number;
  /** Seconds since the epoch. */
  now: number;
  serviceAccount: { namespace: string; name: string; uid: string };
  pod?: RefClaim;
  secret?: RefClaim;
  node?: RefClaim;
  /** Seconds after `now` past which use is logged as stale; set only for extended pod tokens. */
  warnAfterSeconds?: number;
}

export function buildClaims(i: ClaimsInput): TokenClaims {
  const k: KubernetesClaim = { namespace: i.serviceAccount.namespace, serviceaccount: { name: i.serviceAccount.name, uid: i.serviceAccount.uid } };
  if (i.pod) k.pod = { ...i.pod };
  if (i.secret) k.secret = { ...i.secret };
  if (i.node) k.node = { ...i.node };
  if (i.warnAfterSeconds) k.warnafter = i.now + i.warnAfterSeconds;
  return {
    iss: i.issuer,
    sub: makeUsername(i.serviceAccount.namespace, i.serviceAccount.name),
    aud: [...i.audiences],
    exp: i.now + i.expirationSeconds,
    iat: i.now,
    nbf: i.now,
    jti: randomUUID(),
    'kubernetes.io': k,
  };
}

function refOf(v: unknown): RefClaim | undefined | 'bad' {
  if (v === undefined) return undefined;
  if (!v || typeof v !== 'object') return 'bad';
  const { name, uid } = v as Record<string, unknown>;
  if (typeof name !== 'string' || !name || typeof uid !== 'string' || !uid) return 'bad';
  return { name, uid };
}

export function parsePrivateClaims(payload: Record<string, unknown>): { claim: KubernetesClaim } | { reason: string } {
  const k = payload['kubernetes.io'];
  if (!k || typeof k !== 'object') return { reason: 'token has no kubernetes.io claim' };
  const c = k as Record<string, unknown>;
  if (typeof c.namespace !== 'string' || !c.namespace) return { reason: 'namespace claim is missing' };
  const sa = refOf(c.serviceaccount);
  if (!sa || sa === 'bad') return { reason: 'serviceaccount claim is missing or malformed' };
  const out: KubernetesClaim = { namespace: c.namespace, serviceaccount: sa };
  for (const f of ['pod', 'secret', 'node'] as const) {
    const r = refOf(c[f]);
    if (r === 'bad') return { reason: `${f} claim is malformed` };
    if (r) out[f] = r;
  }
  if (payload.sub !== makeUsername(out.namespace, sa.name)) return { reason: 'sub claim does not match the kubernetes.io claim' };
  return { claim: out };
}
