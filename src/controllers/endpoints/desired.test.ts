import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { desiredSubsets } from './desired.js';

const svc = (spec: Service['spec'] = {}): Service => ({
  metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid' },
  spec: { selector: { app: 'web' }, clusterIP: '10.43.0.10', ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }], ...spec },
});

interface PodOpts {
  ready?: boolean;
  ports?: Array<{ name: string; containerPort: number; protocol?: string }>;
  deleting?: boolean;
  phase?: string;
  ip?: string;
  hostname?: string;
  subdomain?: string;
}

const pod = (name: string, ip: string, o: PodOpts = {}): Pod => ({
  metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: { app: 'web' }, ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: {
    nodeName: 'n1',
    hostname: o.hostname,
    subdomain: o.subdomain,
    containers: [{ name: 'c', image: 'x', ports: o.ports ?? [{ name: 'http', containerPort: 8080 }] }],
  },
  status: {
    phase: o.phase ?? 'Running',
    podIP: ip,
    podIPs: ip ? [{ ip }] : [],
    conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
  },
});

describe('desiredSubsets', () => {
  it('resolves a named targetPort per pod and skips pods without that port', () => {
    const r = desiredSubsets(svc(), [
      pod('a', '10.42.0.2'),
      pod('b', '10.42.0.3', { ports: [{ name: 'http', containerPort: 9090 }] }),
      pod('c', '10.42.0.4', { ports: [{ name: 'metrics', containerPort: 9100 }] }),
    ]);
    assert.equal(r.subsets.length, 2);
    const byPort = new Map(r.subsets.map((s) => [s.ports![0]!.port, s.addresses!.map((x) => x.ip)]));
    assert.deepEqual(byPort.get(8080), ['10.42.0.2']);
    assert.deepEqual(byPort.get(9090), ['10.42.0.3']);
    assert.equal(r.subsets[0]!.ports![0]!.name, 'http');
    assert.equal(r.subsets[0]!.ports![0]!.protocol, 'TCP');
  });

  it('matches named ports by protocol too', () => {
    const r = desiredSubsets(svc({ ports: [{ name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP' }] }), [
      pod('a', '10.42.0.2', { ports: [{ name: 'dns', containerPort: 5353, protocol: 'TCP' }] }),
      pod('b', '10.42.0.3', { ports: [{ name: 'dns', containerPort: 5354, protocol: 'UDP' }] }),
    ]);
    assert.deepEqual(r.subsets.map((s) => [s.ports![0]!.port, s.addresses!.map((x) => x.ip)]), [[5354, ['10.42.0.3']]]);
  });

  it('puts not-ready pods in notReadyAddresses, or in addresses with publishNotReadyAddresses', () => {
    const pods = [pod('a', '10.42.0.2'), pod('b', '10.42.0.3', { ready: false })];
    const r = desiredSubsets(svc({ ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] }), pods);
    assert.deepEqual(r.subsets[0]!.addresses!.map((x) => x.ip), ['10.42.0.2']);
    assert.deepEqual(r.subsets[0]!.notReadyAddresses!.map((x) => x.ip), ['10.42.0.3']);
    assert.deepEqual([r.ready, r.notReady], [1, 1]);
    const p = desiredSubsets(svc({ publishNotReadyAddresses: true, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] }), pods);
    assert.deepEqual(p.subsets[0]!.addresses!.map((x) => x.ip), ['10.42.0.2', '10.42.0.3']);
  });

  it('leaves out terminal, IP-less and (unless publishing) terminating pods', () => {
    const s = svc({ ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] });
    const pods = [pod('a', '10.42.0.2', { phase: 'Succeeded' }), pod('b', ''), pod('c', '10.42.0.4', { deleting: true }), pod('d', '10.42.0.5')];
    assert.deepEqual(desiredSubsets(s, pods).subsets[0]!.addresses!.map((x) => x.ip), ['10.42.0.5']);
    const pub = desiredSubsets({ ...s, spec: { ...s.spec, publishNotReadyAddresses: true } }, pods);
    assert.deepEqual(pub.subsets[0]!.addresses!.map((x) => x.ip), ['10.42.0.4', '10.42.0.5']);
  });

  it('sets targetRef, nodeName and the hostname for pods in the Service subdomain', () => {
    const r = desiredSubsets(svc({ clusterIP: 'None', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] }), [
      pod('a', '10.42.0.2', { hostname: 'a0', subdomain: 'web' }),
      pod('b', '10.42.0.3', { hostname: 'b0', subdomain: 'other' }),
    ]);
    const [x, y] = r.subsets[0]!.addresses!;
    assert.deepEqual(x, { ip: '10.42.0.2', nodeName: 'n1', hostname: 'a0', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' } });
    assert.equal(y!.hostname, undefined);
  });

  it('gives a headless Service without ports port-less subsets, a ClusterIP one none', () => {
    const pods = [pod('a', '10.42.0.2')];
    assert.deepEqual(desiredSubsets(svc({ clusterIP: 'None', ports: [] }), pods).subsets.map((s) => [s.ports, s.addresses?.length]), [[undefined, 1]]);
    assert.deepEqual(desiredSubsets(svc({ ports: [] }), pods).subsets, []);
  });
});
