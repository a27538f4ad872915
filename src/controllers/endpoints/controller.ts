/**
 * The endpoints controller (pkg/controller/endpoint): keeps one Endpoints object per selector
 * Service, named like the Service, listing the Service's pods.
 *
 * Contracts:
 * - `sync(namespace/name)` is level-triggered from the listers. Service gone: its Endpoints are
 *   deleted (also user-managed ones, as upstream). ExternalName Services and Services without a
 *   selector are left alone (their Endpoints are user-managed).
 * - The Endpoints carry the Service's labels plus `service.kubernetes.io/headless` when the Service
 *   has no cluster IP, the last-change-trigger-time annotation, and `over-capacity: truncated`
 *   when more than 1000 addresses were cut. Written only when the (truncated) subsets, labels or
 *   the capacity annotation differ from the cached object (upstream compares the untruncated
 *   subsets and so rewrites truncated Endpoints on every sync).
 * - A sync never writes from a cache older than its own last write of that Endpoints (it fails and
 *   is retried); a failed write records a Warning Event (FailedToCreateEndpoint /
 *   FailedToUpdateEndpoint) and is retried with back-off. A create refused because the namespace
 *   is terminating is dropped.
 * - At start every cached Endpoints is queued once, so Endpoints of Services deleted while the
 *   controller was down are removed.
 */
import type { Endpoints, Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/types.js';
import type { ControllerContext, ControllerDescriptor } from '../manager.js';
import { WorkQueue, runWorkers } from '../../client/workqueue.js';
import { isForbidden, isNotFound, ApiStatusError } from '../../client/rest.js';
import { ENDPOINTS, PODS, SERVICES } from '../resources.js';
import { keyOf, splitKey } from '../common/keys.js';
import type { PodObj } from '../common/podutil.js';
import {
  HEADLESS_LABEL,
  LAST_CHANGE_TRIGGER_TIME,
  ServiceSelectorCache,
  isServiceIPSet,
  servicesForLabels,
  servicesToUpdateOnPodChange,
  type ServiceObj,
} from '../common/endpointutil.js';
import { TriggerTimeTracker, formatRfc3339Nano } from '../common/triggertime.js';
import { desiredSubsets } from './desired.js';
import { subsetsEqual, truncateSubsets } from './subsets.js';
import { errorText as errText } from '../../util/concurrency.js';

export type EndpointsObj = Endpoints & KubeObject;

export const OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';
/** Endpoints carrying this annotation are leader-election locks, never cleaned up. */
const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  return ka.length === Object.keys(b ?? {}).length && ka.every((k) => a![k] === b?.[k]);
}

function rvNum(obj: KubeObject | undefined): bigint | undefined {
  const rv = obj?.metadata?.resourceVersion;
  return rv && /^\d+$/.test(rv) ? BigInt(rv) : undefined;
}

export class EndpointsController {
  readonly queue = new WorkQueue<string>('endpoint');
  private readonly services;
  private readonly pods;
  private readonly endpoints;
  private readonly selectors = new ServiceSelectorCache();
  private readonly triggerTimes = new TriggerTimeTracker();
  /** resourceVersion of this controller's last write per Endpoints key. */
  private readonly written = new Map<string, bigint>();

  constructor(private readonly ctx: ControllerContext) {
    this.services = ctx.informers.informerFor<ServiceObj>(SERVICES);
    this.pods = ctx.informers.informerFor<PodObj>(PODS);
    this.endpoints = ctx.informers.informerFor<EndpointsObj>(ENDPOINTS);
  }

