/**
 * `POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token` (pkg/registry/core/serviceaccount/
 * storage/token.go): issues a signed token for the service account.
 *
 * Contracts:
 * - The body is an authentication.k8s.io/v1 TokenRequest; metadata.name/namespace, when given,
 *   must match the URL (422). spec.expirationSeconds defaults to 3600 and must lie in
 *   [600, 2^32] (422); spec.audiences defaults to the API server's audiences.
 * - 404 when the service account (or the bound pod/secret/node) does not exist; 400 when the bound
 *   pod runs as another service account or the bound kind is not Pod, Secret or Node; 409 when
 *   boundObjectRef.uid is not the object's uid.
 * - A pod-bound token asked for 3607 s with the API audience is issued for one year with a
 *   `warnafter` claim at 3607 s (upstream's --service-account-extend-token-expiration, on by
 *   default); status.expirationTimestamp still reports the requested lifetime.
 * - Answers 201 with the request echoed back (defaults applied) and status {token,
 *   expirationTimestamp}. Nothing is stored; dryRun still issues nothing.
 */
import type { KubeObject } from '../../api/types.js';
import * as errors from '../../machinery/errors.js';
import { invalid as fieldInvalid, required as fieldRequired, type FieldError } from '../../machinery/fielderrors.js';
import { buildClaims, type RefClaim } from './claims.js';
import { signToken } from './jwt.js';
import type { SigningKey } from './keys.js';
import type { ObjectSource } from './objects.js';

export const MIN_TOKEN_SECONDS = 600;
export const MAX_TOKEN_SECONDS = 2 ** 32;
export const DEFAULT_TOKEN_SECONDS = 3600;
/** The lifetime the kubelet asks for projected tokens (token.WarnOnlyBoundTokenExpirationSeconds). */
export const WARN_ONLY_TOKEN_SECONDS = 3607;
/** The lifetime such a request actually gets (token.ExpirationExtensionSeconds). */
export const EXTENDED_TOKEN_SECONDS = 365 * 24 * 3600;

const TOKEN_REQUEST = { group: 'authentication.k8s.io', kind: 'TokenRequest' };

export interface TokenRequestOptions {
  key: SigningKey;
  issuer: string;
  /** The API server's audiences: the default spec.audiences. */
  audiences: string[];
  objects: ObjectSource;
  /** Upstream --service-account-extend-token-expiration (default true). */
  extendExpiration?: boolean;
  /** Upstream --service-account-max-token-expiration in seconds; 0 = none. */
  maxExpirationSeconds?: number;
  /** Milliseconds since the epoch (tests). */
  now?: () => number;
}

interface BoundRef {
  kind?: string;
  apiVersion?: string;
  name?: string;
  uid?: string;
}

interface Spec {
  audiences: string[];
  expirationSeconds: number;
  boundObjectRef?: BoundRef;
}

function decodeSpec(body: KubeObject): Spec {
  const raw = (body.spec ?? {}) as Record<string, unknown>;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw errors.badRequest('TokenRequest.spec must be an object');
  const aud = raw.audiences ?? [];
  if (!Array.isArray(aud) || aud.some((a) => typeof a !== 'string')) throw errors.badRequest('TokenRequest.spec.audiences must be a list of strings');
  const exp = raw.expirationSeconds ?? DEFAULT_TOKEN_SECONDS;
  if (typeof exp !== 'number' || !Number.isInteger(exp)) throw errors.badRequest('TokenRequest.spec.expirationSeconds must be an integer');
  const ref = raw.boundObjectRef;
  if (ref !== undefined && ref !== null && (typeof ref !== 'object' || Array.isArray(ref))) throw errors.badRequest('TokenRequest.spec.boundObjectRef must be an object');
  return { audiences: aud as string[], expirationSeconds: exp, boundObjectRef: (ref ?? undefined) as BoundRef | undefined };
}

