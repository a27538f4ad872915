/**
 * The node lifecycle controller (pkg/controller/nodelifecycle, taint-based eviction mode).
 *
 * Contracts:
 * - `monitor()` is one monitorNodeHealth pass (run every nodeMonitorPeriod): Normal events
 *   `RegisteredNode` / `RemovingNode` for nodes seen first / gone; for each node the health is
 *   observed (see health.ts) and, when nothing was probed within the grace period, its Ready,
 *   MemoryPressure, DiskPressure and PIDPressure conditions are written Unknown through
 *   nodes/status (resourceVersion-checked, so a kubelet heartbeat that lands first wins). A node
 *   whose Ready was True and now is not gets a Normal `NodeNotReady` event and its pods are marked
 *   not ready (retried on the next pass when that fails).
 * - After the health pass, zone states are computed and NoExecute taints follow Ready
 *   (taints.ts), except that no taint is added anew in a disrupted zone, and while every zone is
 *   fully disrupted all NoExecute node-controller taints are removed (master disruption mode).
 *   Leaving that mode grants every node a new grace period. A node seen for the first time has its
 *   NoExecute taints removed (markNodeAsReachable); if it is still unhealthy they come back.
 * - NoSchedule condition taints are kept in line by `syncNode(name)`, queued on every node event.
 * - Pods newly bound to a node whose last known Ready is not True are marked not ready (`syncPod`).
 * - The controller writes node conditions only when the node's heartbeats are stale, so it never
 *   fights the kubelet, which rewrites all conditions on every heartbeat.
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { NodeCondition } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/types.js';
import type { SharedInformer } from '../../client/informer.js';
import type { EventRecorder } from '../../client/events.js';
import { isConflict, isNotFound } from '../../client/rest.js';
import type { WorkQueue } from '../../client/workqueue.js';
import { formatRfc3339 } from '../../machinery/meta.js';
import type { Logger } from '../../util/logger.js';
import { keyOf, splitKey } from '../common/keys.js';
import { NODES } from '../resources.js';
import { HealthTracker, readyCondition, unknownConditions } from './health.js';
import { markPodsNotReady, swapTaints, type NodeObj, type PodObj, type WriteClient } from './nodewrites.js';
import { computeZoneState, isEmptyChange, noExecuteChange, noScheduleChange, reachableChange, zoneKey, zoneMayTaint, type TaintChange, type ZoneState } from './taints.js';
import { forEachLimit, errorText as errText } from '../../util/concurrency.js';

export type LeaseObj = Lease & KubeObject;
type InformerLike<T extends KubeObject> = Pick<SharedInformer<T>, 'lister' | 'addEventHandler'>;

export const POD_NODE_INDEX = 'spec.nodeName';
export const LEASE_NAMESPACE = 'kube-node-lease';
const STATUS_ATTEMPTS = 5;
const PASS_CONCURRENCY = 8;

export interface NodeLifecycleOptions {
  client: WriteClient;
  nodes: InformerLike<NodeObj>;
  leases: InformerLike<LeaseObj>;
  /** Must carry the POD_NODE_INDEX index. */
  pods: InformerLike<PodObj>;
  nodeQueue: WorkQueue<string>;
  podQueue: WorkQueue<string>;
  recorder: Pick<EventRecorder, 'event'>;
  log: Logger;
  gracePeriodMs: number;
  now?: () => number;
  signal?: AbortSignal;
}

export class NodeLifecycleController {
  readonly health: HealthTracker;
  private readonly known = new Map<string, string | undefined>();
  private readonly retryPods = new Set<string>();
  private readonly now: () => number;
  private zoneStates = new Map<string, ZoneState>();
  private masterDisruption = true;
  /** Nodes as this controller last wrote them: newer than the informer's copy until it catches up. */
  private readonly written = new Map<string, NodeObj>();

  constructor(private readonly o: NodeLifecycleOptions) {
    this.now = o.now ?? Date.now;
    this.health = new HealthTracker(this.now);
  }

