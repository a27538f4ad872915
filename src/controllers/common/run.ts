/** The run loop most controllers share after registering their handlers. */
import { runWorkers, type WorkQueue } from '../../client/workqueue.js';
import type { ControllerContext } from '../manager.js';

/**
 * Waits for the informer caches, then runs `ctx.config.concurrentSyncs` workers over `queue` with
 * `sync` until `ctx.signal` aborts; always calls `stop` (timers, handlers) and shuts the queue down.
 */
export async function runController(ctx: ControllerContext, queue: WorkQueue<string>, sync: (key: string) => Promise<void>, stop?: () => void): Promise<void> {
  try {
    await ctx.waitForSync();
    await runWorkers(queue, ctx.config.concurrentSyncs, sync, ctx.signal, ctx.log);
  } finally {
    stop?.();
    queue.shutDown();
  }
}
