/**
 * The garbage collector controller (kube-controller-manager `garbagecollector`): watches every
 * deletable served resource, keeps the dependency graph, and runs the attemptToDelete and
 * attemptToOrphan queues (keyed by uid) through the collector.
 *
 * Contracts:
 * - Informer handlers only update the graph (synchronously, no I/O) and enqueue uids; they are
 *   removed when the controller stops (the informers are shared and outlive it).
 * - Workers start after every informer has synced; a uid whose node left the graph is skipped.
 * - Failures are retried with the queue's per-item exponential back-off; a virtual node that exists
 *   but was not yet observed is retried the same way until its informer event arrives.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../api/types.js';
import { WorkQueue, runWorkers } from '../../client/workqueue.js';
import type { ControllerContext, ControllerDescriptor } from '../manager.js';
import { GarbageCollector, NamespacedOwnerOfClusterScopedError } from './collector.js';
import { DependencyGraph, identityString, type GraphNode } from './graph.js';
import { RestMapper } from './mapper.js';

export async function startGarbageCollector(ctx: ControllerContext, mapper = new RestMapper()): Promise<void> {
  const deleteQueue = new WorkQueue<string>('garbage_collector_attempt_to_delete');
  const orphanQueue = new WorkQueue<string>('garbage_collector_attempt_to_orphan');
  const enqueueDelete = (n: GraphNode) => deleteQueue.add(n.identity.uid);
  const graph = new DependencyGraph({
    attemptToDelete: enqueueDelete,
    attemptToOrphan: (n) => orphanQueue.add(n.identity.uid),
    invalidNamespaceOwnerRef: (n, ref) => reportInvalidNamespace(ctx, n, ref),
  });
  const unregister: Array<() => void> = [];
  for (const res of mapper.monitored()) {
    const off = ctx.informers.informerFor(res).addEventHandler({
      onAdd: (obj) => graph.observe({ type: 'add', obj }),
      onUpdate: (old, obj) => graph.observe({ type: 'update', obj, old }),
      onDelete: (d) => graph.observe({ type: 'delete', obj: d.lastKnown }),
    });
    unregister.push(off);
  }
  try {
    await run(ctx, graph, mapper, deleteQueue, orphanQueue, enqueueDelete);
  } finally {
    for (const off of unregister) off();
    deleteQueue.shutDown();
    orphanQueue.shutDown();
  }
}

async function run(
  ctx: ControllerContext,
  graph: DependencyGraph,
  mapper: RestMapper,
  deleteQueue: WorkQueue<string>,
  orphanQueue: WorkQueue<string>,
  enqueueDelete: (n: GraphNode) => void,
): Promise<void> {
  await ctx.waitForSync();
  ctx.log.info({ resources: mapper.monitored().length, nodes: graph.size }, 'dependency graph synced');
  const gc = new GarbageCollector({ client: ctx.client, graph, mapper, enqueueDelete, log: ctx.log, signal: ctx.signal });

  const syncDelete = async (uid: string): Promise<void> => {
    const node = graph.get(uid);
    if (!node) return;
    try {
      const outcome = await gc.attemptToDelete(node);
      if (outcome === 'requeue') throw new Error(`item ${identityString(node.identity)} has not been observed via an informer yet`);
    } catch (e) {
      if (e instanceof NamespacedOwnerOfClusterScopedError) {
        ctx.log.info({ uid, err: e.message }, 'item is cluster-scoped, but refers to a namespaced owner');
        return;
      }
      throw e;
    }
  };
  const syncOrphan = async (uid: string): Promise<void> => {
    const node = graph.get(uid);
    if (node) await gc.attemptToOrphan(node);
  };
  const n = ctx.config.concurrentSyncs;
  await Promise.all([runWorkers(deleteQueue, n, syncDelete, ctx.signal, ctx.log), runWorkers(orphanQueue, n, syncOrphan, ctx.signal, ctx.log)]);
}

/** Warning Event `OwnerRefInvalidNamespace` on the dependent (upstream reportInvalidNamespaceOwnerRef). */
function reportInvalidNamespace(ctx: ControllerContext, n: GraphNode, ref: OwnerReference): void {
  const id = n.identity;
  const involved: KubeObject = { apiVersion: id.apiVersion, kind: id.kind, metadata: { name: id.name, namespace: id.namespace || undefined, uid: id.uid } };
  const invalid = identityString({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace: id.namespace });
  ctx.recorder.event(involved, 'Warning', 'OwnerRefInvalidNamespace', `ownerRef ${invalid} does not exist in namespace "${id.namespace}"`);
}

export const garbageCollectorController: ControllerDescriptor = {
  name: 'garbagecollector',
  component: 'garbage-collector-controller',
  start: (ctx) => startGarbageCollector(ctx),
};
