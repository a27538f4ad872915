/**
 * A set of equal-size node subnets carved from one cluster CIDR (pkg/controller/nodeipam/ipam/
 * cidrset): a bitmap with one bit per subnet.
 *
 * Contracts:
 * - `allocateNext` hands out free subnets round-robin from just after the last one handed out (so
 *   a released subnet is not reused at once); undefined when none is free.
 * - `occupy`/`release` take any CIDR overlapping the cluster CIDR: every node subnet it overlaps is
 *   marked used/free (a CIDR covering the whole cluster range marks all). A CIDR outside the
 *   cluster range, or of the other family, throws.
 * - IPv6 sets may have at most 2^16 subnets, as upstream (ErrCIDRSetSubNetTooBig).
 */
import { parseCIDR } from '../../machinery/validation.js';

export type Family = 4 | 6;

export interface ParsedCidr {
  family: Family;
  /** Network address (host bits cleared). */
  base: bigint;
  prefix: number;
}

const bitsOf = (f: Family): number => (f === 4 ? 32 : 128);

export function parseCidrBig(s: string): ParsedCidr {
  const p = parseCIDR(s.trim());
  if (!p) throw new Error(`invalid CIDR address: ${s}`);
  let v = 0n;
  // An IPv4 CIDR may be written as IPv4-mapped IPv6; keep its low 32 bits.
  const bytes = p.family === 4 ? p.ip.slice(-4) : p.ip;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  const bits = bitsOf(p.family);
  const hostBits = BigInt(bits - p.prefix);
  const base = (v >> hostBits) << hostBits;
  return { family: p.family, base, prefix: p.prefix };
}

export function formatIp(v: bigint, family: Family): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (length ≥ 2) of zero groups, the first one on ties.
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(':');
  if (bestAt < 0) return hex(groups);
  return `${hex(groups.slice(0, bestAt))}::${hex(groups.slice(bestAt + bestLen))}`;
}

export function formatCidr(c: ParsedCidr): string {
  return `${formatIp(c.base, c.family)}/${c.prefix}`;
}

const MAX_IPV6_PREFIX_DIFF = 16;

export class CidrSet {
  readonly family: Family;
  readonly cluster: ParsedCidr;
  readonly nodeMaskSize: number;
  readonly size: number;
  private readonly used: Uint32Array;
  private allocated = 0;
  private next = 0;

  constructor(clusterCidr: string, nodeMaskSize: number) {
    this.cluster = parseCidrBig(clusterCidr);
    this.family = this.cluster.family;
    const bits = bitsOf(this.family);
    if (!Number.isInteger(nodeMaskSize) || nodeMaskSize < this.cluster.prefix || nodeMaskSize > bits) {
      throw new Error(`node CIDR mask size ${nodeMaskSize} must be between ${this.cluster.prefix} and ${bits} for cluster CIDR ${clusterCidr}`);
    }
    const diff = nodeMaskSize - this.cluster.prefix;
    if (this.family === 6 ? diff > MAX_IPV6_PREFIX_DIFF : diff > 24) {
      throw new Error('New CIDR set failed; the node CIDR size is too big');
    }
    this.nodeMaskSize = nodeMaskSize;
    this.size = 2 ** diff;
    this.used = new Uint32Array(Math.ceil(this.size / 32));
  }

  get free(): number {
    return this.size - this.allocated;
  }

  private hostBits(): bigint {
    return BigInt(bitsOf(this.family) - this.nodeMaskSize);
  }

  private isUsed(i: number): boolean {
    return (this.used[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  private set(i: number, on: boolean): void {
    if (this.isUsed(i) === on) return;
    this.used[i >>> 5] ^= 1 << (i & 31);
    this.allocated += on ? 1 : -1;
  }

  private cidrAt(i: number): string {
    return formatCidr({ family: this.family, base: this.cluster.base + (BigInt(i) << this.hostBits()), prefix: this.nodeMaskSize });
  }

  allocateNext(): string | undefined {
    if (this.allocated >= this.size) return undefined;
    for (let k = 0; k < this.size; k++) {
      const i = (this.next + k) % this.size;
      if (!this.isUsed(i)) {
        this.set(i, true);
        this.next = (i + 1) % this.size;
        return this.cidrAt(i);
      }
    }
    return undefined;
  }

  /** Whether `cidr` is of this family and overlaps the cluster range. */
  overlaps(cidr: string): boolean {
    try {
      this.range(cidr);
      return true;
    } catch {
      return false;
    }
  }

  occupy(cidr: string): void {
    const [a, b] = this.range(cidr);
    for (let i = a; i <= b; i++) this.set(i, true);
  }

  release(cidr: string): void {
    const [a, b] = this.range(cidr);
    for (let i = a; i <= b; i++) this.set(i, false);
  }

  /** Indices of the node subnets `cidr` overlaps. */
  private range(cidr: string): [number, number] {
    const c = parseCidrBig(cidr);
    const bits = BigInt(bitsOf(this.family));
    const clusterFormatted = formatCidr(this.cluster);
    if (c.family !== this.family) throw new Error(`cidr ${cidr} is not of the family of cluster cidr ${clusterFormatted}`);
    const clusterHost = bits - BigInt(this.cluster.prefix);
    const clusterEnd = this.cluster.base + (1n << clusterHost) - 1n;
    const cEnd = c.base + (1n << (bits - BigInt(c.prefix))) - 1n;
    if (cEnd < this.cluster.base || c.base > clusterEnd) throw new Error(`cidr ${cidr} is out the range of cluster cidr ${clusterFormatted}`);
    if (c.prefix <= this.cluster.prefix) return [0, this.size - 1];
    const h = this.hostBits();
    const first = Number((c.base - this.cluster.base) >> h);
    const last = Number((cEnd - this.cluster.base) >> h);
    return [first, last];
  }
}
