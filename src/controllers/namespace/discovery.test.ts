import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { discoverNamespacedResources, type DiscoveryClient } from './discovery.js';

const docs: Record<string, unknown> = {
  '/api': { versions: ['v1'] },
  '/api/v1': {
    resources: [
      { name: 'pods', namespaced: true, kind: 'Pod', verbs: ['delete', 'list'] },
      { name: 'pods/status', namespaced: true, kind: 'Pod', verbs: ['get'] },
      { name: 'nodes', namespaced: false, kind: 'Node', verbs: ['delete', 'list'] },
    ],
  },
  '/apis': {
    groups: [
      { name: 'autoscaling', versions: [{ groupVersion: 'autoscaling/v1', version: 'v1' }, { groupVersion: 'autoscaling/v2', version: 'v2' }], preferredVersion: { groupVersion: 'autoscaling/v2', version: 'v2' } },
      { name: 'broken.example.com', versions: [{ groupVersion: 'broken.example.com/v1', version: 'v1' }], preferredVersion: { groupVersion: 'broken.example.com/v1', version: 'v1' } },
    ],
  },
  '/apis/autoscaling/v2': { resources: [{ name: 'horizontalpodautoscalers', namespaced: true, kind: 'HorizontalPodAutoscaler', verbs: ['delete'] }] },
  '/apis/autoscaling/v1': {
    resources: [
      { name: 'horizontalpodautoscalers', namespaced: true, kind: 'HorizontalPodAutoscaler', verbs: ['delete'] },
      { name: 'legacythings', namespaced: true, kind: 'LegacyThing', verbs: ['delete'] },
    ],
  },
};

const client: DiscoveryClient = {
  json: async <T>(r: { path: string }) => {
    if (!(r.path in docs)) throw new Error('the server is currently unable to handle the request');
    return docs[r.path] as T;
  },
};

describe('discoverNamespacedResources', () => {
  it('answers each namespaced resource once, in its preferred version, and names failed group versions', async () => {
    const d = await discoverNamespacedResources(client);
    assert.deepEqual(
      d.resources.map((r) => `${r.ref.group}/${r.ref.version}/${r.ref.resource}`).sort(),
      ['/v1/pods', 'autoscaling/v1/legacythings', 'autoscaling/v2/horizontalpodautoscalers'],
    );
    assert.equal(d.error?.message, 'unable to retrieve the complete list of server APIs: broken.example.com/v1: the server is currently unable to handle the request');
    assert.equal(d.error?.groups.size, 1);
  });
});
