/**
 * Signing and verifying service-account JWTs (JWS compact, ES256, `kid` header).
 *
 * Contract of `verifyToken`: resolves with the payload only when the signature verifies with one of
 * `publicKeys`, the issuer is one of `issuers`, `aud` shares a value with `audiences`, and exp/nbf
 * hold at `now` within 60 s of leeway (go-jose's default, as upstream). Otherwise it resolves with
 * `{ reason }`; `notOurs` is set when the token is not a JWT of one of our issuers, so another
 * authenticator may still accept it.
 */
import type { KeyObject } from 'node:crypto';
import { SignJWT, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { TokenClaims } from './claims.js';
import { SIGNING_ALG, type SigningKey } from './keys.js';

export const LEEWAY_SECONDS = 60;

export async function signToken(key: SigningKey, claims: TokenClaims): Promise<string> {
  return new SignJWT({ ...claims } as unknown as JWTPayload).setProtectedHeader({ alg: key.alg, kid: key.keyId, typ: 'JWT' }).sign(key.privateKey);
}

export interface VerifyOptions {
  publicKeys: KeyObject[];
  issuers: string[];
  audiences: string[];
  /** Seconds since the epoch. */
  now: number;
}

export type VerifyResult = { payload: JWTPayload } | { reason: string; notOurs?: boolean };

export async function verifyToken(token: string, o: VerifyOptions): Promise<VerifyResult> {
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(token);
  } catch {
    return { reason: 'not a JWT', notOurs: true };
  }
  if (typeof unverified.iss !== 'string' || !o.issuers.includes(unverified.iss)) return { reason: 'token issuer is not accepted', notOurs: true };
  let last = 'invalid signature';
  for (const key of o.publicKeys) {
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [SIGNING_ALG],
        issuer: o.issuers,
        audience: o.audiences,
        clockTolerance: LEEWAY_SECONDS,
        currentDate: new Date(o.now * 1000),
        requiredClaims: ['exp', 'sub'],
      });
      return { payload };
    } catch (err) {
      last = describe(err, o.audiences);
      if (!(err instanceof joseErrors.JWSSignatureVerificationFailed)) break;
    }
  }
  return { reason: last };
}

function describe(err: unknown, audiences: string[]): string {
  if (err instanceof joseErrors.JWTExpired) return 'service account token has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return 'service account token is not valid yet';
    if (err.claim === 'aud') return `token audiences are invalid for the target audiences ${JSON.stringify(audiences)}`;
    return `invalid ${err.claim} claim: ${err.reason}`;
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'invalid signature';
  return err instanceof Error ? err.message : String(err);
}
