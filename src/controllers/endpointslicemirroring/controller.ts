/**
 * The EndpointSlice mirroring controller (pkg/controller/endpointslicemirroring): mirrors the
 * Endpoints of Services without a selector (user-managed endpoints) into EndpointSlices labeled
 * `endpointslice.kubernetes.io/managed-by: endpointslicemirroring-controller.k8s.io`.
 *
 * Contracts:
 * - `sync(namespace/name)` (the Endpoints' key) deletes every slice it mirrored for that name when
 *   the Endpoints are gone, carry `endpointslice.kubernetes.io/skip-mirror: "true"` or a
 *   leader-election annotation, when the Service is gone, or when the Service has a selector (the
 *   EndpointSlice controller serves those). Otherwise it writes the difference `planMirror` finds.
 * - Creates are skipped while the Endpoints are being deleted. Skipped addresses are reported as
 *   Warning Events on the Endpoints, as upstream (InvalidIPAddress, TooManyAddressesToMirror).
 * - Like the EndpointSlice controller it never acts on a slice cache older than its own writes.
 */
import type { ControllerContext, ControllerDescriptor } from '../manager.js';
import { WorkQueue, runWorkers } from '../../client/workqueue.js';
import { isNotFound } from '../../client/rest.js';
import { ENDPOINTS, ENDPOINTSLICES, SERVICES } from '../resources.js';
import { keyOf, splitKey } from '../common/keys.js';
import type { ServiceObj } from '../common/endpointutil.js';
import { EndpointSliceTracker, serviceKeyOfSlice } from '../common/endpointslicetracker.js';
import { selectorFromSet } from '../../machinery/labels.js';
import type { SliceObj } from '../common/endpointset.js';
import { DEFAULT_MAX_ENDPOINTS_PER_SUBSET, MANAGED_BY_LABEL, MIRROR_CONTROLLER_NAME, SERVICE_NAME_LABEL, SKIP_MIRROR_LABEL, planMirror, type EndpointsObj } from './reconciler.js';
import { errorText as errText } from '../../util/concurrency.js';

const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';
const SLICE_CHANGE_DELAY_MS = 1000;

export function shouldMirror(ep: EndpointsObj | undefined): boolean {
  if (!ep) return false;
  if (ep.metadata?.labels?.[SKIP_MIRROR_LABEL] === 'true') return false;
  return ep.metadata?.annotations?.[LEADER_ANNOTATION] === undefined;
}

export class MirroringController {
  readonly queue = new WorkQueue<string>('endpointslicemirroring');
  readonly tracker = new EndpointSliceTracker();
  private readonly services;
  private readonly endpoints;
  private readonly slices;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly maxEndpointsPerSubset = DEFAULT_MAX_ENDPOINTS_PER_SUBSET,
  ) {
    this.services = ctx.informers.informerFor<ServiceObj>(SERVICES);
    this.endpoints = ctx.informers.informerFor<EndpointsObj>(ENDPOINTS);
    this.slices = ctx.informers.informerFor<SliceObj>(ENDPOINTSLICES);
  }

  async run(): Promise<void> {
    const { ctx } = this;
    const noSelector = (s: ServiceObj) => !s.spec?.selector;
    this.services.addEventHandler({
      onAdd: (s) => {
        if (noSelector(s)) this.queue.add(keyOf(s));
      },
      onUpdate: (o, s) => {
        if (noSelector(o) !== noSelector(s)) this.queue.add(keyOf(s));
      },
      onDelete: (d) => {
        if (noSelector(d.lastKnown)) this.queue.add(d.key);
      },
    });
    this.endpoints.addEventHandler({
      onAdd: (e) => {
        if (shouldMirror(e)) this.queue.add(keyOf(e));
      },
      onUpdate: (o, e) => {
        if (shouldMirror(o) || shouldMirror(e)) this.queue.add(keyOf(e));
      },
      onDelete: (d) => {
        if (shouldMirror(d.lastKnown)) this.queue.add(d.key);
      },
    });
    const managed = (s: SliceObj) => s.metadata?.labels?.[MANAGED_BY_LABEL] === MIRROR_CONTROLLER_NAME;
    const queueFor = (s: SliceObj) => {
      const k = serviceKeyOfSlice(s);
      if (k) this.queue.addAfter(k, SLICE_CHANGE_DELAY_MS);
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

  private mirrored(ns: string, name: string): SliceObj[] {
    return this.slices.lister.list(ns, selectorFromSet({ [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: MIRROR_CONTROLLER_NAME }));
  }

  private async deleteMirrored(key: string, ns: string, name: string): Promise<void> {
    this.tracker.deleteService(key);
    const errs: unknown[] = [];
    const slices = this.mirrored(ns, name);
    for (const s of slices) {
      try {
        await this.ctx.client.delete(ENDPOINTSLICES, ns, s.metadata!.name!, { signal: this.ctx.signal });
      } catch (e) {
        if (!isNotFound(e)) errs.push(e);
      }
    }
    if (errs.length) throw new Error(`Error(s) deleting ${errs.length}/${slices.length} EndpointSlices for ${ns}/${name} Endpoints, including: ${String(errs[0])}`);
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const ns = namespace ?? '';
    const ep = this.endpoints.lister.get(ns, name);
    const svc = this.services.lister.get(ns, name);
    if (!shouldMirror(ep) || !svc || svc.spec?.selector) return this.deleteMirrored(key, ns, name);
    const existing = this.mirrored(ns, name);
    if (this.tracker.staleSlices(key, existing)) throw new Error('EndpointSlice informer cache is out of date');
    const plan = planMirror(ep!, existing, this.maxEndpointsPerSubset);
    if (plan.invalidAddresses > 0) {
      this.ctx.recorder.event(ep!, 'Warning', 'InvalidIPAddress', `Skipped ${plan.invalidAddresses} invalid IP addresses when mirroring to EndpointSlices`);
    }
    if (plan.skippedAddresses > plan.invalidAddresses) {
      this.ctx.recorder.event(
        ep!,
        'Warning',
        'TooManyAddressesToMirror',
        `A max of ${this.maxEndpointsPerSubset} addresses can be mirrored to EndpointSlices per Endpoints subset. ${plan.skippedAddresses} addresses were skipped`,
      );
    }
    const { client, signal } = this.ctx;
    const full = `${ns}/${name}`;
    if (!ep!.metadata?.deletionTimestamp) {
      for (const s of plan.create) {
        try {
          this.tracker.update(await client.create<SliceObj>(ENDPOINTSLICES, ns, s, { signal }));
        } catch (e) {
          throw new Error(`failed to create EndpointSlice for Endpoints ${full}: ${errText(e)}`);
        }
      }
    }
    for (const s of plan.update) {
      try {
        this.tracker.update(await client.update<SliceObj>(ENDPOINTSLICES, s, { signal }));
      } catch (e) {
        throw new Error(`failed to update ${s.metadata?.name} EndpointSlice for Endpoints ${full}: ${errText(e)}`);
      }
    }
    for (const s of plan.delete) {
      try {
        await client.delete(ENDPOINTSLICES, ns, s.metadata!.name!, { signal });
        this.tracker.expectDeletion(s);
      } catch (e) {
        if (!isNotFound(e)) throw new Error(`failed to delete ${s.metadata?.name} EndpointSlice for Endpoints ${full}: ${errText(e)}`);
      }
    }
  }
}

export const endpointSliceMirroringController: ControllerDescriptor = {
  name: 'endpointslicemirroring',
  component: 'endpointslice-mirroring-controller',
  start: (ctx) => new MirroringController(ctx).run(),
};
