import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strategicMergePatch, patchMetaFrom, PatchError, type PatchMeta } from './strategic.js';

// A slice of core/v1 and apps/v1 patch metadata, as upstream's struct tags declare it.
const envVar = patchMetaFrom({});
const containerPort = patchMetaFrom({});
const volumeMount = patchMetaFrom({});
const container: PatchMeta = patchMetaFrom({
  env: { list: true, mergeKey: 'name', strategies: ['merge'], schema: envVar },
  ports: { list: true, mergeKey: 'containerPort', strategies: ['merge'], schema: containerPort },
  volumeMounts: { list: true, mergeKey: 'mountPath', strategies: ['merge'], schema: volumeMount },
  args: { list: true, strategies: [] },
});
const volume = patchMetaFrom({});
const podSpec: PatchMeta = patchMetaFrom({
  containers: { list: true, mergeKey: 'name', strategies: ['merge'], schema: container },
  initContainers: { list: true, mergeKey: 'name', strategies: ['merge'], schema: container },
  volumes: { list: true, mergeKey: 'name', strategies: ['merge', 'retainKeys'], schema: volume },
  tolerations: { list: true, strategies: [] },
});
const objectMeta = patchMetaFrom({
  finalizers: { list: true, strategies: ['merge'] },
  ownerReferences: { list: true, mergeKey: 'uid', strategies: ['merge'] },
});
const pod: PatchMeta = patchMetaFrom({
  metadata: { strategies: [], schema: objectMeta },
  spec: { strategies: [], schema: podSpec },
});
const deployment: PatchMeta = patchMetaFrom({
  metadata: { strategies: [], schema: objectMeta },
  spec: {
    strategies: [],
    schema: patchMetaFrom({
      strategy: { strategies: ['retainKeys'] },
      template: { strategies: [], schema: pod },
    }),
  },
});

const basePod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'web', tier: 'fe' }, finalizers: ['a', 'b'] },
  spec: {
    containers: [
      {
        name: 'app',
        image: 'nginx:1',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        ports: [
          { containerPort: 80, protocol: 'TCP' },
          { containerPort: 443, protocol: 'TCP' },
        ],
        args: ['--x', '--y'],
      },
      { name: 'sidecar', image: 'busybox:1' },
    ],
    volumes: [
      { name: 'data', emptyDir: {} },
      { name: 'cfg', configMap: { name: 'c' } },
    ],
    tolerations: [{ key: 'k', operator: 'Exists' }],
  },
});

const smp = (orig: unknown, patch: unknown, meta: PatchMeta | undefined = pod): any => strategicMergePatch(orig, patch, meta);

test('containers merge by name: change one image, keep the other', () => {
  const out = smp(basePod(), { spec: { containers: [{ name: 'sidecar', image: 'busybox:2' }] } });
  assert.deepEqual(
    out.spec.containers.map((c: any) => [c.name, c.image]),
    [
      ['app', 'nginx:1'],
      ['sidecar', 'busybox:2'],
    ],
  );
  assert.deepEqual(out.spec.containers[0].env, basePod().spec.containers[0]!.env);
});

test('new container is added; order follows upstream interleaving', () => {
  // upstream's mergeSortedSlice puts patch items not in the live list ahead of server-only items
  const out = smp(basePod(), { spec: { containers: [{ name: 'extra', image: 'x' }] } });
  assert.deepEqual(
    out.spec.containers.map((c: any) => c.name),
    ['extra', 'app', 'sidecar'],
  );
  // an item merged into an existing one keeps the live position; new ones go before the next live item
  const out1 = smp(basePod(), { spec: { containers: [{ name: 'sidecar', image: 'y' }, { name: 'extra', image: 'x' }] } });
  assert.deepEqual(
    out1.spec.containers.map((c: any) => c.name),
    ['app', 'sidecar', 'extra'],
  );
  // a new item listed before an existing one in the patch goes before it
  const out2 = smp(basePod(), { spec: { containers: [{ name: 'extra', image: 'x' }, { name: 'app', image: 'nginx:2' }] } });
  assert.deepEqual(
    out2.spec.containers.map((c: any) => c.name),
    ['extra', 'app', 'sidecar'],
  );
});

