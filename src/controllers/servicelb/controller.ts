/**
 * ServiceLB (k3s's built-in service load balancer, without svclb pods): keeps
 * status.loadBalancer.ingress of every Service of type LoadBalancer without a loadBalancerClass.
 *
 * Contracts:
 * - Without a pool the ingress is one `{ ip, ipMode: 'VIP' }` per address `nodeIngressIPs` picks;
 *   with no qualifying node it is empty (`<pending>`) and event UnAvailableLoadBalancer is recorded.
 *   Node adds, deletes and changes of readiness, schedulability, the exclude label or addresses
 *   re-sync every LoadBalancer Service.
 * - With a pool every such Service gets one pool address. The view of who holds what is derived
 *   from the Services only: the pool addresses in their status (indexed by the informer handlers,
 *   in event order, before any worker runs) plus the address each Service's last sync reserved and
 *   is writing. A Service keeps, in this order: its spec.loadBalancerIP when in the pool and free,
 *   the address it reserved, the address its status shows; otherwise it gets the lowest free one.
 *   An address is free for a Service when no other Service reserved it or shows it in its status
 *   (of Services showing the same address, the oldest, then the first by key, keeps it). All
 *   choosing happens synchronously inside `sync`, so concurrent workers never hand one address to
 *   two Services. An exhausted pool leaves the ingress empty and records Warning AllocationFailed;
 *   every Service still waiting is queued again when an address is given back.
 * - A Service that stops being an eligible LoadBalancer (type change, a class, deletion) gives its
 *   address back once its status no longer shows it: the controller clears the ingress when the type
 *   is no longer LoadBalancer, or when it has a class and the ingress is one this controller would
 *   have written (pool or node addresses, ipMode VIP, no hostname or ports).
 * - Status is written only through `services/status`, only when it differs, from the cached
 *   object's resourceVersion: a stale cache answers Conflict and the key is retried by the queue.
 * - Events as upstream's service controller: EnsuringLoadBalancer before and EnsuredLoadBalancer
 *   after writing a non-empty ingress, DeletingLoadBalancer / DeletedLoadBalancer around clearing.
 */
import type { LoadBalancerIngress, Service } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/types.js';
import type { SharedInformer } from '../../client/informer.js';
import { isNotFound, type RestClient } from '../../client/rest.js';
import type { EventRecorder } from '../../client/events.js';
import type { WorkQueue } from '../../client/workqueue.js';
import type { Logger } from '../../util/logger.js';
import { keyOf, splitKey } from '../common/keys.js';
import { SERVICES } from '../resources.js';
import type { AddressPool } from './pool.js';
import { isNodeAddress, nodeFingerprint, nodeIngressIPs, type NodeObj } from './nodes.js';

export type ServiceObj = Service & KubeObject;

export interface ServiceLBOptions {
  client: Pick<RestClient, 'updateStatus'>;
  services: Pick<SharedInformer<ServiceObj>, 'lister' | 'addEventHandler'>;
  nodes: Pick<SharedInformer<NodeObj>, 'lister' | 'addEventHandler'>;
  queue: Pick<WorkQueue<string>, 'add'>;
  /** Allocate from this pool instead of publishing node addresses. */
  pool?: AddressPool;
  recorder: Pick<EventRecorder, 'event'>;
  log: Logger;
  signal?: AbortSignal;
}

/** Whether this controller is responsible for `svc`'s load balancer. */
export function wantsLoadBalancer(svc: ServiceObj): boolean {
  return svc.spec?.type === 'LoadBalancer' && !svc.spec.loadBalancerClass;
}

const ingressOf = (svc: ServiceObj): LoadBalancerIngress[] => svc.status?.loadBalancer?.ingress ?? [];

const canonical = (list: LoadBalancerIngress[]): string =>
  JSON.stringify(list.map((i) => [i.ip ?? '', i.ipMode ?? (i.ip ? 'VIP' : ''), i.hostname ?? '', i.ports ?? []]));

const vip = (ip: string): LoadBalancerIngress => ({ ip, ipMode: 'VIP' });

interface Reservation {
  uid: string;
  ip: string;
}

export class ServiceLBController {
  /** Pool addresses shown in Services' status → the keys showing them (from informer events). */
  private readonly shown = new Map<string, Set<string>>();
  /** Pool addresses shown by each key (the inverse of `shown`). */
  private readonly shownBy = new Map<string, string[]>();
  /** The address each key's last sync chose (being written or already written). */
  private readonly reserved = new Map<string, Reservation>();
  private readonly reservedBy = new Map<string, string>();