  /** Registers informer handlers; call before the informers start. */
  register(): void {
    this.o.nodes.addEventHandler({
      onAdd: (n) => this.o.nodeQueue.add(keyOf(n)),
      onUpdate: (_old, n) => this.o.nodeQueue.add(keyOf(n)),
    });
    this.o.pods.addEventHandler({
      onAdd: (p) => {
        if (p.spec?.nodeName) this.o.podQueue.add(keyOf(p));
      },
      onUpdate: (old, p) => {
        if (p.spec?.nodeName && p.spec.nodeName !== old.spec?.nodeName) this.o.podQueue.add(keyOf(p));
      },
    });
  }

  /** The newer of the informer's node and the one this controller last wrote. */
  private latest(n: NodeObj): NodeObj {
    const w = this.written.get(n.metadata!.name!);
    if (!w) return n;
    const a = Number(n.metadata?.resourceVersion);
    const b = Number(w.metadata?.resourceVersion);
    if (Number.isFinite(a) && Number.isFinite(b) && b > a) return w;
    this.written.delete(n.metadata!.name!);
    return n;
  }

  private async swap(n: NodeObj, change: (node: NodeObj) => TaintChange): Promise<void> {
    const saved = await swapTaints(this.o.client, n, change, this.now, this.o.signal);
    if (saved) this.written.set(saved.metadata!.name!, saved);
  }

  private nowIso(): string {
    return formatRfc3339(new Date(this.now()));
  }

  /** doNoScheduleTaintingPass for one node. */
  async syncNode(name: string): Promise<void> {
    const cached = this.o.nodes.lister.get(undefined, name);
    if (!cached) return;
    const node = this.latest(cached);
    if (isEmptyChange(noScheduleChange(node))) return;
    await this.swap(node, noScheduleChange);
  }

