/**
 * The EndpointSlice controller (pkg/controller/endpointslice): keeps the discovery.k8s.io/v1
 * EndpointSlices of every selector Service, labeled `kubernetes.io/service-name` and
 * `endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io`, owned by the Service.
 *
 * Contracts:
 * - `sync(namespace/name)` is level-triggered: it plans from the listers (`planSlices`) and writes
 *   the difference (`applyPlan`). ExternalName Services and Services without a selector get no
 *   slices from this controller. When the Service is gone its managed slices are deleted (upstream
 *   leaves that to the garbage collector through the owner reference; doing it here too keeps the
 *   cluster right when the collector is not running).
 * - A sync refuses to act on a slice cache older than its own writes (see EndpointSliceTracker)
 *   and fails, to be retried; slice events that only echo its own writes do not queue a sync.
 * - A failed reconcile records a Warning Event FailedToUpdateEndpointSlices on the Service.
 * - Slice changes by others queue the Service after 1 s (upstream's minimum sync delay).
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import type { ControllerContext, ControllerDescriptor } from '../manager.js';
import { WorkQueue, runWorkers } from '../../client/workqueue.js';
import { isNotFound } from '../../client/rest.js';
import type { KubeObject } from '../../api/types.js';
import { ENDPOINTSLICES, NODES, PODS, SERVICES } from '../resources.js';
import { keyOf, splitKey } from '../common/keys.js';
import type { PodObj } from '../common/podutil.js';
import { ServiceSelectorCache, servicesForLabels, servicesToUpdateOnPodChange, type ServiceObj } from '../common/endpointutil.js';
import { TriggerTimeTracker } from '../common/triggertime.js';
import { EndpointSliceTracker, serviceKeyOfSlice } from '../common/endpointslicetracker.js';
import { selectorFromSet } from '../../machinery/labels.js';
import { CONTROLLER_NAME, MANAGED_BY_LABEL, SERVICE_NAME_LABEL, type SliceObj } from './slices.js';
import { applyPlan, planSlices } from './reconciler.js';

/** --max-endpoints-per-slice default. */
export const DEFAULT_MAX_ENDPOINTS_PER_SLICE = 100;
const SLICE_CHANGE_MIN_SYNC_DELAY_MS = 1000;

export interface EndpointSliceControllerOptions {
  maxEndpointsPerSlice?: number;
}

export class EndpointSliceController {
  readonly queue = new WorkQueue<string>('endpointslice');
  readonly tracker = new EndpointSliceTracker();
  private readonly services;
  private readonly pods;
  private readonly nodes;
  private readonly slices;
  private readonly selectors = new ServiceSelectorCache();
  private readonly triggerTimes = new TriggerTimeTracker();
  private readonly max: number;

  constructor(
    private readonly ctx: ControllerContext,
    opts: EndpointSliceControllerOptions = {},
  ) {
    this.max = opts.maxEndpointsPerSlice ?? DEFAULT_MAX_ENDPOINTS_PER_SLICE;
    this.services = ctx.informers.informerFor<ServiceObj>(SERVICES);
    this.pods = ctx.informers.informerFor<PodObj>(PODS);
    this.nodes = ctx.informers.informerFor<Node & KubeObject>(NODES);
    this.slices = ctx.informers.informerFor<SliceObj>(ENDPOINTSLICES);
  }

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
    this.pods.addEventHandler({
      onAdd: (p) => {
        for (const k of servicesForLabels(this.services.lister, this.selectors, p.metadata?.namespace ?? '', p.metadata?.labels)) this.queue.add(k);
      },
      onUpdate: (o, p) => {
        for (const k of servicesToUpdateOnPodChange(this.services.lister, this.selectors, o, p)) this.queue.add(k);
      },
      onDelete: (d) => {
        const p = d.lastKnown;
        for (const k of servicesForLabels(this.services.lister, this.selectors, p.metadata?.namespace ?? '', p.metadata?.labels)) this.queue.add(k);
      },
    });
    const managed = (s: SliceObj) => s.metadata?.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME;
    const queueFor = (s: SliceObj) => {
      const k = serviceKeyOfSlice(s);
      if (k) this.queue.addAfter(k, SLICE_CHANGE_MIN_SYNC_DELAY_MS);
    };
    this.slices.addEventHandler({
      onAdd: (s) => {
        if (managed(s) && this.tracker.shouldSync(s)) queueFor(s);
      },
      onUpdate: (o, s) => {
        if (o.metadata?.labels?.[SERVICE_NAME_LABEL] !== s.metadata?.labels?.[SERVICE_NAME_LABEL]) {
          queueFor(o);
          queueFor(s);
          return;
        }
        if (managed(o) !== managed(s) || (managed(s) && this.tracker.shouldSync(s))) queueFor(s);
      },
      onDelete: (d) => {
        const s = d.lastKnown;
        if (managed(s) && this.tracker.has(s) && !this.tracker.handleDeletion(s)) queueFor(s);
      },
    });
    await ctx.waitForSync();
    await runWorkers(this.queue, ctx.config.concurrentSyncs, (key) => this.sync(key), ctx.signal, ctx.log);
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const ns = namespace ?? '';
    const { client, signal } = this.ctx;
    const managedSel = selectorFromSet({ [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: CONTROLLER_NAME });
    const service = this.services.lister.get(ns, name);
    if (!service) {
      this.triggerTimes.deleteService(key);
      this.tracker.deleteService(key);
      for (const s of this.slices.lister.list(ns, managedSel)) {
        if (s.metadata?.deletionTimestamp) continue;
        try {
          await client.delete(ENDPOINTSLICES, ns, s.metadata!.name!, { signal });
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
      return;
    }
    if (service.spec?.type === 'ExternalName' || !service.spec?.selector) return;

    const pods = this.pods.lister.list(ns, this.selectors.get(service)!);
    const existing = this.slices.lister.list(ns, managedSel).filter((s) => !s.metadata?.deletionTimestamp);
    if (this.tracker.staleSlices(key, existing)) throw new Error('EndpointSlice informer cache is out of date');
    const triggerTime = this.triggerTimes.compute(key, service, pods);
    const plan = planSlices({
      service,
      pods,
      existing,
      node: (n) => this.nodes.lister.get(undefined, n),
      maxEndpointsPerSlice: this.max,
      controllerName: CONTROLLER_NAME,
    });
    try {
      await applyPlan(plan, { client, tracker: this.tracker, service, triggerTime, signal });
      if (plan.errors.length) throw new Error(plan.errors.join('; '));
    } catch (e) {
      if (!signal.aborted) {
        this.ctx.recorder.event(service, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${ns}/${name}: ${e instanceof Error ? e.message : String(e)}`);
      }
      throw e;
    }
  }
}

export function endpointSliceControllerDescriptor(opts: EndpointSliceControllerOptions = {}): ControllerDescriptor {
  return {
    name: 'endpointslice',
    component: 'endpointslice-controller',
    start: (ctx) => {
      const fromConfig = ctx.config.maxEndpointsPerSlice;
      return new EndpointSliceController(ctx, { maxEndpointsPerSlice: opts.maxEndpointsPerSlice ?? fromConfig }).run();
    },
  };
}

export const endpointSliceController: ControllerDescriptor = endpointSliceControllerDescriptor();
