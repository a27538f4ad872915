/**
 * `nodeipam` (component node-controller, as upstream's node IPAM controller): assigns pod CIDRs to
 * Nodes from ControllerManagerConfig.clusterCidr when allocateNodeCidrs is on (idle otherwise).
 * A bad CIDR configuration is logged and the controller stays idle (the manager keeps running).
 */
import type { ControllerContext, ControllerDescriptor } from '../manager.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runController } from '../common/run.js';
import { NODES } from '../resources.js';
import { RangeAllocator } from './allocator.js';
import { NodeIpamController, type NodeObj } from './controller.js';

async function start(ctx: ControllerContext): Promise<void> {
  if (!ctx.config.allocateNodeCidrs) {
    ctx.log.info({}, 'allocateNodeCidrs is off; not assigning pod CIDRs');
    return;
  }
  let allocator: RangeAllocator;
  try {
    allocator = new RangeAllocator(ctx.config);
  } catch (err) {
    ctx.log.error({ err: (err as Error).message, clusterCidr: ctx.config.clusterCidr }, 'invalid cluster CIDR configuration; node IPAM disabled');
    return;
  }
  const queue = new WorkQueue<string>('nodeipam');
  const c = new NodeIpamController({
    client: ctx.client,
    nodes: ctx.informers.informerFor<NodeObj>(NODES),
    queue,
    allocator,
    recorder: ctx.recorder,
    log: ctx.log,
    signal: ctx.signal,
  });
  c.register();
  await runController(ctx, queue, (name) => c.sync(name));
}

export const nodeIpamController: ControllerDescriptor = { name: 'nodeipam', component: 'node-controller', start };
