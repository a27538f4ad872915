/**
 * The scheduler process (pkg/scheduler: scheduler.go, schedule_one.go, eventhandlers.go).
 *
 * Contract:
 * - Informers: nodes and all pods feed the cache (bound pods) and the queue (pending pods with
 *   spec.schedulerName equal to ours, or unset for `default-scheduler`, without
 *   deletionTimestamp); services, replicasets, replicationcontrollers and statefulsets give the
 *   default spreading selector; namespaces give `snapshot.namespaceLabels`.
 * - Scheduling decisions are made one pod at a time against the cache's Snapshot (no await between
 *   pop and assume/park). Binds (`pods/binding`) run concurrently, at most `maxInFlightBinds`
 *   (default 64); the loop waits for a slot when all are taken.
 * - Success: the pod is assumed, bound, and a Normal `Scheduled` event
 *   "Successfully assigned <ns>/<name> to <node>" is recorded. Bind failure: the assumption is
 *   forgotten and the pod, if it still exists unbound, goes to backoffQ.
 * - FitError: the pod is parked as unschedulable, its PodScheduled condition is patched to
 *   False/Unschedulable with the FitError message (only when that changes it) and a Warning
 *   `FailedScheduling` event carries the message. Other errors ("no nodes available…"): reason
 *   SchedulerError, and the pod goes to backoffQ.
 * - Cluster events that move parked pods: node added, node updated in labels, taints,
 *   unschedulable, allocatable or conditions; assigned pod deleted (or terminal); assigned pod
 *   added or updated (only pods rejected by InterPodAffinity or PodTopologySpread).
 * - With leader election (default on) scheduling runs only while holding Lease
 *   kube-system/kube-scheduler; informers run regardless.
 * - `run()` resolves after `signal` aborts, or after leadership is lost (upstream exits then; the
 *   caller decides), once the in-flight binds settled.
 */
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import type { Node, Pod, PodCondition, Service } from 'kubernetes-types/core/v1.js';
import type { ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { ReplicationController } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../api/types.js';
import type { Logger } from '../util/logger.js';
import { EventRecorder } from '../client/events.js';
import { LeaderElector } from '../client/leaderelection.js';
import { isConflict, isNotFound, type ResourceRef, type RestClient } from '../client/rest.js';
import type { DeletedObject, SharedInformer, SharedInformerFactory } from '../client/informer.js';
import { FitError, scheduleOne } from './framework/schedule.js';
import { defaultSpreadSelector } from './framework/plugins/podtopologyspread.js';
import { podKey } from './framework/podinfo.js';
import { SchedulerCache, isTerminal } from './cache.js';
import { SchedulingQueue, type QueuedPod } from './queue.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' };
const NAMESPACES: ResourceRef = { group: '', version: 'v1', resource: 'namespaces', namespaced: false, kind: 'Namespace' };
const SERVICES: ResourceRef = { group: '', version: 'v1', resource: 'services', namespaced: true, kind: 'Service' };
const RCS: ResourceRef = { group: '', version: 'v1', resource: 'replicationcontrollers', namespaced: true, kind: 'ReplicationController' };
const RSS: ResourceRef = { group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true, kind: 'ReplicaSet' };
const STSS: ResourceRef = { group: 'apps', version: 'v1', resource: 'statefulsets', namespaced: true, kind: 'StatefulSet' };

/** Plugins whose verdict can change when an assigned pod appears or changes. */
const POD_ADD_PLUGINS: ReadonlySet<string> = new Set(['InterPodAffinity', 'PodTopologySpread']);

export interface SchedulerOptions {
  /** Should allow a high request rate (e.g. qps 5,000 or 'unlimited'): binds go through it. */
  client: RestClient;
  informers: SharedInformerFactory;
  log: Logger;
  signal: AbortSignal;
  schedulerName?: string;
  /** Default true. */
  leaderElection?: boolean;
  identity?: string;
  /** Lease name in kube-system (default `kube-scheduler`). */
  leaseName?: string;
  /** Binds in flight at most (default 64). */
  maxInFlightBinds?: number;
  /** percentageOfNodesToScore (0 or undefined: adaptive). */
  percentageOfNodesToScore?: number;
}

