import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage } from './fielderrors.js';
import type { FieldError } from './fielderrors.js';
import {
  maskTrailingDash,
  nameIsDNSLabel,
  validateAnnotations,
  validateLabelSelector,
  validateLabels,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './objectmeta.js';

const msgs = (errs: FieldError[]): string[] => errs.map(fieldErrorMessage);

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

test('name: required, syntax, generateName prefix', () => {
  assert.deepEqual(msgs(validateObjectMeta({ namespace: 'default' }, { namespaced: true })), ['metadata.name: Required value: name or generateName is required']);
  assert.deepEqual(msgs(validateObjectMeta({ name: 'Bad_Name', namespace: 'default' }, { namespaced: true })), [
    `metadata.name: Invalid value: "Bad_Name": ${SUBDOMAIN}`,
  ]);
  assert.deepEqual(validateObjectMeta({ generateName: 'web-', name: 'web-x1y2z', namespace: 'default' }, { namespaced: true }), []);
  assert.deepEqual(msgs(validateObjectMeta({ generateName: 'Web-', name: 'web-abc', namespace: 'ns' }, { namespaced: true })), [
    `metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN}`,
  ]);
  assert.equal(maskTrailingDash('abc-'), 'aba');
  assert.equal(maskTrailingDash('-'), '-');
});

test('namespace required iff namespaced, and a DNS label', () => {
  assert.deepEqual(msgs(validateObjectMeta({ name: 'a' }, { namespaced: true })), ['metadata.namespace: Required value']);
  assert.deepEqual(msgs(validateObjectMeta({ name: 'a', namespace: 'x' }, { namespaced: false })), ['metadata.namespace: Forbidden: not allowed on this type']);
  assert.deepEqual(msgs(validateObjectMeta({ name: 'a', namespace: 'a.b' }, { namespaced: true })), [
    'metadata.namespace: Invalid value: "a.b": must not contain dots',
  ]);
});

test('custom name rule', () => {
  assert.deepEqual(msgs(validateObjectMeta({ name: 'a.b' }, { namespaced: false, nameFn: nameIsDNSLabel })), ['metadata.name: Invalid value: "a.b": must not contain dots']);
  assert.deepEqual(validateObjectMeta({ name: 'anything' }, { namespaced: false, nameFn: () => [] }), []);
});

test('labels and annotations', () => {
  assert.deepEqual(validateLabels({ 'app.kubernetes.io/name': 'web', tier: '' }), []);
  assert.deepEqual(msgs(validateLabels({ 'bad key': 'v' })), [
    "metadata.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
  ]);
  assert.deepEqual(msgs(validateLabels({ k: '-v' })), [
    "metadata.labels: Invalid value: \"-v\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  ]);
  // Annotation keys are checked case-insensitively, values are free-form.
  assert.deepEqual(validateAnnotations({ 'Example.COM/Key': 'any value at all: {}' }), []);
  assert.deepEqual(msgs(validateAnnotations({ big: 'x'.repeat(256 * 1024) })), ['metadata.annotations: Too long: must have at most 262144 bytes']);
  assert.deepEqual(validateAnnotations({ b: 'x'.repeat(256 * 1024 - 1) }), []);
});

test('owner references and finalizers', () => {
  const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true };
  assert.deepEqual(validateObjectMeta({ name: 'a', ownerReferences: [ref] }, { namespaced: false }), []);
  assert.deepEqual(msgs(validateObjectMeta({ name: 'a', ownerReferences: [{ apiVersion: '', kind: '', name: '', uid: '' }] }, { namespaced: false })), [
    'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
    'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
    'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
    'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
  ]);
  const two = validateObjectMeta({ name: 'a', ownerReferences: [ref, { ...ref, name: 'rs2', uid: 'u2' }] }, { namespaced: false });
  assert.equal(two.length, 1);
  assert.equal(two[0]!.field, 'metadata.ownerReferences');
  assert.equal(two[0]!.detail, 'Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/rs and ReplicaSet/rs2');
  const ev = validateObjectMeta({ name: 'a', ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }] }, { namespaced: false });
  assert.equal(ev[0]!.detail, '/v1, Kind=Event is disallowed from being an owner');
  assert.deepEqual(validateObjectMeta({ name: 'a', finalizers: ['kubernetes.io/pvc-protection', 'foregroundDeletion'] }, { namespaced: false }), []);
  const both = validateObjectMeta({ name: 'a', finalizers: ['orphan', 'foregroundDeletion'] }, { namespaced: false });
  assert.equal(both[0]!.detail, 'finalizer orphan and foregroundDeletion cannot be both set');
  assert.equal(validateObjectMeta({ name: 'a', finalizers: ['bad finalizer'] }, { namespaced: false })[0]!.field, 'metadata.finalizers');
});

