/**
 * The `replicaset` controller (component `replicaset-controller`) and the descriptor builder the
 * ReplicationController manager reuses with its own kind adapter.
 */
import type { KubeObject } from '../../api/types.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runController } from '../common/run.js';
import type { ControllerDescriptor } from '../manager.js';
import type { PodObj } from '../common/podutil.js';
import { PODS } from '../resources.js';
import { ReplicaSetController } from './controller.js';
import { REPLICASET_KIND, type ReplicaSetKind } from './kind.js';

export function replicaSetEngineDescriptor(name: string, component: string, kind: ReplicaSetKind): ControllerDescriptor {
  return {
    name,
    component,
    async start(ctx) {
      const queue = new WorkQueue<string>(name);
      const controller = new ReplicaSetController({
        kind,
        client: ctx.client,
        owners: ctx.informers.informerFor<KubeObject>(kind.resource),
        pods: ctx.informers.informerFor<PodObj>(PODS),
        queue,
        recorder: ctx.recorder,
        log: ctx.log,
        signal: ctx.signal,
      });
      await runController(ctx, queue, (key) => controller.sync(key), () => controller.stop());
    },
  };
}

export const replicaSetController = replicaSetEngineDescriptor('replicaset', 'replicaset-controller', REPLICASET_KIND);