test('env merges by name, ports by containerPort', () => {
  const out = smp(basePod(), {
    spec: {
      containers: [
        {
          name: 'app',
          env: [
            { name: 'B', value: 'two' },
            { name: 'C', value: '3' },
          ],
          ports: [{ containerPort: 443, name: 'https' }, { containerPort: 8080 }],
        },
      ],
    },
  });
  const app = out.spec.containers[0];
  assert.deepEqual(app.env, [
    { name: 'A', value: '1' },
    { name: 'B', value: 'two' },
    { name: 'C', value: '3' },
  ]);
  assert.deepEqual(app.ports, [
    { containerPort: 80, protocol: 'TCP' },
    { containerPort: 443, protocol: 'TCP', name: 'https' },
    { containerPort: 8080 },
  ]);
  assert.equal(app.image, 'nginx:1');
});

test('lists without a merge strategy are replaced (args, tolerations)', () => {
  const out = smp(basePod(), {
    spec: { containers: [{ name: 'app', args: ['--z'] }], tolerations: [{ key: 'other', operator: 'Equal', value: 'v' }] },
  });
  assert.deepEqual(out.spec.containers[0].args, ['--z']);
  assert.deepEqual(out.spec.tolerations, [{ key: 'other', operator: 'Equal', value: 'v' }]);
});

test('$patch: delete removes an item from a merge list', () => {
  const out = smp(basePod(), { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } });
  assert.deepEqual(
    out.spec.containers.map((c: any) => c.name),
    ['app'],
  );
  const out2 = smp(basePod(), { spec: { containers: [{ name: 'app', env: [{ name: 'A', $patch: 'delete' }] }] } });
  assert.deepEqual(out2.spec.containers[0].env, [{ name: 'B', value: '2' }]);
});

test('$patch: replace on a list and on a map', () => {
  const out = smp(basePod(), { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'i' }] } });
  assert.deepEqual(out.spec.containers, [{ name: 'only', image: 'i' }]);
  const out2 = smp(basePod(), { metadata: { labels: { $patch: 'replace', new: 'yes' } } });
  assert.deepEqual(out2.metadata.labels, { new: 'yes' });
  assert.equal(out2.metadata.name, 'p');
});

test('$patch: delete on a map empties it', () => {
  const out = smp(basePod(), { metadata: { labels: { $patch: 'delete' } } });
  assert.deepEqual(out.metadata.labels, {});
});

test('$patch: merge is rejected as upstream does', () => {
  assert.throws(() => smp(basePod(), { spec: { containers: [{ $patch: 'merge' }] } }), /merging lists cannot yet be specified in the patch/);
  assert.throws(() => smp(basePod(), { metadata: { labels: { $patch: 'merge' } } }), /unknown patch type: merge/);
  assert.throws(() => smp(basePod(), { spec: { containers: [{ name: 'app', $patch: 'bogus' }] } }), PatchError);
});

test('volumes merge by name', () => {
  const out = smp(basePod(), { spec: { volumes: [{ name: 'cfg', configMap: { name: 'c2' } }, { name: 'new', emptyDir: {} }] } });
  assert.deepEqual(out.spec.volumes, [
    { name: 'data', emptyDir: {} },
    { name: 'cfg', configMap: { name: 'c2' } },
    { name: 'new', emptyDir: {} },
  ]);
});

