/**
 * Bound service account tokens for projected volumes, as upstream's kubelet token manager: one
 * TokenRequest per (service account, audiences, expiry, pod), cached and renewed once 80% of its TTL
 * has passed (or 24 h since issue). A failed renewal keeps serving the cached token until it expires.
 */
import type { TokenRequest } from 'kubernetes-types/authentication/v1.js';
import type { RestClient } from '../../client/rest.js';
import { SERVICEACCOUNTS } from '../types.js';
import { errorText } from './errors.js';

/** Upstream's expiry for the token of the default kube-api-access volume. */
export const DEFAULT_TOKEN_EXPIRATION_SECONDS = 3607;
const MAX_TTL_MS = 24 * 3600 * 1000;

export interface TokenSpec {
  namespace: string;
  serviceAccount: string;
  /** Empty = the API server's own audiences. */
  audience?: string;
  expirationSeconds?: number;
  podName: string;
  podUid: string;
}

interface Cached {
  token: string;
  expiresAt: number;
  ttlMs: number;
}

export class ServiceAccountTokens {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly client: Pick<RestClient, 'createSubresource'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The token for `spec`, requesting a new one when none is cached or the cached one needs renewal. */
  async get(spec: TokenSpec): Promise<string> {
    const exp = spec.expirationSeconds ?? DEFAULT_TOKEN_EXPIRATION_SECONDS;
    const key = JSON.stringify([spec.namespace, spec.serviceAccount, spec.audience ?? '', exp, spec.podUid]);
    const cached = this.cache.get(key);
    const now = this.now();
    if (cached && !this.needsRefresh(cached, now)) return cached.token;
    const body: TokenRequest = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: {},
      spec: {
        ...(spec.audience ? { audiences: [spec.audience] } : {}),
        expirationSeconds: exp,
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: spec.podName, uid: spec.podUid },
      } as TokenRequest['spec'],
    };
    let tr: TokenRequest;
    try {
      tr = await this.client.createSubresource<TokenRequest>(SERVICEACCOUNTS, spec.namespace, spec.serviceAccount, 'token', body);
      if (!tr.status?.token) throw new Error('TokenRequest returned no token');
    } catch (e) {
      if (!cached) throw new Error(`failed to fetch token: ${errorText(e)}`);
      if (now >= cached.expiresAt) throw new Error(`token ${key} expired and refresh failed: ${errorText(e)}`);
      return cached.token;
    }
    const ttlMs = (tr.spec.expirationSeconds ?? exp) * 1000;
    const expiresAt = tr.status.expirationTimestamp ? Date.parse(tr.status.expirationTimestamp) : now + ttlMs;
    this.cache.set(key, { token: tr.status.token, expiresAt, ttlMs });
    return tr.status.token;
  }

  /** Drops the cached tokens bound to a pod. */
  forgetPod(podUid: string): void {
    for (const k of this.cache.keys()) if ((JSON.parse(k) as unknown[])[4] === podUid) this.cache.delete(k);
  }

  private needsRefresh(c: Cached, now: number): boolean {
    const issuedAt = c.expiresAt - c.ttlMs;
    return now >= issuedAt + MAX_TTL_MS || now >= c.expiresAt - c.ttlMs * 0.2;
  }
}
