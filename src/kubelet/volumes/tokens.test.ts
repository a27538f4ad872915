import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TokenRequest } from 'kubernetes-types/authentication/v1.js';
import type { RestClient } from '../../client/rest.js';
import { ServiceAccountTokens } from './tokens.js';

function fakeClient(now: () => number) {
  const calls: { ns: string | undefined; name: string; sub: string; body: TokenRequest }[] = [];
  let fail = false;
  const client = {
    async createSubresource<T>(_res: unknown, ns: string | undefined, name: string, sub: string, body: unknown): Promise<T> {
      const req = body as TokenRequest;
      calls.push({ ns, name, sub, body: structuredClone(req) });
      if (fail) throw new Error('apiserver down');
      const exp = req.spec.expirationSeconds!;
      return { ...req, status: { token: `tok-${calls.length}`, expirationTimestamp: new Date(now() + exp * 1000).toISOString() } } as T;
    },
  } satisfies Pick<RestClient, 'createSubresource'>;
  return { client, calls, setFail: (v: boolean) => (fail = v) };
}

test('requests a bound token, caches it and renews after 80% of the TTL', async () => {
  let t = Date.parse('2024-01-01T00:00:00Z');
  const now = () => t;
  const f = fakeClient(now);
  const tokens = new ServiceAccountTokens(f.client, now);
  const spec = { namespace: 'ns', serviceAccount: 'sa', podName: 'p', podUid: 'uid-1' };
  assert.equal(await tokens.get(spec), 'tok-1');
  assert.equal(f.calls.length, 1);
  assert.deepEqual(f.calls[0], {
    ns: 'ns', name: 'sa', sub: 'token',
    body: {
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {},
      spec: { expirationSeconds: 3607, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'uid-1' } },
    },
  });
  t += 2000 * 1000;
  assert.equal(await tokens.get(spec), 'tok-1', 'cached before 80%');
  t += 1000 * 1000; // 3000 s > 0.8 * 3607
  assert.equal(await tokens.get(spec), 'tok-2');

  assert.equal(await tokens.get({ ...spec, audience: 'vault', expirationSeconds: 600 }), 'tok-3');
  assert.deepEqual(f.calls[2]!.body.spec.audiences, ['vault']);
  assert.equal(f.calls[2]!.body.spec.expirationSeconds, 600);

  // A failed renewal keeps the still-valid token; after expiry it is an error.
  t += 3000 * 1000;
  f.setFail(true);
  assert.equal(await tokens.get(spec), 'tok-2');
  t += 1000 * 1000;
  await assert.rejects(tokens.get(spec), /expired and refresh failed: apiserver down/);
  await assert.rejects(tokens.get({ ...spec, podUid: 'other' }), /^Error: failed to fetch token: apiserver down$/);

  f.setFail(false);
  tokens.forgetPod('uid-1');
  const before = f.calls.length;
  await tokens.get({ ...spec, audience: 'vault', expirationSeconds: 600 });
  assert.equal(f.calls.length, before + 1, 'forgotten pod tokens are requested again');
});
