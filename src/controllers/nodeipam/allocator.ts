/**
 * The range allocator's CIDR bookkeeping (pkg/controller/nodeipam/ipam/range_allocator.go) over
 * one CidrSet per cluster CIDR (one, or two for dual-stack: one IPv4 and one IPv6).
 *
 * Contracts:
 * - `allocate()` takes one subnet from every set, in cluster-CIDR order, or nothing at all (a
 *   partial allocation is given back) and answers undefined.
 * - `occupy(cidrs)` marks each CIDR in the set of its family; CIDRs no set covers are skipped and
 *   returned, so a node with a foreign pod CIDR never blocks the allocator.
 * - `release(cidrs)` frees what `occupy`/`allocate` took; unknown CIDRs are ignored.
 */
import { CidrSet, parseCidrBig } from './cidrset.js';

export interface AllocatorConfig {
  /** Comma-separated cluster CIDRs (at most one per family). */
  clusterCidr: string;
  nodeCidrMaskSize: number;
  nodeCidrMaskSizeIPv6: number;
}

export class RangeAllocator {
  readonly sets: CidrSet[];

  constructor(c: AllocatorConfig) {
    const cidrs = c.clusterCidr
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (cidrs.length === 0) throw new Error('cluster CIDR is empty');
    if (cidrs.length > 2) throw new Error(`at most two cluster CIDRs (one per IP family) are supported, got ${cidrs.length}`);
    this.sets = cidrs.map((cidr) => new CidrSet(cidr, parseCidrBig(cidr).family === 4 ? c.nodeCidrMaskSize : c.nodeCidrMaskSizeIPv6));
    if (this.sets.length === 2 && this.sets[0].family === this.sets[1].family) throw new Error('dual-stack cluster CIDRs must be of different IP families');
  }

  allocate(): string[] | undefined {
    const out: string[] = [];
    for (const s of this.sets) {
      const c = s.allocateNext();
      if (!c) {
        this.release(out);
        return undefined;
      }
      out.push(c);
    }
    return out;
  }

  /** Marks `cidrs` used; returns those outside every cluster CIDR (not marked). */
  occupy(cidrs: string[]): string[] {
    const skipped: string[] = [];
    for (const c of cidrs) {
      const set = this.sets.find((s) => s.overlaps(c));
      if (set) set.occupy(c);
      else skipped.push(c);
    }
    return skipped;
  }

  release(cidrs: string[]): void {
    for (const c of cidrs) this.sets.find((s) => s.overlaps(c))?.release(c);
  }

  /** Free node subnets, per cluster CIDR. */
  free(): number[] {
    return this.sets.map((s) => s.free);
  }
}