  /** Marks a newly bound pod not ready when its node's last known Ready is not True. */
  async syncPod(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.o.pods.lister.get(namespace, name);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName) return;
    const ready = this.health.get(nodeName)?.ready;
    if (!ready || ready.status === 'True') return;
    await markPodsNotReady(this.o.client, this.o.recorder, [pod], nodeName, this.now, this.o.signal);
  }

  /** One monitorNodeHealth pass. */
  async monitor(): Promise<void> {
    const nodes = this.o.nodes.lister.list();
    const seen = new Set<string>();
    for (const n of nodes) {
      const name = n.metadata!.name!;
      seen.add(name);
      if (this.known.has(name)) continue;
      this.known.set(name, n.metadata?.uid);
      this.o.recorder.event(nodeRef(name, n.metadata?.uid), 'Normal', 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`);
      await this.removeNoExecute(n).catch((err) => this.o.log.warn({ name, err: errText(err) }, 'failed to remove NoExecute taints of a new node'));
    }
    for (const [name, uid] of [...this.known]) {
      if (seen.has(name)) continue;
      this.known.delete(name);
      this.health.forget(name);
      this.retryPods.delete(name);
      this.written.delete(name);
      this.o.recorder.event(nodeRef(name, uid), 'Normal', 'RemovingNode', `Node ${name} event: Removing Node ${name} from Controller`);
    }

    const current = new Map<string, { node: NodeObj; ready: NodeCondition | undefined }>();
    await forEachLimit(nodes, PASS_CONCURRENCY, async (n) => {
      const name = n.metadata!.name!;
      try {
        const r = await this.updateHealth(n);
        if (r) current.set(name, r);
      } catch (err) {
        this.o.log.warn({ name, err: errText(err) }, 'node health update failed');
      }
    });

    const zones = new Map<string, Array<NodeCondition | undefined>>();
    for (const { node, ready } of current.values()) {
      const z = zoneKey(node);
      (zones.get(z) ?? zones.set(z, []).get(z)!).push(ready);
    }
    const states = new Map<string, { state: ZoneState; size: number }>();
    for (const [z, conds] of zones) states.set(z, { state: computeZoneState(conds).state, size: conds.length });
    const allFull = states.size > 0 && [...states.values()].every((s) => s.state === 'FullDisruption');
    if (states.size > 0) {
      if (allFull && !this.masterDisruption) this.o.log.info({}, 'Controller detected that all Nodes are not-Ready. Entering master disruption mode.');
      if (!allFull && this.masterDisruption) {
        this.o.log.info({}, 'Controller detected that some Nodes are Ready. Exiting master disruption mode.');
        this.health.resetProbes();
      }
      this.masterDisruption = allFull;
    }
    for (const [z, s] of states) {
      if (this.zoneStates.get(z) !== s.state) this.o.log.info({ zone: z, state: s.state }, 'zone state changed');
    }
    this.zoneStates = new Map([...states].map(([z, s]) => [z, s.state]));

    await forEachLimit([...current.values()], PASS_CONCURRENCY, async ({ node }) => {
      const s = states.get(zoneKey(node));
      const mayTaint = zoneMayTaint(s?.state ?? 'Normal', s?.size ?? 0, allFull);
      const change = (n: NodeObj) => (allFull ? reachableChange(n) : noExecuteChange(n, readyCondition(n), mayTaint));
      if (isEmptyChange(change(node))) return;
      try {
        await this.swap(node, change);
      } catch (err) {
        this.o.log.warn({ name: node.metadata?.name, err: errText(err) }, 'failed to update NoExecute taints');
      }
    });
  }

  zoneState(zone = ''): ZoneState | undefined {
    return this.zoneStates.get(zone);
  }

  private async removeNoExecute(n: NodeObj): Promise<void> {
    if (!isEmptyChange(reachableChange(n))) await this.swap(n, reachableChange);
  }

  /** tryUpdateNodeHealth (with its retries) plus the NotReady event and pod marking. */
  private async updateHealth(n: NodeObj): Promise<{ node: NodeObj; ready: NodeCondition | undefined } | undefined> {
    const name = n.metadata!.name!;
    let node = this.latest(n);
    const observed = readyCondition(node);
    let current = observed;
    for (let attempt = 1; ; attempt++) {
      const lease = this.o.leases.lister.get(LEASE_NAMESPACE, name);
      this.health.observe(node, lease);
      current = readyCondition(node);
      if (!this.health.isStale(name, this.o.gracePeriodMs)) break;
      const conditions = unknownConditions(node, this.nowIso());
      if (!conditions) break;
      try {
        node = await this.o.client.updateStatus<NodeObj>(NODES, { ...node, status: { ...node.status, conditions } }, { signal: this.o.signal });
        this.written.set(name, node);
        current = readyCondition(node);
        this.health.wrote(name, current);
        this.o.log.info({ name }, 'node stopped posting status; marked Unknown');
        break;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        if (!isConflict(err) || attempt >= STATUS_ATTEMPTS) throw err;
        node = await this.o.client.get<NodeObj>(NODES, undefined, name, { signal: this.o.signal });
      }
    }
    if (current) {
      const becameNotReady = current.status !== 'True' && observed?.status === 'True';
      const retry = this.retryPods.has(name) && current.status !== 'True';
      if (becameNotReady) this.o.recorder.event(nodeRef(name, node.metadata?.uid), 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
      if (becameNotReady || retry) {
        try {
          await markPodsNotReady(this.o.client, this.o.recorder, this.o.pods.lister.byIndex(POD_NODE_INDEX, name), name, this.now, this.o.signal);
          this.retryPods.delete(name);
        } catch (err) {
          this.retryPods.add(name);
          this.o.log.warn({ name, err: errText(err) }, 'unable to mark all pods NotReady; will retry');
        }
      } else {
        this.retryPods.delete(name);
      }
    }
    return { node, ready: current };
  }
}

function nodeRef(name: string, uid: string | undefined) {
  return { apiVersion: 'v1', kind: 'Node', name, ...(uid ? { uid } : {}) };
}
