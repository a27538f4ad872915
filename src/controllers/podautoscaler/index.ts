/** The `horizontalpodautoscaling` controller (component `horizontal-pod-autoscaler`). */
import type { PodObj } from '../common/podutil.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runController } from '../common/run.js';
import type { ControllerDescriptor } from '../manager.js';
import { HPAS, PODS } from '../resources.js';
import { HorizontalController, type HpaObj } from './controller.js';

export const horizontalPodAutoscalerController: ControllerDescriptor = {
  name: 'horizontalpodautoscaling',
  component: 'horizontal-pod-autoscaler',
  async start(ctx) {
    const queue = new WorkQueue<string>('horizontalpodautoscaler');
    const controller = new HorizontalController({
      client: ctx.client,
      hpas: ctx.informers.informerFor<HpaObj>(HPAS),
      pods: ctx.informers.informerFor<PodObj>(PODS),
      queue,
      recorder: ctx.recorder,
      log: ctx.log,
      syncPeriodMs: ctx.config.hpaSyncPeriodMs,
      downscaleStabilizationMs: ctx.config.hpaDownscaleStabilizationMs,
      signal: ctx.signal,
    });
    await runController(ctx, queue, (key) => controller.sync(key), () => controller.stop());
  },
};
