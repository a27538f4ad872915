import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../../machinery/errors.js';
import { DEFAULT_ISSUER, buildClaims } from './claims.js';
import { signToken } from './jwt.js';
import { PUBLIC_KEY_FILE, SIGNING_KEY_FILE, ensureSigningKey, keyIdOf } from './keys.js';
import type { BindableResource, ObjectSource } from './objects.js';
import { ServiceAccountTokens } from './index.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');

function objects(): ObjectSource & { put(resource: BindableResource, o: KubeObject): void; del(resource: BindableResource, ns: string | undefined, name: string): void } {
  const m = new Map<string, KubeObject>();
  const k = (r: string, ns: string | undefined, n: string) => `${r}/${r === 'nodes' ? '' : ns}/${n}`;
  return {
    get: (r, ns, n) => m.get(k(r, ns, n)),
    put: (r, o) => void m.set(k(r, o.metadata?.namespace, o.metadata!.name!), o),
    del: (r, ns, n) => void m.delete(k(r, ns, n)),
  };
}

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-sa-'));
  const key = ensureSigningKey(dir);
  const objs = objects();
  let now = T0;
  const tokens = new ServiceAccountTokens({ key, objects: objs, now: () => now });
  objs.put('serviceaccounts', { metadata: { name: 'builder', namespace: 'ci', uid: 'sa-uid-1' } });
  objs.put('nodes', { metadata: { name: 'n1', uid: 'node-uid' } });
  objs.put('pods', { metadata: { name: 'p1', namespace: 'ci', uid: 'pod-uid-1' }, spec: { serviceAccountName: 'builder', nodeName: 'n1' } });
  return {
    dir,
    key,
    objs,
    tokens,
    setNow: (ms: number) => (now = ms),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const req = (spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): KubeObject => ({
  kind: 'TokenRequest',
  apiVersion: 'authentication.k8s.io/v1',
  metadata,
  spec,
});

async function rejects(p: Promise<unknown>, code: number, reason: string, message?: RegExp): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.code, code, err.message);
    assert.equal(err.reason, reason);
    if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail('expected a rejection');
}

