import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ManifestError,
  canonicalJson,
  decodeManifests,
  isMirrorPod,
  isMirrorPodOf,
  isStaticPod,
  staticPodFromManifest,
  staticPodsFromText,
} from './staticpod.js';
import type { Pod } from '../types.js';

const manifest = (name = 'web', image = 'busybox') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: name } },
  spec: { containers: [{ name: 'c', image, command: ['sleep', '3600'] }] },
});

describe('staticPodFromManifest', () => {
  it('applies the kubelet and API server defaults', () => {
    const p = staticPodFromManifest(manifest(), 'file', 'node-a', '/etc/k8ts/manifests/web.yaml');
    assert.equal(p.metadata!.name, 'web-node-a');
    assert.equal(p.metadata!.namespace, 'default');
    assert.match(String(p.metadata!.uid), /^[0-9a-f]{32}$/);
    assert.equal(p.spec?.nodeName, 'node-a');
    assert.deepEqual(p.metadata!.annotations, {
      'kubernetes.io/config.hash': p.metadata!.uid,
      'kubernetes.io/config.source': 'file',
    });
    assert.deepEqual(p.metadata!.labels, { app: 'web' });
    assert.deepEqual(p.spec?.tolerations, [{ operator: 'Exists', effect: 'NoExecute' }]);
    assert.equal(p.spec?.restartPolicy, 'Always');
    assert.equal(p.spec?.dnsPolicy, 'ClusterFirst');
    assert.equal(p.spec?.terminationGracePeriodSeconds, 30);
    assert.equal(p.spec?.schedulerName, 'default-scheduler');
    assert.equal(p.spec?.enableServiceLinks, true);
    const c = p.spec!.containers[0]!;
    assert.equal(c.imagePullPolicy, 'Always');
    assert.equal(c.terminationMessagePath, '/dev/termination-log');
    assert.equal(c.terminationMessagePolicy, 'File');
    assert.deepEqual(p.status, { phase: 'Pending' });
  });

  it('pulls a tagged image IfNotPresent, keeps a given namespace and does not add the toleration for http pods', () => {
    const m = manifest('api', 'busybox:1.35');
    (m.metadata as Record<string, unknown>).namespace = 'kube-system';
    const p = staticPodFromManifest(m, 'http', 'n1', 'http://127.0.0.1/pods');
    assert.equal(p.spec!.containers[0]!.imagePullPolicy, 'IfNotPresent');
    assert.equal(p.metadata!.namespace, 'kube-system');
    assert.equal(p.metadata!.annotations?.['kubernetes.io/config.source'], 'http');
    assert.equal(p.spec?.tolerations, undefined);
  });

  it('keeps an existing NoExecute toleration once and other tolerations as they are', () => {
    const m = manifest() as Record<string, any>;
    m.spec.tolerations = [{ key: 'x', operator: 'Exists', effect: 'NoSchedule' }, { operator: 'Exists', effect: 'NoExecute' }];
    const p = staticPodFromManifest(m, 'file', 'n1', '/m.yaml');
    assert.deepEqual(p.spec?.tolerations, m.spec.tolerations);
  });

  it('derives the uid from content, node and origin; an explicit uid wins', () => {
    const a = staticPodFromManifest(manifest(), 'file', 'n1', '/m/web.yaml');
    assert.equal(staticPodFromManifest(manifest(), 'file', 'n1', '/m/web.yaml').metadata!.uid, a.metadata!.uid);
    // Key order does not matter.
    const reordered = { spec: manifest().spec, metadata: manifest().metadata, kind: 'Pod', apiVersion: 'v1' };
    assert.equal(staticPodFromManifest(reordered, 'file', 'n1', '/m/web.yaml').metadata!.uid, a.metadata!.uid);
    assert.notEqual(staticPodFromManifest(manifest('web', 'busybox:1.36'), 'file', 'n1', '/m/web.yaml').metadata!.uid, a.metadata!.uid);
    assert.notEqual(staticPodFromManifest(manifest(), 'file', 'n2', '/m/web.yaml').metadata!.uid, a.metadata!.uid);
    assert.notEqual(staticPodFromManifest(manifest(), 'file', 'n1', '/m/other.yaml').metadata!.uid, a.metadata!.uid);
    assert.notEqual(staticPodFromManifest(manifest(), 'http', 'n1', '/m/web.yaml').metadata!.uid, a.metadata!.uid);
    const withUid = manifest() as Record<string, any>;
    withUid.metadata!.uid = 'my-uid';
    const u = staticPodFromManifest(withUid, 'file', 'n1', '/m/web.yaml');
    assert.equal(u.metadata!.uid, 'my-uid');
    assert.equal(u.metadata!.annotations?.['kubernetes.io/config.hash'], 'my-uid');
  });

  it('does not mutate its input and drops server-owned fields', () => {
    const m = manifest() as Record<string, any>;
    m.metadata!.resourceVersion = '12';
    m.status = { phase: 'Running' };
    const before = JSON.stringify(m);
    const p = staticPodFromManifest(m, 'file', 'n1');
    assert.equal(JSON.stringify(m), before);
    assert.equal(p.metadata!.resourceVersion, undefined);
    assert.deepEqual(p.status, { phase: 'Pending' });
  });

  it('rejects what is not a valid pod', () => {
    assert.throws(() => staticPodFromManifest({ ...manifest(), kind: 'Service' }, 'file', 'n1'), /expected kind Pod/);
    assert.throws(() => staticPodFromManifest({ ...manifest(), apiVersion: 'v2' }, 'file', 'n1'), /unsupported apiVersion/);
    assert.throws(() => staticPodFromManifest({ apiVersion: 'v1', kind: 'Pod', spec: manifest().spec }, 'file', 'n1'), /name is needed for the pod/);
    const noImage = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [{ name: 'c' }] } };
    assert.throws(
      () => staticPodFromManifest(noImage, 'file', 'n1'),
      (e: unknown) => e instanceof ManifestError && e.invalid && /spec\.containers\[0\]\.image: Required value/.test(e.message),
    );
    assert.throws(() => staticPodFromManifest({ ...manifest('Bad_Name') }, 'file', 'n1'), /metadata\.name: Invalid value/);
  });
});

