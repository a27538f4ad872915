import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenRequest } from 'kubernetes-types/authentication/v1.js';
import { ApiStatusError, type RestClient } from '../../client/rest.js';
import { silentLogger } from '../../util/logger.js';
import { mountsUnder, unmountUnder } from '../runtime/containerd.js';
import type { Pod } from '../types.js';
import { VolumeError } from './errors.js';
import { VolumeManager } from './manager.js';

const root = mkdtempSync(join(tmpdir(), 'k8ts-vol-'));
after(async () => {
  await unmountUnder(root);
  rmSync(root, { recursive: true, force: true });
});

type Obj = Record<string, unknown> & { metadata?: Record<string, unknown> & { name?: string; namespace?: string } };

function fakeClient() {
  const objects = new Map<string, Obj>();
  const tokenCalls: { ns?: string; name: string; body: TokenRequest }[] = [];
  const key = (resource: string, ns: string | undefined, name: string): string => `${resource}/${ns ?? ''}/${name}`;
  const client = {
    async get<T>(res: { resource: string }, ns: string | undefined, name: string): Promise<T> {
      const o = objects.get(key(res.resource, ns, name));
      if (!o) {
        throw new ApiStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 404, reason: 'NotFound', message: `${res.resource} "${name}" not found` });
      }
      return structuredClone(o) as T;
    },
    async createSubresource<T>(_res: unknown, ns: string | undefined, name: string, _sub: string, body: unknown): Promise<T> {
      tokenCalls.push({ ns, name, body: body as TokenRequest });
      return { ...(body as object), status: { token: `token-${tokenCalls.length}`, expirationTimestamp: new Date(Date.now() + 3600_000).toISOString() } } as T;
    },
  } satisfies Pick<RestClient, 'get' | 'createSubresource'>;
  const put = (resource: string, o: Obj): void => void objects.set(key(resource, o.metadata?.namespace, o.metadata!.name!), o);
  return { client: client as unknown as RestClient, put, tokenCalls };
}

function setup(name: string) {
  const f = fakeClient();
  const podsDir = join(root, name, 'pods');
  const vm = new VolumeManager({ podsDir, client: f.client, nodeName: 'node-1', log: silentLogger });
  f.put('nodes', { metadata: { name: 'node-1' }, status: { allocatable: { cpu: '2', memory: '4Gi' } } });
  return { vm, podsDir, ...f };
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const isTmpfs = (dir: string): boolean =>
  readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === dir && l.includes(' - tmpfs '));

