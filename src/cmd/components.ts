/**
 * The control-plane components `k8ts server` runs next to the API server — the scheduler and the
 * controller manager — each in its own worker thread, so they use the machine's other cores
 * instead of sharing the API server's event loop. They reach the API only through the loopback
 * HTTPS address with the admin credentials, like any client.
 *
 * Contracts:
 * - `startComponent` returns at once; the worker runs the component, restarting it 1 s after it
 *   returns (it does on losing its leader lease) or throws; a worker that dies is started again.
 * - `stop()` asks the worker to stop, waits up to 10 s for it to finish its in-flight work, then
 *   terminates it; it resolves once the thread is gone.
 */
import { Worker } from 'node:worker_threads';
import type { ClientConfig } from '../client/kubeconfig.js';
import type { ControllerManagerConfig } from '../controllers/manager.js';
import type { Logger, LogLevel } from '../util/logger.js';

export interface ComponentSpec {
  component: 'scheduler' | 'controller-manager';
  client: ClientConfig;
  logLevel: LogLevel;
  controllerManager?: Partial<ControllerManagerConfig>;
  controllers?: string[];
}

export interface ComponentHandle {
  stop(): Promise<void>;
}

export function startComponent(spec: ComponentSpec, log: Logger): ComponentHandle {
  let stopping = false;
  let worker: Worker | undefined;
  let exited: Promise<void> = Promise.resolve();
  let restart: NodeJS.Timeout | undefined;
  const launch = () => {
    const w = new Worker(new URL('./component-worker.js', import.meta.url), { workerData: spec });
    worker = w;
    exited = new Promise<void>((done) => {
      w.once('exit', (code) => {
        worker = undefined;
        done();
        if (!stopping) {
          log.error({ component: spec.component, code }, 'component thread exited; starting it again');
          restart = setTimeout(launch, 1000);
        }
      });
    });
    w.on('error', (err) => log.error({ component: spec.component, err: err.stack ?? String(err) }, 'component thread failed'));
  };
  launch();
  return {
    async stop() {
      stopping = true;
      if (restart) clearTimeout(restart);
      const w = worker;
      if (!w) return;
      w.postMessage('stop');
      const timer = setTimeout(() => void w.terminate(), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
