/** `serviceaccount` (component service-account-controller): a `default` ServiceAccount in every active namespace. */
import type { ControllerContext, ControllerDescriptor } from '../manager.js';
import { WorkQueue, runWorkers } from '../../client/workqueue.js';
import { NAMESPACES, SERVICEACCOUNTS } from '../resources.js';
import { ServiceAccountsController, type NamespaceObj, type ServiceAccountObj } from './controller.js';

async function start(ctx: ControllerContext): Promise<void> {
  const queue = new WorkQueue<string>('serviceaccount');
  const c = new ServiceAccountsController({
    client: ctx.client,
    namespaces: ctx.informers.informerFor<NamespaceObj>(NAMESPACES),
    serviceAccounts: ctx.informers.informerFor<ServiceAccountObj>(SERVICEACCOUNTS),
    queue,
    log: ctx.log,
    signal: ctx.signal,
  });
  c.register();
  try {
    await ctx.waitForSync();
  } catch {
    return;
  }
  await runWorkers(queue, ctx.config.concurrentSyncs, (ns) => c.sync(ns), ctx.signal, ctx.log);
}

export const serviceAccountController: ControllerDescriptor = { name: 'serviceaccount', component: 'service-account-controller', start };