test('sets up every plugin, mounts them into containers and tears down without touching hostPath', async () => {
  const { vm, podsDir, put, tokenCalls } = setup('all');
  const host = join(root, 'all', 'host');
  mkdirSync(host, { recursive: true });
  writeFileSync(join(host, 'keep'), 'precious');
  const local = join(root, 'all', 'local');
  mkdirSync(local);
  put('configmaps', { metadata: { name: 'cfg', namespace: 'ns' }, data: { 'app.conf': 'v=1', other: 'o' } });
  put('secrets', { metadata: { name: 'sec', namespace: 'ns' }, data: { password: b64('s3cret') } });
  put('persistentvolumeclaims', { metadata: { name: 'claim', namespace: 'ns', uid: 'pvc-uid' }, spec: { volumeName: 'pv1' }, status: { phase: 'Bound' } });
  put('persistentvolumes', { metadata: { name: 'pv1' }, spec: { claimRef: { uid: 'pvc-uid' }, hostPath: { path: join(host, 'pvdata'), type: 'DirectoryOrCreate' } } });
  put('persistentvolumeclaims', { metadata: { name: 'lclaim', namespace: 'ns', uid: 'l-uid' }, spec: { volumeName: 'pv2' }, status: { phase: 'Bound' } });
  put('persistentvolumes', { metadata: { name: 'pv2' }, spec: { claimRef: { uid: 'l-uid' }, local: { path: local } } });
  const pod: Pod = {
    metadata: { name: 'web', namespace: 'ns', uid: 'uid-all', labels: { app: 'web' } },
    spec: {
      serviceAccountName: 'robot',
      containers: [{ name: 'c', resources: { limits: { memory: '128Mi' } } }],
      volumes: [
        { name: 'scratch', emptyDir: {} },
        { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
        { name: 'host', hostPath: { path: host, type: 'Directory' } },
        { name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'conf/app.conf', mode: 0o600 }] } },
        { name: 'sec', secret: { secretName: 'sec', defaultMode: 0o400 } },
        { name: 'info', downwardAPI: { items: [
          { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
          { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } },
          { path: 'cpu', resourceFieldRef: { containerName: 'c', resource: 'limits.cpu' } },
        ] } },
        { name: 'kube-api-access', projected: { sources: [
          { serviceAccountToken: { path: 'token', audience: 'api' } },
          { configMap: { name: 'cfg', items: [{ key: 'other', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
        ] } },
        { name: 'data', persistentVolumeClaim: { claimName: 'claim', readOnly: true } },
        { name: 'ldata', persistentVolumeClaim: { claimName: 'lclaim' } },
      ],
    },
  };
  const vols = await vm.setUpPod(pod);
  const dir = (plugin: string, n: string): string => join(podsDir, 'uid-all', 'volumes', `kubernetes.io~${plugin}`, n);
  assert.deepEqual(Object.fromEntries(vols.paths), {
    scratch: { hostPath: dir('empty-dir', 'scratch'), readOnly: false },
    mem: { hostPath: dir('empty-dir', 'mem'), readOnly: false },
    host: { hostPath: host, readOnly: false },
    cfg: { hostPath: dir('configmap', 'cfg'), readOnly: true },
    sec: { hostPath: dir('secret', 'sec'), readOnly: true },
    info: { hostPath: dir('downward-api', 'info'), readOnly: true },
    'kube-api-access': { hostPath: dir('projected', 'kube-api-access'), readOnly: true },
    data: { hostPath: join(host, 'pvdata'), readOnly: true },
    ldata: { hostPath: local, readOnly: false },
  });
  assert.equal(statSync(dir('empty-dir', 'scratch')).mode & 0o777, 0o777);
  assert.ok(isTmpfs(dir('empty-dir', 'mem')), 'medium Memory is a tmpfs');
  const memLine = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.split(' ')[4] === dir('empty-dir', 'mem'));
  assert.match(memLine ?? '', / - tmpfs tmpfs rw,size=1024k/);
  assert.ok(isTmpfs(dir('secret', 'sec')) && isTmpfs(dir('projected', 'kube-api-access')), 'secret and projected are tmpfs');
  assert.ok(!isTmpfs(dir('configmap', 'cfg')));
  assert.equal(readFileSync(join(dir('configmap', 'cfg'), 'conf/app.conf'), 'utf8'), 'v=1');
  assert.equal(statSync(join(dir('configmap', 'cfg'), 'conf/app.conf')).mode & 0o777, 0o600);
  assert.equal(readFileSync(join(dir('secret', 'sec'), 'password'), 'utf8'), 's3cret');
  assert.equal(statSync(join(dir('secret', 'sec'), 'password')).mode & 0o777, 0o400);
  assert.equal(readFileSync(join(dir('downward-api', 'info'), 'labels'), 'utf8'), 'app="web"');
  assert.equal(readFileSync(join(dir('downward-api', 'info'), 'mem'), 'utf8'), '128');
  assert.equal(readFileSync(join(dir('downward-api', 'info'), 'cpu'), 'utf8'), '2', 'missing limit → node allocatable');
  const proj = dir('projected', 'kube-api-access');
  assert.equal(readFileSync(join(proj, 'token'), 'utf8'), 'token-1');
  assert.equal(readFileSync(join(proj, 'ca.crt'), 'utf8'), 'o');
  assert.equal(readFileSync(join(proj, 'namespace'), 'utf8'), 'ns');
  assert.equal(tokenCalls.length, 1);
  assert.equal(tokenCalls[0]!.name, 'robot');
  assert.deepEqual(tokenCalls[0]!.body.spec, { audiences: ['api'], expirationSeconds: 3607, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'uid-all' } });
  assert.ok(statSync(join(host, 'pvdata')).isDirectory(), 'PV hostPath DirectoryOrCreate made');

  // Idempotent, and refreshes changed contents.
  const before = readlinkSync(join(dir('configmap', 'cfg'), '..data'));
  await vm.setUpPod(pod);
  assert.equal(readlinkSync(join(dir('configmap', 'cfg'), '..data')), before, 'unchanged contents are not rewritten');
  assert.equal(tokenCalls.length, 1, 'token cached');
  put('configmaps', { metadata: { name: 'cfg', namespace: 'ns' }, data: { 'app.conf': 'v=2', other: 'o2' } });
  await vm.setUpPod(pod);
  assert.equal(readFileSync(join(dir('configmap', 'cfg'), 'conf/app.conf'), 'utf8'), 'v=2');
  assert.equal(readFileSync(join(proj, 'ca.crt'), 'utf8'), 'o2');
  assert.equal(mountsUnder(join(podsDir, 'uid-all')).length, 3, 'no duplicate tmpfs mounts');

  // Container mounts.
  const mounts = vm.containerMounts(pod, {
    name: 'c',
    volumeMounts: [
      { name: 'scratch', mountPath: '/scratch' },
      { name: 'cfg', mountPath: '/etc/app' },
      { name: 'host', mountPath: '/host', readOnly: true, mountPropagation: 'HostToContainer' },
      { name: 'scratch', mountPath: '/logs', subPathExpr: 'logs/$(POD_NAME)' },
      { name: 'cfg', mountPath: '/etc/app.conf', subPath: 'conf/app.conf' },
    ],
  }, vols, new Map([['POD_NAME', 'web']]));
  assert.deepEqual(mounts, [
    { containerPath: '/scratch', hostPath: dir('empty-dir', 'scratch'), readonly: false, propagation: 'PROPAGATION_PRIVATE' },
    { containerPath: '/etc/app', hostPath: dir('configmap', 'cfg'), readonly: true, propagation: 'PROPAGATION_PRIVATE' },
    { containerPath: '/host', hostPath: host, readonly: true, propagation: 'PROPAGATION_HOST_TO_CONTAINER' },
    { containerPath: '/logs', hostPath: join(dir('empty-dir', 'scratch'), 'logs/web'), readonly: false, propagation: 'PROPAGATION_PRIVATE' },
    { containerPath: '/etc/app.conf', hostPath: join(dir('configmap', 'cfg'), readlinkSync(join(dir('configmap', 'cfg'), '..data')), 'conf/app.conf'), readonly: true, propagation: 'PROPAGATION_PRIVATE' },
  ]);
  assert.ok(statSync(join(dir('empty-dir', 'scratch'), 'logs/web')).isDirectory());
  const mountErr = (vm2: Parameters<typeof vm.containerMounts>[1], env = new Map<string, string>()): string => {
    try {
      vm.containerMounts(pod, vm2, vols, env);
    } catch (e) {
      assert.ok(e instanceof VolumeError);
      return e.message;
    }
    return 'no error';
  };
  assert.equal(mountErr({ name: 'c', volumeMounts: [{ name: 'ghost', mountPath: '/g' }] }), 'cannot find volume "ghost" to mount into container "c"');
  assert.equal(mountErr({ name: 'c', volumeMounts: [{ name: 'scratch', mountPath: '/x', subPathExpr: '$(NOPE)' }] }), 'missing value for NOPE');
  assert.equal(mountErr({ name: 'c', volumeMounts: [{ name: 'scratch', mountPath: '/x', subPath: '../up' }] }), "unable to provision SubPath `../up`: must not contain '..'");
  assert.equal(mountErr({ name: 'c', volumeMounts: [{ name: 'scratch', mountPath: '/x', mountPropagation: 'Bidirectional' }] }), 'Bidirectional mount propagation is available only to privileged containers');

  assert.deepEqual(vm.podUidsOnDisk(), ['uid-all']);
  await vm.tearDownPod('uid-all');
  assert.equal(existsSync(join(podsDir, 'uid-all')), false);
  assert.deepEqual(mountsUnder(join(podsDir)), []);
  assert.equal(readFileSync(join(host, 'keep'), 'utf8'), 'precious', 'hostPath contents untouched');
  assert.ok(existsSync(local) && existsSync(join(host, 'pvdata')));
  assert.deepEqual(vm.podUidsOnDisk(), []);
  await vm.tearDownPod('uid-all'); // idempotent
});

