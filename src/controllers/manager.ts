/**
 * The controller manager (cmd/kube-controller-manager): runs every registered controller in one
 * process over one shared informer factory, while holding Lease kube-system/kube-controller-manager.
 *
 * Contracts:
 * - A controller's `start(ctx)` registers its informers and handlers synchronously (before it
 *   awaits anything), then waits for `ctx.waitForSync()` before syncing, and resolves once
 *   `ctx.signal` aborts and its workers have finished their current keys.
 * - `ctx.signal` aborts when the manager stops or loses leadership. Informers run for the whole
 *   manager lifetime (they are shared), controllers only while leading.
 * - `runControllerManager` resolves after `signal` aborts, or after leadership was lost (as
 *   upstream exits then; the caller restarts it), once every controller has stopped.
 * - `enabled` follows kube-controller-manager's `--controllers` syntax: `*` all, `name` on,
 *   `-name` off; default `['*']`.
 */
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import type { Logger } from '../util/logger.js';
import type { RestClient } from '../client/rest.js';
import { SharedInformerFactory } from '../client/informer.js';
import { EventRecorder } from '../client/events.js';
import { LeaderElector } from '../client/leaderelection.js';
import { CONTROLLERS } from './registry.js';

export interface ControllerManagerConfig {
  /** --node-monitor-grace-period (default 40 s). */
  nodeMonitorGracePeriodMs: number;
  /** --node-monitor-period (default 5 s). */
  nodeMonitorPeriodMs: number;
  /** --default-not-ready-toleration-seconds (default 300). */
  defaultNotReadyTolerationSeconds: number;
  /** --default-unreachable-toleration-seconds (default 300). */
  defaultUnreachableTolerationSeconds: number;
  /** --terminated-pod-gc-threshold (default 12500). */
  terminatedPodGcThreshold: number;
  /** --horizontal-pod-autoscaler-sync-period (default 15 s). */
  hpaSyncPeriodMs: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization (default 5 min). */
  hpaDownscaleStabilizationMs: number;
  /** Workers per controller (the --concurrent-*-syncs flags; default 5). */
  concurrentSyncs: number;
  /** --max-endpoints-per-slice (default 100). */
  maxEndpointsPerSlice: number;
  /** The cluster CA bundle (PEM) published as ConfigMap kube-root-ca.crt; root-ca-cert-publisher is idle without it. */
  rootCaPem?: string;
  /** --allocate-node-cidrs (default true): nodeipam assigns spec.podCIDRs to Nodes. */
  allocateNodeCidrs: boolean;
  /** --cluster-cidr (default 10.42.0.0/16; a comma list for dual-stack). */
  clusterCidr: string;
  /** --node-cidr-mask-size(-ipv4) (default 24). */
  nodeCidrMaskSize: number;
  /** --node-cidr-mask-size-ipv6 (default 64). */
  nodeCidrMaskSizeIPv6: number;
  /** --servicelb-address-pool: IPv4 CIDRs or a-b ranges, comma separated; empty → node addresses. */
  serviceLBPool?: string;
}

export const defaultControllerManagerConfig: ControllerManagerConfig = {
  nodeMonitorGracePeriodMs: 40_000,
  nodeMonitorPeriodMs: 5_000,
  defaultNotReadyTolerationSeconds: 300,
  defaultUnreachableTolerationSeconds: 300,
  terminatedPodGcThreshold: 12_500,
  hpaSyncPeriodMs: 15_000,
  hpaDownscaleStabilizationMs: 300_000,
  concurrentSyncs: 5,
  maxEndpointsPerSlice: 100,
  allocateNodeCidrs: true,
  clusterCidr: '10.42.0.0/16',
  nodeCidrMaskSize: 24,
  nodeCidrMaskSizeIPv6: 64,
};

export interface ControllerContext {
  /** Should allow a high request rate; every controller shares it. */
  client: RestClient;
  informers: SharedInformerFactory;
  /** Child logger with `controller` set. */
  log: Logger;
  /** Aborts when the controller must stop. */
  signal: AbortSignal;
  /** Events from this controller's source component (e.g. `replicaset-controller`). */
  recorder: EventRecorder;
  config: ControllerManagerConfig;
  /** Resolves once every informer made so far has synced (rejects when `signal` aborts). */
  waitForSync(): Promise<void>;
}

export interface ControllerDescriptor {
  /** The --controllers name, e.g. `replicaset`. */
  name: string;
  /** The Event source component, e.g. `replicaset-controller`. */
  component: string;
  start(ctx: ControllerContext): Promise<void>;
}

export interface ControllerManagerOptions {
  client: RestClient;
  log: Logger;
  signal: AbortSignal;
  config?: Partial<ControllerManagerConfig>;
  enabled?: string[];
  /** Default true. */
  leaderElection?: boolean;
  identity?: string;
  /** Replaces the built-in list (tests). */
  controllers?: ControllerDescriptor[];
}

export function isEnabled(name: string, enabled: string[]): boolean {
  if (enabled.includes(`-${name}`)) return false;
  return enabled.includes(name) || enabled.includes('*');
}

export async function runControllerManager(opts: ControllerManagerOptions): Promise<void> {
  const log = opts.log.child({ component: 'controller-manager' });
  const config = { ...defaultControllerManagerConfig, ...opts.config };
  const enabled = opts.enabled ?? ['*'];
  const list = (opts.controllers ?? CONTROLLERS).filter((c) => isEnabled(c.name, enabled));
  const informers = new SharedInformerFactory(opts.client, { log });
  const outer = new AbortController();
  setMaxListeners(0, outer.signal);
  const stopOuter = () => outer.abort();
  if (opts.signal.aborted) stopOuter();
  else opts.signal.addEventListener('abort', stopOuter, { once: true });

  const runAll = async (lead: AbortSignal): Promise<void> => {
    setMaxListeners(0, lead);
    const running = list.map(async (c) => {
      const recorder = new EventRecorder({ client: opts.client, component: c.component, log });
      const clog = log.child({ controller: c.name });
      try {
        await c.start({
          client: opts.client,
          informers,
          log: clog,
          signal: lead,
          recorder,
          config,
          waitForSync: () => informers.waitForCacheSync(lead),
        });
      } catch (err) {
        if (!lead.aborted) clog.error({ err: err instanceof Error ? err.stack : String(err) }, 'controller stopped with an error');
      } finally {
        await recorder.flush().catch(() => undefined);
        recorder.shutDown();
      }
    });
    // Informers made by the controllers' start() run from here on.
    informers.start(outer.signal);
    log.info({ controllers: list.map((c) => c.name) }, 'controllers started');
    await Promise.all(running);
  };

  try {
    if (opts.leaderElection === false) {
      await runAll(outer.signal);
    } else {
      const elector = new LeaderElector({
        client: opts.client,
        namespace: 'kube-system',
        name: 'kube-controller-manager',
        identity: opts.identity ?? `${hostname()}_${process.pid}`,
        log,
      });
      let running: Promise<void> | undefined;
      await elector.run(outer.signal, {
        onStartedLeading: (lead) => {
          running = runAll(lead);
        },
        onStoppedLeading: () => {},
      });
      await running;
    }
  } finally {
    opts.signal.removeEventListener('abort', stopOuter);
    outer.abort();
    await informers.stopped().catch(() => undefined);
  }
}
