import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRequest } from './requestinfo.js';

describe('resolveRequest', () => {
  const res = (m: string, p: string, w = false) => resolveRequest(m, p, w);

  it('finds discovery documents', () => {
    assert.deepEqual(res('GET', '/api'), { type: 'apiVersions' });
    assert.deepEqual(res('GET', '/apis'), { type: 'apiGroupList' });
    assert.deepEqual(res('GET', '/apis/apps'), { type: 'apiGroup', group: 'apps' });
    assert.deepEqual(res('GET', '/api/v1'), { type: 'resourceList', group: '', version: 'v1' });
    assert.deepEqual(res('GET', '/apis/apps/v1'), { type: 'resourceList', group: 'apps', version: 'v1' });
    assert.deepEqual(res('GET', '/apis/nope'), { type: 'notFound' });
  });

  it('resolves namespaced and cluster-scoped resources', () => {
    const r = res('GET', '/api/v1/namespaces/default/pods/web');
    assert.equal(r.type, 'resource');
    if (r.type !== 'resource') return;
    assert.equal(r.info.resource, 'pods');
    assert.equal(r.verb, 'get');
    assert.equal(r.namespace, 'default');
    assert.equal(r.name, 'web');
    const l = res('GET', '/api/v1/pods');
    assert.ok(l.type === 'resource' && l.verb === 'list' && l.namespace === undefined);
    const n = res('GET', '/api/v1/namespaces/default');
    assert.ok(n.type === 'resource' && n.info.resource === 'namespaces' && n.name === 'default' && n.verb === 'get');
    const st = res('PUT', '/api/v1/namespaces/default/status');
    assert.ok(st.type === 'resource' && st.info.resource === 'namespaces' && st.subresource?.name === 'status' && st.verb === 'update');
    const fin = res('PUT', '/api/v1/namespaces/doomed/finalize');
    assert.ok(fin.type === 'resource' && fin.subresource?.name === 'finalize');
    const nodes = res('GET', '/api/v1/nodes/n1/status');
    assert.ok(nodes.type === 'resource' && nodes.subresource?.name === 'status');
  });

  it('maps methods to verbs, watch included', () => {
    const verb = (m: string, p: string, w = false) => {
      const r = res(m, p, w);
      return r.type === 'resource' ? r.verb : r.type;
    };
    assert.equal(verb('POST', '/apis/apps/v1/namespaces/a/deployments'), 'create');
    assert.equal(verb('PUT', '/apis/apps/v1/namespaces/a/deployments/d'), 'update');
    assert.equal(verb('PATCH', '/apis/apps/v1/namespaces/a/deployments/d'), 'patch');
    assert.equal(verb('DELETE', '/apis/apps/v1/namespaces/a/deployments/d'), 'delete');
    assert.equal(verb('DELETE', '/apis/apps/v1/namespaces/a/deployments'), 'deletecollection');
    assert.equal(verb('GET', '/apis/apps/v1/namespaces/a/deployments', true), 'watch');
    assert.equal(verb('GET', '/apis/apps/v1/watch/namespaces/a/deployments'), 'watch');
    assert.equal(verb('PUT', '/apis/apps/v1/namespaces/a/deployments'), 'methodNotAllowed');
    assert.equal(verb('DELETE', '/api/v1/namespaces'), 'methodNotAllowed');
    assert.equal(verb('POST', '/api/v1/namespaces/a/pods/p/binding'), 'create');
    assert.equal(verb('GET', '/api/v1/namespaces/a/pods/p/binding'), 'methodNotAllowed');
  });

  it('refuses what does not exist', () => {
    assert.equal(res('GET', '/api/v1/namespaces/a/widgets').type, 'notFound');
    assert.equal(res('GET', '/api/v1/namespaces/a/pods/p/nonsense').type, 'notFound');
    assert.equal(res('GET', '/api/v1/namespaces/a/nodes').type, 'notFound');
    assert.equal(res('GET', '/api/v1/pods/p').type, 'notFound');
    assert.equal(res('GET', '/api/v2/pods').type, 'notFound');
    assert.equal(res('GET', '/other').type, 'notFound');
  });
});