test('failures carry upstream text, optional sources are tolerated, every volume is attempted', async () => {
  const { vm, podsDir, put } = setup('errors');
  const file = join(root, 'errors', 'afile');
  mkdirSync(join(root, 'errors'), { recursive: true });
  writeFileSync(file, '');
  put('persistentvolumeclaims', { metadata: { name: 'pending', namespace: 'ns', uid: 'x' }, status: { phase: 'Pending' } });
  const pod: Pod = {
    metadata: { name: 'p', namespace: 'ns', uid: 'uid-err' },
    spec: {
      containers: [{ name: 'c' }],
      volumes: [
        { name: 'ok', emptyDir: {} },
        { name: 'cm', configMap: { name: 'missing' } },
        { name: 'optcm', configMap: { name: 'missing', optional: true } },
        { name: 'sec', secret: { secretName: 'gone' } },
        { name: 'optsec', projected: { sources: [{ secret: { name: 'gone', optional: true } }] } },
        { name: 'claim', persistentVolumeClaim: { claimName: 'nope' } },
        { name: 'pending', persistentVolumeClaim: { claimName: 'pending' } },
        { name: 'hp', hostPath: { path: file, type: 'Directory' } },
        { name: 'nfs', nfs: { server: 'x', path: '/' } },
      ],
    },
  };
  const err = await vm.setUpPod(pod).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof VolumeError);
  assert.equal(err.volume, 'cm');
  assert.equal(err.eventMessage, 'MountVolume.SetUp failed for volume "cm" : configmap "missing" not found');
  assert.deepEqual(err.all.map((e) => [e.volume, e.message]), [
    ['cm', 'configmap "missing" not found'],
    ['sec', 'secret "gone" not found'],
    ['claim', 'persistentvolumeclaim "nope" not found'],
    ['pending', 'PVC ns/pending has non-bound phase ("Pending") or empty pvc.Spec.VolumeName ("")'],
    ['hp', `hostPath type check failed: ${file} is not a directory`],
    ['nfs', 'no volume plugin matched'],
  ]);
  const vdir = join(podsDir, 'uid-err', 'volumes');
  assert.deepEqual(readdirSync(join(vdir, 'kubernetes.io~configmap', 'optcm', '..data')), [], 'optional missing configMap → empty volume');
  assert.ok(existsSync(join(vdir, 'kubernetes.io~projected', 'optsec', '..data')));
  assert.ok(existsSync(join(vdir, 'kubernetes.io~empty-dir', 'ok')));
  await vm.tearDownPod('uid-err');
  assert.equal(existsSync(join(podsDir, 'uid-err')), false);
});

