import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RestMapper, RestMappingError } from './mapper.js';

describe('RestMapper', () => {
  const m = new RestMapper();

  it('monitors each deletable resource once, in its preferred version, without Events', () => {
    const names = m.monitored().map((r) => `${r.group}/${r.version}/${r.resource}`);
    for (const n of ['/v1/pods', '/v1/configmaps', 'apps/v1/replicasets', 'apps/v1/controllerrevisions', 'batch/v1/jobs', 'discovery.k8s.io/v1/endpointslices', 'autoscaling/v2/horizontalpodautoscalers']) {
      assert.ok(names.includes(n), n);
    }
    assert.ok(!names.some((n) => n.endsWith('/events')));
    assert.ok(!names.includes('autoscaling/v1/horizontalpodautoscalers'));
    assert.ok(!names.includes('/v1/bindings'));
    assert.equal(new Set(names).size, names.length);
  });

  it('maps exact versions, falls back to another served version of the group, refuses unknown kinds', () => {
    assert.equal(m.map('apps/v1', 'ReplicaSet').resource, 'replicasets');
    assert.equal(m.map('v1', 'Node').namespaced, false);
    assert.equal(m.map('apps/v1beta2', 'Deployment').version, 'v1');
    assert.equal(m.map('autoscaling/v1', 'HorizontalPodAutoscaler').version, 'v1');
    assert.throws(() => m.map('example.com/v1', 'Widget'), RestMappingError);
  });
});
