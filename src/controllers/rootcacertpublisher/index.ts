/**
 * `root-ca-cert-publisher` (component root-ca-cert-publisher): publishes ControllerManagerConfig.rootCaPem
 * as ConfigMap kube-root-ca.crt in every namespace. Does nothing (returns at once) without a CA.
 */
import type { ControllerContext, ControllerDescriptor } from '../manager.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runController } from '../common/run.js';
import { CONFIGMAPS, NAMESPACES } from '../resources.js';
import { ROOT_CA_CONFIGMAP, RootCaPublisher, type ConfigMapObj, type NamespaceObj } from './controller.js';

async function start(ctx: ControllerContext): Promise<void> {
  const rootCa = ctx.config.rootCaPem;
  if (!rootCa) {
    ctx.log.info({}, 'no root CA configured; not publishing kube-root-ca.crt');
    return;
  }
  const queue = new WorkQueue<string>('root_ca_cert_publisher');
  const c = new RootCaPublisher({
    client: ctx.client,
    namespaces: ctx.informers.informerFor<NamespaceObj>(NAMESPACES),
    configMaps: ctx.informers.informerFor<ConfigMapObj>(CONFIGMAPS, { fieldSelector: `metadata.name=${ROOT_CA_CONFIGMAP}` }),
    queue,
    rootCa,
    log: ctx.log,
    signal: ctx.signal,
  });
  c.register();
  await runController(ctx, queue, (ns) => c.sync(ns));
}

export const rootCaCertPublisherController: ControllerDescriptor = { name: 'root-ca-cert-publisher', component: 'root-ca-cert-publisher', start };