  constructor(private readonly o: ServiceLBOptions) {}

  register(): void {
    this.o.services.addEventHandler({
      onAdd: (s) => this.onService(undefined, s),
      onUpdate: (old, s) => this.onService(old, s),
      onDelete: (d) => {
        const key = keyOf(d.lastKnown);
        this.index(key, []);
        this.o.queue.add(key);
      },
    });
    this.o.nodes.addEventHandler({
      onAdd: () => this.requeueNodeMode(),
      onUpdate: (old, n) => {
        if (nodeFingerprint(old) !== nodeFingerprint(n)) this.requeueNodeMode();
      },
      onDelete: () => this.requeueNodeMode(),
    });
  }

  private onService(old: ServiceObj | undefined, s: ServiceObj): void {
    const key = keyOf(s);
    this.index(key, this.poolIPsIn(s));
    const relevant = (x: ServiceObj | undefined) => x !== undefined && (x.spec?.type === 'LoadBalancer' || ingressOf(x).length > 0);
    if (relevant(old) || relevant(s) || this.reserved.has(key)) this.o.queue.add(key);
  }

  private poolIPsIn(s: ServiceObj): string[] {
    const pool = this.o.pool;
    if (!pool) return [];
    return [...new Set(ingressOf(s).flatMap((i) => (i.ip && pool.contains(i.ip) ? [i.ip] : [])))];
  }

  /** Makes `shown` say that `key` shows exactly `ips`; queues waiting Services if one was dropped. */
  private index(key: string, ips: string[]): void {
    const before = this.shownBy.get(key) ?? [];
    let dropped = false;
    for (const ip of before) {
      if (ips.includes(ip)) continue;
      const set = this.shown.get(ip);
      set?.delete(key);
      if (set && set.size === 0) this.shown.delete(ip);
      dropped = true;
    }
    for (const ip of ips) {
      if (!this.shown.has(ip)) this.shown.set(ip, new Set());
      this.shown.get(ip)!.add(key);
    }
    if (ips.length) this.shownBy.set(key, ips);
    else this.shownBy.delete(key);
    if (dropped) this.requeueWaiting();
  }

  private requeueNodeMode(): void {
    if (this.o.pool) return;
    for (const s of this.o.services.lister.list()) if (wantsLoadBalancer(s)) this.o.queue.add(keyOf(s));
  }

  /** Queues every eligible Service that holds no pool address. */
  private requeueWaiting(): void {
    if (!this.o.pool) return;
    for (const s of this.o.services.lister.list()) {
      const key = keyOf(s);
      if (wantsLoadBalancer(s) && !this.reserved.has(key) && !this.shownBy.has(key)) this.o.queue.add(key);
    }
  }

  private release(key: string): void {
    const r = this.reserved.get(key);
    if (!r) return;
    this.reserved.delete(key);
    if (this.reservedBy.get(r.ip) === key) this.reservedBy.delete(r.ip);
    this.requeueWaiting();
  }

  private reserve(key: string, uid: string, ip: string): void {
    const r = this.reserved.get(key);
    if (r?.ip === ip) {
      r.uid = uid;
      return;
    }
    if (r && this.reservedBy.get(r.ip) === key) this.reservedBy.delete(r.ip);
    this.reserved.set(key, { uid, ip });
    this.reservedBy.set(ip, key);
  }

  /** The key that keeps `ip` among the Services showing it: the oldest, then the first by key. */
  private statusWinner(ip: string): string | undefined {
    const keys = [...(this.shown.get(ip) ?? [])];
    const created = (k: string) => {
      const { namespace, name } = splitKey(k);
      return this.o.services.lister.get(namespace, name)?.metadata?.creationTimestamp ?? '';
    };
    keys.sort((a, b) => created(a).localeCompare(created(b)) || (a < b ? -1 : a > b ? 1 : 0));
    return keys[0];
  }

  private freeFor(key: string, ip: string): boolean {
    if (!this.o.pool?.contains(ip)) return false;
    const owner = this.reservedBy.get(ip);
    if (owner !== undefined && owner !== key) return false;
    const showing = this.shown.get(ip);
    if (!showing || showing.size === 0 || (showing.size === 1 && showing.has(key))) return true;
    return owner === key || this.statusWinner(ip) === key;
  }

