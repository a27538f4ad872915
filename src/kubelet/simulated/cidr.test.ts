import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PodIpAllocator, cidrContains, formatCidr, nodeInternalIP, nodePodCidr, nodesInCluster, parseCidr } from './cidr.js';

describe('simulated node addresses', () => {
  it('gives node i the i-th /24 of the cluster CIDR and continues past its end', () => {
    const c = parseCidr('10.42.0.0/16');
    assert.equal(nodesInCluster(c), 256);
    assert.equal(formatCidr(nodePodCidr(c, 0)), '10.42.0.0/24');
    assert.equal(formatCidr(nodePodCidr(c, 7)), '10.42.7.0/24');
    assert.equal(formatCidr(nodePodCidr(c, 255)), '10.42.255.0/24');
    assert.equal(formatCidr(nodePodCidr(c, 256)), '10.43.0.0/24');
    assert.equal(formatCidr(nodePodCidr(c, 4999)), '10.61.135.0/24');
    assert.throws(() => nodePodCidr(parseCidr('255.255.0.0/16'), 256), /past the end/);
  });

  it('normalizes the CIDR base and checks membership', () => {
    const c = parseCidr('10.42.3.7/16');
    assert.equal(formatCidr(c), '10.42.0.0/16');
    assert.ok(cidrContains(c, '10.42.200.1'));
    assert.ok(!cidrContains(c, '10.43.0.1'));
    assert.ok(!cidrContains(c, 'nonsense'));
    assert.throws(() => parseCidr('10.42.0.0'), /invalid CIDR/);
    assert.throws(() => parseCidr('10.42.0.300/16'), /invalid IPv4/);
  });

  it('derives InternalIP labels from the index', () => {
    assert.equal(nodeInternalIP(0), '127.0.0.1');
    assert.equal(nodeInternalIP(254), '127.0.0.255');
    assert.equal(nodeInternalIP(255), '127.0.1.0');
    assert.equal(nodeInternalIP(70000), '127.1.17.113');
  });

  it('allocates each pod IP once, skips .0/.1/.255, frees and re-claims', () => {
    const a = new PodIpAllocator(parseCidr('10.42.5.0/24'));
    const seen = new Set<string>();
    for (let i = 0; i < 253; i++) {
      const ip = a.allocate();
      assert.ok(ip, `allocation ${i}`);
      assert.ok(!seen.has(ip!));
      seen.add(ip!);
    }
    assert.equal(a.allocate(), undefined);
    assert.ok(!seen.has('10.42.5.0') && !seen.has('10.42.5.1') && !seen.has('10.42.5.255'));
    assert.equal(a.allocated, 253);
    a.free('10.42.5.77');
    assert.equal(a.allocated, 252);
    assert.equal(a.allocate(), '10.42.5.77');
    const b = new PodIpAllocator(parseCidr('10.42.6.0/24'));
    assert.ok(b.claim('10.42.6.9'));
    assert.ok(!b.claim('10.42.6.9'));
    assert.ok(!b.claim('10.42.7.9'));
    assert.notEqual(b.allocate(), '10.42.6.9');
  });
});
