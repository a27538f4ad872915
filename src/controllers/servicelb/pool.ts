/**
 * The ServiceLB address pool (`--servicelb-address-pool`): IPv4 addresses given out one per
 * LoadBalancer Service.
 *
 * Contracts:
 * - `parsePool(spec)` takes a comma-separated list of entries, each a CIDR (`10.0.0.0/30`, every
 *   address of it, network and broadcast included, as MetalLB), a range `a-b` (both ends
 *   included) or a single address; IPv4 only. Entries must not overlap. Bad input throws an Error
 *   whose message names the entry.
 * - `contains(ip)` is false for anything that is not an IPv4 address of the pool.
 * - `firstFree(used)` answers the lowest address of the pool not in `used`, or undefined; it looks
 *   at no more than `used.size + 1` candidates whatever the pool's size.
 */
import { ipFamilyOf, parseCIDR } from '../../machinery/validation.js';

interface Range {
  /** First and last address, as unsigned 32-bit numbers. */
  first: number;
  last: number;
}

export function ipv4ToNumber(ip: string): number | undefined {
  if (ipFamilyOf(ip) !== 4 || ip.includes(':')) return undefined;
  return ip.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => String(Math.floor(n / 2 ** s) % 256)).join('.');
}

function parseEntry(entry: string): Range {
  const cidr = entry.includes('/') ? parseCIDR(entry) : undefined;
  if (entry.includes('/')) {
    if (!cidr || cidr.family !== 4 || entry.includes(':')) throw new Error(`invalid address pool entry "${entry}": not an IPv4 CIDR`);
    const size = 2 ** (32 - cidr.prefix);
    const base = cidr.ip.reduce((acc, b) => acc * 256 + b, 0);
    const first = base - (base % size);
    return { first, last: first + size - 1 };
  }
  const dash = entry.indexOf('-');
  const [a, b] = dash < 0 ? [entry, entry] : [entry.slice(0, dash).trim(), entry.slice(dash + 1).trim()];
  const first = ipv4ToNumber(a);
  const last = ipv4ToNumber(b);
  if (first === undefined || last === undefined) throw new Error(`invalid address pool entry "${entry}": want an IPv4 CIDR, a range a-b or an IPv4 address`);
  if (first > last) throw new Error(`invalid address pool entry "${entry}": the range's start is after its end`);
  return { first, last };
}

export class AddressPool {
  private constructor(
    /** Sorted by first address, non-overlapping. */
    private readonly ranges: Range[],
    readonly spec: string,
  ) {}

  get size(): number {
    return this.ranges.reduce((n, r) => n + r.last - r.first + 1, 0);
  }

  contains(ip: string): boolean {
    const n = ipv4ToNumber(ip);
    return n !== undefined && this.ranges.some((r) => n >= r.first && n <= r.last);
  }

  firstFree(used: ReadonlySet<string>): string | undefined {
    for (const r of this.ranges) {
      for (let n = r.first; n <= r.last; n++) {
        const ip = numberToIpv4(n);
        if (!used.has(ip)) return ip;
      }
    }
    return undefined;
  }

  static parse(spec: string): AddressPool {
    const entries = spec
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (entries.length === 0) throw new Error('the address pool is empty');
    const ranges = entries.map(parseEntry).sort((x, y) => x.first - y.first);
    for (let i = 1; i < ranges.length; i++) {
      if (ranges[i].first <= ranges[i - 1].last) {
        throw new Error(`address pool entries overlap at ${numberToIpv4(ranges[i].first)}`);
      }
    }
    return new AddressPool(ranges, entries.join(','));
  }
}

export const parsePool = (spec: string): AddressPool => AddressPool.parse(spec);
