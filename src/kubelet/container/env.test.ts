import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from 'kubernetes-types/core/v1.js';
import { EnvError, type EnvContext, type EnvLookups, expandCommand, expandVars, makeEnvironment } from './env.js';
import type { ConfigMap, Pod, Secret } from '../types.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function fixture(configMaps: ConfigMap[], secrets: Secret[]) {
  const calls: string[] = [];
  const lookups = {
    async configMap(ns: string, name: string) {
      calls.push(`cm:${ns}/${name}`);
      return configMaps.find((c) => c.metadata?.namespace === ns && c.metadata?.name === name);
    },
    async secret(ns: string, name: string) {
      calls.push(`secret:${ns}/${name}`);
      return secrets.find((s) => s.metadata?.namespace === ns && s.metadata?.name === name);
    },
  } satisfies EnvLookups;
  return { lookups, calls };
}

const none = fixture([], []).lookups;

function podWith(container: Container, ns = 'test1'): Pod {
  return {
    metadata: { name: 'dapi-test-pod-name', namespace: ns, uid: 'u1', labels: { app: 'x' } },
    spec: { nodeName: 'node-name', serviceAccountName: 'special', containers: [container] },
  };
}

const ctx: EnvContext = { nodeName: 'node-name', hostIP: '10.0.0.1', podIPs: ['1.2.3.4'], serviceEnv: [] };
const asObject = (l: { name: string; value: string }[]) => Object.fromEntries(l.map((e) => [e.name, e.value]));

test('makeEnvironment: env expansion as upstream "env expansion, service env vars"', async () => {
  const container: Container = {
    name: 'c',
    env: [
      { name: 'TEST_LITERAL', value: 'test-test-test' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'OUT_OF_ORDER_TEST', value: '$(OUT_OF_ORDER_TARGET)' },
      { name: 'OUT_OF_ORDER_TARGET', value: 'FOO' },
      { name: 'EMPTY_VAR' },
      { name: 'EMPTY_TEST', value: 'foo-$(EMPTY_VAR)' },
      { name: 'POD_NAME_TEST2', value: 'test2-$(POD_NAME)' },
      { name: 'POD_NAME_TEST3', value: '$(POD_NAME_TEST2)-3' },
      { name: 'LITERAL_TEST', value: 'literal-$(TEST_LITERAL)' },
      { name: 'SERVICE_VAR_TEST', value: '$(TEST_SERVICE_HOST):$(TEST_SERVICE_PORT)' },
      { name: 'TEST_UNDEFINED', value: '$(UNDEFINED_VAR)' },
    ],
  };
  const serviceEnv = [
    { name: 'TEST_SERVICE_HOST', value: '1.2.3.3' },
    { name: 'TEST_SERVICE_PORT', value: '8083' },
  ];
  const env = await makeEnvironment(podWith(container), container, { ...ctx, serviceEnv }, none);
  assert.deepEqual(env, [
    { name: 'TEST_SERVICE_HOST', value: '1.2.3.3' },
    { name: 'TEST_SERVICE_PORT', value: '8083' },
    { name: 'TEST_LITERAL', value: 'test-test-test' },
    { name: 'POD_NAME', value: 'dapi-test-pod-name' },
    { name: 'OUT_OF_ORDER_TEST', value: '$(OUT_OF_ORDER_TARGET)' },
    { name: 'OUT_OF_ORDER_TARGET', value: 'FOO' },
    { name: 'EMPTY_VAR', value: '' },
    { name: 'EMPTY_TEST', value: 'foo-' },
    { name: 'POD_NAME_TEST2', value: 'test2-dapi-test-pod-name' },
    { name: 'POD_NAME_TEST3', value: 'test2-dapi-test-pod-name-3' },
    { name: 'LITERAL_TEST', value: 'literal-test-test-test' },
    { name: 'SERVICE_VAR_TEST', value: '1.2.3.3:8083' },
    { name: 'TEST_UNDEFINED', value: '$(UNDEFINED_VAR)' },
  ]);
});

