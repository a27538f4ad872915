/** The scheduler: queue, cache and the scheduling loop over the pure framework. */
export { Scheduler, startScheduler, DEFAULT_SCHEDULER_NAME, type SchedulerOptions } from './scheduler.js';
export { SchedulingQueue, type QueuedPod, type QueueOptions } from './queue.js';
export { SchedulerCache } from './cache.js';
