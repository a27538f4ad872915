/**
 * `podgc` (component pod-garbage-collector). Passes run one at a time off a one-key queue: once
 * the caches synced, every 20 s, when a quarantine ends, and soon after a pod bound to an unknown
 * node appears.
 */
import type { ControllerContext, ControllerDescriptor } from '../manager.js';
import { WorkQueue, runWorkers } from '../../client/workqueue.js';
import type { PodObj } from '../common/podutil.js';
import { NODES, PODS } from '../resources.js';
import { GC_PERIOD_MS, PodGcController, type NodeObj } from './controller.js';

const PASS = 'gc';

async function start(ctx: ControllerContext): Promise<void> {
  const pods = ctx.informers.informerFor<PodObj>(PODS);
  const nodes = ctx.informers.informerFor<NodeObj>(NODES);
  const queue = new WorkQueue<string>('podgc');
  const gc = new PodGcController({
    client: ctx.client,
    pods,
    nodes,
    threshold: ctx.config.terminatedPodGcThreshold,
    requestPass: (ms) => queue.addAfter(PASS, ms + 100),
    log: ctx.log,
    signal: ctx.signal,
  });
  const onPod = (p: PodObj) => {
    if (pods.hasSynced() && nodes.hasSynced() && gc.boundToMissingNode(p)) queue.addAfter(PASS, 1000);
  };
  pods.addEventHandler({ onAdd: onPod, onUpdate: (_o, p) => onPod(p) });
  try {
    await ctx.waitForSync();
  } catch {
    return;
  }
  queue.add(PASS);
  const tick = setInterval(() => queue.add(PASS), GC_PERIOD_MS);
  try {
    await runWorkers(queue, 1, () => gc.gc(), ctx.signal, ctx.log);
  } finally {
    clearInterval(tick);
  }
}

export const podGcController: ControllerDescriptor = { name: 'podgc', component: 'pod-garbage-collector', start };
