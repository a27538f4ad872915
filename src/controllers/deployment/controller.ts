/**
 * The Deployment controller (pkg/controller/deployment/deployment_controller.go).
 *
 * Contracts:
 * - Informer handlers only enqueue Deployment keys: a Deployment on any change; a ReplicaSet's
 *   controlling Deployment (old and new one when the controller ref changed), or for an orphan
 *   every Deployment whose non-empty selector matches it (on add, or when its labels or controller
 *   ref changed); on a pod's deletion, its Recreate Deployment once that Deployment has no pods left.
 * - `sync(key)` reads the Deployment from the cache (gone: nothing to do), claims ReplicaSets
 *   (adopting matching orphans only after a fresh GET proves the Deployment is the same object and
 *   not being deleted; releasing ones that stopped matching), then: being deleted → status only;
 *   paused → scale only; rollback annotation → rollback; replicas changed → proportional scale;
 *   otherwise one rollout step of its strategy. Errors reject (the key is retried rate-limited).
 * - A Deployment selecting everything (`selector: {}`) gets a Warning SelectingAll Event and no action.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { EventRecorder } from '../../client/events.js';
import type { DeletedObject, Lister, SharedInformer } from '../../client/informer.js';
import type { WorkQueue } from '../../client/workqueue.js';
import { isConflict } from '../../client/rest.js';
import { labelSelectorToSelector } from '../../machinery/labels.js';
import type { Logger } from '../../util/logger.js';
import { claim, controllerOf } from '../common/controllerref.js';
import { keyOf, splitKey } from '../common/keys.js';
import type { PodObj } from '../common/podutil.js';
import { DEPLOYMENTS, REPLICASETS } from '../resources.js';
import type { DeploymentClient, DeploymentDeps } from './deps.js';
import { APPS_V1, DEPLOYMENT_KIND, type DeploymentObj, type ReplicaSetObj } from './types.js';
import { rolloutRecreate, type PodMap } from './recreate.js';
import { rolloutRolling } from './rolling.js';
import { getRollbackTo, rollback } from './rollback.js';
import { checkPausedConditions, isScalingEvent, sync, syncStatusOnly } from './sync.js';
import { writeStatus } from './status.js';

export interface DeploymentControllerOptions {
  client: DeploymentClient;
  deployments: SharedInformer<DeploymentObj>;
  replicaSets: SharedInformer<ReplicaSetObj>;
  pods: SharedInformer<PodObj>;
  queue: WorkQueue<string>;
  recorder: Pick<EventRecorder, 'event'>;
  log: Logger;
  now?: () => number;
}

const sameSet = (a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean => {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => a![k] === b?.[k]);
};

export class DeploymentController {
  private readonly client: DeploymentClient;
  private readonly dLister: Lister<DeploymentObj>;
  private readonly rsLister: Lister<ReplicaSetObj>;
  private readonly podLister: Lister<PodObj>;
  private readonly queue: WorkQueue<string>;
  private readonly log: Logger;
  private readonly deps: DeploymentDeps;
  private readonly unsubscribe: Array<() => void>;

  constructor(o: DeploymentControllerOptions) {
    this.client = o.client;
    this.dLister = o.deployments.lister;
    this.rsLister = o.replicaSets.lister;
    this.podLister = o.pods.lister;
    this.queue = o.queue;
    this.log = o.log;
    this.deps = {
      client: o.client,
      replicaSets: this.rsLister,
      recorder: o.recorder,
      log: o.log,
      now: o.now ?? Date.now,
      enqueueAfter: (d, ms) => this.queue.addAfter(keyOf(d), ms),
      enqueueRateLimited: (d) => this.queue.addRateLimited(keyOf(d)),
    };
    this.unsubscribe = [
      o.deployments.addEventHandler({
        onAdd: (d) => this.queue.add(keyOf(d)),
        onUpdate: (_old, cur) => this.queue.add(keyOf(cur)),
        onDelete: (del) => this.queue.add(keyOf(del.lastKnown)),
      }),
      o.replicaSets.addEventHandler({
        onAdd: (rs) => this.replicaSetAdded(rs),
        onUpdate: (old, cur) => this.replicaSetUpdated(old, cur),
        onDelete: (del) => this.replicaSetDeleted(del.lastKnown),
      }),
      o.pods.addEventHandler({ onDelete: (del: DeletedObject<PodObj>) => this.podDeleted(del.lastKnown) }),
    ];
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
  }

  // ---- handlers: keys only ----

  private resolve(namespace: string | undefined, ref: { kind: string; name: string; uid: string } | undefined): DeploymentObj | undefined {
    if (!ref || ref.kind !== DEPLOYMENT_KIND) return undefined;
    const d = this.dLister.get(namespace, ref.name);
    return d && d.metadata?.uid === ref.uid ? d : undefined;
  }

  /** Deployments whose non-empty selector matches the ReplicaSet's labels. */
  private deploymentsFor(rs: ReplicaSetObj): DeploymentObj[] {
    const labels = rs.metadata?.labels;
    if (!labels || Object.keys(labels).length === 0) return [];
    return this.dLister.list(rs.metadata?.namespace).filter((d) => {
      try {
        const sel = labelSelectorToSelector(d.spec?.selector);
        return !sel.empty() && sel.matches(labels);
      } catch {
        return false;
      }
    });
  }

  private replicaSetAdded(rs: ReplicaSetObj): void {
    if (rs.metadata?.deletionTimestamp) return this.replicaSetDeleted(rs);
    const ref = controllerOf(rs);
    if (ref) {
      const d = this.resolve(rs.metadata?.namespace, ref);
      if (d) this.queue.add(keyOf(d));
      return;
    }
    for (const d of this.deploymentsFor(rs)) this.queue.add(keyOf(d));
  }

  private replicaSetUpdated(old: ReplicaSetObj, cur: ReplicaSetObj): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    const curRef = controllerOf(cur);
    const oldRef = controllerOf(old);
    const refChanged = curRef?.uid !== oldRef?.uid;
    if (refChanged && oldRef) {
      const d = this.resolve(old.metadata?.namespace, oldRef);
      if (d) this.queue.add(keyOf(d));
    }
    if (curRef) {
      const d = this.resolve(cur.metadata?.namespace, curRef);
      if (d) this.queue.add(keyOf(d));
      return;
    }
    if (!sameSet(old.metadata?.labels, cur.metadata?.labels) || refChanged) {
      for (const d of this.deploymentsFor(cur)) this.queue.add(keyOf(d));
    }
  }

  private replicaSetDeleted(rs: ReplicaSetObj): void {
    const d = this.resolve(rs.metadata?.namespace, controllerOf(rs));
    if (d) this.queue.add(keyOf(d));
  }

  private podDeleted(pod: PodObj): void {
    const ns = pod.metadata?.namespace;
    const rsRef = controllerOf(pod);
    if (!rsRef || rsRef.kind !== 'ReplicaSet') return;
    const rs = this.rsLister.get(ns, rsRef.name);
    if (!rs || rs.metadata?.uid !== rsRef.uid) return;
    const d = this.resolve(ns, controllerOf(rs));
    if (!d || d.spec?.strategy?.type !== 'Recreate') return;
    const owned = new Set(this.rsLister.list(ns).filter((x) => controllerOf(x)?.uid === d.metadata?.uid).map((x) => x.metadata?.uid));
    const left = this.podLister.list(ns).some((p) => owned.has(controllerOf(p)?.uid));
    if (!left) this.queue.add(keyOf(d));
  }

  // ---- sync ----

  /**
   * `sync` for the workers. A Conflict (our cache was behind one of our own writes, the usual case
   * right after a status or ReplicaSet write) is retried rate-limited and logged at debug level, as
   * upstream's handleErr logs it at V(2); other errors reject (retried and logged by the workers).
   */
  async syncHandler(key: string): Promise<void> {
    try {
      await this.sync(key);
    } catch (e) {
      if (!isConflict(e)) throw e;
      this.log.debug({ key, err: e instanceof Error ? e.message : String(e) }, 'Error syncing deployment; requeued');
      this.queue.addRateLimited(key);
    }
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.dLister.get(namespace, name);
    if (!cached) {
      this.log.debug({ key, namespace, name }, 'Deployment has been deleted');
      return;
    }
    const d = structuredClone(cached);
    const sel = d.spec?.selector;
    if (sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0) {
      this.deps.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
        (d.status ??= {}).observedGeneration = d.metadata?.generation;
        await writeStatus(this.deps, d);
      }
      return;
    }
    const rsList = await this.getReplicaSetsForDeployment(d);
    const podMap = this.getPodMapForDeployment(d, rsList);
    if (d.metadata?.deletionTimestamp) return syncStatusOnly(this.deps, d, rsList);
    await checkPausedConditions(this.deps, d);
    if (d.spec?.paused) return sync(this.deps, d, rsList);
    if (getRollbackTo(d) !== undefined) return rollback(this.deps, d, rsList);
    if (await isScalingEvent(this.deps, d, rsList)) return sync(this.deps, d, rsList);
    const type = d.spec?.strategy?.type ?? 'RollingUpdate';
    if (type === 'Recreate') return rolloutRecreate(this.deps, d, rsList, podMap);
    if (type === 'RollingUpdate') return rolloutRolling(this.deps, d, rsList);
    throw new Error(`unexpected deployment strategy type: ${type}`);
  }

  /** Adopts matching orphans, releases owned ReplicaSets that no longer match; answers the owned ones. */
  private async getReplicaSetsForDeployment(d: DeploymentObj): Promise<ReplicaSetObj[]> {
    let selector;
    try {
      selector = labelSelectorToSelector(d.spec?.selector);
    } catch (e) {
      throw new Error(`deployment ${d.metadata?.namespace}/${d.metadata?.name} has invalid label selector: ${e instanceof Error ? e.message : String(e)}`);
    }
    const candidates = this.rsLister.list(d.metadata?.namespace);
    const wantsAdoption = !d.metadata?.deletionTimestamp && candidates.some((rs) => !controllerOf(rs) && !rs.metadata?.deletionTimestamp && selector.matches(rs.metadata?.labels));
    if (wantsAdoption) await this.recheckDeletionTimestamp(d);
    return claim<ReplicaSetObj>({
      client: this.client,
      resource: REPLICASETS,
      owner: d,
      ownerApiVersion: APPS_V1,
      ownerKind: DEPLOYMENT_KIND,
      selector,
      candidates,
    });
  }

  /** controller.RecheckDeletionTimestamp: a fresh GET must show the same, live Deployment. */
  private async recheckDeletionTimestamp(d: DeploymentObj): Promise<void> {
    const fresh = await this.client.get<DeploymentObj>(DEPLOYMENTS, d.metadata?.namespace, d.metadata!.name!);
    if (fresh.metadata?.uid !== d.metadata?.uid) {
      throw new Error(`original Deployment ${d.metadata?.namespace}/${d.metadata?.name} is gone: got uid ${fresh.metadata?.uid}, wanted ${d.metadata?.uid}`);
    }
    if (fresh.metadata?.deletionTimestamp) {
      throw new Error(`${d.metadata?.namespace}/${d.metadata?.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }
  }

  private getPodMapForDeployment(d: DeploymentObj, rsList: ReplicaSetObj[]): PodMap {
    const map: PodMap = new Map();
    for (const rs of rsList) map.set(rs.metadata!.uid!, []);
    const pods = this.podLister.list(d.metadata?.namespace, labelSelectorToSelector(d.spec?.selector));
    for (const p of pods) {
      const ref = controllerOf(p);
      if (ref && map.has(ref.uid)) map.get(ref.uid)!.push(p as Pod);
    }
    return map;
  }
}
