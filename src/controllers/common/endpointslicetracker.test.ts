import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { EndpointSliceTracker } from './endpointslicetracker.js';

const slice = (uid: string, rv: string): KubeObject => ({ metadata: { namespace: 'ns', name: uid, uid, resourceVersion: rv, labels: { 'kubernetes.io/service-name': 'web' } } });

describe('EndpointSliceTracker', () => {
  it('calls the cache stale until it shows the written version, and skips echoes of own writes', () => {
    const t = new EndpointSliceTracker();
    assert.equal(t.staleSlices('ns/web', []), false);
    t.update(slice('a', '10'));
    assert.equal(t.staleSlices('ns/web', []), true, 'created slice not cached yet');
    assert.equal(t.staleSlices('ns/web', [slice('a', '9')]), true);
    assert.equal(t.staleSlices('ns/web', [slice('a', '10')]), false);
    assert.equal(t.shouldSync(slice('a', '10')), false);
    assert.equal(t.shouldSync(slice('a', '11')), true);
    assert.equal(t.shouldSync(slice('b', '3')), true);
  });

  it('tracks expected deletions', () => {
    const t = new EndpointSliceTracker();
    t.update(slice('a', '10'));
    t.expectDeletion(slice('a', '10'));
    assert.equal(t.staleSlices('ns/web', [slice('a', '10')]), true);
    assert.equal(t.staleSlices('ns/web', []), false);
    assert.equal(t.handleDeletion(slice('a', '10')), true);
    t.update(slice('b', '12'));
    assert.equal(t.handleDeletion(slice('b', '12')), false, 'not expected: someone else deleted it');
    assert.equal(t.has(slice('b', '12')), false);
  });
});
