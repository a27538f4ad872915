/** The `deployment` controller (component `deployment-controller`). */
import { WorkQueue } from '../../client/workqueue.js';
import { runController } from '../common/run.js';
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
    await runController(ctx, queue, (key) => controller.syncHandler(key), () => controller.stop());
  },
};
