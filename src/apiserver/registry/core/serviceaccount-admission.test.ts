import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceAccount } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../../../machinery/errors.js';
import { MemoryStore } from '../../../storage/memory/store.js';
import { silentLogger } from '../../../util/logger.js';
import type { KubeObject } from '../../../api/types.js';
import { Registries } from '../../registries.js';
import { admitPodServiceAccount, DEFAULT_API_TOKEN_MOUNT_PATH, tokenVolumeSource } from './serviceaccount-admission.js';

type Json = Record<string, any>;

const PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const EXPECTED_SOURCE = {
  defaultMode: 420,
  sources: [
    { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
    { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
    { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
  ],
};

const pod = (spec: Json = {}, annotations?: Record<string, string>): Json => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', annotations },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec },
});

function admit(p: Json, accounts: ServiceAccount[] = [{ metadata: { name: 'default', namespace: 'ns' } }], suffix = () => 'x2b4z'): Json {
  const lookup = (ns: string, name: string) => accounts.find((a) => a.metadata?.namespace === ns && a.metadata?.name === name);
  admitPodServiceAccount(p as KubeObject, 'ns', { lookup, randomSuffix: suffix });
  return p;
}

const forbidden = (msg: string) => (e: unknown) => e instanceof ApiError && e.code === 403 && e.reason === 'Forbidden' && e.message === msg;

describe('ServiceAccount admission', () => {
  it('defaults serviceAccountName (and the deprecated serviceAccount) to default', () => {
    const p = admit(pod());
    assert.equal(p.spec.serviceAccountName, 'default');
    assert.equal(p.spec.serviceAccount, 'default');
    const q = admit(pod({ serviceAccount: 'builder' }), [{ metadata: { name: 'builder', namespace: 'ns' } }]);
    assert.equal(q.spec.serviceAccountName, 'builder');
    assert.equal(q.spec.serviceAccount, 'builder');
    const r = admit(pod({ serviceAccountName: 'builder', serviceAccount: 'old' }), [{ metadata: { name: 'builder', namespace: 'ns' } }]);
    assert.equal(r.spec.serviceAccount, 'builder');
  });

  it('adds the kube-api-access projected volume and a read-only mount to every container and init container', () => {
    const p = admit(
      pod({
        initContainers: [{ name: 'i', image: 'busybox' }],
        containers: [
          { name: 'a', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/data' }] },
          { name: 'b', image: 'busybox' },
        ],
        ephemeralContainers: [{ name: 'e', image: 'busybox' }],
        volumes: [{ name: 'data', emptyDir: {} }],
      }),
    );
    const mount = { name: 'kube-api-access-x2b4z', readOnly: true, mountPath: PATH };
    assert.deepEqual(p.spec.volumes, [{ name: 'data', emptyDir: {} }, { name: 'kube-api-access-x2b4z', projected: EXPECTED_SOURCE }]);
    assert.deepEqual(p.spec.initContainers[0].volumeMounts, [mount]);
    assert.deepEqual(p.spec.containers[0].volumeMounts, [{ name: 'data', mountPath: '/data' }, mount]);
    assert.deepEqual(p.spec.containers[1].volumeMounts, [mount]);
    assert.equal(p.spec.ephemeralContainers[0].volumeMounts, undefined);
    assert.equal(DEFAULT_API_TOKEN_MOUNT_PATH, PATH);
    assert.deepEqual(tokenVolumeSource(), EXPECTED_SOURCE);
  });

  it('names the volume kube-api-access- plus 5 characters of upstream\'s alphabet', () => {
    const names = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = pod();
      admitPodServiceAccount(p as KubeObject, 'ns', { lookup: () => undefined });
      const name: string = p.spec.volumes[0].name;
      assert.match(name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.equal(p.spec.containers[0].volumeMounts[0].name, name);
      names.add(name);
    }
    assert.ok(names.size > 190, `names repeat too often: ${names.size} distinct of 200`);
  });

  it('mounts nothing when automount is off on the pod, or on the ServiceAccount and the pod does not say', () => {
    const off = admit(pod({ automountServiceAccountToken: false }));
    assert.equal(off.spec.volumes, undefined);
    assert.equal(off.spec.containers[0].volumeMounts, undefined);
    assert.equal(off.spec.serviceAccountName, 'default');
    const sa: ServiceAccount[] = [{ metadata: { name: 'default', namespace: 'ns' }, automountServiceAccountToken: false }];
    const saOff = admit(pod(), sa);
    assert.equal(saOff.spec.volumes, undefined);
    assert.equal(saOff.spec.containers[0].volumeMounts, undefined);
    // The pod's own setting wins over the ServiceAccount's.
    const podOn = admit(pod({ automountServiceAccountToken: true }), sa);
    assert.equal(podOn.spec.volumes[0].name, 'kube-api-access-x2b4z');
  });

  it('respects an existing mount at the token path and an existing kube-api-access volume', () => {
    const own = { name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } };
    const p = admit(
      pod({
        containers: [
          { name: 'a', image: 'busybox', volumeMounts: [{ name: 'token', mountPath: PATH }] },
          { name: 'b', image: 'busybox' },
        ],
        volumes: [own],
      }),
    );
    assert.deepEqual(p.spec.containers[0].volumeMounts, [{ name: 'token', mountPath: PATH }]);
    assert.deepEqual(p.spec.containers[1].volumeMounts, [{ name: 'kube-api-access-x2b4z', readOnly: true, mountPath: PATH }]);
    assert.equal(p.spec.volumes.length, 2);
    // Every container already mounts the path: no volume is added.
    const all = admit(pod({ containers: [{ name: 'a', image: 'busybox', volumeMounts: [{ name: 'token', mountPath: PATH }] }], volumes: [own] }));
    assert.deepEqual(all.spec.volumes, [own]);
    // A kube-api-access-* volume already present is reused, not duplicated.
    const reuse = admit(pod({ volumes: [{ name: 'kube-api-access-abcde', projected: tokenVolumeSource() }] }));
    assert.equal(reuse.spec.volumes.length, 1);
    assert.equal(reuse.spec.containers[0].volumeMounts[0].name, 'kube-api-access-abcde');
  });

  it('copies the ServiceAccount\'s imagePullSecrets only when the pod has none', () => {
    const sa: ServiceAccount[] = [{ metadata: { name: 'default', namespace: 'ns' }, imagePullSecrets: [{ name: 'reg1' }, { name: 'reg2' }] }];
    assert.deepEqual(admit(pod(), sa).spec.imagePullSecrets, [{ name: 'reg1' }, { name: 'reg2' }]);
    assert.deepEqual(admit(pod({ imagePullSecrets: [{ name: 'mine' }] }), sa).spec.imagePullSecrets, [{ name: 'mine' }]);
    assert.equal(admit(pod()).spec.imagePullSecrets, undefined);
  });

  it('leaves mirror pods untouched and refuses the references upstream refuses', () => {
    const mirror = { 'kubernetes.io/config.mirror': 'abc' };
    const p = pod({}, mirror);
    const before = structuredClone(p);
    admit(p);
    assert.deepEqual(p, before);
    assert.throws(() => admit(pod({ serviceAccountName: 'default' }, mirror)), forbidden('pods "p" is forbidden: a mirror pod may not reference service accounts'));
    assert.throws(
      () => admit(pod({ volumes: [{ name: 's', secret: { secretName: 'x' } }] }, mirror)),
      forbidden('pods "p" is forbidden: a mirror pod may not reference secrets'),
    );
    assert.throws(
      () => admit(pod({ containers: [{ name: 'c', image: 'i', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] }, mirror)),
      forbidden('pods "p" is forbidden: a mirror pod may not reference secrets'),
    );
    assert.throws(
      () => admit(pod({ volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }] }, mirror)),
      forbidden('pods "p" is forbidden: a mirror pod may not use ServiceAccountToken volume projections'),
    );
  });

  it('refuses a missing non-default ServiceAccount with upstream\'s message, admits a missing default one', () => {
    assert.throws(
      () => admit(pod({ serviceAccountName: 'nope' })),
      forbidden('pods "p" is forbidden: error looking up service account ns/nope: serviceaccount "nope" not found'),
    );
    const p = admit(pod(), []);
    assert.equal(p.spec.serviceAccountName, 'default');
    assert.equal(p.spec.volumes[0].name, 'kube-api-access-x2b4z');
  });
});

