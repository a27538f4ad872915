/** The `statefulset` controller (component `statefulset-controller`). */
import { WorkQueue } from '../../client/workqueue.js';
import { runController } from '../common/run.js';
import type { ControllerDescriptor } from '../manager.js';
import type { ControllerRevision } from '../common/history.js';
import type { PodObj } from '../common/podutil.js';
import { CONTROLLERREVISIONS, PODS, PVCS, STATEFULSETS } from '../resources.js';
import { StatefulSetController } from './controller.js';
import type { PvcObj, StatefulSetObj } from './utils.js';

export const statefulSetController: ControllerDescriptor = {
  name: 'statefulset',
  component: 'statefulset-controller',
  async start(ctx) {
    const queue = new WorkQueue<string>('statefulset');
    const controller = new StatefulSetController({
      client: ctx.client,
      sets: ctx.informers.informerFor<StatefulSetObj>(STATEFULSETS),
      pods: ctx.informers.informerFor<PodObj>(PODS),
      pvcs: ctx.informers.informerFor<PvcObj>(PVCS),
      revisions: ctx.informers.informerFor<ControllerRevision>(CONTROLLERREVISIONS),
      queue,
      recorder: ctx.recorder,
      log: ctx.log,
      signal: ctx.signal,
    });
    await runController(ctx, queue, (key) => controller.sync(key), () => controller.stop());
  },
};