describe('decodeManifests', () => {
  it('reads multi-document YAML, PodList, List and JSON; skips empty documents', () => {
    const yaml = `---
apiVersion: v1
kind: Pod
metadata: {name: a}
spec: {containers: [{name: c, image: busybox}]}
---
---
apiVersion: v1
kind: PodList
items:
- metadata: {name: b}
  spec: {containers: [{name: c, image: busybox}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: c}
  spec: {containers: [{name: c, image: busybox}]}
`;
    const objs = decodeManifests(yaml) as Array<Record<string, any>>;
    assert.deepEqual(
      objs.map((o) => [o.kind, o.apiVersion, o.metadata!.name]),
      [
        ['Pod', 'v1', 'a'],
        ['Pod', 'v1', 'b'],
        ['Pod', 'v1', 'c'],
      ],
    );
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [manifest('d')] });
    assert.deepEqual((decodeManifests(json) as Array<Record<string, any>>).map((o) => o.metadata!.name), ['d']);
    assert.deepEqual(decodeManifests(''), []);
    assert.deepEqual(decodeManifests('# only a comment\n'), []);
  });

  it('throws on syntax errors and non-objects', () => {
    assert.throws(() => decodeManifests('a: [1, 2\nb: }'), ManifestError);
    assert.throws(() => decodeManifests('{"kind": "Pod",'), /invalid YAML/);
    assert.throws(() => decodeManifests('- 1\n- 2\n'), /expected an object/);
    assert.throws(() => decodeManifests('kind: PodList\napiVersion: v1\nitems: 3\n'), /must be a list/);
  });

  it('staticPodsFromText is all or nothing', () => {
    const text = `${JSON.stringify(manifest('a'))}\n---\nkind: Service\napiVersion: v1\nmetadata: {name: s}\n`;
    assert.throws(() => staticPodsFromText(text, 'file', 'n1', '/x.yaml'), /expected kind Pod/);
    assert.equal(staticPodsFromText(JSON.stringify(manifest('a')), 'file', 'n1', '/x.yaml').length, 1);
  });
});

describe('static and mirror pod predicates', () => {
  const sp = staticPodFromManifest(manifest(), 'file', 'n1', '/m.yaml');
  const mirror: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: sp.metadata!.name, namespace: 'default', uid: 'api-uid', annotations: { ...sp.metadata!.annotations, 'kubernetes.io/config.mirror': String(sp.metadata!.uid) } },
  };
  it('tells static, mirror and API pods apart', () => {
    assert.equal(isStaticPod(sp), true);
    assert.equal(isMirrorPod(sp), false);
    assert.equal(isMirrorPod(mirror), true);
    const apiPod: Pod = { metadata: { name: 'x', annotations: { 'kubernetes.io/config.source': 'api' } } };
    assert.equal(isStaticPod(apiPod), false);
    assert.equal(isStaticPod({ metadata: { name: 'y' } }), false);
  });
  it('pairs a mirror pod with its static pod by name and hash', () => {
    assert.equal(isMirrorPodOf(mirror, sp), true);
    const stale = structuredClone(mirror);
    stale.metadata!.annotations!['kubernetes.io/config.mirror'] = 'old';
    assert.equal(isMirrorPodOf(stale, sp), false);
    const other = structuredClone(mirror);
    other.metadata!.namespace = 'other';
    assert.equal(isMirrorPodOf(other, sp), false);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined members', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } }), '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });
});
