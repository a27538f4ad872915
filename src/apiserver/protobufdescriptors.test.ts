// Checks dist/protobuf/descriptors.json, written by scripts/gen-protobuf.mjs after tsc, against known
// upstream field numbers of k8s.io generated.proto files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

interface FieldJson {
  name: string;
  number: number;
  type: string;
  typeName?: string;
  repeated: boolean;
}
interface MessageJson {
  fields: FieldJson[];
  mapEntry: boolean;
}
interface DescriptorsJson {
  version: number;
  source: string;
  files: string[];
  messages: Record<string, MessageJson>;
  enums: Record<string, { values: Record<string, number> }>;
}

// Compiled to dist/src/apiserver/protobufdescriptors.test.js.
const FILE = new URL('../../protobuf/descriptors.json', import.meta.url);
const d = JSON.parse(readFileSync(FILE, 'utf8')) as DescriptorsJson;

const CORE = '.k8s.io.api.core.v1';
const META = '.k8s.io.apimachinery.pkg.apis.meta.v1';

function message(name: string): MessageJson {
  const m = d.messages[name];
  assert.ok(m, `message ${name} missing`);
  return m;
}

function field(msg: string, name: string): FieldJson {
  const f = message(msg).fields.find((x) => x.name === name);
  assert.ok(f, `field ${msg}.${name} missing`);
  return f;
}

/** Asserts `msg.name` is a map<keyType, valueType> field with the given number. */
function assertMap(msg: string, name: string, number: number, keyType: string, valueType: string): void {
  const f = field(msg, name);
  assert.equal(f.number, number);
  assert.equal(f.type, 'message');
  assert.equal(f.repeated, true);
  assert.ok(f.typeName);
  const entry = message(f.typeName);
  assert.equal(entry.mapEntry, true);
  assert.deepEqual(
    entry.fields.map((x) => [x.name, x.number, x.type, x.repeated]),
    [
      ['key', 1, keyType, false],
      ['value', 2, valueType, false],
    ],
  );
}

test('header: version, source and the core files', () => {
  assert.equal(d.version, 1);
  assert.match(d.source, /^kubectl v1\.\d+\.\d+/);
  for (const f of [
    'k8s.io/api/core/v1/generated.proto',
    'k8s.io/api/apps/v1/generated.proto',
    'k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto',
    'k8s.io/apimachinery/pkg/runtime/generated.proto',
  ]) {
    assert.ok(d.files.includes(f), f);
  }
  assert.deepEqual(d.files, [...d.files].sort());
  const names = Object.keys(d.messages);
  assert.deepEqual(names, [...names].sort());
  assert.ok(names.length > 1000);
});

test('Pod: metadata=1 spec=2 status=3', () => {
  assert.deepEqual(message(`${CORE}.Pod`), {
    fields: [
      { name: 'metadata', number: 1, type: 'message', typeName: `${META}.ObjectMeta`, repeated: false },
      { name: 'spec', number: 2, type: 'message', typeName: `${CORE}.PodSpec`, repeated: false },
      { name: 'status', number: 3, type: 'message', typeName: `${CORE}.PodStatus`, repeated: false },
    ],
    mapEntry: false,
  });
});

test('PodSpec and Container scalar and repeated fields', () => {
  assert.deepEqual(field(`${CORE}.PodSpec`, 'containers'), {
    name: 'containers',
    number: 2,
    type: 'message',
    typeName: `${CORE}.Container`,
    repeated: true,
  });
  assert.deepEqual(field(`${CORE}.PodSpec`, 'volumes').number, 1);
  assert.deepEqual(field(`${CORE}.PodSpec`, 'initContainers').number, 20);
  const grace = field(`${CORE}.PodSpec`, 'terminationGracePeriodSeconds');
  assert.equal(grace.type, 'int64');
  assert.equal(grace.number, 4);
  assert.equal(field(`${CORE}.PodSpec`, 'hostNetwork').type, 'bool');
  assertMap(`${CORE}.PodSpec`, 'nodeSelector', 7, 'string', 'string');
  assert.deepEqual(field(`${CORE}.Container`, 'name'), { name: 'name', number: 1, type: 'string', repeated: false });
  assert.deepEqual(field(`${CORE}.Container`, 'command'), {
    name: 'command',
    number: 3,
    type: 'string',
    repeated: true,
  });
  assert.equal(field(`${CORE}.ContainerPort`, 'containerPort').type, 'int32');
  assert.equal(field(`${CORE}.ResourceRequirements`, 'limits').typeName, `${CORE}.ResourceRequirements.LimitsEntry`);
  assert.equal(
    message(`${CORE}.ResourceRequirements.LimitsEntry`).fields[1]?.typeName,
    '.k8s.io.apimachinery.pkg.api.resource.Quantity',
  );
});

test('ObjectMeta: name=1 generateName=2 namespace=3 labels=11 (map)', () => {
  const om = `${META}.ObjectMeta`;
  assert.equal(field(om, 'name').number, 1);
  assert.equal(field(om, 'generateName').number, 2);
  assert.equal(field(om, 'namespace').number, 3);
  assert.equal(field(om, 'uid').number, 5);
  assert.equal(field(om, 'resourceVersion').number, 6);
  assert.equal(field(om, 'generation').type, 'int64');
  assert.equal(field(om, 'creationTimestamp').typeName, `${META}.Time`);
  assertMap(om, 'labels', 11, 'string', 'string');
  assertMap(om, 'annotations', 12, 'string', 'string');
  const owner = field(om, 'ownerReferences');
  assert.equal(owner.repeated, true);
  assert.equal(owner.typeName, `${META}.OwnerReference`);
  assert.equal(field(om, 'finalizers').repeated, true);
});