  /** Chooses (and reserves) the pool address of an eligible Service, or answers why there is none. */
  private choose(key: string, svc: ServiceObj): { ip: string } | { error: string } {
    const pool = this.o.pool!;
    const families = svc.spec?.ipFamilies ?? [];
    if (families.length > 0 && !families.includes('IPv4')) return { error: 'the address pool has IPv4 addresses only and the service has no IPv4 family' };
    const uid = svc.metadata?.uid ?? '';
    const requested = svc.spec?.loadBalancerIP;
    const candidates = [
      requested && pool.contains(requested) ? requested : undefined,
      this.reserved.get(key)?.ip,
      ...this.poolIPsIn(svc),
    ];
    let ip = candidates.find((c): c is string => c !== undefined && this.freeFor(key, c));
    if (!ip) {
      // Addresses free for this key were candidates above; everything reserved or shown is taken.
      ip = pool.firstFree(new Set<string>([...this.reservedBy.keys(), ...this.shown.keys()]));
    }
    if (!ip) return { error: 'no available IPs' };
    if (requested && ip !== requested) {
      this.o.log.info({ key, loadBalancerIP: requested, ip }, 'requested loadBalancerIP is outside the pool or taken; allocated another');
    }
    this.reserve(key, uid, ip);
    return { ip };
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = this.o.services.lister.get(namespace, name);
    const held = this.reserved.get(key);
    if (held && (!svc || held.uid !== (svc.metadata?.uid ?? ''))) this.release(key);
    if (!svc) return;
    if (!wantsLoadBalancer(svc)) return this.cleanUp(key, svc);

    let desired: LoadBalancerIngress[];
    if (this.o.pool) {
      const got = this.choose(key, svc);
      if ('error' in got) {
        this.o.recorder.event(svc, 'Warning', 'AllocationFailed', `Failed to allocate IP for "${key}": ${got.error}`);
        desired = [];
      } else {
        desired = [vip(got.ip)];
      }
    } else {
      desired = nodeIngressIPs(this.o.nodes.lister.list(), svc.spec?.ipFamilies ?? []).map(vip);
      if (desired.length === 0 && ingressOf(svc).length > 0) {
        this.o.recorder.event(svc, 'Warning', 'UnAvailableLoadBalancer', 'There are no available nodes for LoadBalancer');
      }
    }
    if (canonical(desired) === canonical(ingressOf(svc))) return;
    if (desired.length > 0) this.o.recorder.event(svc, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
    if (!(await this.writeIngress(key, svc, desired))) return;
    if (desired.length > 0) this.o.recorder.event(svc, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
    this.o.log.info({ key, namespace, name, ingress: desired.map((i) => i.ip) }, 'load balancer ingress updated');
  }

  /** A Service this controller does not serve: clear the ingress it set, then give its address back. */
  private async cleanUp(key: string, svc: ServiceObj): Promise<void> {
    const ingress = ingressOf(svc);
    if (ingress.length > 0 && (svc.spec?.type !== 'LoadBalancer' || this.looksOurs(ingress))) {
      this.o.recorder.event(svc, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
      if (!(await this.writeIngress(key, svc, []))) return;
      this.o.recorder.event(svc, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
      // The reservation goes when the informer shows the cleared status (the next sync).
      return;
    }
    this.release(key);
  }

  private looksOurs(ingress: LoadBalancerIngress[]): boolean {
    const nodes = this.o.pool ? [] : this.o.nodes.lister.list();
    return ingress.every(
      (i) =>
        i.ip !== undefined &&
        !i.hostname &&
        !(i.ports?.length) &&
        (i.ipMode ?? 'VIP') === 'VIP' &&
        (this.o.pool ? this.o.pool.contains(i.ip) : isNodeAddress(nodes, i.ip)),
    );
  }

  /** Writes `ingress` through services/status; false when the Service is gone. */
  private async writeIngress(key: string, svc: ServiceObj, ingress: LoadBalancerIngress[]): Promise<boolean> {
    const next: ServiceObj = { ...svc, status: { ...svc.status, loadBalancer: ingress.length ? { ingress } : {} } };
    try {
      await this.o.client.updateStatus(SERVICES, next, { signal: this.o.signal });
      return true;
    } catch (err) {
      if (isNotFound(err)) {
        this.release(key);
        return false;
      }
      throw err;
    }
  }
}