describe('ServiceAccount admission in the pod registry', () => {
  it('reads ServiceAccounts from the watch cache and stores the admitted, defaulted pod', async () => {
    const store = new MemoryStore();
    const ac = new AbortController();
    const regs = new Registries(store, {}, silentLogger);
    await regs.start(ac.signal);
    try {
      await regs.byName('', 'namespaces').create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } });
      const sas = regs.byName('', 'serviceaccounts');
      const pods = regs.byName('', 'pods');
      await sas.create('ns', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder' }, imagePullSecrets: [{ name: 'reg' }] } as KubeObject);
      const created = (await pods.create('ns', pod({ serviceAccountName: 'builder' }) as KubeObject)) as Json;
      assert.equal(created.spec.serviceAccount, 'builder');
      assert.deepEqual(created.spec.imagePullSecrets, [{ name: 'reg' }]);
      const vol = created.spec.volumes[0];
      assert.match(vol.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.deepEqual(vol.projected, EXPECTED_SOURCE);
      assert.deepEqual(created.spec.containers[0].volumeMounts, [{ name: vol.name, readOnly: true, mountPath: PATH }]);
      // The namespace's default ServiceAccount does not exist yet: admitted anyway (k8ts's deviation).
      const d = (await pods.create('ns', { ...pod(), metadata: { name: 'd' } } as KubeObject)) as Json;
      assert.equal(d.spec.serviceAccountName, 'default');
      await assert.rejects(
        pods.create('ns', { ...pod({ serviceAccountName: 'nope' }), metadata: { name: 'n' } } as KubeObject),
        forbidden('pods "n" is forbidden: error looking up service account ns/nope: serviceaccount "nope" not found'),
      );
      assert.equal((pods.get('ns', 'd').obj as Json).spec.volumes.length, 1);
    } finally {
      ac.abort();
    }
  });
});