describe('service account signing key', () => {
  it('is created once, kept on disk with safe modes, and reloaded identically', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-sa-'));
    try {
      const a = ensureSigningKey(dir);
      const b = ensureSigningKey(dir);
      assert.equal(a.keyId, b.keyId);
      assert.equal(a.keyId, keyIdOf(b.publicKey));
      assert.equal(statSync(join(dir, SIGNING_KEY_FILE)).mode & 0o777, 0o600);
      assert.match(readFileSync(join(dir, PUBLIC_KEY_FILE), 'utf8'), /BEGIN PUBLIC KEY/);
      assert.match(a.keyId, /^[A-Za-z0-9_-]{43}$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('TokenRequest', () => {
  it('issues a signed JWT with upstream claims and defaults', async () => {
    const s = setup();
    try {
      const out = await s.tokens.tokenRequest('ci', 'builder', req());
      assert.equal(out.kind, 'TokenRequest');
      assert.equal(out.apiVersion, 'authentication.k8s.io/v1');
      const spec = out.spec as { audiences: string[]; expirationSeconds: number };
      assert.deepEqual(spec.audiences, [DEFAULT_ISSUER]);
      assert.equal(spec.expirationSeconds, 3600);
      const st = out.status as { token: string; expirationTimestamp: string };
      assert.equal(st.expirationTimestamp, '2025-01-01T01:00:00Z');
      const hdr = decodeProtectedHeader(st.token);
      assert.equal(hdr.alg, 'ES256');
      assert.equal(hdr.kid, s.key.keyId);
      const c = decodeJwt(st.token) as Record<string, any>;
      assert.equal(c.iss, 'https://kubernetes.default.svc.cluster.local');
      assert.equal(c.sub, 'system:serviceaccount:ci:builder');
      assert.deepEqual(c.aud, [DEFAULT_ISSUER]);
      assert.equal(c.iat, T0 / 1000);
      assert.equal(c.nbf, T0 / 1000);
      assert.equal(c.exp, T0 / 1000 + 3600);
      assert.match(c.jti, /^[0-9a-f-]{36}$/);
      assert.deepEqual(c['kubernetes.io'], { namespace: 'ci', serviceaccount: { name: 'builder', uid: 'sa-uid-1' } });
    } finally {
      s.cleanup();
    }
  });

  it('binds to a pod (with its node), honours audiences and expirationSeconds', async () => {
    const s = setup();
    try {
      const out = await s.tokens.tokenRequest(
        'ci',
        'builder',
        req({ audiences: ['vault'], expirationSeconds: 900, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p1', uid: 'pod-uid-1' } }),
      );
      const c = decodeJwt((out.status as { token: string }).token) as Record<string, any>;
      assert.deepEqual(c.aud, ['vault']);
      assert.equal(c.exp - c.iat, 900);
      assert.deepEqual(c['kubernetes.io'].pod, { name: 'p1', uid: 'pod-uid-1' });
      assert.deepEqual(c['kubernetes.io'].node, { name: 'n1', uid: 'node-uid' });
      assert.deepEqual((out.spec as any).boundObjectRef, { kind: 'Pod', apiVersion: 'v1', name: 'p1', uid: 'pod-uid-1' });
    } finally {
      s.cleanup();
    }
  });

  it('extends a kubelet 3607 s pod token to a year with warnafter, reporting the requested expiry', async () => {
    const s = setup();
    try {
      const out = await s.tokens.tokenRequest('ci', 'builder', req({ expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p1' } }));
      const c = decodeJwt((out.status as { token: string }).token) as Record<string, any>;
      assert.equal(c.exp - c.iat, 365 * 24 * 3600);
      assert.equal(c['kubernetes.io'].warnafter, c.iat + 3607);
      assert.equal((out.status as any).expirationTimestamp, '2025-01-01T01:00:07Z');
    } finally {
      s.cleanup();
    }
  });

  it('refuses bad requests as upstream does', async () => {
    const s = setup();
    try {
      await rejects(s.tokens.tokenRequest('ci', 'nobody', req()), 404, 'NotFound', /serviceaccounts "nobody" not found/);
      await rejects(s.tokens.tokenRequest('ci', 'builder', req({ expirationSeconds: 599 })), 422, 'Invalid', /may not specify a duration less than 10 minutes/);
      await rejects(s.tokens.tokenRequest('ci', 'builder', req({ expirationSeconds: 2 ** 32 + 1 })), 422, 'Invalid', /larger than 2\^32 seconds/);
      await rejects(s.tokens.tokenRequest('ci', 'builder', req({}, { name: 'other' })), 422, 'Invalid', /must match the service account name/);
      await rejects(s.tokens.tokenRequest('ci', 'builder', req({ boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'gone' } })), 404, 'NotFound', /pods "gone" not found/);
      await rejects(
        s.tokens.tokenRequest('ci', 'builder', req({ boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p1', uid: 'stale' } })),
        409,
        'Conflict',
        /does not match the UID in record/,
      );
      await rejects(
        s.tokens.tokenRequest('ci', 'builder', req({ boundObjectRef: { kind: 'Deployment', apiVersion: 'apps/v1', name: 'd' } })),
        400,
        'BadRequest',
        /cannot bind token to object of type apps\/v1, Kind=Deployment/,
      );
      s.objs.put('serviceaccounts', { metadata: { name: 'default', namespace: 'ci', uid: 'sa-default' } });
      await rejects(
        s.tokens.tokenRequest('ci', 'default', req({ boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p1' } })),
        400,
        'BadRequest',
        /to pod running with different serviceaccount name/,
      );
    } finally {
      s.cleanup();
    }
  });
});

describe('service account token authentication', () => {
  it('authenticates an issued token as the service account with its groups', async () => {
    const s = setup();
    try {
      const out = await s.tokens.tokenRequest('ci', 'builder', req());
      const r = await s.tokens.authenticate((out.status as { token: string }).token);
      assert.deepEqual(r, {
        user: { name: 'system:serviceaccount:ci:builder', groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'] },
      });
    } finally {
      s.cleanup();
    }
  });

  it('rejects expired (beyond 60 s leeway), not-yet-valid, foreign-audience, tampered and garbage tokens', async () => {
    const s = setup();
    try {
      const token = (await s.tokens.tokenRequest('ci', 'builder', req({ expirationSeconds: 600 }))).status as { token: string };
      s.setNow(T0 + 650_000);
      assert.ok('user' in (await s.tokens.authenticate(token.token)), 'within leeway');
      s.setNow(T0 + 661_000);
      assert.deepEqual(await s.tokens.authenticate(token.token), { reason: 'service account token has expired' });
      s.setNow(T0 - 120_000);
      assert.deepEqual(await s.tokens.authenticate(token.token), { reason: 'service account token is not valid yet' });
      s.setNow(T0);
      const vault = (await s.tokens.tokenRequest('ci', 'builder', req({ audiences: ['vault'] }))).status as { token: string };
      assert.match((await s.tokens.authenticate(vault.token) as { reason: string }).reason, /audiences/);
      const [h, p, sig] = token.token.split('.');
      const forged = Buffer.from(JSON.stringify({ ...decodeJwt(token.token), sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url');
      assert.deepEqual(await s.tokens.authenticate(`${h}.${forged}.${sig}`), { reason: 'invalid signature' });
      assert.ok(p);
      assert.deepEqual(await s.tokens.authenticate('garbage'), { reason: 'not a JWT', notOurs: true });
      // Signed by another key pair.
      const other = setup();
      const foreign = (await other.tokens.tokenRequest('ci', 'builder', req())).status as { token: string };
      other.cleanup();
      assert.deepEqual(await s.tokens.authenticate(foreign.token), { reason: 'invalid signature' });
      // Our key, another issuer.
      const claims = buildClaims({ issuer: 'https://elsewhere', audiences: [DEFAULT_ISSUER], expirationSeconds: 600, now: T0 / 1000, serviceAccount: { namespace: 'ci', name: 'builder', uid: 'sa-uid-1' } });
      assert.deepEqual(await s.tokens.authenticate(await signToken(s.key, claims)), { reason: 'token issuer is not accepted', notOurs: true });
    } finally {
      s.cleanup();
    }
  });

  it('stops accepting a token once its service account or bound pod is gone or recreated', async () => {
    const s = setup();
    try {
      const issue = async (spec: Record<string, unknown> = {}) => ((await s.tokens.tokenRequest('ci', 'builder', req(spec))).status as { token: string }).token;
      const plain = await issue();
      const bound = await issue({ boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p1' } });
      assert.ok('user' in (await s.tokens.authenticate(bound)));
      s.objs.put('pods', { metadata: { name: 'p1', namespace: 'ci', uid: 'pod-uid-2' }, spec: { serviceAccountName: 'builder' } });
      assert.deepEqual(await s.tokens.authenticate(bound), { reason: 'pod UID (pod-uid-2) does not match claim (pod-uid-1)' });
      s.objs.del('pods', 'ci', 'p1');
      assert.deepEqual(await s.tokens.authenticate(bound), { reason: 'pod ci/p1 has been deleted' });
      assert.ok('user' in (await s.tokens.authenticate(plain)), 'an unbound token does not care about pods');
      s.objs.put('pods', { metadata: { name: 'p1', namespace: 'ci', uid: 'pod-uid-3', deletionTimestamp: new Date(T0 - 61_000).toISOString() }, spec: { serviceAccountName: 'builder' } });
      const late = await issue({ boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p1' } });
      assert.deepEqual(await s.tokens.authenticate(late), { reason: 'pod ci/p1 has been deleted' });
      s.objs.put('serviceaccounts', { metadata: { name: 'builder', namespace: 'ci', uid: 'sa-uid-2' } });
      assert.deepEqual(await s.tokens.authenticate(plain), { reason: 'service account UID (sa-uid-2) does not match claim (sa-uid-1)' });
      s.objs.del('serviceaccounts', 'ci', 'builder');
      assert.deepEqual(await s.tokens.authenticate(plain), { reason: 'service account ci/builder has been deleted' });
    } finally {
      s.cleanup();
    }
  });

  it('keeps accepting tokens signed before a restart (same key dir)', async () => {
    const s = setup();
    try {
      const token = ((await s.tokens.tokenRequest('ci', 'builder', req())).status as { token: string }).token;
      const again = new ServiceAccountTokens({ key: ensureSigningKey(s.dir), objects: s.objs, now: () => T0 });
      assert.ok('user' in (await again.authenticate(token)));
    } finally {
      s.cleanup();
    }
  });
});