type PodObj = Pod & KubeObject;
type NodeObj = Node & KubeObject;
type ControllerObj = (ReplicationController | ReplicaSet | StatefulSet) & KubeObject;

export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly queue = new SchedulingQueue();
  private readonly name: string;
  private readonly log: Logger;
  private readonly recorder: EventRecorder;
  private readonly pods: SharedInformer<PodObj>;
  private readonly nodes: SharedInformer<NodeObj>;
  private readonly services: SharedInformer<Service & KubeObject>;
  private readonly controllers: Record<string, SharedInformer<ControllerObj>>;
  private readonly namespaces: SharedInformer<KubeObject>;
  private readonly binds = new Set<Promise<void>>();
  private readonly maxBinds: number;
  private nextStartIndex = 0;
  /** Pods bound by this scheduler so far. */
  scheduledCount = 0;

  constructor(private readonly opts: SchedulerOptions) {
    this.name = opts.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    this.log = opts.log.child({ component: 'scheduler' });
    this.maxBinds = opts.maxInFlightBinds ?? 64;
    this.recorder = new EventRecorder({ client: opts.client, component: this.name, log: this.log });
    const inf = opts.informers;
    this.pods = inf.informerFor<PodObj>(PODS);
    this.nodes = inf.informerFor<NodeObj>(NODES);
    this.services = inf.informerFor<Service & KubeObject>(SERVICES);
    this.controllers = {
      ReplicationController: inf.informerFor<ControllerObj>(RCS),
      ReplicaSet: inf.informerFor<ControllerObj>(RSS),
      StatefulSet: inf.informerFor<ControllerObj>(STSS),
    };
    this.namespaces = inf.informerFor(NAMESPACES);
    this.addHandlers();
  }

  private responsibleFor(pod: Pod): boolean {
    return (pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME) === this.name;
  }

  private pending(pod: Pod): boolean {
    return !pod.spec?.nodeName && !pod.metadata?.deletionTimestamp && !isTerminal(pod) && this.responsibleFor(pod);
  }

  private addHandlers(): void {
    this.nodes.addEventHandler({
      onAdd: (n) => {
        this.cache.setNode(n);
        this.queue.moveAllToActiveOrBackoff();
      },
      onUpdate: (o, n) => {
        this.cache.setNode(n);
        if (nodeSchedulingChanged(o, n)) this.queue.moveAllToActiveOrBackoff();
      },
      onDelete: (d) => this.cache.removeNode(d.lastKnown.metadata?.name ?? ''),
    });
    this.pods.addEventHandler({
      onAdd: (p) => this.onPod(undefined, p),
      onUpdate: (o, p) => this.onPod(o, p),
      onDelete: (d: DeletedObject<PodObj>) => {
        const p = d.lastKnown;
        if (p.spec?.nodeName || this.cache.isAssumed(podKey(p))) {
          this.cache.removePod(p);
          this.queue.moveAllToActiveOrBackoff();
        }
        this.queue.delete(p);
      },
    });
    this.namespaces.addEventHandler({
      onAdd: (ns) => this.cache.snapshot.namespaceLabels.set(ns.metadata?.name ?? '', ns.metadata?.labels ?? {}),
      onUpdate: (_o, ns) => this.cache.snapshot.namespaceLabels.set(ns.metadata?.name ?? '', ns.metadata?.labels ?? {}),
      onDelete: (d) => this.cache.snapshot.namespaceLabels.delete(d.lastKnown.metadata?.name ?? ''),
    });
  }

  private onPod(old: PodObj | undefined, pod: PodObj): void {
    if (pod.spec?.nodeName) {
      const wasBound = !!old?.spec?.nodeName;
      if (old && !wasBound) this.queue.delete(pod);
      const terminalNow = isTerminal(pod) && !(old && isTerminal(old));
      this.cache.addPod(pod);
      if (terminalNow && wasBound) this.queue.moveAllToActiveOrBackoff();
      else if (!isTerminal(pod)) this.queue.moveAllToActiveOrBackoff(POD_ADD_PLUGINS);
      return;
    }
    const key = podKey(pod);
    if (this.pending(pod)) {
      if (this.cache.isAssumed(key)) return; // being bound by us
      if (old) this.queue.update(old, pod);
      else this.queue.add(pod);
    } else {
      this.queue.delete(pod);
      if (this.cache.isAssumed(key) && (pod.metadata?.deletionTimestamp || isTerminal(pod))) this.cache.forget(pod);
    }
  }

  private spreadSelectorFor(pod: Pod) {
    const ns = pod.metadata?.namespace ?? '';
    const services = this.services.lister.list(ns);
    const owner = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
    const ctrls: ControllerObj[] = [];
    if (owner) {
      const c = this.controllers[owner.kind]?.lister.get(ns, owner.name);
      if (c) ctrls.push(c);
    }
    return defaultSpreadSelector(pod, services, ctrls);
  }

  /** Runs the scheduler until the signal aborts (see module contract). */
  async run(): Promise<void> {
    try {
      this.opts.informers.start(this.opts.signal);
    } catch {
      // Already started under another signal: its informers (ours included) run already.
    }
    // One listener on the caller's signal; our own waits hang on `signal`.
    const inner = new AbortController();
    setMaxListeners(0, inner.signal);
    const signal = inner.signal;
    const stop = () => inner.abort(this.opts.signal.reason);
    if (this.opts.signal.aborted) stop();
    else this.opts.signal.addEventListener('abort', stop, { once: true });
    this.queue.run(signal);
    await this.opts.informers.waitForCacheSync(signal).catch(() => undefined);
    if (signal.aborted) return this.shutdown();
    if (this.opts.leaderElection === false) {
      await this.loop(signal);
    } else {
      const elector = new LeaderElector({
        client: this.opts.client,
        namespace: 'kube-system',
        name: this.opts.leaseName ?? 'kube-scheduler',
        identity: this.opts.identity ?? `${hostname()}_${process.pid}`,
        log: this.log,
      });
      let looping: Promise<void> | undefined;
      await elector.run(signal, {
        onStartedLeading: (lead) => {
          looping = this.loop(lead);
        },
        onStoppedLeading: () => {},
      });
      await looping;
    }
    await this.shutdown();
  }

  private async shutdown(): Promise<void> {
    this.queue.close();
    await Promise.allSettled([...this.binds]);
    await this.recorder.flush().catch(() => undefined);
    this.recorder.shutDown();
  }

  private async loop(signal: AbortSignal): Promise<void> {
    let lastYield = Date.now();
    for (;;) {
      const qp = await this.queue.pop(signal);
      if (!qp) break;
      this.scheduleQueued(qp);
      while (this.binds.size >= this.maxBinds) await Promise.race(this.binds);
      if (Date.now() - lastYield > 5) {
        // Let informer events and bind answers in between long runs of decisions.
        await new Promise<void>((r) => setImmediate(r));
        lastYield = Date.now();
      }
    }
    await Promise.allSettled([...this.binds]);
  }

  /** One scheduling cycle; synchronous up to the (asynchronous) bind. */
  scheduleQueued(qp: QueuedPod): void {
    // Use the informer's latest copy; skip pods gone, bound or no longer ours.
    const cur = this.pods.lister.get(qp.pod.metadata?.namespace, qp.pod.metadata?.name ?? '');
    if (!cur || podKey(cur) !== qp.key || !this.pending(cur) || this.cache.isAssumed(qp.key)) return;
    qp.pod = cur;
    const pod = cur;
    const res = scheduleOne(pod, this.cache.snapshot, {
      startIndex: this.nextStartIndex,
      percentageOfNodesToScore: this.opts.percentageOfNodesToScore,
      defaultSpreadSelector: this.spreadSelectorFor(pod),
    });
    this.nextStartIndex = res.nextStartIndex;
    if ('node' in res) {
      const assumed = this.cache.assume(pod, res.node);
      const p = this.bind(qp, assumed, res.node).finally(() => this.binds.delete(p));
      this.binds.add(p);
      return;
    }
    const err = res.error;
    if (err instanceof FitError) {
      this.queue.addUnschedulable(qp, err.unschedulablePlugins);
      this.reportFailure(pod, 'Unschedulable', err.message);
    } else {
      this.log.warn({ namespace: pod.metadata?.namespace, name: pod.metadata?.name, err: err.message }, 'scheduling error');
      this.queue.addUnschedulable(qp);
      this.reportFailure(pod, 'SchedulerError', err.message);
    }
  }

  private async bind(qp: QueuedPod, assumed: Pod, node: string): Promise<void> {
    const ns = assumed.metadata?.namespace ?? '';
    const name = assumed.metadata?.name ?? '';
    try {
      await this.opts.client.createSubresource(PODS, ns, name, 'binding', {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace: ns, ...(assumed.metadata?.uid ? { uid: assumed.metadata.uid } : {}) },
        target: { apiVersion: 'v1', kind: 'Node', name: node },
      });
      this.scheduledCount++;
      this.recorder.event(assumed as KubeObject, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${node}`);
    } catch (e) {
      this.cache.forget(assumed);
      const cur = this.pods.lister.get(ns, name);
      if (isNotFound(e) || !cur || podKey(cur) !== qp.key || !this.pending(cur)) return;
      if (isConflict(e) && cur.spec?.nodeName) return;
      this.log.warn({ namespace: ns, name, node, err: String(e) }, 'binding failed');
      qp.pod = cur;
      this.queue.addBackoff(qp);
      this.reportFailure(cur, 'SchedulerError', `binding rejected: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private reportFailure(pod: Pod, reason: string, message: string): void {
    this.recorder.event(pod as KubeObject, 'Warning', 'FailedScheduling', message);
    const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (cond && cond.status === 'False' && cond.reason === reason && cond.message === message) return;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const condition: PodCondition = {
      type: 'PodScheduled',
      status: 'False',
      reason,
      message,
      lastTransitionTime: cond && cond.status === 'False' ? cond.lastTransitionTime ?? now : now,
    };
    const ns = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    this.opts.client
      .patch(PODS, ns, name, 'strategic', { status: { conditions: [condition] } }, { subresource: 'status' })
      .catch((e) => {
        if (!isNotFound(e)) this.log.warn({ namespace: ns, name, err: String(e) }, 'updating PodScheduled condition failed');
      });
  }
}

/** Did a node change in a way that can make a parked pod schedulable? */
function nodeSchedulingChanged(o: Node, n: Node): boolean {
  if (!!o.spec?.unschedulable !== !!n.spec?.unschedulable) return true;
  if (JSON.stringify(o.spec?.taints ?? []) !== JSON.stringify(n.spec?.taints ?? [])) return true;
  if (JSON.stringify(o.metadata?.labels ?? {}) !== JSON.stringify(n.metadata?.labels ?? {})) return true;
  if (JSON.stringify(o.status?.allocatable ?? {}) !== JSON.stringify(n.status?.allocatable ?? {})) return true;
  const cond = (x: Node) => JSON.stringify((x.status?.conditions ?? []).map((c) => [c.type, c.status]));
  return cond(o) !== cond(n);
}

/** Starts the scheduler (see `Scheduler`); resolves once it stopped after `signal` aborted. */
export function startScheduler(opts: SchedulerOptions): Promise<void> {
  return new Scheduler(opts).run();
}
