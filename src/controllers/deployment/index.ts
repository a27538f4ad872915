/** The `deployment` controller (component `deployment-controller`). */
import { runWorkers, WorkQueue } from '../../client/workqueue.js';
import type { ControllerDescriptor } from '../manager.js';
import type { PodObj } from '../common/podutil.js';
import { DEPLOYMENTS, PODS, REPLICASETS } from '../resources.js';
import { DeploymentController } from './controller.js';
import type { DeploymentObj, ReplicaSetObj } from './types.js';

export const deploymentController: ControllerDescriptor = {
  name: 'deployment',
  component: 'deployment-controller',
  async start(ctx) {
    const queue = new WorkQueue<string>('deployment');
    const controller = new DeploymentController({
      client: ctx.client,
      deployments: ctx.informers.informerFor<DeploymentObj>(DEPLOYMENTS),
      replicaSets: ctx.informers.informerFor<ReplicaSetObj>(REPLICASETS),
      pods: ctx.informers.informerFor<PodObj>(PODS),
      queue,
      recorder: ctx.recorder,
      log: ctx.log,
    });
    try {
      await ctx.waitForSync();
      await runWorkers(queue, ctx.config.concurrentSyncs, (key) => controller.syncHandler(key), ctx.signal, ctx.log);
    } finally {
      controller.stop();
      queue.shutDown();
    }
  },
};
