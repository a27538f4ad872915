/**
 * Service-account tokens for the API server: the TokenRequest subresource and the bearer-token
 * authenticator, sharing one signing key (kept in the server's TLS dir) and one issuer.
 *
 * Contract: `authenticate` never throws for a bad token (it answers `{ reason }`); `tokenRequest`
 * throws ApiError for every refused request.
 */
import type { KubeObject } from '../../api/types.js';
import type { Registries } from '../registries.js';
import { ServiceAccountAuthenticator, type AuthResult } from './authenticator.js';
import { DEFAULT_ISSUER } from './claims.js';
import { ensureSigningKey, type SigningKey } from './keys.js';
import { registriesSource, type ObjectSource } from './objects.js';
import { TokenRequestIssuer } from './tokenrequest.js';

export { DEFAULT_ISSUER, makeUsername, userOf, type ServiceAccountUser } from './claims.js';
export type { AuthResult } from './authenticator.js';
export { ensureSigningKey, type SigningKey } from './keys.js';

export interface ServiceAccountTokenOptions {
  key: SigningKey;
  objects: ObjectSource;
  /** --service-account-issuer (default https://kubernetes.default.svc.cluster.local). */
  issuer?: string;
  /** --api-audiences (default: the issuer). */
  audiences?: string[];
  /** --service-account-max-token-expiration in seconds (default 0: no limit). */
  maxExpirationSeconds?: number;
  /** --service-account-extend-token-expiration (default true). */
  extendExpiration?: boolean;
  now?: () => number;
}

/** What the HTTP layer needs: see ApiServerOptions.serviceAccountTokens. */
export interface ServiceAccountTokenApi {
  authenticate(token: string): Promise<AuthResult>;
  tokenRequest(namespace: string, name: string, body: KubeObject): Promise<KubeObject>;
}

export class ServiceAccountTokens implements ServiceAccountTokenApi {
  readonly issuer: string;
  readonly audiences: string[];
  private readonly authenticator: ServiceAccountAuthenticator;
  private readonly issuerImpl: TokenRequestIssuer;

  constructor(o: ServiceAccountTokenOptions) {
    this.issuer = o.issuer ?? DEFAULT_ISSUER;
    this.audiences = o.audiences?.length ? [...o.audiences] : [this.issuer];
    this.authenticator = new ServiceAccountAuthenticator({
      publicKeys: [o.key.publicKey],
      issuers: [this.issuer],
      audiences: this.audiences,
      objects: o.objects,
      now: o.now,
    });
    this.issuerImpl = new TokenRequestIssuer({
      key: o.key,
      issuer: this.issuer,
      audiences: this.audiences,
      objects: o.objects,
      maxExpirationSeconds: o.maxExpirationSeconds,
      extendExpiration: o.extendExpiration,
      now: o.now,
    });
  }

  authenticate(token: string): Promise<AuthResult> {
    return this.authenticator.authenticate(token);
  }

  tokenRequest(namespace: string, name: string, body: KubeObject): Promise<KubeObject> {
    return this.issuerImpl.create(namespace, name, body);
  }
}

/**
 * The server's wiring: key pair from (or created in) `tlsDir`, objects from the registries' caches.
 */
export function serviceAccountTokensFor(
  tlsDir: string,
  registries: Pick<Registries, 'byName'>,
  o: Omit<ServiceAccountTokenOptions, 'key' | 'objects'> = {},
): ServiceAccountTokens {
  return new ServiceAccountTokens({ ...o, key: ensureSigningKey(tlsDir), objects: registriesSource(registries) });
}
