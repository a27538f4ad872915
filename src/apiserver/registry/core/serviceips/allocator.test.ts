import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../api/types.js';
import { RESOURCES } from '../../../../api/resources.js';
import { rulesFor } from '../../../../api/rules.js';
import { ApiError } from '../../../../machinery/errors.js';
import { MemoryStore } from '../../../../storage/memory/store.js';
import { silentLogger } from '../../../../util/logger.js';
import { Cacher } from '../../cacher.js';
import { resourcePrefix } from '../../codec.js';
import { genericStrategy } from '../../strategy.js';
import { serviceStrategy } from '../services-namespaces.js';
import { ServiceAllocator, type ServiceIPOptions } from './allocator.js';
import { ServiceRegistryStore } from './store.js';

const info = RESOURCES.find((r) => r.group === '' && r.resource === 'services')!;

async function setup(store = new MemoryStore(), opts: ServiceIPOptions = {}) {
  const ac = new AbortController();
  const cacher = new Cacher(store, resourcePrefix('', 'services'), silentLogger);
  void cacher.run(ac.signal);
  await cacher.ready();
  const alloc = new ServiceAllocator(opts);
  const strategy = serviceStrategy(genericStrategy(info, rulesFor('', 'v1', 'services'), undefined), alloc);
  const reg = new ServiceRegistryStore(info, strategy, store, cacher, { get: () => ({}) }, silentLogger, alloc);
  alloc.start(cacher);
  return { store, reg, alloc, stop: () => ac.abort() };
}

type Spec = Record<string, unknown> & { clusterIP?: string; clusterIPs?: string[]; ports?: Array<Record<string, unknown>> };
const svc = (name: string, spec: Spec = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
});
const specOf = (o: KubeObject) => o.spec as Spec;

async function rejects(p: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.code, 422);
    assert.ok(err.message.includes(message), `${err.message}\n  does not include\n${message}`);
    return true;
  });
}

