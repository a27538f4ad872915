/**
 * `persistentvolume-binder` (Event source `persistentvolume-controller`): PV, PVC, StorageClass
 * and Pod informers, a claim queue and a volume queue with one worker each (upstream: syncClaim is
 * not reentrant across claims, two workers could bind one volume twice), and a 15 s resync.
 */
import { runWorkers, WorkQueue } from '../../client/workqueue.js';
import type { ControllerContext, ControllerDescriptor } from '../manager.js';
import type { PodObj } from '../common/podutil.js';
import { PODS, PVCS, PVS, STORAGECLASSES } from '../resources.js';
import { PersistentVolumeController, RESYNC_PERIOD_MS } from './controller.js';
import type { PvcObj, PvObj, StorageClassObj } from './types.js';

async function start(ctx: ControllerContext): Promise<void> {
  const volumes = ctx.informers.informerFor<PvObj>(PVS);
  const claims = ctx.informers.informerFor<PvcObj>(PVCS);
  const classes = ctx.informers.informerFor<StorageClassObj>(STORAGECLASSES);
  const pods = ctx.informers.informerFor<PodObj>(PODS);
  const claimQueue = new WorkQueue<string>('claims');
  const volumeQueue = new WorkQueue<string>('volumes');
  const c = new PersistentVolumeController({
    client: ctx.client,
    volumes: volumes.lister,
    claims: claims.lister,
    classes: classes.lister,
    pods: pods.lister,
    recorder: ctx.recorder,
    log: ctx.log,
    enqueueClaim: (k) => claimQueue.add(k),
    enqueueVolume: (n) => volumeQueue.add(n),
    signal: ctx.signal,
  });
  claims.addEventHandler({ onAdd: (o) => c.onClaimChange(o), onUpdate: (_o, n) => c.onClaimChange(n), onDelete: (d) => c.onClaimDelete(d) });
  volumes.addEventHandler({ onAdd: (o) => c.onVolumeChange(o), onUpdate: (_o, n) => c.onVolumeChange(n), onDelete: (d) => c.onVolumeDelete(d) });
  try {
    await ctx.waitForSync();
  } catch {
    return;
  }
  const timer = setInterval(() => c.resync(), RESYNC_PERIOD_MS);
  try {
    await Promise.all([
      runWorkers(claimQueue, 1, (k) => c.syncClaimKey(k), ctx.signal, ctx.log),
      runWorkers(volumeQueue, 1, (n) => c.syncVolumeKey(n), ctx.signal, ctx.log),
    ]);
  } finally {
    clearInterval(timer);
  }
}

export const persistentVolumeBinderController: ControllerDescriptor = { name: 'persistentvolume-binder', component: 'persistentvolume-controller', start };