test('makeEnvironment: envFrom configmap with prefix, env overrides, each object fetched once', async () => {
  const { lookups, calls } = fixture(
    [{ metadata: { namespace: 'test1', name: 'test-config-map' }, data: { REPLACE_ME: 'FROM_CONFIG_MAP', DUPE_TEST: 'CONFIG_MAP' } }],
    [],
  );
  const container: Container = {
    name: 'c',
    envFrom: [{ configMapRef: { name: 'test-config-map' } }, { prefix: 'p_', configMapRef: { name: 'test-config-map' } }],
    env: [
      { name: 'TEST_LITERAL', value: 'test-test-test' },
      { name: 'EXPANSION_TEST', value: '$(REPLACE_ME)' },
      { name: 'DUPE_TEST', value: 'ENV_VAR' },
      { name: 'KEY_REF', valueFrom: { configMapKeyRef: { name: 'test-config-map', key: 'REPLACE_ME' } } },
    ],
  };
  const env = await makeEnvironment(podWith(container), container, { ...ctx, serviceEnv: [{ name: 'DUPE_TEST', value: 'SERVICE' }] }, lookups);
  assert.deepEqual(asObject(env), {
    DUPE_TEST: 'ENV_VAR',
    REPLACE_ME: 'FROM_CONFIG_MAP',
    p_REPLACE_ME: 'FROM_CONFIG_MAP',
    p_DUPE_TEST: 'CONFIG_MAP',
    TEST_LITERAL: 'test-test-test',
    EXPANSION_TEST: 'FROM_CONFIG_MAP',
    KEY_REF: 'FROM_CONFIG_MAP',
  });
  assert.equal(env.length, 7);
  assert.equal(env[0]!.name, 'DUPE_TEST', 'a replaced value keeps its first position');
  assert.deepEqual(calls, ['cm:test1/test-config-map']);
});

test('makeEnvironment: secrets are base64-decoded, envFrom and key refs', async () => {
  const { lookups } = fixture([], [{ metadata: { namespace: 'test1', name: 'test-secret' }, data: { REPLACE_ME: b64('FROM_SECRET'), pw: b64('s3cr3t ✓') } }]);
  const container: Container = {
    name: 'c',
    envFrom: [{ prefix: 'S_', secretRef: { name: 'test-secret' } }],
    env: [
      { name: 'PW', valueFrom: { secretKeyRef: { name: 'test-secret', key: 'pw' } } },
      { name: 'EXP', value: 'x-$(S_REPLACE_ME)' },
    ],
  };
  const env = await makeEnvironment(podWith(container), container, ctx, lookups);
  assert.deepEqual(asObject(env), { S_REPLACE_ME: 'FROM_SECRET', S_pw: 's3cr3t ✓', PW: 's3cr3t ✓', EXP: 'x-FROM_SECRET' });
});

test('makeEnvironment: missing objects and keys fail with upstream messages unless optional', async () => {
  const { lookups } = fixture(
    [{ metadata: { namespace: 'test', name: 'test-config-map' }, data: { a: 'b' } }],
    [{ metadata: { namespace: 'test', name: 'test-secret' }, data: { a: b64('b') } }],
  );
  const run = (c: Container) => makeEnvironment(podWith({ ...c, name: 'c' }, 'test'), { ...c, name: 'c' }, ctx, lookups);
  const cmKey = (name: string, key: string, optional?: boolean) => ({
    name: 'c',
    env: [{ name: 'V', valueFrom: { configMapKeyRef: { name, key, optional } } }],
  });
  const secKey = (name: string, key: string, optional?: boolean) => ({
    name: 'c',
    env: [{ name: 'V', valueFrom: { secretKeyRef: { name, key, optional } } }],
  });
  await assert.rejects(run(cmKey('missing', 'k')), (e: unknown) => e instanceof EnvError && e.message === 'configmap "missing" not found');
  await assert.rejects(run(cmKey('test-config-map', 'k')), { name: 'EnvError', message: "couldn't find key k in ConfigMap test/test-config-map" });
  await assert.rejects(run(secKey('missing', 'k')), { message: 'secret "missing" not found' });
  await assert.rejects(run(secKey('test-secret', 'k')), { message: "couldn't find key k in Secret test/test-secret" });
  await assert.rejects(run({ name: 'c', envFrom: [{ configMapRef: { name: 'missing' } }] }), { message: 'configmap "missing" not found' });
  await assert.rejects(run({ name: 'c', envFrom: [{ secretRef: { name: 'missing' } }] }), { message: 'secret "missing" not found' });
  // optional: the variable is left out
  assert.deepEqual(await run(cmKey('missing', 'k', true)), []);
  assert.deepEqual(await run(cmKey('test-config-map', 'k', true)), []);
  assert.deepEqual(await run(secKey('missing', 'k', true)), []);
  assert.deepEqual(await run(secKey('test-secret', 'k', true)), []);
  assert.deepEqual(await run({ name: 'c', envFrom: [{ configMapRef: { name: 'missing', optional: true } }, { secretRef: { name: 'gone', optional: true } }] }), []);
});

