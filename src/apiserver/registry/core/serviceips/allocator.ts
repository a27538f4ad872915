/**
 * ClusterIP and NodePort allocation for Services (upstream's service REST `beginCreate` /
 * `beginUpdate` allocators, IPv4 single-stack).
 *
 * State model (restart-safe and self-repairing by construction): what is allocated is *derived*
 * from the stored Services as the services watch cache sees them (`start()` subscribes with a
 * snapshot, so a restart or a cache re-list rebuilds the state), plus *reservations* held by
 * in-flight writes. A write reserves synchronously (the event loop serializes check-and-reserve,
 * so concurrent creates never pick the same value) inside a `transaction`; the reservation is
 * dropped when the write fails, or once the watch cache has applied the successful write (from
 * then on the stored object holds the value). Releasing on delete or on a type change therefore
 * needs no bookkeeping: the cache event removes the old values.
 *
 * Limit: with several API servers on one etcd, two servers may reserve the same value in the
 * window before each sees the other's write (upstream closes it with IPAddress objects / a repair
 * loop); a single server never double-allocates.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { KubeObject } from '../../../../api/types.js';
import * as errors from '../../../../machinery/errors.js';
import { invalid, type FieldError } from '../../../../machinery/fielderrors.js';
import type { Cacher, CachedObject } from '../../cacher.js';
import { ERR_FULL, ERR_IP_ALLOCATED, ERR_PORT_ALLOCATED, IPv4Range, PortRange, RangeUse } from './ranges.js';

export const DEFAULT_SERVICE_CIDR = '10.43.0.0/16';
export const DEFAULT_NODE_PORT_RANGE = '30000-32767';

export interface ServiceIPOptions {
  /** `--service-cidr` (IPv4 only; default 10.43.0.0/16). */
  serviceCIDR?: string;
  /** `--service-node-port-range` (default 30000-32767). */
  nodePortRange?: string;
  /** Random source for the scan start (tests). */
  random?: () => number;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;
const isObj = (v: unknown): v is Record<string, Any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): Any[] => (Array.isArray(v) ? v : []);

interface Held {
  ips: number[];
  ports: number[];
}

interface Txn {
  readonly dryRun: boolean;
  ips: number[];
  ports: number[];
}

const needsNodePorts = (spec: Record<string, Any>): boolean =>
  spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
const needsHealthCheckPort = (spec: Record<string, Any>): boolean => spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';

export class ServiceAllocator {
  readonly ipRange: IPv4Range;
  readonly portRange: PortRange;
  private readonly ipUse: RangeUse;
  private readonly portUse: RangeUse;
  private readonly byKey = new Map<string, Held>();
  private readonly als = new AsyncLocalStorage<Txn>();
  private cacher: Cacher | undefined;
  private stopWatch: (() => void) | undefined;
  private started = false;

  constructor(opts: ServiceIPOptions = {}) {
    this.ipRange = new IPv4Range(opts.serviceCIDR || DEFAULT_SERVICE_CIDR);
    this.portRange = new PortRange(opts.nodePortRange || DEFAULT_NODE_PORT_RANGE);
    this.ipUse = new RangeUse(this.ipRange.size, this.ipRange.staticBand(), opts.random);
    this.portUse = new RangeUse(this.portRange.size, this.portRange.staticBand(), opts.random);
  }

  /** The n-th address of the range (1: the `kubernetes` Service's, 10: cluster DNS). */
  nthIP(n: number): string {
    return this.ipRange.ipAt(n - 1);
  }

  /**
   * Follows `cacher` (the services watch cache, which must be ready): rebuilds the derived state
   * from a snapshot and keeps it current. Re-subscribes by itself when the cache re-lists.
   */
  start(cacher: Cacher): void {
    this.cacher = cacher;
    this.started = true;
    this.resync();
  }

  stop(): void {
    this.started = false;
    this.stopWatch?.();
    this.stopWatch = undefined;
  }