function validate(name: string, namespace: string, body: KubeObject, spec: Spec): void {
  const errs: FieldError[] = [];
  const m = body.metadata ?? {};
  if (m.name && m.name !== name) errs.push(fieldInvalid('metadata.name', m.name, 'must match the service account name if specified'));
  if (m.namespace && m.namespace !== namespace) errs.push(fieldInvalid('metadata.namespace', m.namespace, 'must match the service account namespace if specified'));
  if (spec.expirationSeconds < MIN_TOKEN_SECONDS) errs.push(fieldInvalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 10 minutes'));
  if (spec.expirationSeconds > MAX_TOKEN_SECONDS) errs.push(fieldInvalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
  if (spec.boundObjectRef && !spec.boundObjectRef.name) errs.push(fieldRequired('spec.boundObjectRef.name'));
  if (errs.length) throw errors.invalid(TOKEN_REQUEST, name, errs);
}

function groupOf(apiVersion: string | undefined): { group: string; version: string } {
  const v = apiVersion ?? '';
  const i = v.indexOf('/');
  return i < 0 ? { group: '', version: v } : { group: v.slice(0, i), version: v.slice(i + 1) };
}

export class TokenRequestIssuer {
  constructor(private readonly o: TokenRequestOptions) {}

  async create(namespace: string, name: string, body: KubeObject): Promise<KubeObject> {
    const spec = decodeSpec(body);
    validate(name, namespace, body, spec);
    const sa = this.o.objects.get('serviceaccounts', namespace, name);
    if (!sa) throw errors.notFound({ group: '', resource: 'serviceaccounts' }, name);
    if (spec.audiences.length === 0) spec.audiences = [...this.o.audiences];

    let pod: RefClaim | undefined;
    let secret: RefClaim | undefined;
    let node: RefClaim | undefined;
    const ref = spec.boundObjectRef;
    if (ref) {
      const gv = groupOf(ref.apiVersion);
      const refName = ref.name!;
      let bound: KubeObject | undefined;
      if (gv.group === '' && ref.kind === 'Pod') {
        bound = this.mustGet('pods', namespace, refName);
        const podSa = ((bound.spec ?? {}) as { serviceAccountName?: string }).serviceAccountName || 'default';
        if (podSa !== name) throw errors.badRequest(`cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`);
        pod = { name: refName, uid: bound.metadata?.uid ?? '' };
        const nodeName = ((bound.spec ?? {}) as { nodeName?: string }).nodeName;
        const n = nodeName ? this.o.objects.get('nodes', undefined, nodeName) : undefined;
        if (n) node = { name: nodeName!, uid: n.metadata?.uid ?? '' };
      } else if (gv.group === '' && ref.kind === 'Secret') {
        bound = this.mustGet('secrets', namespace, refName);
        secret = { name: refName, uid: bound.metadata?.uid ?? '' };
      } else if (gv.group === '' && ref.kind === 'Node') {
        bound = this.mustGet('nodes', undefined, refName);
        node = { name: refName, uid: bound.metadata?.uid ?? '' };
      } else {
        throw errors.badRequest(`cannot bind token to object of type ${gv.group}/${gv.version}, Kind=${ref.kind ?? ''}`);
      }
      if (ref.uid && ref.uid !== bound.metadata?.uid) {
        throw errors.conflict(
          { group: gv.group, resource: ref.kind! },
          refName,
          `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
        );
      }
    }

    const max = this.o.maxExpirationSeconds ?? 0;
    if (max > 0 && spec.expirationSeconds > max) spec.expirationSeconds = max;
    let lifetime = spec.expirationSeconds;
    let warnAfterSeconds: number | undefined;
    const kubeAudience = spec.audiences.length > 0 && spec.audiences.every((a) => this.o.audiences.includes(a));
    if ((this.o.extendExpiration ?? true) && pod && spec.expirationSeconds === WARN_ONLY_TOKEN_SECONDS && kubeAudience) {
      warnAfterSeconds = spec.expirationSeconds;
      lifetime = EXTENDED_TOKEN_SECONDS;
    }
    const nowMs = (this.o.now ?? Date.now)();
    const now = Math.floor(nowMs / 1000);
    const claims = buildClaims({
      issuer: this.o.issuer,
      audiences: spec.audiences,
      expirationSeconds: lifetime,
      now,
      serviceAccount: { namespace, name, uid: sa.metadata?.uid ?? '' },
      pod,
      secret,
      node,
      warnAfterSeconds,
    });
    const token = await signToken(this.o.key, claims);
    const outSpec: Record<string, unknown> = { audiences: spec.audiences, expirationSeconds: spec.expirationSeconds };
    if (ref) outSpec.boundObjectRef = ref;
    return {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { ...(body.metadata ?? {}) },
      spec: outSpec,
      status: { token, expirationTimestamp: new Date((now + spec.expirationSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') },
    };
  }

  private mustGet(resource: 'pods' | 'secrets' | 'nodes', namespace: string | undefined, name: string): KubeObject {
    const o = this.o.objects.get(resource, namespace, name);
    if (!o) throw errors.notFound({ group: '', resource }, name);
    return o;
  }
}
