import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../machinery/errors.js';
import { bodyKind, negotiate, parseBody, wantsAggregatedDiscovery } from './negotiation.js';

describe('negotiation', () => {
  it('picks Table when kubectl asks for it', () => {
    const kubectl = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
    assert.deepEqual(negotiate(kubectl), { as: 'Table', version: 'v1', format: 'json' });
    assert.deepEqual(negotiate('application/json'), { as: 'Object', format: 'json' });
    assert.deepEqual(negotiate(undefined), { as: 'Object', format: 'json' });
    assert.deepEqual(negotiate('application/yaml'), { as: 'Object', format: 'yaml' });
    assert.deepEqual(negotiate('application/vnd.kubernetes.protobuf, application/json'), { as: 'Object', format: 'json' });
    assert.equal(negotiate('application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io').as, 'PartialObjectMetadata');
  });

  it('refuses protobuf-only clients with 406', () => {
    assert.throws(() => negotiate('application/vnd.kubernetes.protobuf'), (e: unknown) => e instanceof ApiError && e.code === 406);
  });

  it('recognises aggregated discovery', () => {
    const h = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    assert.equal(wantsAggregatedDiscovery(h), 'v2');
    assert.equal(wantsAggregatedDiscovery('application/json'), undefined);
  });

  it('decodes bodies and maps bad ones to 4xx', () => {
    assert.equal(bodyKind('application/json; charset=utf-8', false), 'json');
    assert.equal(bodyKind('application/strategic-merge-patch+json', true), 'strategic-merge-patch');
    assert.equal(bodyKind('application/vnd.kubernetes.protobuf', false), 'protobuf');
    assert.throws(() => bodyKind('application/octet-stream', false), (e: unknown) => e instanceof ApiError && e.code === 415);
    assert.throws(() => bodyKind('text/plain', true), (e: unknown) => e instanceof ApiError && e.code === 415);
    assert.deepEqual(parseBody(Buffer.from('kind: ConfigMap\ndata:\n  a: "1"\n'), 'yaml'), { kind: 'ConfigMap', data: { a: '1' } });
    assert.throws(() => parseBody(Buffer.from('{'), 'json'), (e: unknown) => e instanceof ApiError && e.code === 400);
    assert.throws(() => parseBody(Buffer.from('a: [\n'), 'yaml'), (e: unknown) => e instanceof ApiError && e.code === 400);
    assert.throws(() => parseBody(Buffer.from('a: 1\n---\nb: 2\n'), 'yaml'), (e: unknown) => e instanceof ApiError && e.code === 400);
  });
});