test('$retainKeys clears fields not listed (volume source switch, deployment strategy)', () => {
  const out = smp(basePod(), {
    spec: { volumes: [{ name: 'data', hostPath: { path: '/tmp' }, $retainKeys: ['hostPath', 'name'] }] },
  });
  assert.deepEqual(out.spec.volumes[0], { name: 'data', hostPath: { path: '/tmp' } });

  const dep = { spec: { replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } } };
  const d = smp(dep, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, deployment);
  assert.deepEqual(d.spec, { replicas: 2, strategy: { type: 'Recreate' } });

  assert.throws(
    () => smp(dep, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: {} } } }, deployment),
    (e: unknown) => e instanceof PatchError && e.code === 400 && e.message === 'invalid patch format of retainKeys',
  );
  assert.throws(
    () => smp(dep, { spec: { strategy: { $retainKeys: 'type' } } }, deployment),
    (e: unknown) => e instanceof PatchError && e.kind === 'BadRequest',
  );
});

test('primitive merge list: union (finalizers)', () => {
  const out = smp(basePod(), { metadata: { finalizers: ['c', 'a'] } });
  assert.deepEqual(out.metadata.finalizers, ['c', 'a', 'b']);
  const out2 = smp(basePod(), { metadata: { finalizers: ['b', 'z'] } });
  assert.deepEqual(out2.metadata.finalizers, ['a', 'b', 'z']);
});

test('$deleteFromPrimitiveList removes values', () => {
  const out = smp(basePod(), { metadata: { ['$deleteFromPrimitiveList/finalizers']: ['a'] } });
  assert.deepEqual(out.metadata.finalizers, ['b']);
  const out2 = smp(basePod(), { metadata: { ['$deleteFromPrimitiveList/finalizers']: ['a'], finalizers: ['c'] } });
  assert.deepEqual(out2.metadata.finalizers, ['c', 'b']);
  assert.throws(
    () => smp(basePod(), { metadata: { $deleteFromPrimitiveList: ['a'] } }),
    (e: unknown) => e instanceof PatchError && e.code === 400 && e.message === 'invalid patch format of primitive list',
  );
});

test('$setElementOrder orders merge lists (maps and primitives)', () => {
  const orig = {
    spec: {
      containers: [
        { name: 'a', image: '1' },
        { name: 'b', image: '1' },
        { name: 'c', image: '1' },
      ],
    },
    metadata: { finalizers: ['x', 'y', 'z'] },
  };
  const out = smp(orig, {
    spec: {
      ['$setElementOrder/containers']: [{ name: 'c' }, { name: 'a' }, { name: 'b' }],
      containers: [{ name: 'a', image: '2' }],
    },
  });
  assert.deepEqual(out.spec.containers, [
    { name: 'c', image: '1' },
    { name: 'a', image: '2' },
    { name: 'b', image: '1' },
  ]);
  const out2 = smp(orig, { metadata: { ['$setElementOrder/finalizers']: ['z', 'x', 'y'] } });
  assert.deepEqual(out2.metadata.finalizers, ['z', 'x', 'y']);
  // kubectl apply removing a primitive: delete list plus order of what remains
  const out3 = smp(orig, { metadata: { ['$setElementOrder/finalizers']: ['y', 'x'], ['$deleteFromPrimitiveList/finalizers']: ['z'] } });
  assert.deepEqual(out3.metadata.finalizers, ['y', 'x']);
  // new item added in the middle
  const out4 = smp(orig, {
    spec: {
      ['$setElementOrder/containers']: [{ name: 'a' }, { name: 'n' }, { name: 'b' }, { name: 'c' }],
      containers: [{ name: 'n', image: 'new' }],
    },
  });
  assert.deepEqual(
    out4.spec.containers.map((c: any) => c.name),
    ['a', 'n', 'b', 'c'],
  );
  // a patch whose order disagrees with the directive is rejected
  assert.throws(() =>
    smp(orig, {
      spec: {
        ['$setElementOrder/containers']: [{ name: 'a' }, { name: 'b' }],
        containers: [{ name: 'b', image: '3' }, { name: 'a', image: '3' }],
      },
    }),
  );
});

