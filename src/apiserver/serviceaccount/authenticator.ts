/**
 * The service-account token authenticator (pkg/serviceaccount/jwt.go + validator.go).
 *
 * Contract of `authenticate(token)`:
 * - `{ user }` only for a token this server signed (see verifyToken) whose service account still
 *   exists with the claimed uid, and whose bound pod / secret (when claimed) still exists with the
 *   claimed uid, as does the node of a node-bound token; an object deleted (deletionTimestamp) more than 60 s ago no longer counts.
 * - `{ reason, notOurs }` when the token is not one of ours (another authenticator may try it);
 *   `{ reason }` for our tokens that fail any check.
 */
import type { KeyObject } from 'node:crypto';
import type { KubeObject } from '../../api/types.js';
import { parsePrivateClaims, userOf, type RefClaim, type ServiceAccountUser } from './claims.js';
import { verifyToken } from './jwt.js';
import type { BindableResource, ObjectSource } from './objects.js';

export type AuthResult = { user: ServiceAccountUser } | { reason: string; notOurs?: boolean };

export interface AuthenticatorOptions {
  publicKeys: KeyObject[];
  issuers: string[];
  /** The API server's audiences; a token must name at least one. */
  audiences: string[];
  objects: ObjectSource;
  /** Milliseconds since the epoch (tests). */
  now?: () => number;
}

/** Grace after deletionTimestamp during which a bound token still authenticates (upstream: 60 s). */
const DELETED_GRACE_MS = 60_000;

const SINGULAR: Record<BindableResource, string> = { serviceaccounts: 'service account', pods: 'pod', secrets: 'secret', nodes: 'node' };

export class ServiceAccountAuthenticator {
  constructor(private readonly o: AuthenticatorOptions) {}

  async authenticate(token: string): Promise<AuthResult> {
    const nowMs = (this.o.now ?? Date.now)();
    const v = await verifyToken(token, {
      publicKeys: this.o.publicKeys,
      issuers: this.o.issuers,
      audiences: this.o.audiences,
      now: Math.floor(nowMs / 1000),
    });
    if (!('payload' in v)) return v;
    const p = parsePrivateClaims(v.payload as Record<string, unknown>);
    if ('reason' in p) return p;
    const { namespace, serviceaccount, pod, secret, node } = p.claim;
    const checks: Array<[BindableResource, RefClaim | undefined]> = [
      ['serviceaccounts', serviceaccount],
      ['pods', pod],
      ['secrets', secret],
      // A pod-bound token names the pod's node for information only; only node-bound tokens check it.
      ['nodes', pod ? undefined : node],
    ];
    for (const [resource, ref] of checks) {
      if (!ref) continue;
      const reason = this.checkRef(resource, namespace, ref, nowMs);
      if (reason) return { reason };
    }
    return { user: userOf(namespace, serviceaccount.name) };
  }

  private checkRef(resource: BindableResource, namespace: string, ref: RefClaim, nowMs: number): string | undefined {
    const what = SINGULAR[resource];
    const where = resource === 'nodes' ? ref.name : `${namespace}/${ref.name}`;
    const obj: KubeObject | undefined = this.o.objects.get(resource, namespace, ref.name);
    if (!obj) return `${what} ${where} has been deleted`;
    const uid = obj.metadata?.uid;
    if (uid !== ref.uid) return `${what} UID (${uid ?? ''}) does not match claim (${ref.uid})`;
    const del = obj.metadata?.deletionTimestamp;
    if (del && Date.parse(del) < nowMs - DELETED_GRACE_MS) return `${what} ${where} has been deleted`;
    return undefined;
  }
}
