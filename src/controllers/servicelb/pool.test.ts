import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AddressPool, ipv4ToNumber, numberToIpv4 } from './pool.js';

describe('servicelb address pool', () => {
  it('parses CIDRs, ranges and single addresses, sorted, ends included', () => {
    const p = AddressPool.parse(' 10.0.0.8/30 , 10.0.0.1-10.0.0.2,10.0.0.5 ');
    assert.equal(p.size, 7);
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.5', '10.0.0.8', '10.0.0.11']) assert.ok(p.contains(ip), ip);
    for (const ip of ['10.0.0.0', '10.0.0.3', '10.0.0.12', 'fd00::1', 'x']) assert.ok(!p.contains(ip), ip);
    assert.equal(p.firstFree(new Set()), '10.0.0.1');
    assert.equal(p.firstFree(new Set(['10.0.0.1', '10.0.0.2', '10.0.0.5'])), '10.0.0.8');
    assert.equal(p.firstFree(new Set(['10.0.0.1', '10.0.0.2', '10.0.0.5', '10.0.0.8', '10.0.0.9', '10.0.0.10', '10.0.0.11'])), undefined);
    assert.equal(AddressPool.parse('10.1.2.3/24').firstFree(new Set()), '10.1.2.0', 'host bits are cleared');
  });

  it('finds a free address in a huge pool without walking it', () => {
    const p = AddressPool.parse('10.0.0.0/8');
    assert.equal(p.size, 2 ** 24);
    const used = new Set(Array.from({ length: 1000 }, (_, i) => numberToIpv4(ipv4ToNumber('10.0.0.0')! + i)));
    assert.equal(p.firstFree(used), '10.0.3.232');
  });

  it('rejects bad, IPv6, reversed and overlapping entries with the entry in the message', () => {
    assert.throws(() => AddressPool.parse(''), /empty/);
    assert.throws(() => AddressPool.parse('10.0.0.300'), /"10.0.0.300"/);
    assert.throws(() => AddressPool.parse('fd00::/120'), /not an IPv4 CIDR/);
    assert.throws(() => AddressPool.parse('fd00::1-fd00::5'), /"fd00::1-fd00::5"/);
    assert.throws(() => AddressPool.parse('10.0.0.9-10.0.0.3'), /start is after its end/);
    assert.throws(() => AddressPool.parse('10.0.0.0/29,10.0.0.7-10.0.0.9'), /overlap at 10.0.0.7/);
    assert.throws(() => AddressPool.parse('10.0.0.0/33'), /not an IPv4 CIDR/);
  });
});