test('generation must not be negative', () => {
  assert.deepEqual(msgs(validateObjectMeta({ name: 'a', generation: -1 }, { namespaced: false })), [
    'metadata.generation: Invalid value: -1: must be greater than or equal to 0',
  ]);
});

test('update: immutable fields, resourceVersion, generation, finalizers while deleting', () => {
  const old = { name: 'a', namespace: 'ns', uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z', resourceVersion: '5', generation: 2 };
  assert.deepEqual(validateObjectMetaUpdate({ ...old, labels: { a: 'b' } }, old), []);
  assert.deepEqual(msgs(validateObjectMetaUpdate({ ...old, name: 'b', uid: 'u2' }, old)), [
    'metadata.name: Invalid value: "b": field is immutable',
    'metadata.uid: Invalid value: "u2": field is immutable',
  ]);
  assert.deepEqual(msgs(validateObjectMetaUpdate({ ...old, namespace: 'other' }, old)), ['metadata.namespace: Invalid value: "other": field is immutable']);
  assert.deepEqual(msgs(validateObjectMetaUpdate({ ...old, creationTimestamp: '2025-01-01T00:00:00Z' }, old)), [
    'metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable',
  ]);
  assert.deepEqual(msgs(validateObjectMetaUpdate({ ...old, resourceVersion: '' }, old)), ['metadata.resourceVersion: Invalid value: "": must be specified for an update']);
  assert.deepEqual(msgs(validateObjectMetaUpdate({ ...old, generation: 1 }, old)), ['metadata.generation: Invalid value: 1: must not be decremented']);
  const deleting = { ...old, deletionTimestamp: '2024-02-02T00:00:00Z', finalizers: ['a.io/x'] };
  assert.deepEqual(msgs(validateObjectMetaUpdate({ ...deleting, finalizers: ['a.io/x', 'b.io/y'] }, deleting)), [
    'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}',
  ]);
  assert.deepEqual(validateObjectMetaUpdate({ ...deleting, finalizers: [] }, deleting), []);
});

test('label selectors', () => {
  assert.deepEqual(validateLabelSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] }, 'spec.selector'), []);
  assert.deepEqual(msgs(validateLabelSelector({ matchExpressions: [{ key: 'tier', operator: 'In' }] }, 'spec.selector')), [
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
  ]);
  assert.deepEqual(msgs(validateLabelSelector({ matchExpressions: [{ key: 'tier', operator: 'Exists', values: ['x'] }] }, 'spec.selector')), [
    "spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
  ]);
  assert.deepEqual(msgs(validateLabelSelector({ matchExpressions: [{ key: 'tier', operator: 'Near' }] }, 's')), [
    's.matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator',
  ]);
  assert.equal(validateLabelSelector({ matchExpressions: [{ key: 'bad key', operator: 'Exists' }] }, 's')[0]!.field, 's.matchExpressions[0].key');
  assert.equal(validateLabelSelector({ matchExpressions: [{ key: 'k', operator: 'In', values: ['-bad'] }] }, 's')[0]!.field, 's.matchExpressions[0].values[0]');
  assert.deepEqual(validateLabelSelector({ matchExpressions: [{ key: 'k', operator: 'In', values: ['-bad'] }] }, 's', { allowInvalidLabelValueInSelector: true }), []);
  assert.equal(validateLabelSelector({ matchLabels: { k: '-v' } }, 's')[0]!.field, 's.matchLabels');
  assert.deepEqual(validateLabelSelector(undefined, 's'), []);
});
