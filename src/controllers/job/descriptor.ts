/**
 * Wires the Job controller into the controller manager: shared Job and Pod informers, a Job queue
 * and an orphan-pod queue, both with upstream's 1 s → 1 min per-item back-off.
 */
import { ItemExponentialRateLimiter, runWorkers, WorkQueue } from '../../client/workqueue.js';
import type { ControllerDescriptor } from '../manager.js';
import type { PodObj } from '../common/podutil.js';
import { JOBS, PODS } from '../resources.js';
import { JobController } from './controller.js';
import type { JobObj } from './types.js';

export const jobController: ControllerDescriptor = {
  name: 'job',
  component: 'job-controller',
  async start(ctx) {
    const jobs = ctx.informers.informerFor<JobObj>(JOBS);
    const pods = ctx.informers.informerFor<PodObj>(PODS);
    const queue = new WorkQueue<string>('job', new ItemExponentialRateLimiter(1000, 60_000));
    const orphans = new WorkQueue<string>('job_orphan_pod', new ItemExponentialRateLimiter(1000, 60_000));
    const c = new JobController({
      client: ctx.client,
      jobs: jobs.lister,
      pods: pods.lister,
      recorder: ctx.recorder,
      log: ctx.log,
      enqueue: (key, ms) => queue.addAfter(key, ms),
      enqueueOrphan: (key) => orphans.add(key),
      signal: ctx.signal,
    });
    jobs.addEventHandler({ onAdd: (j) => c.onJobAdd(j), onUpdate: (o, n) => c.onJobUpdate(o, n), onDelete: (d) => c.onJobDelete(d) });
    pods.addEventHandler({ onAdd: (p) => c.onPodAdd(p), onUpdate: (o, n) => c.onPodUpdate(o, n), onDelete: (d) => c.onPodDelete(d) });
    try {
      await ctx.waitForSync();
    } catch {
      return;
    }
    await Promise.all([
      runWorkers(queue, ctx.config.concurrentSyncs, (key) => c.sync(key), ctx.signal, ctx.log),
      runWorkers(orphans, 1, (key) => c.syncOrphanPod(key), ctx.signal, ctx.log),
    ]);
  },
};