test('concurrent set-ups of one pod are serialized and ephemeral claims must be owned by the pod', async () => {
  const { vm, put } = setup('conc');
  put('secrets', { metadata: { name: 's', namespace: 'ns' }, data: { k: b64('v') } });
  put('persistentvolumeclaims', { metadata: { name: 'p-scratch', namespace: 'ns', uid: 'c1', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'someone-else', controller: true }] }, spec: { volumeName: 'pv' }, status: { phase: 'Bound' } });
  const pod: Pod = {
    metadata: { name: 'p', namespace: 'ns', uid: 'uid-conc' },
    spec: { containers: [{ name: 'c' }], volumes: [{ name: 's', secret: { secretName: 's' } }] },
  };
  const results = await Promise.all([vm.setUpPod(pod), vm.setUpPod(pod), vm.setUpPod(pod)]);
  assert.equal(results.length, 3);
  assert.equal(readFileSync(join(results[0]!.paths.get('s')!.hostPath, 'k'), 'utf8'), 'v');
  const eph: Pod = { ...pod, spec: { containers: [{ name: 'c' }], volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } }] } };
  await assert.rejects(vm.setUpPod(eph), { message: 'PVC ns/p-scratch was not created for pod ns/p (pod is not owner)' });
  await vm.tearDownPod('uid-conc');
  assert.deepEqual(mountsUnder(join(root, 'conc')), []);
});

test('fsGroup re-groups volume contents as upstream SetVolumeOwnership', async () => {
  const { vm, put } = setup('fsgroup');
  put('configmaps', { metadata: { name: 'cfg', namespace: 'ns' }, data: { a: 'A' } });
  const pod: Pod = {
    metadata: { name: 'p', namespace: 'ns', uid: 'uid-fsg' },
    spec: {
      securityContext: { fsGroup: 2345 },
      containers: [{ name: 'c' }],
      volumes: [
        { name: 'scratch', emptyDir: {} },
        { name: 'cfg', configMap: { name: 'cfg' } },
        { name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
      ],
    },
  };
  const vols = await vm.setUpPod(pod);
  const scratch = statSync(vols.paths.get('scratch')!.hostPath);
  assert.equal(scratch.gid, 2345);
  assert.equal(scratch.mode & 0o2000, 0o2000, 'setgid directory');
  const a = statSync(join(vols.paths.get('cfg')!.hostPath, 'a'));
  assert.equal(a.gid, 2345);
  assert.equal(a.mode & 0o777, 0o644);
  const tok = statSync(join(vols.paths.get('tok')!.hostPath, 'token'));
  assert.equal(tok.gid, 2345);
  assert.equal(tok.mode & 0o777, 0o640, 'token 0600 + group read');
  await vm.tearDownPod('uid-fsg');
});

test('memoryBackedSecrets: false keeps secret volumes on disk', async () => {
  const f = fakeClient();
  const podsDir = join(root, 'disk', 'pods');
  const vm = new VolumeManager({ podsDir, client: f.client, nodeName: 'n', log: silentLogger, memoryBackedSecrets: false });
  f.put('secrets', { metadata: { name: 's', namespace: 'ns' }, data: { k: b64('v') } });
  const vols = await vm.setUpPod({ metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec: { containers: [{ name: 'c' }], volumes: [{ name: 's', secret: { secretName: 's' } }] } });
  assert.equal(isTmpfs(vols.paths.get('s')!.hostPath), false);
  assert.deepEqual(mountsUnder(podsDir), []);
  await vm.tearDownPod('u');
});
