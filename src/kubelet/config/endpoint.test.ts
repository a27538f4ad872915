import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../../util/logger.js';
import { ManifestEndpoint } from './endpoint.js';
import { Updates, names } from './testutil.js';

const podYaml = (name: string, image = 'busybox', ns?: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
${ns ? `  namespace: ${ns}\n` : ''}spec:
  containers:
  - name: c
    image: ${image}
`;

describe('ManifestEndpoint', () => {
  let server: Server;
  let base: string;
  const updates = new Updates();
  const endpoint = new ManifestEndpoint({ nodeName: 'node1', onUpdate: updates.push, log: silentLogger });

  before(async () => {
    server = createServer((req, res) => {
      endpoint.handle(req, res).then((handled) => {
        if (!handled) {
          res.writeHead(418);
          res.end('not mine');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });

  const call = async (method: string, path: string, body?: string) => {
    const res = await fetch(base + path, { method, body, headers: body ? { 'content-type': 'application/yaml' } : {} });
    const text = await res.text();
    return { code: res.status, json: res.headers.get('content-type') === 'application/json' ? JSON.parse(text) : text };
  };

  it('creates, lists, replaces and deletes static pods', async () => {
    const created = await call('POST', '/manifests', podYaml('web'));
    assert.equal(created.code, 201);
    assert.equal(created.json.metadata.name, 'web-node1');
    assert.equal(created.json.metadata.annotations['kubernetes.io/config.source'], 'http');
    assert.ok(created.json.metadata.annotations['kubernetes.io/config.seen']);
    const u1 = await updates.next();
    assert.equal(u1.source, 'http');
    assert.deepEqual(names(u1), ['default/web-node1']);
    const uid1 = u1.pods[0]!.metadata!.uid;
    assert.equal(created.json.metadata.uid, uid1);

    const dup = await call('POST', '/manifests', podYaml('web'));
    assert.equal(dup.code, 409);
    assert.equal(dup.json.reason, 'AlreadyExists');

    // JSON works too, and the namespace comes from the query.
    const other = await call('POST', '/manifests?namespace=kube-system', JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'dns' }, spec: { containers: [{ name: 'c', image: 'busybox:1.35' }] } }));
    assert.equal(other.code, 201);
    assert.equal(other.json.metadata.namespace, 'kube-system');
    assert.deepEqual(names(await updates.next()), ['default/web-node1', 'kube-system/dns-node1']);

    const list = await call('GET', '/manifests');
    assert.equal(list.code, 200);
    assert.equal(list.json.kind, 'PodList');
    assert.deepEqual(list.json.items.map((p: any) => p.metadata.name), ['web-node1', 'dns-node1']);
    assert.equal((await call('GET', '/manifests/web')).json.metadata.uid, uid1);
    assert.equal((await call('GET', '/manifests/web-node1')).json.metadata.uid, uid1, 'the generated name works too');
    assert.equal((await call('GET', '/manifests/dns')).json.metadata.namespace, 'kube-system', 'a unique name is found in any namespace');
    assert.equal((await call('GET', '/manifests/nope')).code, 404);

    // Replacing with the same content changes nothing; new content is a new pod.
    const same = await call('PUT', '/manifests/web', podYaml('web'));
    assert.equal(same.code, 200);
    assert.ok(await updates.none(50));
    const replaced = await call('PUT', '/manifests/web', podYaml('web', 'busybox:1.36'));
    assert.equal(replaced.code, 200);
    const u3 = await updates.next();
    const web = u3.pods.find((p) => p.metadata!.name === 'web-node1')!;
    assert.notEqual(web.metadata!.uid, uid1);
    assert.equal(web.spec!.containers[0]!.image, 'busybox:1.36');
    assert.equal((await call('PUT', '/manifests/web', podYaml('other'))).code, 400, 'name mismatch');
    const putNew = await call('PUT', '/manifests/job', podYaml('job'));
    assert.equal(putNew.code, 201);
    assert.equal(names(await updates.next()).length, 3);

    const del = await call('DELETE', '/manifests/web');
    assert.equal(del.code, 200);
    assert.equal(del.json.status, 'Success');
    assert.deepEqual(names(await updates.next()), ['default/job-node1', 'kube-system/dns-node1']);
    assert.equal((await call('DELETE', '/manifests/web')).code, 404);
    assert.equal(endpoint.pods().length, 2);
  });

  it('answers Status errors for bad requests and leaves other paths alone', async () => {
    const garbage = await call('POST', '/manifests', 'kind: [');
    assert.equal(garbage.code, 400);
    assert.equal(garbage.json.kind, 'Status');
    const invalid = await call('POST', '/manifests', 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: c}]}\n');
    assert.equal(invalid.code, 422);
    assert.equal(invalid.json.reason, 'Invalid');
    assert.match(invalid.json.message, /spec\.containers\[0\]\.image: Required value/);
    assert.equal((await call('POST', '/manifests', `${podYaml('a')}---\n${podYaml('b')}`)).code, 400, 'one pod per request');
    assert.equal((await call('POST', '/manifests?namespace=a', podYaml('x', 'busybox', 'b'))).code, 400, 'namespace mismatch');
    assert.equal((await call('PATCH', '/manifests/x', '{}')).code, 405);
    assert.equal((await call('GET', '/pods')).code, 418);
    assert.equal((await call('GET', '/manifests/a/b')).code, 418);
    assert.ok(await updates.none(50), 'failed requests change nothing');
  });
});
