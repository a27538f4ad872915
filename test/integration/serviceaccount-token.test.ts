/**
 * Service-account tokens against a real server over HTTPS: TokenRequest (raw and `kubectl create
 * token`), bearer authentication (raw and `kubectl --token`), 401 for garbage, expired and orphaned
 * tokens, tokens surviving a restart; and the control-plane publishers real nodes rely on:
 * ConfigMap kube-root-ca.crt in every namespace and pod CIDRs assigned by nodeipam.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestServer, eventually, run, tool, type Credentials } from '../support/server.js';
import { buildClaims, DEFAULT_ISSUER } from '../../src/apiserver/serviceaccount/claims.js';
import { signToken } from '../../src/apiserver/serviceaccount/jwt.js';
import { signingKeyFromPem } from '../../src/apiserver/serviceaccount/keys.js';

interface Answer {
  code: number;
  json: any;
}

/** One HTTPS request: with the admin client certificate when `auth` is 'admin', else with `Authorization: Bearer <auth>` and no certificate. */
function call(s: TestServer, c: Credentials, auth: 'admin' | { bearer: string }, method: string, path: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json' };
    if (data !== undefined) headers['content-length'] = String(Buffer.byteLength(data));
    if (auth !== 'admin') headers.authorization = `Bearer ${auth.bearer}`;
    const tlsAuth = auth === 'admin' ? { cert: c.cert, key: c.key } : {};
    const req = request({ host: '127.0.0.1', port: s.port, method, path, ca: c.ca, ...tlsAuth, headers, agent: false }, (res) => {
      let b = '';
      res.on('data', (d) => (b += d));
      res.on('end', () => {
        let json;
        try {
          json = JSON.parse(b);
        } catch {
          json = b;
        }
        resolve({ code: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

const tokenPath = (ns: string, sa: string) => `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`;
const tokenRequest = (spec: Record<string, unknown> = {}) => ({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec });

describe('service account tokens', () => {
  let s: TestServer;
  let c: Credentials;
  const bearer = (t: string) => ({ bearer: t });
  const issue = async (sa: string, spec: Record<string, unknown> = {}) => {
    const r = await call(s, c, 'admin', 'POST', tokenPath('default', sa), tokenRequest(spec));
    assert.equal(r.code, 201, JSON.stringify(r.json));
    return r.json.status.token as string;
  };

  before(async () => {
    s = await TestServer.start();
    c = s.credentials();
    await s.k(['create', 'serviceaccount', 'robot']);
  });
  after(async () => {
    await s?.destroy();
  });

  it('issues a TokenRequest as upstream does', async () => {
    const r = await call(s, c, 'admin', 'POST', tokenPath('default', 'robot'), tokenRequest({ audiences: ['https://kubernetes.default.svc.cluster.local', 'extra'], expirationSeconds: 1200 }));
    assert.equal(r.code, 201, JSON.stringify(r.json));
    assert.equal(r.json.kind, 'TokenRequest');
    assert.equal(r.json.apiVersion, 'authentication.k8s.io/v1');
    assert.deepEqual(r.json.spec.audiences, [DEFAULT_ISSUER, 'extra']);
    const exp = Date.parse(r.json.status.expirationTimestamp);
    assert.ok(Math.abs(exp - (Date.now() + 1200_000)) < 10_000, r.json.status.expirationTimestamp);
    const payload = JSON.parse(Buffer.from(r.json.status.token.split('.')[1], 'base64url').toString());
    const sa = JSON.parse(await s.k(['get', 'sa', 'robot', '-o', 'json']));
    assert.equal(payload.iss, DEFAULT_ISSUER);
    assert.equal(payload.sub, 'system:serviceaccount:default:robot');
    assert.deepEqual(payload['kubernetes.io'], { namespace: 'default', serviceaccount: { name: 'robot', uid: sa.metadata.uid } });
    assert.equal(payload.exp - payload.iat, 1200);

    const missing = await call(s, c, 'admin', 'POST', tokenPath('default', 'nobody'), tokenRequest());
    assert.equal(missing.code, 404);
    assert.equal(missing.json.reason, 'NotFound');
    assert.equal(missing.json.message, 'serviceaccounts "nobody" not found');
    const short = await call(s, c, 'admin', 'POST', tokenPath('default', 'robot'), tokenRequest({ expirationSeconds: 60 }));
    assert.equal(short.code, 422);
    assert.match(short.json.message, /may not specify a duration less than 10 minutes/);
  });

  it('lists serviceaccounts/token in discovery', async () => {
    const r = await call(s, c, 'admin', 'GET', '/api/v1');
    const sub = r.json.resources.find((x: { name: string }) => x.name === 'serviceaccounts/token');
    assert.deepEqual(sub, { name: 'serviceaccounts/token', singularName: '', namespaced: true, kind: 'TokenRequest', verbs: ['create'], group: 'authentication.k8s.io', version: 'v1' });
  });

  it('authenticates API calls made with the token (raw HTTPS and kubectl --token)', async () => {
    const token = await issue('robot');
    const r = await call(s, c, bearer(token), 'GET', '/api/v1/namespaces/default/serviceaccounts/robot');
    assert.equal(r.code, 200, JSON.stringify(r.json));
    assert.equal(r.json.metadata.name, 'robot');
    const caFile = join(s.dataDir, 'server', 'tls', 'ca.crt');
    const k = await run(tool('kubectl'), ['--kubeconfig', '/dev/null', '--server', s.url, '--certificate-authority', caFile, '--token', token, 'get', 'serviceaccount', 'robot', '-o', 'name']);
    assert.equal(k.code, 0, k.stderr);
    assert.equal(k.stdout.trim(), 'serviceaccount/robot');

    const created = await s.k(['create', 'token', 'robot', '--duration', '15m']);
    const viaKubectl = created.trim();
    assert.equal(viaKubectl.split('.').length, 3);
    assert.equal((await call(s, c, bearer(viaKubectl), 'GET', '/api/v1/namespaces')).code, 200);
  });

  it('answers 401 Status for garbage, expired, foreign-audience and orphaned tokens', async () => {
    const expectUnauthorized = async (token: string, what: string) => {
      const r = await call(s, c, bearer(token), 'GET', '/api/v1/namespaces/default/pods');
      assert.equal(r.code, 401, `${what}: ${JSON.stringify(r.json)}`);
      assert.deepEqual(r.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    };
    await expectUnauthorized('garbage', 'garbage');
    await expectUnauthorized(`${(await issue('robot')).slice(0, -4)}AAAA`, 'bad signature');

    const key = signingKeyFromPem(readFileSync(join(s.dataDir, 'server', 'tls', 'service-account.key'), 'utf8'));
    const sa = JSON.parse(await s.k(['get', 'sa', 'robot', '-o', 'json']));
    const now = Math.floor(Date.now() / 1000);
    const claims = (iat: number, aud = [DEFAULT_ISSUER]) =>
      buildClaims({ issuer: DEFAULT_ISSUER, audiences: aud, expirationSeconds: 600, now: iat, serviceAccount: { namespace: 'default', name: 'robot', uid: sa.metadata.uid } });
    assert.equal((await call(s, c, bearer(await signToken(key, claims(now))), 'GET', '/api/v1/namespaces/default/pods')).code, 200, 'a token we sign ourselves is valid');
    await expectUnauthorized(await signToken(key, claims(now - 3600)), 'expired');
    await expectUnauthorized(await signToken(key, claims(now, ['vault'])), 'foreign audience');

    await s.k(['create', 'serviceaccount', 'temp']);
    const orphan = await issue('temp');
    assert.equal((await call(s, c, bearer(orphan), 'GET', '/api/v1/namespaces/default/pods')).code, 200);
    await s.k(['delete', 'serviceaccount', 'temp']);
    await expectUnauthorized(orphan, 'deleted service account');
    await s.k(['create', 'serviceaccount', 'temp']);
    await expectUnauthorized(orphan, 'recreated service account (new uid)');
  });

  it('binds a token to a pod: valid while the pod lives', async () => {
    await s.k(['run', 'holder', '--image', 'busybox', '--restart', 'Never', '--overrides', JSON.stringify({ spec: { serviceAccountName: 'robot' } })]);
    const token = await issue('robot', { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'holder' } });
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    assert.equal(payload['kubernetes.io'].pod.name, 'holder');
    assert.equal((await call(s, c, bearer(token), 'GET', '/api/v1/namespaces/default/pods/holder')).code, 200);
    await s.k(['delete', 'pod', 'holder', '--grace-period=0', '--force']);
    await eventually(async () => (await call(s, c, bearer(token), 'GET', '/api/v1/namespaces/default/pods')).code === 401);
  });

  it('keeps accepting tokens issued before a restart', async () => {
    const token = await issue('robot');
    await s.restart();
    const r = await call(s, c, bearer(token), 'GET', '/api/v1/namespaces/default/serviceaccounts/robot');
    assert.equal(r.code, 200, JSON.stringify(r.json));
  });
});

describe('control-plane publishers for nodes', () => {
  let s: TestServer;
  before(async () => {
    s = await TestServer.start();
  });
  after(async () => {
    await s?.destroy();
  });

  it('publishes kube-root-ca.crt in every namespace and repairs it', async () => {
    const ca = s.credentials().ca;
    const get = async (ns: string) => {
      const r = await s.kubectl(['get', 'configmap', 'kube-root-ca.crt', '-n', ns, '-o', 'json']);
      return r.code === 0 ? JSON.parse(r.stdout) : undefined;
    };
    const cm = await eventually(() => get('default'), 20_000);
    assert.equal(cm.data['ca.crt'], ca);
    assert.ok(cm.metadata.annotations['kubernetes.io/description']);
    await s.k(['create', 'namespace', 'fresh']);
    assert.equal((await eventually(() => get('fresh'), 15_000)).data['ca.crt'], ca);
    await s.k(['patch', 'configmap', 'kube-root-ca.crt', '-n', 'fresh', '--type', 'merge', '-p', '{"data":{"ca.crt":"tampered"}}']);
    await eventually(async () => (await get('fresh'))?.data['ca.crt'] === ca, 15_000);
    await s.k(['delete', 'configmap', 'kube-root-ca.crt', '-n', 'fresh']);
    await eventually(async () => (await get('fresh'))?.data['ca.crt'] === ca, 15_000);
  });

  it('assigns pod CIDRs from the cluster CIDR to nodes without one, avoiding those in use', async () => {
    const nodeJson = (name: string, podCIDR?: string) =>
      JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {} });
    await s.k(['create', '-f', '-'], nodeJson('own-range', '10.42.0.0/24'));
    await s.k(['create', '-f', '-'], nodeJson('bare'));
    const cidr: string = await eventually(async () => JSON.parse(await s.k(['get', 'node', 'bare', '-o', 'json'])).spec.podCIDR, 20_000);
    assert.match(cidr, /^10\.42\.\d+\.0\/24$/);
    assert.notEqual(cidr, '10.42.0.0/24');
    const spec = JSON.parse(await s.k(['get', 'node', 'bare', '-o', 'json'])).spec;
    assert.deepEqual(spec.podCIDRs, [cidr]);
  });
});
