/**
 * The namespace controller (kube-controller-manager `namespace`): empties and finalizes namespaces
 * that are being deleted.
 *
 * Contracts:
 * - A namespace is queued when it is added or updated with a deletionTimestamp, after
 *   `deletionGracePeriodMs` (upstream's 5 s, so other API servers and storage replicas have seen the
 *   deletion and any last-minute creations before the content is listed).
 * - Remaining content requeues the namespace after `estimate / 2 + 1` seconds (an earlier event
 *   still wins); any other failure is retried with the queue's exponential back-off.
 * - Handlers are removed and the queue shut down when the controller stops.
 */
import type { KubeObject } from '../../api/types.js';
import { WorkQueue, runWorkers } from '../../client/workqueue.js';
import type { ControllerContext, ControllerDescriptor } from '../manager.js';
import { NamespacedResourcesDeleter, ResourcesRemainingError } from './deleter.js';
import { discoverNamespacedResources } from './discovery.js';

const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces', namespaced: false, kind: 'Namespace' } as const;

/** Upstream namespaceDeletionGracePeriod. */
export const NAMESPACE_DELETION_GRACE_PERIOD_MS = 5_000;

export interface NamespaceControllerOptions {
  deletionGracePeriodMs?: number;
}

export async function startNamespaceController(ctx: ControllerContext, o: NamespaceControllerOptions = {}): Promise<void> {
  const delay = o.deletionGracePeriodMs ?? NAMESPACE_DELETION_GRACE_PERIOD_MS;
  const queue = new WorkQueue<string>('namespace');
  const enqueue = (ns: KubeObject) => {
    if (ns.metadata?.deletionTimestamp && ns.metadata.name) queue.addAfter(ns.metadata.name, delay);
  };
  const off = ctx.informers.informerFor(NAMESPACES).addEventHandler({ onAdd: enqueue, onUpdate: (_old, ns) => enqueue(ns) });
  try {
    await ctx.waitForSync();
    const deleter = new NamespacedResourcesDeleter({
      client: ctx.client,
      discover: () => discoverNamespacedResources(ctx.client, ctx.signal),
      log: ctx.log,
      signal: ctx.signal,
    });
    const sync = async (name: string): Promise<void> => {
      const started = Date.now();
      try {
        await deleter.delete(name);
      } catch (e) {
        if (!(e instanceof ResourcesRemainingError)) throw e;
        const waitS = Math.floor(e.estimate / 2) + 1;
        ctx.log.info({ key: name, name, waitSeconds: waitS }, 'content remaining in namespace');
        queue.addAfter(name, waitS * 1000);
        return;
      } finally {
        ctx.log.debug({ key: name, name, ms: Date.now() - started }, 'finished syncing namespace');
      }
    };
    await runWorkers(queue, ctx.config.concurrentSyncs, sync, ctx.signal, ctx.log);
  } finally {
    off();
    queue.shutDown();
  }
}

export const namespaceController: ControllerDescriptor = {
  name: 'namespace',
  component: 'namespace-controller',
  start: (ctx) => startNamespaceController(ctx),
};