test('makeEnvironment: lookup failures become EnvError with the same message', async () => {
  const lookups: EnvLookups = {
    configMap: async () => {
      throw new Error('connection refused');
    },
    secret: async () => undefined,
  };
  const c: Container = { name: 'c', envFrom: [{ configMapRef: { name: 'x', optional: true } }] };
  await assert.rejects(makeEnvironment(podWith(c), c, ctx, lookups), (e: unknown) => e instanceof EnvError && e.message === 'connection refused');
});

test('makeEnvironment: envFrom keys that cannot be env names are skipped with an event', async () => {
  const { lookups } = fixture([{ metadata: { namespace: 'test1', name: 'cm' }, data: { 'a=b': '1', ok: '2', 'tab\tkey': '3' } }], []);
  const events: string[] = [];
  const c: Container = { name: 'c', envFrom: [{ configMapRef: { name: 'cm' } }] };
  const env = await makeEnvironment(podWith(c), c, { ...ctx, events: (_p, type, reason, msg) => events.push(`${type} ${reason} ${msg}`) }, lookups);
  assert.deepEqual(env, [{ name: 'ok', value: '2' }]);
  assert.deepEqual(events, [
    'Warning InvalidEnvironmentVariableNames Keys [a=b, tab\tkey] from the EnvFrom configMap test1/cm were skipped since they are considered invalid environment variable names.',
  ]);
});

test('makeEnvironment: downward API fields and resources', async () => {
  const c: Container = {
    name: 'c',
    resources: { limits: { memory: '64Mi' }, requests: { cpu: '250m' } },
    env: [
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
      { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      { name: 'HOST_IPS', valueFrom: { fieldRef: { fieldPath: 'status.hostIPs' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'POD_IPS', valueFrom: { fieldRef: { fieldPath: 'status.podIPs' } } },
      { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      { name: 'CPU_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
      { name: 'CPU_LIM', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
    ],
  };
  const env = await makeEnvironment(
    podWith(c),
    c,
    { ...ctx, hostIPs: ['10.0.0.1', 'fd00::1'], podIPs: ['fd00::6', '1.2.3.4'], nodeAllocatable: { cpu: '3', memory: '2Gi' } },
    none,
  );
  assert.deepEqual(asObject(env), {
    POD_NAMESPACE: 'test1',
    POD_UID: 'u1',
    APP: 'x',
    NODE: 'node-name',
    SA: 'special',
    HOST_IP: '10.0.0.1',
    HOST_IPS: '10.0.0.1,fd00::1',
    POD_IP: '1.2.3.4',
    POD_IPS: '1.2.3.4,fd00::6',
    MEM: '64',
    CPU_REQ: '250',
    CPU_LIM: '3',
  });
});

test('makeEnvironment: spec.nodeName falls back to the kubelet node; bad field refs are EnvErrors', async () => {
  const c: Container = { name: 'c', env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }] };
  const pod: Pod = { metadata: { name: 'static', namespace: 'kube-system' }, spec: { containers: [c] } };
  assert.deepEqual(await makeEnvironment(pod, c, { ...ctx, nodeName: 'n1' }, none), [{ name: 'NODE', value: 'n1' }]);
  const bad: Container = { name: 'c', env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'status.phase' } } }] };
  await assert.rejects(makeEnvironment(podWith(bad), bad, ctx, none), (e: unknown) => e instanceof EnvError && e.message === 'unsupported fieldPath: status.phase');
  const badRes: Container = { name: 'c', env: [{ name: 'X', valueFrom: { resourceFieldRef: { resource: 'limits.gpu' } } }] };
  await assert.rejects(makeEnvironment(podWith(badRes), badRes, ctx, none), { name: 'EnvError', message: 'unsupported container resource : limits.gpu' });
});

test('expandCommand and expandVars', () => {
  const env = [
    { name: 'VAR_A', value: 'A' },
    { name: 'PORT', value: '8080' },
  ];
  assert.deepEqual(expandCommand({ command: ['/bin/$(VAR_A)', '$$(VAR_A)'], args: ['--port=$(PORT)', '$(NOPE)'] }, env), {
    command: ['/bin/A', '$(VAR_A)'],
    args: ['--port=8080', '$(NOPE)'],
  });
  assert.deepEqual(expandCommand({}, new Map()), { command: [], args: [] });
  assert.equal(expandVars('$(X)-$(Y)', new Map([['X', '1']])), '1-$(Y)');
});