describe('ServiceAllocator through the Services registry store', () => {
  it('allocates distinct clusterIPs from the dynamic band and defaults the IP family fields', async () => {
    const { reg, stop } = await setup();
    const made = await Promise.all(Array.from({ length: 300 }, (_, i) => reg.create('default', svc(`s${i}`))));
    const ips = made.map((o) => specOf(o).clusterIP!);
    assert.equal(new Set(ips).size, 300);
    for (const o of made) {
      const s = specOf(o);
      assert.match(s.clusterIP!, /^10\.43\.\d+\.\d+$/);
      assert.deepEqual(s.clusterIPs, [s.clusterIP]);
      assert.deepEqual(s.ipFamilies, ['IPv4']);
      assert.equal(s.ipFamilyPolicy, 'SingleStack');
      assert.equal(s.internalTrafficPolicy, 'Cluster');
      assert.equal(s.sessionAffinity, 'None');
      const [, , c, d] = s.clusterIP!.split('.').map(Number);
      assert.ok(c * 256 + d > 256, `${s.clusterIP} is in the static band`);
    }
    stop();
  });

  it('accepts a free chosen IP and rejects a taken or out-of-range one with upstream messages', async () => {
    const { reg, stop } = await setup();
    const a = await reg.create('default', svc('a', { clusterIP: '10.43.0.20' }));
    assert.deepEqual(specOf(a).clusterIPs, ['10.43.0.20']);
    await rejects(
      reg.create('default', svc('b', { clusterIP: '10.43.0.20' })),
      'Service "b" is invalid: spec.clusterIPs: Invalid value: ["10.43.0.20"]: failed to allocate IP 10.43.0.20: provided IP is already allocated',
    );
    await rejects(
      reg.create('default', svc('c', { clusterIP: '1.1.1.1' })),
      'spec.clusterIPs: Invalid value: ["1.1.1.1"]: failed to allocate IP 1.1.1.1: the provided IP (1.1.1.1) is not in the valid range. The range of valid IPs is 10.43.0.0/16',
    );
    await rejects(reg.create('default', svc('d', { clusterIP: '10.43.0.0' })), 'is not in the valid range');
    stop();
  });

  it('gives headless and ExternalName services no address', async () => {
    const { reg, alloc, stop } = await setup();
    const h = await reg.create('default', svc('h', { clusterIP: 'None' }));
    assert.deepEqual(specOf(h).clusterIPs, ['None']);
    assert.equal(specOf(h).ipFamilyPolicy, 'SingleStack');
    const hs = await reg.create('default', { ...svc('hs', { clusterIP: 'None' }), spec: { clusterIP: 'None', ports: [{ port: 80 }] } });
    assert.equal(specOf(hs).ipFamilyPolicy, 'RequireDualStack');
    const e = await reg.create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'e' }, spec: { type: 'ExternalName', externalName: 'example.com' } });
    assert.equal(specOf(e).clusterIP, undefined);
    assert.equal(specOf(e).ipFamilies, undefined);
    assert.deepEqual(alloc.usage(), { ips: 0, ports: 0 });
    stop();
  });

  it('rejects dual-stack requests on this single-stack cluster', async () => {
    const { reg, stop } = await setup();
    await rejects(reg.create('default', svc('d', { ipFamilyPolicy: 'RequireDualStack' })), 'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services');
    await rejects(reg.create('default', svc('d', { ipFamilies: ['IPv6'] })), 'spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster');
    stop();
  });

  it('allocates node ports in range, validates chosen ones and shares one port between protocols', async () => {
    const { reg, stop } = await setup();
    const n = await reg.create('default', svc('n', { type: 'NodePort', ports: [{ name: 'a', port: 53, protocol: 'UDP' }, { name: 'b', port: 53, protocol: 'TCP' }, { name: 'c', port: 80 }] }));
    const ports = specOf(n).ports!.map((p) => p.nodePort as number);
    for (const p of ports) assert.ok(p >= 30000 && p <= 32767, String(p));
    assert.equal(ports[0], ports[1]);
    assert.notEqual(ports[0], ports[2]);
    const m = await reg.create('default', svc('m', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
    assert.equal(specOf(m).ports![0]!.nodePort, 30080);
    await rejects(reg.create('default', svc('o', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })), 'spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
    await rejects(
      reg.create('default', svc('o', { type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] })),
      'spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    const lb = await reg.create('default', svc('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }));
    assert.ok(specOf(lb).ports![0]!.nodePort);
    assert.ok((specOf(lb).healthCheckNodePort as number) >= 30000);
    stop();
  });

  it('releases on delete and on a failed create; a dry run reserves nothing', async () => {
    const { reg, stop } = await setup();
    await reg.create('default', svc('a', { clusterIP: '10.43.0.30', type: 'NodePort', ports: [{ port: 80, nodePort: 30030 }] }));
    await reg.delete('default', 'a');
    await reg.create('default', svc('b', { clusterIP: '10.43.0.30', type: 'NodePort', ports: [{ port: 80, nodePort: 30030 }] }));
    await assert.rejects(reg.create('default', svc('b', { clusterIP: '10.43.0.31' })), /already exists/);
    await reg.create('default', svc('c', { clusterIP: '10.43.0.31' }));
    const dry = await reg.create('default', svc('d', { clusterIP: '10.43.0.32' }), { dryRun: true });
    assert.equal(specOf(dry).clusterIP, '10.43.0.32');
    const auto = await reg.create('default', svc('e'), { dryRun: true });
    assert.ok(specOf(auto).clusterIP);
    await reg.create('default', svc('d', { clusterIP: '10.43.0.32' }));
    stop();
  });

  it('follows type changes as upstream and keeps clusterIPs immutable', async () => {
    const { reg, stop } = await setup();
    const a = await reg.create('default', svc('a', { clusterIP: '10.43.0.40' }));
    // ClusterIP → NodePort allocates node ports (the client omits clusterIP: it is kept).
    const up = await reg.update('default', 'a', { ...a, spec: { ...specOf(a), clusterIP: undefined, clusterIPs: undefined, type: 'NodePort', ports: [{ port: 80, nodePort: 30040 }] } });
    assert.equal(specOf(up.obj).clusterIP, '10.43.0.40');
    assert.equal(specOf(up.obj).ports![0]!.nodePort, 30040);
    await rejects(reg.create('default', svc('x', { type: 'NodePort', ports: [{ port: 80, nodePort: 30040 }] })), 'provided port is already allocated');
    // Updating with the same values is no conflict with itself.
    const same = await reg.update('default', 'a', { ...up.obj });
    assert.equal(specOf(same.obj).ports![0]!.nodePort, 30040);
    // NodePort → ClusterIP releases the node port.
    const back = await reg.update('default', 'a', { ...same.obj, spec: { ...specOf(same.obj), type: 'ClusterIP' } });
    assert.equal(specOf(back.obj).ports![0]!.nodePort, undefined);
    await reg.create('default', svc('y', { type: 'NodePort', ports: [{ port: 80, nodePort: 30040 }] }));
    // The clusterIP may not change.
    await rejects(
      reg.update('default', 'a', { ...back.obj, spec: { ...specOf(back.obj), clusterIP: '10.43.0.41', clusterIPs: ['10.43.0.41'] } }),
      'spec.clusterIPs[0]: Invalid value: ["10.43.0.41"]: may not change once set',
    );
    // → ExternalName releases the IP; back to ClusterIP allocates one (a chosen one is checked).
    const ext = await reg.update('default', 'a', { ...back.obj, spec: { ...specOf(back.obj), type: 'ExternalName', externalName: 'example.com', clusterIP: undefined, clusterIPs: undefined, ipFamilies: undefined, ipFamilyPolicy: undefined } });
    assert.equal(specOf(ext.obj).clusterIP, undefined);
    await reg.create('default', svc('z', { clusterIP: '10.43.0.40' }));
    await rejects(
      reg.update('default', 'a', { ...ext.obj, spec: { ...specOf(ext.obj), type: 'ClusterIP', externalName: undefined, clusterIP: '10.43.0.40', clusterIPs: ['10.43.0.40'] } }),
      'provided IP is already allocated',
    );
    const again = await reg.update('default', 'a', { ...ext.obj, spec: { ...specOf(ext.obj), type: 'ClusterIP', externalName: undefined } });
    assert.match(specOf(again.obj).clusterIP!, /^10\.43\./);
    assert.deepEqual(specOf(again.obj).ipFamilies, ['IPv4']);
    stop();
  });

  it('rebuilds its state from the stored Services after a restart', async () => {
    const first = await setup();
    await first.reg.create('default', svc('a', { clusterIP: '10.43.0.50', type: 'NodePort', ports: [{ port: 80, nodePort: 30050 }] }));
    first.stop();
    const second = await setup(first.store);
    await rejects(second.reg.create('default', svc('b', { clusterIP: '10.43.0.50' })), 'provided IP is already allocated');
    await rejects(second.reg.create('default', svc('c', { type: 'NodePort', ports: [{ port: 80, nodePort: 30050 }] })), 'provided port is already allocated');
    assert.deepEqual(second.alloc.usage(), { ips: 1, ports: 1 });
    second.stop();
  });

  it('uses the configured ranges and reports a full range as an internal error', async () => {
    const { reg, alloc, stop } = await setup(undefined, { serviceCIDR: '10.96.0.0/30', nodePortRange: '31000-31000' });
    assert.equal(alloc.nthIP(1), '10.96.0.1');
    await reg.create('default', svc('a'));
    await reg.create('default', svc('b'));
    await assert.rejects(reg.create('default', svc('c')), (err: unknown) => err instanceof ApiError && err.code === 500 && /failed to allocate a serviceIP: range is full/.test(err.message));
    await reg.delete('default', 'a');
    const n = await reg.create('default', svc('n', { type: 'NodePort' }));
    assert.equal(specOf(n).ports![0]!.nodePort, 31000);
    stop();
  });
});
