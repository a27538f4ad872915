/** The `daemonset` controller (component `daemonset-controller`). */
import { WorkQueue } from '../../client/workqueue.js';
import { runController } from '../common/run.js';
import type { ControllerDescriptor } from '../manager.js';
import type { ControllerRevision } from '../common/history.js';
import type { PodObj } from '../common/podutil.js';
import { CONTROLLERREVISIONS, DAEMONSETS, NODES, PODS } from '../resources.js';
import { DaemonSetController } from './controller.js';
import type { DaemonSetObj, NodeObj } from './predicates.js';

export const daemonSetController: ControllerDescriptor = {
  name: 'daemonset',
  component: 'daemonset-controller',
  async start(ctx) {
    const queue = new WorkQueue<string>('daemonset');
    const controller = new DaemonSetController({
      client: ctx.client,
      daemonSets: ctx.informers.informerFor<DaemonSetObj>(DAEMONSETS),
      pods: ctx.informers.informerFor<PodObj>(PODS),
      nodes: ctx.informers.informerFor<NodeObj>(NODES),
      revisions: ctx.informers.informerFor<ControllerRevision>(CONTROLLERREVISIONS),
      queue,
      recorder: ctx.recorder,
      log: ctx.log,
      signal: ctx.signal,
    });
    await runController(ctx, queue, (key) => controller.sync(key), () => controller.stop());
  },
};
