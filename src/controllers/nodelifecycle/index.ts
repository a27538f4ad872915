/**
 * `nodelifecycle` (component node-controller): node health monitoring and taints, plus the NoExecute
 * taint manager, whose events come from `taint-eviction-controller` as in upstream 1.32.
 *
 * Contracts: informers and handlers are registered synchronously in `start`; the health pass runs
 * every nodeMonitorPeriod once the caches synced (passes never overlap); `start` resolves after
 * the signal aborts and every worker and the current pass finished.
 */
import type { ControllerContext, ControllerDescriptor } from '../manager.js';
import { byNodeName } from '../../client/informer.js';
import { EventRecorder } from '../../client/events.js';
import { WorkQueue, runWorkers } from '../../client/workqueue.js';
import { sleep } from '../../util/abort.js';
import { LEASES, NODES, PODS } from '../resources.js';
import { LEASE_NAMESPACE, NodeLifecycleController, POD_NODE_INDEX, type LeaseObj } from './controller.js';
import type { NodeObj, PodObj } from './nodewrites.js';
import { TaintEvictionController } from './tainteviction.js';

async function start(ctx: ControllerContext): Promise<void> {
  const nodes = ctx.informers.informerFor<NodeObj>(NODES);
  const leases = ctx.informers.informerFor<LeaseObj>(LEASES, { namespace: LEASE_NAMESPACE });
  const pods = ctx.informers.informerFor<PodObj>(PODS, { indexers: { [POD_NODE_INDEX]: byNodeName } });
  const nodeQueue = new WorkQueue<string>('node-lifecycle-nodes');
  const podQueue = new WorkQueue<string>('node-lifecycle-pods');
  const evictionQueue = new WorkQueue<string>('taint-eviction');
  const evictionRecorder = new EventRecorder({ client: ctx.client, component: 'taint-eviction-controller', log: ctx.log });
  const nlc = new NodeLifecycleController({
    client: ctx.client,
    nodes,
    leases,
    pods,
    nodeQueue,
    podQueue,
    recorder: ctx.recorder,
    log: ctx.log,
    gracePeriodMs: ctx.config.nodeMonitorGracePeriodMs,
    signal: ctx.signal,
  });
  const tec = new TaintEvictionController({
    client: ctx.client,
    nodes,
    pods,
    podNodeIndex: POD_NODE_INDEX,
    queue: evictionQueue,
    recorder: evictionRecorder,
    log: ctx.log.child({ controller: 'taint-eviction-controller' }),
    signal: ctx.signal,
  });
  nlc.register();
  tec.register();
  try {
    try {
      await ctx.waitForSync();
    } catch {
      return;
    }
    const n = ctx.config.concurrentSyncs;
    const monitor = (async () => {
      while (!ctx.signal.aborted) {
        try {
          await nlc.monitor();
        } catch (err) {
          if (!ctx.signal.aborted) ctx.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'node health pass failed');
        }
        await sleep(ctx.config.nodeMonitorPeriodMs, ctx.signal).catch(() => undefined);
      }
    })();
    await Promise.all([
      monitor,
      runWorkers(nodeQueue, n, (k) => nlc.syncNode(k), ctx.signal, ctx.log),
      runWorkers(podQueue, n, (k) => nlc.syncPod(k), ctx.signal, ctx.log),
      runWorkers(evictionQueue, n, (k) => tec.sync(k), ctx.signal, ctx.log),
    ]);
  } finally {
    await evictionRecorder.flush().catch(() => undefined);
    evictionRecorder.shutDown();
  }
}

export const nodeLifecycleController: ControllerDescriptor = { name: 'nodelifecycle', component: 'node-controller', start };
