import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../../../storage/memory/store.js';
import { silentLogger } from '../../../../util/logger.js';
import { Registries } from '../../../registries.js';
import { bootstrapObjects } from '../../../bootstrap.js';

type Json = Record<string, any>;

describe('default Services (bootstrap)', () => {
  it('creates kubernetes and kube-dns, points the kubernetes Endpoints at the API server, and follows a port change', async () => {
    const store = new MemoryStore();
    const ac = new AbortController();
    const regs = new Registries(store, {}, silentLogger);
    await regs.start(ac.signal);
    await bootstrapObjects(regs, silentLogger, { apiServer: { address: '192.0.2.10', port: 6443 } });
    const get = (group: string, resource: string, ns: string, name: string) => regs.byName(group, resource).get(ns, name).obj as Json;
    const k = get('', 'services', 'default', 'kubernetes');
    assert.equal(k.spec.clusterIP, '10.43.0.1');
    assert.deepEqual(k.spec.ports, [{ name: 'https', protocol: 'TCP', port: 443, targetPort: 6443 }]);
    assert.equal(get('', 'services', 'kube-system', 'kube-dns').spec.clusterIP, '10.43.0.10');
    const ep = get('', 'endpoints', 'default', 'kubernetes');
    assert.deepEqual(ep.subsets, [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
    assert.equal(ep.metadata.labels['endpointslice.kubernetes.io/skip-mirror'], 'true');
    const slice = get('discovery.k8s.io', 'endpointslices', 'default', 'kubernetes');
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(slice.endpoints, [{ addresses: ['192.0.2.10'], conditions: { ready: true } }]);
    assert.equal(slice.metadata.labels['kubernetes.io/service-name'], 'kubernetes');
    const rv = ep.metadata.resourceVersion;
    // Idempotent; a new API server port is followed.
    await bootstrapObjects(regs, silentLogger, { apiServer: { address: '192.0.2.10', port: 6443 } });
    assert.equal(get('', 'endpoints', 'default', 'kubernetes').metadata.resourceVersion, rv);
    await bootstrapObjects(regs, silentLogger, { apiServer: { address: '192.0.2.10', port: 7443 } });
    assert.equal(get('', 'endpoints', 'default', 'kubernetes').subsets[0].ports[0].port, 7443);
    assert.equal(get('discovery.k8s.io', 'endpointslices', 'default', 'kubernetes').ports[0].port, 7443);
    const k2 = get('', 'services', 'default', 'kubernetes');
    assert.equal(k2.spec.ports[0].targetPort, 7443);
    assert.equal(k2.spec.clusterIP, '10.43.0.1');
    // A loopback API server is unreachable from pods: the Endpoints become the Service address on 443,
    // where every node relays to the API server.
    await bootstrapObjects(regs, silentLogger, { apiServer: { address: '127.0.0.1', port: 7443 } });
    assert.deepEqual(get('', 'endpoints', 'default', 'kubernetes').subsets, [{ addresses: [{ ip: '10.43.0.1' }], ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }]);
    assert.deepEqual(get('discovery.k8s.io', 'endpointslices', 'default', 'kubernetes').endpoints[0].addresses, ['10.43.0.1']);
    // kube-dns is selectorless and its Endpoints are its own address (each node answers there).
    assert.equal(get('', 'services', 'kube-system', 'kube-dns').spec.selector, undefined);
    assert.deepEqual(get('', 'endpoints', 'kube-system', 'kube-dns').subsets[0].addresses, [{ ip: '10.43.0.10' }]);
    assert.deepEqual(get('discovery.k8s.io', 'endpointslices', 'kube-system', 'kube-dns').ports.map((p: Json) => `${p.name}/${p.protocol}`), ['dns/UDP', 'dns-tcp/TCP', 'metrics/TCP']);
    ac.abort();
  });
});