test('kubectl apply style patch (setElementOrder + delete directive + changes)', () => {
  const out = smp(basePod(), {
    metadata: { labels: { tier: null, ver: '2' } },
    spec: {
      ['$setElementOrder/containers']: [{ name: 'app' }],
      containers: [
        {
          name: 'app',
          image: 'nginx:2',
          ['$setElementOrder/env']: [{ name: 'B' }, { name: 'A' }],
          env: [{ name: 'B', value: '22' }],
        },
        { name: 'sidecar', $patch: 'delete' },
      ],
    },
  });
  assert.deepEqual(out.metadata.labels, { app: 'web', ver: '2' });
  assert.equal(out.spec.containers.length, 1);
  assert.equal(out.spec.containers[0].image, 'nginx:2');
  assert.deepEqual(out.spec.containers[0].env, [
    { name: 'B', value: '22' },
    { name: 'A', value: '1' },
  ]);
});

test('maps merge, null deletes, unknown fields behave like merge patch', () => {
  const out = smp(
    { metadata: { labels: { a: '1', b: '2' }, annotations: { x: 'y' } }, data: { k: 'v' }, list: [1, 2] },
    { metadata: { labels: { a: null, c: '3' }, annotations: null }, data: { k2: 'v2' }, list: [3], missing: null },
  );
  assert.deepEqual(out, { metadata: { labels: { b: '2', c: '3' } }, data: { k: 'v', k2: 'v2' }, list: [3] });
  // no meta at all
  assert.deepEqual(strategicMergePatch({ a: { b: 1, c: [1] } }, { a: { c: [2], d: null } }, undefined), { a: { b: 1, c: [2] } });
});

test('values taken from the patch lose nulls and leftover directives', () => {
  const out = smp({ spec: {} }, { spec: { containers: [{ name: 'a', image: 'i', command: null, env: [{ name: 'X', value: null }] }] } });
  assert.deepEqual(out.spec.containers, [{ name: 'a', image: 'i', env: [{ name: 'X' }] }]);
  const out2 = smp(basePod(), { spec: { containers: [{ name: 'n', image: 'i', ['$setElementOrder/env']: [{ name: 'X' }], env: [{ name: 'X', value: '1' }] }] } });
  assert.deepEqual(
    out2.spec.containers.find((c: any) => c.name === 'n'),
    { name: 'n', image: 'i', env: [{ name: 'X', value: '1' }] },
  );
});

test('type changes replace the value', () => {
  const out = smp({ a: { b: 1 }, c: 'x' }, { a: 'str', c: { d: 1, e: null } });
  assert.deepEqual(out, { a: 'str', c: { d: 1 } });
});

test('ownerReferences merge by uid', () => {
  const orig = { metadata: { ownerReferences: [{ uid: '1', name: 'a' }, { uid: '2', name: 'b' }] } };
  const out = smp(orig, { metadata: { ownerReferences: [{ uid: '2', name: 'bb' }] } });
  assert.deepEqual(out.metadata.ownerReferences, [
    { uid: '1', name: 'a' },
    { uid: '2', name: 'bb' },
  ]);
});

test('errors map to upstream statuses', () => {
  assert.throws(
    () => smp(basePod(), [1]),
    (e: unknown) => e instanceof PatchError && e.code === 400 && e.message === 'invalid JSON document',
  );
  assert.throws(
    () => smp({ metadata: { finalizers: [['a']] } }, { metadata: { finalizers: [['b']] } }),
    (e: unknown) => e instanceof PatchError && e.code === 422 && e.toApiError().reason === 'Invalid',
  );
  assert.throws(
    () => smp(basePod(), { spec: { containers: [{ image: 'no-name' }] } }),
    (e: unknown) => e instanceof PatchError && e.code === 500 && /does not contain declared merge key: name/.test(e.message),
  );
  assert.throws(() => smp({ x: [{ a: 1 }] }, { x: [{ a: 2 }] }, patchMetaFrom({ x: { list: true, strategies: ['merge'] } })), /cannot merge lists without merge key for x/);
});

