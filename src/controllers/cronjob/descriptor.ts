/** Wires the CronJob controller into the controller manager (shared CronJob and Job informers). */
import { runWorkers, WorkQueue } from '../../client/workqueue.js';
import type { ControllerDescriptor } from '../manager.js';
import { CRONJOBS, JOBS } from '../resources.js';
import type { JobObj } from '../job/types.js';
import { CronJobController, type CronJobObj } from './controller.js';

export const cronJobController: ControllerDescriptor = {
  name: 'cronjob',
  component: 'cronjob-controller',
  async start(ctx) {
    const cronJobs = ctx.informers.informerFor<CronJobObj>(CRONJOBS);
    const jobs = ctx.informers.informerFor<JobObj>(JOBS);
    const queue = new WorkQueue<string>('cronjob');
    const c = new CronJobController({
      client: ctx.client,
      cronJobs: cronJobs.lister,
      jobs: jobs.lister,
      recorder: ctx.recorder,
      log: ctx.log,
      enqueue: (key, ms) => queue.addAfter(key, ms),
      signal: ctx.signal,
    });
    cronJobs.addEventHandler({ onAdd: (o) => c.onCronJobAdd(o), onUpdate: (o, n) => c.onCronJobUpdate(o, n), onDelete: (d) => c.onCronJobDelete(d) });
    jobs.addEventHandler({ onAdd: (o) => c.onJobAdd(o), onUpdate: (o, n) => c.onJobUpdate(o, n), onDelete: (d) => c.onJobDelete(d) });
    try {
      await ctx.waitForSync();
    } catch {
      return;
    }
    await runWorkers(queue, ctx.config.concurrentSyncs, (key) => c.sync(key), ctx.signal, ctx.log);
  },
};
