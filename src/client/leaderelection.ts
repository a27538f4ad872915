/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection package.
 *
 * Contracts:
 * - At most one candidate believes it leads at any time, provided clocks run at the same rate:
 *   a lease held by another identity counts as expired only when its record has not changed for
 *   `leaseDuration` as measured on this candidate's own clock (no cross-machine time comparison).
 * - Every write is a compare-and-swap on the Lease's resourceVersion; a lost race is a failed try.
 * - The leader renews every `retryPeriod`; if it cannot renew for `renewDeadline` it stops leading
 *   (the signal given to `onStartedLeading` aborts, then `onStoppedLeading` runs).
 * - `run` returns after leadership ends or `signal` aborts; on abort a leader releases the lease
 *   (empty holder, 1 s duration) unless `releaseOnCancel` is false, so another candidate takes
 *   over at its next try instead of after `leaseDuration`.
 */
import type { KubeObject } from '../api/types.js';
import { formatMicroTime } from '../machinery/meta.js';
import { sleep } from '../util/abort.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { isAlreadyExists, isConflict, isNotFound, type ResourceRef, type RestClient } from './rest.js';

export const LEASES: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true, kind: 'Lease' };

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

/** The client calls leader election makes (a RestClient has them). */
export type LeaseClient = Pick<RestClient, 'get' | 'create' | 'update'>;

export interface LeaderElectionConfig {
  client: LeaseClient;
  /** Default kube-system. */
  namespace?: string;
  name: string;
  identity: string;
  /** Default 15 s. */
  leaseDurationMs?: number;
  /** Default 10 s; must be below leaseDuration. */
  renewDeadlineMs?: number;
  /** Default 2 s. */
  retryPeriodMs?: number;
  /** Default true. */
  releaseOnCancel?: boolean;
  log?: Logger;
}

export interface LeaderCallbacks {
  /** Runs when this candidate becomes leader; `signal` aborts when it stops leading. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  onStoppedLeading(): void;
  /** Called when the observed holder changes (including to this candidate). */
  onNewLeader?(identity: string): void;
}

/** MicroTime of `ms` since the epoch (`2006-01-02T15:04:05.000000Z`). */
const microTime = (ms: number): string => formatMicroTime(new Date(ms));

export class LeaderElector {
  private readonly ns: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly log: Logger;
  private observedRaw = '';
  private observedTime = 0;
  private observedHolder = '';
  /** The Lease as this candidate last wrote it (its resourceVersion is what release swaps on). */
  private written: Lease | undefined;
  private leading = false;

