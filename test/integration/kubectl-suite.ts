/**
 * The kubectl conformance suite of issue 2, run against a real `k8ts server` on a given datastore:
 * everything is driven by the real kubectl binary.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestServer, eventually, tool } from '../support/server.js';

const MANIFEST_V1 = `
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    team: web
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
  labels: {app: web, tier: frontend}
data:
  color: blue
  size: "3"
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
  namespace: shop
type: Opaque
stringData:
  password: s3cret
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web, tier: frontend}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: busybox:1.35
        command: ["httpd", "-f", "-p", "8080"]
        ports:
        - containerPort: 8080
        env:
        - {name: MODE, value: one}
      - name: sidecar
        image: busybox:1.35
        command: ["sleep", "3600"]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  labels: {app: web, tier: backend}
spec:
  selector: {app: web}
  ports:
  - name: http
    port: 80
    targetPort: 8080
---
apiVersion: v1
kind: ReplicationController
metadata:
  name: legacy
  namespace: shop
  labels: {app: legacy, tier: backend}
spec:
  replicas: 1
  selector: {app: legacy}
  template:
    metadata:
      labels: {app: legacy}
    spec:
      containers:
      - name: legacy
        image: busybox:1.35
`;

// v2 changes the web container's image and env; the sidecar is untouched.
const MANIFEST_V2 = MANIFEST_V1.replace(
  `      - name: web
        image: busybox:1.35
        command: ["httpd", "-f", "-p", "8080"]
        ports:
        - containerPort: 8080
        env:
        - {name: MODE, value: one}`,
  `      - name: web
        image: busybox:1.36
        command: ["httpd", "-f", "-p", "8080"]
        ports:
        - containerPort: 8080
        env:
        - {name: MODE, value: two}
        - {name: EXTRA, value: "yes"}`,
).replace('  color: blue', '  color: green');

export function kubectlSuite(name: string, datastore: () => Promise<{ url?: string; cleanup: () => Promise<void> }>): void {
  describe(`kubectl against k8ts (${name})`, { timeout: 300_000 }, () => {
    let s: TestServer;
    let ds: { url?: string; cleanup: () => Promise<void> };

    before(async () => {
      ds = await datastore();
      // The API server on its own: the columns and objects asserted here are the ones the user wrote,
      // with no controller acting on them (controllers have their own suites).
      s = await TestServer.start({ datastore: ds.url, extraArgs: ['--disable-controller-manager', '--disable-scheduler'] });
    });
    after(async () => {
      await s?.destroy();
      await ds?.cleanup();
    });

    it('serves the system namespaces and api-resources', async () => {
      const ns = await s.k(['get', 'namespaces', '-o', 'name']);
      for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.match(ns, new RegExp(`namespace/${n}\\b`));
      const res = await s.k(['api-resources']);
      assert.match(res, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
      assert.match(res, /^pods\s+po\s+v1\s+true\s+Pod$/m);
      assert.match(res, /^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease$/m);
      assert.match(res, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    });

    it('applies a multi-document YAML', async () => {
      const out = await s.k(['apply', '-f', '-'], MANIFEST_V1);
      for (const line of [
        'namespace/shop created',
        'configmap/settings created',
        'secret/creds created',
        'deployment.apps/web created',
        'service/web created',
        'replicationcontroller/legacy created',
      ]) {
        assert.ok(out.includes(line), `expected "${line}" in:\n${out}`);
      }
      const again = await s.k(['apply', '-f', '-'], MANIFEST_V1);
      assert.match(again, /deployment\.apps\/web unchanged/);
    });

    it('applies changes as a patch that merges containers by name', async () => {
      // A field set by someone else (not in the applied config) must survive the apply.
      await s.k(['-n', 'shop', 'patch', 'deployment', 'web', '--type', 'strategic', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","env":[{"name":"ADDED","value":"by-patch"}]}]}}}}']);
      const gen1 = Number(await s.k(['-n', 'shop', 'get', 'deploy', 'web', '-o', 'jsonpath={.metadata.generation}']));
      const out = await s.k(['apply', '-f', '-'], MANIFEST_V2);
      assert.match(out, /deployment\.apps\/web configured/);
      assert.match(out, /configmap\/settings configured/);
      const d = JSON.parse(await s.k(['-n', 'shop', 'get', 'deployment', 'web', '-o', 'json']));
      const containers = d.spec.template.spec.containers;
      assert.deepEqual(containers.map((c: { name: string }) => c.name), ['web', 'sidecar']);
      assert.equal(containers[0].image, 'busybox:1.36');
      assert.deepEqual(containers[0].env, [
        { name: 'MODE', value: 'two' },
        { name: 'EXTRA', value: 'yes' },
      ]);
      assert.equal(containers[1].image, 'busybox:1.35');
      assert.deepEqual(containers[1].env, [{ name: 'ADDED', value: 'by-patch' }]);
      assert.equal(d.metadata.generation, gen1 + 1);
      assert.equal(await s.k(['-n', 'shop', 'get', 'cm', 'settings', '-o', 'jsonpath={.data.color}']), 'green');
    });

    it('gets in every output format', async () => {
      const y = await s.k(['-n', 'shop', 'get', 'cm', 'settings', '-o', 'yaml']);
      assert.match(y, /^kind: ConfigMap$/m);
      assert.match(y, /^ {2}color: green$/m);
      const j = JSON.parse(await s.k(['-n', 'shop', 'get', 'secret', 'creds', '-o', 'json']));
      assert.equal(Buffer.from(j.data.password, 'base64').toString(), 's3cret');
      assert.equal(j.type, 'Opaque');
      const table = await s.k(['-n', 'shop', 'get', 'deployments']);
      assert.match(table, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
      assert.match(table, /^web\s+0\/2\s+0\s+0\s+\d+s$/m);
      const wide = await s.k(['-n', 'shop', 'get', 'deployments', '-o', 'wide']);
      assert.match(wide, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m);
      assert.match(wide, /web,sidecar\s+busybox:1\.36,busybox:1\.35\s+app=web/);
      const svc = await s.k(['-n', 'shop', 'get', 'svc']);
      assert.match(svc, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m);
      assert.match(svc, /^web\s+ClusterIP\s+/m);
      const jp = await s.k(['-n', 'shop', 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[*].name}']);
      assert.equal(jp, 'web sidecar');
      const pods = await s.kubectl(['get', 'pods', '-A']);
      assert.equal(pods.code, 0);
      assert.match(pods.stderr, /No resources found/);
    });

    it('watches with -w', async () => {
      const p = spawn(tool('kubectl'), ['--kubeconfig', s.kubeconfig, '-n', 'shop', 'get', 'configmaps', '-w', '--output-watch-events'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      try {
        await eventually(() => /settings/.test(out), 15_000);
        await s.k(['-n', 'shop', 'create', 'configmap', 'watched', '--from-literal=a=1']);
        await eventually(() => /ADDED\s+watched/.test(out), 10_000);
        await s.k(['-n', 'shop', 'label', 'configmap', 'watched', 'x=y']);
        await eventually(() => /MODIFIED\s+watched/.test(out), 10_000);
        await s.k(['-n', 'shop', 'delete', 'configmap', 'watched']);
        await eventually(() => /DELETED\s+watched/.test(out), 10_000);
      } finally {
        p.kill('SIGKILL');
      }
    });

    it('selects by labels, equality and set-based', async () => {
      const all = await s.k(['-n', 'shop', 'get', 'cm,deploy,svc,rc', '-l', 'tier in (frontend,backend)', '-o', 'name']);
      assert.deepEqual(all.trim().split('\n').sort(), ['configmap/settings', 'deployment.apps/web', 'replicationcontroller/legacy', 'service/web']);
      const back = await s.k(['-n', 'shop', 'get', 'svc,rc,deploy', '-l', 'tier=backend,app!=legacy', '-o', 'name']);
      assert.equal(back.trim(), 'service/web');
      const notIn = await s.k(['-n', 'shop', 'get', 'deploy,rc', '-l', 'app notin (web)', '-o', 'name']);
      assert.equal(notIn.trim(), 'replicationcontroller/legacy');
      const exists = await s.k(['get', 'ns', '-l', 'team', '-o', 'name']);
      assert.equal(exists.trim(), 'namespace/shop');
      const field = await s.k(['get', 'ns', '--field-selector', 'metadata.name=shop', '-o', 'name']);
      assert.equal(field.trim(), 'namespace/shop');
    });

    it('annotates and labels', async () => {
      await s.k(['-n', 'shop', 'annotate', 'deploy', 'web', 'owner=team-web']);
      assert.equal(await s.k(['-n', 'shop', 'get', 'deploy', 'web', '-o', 'jsonpath={.metadata.annotations.owner}']), 'team-web');
      const again = await s.kubectl(['-n', 'shop', 'annotate', 'deploy', 'web', 'owner=other']);
      assert.notEqual(again.code, 0);
      assert.match(again.stderr, /already has a value \(team-web\)/);
      await s.k(['-n', 'shop', 'annotate', 'deploy', 'web', 'owner=other', '--overwrite']);
      assert.equal(await s.k(['-n', 'shop', 'get', 'deploy', 'web', '-o', 'jsonpath={.metadata.annotations.owner}']), 'other');
      await s.k(['-n', 'shop', 'label', 'cm', 'settings', 'stage=prod']);
      assert.equal((await s.k(['-n', 'shop', 'get', 'cm', '-l', 'stage=prod', '-o', 'name'])).trim(), 'configmap/settings');
    });

    it('patches with strategic, merge and json patches', async () => {
      await s.k(['-n', 'shop', 'patch', 'deploy', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"busybox:1.37"}]}}}}']);
      const d = JSON.parse(await s.k(['-n', 'shop', 'get', 'deploy', 'web', '-o', 'json']));
      assert.deepEqual(d.spec.template.spec.containers.map((c: { image: string }) => c.image), ['busybox:1.37', 'busybox:1.35']);
      await s.k(['-n', 'shop', 'patch', 'cm', 'settings', '--type', 'merge', '-p', '{"data":{"size":null,"shape":"round"}}']);
      const cm = JSON.parse(await s.k(['-n', 'shop', 'get', 'cm', 'settings', '-o', 'json']));
      assert.deepEqual(cm.data, { color: 'green', shape: 'round' });
      await s.k(['-n', 'shop', 'patch', 'svc', 'web', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/ports/0/port","value":81},{"op":"add","path":"/metadata/labels/patched","value":"json"}]']);
      const svc = JSON.parse(await s.k(['-n', 'shop', 'get', 'svc', 'web', '-o', 'json']));
      assert.equal(svc.spec.ports[0].port, 81);
      assert.equal(svc.metadata.labels.patched, 'json');
      const bad = await s.kubectl(['-n', 'shop', 'patch', 'svc', 'web', '--type', 'json', '-p', '[{"op":"test","path":"/spec/ports/0/port","value":1}]']);
      assert.notEqual(bad.code, 0);
    });

    it('scales through the scale subresource', async () => {
      const out = await s.k(['-n', 'shop', 'scale', 'deployment', 'web', '--replicas', '5']);
      assert.match(out, /deployment\.apps\/web scaled/);
      assert.equal(await s.k(['-n', 'shop', 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '5');
      await s.k(['-n', 'shop', 'scale', 'rc', 'legacy', '--replicas', '3']);
      assert.equal(await s.k(['-n', 'shop', 'get', 'rc', 'legacy', '-o', 'jsonpath={.spec.replicas}']), '3');
      const cond = await s.kubectl(['-n', 'shop', 'scale', 'deployment', 'web', '--replicas', '2', '--current-replicas', '4']);
      assert.notEqual(cond.code, 0);
      assert.match(cond.stderr, /Expected replicas to be 4, was 5/);
    });

    it('refuses a replace with a stale resourceVersion', async () => {
      const cm = JSON.parse(await s.k(['-n', 'shop', 'get', 'cm', 'settings', '-o', 'json']));
      await s.k(['-n', 'shop', 'label', 'cm', 'settings', 'bump=1']);
      cm.data.color = 'red';
      const r = await s.kubectl(['replace', '-f', '-'], JSON.stringify(cm));
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Operation cannot be fulfilled on configmaps "settings": the object has been modified; please apply your changes to the latest version and try again/);
      assert.equal(await s.k(['-n', 'shop', 'get', 'cm', 'settings', '-o', 'jsonpath={.data.color}']), 'green');
    });

    it('explains types from the OpenAPI documents', async () => {
      const out = await s.k(['explain', 'deployment.spec.strategy']);
      assert.match(out, /KIND:\s+Deployment/);
      assert.match(out, /rollingUpdate/);
      const pods = await s.k(['explain', 'pods.spec.containers.image']);
      assert.match(pods, /FIELD:\s+image/);
    });

    it('reports invalid objects with every cause', async () => {
      const r = await s.kubectl(['-n', 'shop', 'create', 'deployment', 'Bad_Name', '--image', 'busybox']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Deployment\.apps "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name"/);
    });

    it('keeps everything across a restart', async () => {
      const before = await s.k(['get', 'cm,secret,deploy,svc,rc', '-n', 'shop', '-o', 'name']);
      const rv = await s.k(['-n', 'shop', 'get', 'deploy', 'web', '-o', 'jsonpath={.metadata.resourceVersion}']);
      const ca = readFileSync(join(s.dataDir, 'server', 'tls', 'ca.crt'), 'utf8');
      assert.equal(await s.stop(), 0, 'the server exits 0 on SIGTERM');
      await s.launch();
      assert.equal(readFileSync(join(s.dataDir, 'server', 'tls', 'ca.crt'), 'utf8'), ca, 'the CA is reused');
      const afterList = await s.k(['get', 'cm,secret,deploy,svc,rc', '-n', 'shop', '-o', 'name']);
      assert.equal(afterList, before);
      assert.equal(await s.k(['-n', 'shop', 'get', 'deploy', 'web', '-o', 'jsonpath={.metadata.resourceVersion}']), rv);
      assert.equal(await s.k(['-n', 'shop', 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '5');
    });

    it('deletes', async () => {
      const out = await s.k(['-n', 'shop', 'delete', 'deploy', 'web']);
      assert.match(out, /deployment\.apps "web" deleted/);
      const gone = await s.kubectl(['-n', 'shop', 'get', 'deploy', 'web']);
      assert.notEqual(gone.code, 0);
      assert.match(gone.stderr, /deployments\.apps "web" not found/);
      await s.k(['-n', 'shop', 'delete', 'cm', '--all']);
      assert.match((await s.kubectl(['-n', 'shop', 'get', 'cm'])).stderr, /No resources found in shop namespace/);
    });
  });
}
