import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { RESOURCES } from '../../api/resources.js';
import { DEF, definitionName, directRefs, gvksOf, loadDefinitions, type Schema } from './definitions.js';
import { encodeOpenApiV2 } from './protobuf.js';
import { CONTENT_TYPE_V2_PROTOBUF, MIME_V2_PROTOBUF, OpenApiService, negotiate } from './service.js';
import { buildOpenApiV2 } from './v2.js';
import { danglingRefs } from './v3.js';

const defs = loadDefinitions();
const svc = new OpenApiService({ resources: RESOURCES, definitions: defs });
const v2 = svc.v2();

const props = (s: Schema | undefined): Record<string, Schema> => (s?.properties ?? {}) as Record<string, Schema>;
const gvOf = (r: { group: string; version: string }): string => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`);

test('definitions: Pod has spec → PodSpec, status → PodStatus, GVK core/v1 Pod', () => {
  const pod = defs['io.k8s.api.core.v1.Pod'];
  assert.ok(pod);
  assert.equal(pod.type, 'object');
  assert.match(String(pod.description), /collection of containers/);
  assert.equal(props(pod).spec?.$ref, '#/definitions/io.k8s.api.core.v1.PodSpec');
  assert.match(String(props(pod).spec?.description), /desired behavior of the pod/);
  assert.equal(props(pod).status?.$ref, '#/definitions/io.k8s.api.core.v1.PodStatus');
  assert.equal(props(pod).metadata?.$ref, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  assert.deepEqual(gvksOf(pod), [{ group: '', kind: 'Pod', version: 'v1' }]);
});

test('definitions: PodSpec.containers is a required list merged by name', () => {
  const spec = defs['io.k8s.api.core.v1.PodSpec']!;
  assert.ok((spec.required as string[]).includes('containers'));
  const c = props(spec).containers!;
  assert.equal(c.type, 'array');
  assert.deepEqual(c.items, { $ref: '#/definitions/io.k8s.api.core.v1.Container' });
  assert.equal(c['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(c['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(c['x-kubernetes-list-type'], 'map');
  assert.deepEqual(c['x-kubernetes-list-map-keys'], ['name']);
  assert.equal(props(spec).volumes?.['x-kubernetes-patch-strategy'], 'merge,retainKeys');
  const container = defs['io.k8s.api.core.v1.Container']!;
  assert.deepEqual(container.required, ['name']);
  assert.equal(props(container).env?.['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(props(container).volumeMounts?.['x-kubernetes-patch-merge-key'], 'mountPath');
  assert.equal(props(container).ports?.['x-kubernetes-patch-merge-key'], 'containerPort');
  assert.equal(typeof props(container).image?.description, 'string');
});

test('definitions: scalar types as upstream', () => {
  assert.deepEqual(
    { type: defs[DEF.intOrString]?.type, format: defs[DEF.intOrString]?.format },
    { type: 'string', format: 'int-or-string' },
  );
  assert.equal(defs[DEF.quantity]?.type, 'string');
  assert.equal(defs[`${'io.k8s.apimachinery.pkg.apis.meta.v1'}.Time`]?.format, 'date-time');
  const port = props(defs['io.k8s.api.core.v1.ServicePort']);
  assert.equal(port.targetPort?.$ref, `#/definitions/${DEF.intOrString}`);
  assert.deepEqual({ type: port.port?.type, format: port.port?.format }, { type: 'integer', format: 'int32' });
  assert.equal(props(defs['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).generation?.format, 'int64');
  assert.deepEqual(props(defs['io.k8s.api.core.v1.ResourceRequirements']).limits?.additionalProperties, {
    $ref: `#/definitions/${DEF.quantity}`,
  });
  assert.deepEqual(props(defs['io.k8s.api.core.v1.ConfigMap']).data, {
    description: props(defs['io.k8s.api.core.v1.ConfigMap']).data?.description,
    type: 'object',
    additionalProperties: { type: 'string' },
  });
  assert.equal(defs['io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector']?.['x-kubernetes-map-type'], 'atomic');
});

test('v2: every served resource has a GVK-tagged definition, a List definition and its paths', () => {
  for (const r of RESOURCES) {
    const name = definitionName(r.group, r.version, r.kind);
    const def = v2.definitions[name];
    assert.ok(def, `definition ${name}`);
    assert.ok(
      gvksOf(def).some((g) => g.group === r.group && g.version === r.version && g.kind === r.kind),
      `GVK on ${name}`,
    );
    if (r.verbs.includes('list')) assert.ok(v2.definitions[`${name}List`], `${name}List`);
    const prefix = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
    const coll = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.resource}` : `${prefix}/${r.resource}`;
    const pathItem = v2.paths[coll] as Record<string, Schema> | undefined;
    assert.ok(pathItem, `path ${coll}`);
    if (r.verbs.includes('create')) {
      assert.deepEqual(pathItem.post?.['x-kubernetes-group-version-kind'], { group: r.group, kind: r.kind, version: r.version });
      assert.equal(pathItem.post?.['x-kubernetes-action'], 'post');
    }
    if (r.verbs.includes('get')) {
      const item = v2.paths[`${coll}/{name}`] as Record<string, Schema>;
      assert.equal(item.get?.['x-kubernetes-action'], 'get');
      const patch = item.patch!;
      assert.deepEqual(patch.consumes, [
        'application/apply-patch+yaml',
        'application/json-patch+json',
        'application/merge-patch+json',
        'application/strategic-merge-patch+json',
      ]);
      assert.ok((patch.parameters as Schema[]).some((p) => p.name === 'fieldValidation' && p.in === 'query'));
    }
    for (const s of r.subresources) assert.ok(v2.paths[`${coll}/{name}/${s.name}`], `${coll}/{name}/${s.name}`);
  }
});

test('v2: operationIds follow upstream and are unique', () => {
  const ids: string[] = [];
  for (const item of Object.values(v2.paths)) {
    for (const [k, op] of Object.entries(item)) if (k !== 'parameters') ids.push(String((op as Schema).operationId));
  }
  assert.equal(new Set(ids).size, ids.length);
  for (const id of [
    'listCoreV1NamespacedPod',
    'listCoreV1PodForAllNamespaces',
    'createCoreV1NamespacedPod',
    'readCoreV1NamespacedPod',
    'patchCoreV1NamespacedPodStatus',
    'createCoreV1NamespacedPodBinding',
    'createCoreV1NamespacedPodEviction',
    'replaceCoreV1NamespaceFinalize',
    'listCoreV1Node',
    'deleteAppsV1CollectionNamespacedDeployment',
    'readAppsV1NamespacedDeploymentScale',
    'listDiscoveryV1NamespacedEndpointSlice',
    'watchCoordinationV1NamespacedLeaseList',
    'listAutoscalingV2NamespacedHorizontalPodAutoscaler',
    'listStorageV1StorageClass',
    'getAppsAPIGroup',
    'getCoreV1APIResources',
    'getCodeVersion',
  ]) {
    assert.ok(ids.includes(id), id);
  }
  const scale = (v2.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'] as Record<string, Schema>).get!;
  assert.deepEqual(scale['x-kubernetes-group-version-kind'], { group: 'autoscaling', kind: 'Scale', version: 'v1' });
});

test('v2: document is closed under $ref and DeleteOptions carries every served group/version', () => {
  const missing = [...directRefs([v2.paths, v2.definitions])].filter((n) => !v2.definitions[n]);
  assert.deepEqual(missing, []);
  const del = gvksOf(v2.definitions[DEF.deleteOptions]);
  for (const r of RESOURCES) assert.ok(del.some((g) => g.group === r.group && g.version === r.version && g.kind === 'DeleteOptions'));
  assert.equal(v2.swagger, '2.0');
  assert.deepEqual(v2.info, { title: 'Kubernetes', version: 'v1.32.0' });
});

test('v3: the index lists every group/version with the hash of the served document', () => {
  const index = JSON.parse(svc.v3Index().body.toString()) as { paths: Record<string, { serverRelativeURL: string }> };
  for (const doc of ['api', 'apis', 'version', 'apis/apps']) assert.ok(index.paths[doc], doc);
  for (const r of RESOURCES) {
    const entry = index.paths[gvOf(r)];
    assert.ok(entry, gvOf(r));
    const m = /^\/openapi\/v3\/(.+)\?hash=([0-9A-F]{128})$/.exec(entry.serverRelativeURL);
    assert.ok(m, entry.serverRelativeURL);
    const res = svc.handle({ path: `/openapi/v3/${m[1]}`, query: new URLSearchParams({ hash: m[2]! }) })!;
    assert.equal(res.status, 200);
    assert.equal(createHash('sha512').update(res.body).digest('hex').toUpperCase(), m[2]);
    assert.equal(res.headers['Cache-Control'], 'public, immutable');
  }
});

test('v3: what kubectl explain and apply look for is in each group/version document', () => {
  for (const r of RESOURCES) {
    const doc = svc.v3(gvOf(r))!;
    assert.equal(doc.openapi, '3.0.0');
    assert.deepEqual(danglingRefs(doc), []);
    // explain: a path operation names the GVK, and a schema carries it.
    const schema = Object.values(doc.components.schemas).find((s) =>
      gvksOf(s).some((g) => g.group === r.group && g.version === r.version && g.kind === r.kind),
    );
    assert.ok(schema, `schema for ${r.kind} in ${gvOf(r)}`);
    // apply: a PATCH operation for the GVK with the fieldValidation query parameter.
    if (r.verbs.includes('patch')) {
      const patches = Object.values(doc.paths)
        .map((p) => (p as Record<string, Schema>).patch)
        .filter((op): op is Schema => {
          const g = op?.['x-kubernetes-group-version-kind'] as { kind?: string; group?: string } | undefined;
          return g?.kind === r.kind && g.group === r.group;
        });
      assert.ok(patches.length > 0, `patch op for ${r.kind}`);
      for (const op of patches) {
        assert.ok((op.parameters as Schema[]).some((p) => p.name === 'fieldValidation' && p.in === 'query'));
        const content = (op.requestBody as { content: Record<string, unknown> }).content;
        assert.ok(content['application/strategic-merge-patch+json']);
      }
    }
  }
});

test('v3: references with siblings are allOf-wrapped; Quantity and IntOrString are oneOf', () => {
  const doc = svc.v3('api/v1')!;
  const pod = doc.components.schemas['io.k8s.api.core.v1.Pod']!;
  const spec = props(pod).spec!;
  assert.deepEqual(spec.allOf, [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }]);
  assert.equal(typeof spec.description, 'string');
  const containers = props(doc.components.schemas['io.k8s.api.core.v1.PodSpec']).containers!;
  assert.deepEqual(containers.items, { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' });
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  assert.deepEqual(doc.components.schemas[DEF.quantity]?.oneOf, [{ type: 'string' }, { type: 'number' }]);
  assert.deepEqual(doc.components.schemas[DEF.intOrString]?.oneOf, [{ type: 'integer' }, { type: 'string' }]);
  assert.equal(doc.components.schemas[DEF.intOrString]?.format, 'int-or-string');
  // Other groups' documents hold their own kinds, not core's.
  const apps = svc.v3('apis/apps/v1')!;
  assert.ok(apps.components.schemas['io.k8s.api.apps.v1.DeploymentList']);
  assert.ok(!apps.components.schemas['io.k8s.api.core.v1.Service']);
  assert.ok(apps.components.schemas['io.k8s.api.autoscaling.v1.Scale']);
});

/** Minimal protobuf reader for the checks below: field number → raw values. */
function readMessage(buf: Buffer): Map<number, Array<Buffer | number>> {
  const out = new Map<number, Array<Buffer | number>>();
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = buf[i++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
  };
  while (i < buf.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    let val: Buffer | number;
    if (wire === 0) val = varint();
    else if (wire === 2) {
      const len = varint();
      val = buf.subarray(i, i + len);
      i += len;
    } else if (wire === 1) {
      val = buf.readDoubleLE(i);
      i += 8;
    } else throw new Error(`unexpected wire type ${wire}`);
    const list = out.get(field) ?? [];
    list.push(val);
    out.set(field, list);
  }
  return out;
}

test('protobuf: the v2 document encodes as gnostic openapi.v2.Document', () => {
  const pb = svc.v2Protobuf().body;
  const doc = readMessage(pb);
  assert.equal(String(doc.get(1)![0]), '2.0');
  const info = readMessage(doc.get(2)![0] as Buffer);
  assert.equal(String(info.get(1)![0]), 'Kubernetes');
  const definitions = readMessage(doc.get(9)![0] as Buffer).get(1)!.map((b) => readMessage(b as Buffer));
  assert.equal(definitions.length, Object.keys(v2.definitions).length);
  const pod = definitions.find((d) => String(d.get(1)![0]) === 'io.k8s.api.core.v1.Pod')!;
  const schema = readMessage(pod.get(2)![0] as Buffer);
  assert.match(String(schema.get(4)![0]), /collection of containers/);
  assert.equal(String(readMessage(schema.get(22)![0] as Buffer).get(1)![0]), 'object');
  const ext = schema.get(31)!.map((b) => readMessage(b as Buffer));
  const gvk = ext.find((e) => String(e.get(1)![0]) === 'x-kubernetes-group-version-kind')!;
  const yaml = String(readMessage(gvk.get(2)![0] as Buffer).get(2)![0]);
  assert.deepEqual(JSON.parse(yaml), [{ group: '', kind: 'Pod', version: 'v1' }]);
  const properties = readMessage(schema.get(25)![0] as Buffer).get(1)!.map((b) => readMessage(b as Buffer));
  const spec = readMessage(properties.find((p) => String(p.get(1)![0]) === 'spec')!.get(2)![0] as Buffer);
  assert.equal(String(spec.get(1)![0]), '#/definitions/io.k8s.api.core.v1.PodSpec');
  const paths = readMessage(doc.get(8)![0] as Buffer).get(2)!.map((b) => readMessage(b as Buffer));
  assert.equal(paths.length, Object.keys(v2.paths).length);
});

test('protobuf: scalars, repeated and nested messages', () => {
  const pb = encodeOpenApiV2({
    swagger: '2.0',
    definitions: { X: { type: 'array', items: { type: 'integer', format: 'int64' }, maximum: 1.5, maxLength: 300, uniqueItems: true } },
  });
  const doc = readMessage(pb);
  const named = readMessage(readMessage(doc.get(9)![0] as Buffer).get(1)![0] as Buffer);
  const s = readMessage(named.get(2)![0] as Buffer);
  assert.equal(s.get(7)![0], 1.5);
  assert.equal(s.get(11)![0], 300);
  assert.equal(s.get(16)![0], 1);
  const items = readMessage(readMessage(s.get(23)![0] as Buffer).get(1)![0] as Buffer);
  assert.equal(String(items.get(2)![0]), 'int64');
});

test('service: /openapi/v2 content negotiation, ETag and 304', () => {
  const json = svc.handle({ path: '/openapi/v2' })!;
  assert.equal(json.status, 200);
  assert.equal(json.headers['Content-Type'], 'application/json');
  assert.equal(JSON.parse(json.body.toString()).swagger, '2.0');
  const pb = svc.handle({ path: '/openapi/v2', accept: MIME_V2_PROTOBUF })!;
  assert.equal(pb.status, 200);
  assert.equal(pb.headers['Content-Type'], CONTENT_TYPE_V2_PROTOBUF);
  assert.notEqual(pb.headers['ETag'], json.headers['ETag']);
  assert.equal(svc.handle({ path: '/openapi/v2', accept: 'application/json, */*' })!.headers['Content-Type'], 'application/json');
  assert.equal(svc.handle({ path: '/openapi/v2', accept: 'application/xml' })!.status, 406);
  const again = svc.handle({ path: '/openapi/v2', accept: MIME_V2_PROTOBUF, ifNoneMatch: pb.headers['ETag'] })!;
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  assert.equal(svc.handle({ path: '/apis' }), undefined);
});

test('service: /openapi/v3 documents, stale hash redirects, unknown 404', () => {
  const index = svc.handle({ path: '/openapi/v3' })!;
  assert.equal(index.status, 200);
  const url = (JSON.parse(index.body.toString()) as { paths: Record<string, { serverRelativeURL: string }> }).paths['apis/apps/v1']!
    .serverRelativeURL;
  const plain = svc.handle({ path: '/openapi/v3/apis/apps/v1', accept: 'application/json' })!;
  assert.equal(plain.status, 200);
  assert.equal(plain.headers['Cache-Control'], undefined);
  assert.equal(`"${url.split('hash=')[1]}"`, plain.headers['ETag']);
  const stale = svc.handle({ path: '/openapi/v3/apis/apps/v1', query: new URLSearchParams({ hash: 'ABC' }) })!;
  assert.equal(stale.status, 301);
  assert.equal(stale.headers['Location'], url);
  assert.equal(svc.handle({ path: '/openapi/v3/apis/nope/v1' })!.status, 404);
});

test('negotiate: q-values and wildcards', () => {
  const offers = ['application/json', MIME_V2_PROTOBUF];
  assert.equal(negotiate(undefined, offers), 'application/json');
  assert.equal(negotiate('*/*', offers), 'application/json');
  assert.equal(negotiate(`${MIME_V2_PROTOBUF}, application/json;q=0.5`, offers), MIME_V2_PROTOBUF);
  assert.equal(negotiate(`application/json;q=0.9, ${MIME_V2_PROTOBUF}`, offers), MIME_V2_PROTOBUF);
  assert.equal(negotiate('application/*;q=0.1, text/plain', offers), 'application/json');
  assert.equal(negotiate('text/html', offers), undefined);
});

test('documents are deterministic', () => {
  const other = new OpenApiService({ resources: RESOURCES, definitions: defs });
  assert.ok(other.v2Json().body.equals(svc.v2Json().body));
  assert.ok(other.v2Protobuf().body.equals(svc.v2Protobuf().body));
  assert.ok(other.v3Index().body.equals(svc.v3Index().body));
  assert.deepEqual(buildOpenApiV2(RESOURCES, defs), v2);
});
