/**
 * `servicelb` (component service-lb-controller, as k3s's ServiceLB): fills the ingress of
 * LoadBalancer Services from node addresses, or from ControllerManagerConfig.serviceLBPool when
 * set. A pool that does not parse is logged and the controller stays idle (the manager keeps
 * running; `k8ts server` refuses such a pool before starting).
 */
import type { ControllerContext, ControllerDescriptor } from '../manager.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runController } from '../common/run.js';
import { NODES, SERVICES } from '../resources.js';
import { AddressPool } from './pool.js';
import { ServiceLBController, type ServiceObj } from './controller.js';
import type { NodeObj } from './nodes.js';

async function start(ctx: ControllerContext): Promise<void> {
  let pool: AddressPool | undefined;
  if (ctx.config.serviceLBPool) {
    try {
      pool = AddressPool.parse(ctx.config.serviceLBPool);
    } catch (err) {
      ctx.log.error({ err: (err as Error).message, pool: ctx.config.serviceLBPool }, 'invalid service load balancer address pool; servicelb disabled');
      return;
    }
  }
  const queue = new WorkQueue<string>('servicelb');
  const c = new ServiceLBController({
    client: ctx.client,
    services: ctx.informers.informerFor<ServiceObj>(SERVICES),
    nodes: ctx.informers.informerFor<NodeObj>(NODES),
    queue,
    pool,
    recorder: ctx.recorder,
    log: ctx.log,
    signal: ctx.signal,
  });
  c.register();
  ctx.log.info({ mode: pool ? 'pool' : 'node addresses', pool: pool?.spec, poolSize: pool?.size }, 'service load balancer started');
  await runController(ctx, queue, (key) => c.sync(key));
}

export const serviceLBController: ControllerDescriptor = { name: 'servicelb', component: 'service-lb-controller', start };
