import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CidrSet, formatIp, parseCidrBig } from './cidrset.js';
import { RangeAllocator } from './allocator.js';

describe('CidrSet', () => {
  it('hands out /24s of a /16 in order, round-robin after release, until exhausted', () => {
    const s = new CidrSet('10.42.0.0/16', 24);
    assert.equal(s.size, 256);
    assert.equal(s.allocateNext(), '10.42.0.0/24');
    assert.equal(s.allocateNext(), '10.42.1.0/24');
    s.release('10.42.0.0/24');
    assert.equal(s.allocateNext(), '10.42.2.0/24', 'a released subnet is not reused at once');
    for (let i = 3; i < 256; i++) assert.equal(s.allocateNext(), `10.42.${i}.0/24`);
    assert.equal(s.allocateNext(), '10.42.0.0/24', 'wraps around to the released one');
    assert.equal(s.free, 0);
    assert.equal(s.allocateNext(), undefined);
  });

  it('occupies and releases every subnet a CIDR overlaps, whatever its size', () => {
    const s = new CidrSet('10.0.0.0/22', 24);
    s.occupy('10.0.1.0/24');
    assert.equal(s.free, 3);
    assert.equal(s.allocateNext(), '10.0.0.0/24');
    assert.equal(s.allocateNext(), '10.0.2.0/24', 'skips the occupied one');
    s.occupy('10.0.3.128/25');
    assert.equal(s.free, 0, 'a smaller CIDR marks its whole node subnet');
    s.release('10.0.2.0/23');
    assert.equal(s.free, 2);
    s.occupy('10.0.0.0/8');
    assert.equal(s.free, 0, 'a CIDR covering the cluster range marks everything');
    assert.throws(() => s.occupy('192.168.0.0/24'), /cidr 192.168.0.0\/24 is out the range of cluster cidr 10.0.0.0\/22/);
    assert.throws(() => s.occupy('fd00::/64'), /not of the family/);
  });

  it('supports IPv6 with upstream limits and canonical formatting', () => {
    const s = new CidrSet('fd00:10:244::/56', 64);
    assert.equal(s.size, 256);
    assert.equal(s.allocateNext(), 'fd00:10:244::/64');
    assert.equal(s.allocateNext(), 'fd00:10:244:1::/64');
    assert.throws(() => new CidrSet('fd00::/48', 120), /node CIDR size is too big/);
    assert.throws(() => new CidrSet('10.0.0.0/16', 8), /must be between 16 and 32/);
    assert.throws(() => new CidrSet('10.0.0.300/16', 24), /invalid CIDR/);
    assert.equal(formatIp(parseCidrBig('2001:db8:0:0:1:0:0:1/128').base, 6), '2001:db8::1:0:0:1');
    assert.equal(formatIp(parseCidrBig('::/0').base, 6), '::');
    assert.equal(parseCidrBig('10.42.7.9/16').base, parseCidrBig('10.42.0.0/16').base, 'host bits are cleared');
  });
});

describe('RangeAllocator', () => {
  it('allocates one CIDR per family for dual-stack, all or nothing', () => {
    const a = new RangeAllocator({ clusterCidr: '10.1.0.0/23, fd00::/63', nodeCidrMaskSize: 24, nodeCidrMaskSizeIPv6: 64 });
    assert.deepEqual(a.allocate(), ['10.1.0.0/24', 'fd00::/64']);
    a.occupy(['fd00:0:0:1::/64']);
    assert.equal(a.allocate(), undefined, 'IPv6 is exhausted');
    assert.deepEqual(a.free(), [1, 0], 'the IPv4 subnet taken for the failed attempt was given back');
    a.release(['10.1.0.0/24', 'fd00::/64']);
    assert.deepEqual(a.free(), [2, 1]);
  });

  it('skips CIDRs outside every cluster range and rejects bad configurations', () => {
    const a = new RangeAllocator({ clusterCidr: '10.42.0.0/16', nodeCidrMaskSize: 24, nodeCidrMaskSizeIPv6: 64 });
    assert.deepEqual(a.occupy(['10.244.3.0/24', '10.42.5.0/24']), ['10.244.3.0/24']);
    assert.deepEqual(a.free(), [255]);
    a.release(['192.168.0.0/24']);
    assert.throws(() => new RangeAllocator({ clusterCidr: '10.0.0.0/16,10.1.0.0/16', nodeCidrMaskSize: 24, nodeCidrMaskSizeIPv6: 64 }), /different IP families/);
    assert.throws(() => new RangeAllocator({ clusterCidr: ' ', nodeCidrMaskSize: 24, nodeCidrMaskSizeIPv6: 64 }), /empty/);
  });
});