  private resync(): void {
    this.stopWatch?.();
    for (const key of [...this.byKey.keys()]) this.setHeld(key, undefined);
    const cacher = this.cacher!;
    let closed = false;
    const w = cacher.watch(
      undefined,
      { matches: () => true },
      {
        event: (type, o) => {
          if (closed) return false;
          this.observe(type === 'DELETED' ? undefined : o, o.key);
          return true;
        },
        close: () => {
          closed = true;
          // The cache replaces its objects right after closing watchers (same tick): follow the new state.
          if (this.started) queueMicrotask(() => this.started && this.resync());
        },
      },
      true,
    );
    this.stopWatch = () => {
      closed = true;
      w.stop();
    };
  }

  private observe(o: CachedObject | undefined, key: string): void {
    this.setHeld(key, o ? this.heldBy(o.obj) : undefined);
  }

  private setHeld(key: string, held: Held | undefined): void {
    const prev = this.byKey.get(key);
    if (prev) {
      for (const i of prev.ips) this.ipUse.uncommit(i);
      for (const p of prev.ports) this.portUse.uncommit(p);
      this.byKey.delete(key);
    }
    if (held && (held.ips.length || held.ports.length)) {
      for (const i of held.ips) this.ipUse.commit(i);
      for (const p of held.ports) this.portUse.commit(p);
      this.byKey.set(key, held);
    }
  }

  /** The range offsets a stored Service holds. */
  heldBy(svc: KubeObject): Held {
    const spec = isObj(svc.spec) ? svc.spec : {};
    const ips = new Set<number>();
    const ports = new Set<number>();
    if (spec.type !== 'ExternalName') {
      const list = arr(spec.clusterIPs).length ? arr(spec.clusterIPs) : spec.clusterIP ? [spec.clusterIP] : [];
      for (const ip of list) {
        const off = typeof ip === 'string' ? this.ipRange.offsetOf(ip) : undefined;
        if (off !== undefined) ips.add(off);
      }
    }
    for (const p of arr(spec.ports)) {
      const off = isObj(p) && typeof p.nodePort === 'number' ? this.portRange.offsetOf(p.nodePort) : undefined;
      if (off !== undefined) ports.add(off);
    }
    if (typeof spec.healthCheckNodePort === 'number') {
      const off = this.portRange.offsetOf(spec.healthCheckNodePort);
      if (off !== undefined) ports.add(off);
    }
    return { ips: [...ips], ports: [...ports] };
  }

  /** Counts for tests and metrics. */
  usage(): { ips: number; ports: number } {
    return { ips: this.ipUse.used(), ports: this.portUse.used() };
  }

  /**
   * Runs one write with a reservation scope: values reserved by `allocateCreate`/`allocateUpdate`
   * during `fn` are released when `fn` fails, or when the watch cache reaches the revision
   * `rvOf(result)` returns (at once when it returns undefined, e.g. a dry run or a no-op update).
   */
  async transaction<T>(dryRun: boolean, fn: () => Promise<T>, rvOf: (r: T) => string | undefined): Promise<T> {
    const txn: Txn = { dryRun, ips: [], ports: [] };
    let res: T;
    try {
      res = await this.als.run(txn, fn);
    } catch (err) {
      this.releaseTxn(txn);
      throw err;
    }
    const rv = Number(rvOf(res) ?? 0);
    if (!dryRun && rv > 0 && this.cacher && this.cacher.rv < rv && (txn.ips.length || txn.ports.length)) {
      void this.cacher.waitForRv(rv, 120_000).then(() => this.releaseTxn(txn));
    } else {
      this.releaseTxn(txn);
    }
    return res;
  }

  private releaseTxn(txn: Txn): void {
    for (const i of txn.ips) this.ipUse.unreserve(i);
    for (const p of txn.ports) this.portUse.unreserve(p);
    txn.ips = [];
    txn.ports = [];
  }

