import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertPodFieldLabel, extractMetadataField, formatMap, goQuote, podFieldValue, sortPodIPs, splitSubscriptedPath } from './fieldpath.js';
import type { Pod } from '../types.js';

const pod: Pod = {
  metadata: {
    name: 'dapi-test-pod-name',
    namespace: 'downward-api',
    uid: 'uid-1',
    labels: { app: 'web', 'example.com/tier': 'front' },
    annotations: { 'build/commit': 'abc', note: 'say "hi"\nbye' },
  },
  spec: { nodeName: 'node-name', serviceAccountName: 'special', restartPolicy: 'Always', containers: [] },
};

test('splitSubscriptedPath', () => {
  assert.deepEqual(splitSubscriptedPath("metadata.labels['app']"), { path: 'metadata.labels', subscript: 'app' });
  assert.deepEqual(splitSubscriptedPath('metadata.labels'), { path: 'metadata.labels' });
  assert.deepEqual(splitSubscriptedPath("['x']"), { path: "['x']" });
  assert.deepEqual(splitSubscriptedPath("metadata.labels']"), { path: "metadata.labels']" });
});

test('convertPodFieldLabel accepts upstream labels and rejects others', () => {
  assert.equal(convertPodFieldLabel('v1', 'metadata.name'), 'metadata.name');
  assert.equal(convertPodFieldLabel(undefined, 'status.podIPs'), 'status.podIPs');
  assert.equal(convertPodFieldLabel('v1', 'spec.host'), 'spec.nodeName');
  assert.equal(convertPodFieldLabel('v1', "metadata.annotations['a/b']"), "metadata.annotations['a/b']");
  assert.throws(() => convertPodFieldLabel('v2', 'metadata.name'), { message: 'unsupported pod version: v2' });
  assert.throws(() => convertPodFieldLabel('v1', 'spec.containers'), { message: 'field label not supported: spec.containers' });
  assert.throws(() => convertPodFieldLabel('v1', "metadata.name['x']"), { message: "field label does not support subscript: metadata.name['x']" });
});

test('goQuote matches Go %q for common characters', () => {
  assert.equal(goQuote('plain'), '"plain"');
  assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(goQuote('l1\nl2\tx\r'), '"l1\\nl2\\tx\\r"');
  assert.equal(goQuote('\x00\x7f'), '"\\x00\\x7f"');
  assert.equal(goQuote('日本'), '"日本"');
});

test('formatMap sorts keys and quotes values', () => {
  assert.equal(formatMap({ b: '2', a: '1' }), 'a="1"\nb="2"');
  assert.equal(formatMap({}), '');
  assert.equal(formatMap(undefined), '');
});

test('extractMetadataField', () => {
  assert.equal(extractMetadataField(pod, 'metadata.name'), 'dapi-test-pod-name');
  assert.equal(extractMetadataField(pod, 'metadata.namespace'), 'downward-api');
  assert.equal(extractMetadataField(pod, 'metadata.uid'), 'uid-1');
  assert.equal(extractMetadataField(pod, 'metadata.labels'), 'app="web"\nexample.com/tier="front"');
  assert.equal(extractMetadataField(pod, 'metadata.annotations'), 'build/commit="abc"\nnote="say \\"hi\\"\\nbye"');
  assert.equal(extractMetadataField(pod, "metadata.labels['example.com/tier']"), 'front');
  assert.equal(extractMetadataField(pod, "metadata.labels['missing']"), '');
  assert.equal(extractMetadataField(pod, "metadata.annotations['build/commit']"), 'abc');
  assert.throws(() => extractMetadataField(pod, "metadata.labels['bad key']"), /^Error: invalid key subscript in metadata.labels\['bad key'\]: /);
  assert.throws(() => extractMetadataField(pod, 'spec.restartPolicy'), { message: 'unsupported fieldPath: spec.restartPolicy' });
});

test('sortPodIPs keeps one IP per family, node family first', () => {
  assert.deepEqual(sortPodIPs(['fd00::6', '1.2.3.4'], ['10.0.0.1']), ['1.2.3.4', 'fd00::6']);
  assert.deepEqual(sortPodIPs(['1.2.3.4', '192.168.1.1.', 'fd00::6'], []), ['1.2.3.4', 'fd00::6']);
  assert.deepEqual(sortPodIPs(['1.2.3.4', 'fd00::6'], ['fd00::1']), ['fd00::6', '1.2.3.4']);
  assert.deepEqual(sortPodIPs(['1.2.3.4', '5.6.7.8'], []), ['1.2.3.4']);
  assert.deepEqual(sortPodIPs([], []), []);
});

test('podFieldValue: the downward API fields of env vars', () => {
  const ctx = { hostIPs: ['10.0.0.1', 'fd00::1'], podIPs: ['fd00::6', '1.2.3.4'] };
  const v = (fieldPath: string) => podFieldValue(pod, { apiVersion: 'v1', fieldPath }, ctx);
  assert.equal(v('metadata.name'), 'dapi-test-pod-name');
  assert.equal(v('spec.nodeName'), 'node-name');
  assert.equal(v('spec.host'), 'node-name');
  assert.equal(v('spec.serviceAccountName'), 'special');
  assert.equal(v('status.hostIP'), '10.0.0.1');
  assert.equal(v('status.hostIPs'), '10.0.0.1,fd00::1');
  assert.equal(v('status.podIP'), '1.2.3.4');
  assert.equal(v('status.podIPs'), '1.2.3.4,fd00::6');
  assert.equal(v("metadata.labels['app']"), 'web');
  assert.throws(() => v('spec.restartPolicy'), { message: 'unsupported fieldPath: spec.restartPolicy' });
  assert.throws(() => v('status.phase'), { message: 'unsupported fieldPath: status.phase' });
  assert.equal(podFieldValue(pod, { fieldPath: 'status.podIP' }, { hostIPs: ['10.0.0.1'], podIPs: [] }), '');
});

test('podFieldValue: host IPs unknown is an error', () => {
  assert.throws(() => podFieldValue(pod, { fieldPath: 'status.hostIP' }, { hostIPs: [], podIPs: [] }), { message: 'host IP unknown; known addresses: []' });
});
