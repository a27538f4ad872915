/** Wires the TTL-after-finished controller into the controller manager (shared Job informer). */
import { runWorkers, WorkQueue } from '../../client/workqueue.js';
import type { ControllerDescriptor } from '../manager.js';
import { JOBS } from '../resources.js';
import type { JobObj } from '../job/types.js';
import { TtlAfterFinishedController } from './controller.js';

export const ttlAfterFinishedController: ControllerDescriptor = {
  name: 'ttl-after-finished',
  component: 'ttl-after-finished-controller',
  async start(ctx) {
    const jobs = ctx.informers.informerFor<JobObj>(JOBS);
    const queue = new WorkQueue<string>('ttl_jobs_to_delete');
    const c = new TtlAfterFinishedController({ client: ctx.client, jobs: jobs.lister, log: ctx.log, enqueue: (key, ms) => queue.addAfter(key, ms), signal: ctx.signal });
    jobs.addEventHandler({ onAdd: (j) => c.onJob(j), onUpdate: (_o, n) => c.onJob(n) });
    try {
      await ctx.waitForSync();
    } catch {
      return;
    }
    await runWorkers(queue, ctx.config.concurrentSyncs, (key) => c.sync(key), ctx.signal, ctx.log);
  },
};
