/**
 * The two ranges the API server hands out from: the service CIDR (IPv4) for ClusterIPs and the
 * NodePort range. Each is a set of offsets with upstream's split into a lower "static" band (kept
 * for user-chosen values such as the DNS service's tenth address) and an upper "dynamic" band that
 * automatic allocation prefers (KEP-3070 / KEP-3668), and upstream's error texts.
 *
 * Contract: a `RangeUse` counts owners per offset. `committed` counts are what the stored Services
 * hold (maintained by the caller from the watch cache), `reserved` counts are in-flight requests;
 * an offset is free when both are zero. Nothing here is asynchronous, so a check-and-reserve is
 * atomic on the event loop.
 */
import { parseCIDR, parseIP } from '../../../../machinery/validation.js';

export const ERR_IP_ALLOCATED = 'provided IP is already allocated';
export const ERR_PORT_ALLOCATED = 'provided port is already allocated';
export const ERR_FULL = 'range is full';

/** An IPv4 service CIDR. The network address and (for prefixes < 31) the broadcast address are never handed out. */
export class IPv4Range {
  readonly base: number;
  readonly prefix: number;
  /** Number of usable addresses; offset 0 is `base + 1`. */
  readonly size: number;

  constructor(readonly cidr: string) {
    const c = parseCIDR(cidr);
    if (!c || c.family !== 4) throw new Error(`invalid service CIDR ${JSON.stringify(cidr)}: want an IPv4 CIDR such as 10.43.0.0/16`);
    if (c.prefix > 30 || c.prefix < 8) throw new Error(`invalid service CIDR ${cidr}: the prefix must be between /8 and /30`);
    const ip = ((c.ip[0] << 24) | (c.ip[1] << 16) | (c.ip[2] << 8) | c.ip[3]) >>> 0;
    const mask = c.prefix === 0 ? 0 : (0xffffffff << (32 - c.prefix)) >>> 0;
    this.base = (ip & mask) >>> 0;
    this.prefix = c.prefix;
    this.size = 2 ** (32 - c.prefix) - 2;
  }

  /** The CIDR with its network address (as upstream prints the valid range). */
  toString(): string {
    return `${toIPv4(this.base)}/${this.prefix}`;
  }

  /** The offset of `ip`, or undefined when it is not a usable address of the range (or not IPv4). */
  offsetOf(ip: string): number | undefined {
    const b = parseIP(ip);
    if (!b || b.length !== 4) return undefined;
    const n = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
    const off = n - this.base - 1;
    return off >= 0 && off < this.size ? off : undefined;
  }

  /** The address at `offset` (0 is the first usable address, `.1` in a /16). */
  ipAt(offset: number): string {
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.size) throw new RangeError(`offset ${offset} outside ${this}`);
    return toIPv4(this.base + 1 + offset);
  }

  notInRange(ip: string): string {
    return `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this}`;
  }

  /** Upstream's static band: min(max(16, size/16), 256) addresses. */
  staticBand(): number {
    return Math.min(Math.max(16, Math.floor(this.size / 16)), 256, this.size);
  }
}

/** A NodePort range `base-max` (inclusive). */
export class PortRange {
  readonly base: number;
  readonly max: number;
  readonly size: number;

  constructor(spec: string) {
    const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(spec);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? (m[2] === undefined ? lo : Number(m[2])) : NaN;
    if (!m || lo < 1 || hi > 65535 || hi < lo) throw new Error(`invalid port range ${JSON.stringify(spec)}: want e.g. 30000-32767`);
    this.base = lo;
    this.max = hi;
    this.size = hi - lo + 1;
  }

  toString(): string {
    return `${this.base}-${this.max}`;
  }

  offsetOf(port: number): number | undefined {
    return Number.isInteger(port) && port >= this.base && port <= this.max ? port - this.base : undefined;
  }

  portAt(offset: number): number {
    return this.base + offset;
  }

  notInRange(): string {
    return `provided port is not in the valid range. The range of valid ports is ${this}`;
  }

  /** Upstream's static band for ports: min(max(16, size/32), 128). */
  staticBand(): number {
    return Math.min(Math.max(16, Math.floor(this.size / 32)), 128, this.size);
  }
}

export function toIPv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Owner counts per offset of one range: committed (stored objects) and reserved (in flight). */
export class RangeUse {
  private readonly committed = new Map<number, number>();
  private readonly reserved = new Map<number, number>();

  constructor(
    readonly size: number,
    private readonly staticBand: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** Committed owners of `offset` (tests, diagnostics). */
  owners(offset: number): number {
    return this.committed.get(offset) ?? 0;
  }

  isFree(offset: number): boolean {
    return !this.committed.get(offset) && !this.reserved.get(offset);
  }

  /** Number of offsets that are not free. */
  used(): number {
    const all = new Set([...this.committed.keys(), ...this.reserved.keys()]);
    return all.size;
  }

  commit(offset: number): void {
    this.committed.set(offset, (this.committed.get(offset) ?? 0) + 1);
  }

  uncommit(offset: number): void {
    const n = (this.committed.get(offset) ?? 0) - 1;
    if (n > 0) this.committed.set(offset, n);
    else this.committed.delete(offset);
  }

  reserve(offset: number): void {
    this.reserved.set(offset, (this.reserved.get(offset) ?? 0) + 1);
  }

  unreserve(offset: number): void {
    const n = (this.reserved.get(offset) ?? 0) - 1;
    if (n > 0) this.reserved.set(offset, n);
    else this.reserved.delete(offset);
  }

  /**
   * A free offset, preferring the dynamic (upper) band and scanning from a random point, or
   * undefined when the range is full. Does not reserve.
   */
  next(): number | undefined {
    const lo = this.staticBand;
    return this.scan(lo, this.size) ?? this.scan(0, lo);
  }

  private scan(from: number, to: number): number | undefined {
    const n = to - from;
    if (n <= 0) return undefined;
    const start = Math.floor(this.random() * n);
    for (let i = 0; i < n; i++) {
      const off = from + ((start + i) % n);
      if (this.isFree(off)) return off;
    }
    return undefined;
  }
}