  /** Registers handlers (synchronously), waits for the caches, then runs the workers. */
  async run(): Promise<void> {
    const { ctx } = this;
    this.services.addEventHandler({
      onAdd: (s) => this.queue.add(keyOf(s)),
      onUpdate: (_o, s) => this.queue.add(keyOf(s)),
      onDelete: (d) => {
        this.selectors.delete(d.key);
        this.queue.add(d.key);
      },
    });
    const enqueuePodServices = (p: Pod) => {
      for (const k of servicesForLabels(this.services.lister, this.selectors, p.metadata?.namespace ?? '', p.metadata?.labels)) this.queue.add(k);
    };
    this.pods.addEventHandler({
      onAdd: enqueuePodServices,
      onUpdate: (o, p) => {
        for (const k of servicesToUpdateOnPodChange(this.services.lister, this.selectors, o, p)) this.queue.add(k);
      },
      onDelete: (d) => enqueuePodServices(d.lastKnown),
    });
    this.endpoints.addEventHandler({
      onDelete: (d) => {
        this.written.delete(d.key);
        this.queue.add(d.key);
      },
    });
    await ctx.waitForSync();
    for (const ep of this.endpoints.lister.list()) {
      if (ep.metadata?.annotations?.[LEADER_ANNOTATION] === undefined) this.queue.add(keyOf(ep));
    }
    await runWorkers(this.queue, ctx.config.concurrentSyncs, (key) => this.sync(key), ctx.signal, ctx.log);
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const ns = namespace ?? '';
    const { client, signal } = this.ctx;
    const log = this.ctx.log.child({ key, namespace: ns, name });
    const service = this.services.lister.get(ns, name);
    if (!service) {
      try {
        await client.delete(ENDPOINTS, ns, name, { signal });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      this.triggerTimes.deleteService(key);
      this.written.delete(key);
      return;
    }
    if (service.spec?.type === 'ExternalName' || !service.spec?.selector) return;

    const sel = this.selectors.get(service)!;
    const pods = this.pods.lister.list(ns, sel);
    const trigger = this.triggerTimes.compute(key, service, pods);
    const { subsets, ready, notReady } = desiredSubsets(service, pods);
    const truncated = truncateSubsets(subsets);

    const current = this.endpoints.lister.get(ns, name);
    const written = this.written.get(key);
    if (written !== undefined) {
      const rv = rvNum(current);
      if (!current || (rv !== undefined && rv < written)) {
        throw new Error(`endpoints informer cache is out of date for endpoints ${key}`);
      }
    }
    const create = !current;
    const curLabels = { ...(current?.metadata?.labels ?? {}) };
    delete curLabels[HEADLESS_LABEL];
    if (
      current &&
      subsetsEqual(current.subsets, subsets) &&
      sameLabels(curLabels, service.metadata?.labels) &&
      (current.metadata?.annotations?.[OVER_CAPACITY] !== undefined) === truncated
    ) {
      return;
    }

    const next: EndpointsObj = current
      ? (structuredClone(current) as EndpointsObj)
      : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns } };
    next.subsets = subsets;
    const annotations: Record<string, string> = { ...(next.metadata!.annotations ?? {}) };
    if (trigger !== undefined) annotations[LAST_CHANGE_TRIGGER_TIME] = formatRfc3339Nano(trigger);
    else delete annotations[LAST_CHANGE_TRIGGER_TIME];
    if (truncated) annotations[OVER_CAPACITY] = 'truncated';
    else delete annotations[OVER_CAPACITY];
    const labels: Record<string, string> = { ...(service.metadata?.labels ?? {}) };
    if (!isServiceIPSet(service)) labels[HEADLESS_LABEL] = '';
    else delete labels[HEADLESS_LABEL];
    next.metadata!.labels = labels;
    next.metadata!.annotations = annotations;
    if (next.subsets.length === 0) delete next.subsets;

    log.debug({ readyEndpoints: ready, notReadyEndpoints: notReady, create }, 'updating endpoints');
    try {
      const saved = create ? await client.create<EndpointsObj>(ENDPOINTS, ns, next, { signal }) : await client.update<EndpointsObj>(ENDPOINTS, next, { signal });
      const rv = rvNum(saved);
      if (rv !== undefined) this.written.set(key, rv);
    } catch (e) {
      if (signal.aborted) throw e;
      if (create && isForbidden(e) && namespaceTerminating(e)) return;
      if (create) {
        this.ctx.recorder.event(next, 'Warning', 'FailedToCreateEndpoint', `Failed to create endpoint for service ${ns}/${name}: ${errText(e)}`);
      } else {
        this.ctx.recorder.event(next, 'Warning', 'FailedToUpdateEndpoint', `Failed to update endpoint ${ns}/${name}: ${errText(e)}`);
      }
      throw e;
    }
  }
}

function namespaceTerminating(e: unknown): boolean {
  return e instanceof ApiStatusError && (e.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

export const endpointsController: ControllerDescriptor = {
  name: 'endpoint',
  component: 'endpoint-controller',
  start: (ctx) => new EndpointsController(ctx).run(),
};
