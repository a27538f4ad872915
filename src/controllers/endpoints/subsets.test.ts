import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointAddress, EndpointSubset } from 'kubernetes-types/core/v1.js';
import { MAX_CAPACITY, countAddresses, repackSubsets, subsetsEqual, truncateSubsets } from './subsets.js';

const a = (ip: string, uid = `u-${ip}`): EndpointAddress => ({ ip, targetRef: { kind: 'Pod', name: `p-${ip}`, namespace: 'ns', uid } });
const http = { name: 'http', port: 80, protocol: 'TCP' };
const https = { name: 'https', port: 443, protocol: 'TCP' };

describe('repackSubsets', () => {
  it('groups ports served by the same addresses, ready and not ready apart', () => {
    const out = repackSubsets([
      { addresses: [a('10.0.0.2')], ports: [http] },
      { addresses: [a('10.0.0.1')], ports: [http] },
      { addresses: [a('10.0.0.2')], ports: [https] },
      { addresses: [a('10.0.0.1')], ports: [https] },
      { notReadyAddresses: [a('10.0.0.3')], ports: [http] },
      { notReadyAddresses: [a('10.0.0.3')], ports: [https] },
      { addresses: [a('10.0.0.4')], ports: [{ name: 'metrics', port: 9100, protocol: 'TCP' }] },
    ]);
    assert.equal(out.length, 2);
    const both = out.find((s) => s.ports?.length === 2)!;
    assert.deepEqual(both.addresses?.map((x) => x.ip), ['10.0.0.1', '10.0.0.2']);
    assert.deepEqual(both.notReadyAddresses?.map((x) => x.ip), ['10.0.0.3']);
    const one = out.find((s) => s.ports?.length === 1)!;
    assert.deepEqual(one.addresses?.map((x) => x.ip), ['10.0.0.4']);
    assert.equal(one.notReadyAddresses, undefined);
  });

  it('is deterministic whatever the input order', () => {
    const input: EndpointSubset[] = [
      { addresses: [a('10.0.0.9')], ports: [http] },
      { addresses: [a('10.0.0.1')], ports: [https] },
      { notReadyAddresses: [a('10.0.0.5')], ports: [http] },
      { addresses: [a('10.0.0.1')], ports: [http] },
    ];
    const one = JSON.stringify(repackSubsets(structuredClone(input)));
    const two = JSON.stringify(repackSubsets(structuredClone(input).reverse()));
    assert.equal(one, two);
  });

  it('counts an address ready for a port when it is listed both ready and not ready', () => {
    const out = repackSubsets([
      { notReadyAddresses: [a('10.0.0.1')], ports: [http] },
      { addresses: [a('10.0.0.1')], ports: [http] },
    ]);
    assert.deepEqual(out, [{ addresses: [a('10.0.0.1')], ports: [http] }]);
  });

  it('keeps subsets without ports (headless Service without ports)', () => {
    const out = repackSubsets([{ addresses: [a('10.0.0.2')], ports: [] }, { notReadyAddresses: [a('10.0.0.1')], ports: [] }]);
    assert.equal(out.length, 1);
    assert.equal(out[0]!.ports, undefined);
    assert.deepEqual(out[0]!.addresses?.map((x) => x.ip), ['10.0.0.2']);
    assert.deepEqual(out[0]!.notReadyAddresses?.map((x) => x.ip), ['10.0.0.1']);
  });

  it('tells the same IP of two pods apart by target uid', () => {
    const out = repackSubsets([
      { addresses: [a('10.0.0.1', 'b')], ports: [http] },
      { addresses: [a('10.0.0.1', 'a')], ports: [http] },
    ]);
    assert.deepEqual(out[0]!.addresses?.map((x) => x.targetRef?.uid), ['a', 'b']);
  });
});

describe('truncateSubsets', () => {
  const many = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => a(`${prefix}.${Math.floor(i / 250)}.${i % 250}`));

  it('leaves subsets within capacity alone', () => {
    const s = [{ addresses: many('10.1', 600), notReadyAddresses: many('10.2', 400) }];
    assert.equal(truncateSubsets(s), false);
    assert.equal(s[0]!.addresses.length, 600);
  });

  it('keeps all ready addresses and trims not-ready ones in proportion', () => {
    const s: EndpointSubset[] = [
      { addresses: many('10.1', 600), notReadyAddresses: many('10.2', 300), ports: [http] },
      { addresses: many('10.3', 200), notReadyAddresses: many('10.4', 100), ports: [https] },
    ];
    assert.equal(truncateSubsets(s), true);
    const c = countAddresses(s);
    assert.equal(c.ready, 800);
    assert.equal(c.ready + c.notReady, MAX_CAPACITY);
    assert.equal(s[0]!.notReadyAddresses?.length, 150);
    assert.equal(s[1]!.notReadyAddresses?.length, 50);
  });

  it('drops every not-ready address when ready ones alone exceed capacity', () => {
    const s: EndpointSubset[] = [
      { addresses: many('10.1', 900), notReadyAddresses: many('10.2', 10) },
      { addresses: many('10.3', 300) },
    ];
    assert.equal(truncateSubsets(s), true);
    assert.equal(s[0]!.addresses?.length, 750);
    assert.equal(s[1]!.addresses?.length, 250);
    assert.equal(s[0]!.notReadyAddresses, undefined);
  });
});

describe('subsetsEqual', () => {
  it('ignores target resourceVersions and empty lists', () => {
    const x: EndpointSubset[] = [{ addresses: [{ ...a('10.0.0.1'), targetRef: { ...a('10.0.0.1').targetRef, resourceVersion: '5' } }], ports: [http], notReadyAddresses: [] }];
    const y: EndpointSubset[] = [{ addresses: [a('10.0.0.1')], ports: [http] }];
    assert.ok(subsetsEqual(x, y));
    assert.ok(subsetsEqual([], undefined));
    assert.ok(!subsetsEqual(y, [{ notReadyAddresses: [a('10.0.0.1')], ports: [http] }]));
  });
});
