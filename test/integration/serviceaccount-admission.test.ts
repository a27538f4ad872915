/**
 * The ServiceAccount admission plugin through a real server and the real kubectl (no node needed):
 * pods get serviceAccountName default and the kube-api-access token volume mounted in every
 * container, nothing when automount is off, and a pod naming a missing ServiceAccount is refused
 * with upstream's Forbidden message.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestServer, eventually } from '../support/server.js';

const PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

describe('ServiceAccount admission', () => {
  let s: TestServer;
  const getPod = async (name: string) => JSON.parse(await s.k(['get', 'pod', name, '-o', 'json']));

  before(async () => {
    s = await TestServer.start();
    // The serviceaccount controller creates the namespace's default account.
    await eventually(async () => {
      return s.k(['get', 'serviceaccount', 'default']);
    });
  });
  after(async () => {
    await s?.destroy();
  });

  it('defaults a kubectl run pod to the default ServiceAccount with the kube-api-access volume', async () => {
    await s.k(['run', 'web', '--image=busybox', '--', 'sleep', '3600']);
    const pod = await getPod('web');
    assert.equal(pod.spec.serviceAccountName, 'default');
    assert.equal(pod.spec.serviceAccount, 'default');
    const vols = pod.spec.volumes.filter((v: any) => v.name.startsWith('kube-api-access-'));
    assert.equal(vols.length, 1);
    assert.match(vols[0].name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(vols[0].projected, {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    });
    assert.deepEqual(pod.spec.containers[0].volumeMounts, [{ name: vols[0].name, readOnly: true, mountPath: PATH }]);
  });

  it('mounts the token in init containers too, and in no container when automount is off', async () => {
    const manifest = (name: string, automount?: boolean) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: {
          ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
          initContainers: [{ name: 'init', image: 'busybox', command: ['true'] }],
          containers: [
            { name: 'a', image: 'busybox' },
            { name: 'b', image: 'busybox' },
          ],
        },
      });
    await s.k(['create', '-f', '-'], manifest('two'));
    const pod = await getPod('two');
    const vol = pod.spec.volumes.find((v: any) => v.name.startsWith('kube-api-access-'));
    for (const c of [...pod.spec.initContainers, ...pod.spec.containers]) {
      assert.deepEqual(c.volumeMounts, [{ name: vol.name, readOnly: true, mountPath: PATH }], c.name);
    }
    await s.k(['create', '-f', '-'], manifest('quiet', false));
    const quiet = await getPod('quiet');
    assert.equal(quiet.spec.serviceAccountName, 'default');
    assert.equal(quiet.spec.volumes, undefined);
    for (const c of [...quiet.spec.initContainers, ...quiet.spec.containers]) assert.equal(c.volumeMounts, undefined, c.name);
    // The ServiceAccount's own setting applies when the pod says nothing.
    await s.k(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'nomount' }, automountServiceAccountToken: false }));
    await s.k(['run', 'sa-off', '--image=busybox', '--overrides={"spec":{"serviceAccountName":"nomount"}}']);
    const off = await getPod('sa-off');
    assert.equal(off.spec.serviceAccountName, 'nomount');
    assert.equal(off.spec.volumes, undefined);
  });

  it('refuses a pod naming a ServiceAccount that does not exist, with the text kubectl prints', async () => {
    const r = await s.kubectl(['run', 'lost', '--image=busybox', '--overrides={"spec":{"serviceAccountName":"nope"}}']);
    assert.notEqual(r.code, 0);
    assert.equal(
      r.stderr.trim(),
      'Error from server (Forbidden): pods "lost" is forbidden: error looking up service account default/nope: serviceaccount "nope" not found',
    );
    const get = await s.kubectl(['get', 'pod', 'lost']);
    assert.match(get.stderr, /NotFound/);
  });
});