  /** The current write's scope; outside `transaction` a scope that expires after a minute. */
  private txn(): Txn {
    const t = this.als.getStore();
    if (t) return t;
    const orphan: Txn = { dryRun: false, ips: [], ports: [] };
    setTimeout(() => this.releaseTxn(orphan), 60_000).unref();
    return orphan;
  }

  private ready(): void {
    if (!this.started) throw errors.serviceUnavailable('the service IP allocator is not ready');
  }

  private reserveIP(txn: Txn, off: number): void {
    if (txn.dryRun) return;
    this.ipUse.reserve(off);
    txn.ips.push(off);
  }

  private reservePort(txn: Txn, off: number): void {
    if (txn.dryRun) return;
    this.portUse.reserve(off);
    txn.ports.push(off);
  }

  /**
   * Fills in and reserves clusterIP(s), IP family fields and node ports of a Service being
   * created (after defaulting and validation). Returns upstream's field errors for values the
   * user chose that cannot be had; throws 500 when a range is full.
   */
  allocateCreate(svc: KubeObject): FieldError[] {
    this.ready();
    const txn = this.txn();
    this.releaseTxn(txn);
    const spec = ((svc as Any).spec ??= {}) as Record<string, Any>;
    if (spec.type === 'ExternalName') return [];
    const errs = this.initIPFamilies(spec, undefined);
    if (errs.length) return errs;
    const ipErrs = this.allocateClusterIP(spec, txn);
    if (ipErrs.length) return ipErrs;
    return this.allocateNodePorts(spec, undefined, txn);
  }

  /**
   * The same for an update (after validation): a Service leaving ExternalName gets a clusterIP,
   * one becoming NodePort/LoadBalancer gets node ports; values the old object held stay its own.
   * Values the new object no longer holds are released when the update is stored.
   */
  allocateUpdate(svc: KubeObject, old: KubeObject): FieldError[] {
    this.ready();
    const txn = this.txn();
    this.releaseTxn(txn);
    const spec = ((svc as Any).spec ??= {}) as Record<string, Any>;
    const os = isObj((old as Any).spec) ? ((old as Any).spec as Record<string, Any>) : {};
    if (spec.type === 'ExternalName') return [];
    const errs = this.initIPFamilies(spec, os.type === 'ExternalName' ? undefined : os);
    if (errs.length) return errs;
    const oldIPs = os.type === 'ExternalName' ? [] : arr(os.clusterIPs);
    if (oldIPs.length === 0) {
      const ipErrs = this.allocateClusterIP(spec, txn);
      if (ipErrs.length) return ipErrs;
    }
    return this.allocateNodePorts(spec, new Set(this.heldBy(old).ports), txn);
  }

