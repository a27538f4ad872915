/**
 * Worker-thread entry of a control-plane component (see components.ts). Receives its ComponentSpec
 * as workerData; the message 'stop' stops it; the thread ends when the component has stopped.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { hostname } from 'node:os';
import { setMaxListeners } from 'node:events';
import { createLogger, type Logger } from '../util/logger.js';
import { RestClient } from '../client/rest.js';
import type { ComponentSpec } from './components.js';

const spec = workerData as ComponentSpec;
// The components set `component` on their own children.
const log = createLogger(undefined, spec.logLevel);
const own = log.child({ component: spec.component });
const stop = new AbortController();
setMaxListeners(0, stop.signal);
parentPort?.on('message', (m) => {
  if (m === 'stop') stop.abort();
});
process.on('unhandledRejection', (reason) => {
  own.error({ err: reason instanceof Error ? reason.stack : String(reason) }, 'unhandled promise rejection');
});

async function once(client: RestClient, l: Logger): Promise<void> {
  const identity = `${hostname()}_${process.pid}`;
  if (spec.component === 'scheduler') {
    const { SharedInformerFactory } = await import('../client/informer.js');
    const { startScheduler } = await import('../scheduler/scheduler.js');
    await startScheduler({ client, informers: new SharedInformerFactory(client), log: l, signal: stop.signal, identity });
  } else {
    const { runControllerManager } = await import('../controllers/manager.js');
    await runControllerManager({ client, log: l, signal: stop.signal, config: spec.controllerManager, enabled: spec.controllers, identity });
  }
}

while (!stop.signal.aborted) {
  const client = new RestClient(spec.client, { qps: 'unlimited' });
  try {
    await once(client, log);
  } catch (err) {
    if (!stop.signal.aborted) own.error({ err: err instanceof Error ? err.stack : String(err) }, `${spec.component} stopped with an error`);
  }
  client.close();
  if (!stop.signal.aborted) await new Promise((r) => setTimeout(r, 1000));
}
parentPort?.close();
