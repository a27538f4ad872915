/**
 * Address arithmetic for simulated nodes: per-node pod CIDRs carved out of the cluster CIDR, a
 * per-node pod IP allocator, and the label-only InternalIP of each node.
 *
 * Contracts:
 * - Node `i` gets the `i`-th /24 counted from the cluster CIDR's base address. Nodes beyond what the
 *   cluster CIDR holds continue past its end (the addresses are labels; no traffic is sent), up to
 *   the end of the IPv4 space.
 * - `PodIpAllocator` hands out each address of a node's /24 at most once until it is freed; .0, .1
 *   (gateway) and .255 are never handed out.
 */

export function parseIPv4(s: string): number {
  const parts = s.split('.');
  if (parts.length !== 4) throw new Error(`invalid IPv4 address "${s}"`);
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw new Error(`invalid IPv4 address "${s}"`);
    n = n * 256 + Number(p);
  }
  return n;
}

export function formatIPv4(n: number): string {
  return `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

export interface Cidr {
  base: number;
  prefix: number;
}

export function parseCidr(s: string): Cidr {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(s.trim());
  if (!m || Number(m[2]) > 32) throw new Error(`invalid CIDR "${s}"`);
  const prefix = Number(m[2]);
  const size = 2 ** (32 - prefix);
  const ip = parseIPv4(m[1]!);
  return { base: ip - (ip % size), prefix };
}

export function formatCidr(c: Cidr): string {
  return `${formatIPv4(c.base)}/${c.prefix}`;
}

export function cidrContains(c: Cidr, ip: string): boolean {
  let n: number;
  try {
    n = parseIPv4(ip);
  } catch {
    return false;
  }
  return n >= c.base && n < c.base + 2 ** (32 - c.prefix);
}

/** Nodes whose /24 lies inside `cluster`. */
export function nodesInCluster(cluster: Cidr): number {
  return cluster.prefix > 24 ? 0 : 2 ** (24 - cluster.prefix);
}

/** The /24 of node `index`. Throws past the end of the IPv4 space. */
export function nodePodCidr(cluster: Cidr, index: number): Cidr {
  const base = cluster.base - (cluster.base % 256) + index * 256;
  if (base + 256 > 2 ** 32) throw new Error(`no pod CIDR for node ${index}: past the end of the IPv4 space`);
  return { base, prefix: 24 };
}

/** The InternalIP label of node `index`: 127.a.b.c counting from 127.0.0.1. */
export function nodeInternalIP(index: number): string {
  const n = index + 1;
  if (n >= 2 ** 24) throw new Error(`node index ${index} too large for a 127/8 address`);
  return formatIPv4(127 * 16777216 + n);
}

/** Pod IPs of one node's /24. */
export class PodIpAllocator {
  private used: Uint8Array | undefined;
  private next = 2;
  private count = 0;

  constructor(readonly cidr: Cidr) {}

  get allocated(): number {
    return this.count;
  }

  /** A free address, or undefined when the range is exhausted. Round-robin so a freed IP is not reused at once. */
  allocate(): string | undefined {
    this.used ??= new Uint8Array(256);
    for (let k = 0; k < 253; k++) {
      const off = 2 + ((this.next - 2 + k) % 253);
      if (!this.used[off]) {
        this.used[off] = 1;
        this.count++;
        this.next = off + 1 > 254 ? 2 : off + 1;
        return formatIPv4(this.cidr.base + off);
      }
    }
    return undefined;
  }

  /** Marks `ip` used (re-adopting a running pod). False when it is outside the range or already taken. */
  claim(ip: string): boolean {
    if (!cidrContains(this.cidr, ip)) return false;
    const off = parseIPv4(ip) - this.cidr.base;
    if (off < 2 || off > 254) return false;
    this.used ??= new Uint8Array(256);
    if (this.used[off]) return false;
    this.used[off] = 1;
    this.count++;
    return true;
  }

  free(ip: string): void {
    if (!this.used || !cidrContains(this.cidr, ip)) return;
    const off = parseIPv4(ip) - this.cidr.base;
    if (this.used[off]) {
      this.used[off] = 0;
      this.count--;
    }
  }
}