  constructor(private readonly cfg: LeaderElectionConfig) {
    this.ns = cfg.namespace ?? 'kube-system';
    this.leaseDurationMs = cfg.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = cfg.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = cfg.retryPeriodMs ?? 2_000;
    if (this.leaseDurationMs <= this.renewDeadlineMs) throw new Error('leaseDuration must be greater than renewDeadline');
    if (this.renewDeadlineMs <= this.retryPeriodMs * 1.2) throw new Error('renewDeadline must be greater than retryPeriod*1.2');
    if (!cfg.identity) throw new Error('leader election needs an identity');
    this.log = (cfg.log ?? silentLogger).child({ lease: `${this.ns}/${cfg.name}`, identity: cfg.identity });
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder this candidate last observed ('' when none). */
  getLeader(): string {
    return this.observedHolder;
  }

  async run(signal: AbortSignal, cb: LeaderCallbacks): Promise<void> {
    if (!(await this.acquire(signal, cb))) return;
    this.leading = true;
    const lead = new AbortController();
    this.log.info({}, 'became leader');
    Promise.resolve()
      .then(() => cb.onStartedLeading(lead.signal))
      .catch((err) => this.log.error({ err: String(err) }, 'onStartedLeading failed'));
    try {
      await this.renewLoop(signal, cb);
    } finally {
      this.leading = false;
      lead.abort(new Error('leadership lost'));
      if (signal.aborted && this.cfg.releaseOnCancel !== false) await this.release();
      this.log.info({ released: signal.aborted }, 'stopped leading');
      cb.onStoppedLeading();
    }
  }

  /** Tries every retryPeriod (with jitter) until this candidate holds the lease; false on abort. */
  private async acquire(signal: AbortSignal, cb: LeaderCallbacks): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew(cb, this.renewDeadlineMs)) return true;
      try {
        await sleep(this.retryPeriodMs * (1 + 1.2 * Math.random()), signal);
      } catch {
        return false;
      }
    }
    return false;
  }

  /** Renews every retryPeriod; returns when a renewal could not succeed within renewDeadline, or on abort. */
  private async renewLoop(signal: AbortSignal, cb: LeaderCallbacks): Promise<void> {
    for (;;) {
      try {
        await sleep(this.retryPeriodMs, signal);
      } catch {
        return;
      }
      const deadline = Date.now() + this.renewDeadlineMs;
      let renewed = false;
      while (!signal.aborted && Date.now() < deadline) {
        if (await this.tryAcquireOrRenew(cb, Math.max(1, deadline - Date.now()))) {
          renewed = true;
          break;
        }
        const wait = Math.min(this.retryPeriodMs, deadline - Date.now());
        if (wait <= 0) break;
        try {
          await sleep(wait, signal);
        } catch {
          return;
        }
      }
      if (signal.aborted) return;
      if (!renewed) {
        this.log.warn({}, 'failed to renew lease within the renew deadline');
        return;
      }
    }
  }

  private observe(spec: LeaseSpec, cb: LeaderCallbacks, now: number): void {
    const raw = JSON.stringify([spec.holderIdentity ?? '', spec.leaseDurationSeconds ?? 0, spec.acquireTime ?? '', spec.renewTime ?? '', spec.leaseTransitions ?? 0]);
    if (raw !== this.observedRaw) {
      this.observedRaw = raw;
      this.observedTime = now;
    }
    const holder = spec.holderIdentity ?? '';
    if (holder !== this.observedHolder) {
      this.observedHolder = holder;
      if (holder) cb.onNewLeader?.(holder);
    }
  }

  /** One attempt to take or keep the lease; true when this candidate holds it afterwards. */
  private async tryAcquireOrRenew(cb: LeaderCallbacks, timeoutMs: number): Promise<boolean> {
    const { client, name, identity } = this.cfg;
    const now = Date.now();
    const durationS = Math.max(1, Math.round(this.leaseDurationMs / 1000));
    let lease: Lease;
    try {
      lease = await client.get<Lease>(LEASES, this.ns, name, { timeoutMs });
    } catch (err) {
      if (!isNotFound(err)) {
        this.log.warn({ err: String(err) }, 'reading the lease failed');
        return false;
      }
      const spec: LeaseSpec = { holderIdentity: identity, leaseDurationSeconds: durationS, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 };
      try {
        this.written = await client.create<Lease>(LEASES, this.ns, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: this.ns }, spec }, { timeoutMs });
      } catch (e) {
        if (!isAlreadyExists(e)) this.log.warn({ err: String(e) }, 'creating the lease failed');
        return false;
      }
      this.observe(spec, cb, now);
      return true;
    }
    const old = lease.spec ?? {};
    this.observe(old, cb, now);
    const holder = old.holderIdentity ?? '';
    const held = holder !== '' && holder !== identity && this.observedTime + (old.leaseDurationSeconds ?? 0) * 1000 > now;
    if (held) return false;
    const mine = holder === identity;
    const spec: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds: durationS,
      acquireTime: mine && old.acquireTime ? old.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: mine ? (old.leaseTransitions ?? 0) : (old.leaseTransitions ?? 0) + 1,
    };
    try {
      this.written = await client.update<Lease>(LEASES, { ...lease, spec }, { timeoutMs });
    } catch (err) {
      if (!isConflict(err)) this.log.warn({ err: String(err) }, 'updating the lease failed');
      return false;
    }
    this.observe(spec, cb, now);
    return true;
  }

  /** Gives the lease up if this candidate still holds it (best effort). */
  private async release(): Promise<void> {
    const w = this.written;
    if (!w || w.spec?.holderIdentity !== this.cfg.identity) return;
    const now = Date.now();
    const spec: LeaseSpec = { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: w.spec?.leaseTransitions ?? 0 };
    try {
      this.written = await this.cfg.client.update<Lease>(LEASES, { ...w, spec }, { timeoutMs: this.renewDeadlineMs });
      this.observedHolder = '';
    } catch (err) {
      this.log.warn({ err: String(err) }, 'releasing the lease failed');
    }
  }
}