test('inputs are not mutated', () => {
  const orig = basePod();
  const patch = {
    spec: { ['$setElementOrder/containers']: [{ name: 'sidecar' }, { name: 'app' }], containers: [{ name: 'app', image: 'z', env: [{ name: 'A', $patch: 'delete' }] }] },
  };
  const o2 = structuredClone(orig);
  const p2 = structuredClone(patch);
  smp(orig, patch);
  assert.deepEqual(orig, o2);
  assert.deepEqual(patch, p2);
});

test('whole-object directives and null original', () => {
  assert.deepEqual(smp({ a: 1 }, { $patch: 'replace', b: 2 }), { b: 2 });
  assert.deepEqual(smp(null, { a: { b: 1 } }), { a: { b: 1 } });
});

// ---- cases from upstream's strategicpatch/patch_test.go (MergeItem test type) ----
const mergeItemFields: Record<string, import('./strategic.js').FieldPatchMeta> = {};
const mergeItem: PatchMeta = patchMetaFrom(mergeItemFields);
const retainKeysMergeItem: PatchMeta = patchMetaFrom({
  mergingIntList: { list: true, strategies: ['merge'] },
  mergingList: { list: true, mergeKey: 'name', strategies: ['merge'], schema: mergeItem },
  nonMergingList: { list: true, strategies: [], schema: mergeItem },
});
Object.assign(mergeItemFields, {
  mergingList: { list: true, mergeKey: 'name', strategies: ['merge'], schema: mergeItem },
  nonMergingList: { list: true, strategies: [], schema: mergeItem },
  mergingIntList: { list: true, strategies: ['merge'] },
  nonMergingIntList: { list: true, strategies: [] },
  simpleMap: { strategies: [] },
  replacingItem: { strategies: ['replace'] },
  retainKeysMap: { strategies: ['retainKeys'], schema: retainKeysMergeItem },
  retainKeysMergingList: { list: true, mergeKey: 'name', strategies: ['merge', 'retainKeys'], schema: mergeItem },
});

