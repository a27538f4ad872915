import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IPv4Range, PortRange, RangeUse } from './ranges.js';

describe('IPv4Range', () => {
  it('hands out neither the network nor the broadcast address', () => {
    const r = new IPv4Range('10.43.0.0/16');
    assert.equal(r.size, 65534);
    assert.equal(r.ipAt(0), '10.43.0.1');
    assert.equal(r.ipAt(9), '10.43.0.10');
    assert.equal(r.ipAt(r.size - 1), '10.43.255.254');
    assert.equal(r.offsetOf('10.43.0.0'), undefined);
    assert.equal(r.offsetOf('10.43.255.255'), undefined);
    assert.equal(r.offsetOf('10.44.0.1'), undefined);
    assert.equal(r.offsetOf('fd00::1'), undefined);
    assert.equal(r.offsetOf('10.43.1.0'), 255);
    assert.equal(r.staticBand(), 256);
    assert.equal(r.notInRange('1.1.1.1'), 'the provided IP (1.1.1.1) is not in the valid range. The range of valid IPs is 10.43.0.0/16');
  });

  it('normalizes the network address and rejects bad CIDRs', () => {
    assert.equal(new IPv4Range('10.43.7.9/16').toString(), '10.43.0.0/16');
    assert.equal(new IPv4Range('192.168.5.0/29').size, 6);
    assert.equal(new IPv4Range('192.168.5.0/29').staticBand(), 6);
    assert.throws(() => new IPv4Range('fd00::/108'), /IPv4/);
    assert.throws(() => new IPv4Range('10.0.0.0'), /invalid service CIDR/);
    assert.throws(() => new IPv4Range('10.0.0.0/31'), /prefix/);
  });
});

describe('PortRange', () => {
  it('parses base-max and reports upstream messages', () => {
    const r = new PortRange('30000-32767');
    assert.equal(r.size, 2768);
    assert.equal(r.offsetOf(30000), 0);
    assert.equal(r.offsetOf(32767), 2767);
    assert.equal(r.offsetOf(32768), undefined);
    assert.equal(r.portAt(5), 30005);
    assert.equal(r.staticBand(), 86);
    assert.equal(r.notInRange(), 'provided port is not in the valid range. The range of valid ports is 30000-32767');
    assert.equal(new PortRange('8080').size, 1);
    assert.throws(() => new PortRange('32767-30000'));
    assert.throws(() => new PortRange('a-b'));
    assert.throws(() => new PortRange('0-10'));
  });
});

describe('RangeUse', () => {
  it('prefers the dynamic band, then falls back to the static band, then is full', () => {
    const u = new RangeUse(10, 4, () => 0);
    const got: number[] = [];
    for (let off = u.next(); off !== undefined; off = u.next()) {
      got.push(off);
      u.reserve(off);
    }
    assert.deepEqual(got, [4, 5, 6, 7, 8, 9, 0, 1, 2, 3]);
    assert.equal(u.used(), 10);
    u.unreserve(2);
    assert.equal(u.next(), 2);
  });

  it('counts committed owners and reservations separately', () => {
    const u = new RangeUse(4, 1, () => 0.99);
    u.commit(3);
    u.commit(3);
    assert.equal(u.owners(3), 2);
    u.uncommit(3);
    assert.equal(u.isFree(3), false);
    u.uncommit(3);
    assert.equal(u.isFree(3), true);
    u.reserve(3);
    assert.equal(u.isFree(3), false);
    assert.equal(u.next(), 1, 'scan wraps past the reserved offset');
    u.unreserve(3);
    assert.equal(u.next(), 3);
  });
});