test('ConfigMap and Secret maps', () => {
  assertMap(`${CORE}.ConfigMap`, 'data', 2, 'string', 'string');
  assertMap(`${CORE}.ConfigMap`, 'binaryData', 3, 'string', 'bytes');
  assertMap(`${CORE}.Secret`, 'data', 2, 'string', 'bytes');
  assertMap(`${CORE}.Secret`, 'stringData', 4, 'string', 'string');
  assert.equal(field(`${CORE}.Secret`, 'type').type, 'string');
  assert.equal(field(`${CORE}.Secret`, 'immutable').type, 'bool');
});

test('special apimachinery types', () => {
  assert.deepEqual(
    message('.k8s.io.apimachinery.pkg.util.intstr.IntOrString').fields.map((f) => [f.name, f.number, f.type]),
    [
      ['type', 1, 'int64'],
      ['intVal', 2, 'int32'],
      ['strVal', 3, 'string'],
    ],
  );
  assert.deepEqual(
    message('.k8s.io.apimachinery.pkg.api.resource.Quantity').fields.map((f) => [f.name, f.number, f.type]),
    [['string', 1, 'string']],
  );
  assert.deepEqual(
    message(`${META}.Time`).fields.map((f) => [f.name, f.number, f.type]),
    [
      ['seconds', 1, 'int64'],
      ['nanos', 2, 'int32'],
    ],
  );
  assert.deepEqual(
    message('.k8s.io.apimachinery.pkg.runtime.Unknown').fields.map((f) => [f.name, f.number, f.type]),
    [
      ['typeMeta', 1, 'message'],
      ['raw', 2, 'bytes'],
      ['contentEncoding', 3, 'string'],
      ['contentType', 4, 'string'],
    ],
  );
  assert.equal(field(`${META}.DeleteOptions`, 'gracePeriodSeconds').type, 'int64');
  assert.equal(field(`${META}.DeleteOptions`, 'preconditions').typeName, `${META}.Preconditions`);
  assert.equal(field(`${META}.DeleteOptions`, 'dryRun').repeated, true);
  assert.equal(field(`${META}.ListMeta`, 'resourceVersion').number, 2);
  assert.equal(field(`${META}.LabelSelector`, 'matchLabels').number, 1);
});

test('kinds across API groups exist', () => {
  for (const name of [
    '.k8s.io.api.apps.v1.Deployment',
    '.k8s.io.api.apps.v1.StatefulSet',
    '.k8s.io.api.apps.v1.DaemonSet',
    '.k8s.io.api.apps.v1.ReplicaSet',
    '.k8s.io.api.coordination.v1.Lease',
    '.k8s.io.api.discovery.v1.EndpointSlice',
    '.k8s.io.api.autoscaling.v1.HorizontalPodAutoscaler',
    '.k8s.io.api.autoscaling.v2.HorizontalPodAutoscaler',
    '.k8s.io.api.autoscaling.v1.Scale',
    '.k8s.io.api.batch.v1.CronJob',
    '.k8s.io.api.batch.v1.Job',
    '.k8s.io.api.policy.v1.PodDisruptionBudget',
    '.k8s.io.api.policy.v1.Eviction',
    '.k8s.io.api.storage.v1.StorageClass',
    '.k8s.io.api.events.v1.Event',
    '.k8s.io.api.networking.v1.Ingress',
    '.k8s.io.api.rbac.v1.ClusterRole',
    '.k8s.io.api.authentication.v1.TokenReview',
    '.k8s.io.api.authorization.v1.SubjectAccessReview',
    `${CORE}.Event`,
    `${CORE}.Binding`,
    `${META}.Status`,
    `${META}.WatchEvent`,
    '.k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
  ]) {
    assert.equal(message(name).mapEntry, false, name);
  }
  assert.equal(field('.k8s.io.api.apps.v1.Deployment', 'spec').typeName, '.k8s.io.api.apps.v1.DeploymentSpec');
  assert.equal(field('.k8s.io.api.apps.v1.DeploymentSpec', 'template').typeName, `${CORE}.PodTemplateSpec`);
  assert.equal(field('.k8s.io.api.apps.v1.DeploymentSpec', 'replicas').type, 'int32');
  assert.equal(field('.k8s.io.api.coordination.v1.LeaseSpec', 'renewTime').typeName, `${META}.MicroTime`);
  const ext = '.k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1';
  assertMap(`${ext}.JSONSchemaProps`, 'properties', 29, 'string', 'message');
  assert.deepEqual(message(`${ext}.JSON`).fields.map((f) => [f.name, f.number, f.type]), [['raw', 1, 'bytes']]);
});

test('every referenced type is defined', () => {
  for (const [name, m] of Object.entries(d.messages)) {
    const numbers = new Set<number>();
    for (const f of m.fields) {
      assert.ok(!numbers.has(f.number), `${name}: duplicate field number ${f.number}`);
      numbers.add(f.number);
      if (f.type === 'message') assert.ok(f.typeName && f.typeName in d.messages, `${name}.${f.name} → ${f.typeName}`);
      else if (f.type === 'enum') assert.ok(f.typeName && f.typeName in d.enums, `${name}.${f.name} → ${f.typeName}`);
      else assert.equal(f.typeName, undefined);
    }
  }
});