const upstreamCases: Array<{ d: string; original: unknown; patch: unknown; result?: unknown; error?: RegExp }> = [
  { d: 'unique scalars when merging lists', original: { mergingIntList: [1, 2] }, patch: { mergingIntList: [2, 3] }, result: { mergingIntList: [1, 2, 3] } },
  { d: 'delete map from nested map', original: { simpleMap: { key1: 1, key2: 1 } }, patch: { simpleMap: { $patch: 'delete' } }, result: { simpleMap: {} } },
  { d: 'delete all items from merging list', original: { mergingList: [{ name: 1 }, { name: 2 }] }, patch: { mergingList: [{ $patch: 'replace' }] }, result: { mergingList: [] } },
  { d: 'merge empty merging lists', original: { mergingList: [] }, patch: { mergingList: [] }, result: { mergingList: [] } },
  { d: 'delete all keys from map', original: { name: 1, value: 1 }, patch: { $patch: 'replace' }, result: {} },
  { d: 'add key and delete all keys from map', original: { name: 1, value: 1 }, patch: { other: 'a', $patch: 'replace' }, result: { other: 'a' } },
  {
    d: 'delete all duplicate entries in a merging list',
    original: { mergingList: [{ name: 1 }, { name: 1 }, { name: 2, value: 'a' }, { name: 3 }, { name: 3 }] },
    patch: { mergingList: [{ name: 1, $patch: 'delete' }, { name: 1, $patch: 'delete' }, { name: 3, $patch: 'delete' }, { name: 3, $patch: 'delete' }] },
    result: { mergingList: [{ name: 2, value: 'a' }] },
  },
  { d: 'retainKeys map can add a field when no retainKeys directive present', original: { retainKeysMap: { name: 'foo' } }, patch: { retainKeysMap: { value: 'bar' } }, result: { retainKeysMap: { name: 'foo', value: 'bar' } } },
  { d: 'retainKeys map can delete a field when no retainKeys directive present', original: { retainKeysMap: { name: 'foo', value: 'a' } }, patch: { retainKeysMap: { value: null } }, result: { retainKeysMap: { name: 'foo' } } },
  { d: 'retainKeys map merge an empty map', original: { retainKeysMap: { name: 'foo', value: 'a' } }, patch: { retainKeysMap: {} }, result: { retainKeysMap: { name: 'foo', value: 'a' } } },
  {
    d: 'retainKeys list can change a field when no retainKeys directive present',
    original: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'a' }] },
    patch: { retainKeysMergingList: [{ name: 'foo', value: 'b' }] },
    result: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'b' }] },
  },
  {
    d: 'retainKeys list can delete a field when no retainKeys directive present',
    original: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'a' }] },
    patch: { retainKeysMergingList: [{ name: 'foo', value: null }] },
    result: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo' }] },
  },
  {
    d: 'preserve the order from the patch in a merging list',
    original: { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
    patch: { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }, { name: 2, other: 'x' }] },
    result: { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }, { name: 2, value: 'b', other: 'x' }] },
  },
  {
    d: 'preserve the order from the patch in a merging list 2',
    original: { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
    patch: { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }] },
    result: { mergingList: [{ name: 2, value: 'b' }, { name: 3, value: 'c' }, { name: 1, value: 'a' }] },
  },
  { d: 'preserve the order from the patch in a merging int list', original: { mergingIntList: [1, 2, 3] }, patch: { mergingIntList: [3, 1, 2] }, result: { mergingIntList: [3, 1, 2] } },
  { d: 'preserve the order from the patch in a merging int list 2', original: { mergingIntList: [1, 2, 3] }, patch: { mergingIntList: [3, 1] }, result: { mergingIntList: [2, 3, 1] } },
  {
    d: '$setElementOrder contains item that is not present in the list to be merged',
    original: { mergingList: [{ name: 1 }, { name: 3 }] },
    patch: { '$setElementOrder/mergingList': [{ name: 3 }, { name: 2 }, { name: 1 }], mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }] },
    result: { mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }] },
  },
  {
    d: '$setElementOrder contains item that is not present in the int list to be merged',
    original: { mergingIntList: [1, 3] },
    patch: { '$setElementOrder/mergingIntList': [3, 2, 1] },
    result: { mergingIntList: [3, 1] },
  },
  {
    d: 'should check if order in $setElementOrder and patch list match',
    original: { mergingList: [{ name: 1 }, { name: 3 }, { name: 2 }] },
    patch: { '$setElementOrder/mergingList': [{ name: 1 }, { name: 2 }, { name: 3 }], mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }] },
    error: /doesn't match/,
  },
  {
    d: 'should check if order in $setElementOrder and patch int list match',
    original: { mergingIntList: [1, 3, 2] },
    patch: { '$setElementOrder/mergingIntList': [1, 2, 3], mergingIntList: [3, 1] },
    error: /doesn't match/,
  },
  { d: 'missing merge key should error out', original: { mergingList: [{ name: 1, value: 'a' }] }, patch: { mergingList: [{ value: 'b' }] }, error: /does not contain declared merge key/ },
  { d: 'nil original', original: undefined, patch: { name: 1, value: 1 }, result: { name: 1, value: 1 } },
  { d: 'add field and delete field from map (three-way)', original: { name: 1, other: 'a' }, patch: { name: null, value: 1 }, result: { value: 1, other: 'a' } },
  { d: 'delete field from nested map (three-way)', original: { simpleMap: { key1: 1, key2: 1, other: 'a' } }, patch: { simpleMap: { key2: null } }, result: { simpleMap: { key1: 1, other: 'a' } } },
  { d: 'replace list of scalars', original: { nonMergingIntList: [1, 2] }, patch: { nonMergingIntList: [2, 3] }, result: { nonMergingIntList: [2, 3] } },
  {
    d: 'delete all maps from merging list with conflict (three-way)',
    original: { mergingList: [{ name: 1, other: 'a' }, { name: 2, other: 'b' }] },
    patch: { mergingList: [{ name: 1, $patch: 'delete' }, { name: 2, $patch: 'delete' }] },
    result: { mergingList: [] },
  },
  {
    d: 'delete all maps from empty merging list (three-way)',
    original: { mergingList: [] },
    patch: { mergingList: [{ name: 1, $patch: 'delete' }, { name: 2, $patch: 'delete' }] },
    result: { mergingList: [] },
  },
  { d: 'defined null values should propagate overwrite current fields', original: { name: 'a', other: 'a' }, patch: { name: 1, value: 1, other: null }, result: { name: 1, value: 1 } },
  {
    d: 'delete items in lists of scalars (three-way)',
    original: { mergingIntList: [1, 2, 3, 4] },
    patch: { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
    result: { mergingIntList: [1, 2, 4] },
  },
  {
    d: 'delete all duplicate items in lists of scalars (three-way)',
    original: { mergingIntList: [1, 2, 3, 3, 4] },
    patch: { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
    result: { mergingIntList: [1, 2, 4] },
  },
  {
    d: 'add and delete items in lists of scalars (two-way)',
    original: { mergingIntList: [1, 2, 3] },
    patch: { '$setElementOrder/mergingIntList': [1, 2, 4], '$deleteFromPrimitiveList/mergingIntList': [3], mergingIntList: [4] },
    result: { mergingIntList: [1, 2, 4] },
  },
  {
    d: 'merge lists of maps (two-way)',
    original: { mergingList: [{ name: 1 }, { name: 2, value: 2 }] },
    patch: { '$setElementOrder/mergingList': [{ name: 4 }, { name: 1 }, { name: 2 }, { name: 3 }], mergingList: [{ name: 4, value: 4 }, { name: 3, value: 3 }] },
    result: { mergingList: [{ name: 4, value: 4 }, { name: 1 }, { name: 2, value: 2 }, { name: 3, value: 3 }] },
  },
  {
    d: 'merge lists of maps (three-way)',
    original: { mergingList: [{ name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }] },
    patch: { '$setElementOrder/mergingList': [{ name: 4 }, { name: 1 }, { name: 2 }, { name: 3 }], mergingList: [{ name: 4, value: 4 }, { name: 3, value: 3 }] },
    result: { mergingList: [{ name: 4, value: 4 }, { name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }, { name: 3, value: 3 }] },
  },
  {
    d: 'merge lists of maps with conflict (three-way)',
    original: { mergingList: [{ name: 1, other: 'a' }, { name: 2, value: 3, other: 'b' }] },
    patch: { '$setElementOrder/mergingList': [{ name: 1 }, { name: 2 }, { name: 3 }], mergingList: [{ name: 2, value: 2 }, { name: 3, value: 3 }] },
    result: { mergingList: [{ name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }, { name: 3, value: 3 }] },
  },
  {
    d: 'add field to map in merging list (three-way)',
    original: { mergingList: [{ name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }] },
    patch: { '$setElementOrder/mergingList': [{ name: 1 }, { name: 2 }], mergingList: [{ name: 1, value: 1 }] },
    result: { mergingList: [{ name: 1, value: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }] },
  },
  {
    d: 'replacing item is replaced, not merged',
    original: { replacingItem: { a: 1, b: { c: 2 } } },
    patch: { replacingItem: { b: { d: 3 } } },
    result: { replacingItem: { b: { d: 3 } } },
  },
];

for (const c of upstreamCases) {
  test(`upstream: ${c.d}`, () => {
    if (c.error) {
      assert.throws(() => strategicMergePatch(c.original, c.patch, mergeItem), c.error);
      return;
    }
    assert.deepEqual(strategicMergePatch(c.original, c.patch, mergeItem), c.result);
  });
}