  /** Upstream's initIPFamilyFields for an IPv4 single-stack cluster. */
  private initIPFamilies(spec: Record<string, Any>, old: Record<string, Any> | undefined): FieldError[] {
    if (old) {
      if (arr(spec.ipFamilies).length === 0 && arr(old.ipFamilies).length) spec.ipFamilies = [...old.ipFamilies];
      if (spec.ipFamilyPolicy == null && old.ipFamilyPolicy != null) spec.ipFamilyPolicy = old.ipFamilyPolicy;
    }
    const headless = spec.clusterIP === 'None';
    if (spec.ipFamilyPolicy == null) {
      // Headless services without a selector may be dual-stack (their endpoints are managed by hand).
      spec.ipFamilyPolicy = headless && !(isObj(spec.selector) && Object.keys(spec.selector).length) ? 'RequireDualStack' : 'SingleStack';
    } else if (spec.ipFamilyPolicy === 'RequireDualStack' && !headless) {
      return [invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy, 'this cluster is not configured for dual-stack services')];
    }
    const fams = arr(spec.ipFamilies);
    for (let i = 0; i < fams.length; i++) {
      if (fams[i] !== 'IPv4') {
        if (headless && i > 0) continue;
        return [invalid(`spec.ipFamilies[${i}]`, fams[i], 'not configured on this cluster')];
      }
    }
    if (fams.length === 0) spec.ipFamilies = ['IPv4'];
    return [];
  }

  private allocateClusterIP(spec: Record<string, Any>, txn: Txn): FieldError[] {
    if (spec.clusterIP === 'None') {
      spec.clusterIPs = ['None'];
      return [];
    }
    const wanted: unknown = arr(spec.clusterIPs)[0] ?? spec.clusterIP;
    if (typeof wanted === 'string' && wanted !== '') {
      const list = arr(spec.clusterIPs).length ? spec.clusterIPs : [wanted];
      const off = this.ipRange.offsetOf(wanted);
      if (off === undefined) return [invalid('spec.clusterIPs', list, `failed to allocate IP ${wanted}: ${this.ipRange.notInRange(wanted)}`)];
      if (!this.ipUse.isFree(off)) return [invalid('spec.clusterIPs', list, `failed to allocate IP ${wanted}: ${ERR_IP_ALLOCATED}`)];
      this.reserveIP(txn, off);
      spec.clusterIP = wanted;
      spec.clusterIPs = list;
      return [];
    }
    const off = this.ipUse.next();
    if (off === undefined) throw errors.internalError(`failed to allocate a serviceIP: ${ERR_FULL}`);
    this.reserveIP(txn, off);
    const ip = this.ipRange.ipAt(off);
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
    return [];
  }

  /** Node ports (and the health check port); `own`: offsets the stored object already holds. */
  private allocateNodePorts(spec: Record<string, Any>, own: Set<number> | undefined, txn: Txn): FieldError[] {
    const mine = new Set<number>();
    const claim = (port: number, field: string): FieldError[] => {
      const off = this.portRange.offsetOf(port);
      if (off === undefined) return [invalid(field, port, this.portRange.notInRange())];
      if (mine.has(off) || own?.has(off)) {
        mine.add(off);
        return [];
      }
      if (!this.portUse.isFree(off)) return [invalid(field, port, ERR_PORT_ALLOCATED)];
      this.reservePort(txn, off);
      mine.add(off);
      return [];
    };
    const next = (): number => {
      const off = this.portUse.next();
      if (off === undefined) throw errors.internalError(`failed to allocate a nodePort: ${ERR_FULL}`);
      this.reservePort(txn, off);
      mine.add(off);
      return this.portRange.portAt(off);
    };
    const ports = arr(spec.ports).filter(isObj);
    if (needsNodePorts(spec) || spec.type === 'LoadBalancer') {
      // User-chosen ports first, so that automatic ones never take them.
      for (let i = 0; i < ports.length; i++) {
        const p = ports[i]!;
        if (typeof p.nodePort === 'number' && p.nodePort !== 0) {
          const e = claim(p.nodePort, `spec.ports[${i}].nodePort`);
          if (e.length) return e;
        }
      }
      if (needsNodePorts(spec)) {
        // Ports sharing a port number (e.g. 53/UDP and 53/TCP) share one node port, as upstream.
        const byPort = new Map<number, number>();
        for (const p of ports) if (p.nodePort) byPort.set(p.port, p.nodePort);
        for (const p of ports) {
          if (p.nodePort) continue;
          const reuse = byPort.get(p.port);
          p.nodePort = reuse ?? next();
          byPort.set(p.port, p.nodePort);
        }
      }
    }
    if (needsHealthCheckPort(spec)) {
      if (typeof spec.healthCheckNodePort === 'number' && spec.healthCheckNodePort !== 0) {
        const e = claim(spec.healthCheckNodePort, 'spec.healthCheckNodePort');
        if (e.length) return e;
      } else {
        spec.healthCheckNodePort = next();
      }
    }
    return [];
  }
}
