/**
 * Bad input is never a 500 and never kills the server: every malformed request gets a 4xx
 * `Status` answer with a clear message, and the server keeps serving.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { TestServer, type Credentials } from '../support/server.js';

interface Answer {
  code: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json?: any;
}

function call(s: TestServer, creds: Credentials | undefined, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: s.port,
        method,
        path,
        ca: creds?.ca,
        cert: creds?.cert,
        key: creds?.key,
        rejectUnauthorized: false,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
          ...headers,
        },
      },
      (res) => {
        let data = '';
        res.on('data', (d) => (data += d));
        res.on('end', () => {
          let json;
          try {
            json = JSON.parse(data);
          } catch {
            json = undefined;
          }
          resolve({ code: res.statusCode ?? 0, headers: res.headers, body: data, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function assertStatus(a: Answer, code: number, reason?: string, message?: RegExp): void {
  assert.equal(a.code, code, `expected ${code}, got ${a.code}: ${a.body}`);
  assert.equal(a.json?.kind, 'Status', `not a Status: ${a.body}`);
  assert.equal(a.json.apiVersion, 'v1');
  assert.equal(a.json.status, 'Failure');
  assert.equal(a.json.code, code);
  assert.ok(typeof a.json.message === 'string' && a.json.message.length > 0, 'Status without message');
  if (reason) assert.equal(a.json.reason, reason);
  if (message) assert.match(a.json.message, message);
}

describe('bad input', { timeout: 120_000 }, () => {
  let s: TestServer;
  let c: Credentials;
  const cms = '/api/v1/namespaces/default/configmaps';

  before(async () => {
    s = await TestServer.start();
    c = s.credentials();
  });
  after(async () => {
    await s?.destroy();
  });

  it('refuses requests without a valid client certificate (401)', async () => {
    assertStatus(await call(s, undefined, 'GET', '/api/v1/namespaces'), 401, 'Unauthorized');
    const bearer = await call(s, undefined, 'GET', '/api/v1/namespaces', undefined, { authorization: 'Bearer nonsense' });
    assertStatus(bearer, 401, 'Unauthorized');
  });

  it('malformed JSON and YAML bodies are 400', async () => {
    assertStatus(await call(s, c, 'POST', cms, '{"metadata": {"name": "x"'), 400, 'BadRequest', /json parse error/);
    assertStatus(await call(s, c, 'POST', cms, 'kind: ConfigMap\nmetadata: [unclosed', { 'content-type': 'application/yaml' }), 400, 'BadRequest', /YAML/);
    assertStatus(await call(s, c, 'POST', cms, '[1,2,3]'), 400, 'BadRequest');
    assertStatus(await call(s, c, 'POST', cms, '"just a string"'), 400, 'BadRequest');
    assertStatus(await call(s, c, 'POST', cms, ''), 400, 'BadRequest');
    assertStatus(await call(s, c, 'POST', cms, Buffer.from([0xff, 0xfe, 0x00, 0x7b])), 400, 'BadRequest');
    assertStatus(await call(s, c, 'POST', cms, '{"metadata": "not-an-object"}'), 400, 'BadRequest');
    const deep = `{"metadata":{"name":"deep"},"data":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const d = await call(s, c, 'POST', cms, deep);
    assert.ok(d.code === 400 || d.code === 422, `deep nesting: ${d.code} ${d.body.slice(0, 200)}`);
  });

  it('wrong kind or apiVersion for the URL is 400', async () => {
    const svc = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } });
    assertStatus(await call(s, c, 'POST', cms, svc), 400, 'BadRequest');
    const wrongVersion = JSON.stringify({ apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    assertStatus(await call(s, c, 'POST', cms, wrongVersion), 400, 'BadRequest', /does not match the expected API version/);
  });

  it('unknown resources and groups are 404, unsupported methods 405', async () => {
    assertStatus(await call(s, c, 'GET', '/api/v1/namespaces/default/widgets'), 404, 'NotFound');
    assertStatus(await call(s, c, 'GET', '/apis/nonsense.example.com/v1/things'), 404, 'NotFound');
    assertStatus(await call(s, c, 'GET', '/api/v2/pods'), 404, 'NotFound');
    assertStatus(await call(s, c, 'GET', '/api/v1/namespaces/default/configmaps/x/y/z'), 404, 'NotFound');
    assertStatus(await call(s, c, 'GET', '/api/v1/namespaces/default/configmaps/missing'), 404, 'NotFound', /configmaps "missing" not found/);
    assertStatus(await call(s, c, 'PUT', cms, '{}'), 405, 'MethodNotAllowed');
  });

  it('bodies over 3 MiB are 413', async () => {
    const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { x: 'a'.repeat(3 * 1024 * 1024 + 10) } });
    assertStatus(await call(s, c, 'POST', cms, big), 413, 'RequestEntityTooLarge');
  });

  it('nonsense query parameters are 400', async () => {
    for (const q of [
      'limit=abc',
      'limit=-1',
      'labelSelector=a%20b%20c',
      'labelSelector=x%20in%20(',
      'fieldSelector=spec.nonsense%3Dx',
      'fieldSelector=a~b',
      'watch=maybe',
      'resourceVersion=abc',
      'resourceVersionMatch=Sometimes&resourceVersion=1',
      'timeoutSeconds=soon',
      'continue=not-a-token',
    ]) {
      assertStatus(await call(s, c, 'GET', `${cms}?${q}`), 400, undefined);
    }
    assertStatus(await call(s, c, 'DELETE', `${cms}/x?propagationPolicy=Sideways`), 400);
    const cm = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' } });
    assertStatus(await call(s, c, 'POST', `${cms}?dryRun=Some`, cm), 400, 'BadRequest', /Invalid dryRun value/);
    assertStatus(await call(s, c, 'POST', `${cms}?fieldValidation=Loose`, cm), 400, 'BadRequest');
  });

  it('unsupported media types are 415, unacceptable Accept 406', async () => {
    const cm = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm' } });
    assertStatus(await call(s, c, 'POST', cms, cm, { 'content-type': 'application/octet-stream' }), 415, 'UnsupportedMediaType');
    // Protobuf bodies are understood; malformed ones are 400.
    assertStatus(await call(s, c, 'POST', cms, cm, { 'content-type': 'application/vnd.kubernetes.protobuf' }), 400, 'BadRequest');
    const truncated = Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    assertStatus(await call(s, c, 'POST', cms, truncated, { 'content-type': 'application/vnd.kubernetes.protobuf' }), 400, 'BadRequest');
    assertStatus(await call(s, c, 'PATCH', `${cms}/m`, '{}', { 'content-type': 'text/plain' }), 415, 'UnsupportedMediaType');
    const a = await call(s, c, 'GET', cms, undefined, { accept: 'application/vnd.kubernetes.protobuf' });
    assertStatus(a, 406, 'NotAcceptable');
  });

  it('invalid objects are one 422 listing every cause', async () => {
    const bad = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'Bad_Name', labels: { 'bad key!': 'v' } },
      spec: { containers: [{ name: 'c' }, { name: 'c', image: 'x' }] },
    });
    const a = await call(s, c, 'POST', '/api/v1/namespaces/default/pods', bad);
    assertStatus(a, 422, 'Invalid', /^Pod "Bad_Name" is invalid: \[/);
    const fields = a.json.details.causes.map((x: { field: string }) => x.field);
    for (const f of ['metadata.name', 'metadata.labels', 'spec.containers[0].image', 'spec.containers[1].name']) {
      assert.ok(fields.includes(f), `missing cause for ${f}: ${JSON.stringify(a.json.details.causes)}`);
    }
  });

  it('bad patches are 4xx', async () => {
    const cm = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'p' }, data: { a: '1' } });
    assert.equal((await call(s, c, 'POST', cms, cm)).code, 201);
    const jp = { 'content-type': 'application/json-patch+json' };
    assertStatus(await call(s, c, 'PATCH', `${cms}/p`, '{"op":"add"}', jp), 400);
    assertStatus(await call(s, c, 'PATCH', `${cms}/p`, '[{"op":"remove","path":"/data/missing"}]', jp), 422, 'Invalid');
    assertStatus(await call(s, c, 'PATCH', `${cms}/p`, '[{"op":"explode","path":"/data"}]', jp), 422);
    assertStatus(await call(s, c, 'PATCH', `${cms}/p`, '[1,2]', { 'content-type': 'application/merge-patch+json' }), 400);
    assertStatus(await call(s, c, 'PATCH', `${cms}/p`, '{"data":{"$patch":"bogus"}}', { 'content-type': 'application/strategic-merge-patch+json' }), 400);
    assertStatus(await call(s, c, 'PATCH', `${cms}/p`, '{"kind":"Secret"}', { 'content-type': 'application/merge-patch+json' }), 400);
    assertStatus(await call(s, c, 'PATCH', `${cms}/p`, 'not json', { 'content-type': 'application/merge-patch+json' }), 400);
  });

  it('keeps serving after all of it', async () => {
    assert.equal(await s.readyz(), 200);
    const a = await call(s, c, 'GET', '/api/v1/namespaces/default');
    assert.equal(a.code, 200);
    assert.equal(a.json.metadata.name, 'default');
    assert.equal(s.proc?.exitCode, null);
    assert.doesNotMatch(s.logs, /internal error serving request/);
  });
});
