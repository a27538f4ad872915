/**
 * The DaemonSet controller (pkg/controller/daemon): one daemon pod on every node that should run
 * it, rolled to new templates with RollingUpdate (maxUnavailable / maxSurge) or OnDelete, with the
 * template history kept as ControllerRevisions.
 *
 * Contracts:
 * - Informer handlers only adjust expectations and enqueue DaemonSet keys: a pod's or revision's
 *   controller, or for an orphan every DaemonSet whose selector matches it; a node add enqueues the
 *   DaemonSets that should run on it, a node change those whose shouldRun/shouldContinueRunning
 *   changed (heartbeats alone are ignored), a node delete every DaemonSet.
 * - `sync(key)`: a DaemonSet selecting everything gets a Warning SelectingAll event and nothing else;
 *   one being deleted is left alone. Otherwise the current revision is found or created
 *   (constructHistory), and while expectations are unsatisfied only status is written (without
 *   observedGeneration). Else pods are created/deleted (manage), then rolled (rollingUpdate when
 *   expectations still hold), old revisions beyond revisionHistoryLimit are removed, and status is
 *   written with observedGeneration.
 * - Creates go out in slow-start batches (1, 2, 4, …; at most `burstReplicas` per sync); every
 *   create/delete is expected before it is sent and a failed or skipped one lowers the expectation.
 * - New pods: the template plus labels `controller-revision-hash` and `pod-template-generation`,
 *   the default daemon tolerations, and required node affinity `metadata.name In [node]` (the
 *   scheduler binds them), named `<ds>-<random>`.
 * - Events (on the DaemonSet): SuccessfulCreate "Created pod: <name>", FailedCreate "Error creating:
 *   <err>", SuccessfulDelete "Deleted pod: <name>", FailedDelete "Error deleting: <err>", Warning
 *   FailedDaemonPod "Found failed daemon pod <ns>/<name> on node <node>, will try to kill it".
 */
import type { KubeObject } from '../../api/types.js';
import type { SharedInformer } from '../../client/informer.js';
import type { WorkQueue } from '../../client/workqueue.js';
import type { EventRecorder } from '../../client/events.js';
import { isAlreadyExists, isConflict, isNotFound, type RestClient } from '../../client/rest.js';
import { labelSelectorToSelector, type Selector } from '../../machinery/labels.js';
import type { Logger } from '../../util/logger.js';
import { claim, controllerOf, controllerRef } from '../common/controllerref.js';
import { Expectations } from '../common/expectations.js';
import { computeTemplateHash, canonicalJson, maxRevision, templatePatch, type ControllerRevision } from '../common/history.js';
import { keyOf, splitKey } from '../common/keys.js';
import { isPodReady, podFromTemplate, type PodObj } from '../common/podutil.js';
import { slowStartBatch } from '../common/slowstart.js';
import { CONTROLLERREVISIONS, DAEMONSETS, PODS } from '../resources.js';
import { computeStatus, groupByNode, HASH_LABEL, planManage, planRollingUpdate, templateGeneration, TEMPLATE_GENERATION_LABEL, type FailedPodGate, type StatusCounts } from './plan.js';
import { addDaemonPodTolerations, nodeShouldRunDaemonPod, replaceNodeNameAffinity, type DaemonSetObj, type NodeObj } from './predicates.js';

/** Upstream's BurstReplicas for DaemonSets. */
export const BURST_REPLICAS = 250;
const SLOW_START_INITIAL_BATCH = 1;
const FAILED_POD_BACKOFF_INITIAL_MS = 1000;
const FAILED_POD_BACKOFF_MAX_MS = 15 * 60 * 1000;

export type DaemonSetClient = Pick<RestClient, 'get' | 'create' | 'update' | 'updateStatus' | 'patch' | 'delete'>;

export interface DaemonSetControllerOptions {
  client: DaemonSetClient;
  daemonSets: SharedInformer<DaemonSetObj>;
  pods: SharedInformer<PodObj>;
  nodes: SharedInformer<NodeObj>;
  revisions: SharedInformer<ControllerRevision>;
  queue: WorkQueue<string>;
  recorder: Pick<EventRecorder, 'event'>;
  log: Logger;
  burstReplicas?: number;
  now?: () => number;
  signal?: AbortSignal;
}

export class DaemonSetController {
  readonly expectations: Expectations;
  private readonly o: DaemonSetControllerOptions;
  private readonly now: () => number;
  private readonly burst: number;
  private readonly unsubscribe: Array<() => void>;
  private readonly failedBackoff = new Map<string, { delayMs: number; at: number }>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(o: DaemonSetControllerOptions) {
    this.o = o;
    this.now = o.now ?? Date.now;
    this.burst = o.burstReplicas ?? BURST_REPLICAS;
    this.expectations = new Expectations(this.now);
    this.unsubscribe = [
      o.daemonSets.addEventHandler({
        onAdd: (ds) => this.enqueue(ds),
        onUpdate: (old, cur) => {
          if (old.metadata?.uid !== cur.metadata?.uid) this.expectations.delete(keyOf(old));
          this.enqueue(cur);
        },
        onDelete: (d) => {
          this.expectations.delete(keyOf(d.lastKnown));
          this.enqueue(d.lastKnown);
        },
      }),
      o.pods.addEventHandler({
        onAdd: (p) => this.podAdded(p),
        onUpdate: (old, cur) => this.podUpdated(old, cur),
        onDelete: (d) => this.podDeleted(d.lastKnown),
      }),
      o.nodes.addEventHandler({
        onAdd: (n) => {
          for (const ds of o.daemonSets.lister.list()) if (nodeShouldRunDaemonPod(n, ds).shouldRun) this.enqueue(ds);
        },
        onUpdate: (old, cur) => this.nodeUpdated(old, cur),
        onDelete: () => {
          for (const ds of o.daemonSets.lister.list()) this.enqueue(ds);
        },
      }),
      o.revisions.addEventHandler({
        onAdd: (r) => this.revisionChanged(r),
        onUpdate: (old, cur) => {
          if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
          if (JSON.stringify(controllerOf(old)) !== JSON.stringify(controllerOf(cur))) this.revisionChanged(old);
          this.revisionChanged(cur);
        },
        onDelete: (d) => this.revisionChanged(d.lastKnown),
      }),
    ];
  }

  /** Removes the informer handlers and pending delayed enqueues. */
  stop(): void {
    for (const u of this.unsubscribe) u();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private enqueue(ds: DaemonSetObj): void {
    this.o.queue.add(keyOf(ds));
  }

  private enqueueAfter(ds: DaemonSetObj, ms: number): void {
    this.o.queue.addAfter(keyOf(ds), ms);
  }

  // ---- informer handlers ----

  private resolve(ns: string | undefined, ref: { kind?: string; name?: string; uid?: string } | undefined): DaemonSetObj | undefined {
    if (!ref || ref.kind !== 'DaemonSet') return undefined;
    const ds = this.o.daemonSets.lister.get(ns, ref.name ?? '');
    return ds && ds.metadata?.uid === ref.uid ? ds : undefined;
  }

  private matching(obj: KubeObject): DaemonSetObj[] {
    const labels = obj.metadata?.labels;
    if (!labels) return [];
    return this.o.daemonSets.lister.list(obj.metadata?.namespace).filter((ds) => {
      const sel = selectorOf(ds);
      return !!sel && !sel.empty() && sel.matches(labels);
    });
  }

  private podAdded(pod: PodObj): void {
    if (pod.metadata?.deletionTimestamp) return this.podDeleted(pod);
    const ref = controllerOf(pod);
    if (ref) {
      const ds = this.resolve(pod.metadata?.namespace, ref);
      if (!ds) return;
      this.expectations.creationObserved(keyOf(ds));
      this.enqueue(ds);
      return;
    }
    for (const ds of this.matching(pod)) this.enqueue(ds);
  }

  private podUpdated(old: PodObj, cur: PodObj): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    if (cur.metadata?.deletionTimestamp) {
      this.podDeleted(cur);
      return;
    }
    const curRef = controllerOf(cur);
    const oldRef = controllerOf(old);
    const refChanged = JSON.stringify(curRef) !== JSON.stringify(oldRef);
    if (refChanged && oldRef) {
      const ds = this.resolve(old.metadata?.namespace, oldRef);
      if (ds) this.enqueue(ds);
    }
    if (curRef) {
      const ds = this.resolve(cur.metadata?.namespace, curRef);
      if (!ds) return;
      this.enqueue(ds);
      const minReady = ds.spec?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(cur) && minReady > 0) this.enqueueAfter(ds, minReady * 1000 + 1000);
      return;
    }
    const labelsChanged = canonicalJson(old.metadata?.labels ?? {}) !== canonicalJson(cur.metadata?.labels ?? {});
    if (labelsChanged || refChanged) for (const ds of this.matching(cur)) this.enqueue(ds);
  }

  private podDeleted(pod: PodObj): void {
    const ds = this.resolve(pod.metadata?.namespace, controllerOf(pod));
    if (!ds) return;
    this.expectations.deletionObservedOf(keyOf(ds), keyOf(pod));
    this.enqueue(ds);
  }

  private nodeUpdated(old: NodeObj, cur: NodeObj): void {
    if (nodeUpdateIgnorable(old, cur)) return;
    for (const ds of this.o.daemonSets.lister.list()) {
      const a = nodeShouldRunDaemonPod(old, ds);
      const b = nodeShouldRunDaemonPod(cur, ds);
      if (a.shouldRun !== b.shouldRun || a.shouldContinueRunning !== b.shouldContinueRunning) this.enqueue(ds);
    }
  }

  private revisionChanged(rev: ControllerRevision): void {
    const ref = controllerOf(rev);
    if (ref) {
      const ds = this.resolve(rev.metadata?.namespace, ref);
      if (ds) this.enqueue(ds);
      return;
    }
    for (const ds of this.matching(rev)) this.enqueue(ds);
  }

  // ---- sync ----

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const ds = this.o.daemonSets.lister.get(namespace, name);
    if (!ds) {
      this.expectations.delete(key);
      return;
    }
    const nodes = this.o.nodes.lister.list();
    const selector = selectorOf(ds);
    if (!selector || selector.empty()) {
      this.o.recorder.event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    if (ds.metadata?.deletionTimestamp) return;
    const { cur, old } = await this.constructHistory(ds, selector);
    const hash = cur.metadata?.labels?.[HASH_LABEL] ?? '';
    if (!this.expectations.satisfied(key)) {
      await this.updateStatus(ds, selector, nodes, hash, false);
      return;
    }
    let err: unknown;
    try {
      await this.manage(ds, selector, nodes, hash);
      if (this.expectations.satisfied(key) && ds.spec?.updateStrategy?.type === 'RollingUpdate') {
        const pods = await this.daemonPods(ds, selector);
        const plan = planRollingUpdate(ds, nodes, groupByNode(pods), hash, this.now());
        await this.syncNodes(ds, plan.podsToDelete, plan.nodesToCreate, hash);
      }
      await this.cleanupHistory(ds, selector, old);
    } catch (e) {
      err = e;
    }
    try {
      await this.updateStatus(ds, selector, nodes, hash, true);
    } catch (e) {
      err ??= e;
    }
    if (err) throw err;
  }

  /** The DaemonSet's pods (claimed: matching orphans adopted, non-matching owned ones released). */
  private daemonPods(ds: DaemonSetObj, selector: Selector): Promise<PodObj[]> {
    return claim<PodObj>({
      client: this.o.client,
      resource: PODS,
      owner: ds,
      ownerApiVersion: 'apps/v1',
      ownerKind: 'DaemonSet',
      selector,
      candidates: this.o.pods.lister.list(ds.metadata?.namespace),
      signal: this.o.signal,
    });
  }

  private async manage(ds: DaemonSetObj, selector: Selector, nodes: NodeObj[], hash: string): Promise<void> {
    const pods = await this.daemonPods(ds, selector);
    const plan = planManage(ds, nodes, groupByNode(pods), hash, this.failedPodGate(ds));
    for (const { pod, node } of plan.failedPods) {
      this.o.recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${pod.metadata?.namespace}/${pod.metadata?.name} on node ${node}, will try to kill it`);
    }
    if (plan.requeueAfterMs !== undefined) this.enqueueAfter(ds, plan.requeueAfterMs);
    await this.syncNodes(ds, plan.podsToDelete, plan.nodesNeedingPods, hash);
  }

  /** flowcontrol.Backoff (1 s doubling to 15 min) per DaemonSet and node for deleting failed pods. */
  private failedPodGate(ds: DaemonSetObj): FailedPodGate {
    return (nodeName) => {
      const key = `${ds.metadata?.uid}/${nodeName}`;
      const now = this.now();
      const e = this.failedBackoff.get(key);
      if (e && now - e.at < e.delayMs) return { allowed: false, delayMs: e.delayMs - (now - e.at) };
      const delayMs = !e || now - e.at > 2 * FAILED_POD_BACKOFF_MAX_MS ? FAILED_POD_BACKOFF_INITIAL_MS : Math.min(e.delayMs * 2, FAILED_POD_BACKOFF_MAX_MS);
      this.failedBackoff.set(key, { delayMs, at: now });
      return { allowed: true };
    };
  }

  /** Creates daemon pods on `nodes` and deletes `podsToDelete`, under expectations. */
  private async syncNodes(ds: DaemonSetObj, podsToDelete: string[], nodes: string[], hash: string): Promise<void> {
    if (podsToDelete.length === 0 && nodes.length === 0) return;
    const key = keyOf(ds);
    const ns = ds.metadata?.namespace;
    const createDiff = Math.min(nodes.length, this.burst);
    const deletes = podsToDelete.slice(0, this.burst);
    // Expect the deletions by pod key, then raise the creations on the same record.
    this.expectations.expectDeletionsOf(key, deletes.map((n) => `${ns}/${n}`));
    this.expectations.lowerExpectations(key, -createDiff, 0);
    const generation = templateGeneration(ds);
    const template = structuredClone(ds.spec?.template ?? {});
    template.metadata ??= {};
    template.metadata.labels = { ...(template.metadata.labels ?? {}), [HASH_LABEL]: hash };
    if (generation !== undefined) template.metadata.labels[TEMPLATE_GENERATION_LABEL] = String(generation);
    template.spec ??= { containers: [] };
    addDaemonPodTolerations(template.spec);
    const ref = [controllerRef(ds, 'apps/v1', 'DaemonSet')];
    const errors: unknown[] = [];

    const result = await slowStartBatch(createDiff, SLOW_START_INITIAL_BATCH, async (i) => {
      const pod = podFromTemplate(template, ds.metadata!.name!, ref);
      pod.spec!.affinity = replaceNodeNameAffinity(pod.spec!.affinity, nodes[i]!);
      try {
        const created = await this.o.client.create<PodObj>(PODS, ns, pod, { signal: this.o.signal });
        this.o.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
      } catch (err) {
        this.expectations.creationObserved(key);
        if (isNamespaceTerminating(err)) return;
        this.o.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${errMessage(err)}`);
        errors.push(err);
        throw err;
      }
    });
    if (result.error !== undefined && result.skipped > 0) this.expectations.lowerExpectations(key, result.skipped, 0);

    await Promise.all(
      deletes.map(async (podName) => {
        try {
          await this.o.client.delete(PODS, ns, podName, { signal: this.o.signal });
          this.o.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${podName}`);
        } catch (err) {
          this.expectations.deletionObservedOf(key, `${ns}/${podName}`);
          if (isNotFound(err)) return;
          this.o.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${errMessage(err)}`);
          errors.push(err);
        }
      }),
    );
    if (errors.length) throw errors[0];
  }

  // ---- status ----

  private async updateStatus(ds: DaemonSetObj, selector: Selector, nodes: NodeObj[], hash: string, updateObservedGen: boolean): Promise<void> {
    const pods = await this.daemonPods(ds, selector);
    const counts = computeStatus(ds, nodes, groupByNode(pods), hash, this.now());
    await this.storeStatus(ds, counts, updateObservedGen);
    const minReady = ds.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && counts.numberReady !== counts.numberAvailable) this.enqueueAfter(ds, minReady * 1000);
  }

  /** storeDaemonSetStatus: writes only a changed status; one retry with a fresh GET on conflict. */
  private async storeStatus(ds: DaemonSetObj, c: StatusCounts, updateObservedGen: boolean): Promise<void> {
    const gen = ds.metadata?.generation ?? 0;
    const same = (s: DaemonSetObj['status']): boolean =>
      !!s &&
      s.desiredNumberScheduled === c.desiredNumberScheduled &&
      s.currentNumberScheduled === c.currentNumberScheduled &&
      s.numberMisscheduled === c.numberMisscheduled &&
      s.numberReady === c.numberReady &&
      (s.updatedNumberScheduled ?? 0) === c.updatedNumberScheduled &&
      (s.numberAvailable ?? 0) === c.numberAvailable &&
      (s.numberUnavailable ?? 0) === c.numberUnavailable &&
      (s.observedGeneration ?? 0) >= gen;
    if (same(ds.status)) return;
    let toUpdate: DaemonSetObj = structuredClone(ds);
    for (let attempt = 0; ; attempt++) {
      const status = { ...(toUpdate.status ?? {}), ...c } as NonNullable<DaemonSetObj['status']>;
      if (updateObservedGen) status.observedGeneration = gen;
      toUpdate.status = status;
      try {
        await this.o.client.updateStatus(DAEMONSETS, toUpdate, { signal: this.o.signal });
        return;
      } catch (err) {
        if (attempt >= 1 || !isConflict(err)) throw err;
        toUpdate = await this.o.client.get<DaemonSetObj>(DAEMONSETS, ds.metadata?.namespace, ds.metadata!.name!, { signal: this.o.signal });
      }
    }
  }

  // ---- history ----

  /** The DaemonSet's ControllerRevisions (claimed like pods). */
  private controlledHistories(ds: DaemonSetObj, selector: Selector): Promise<ControllerRevision[]> {
    return claim<ControllerRevision>({
      client: this.o.client,
      resource: CONTROLLERREVISIONS,
      owner: ds,
      ownerApiVersion: 'apps/v1',
      ownerKind: 'DaemonSet',
      selector,
      candidates: this.o.revisions.lister.list(ds.metadata?.namespace),
      signal: this.o.signal,
    });
  }

  /** constructHistory: the revision matching the current template (created if missing) and the rest. */
  private async constructHistory(ds: DaemonSetObj, selector: Selector): Promise<{ cur: ControllerRevision; old: ControllerRevision[] }> {
    const patch = canonicalJson(templatePatch(ds));
    const current: ControllerRevision[] = [];
    const old: ControllerRevision[] = [];
    for (let h of await this.controlledHistories(ds, selector)) {
      if (h.metadata?.labels?.[HASH_LABEL] === undefined) {
        const next = structuredClone(h);
        next.metadata!.labels = { ...(next.metadata!.labels ?? {}), [HASH_LABEL]: next.metadata!.name! };
        h = await this.o.client.update<ControllerRevision>(CONTROLLERREVISIONS, next, { signal: this.o.signal });
      }
      if (canonicalJson(h.data) === patch) current.push(h);
      else old.push(h);
    }
    const currRevision = maxRevision(old) + 1;
    let cur: ControllerRevision;
    if (current.length === 0) cur = await this.snapshot(ds, currRevision, patch);
    else {
      cur = await this.dedupCurHistories(ds, selector, current);
      if (cur.revision < currRevision) {
        cur = await this.o.client.update<ControllerRevision>(CONTROLLERREVISIONS, { ...structuredClone(cur), revision: currRevision }, { signal: this.o.signal });
      }
    }
    return { cur, old };
  }

  private async snapshot(ds: DaemonSetObj, revision: number, patch: string): Promise<ControllerRevision> {
    const ns = ds.metadata?.namespace;
    const hash = computeTemplateHash(ds.spec?.template, ds.status?.collisionCount);
    const name = `${ds.metadata!.name}-${hash}`;
    const history: ControllerRevision = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name,
        namespace: ns,
        labels: { ...(ds.spec?.template?.metadata?.labels ?? {}), [HASH_LABEL]: hash },
        annotations: ds.metadata?.annotations ? { ...ds.metadata.annotations } : undefined,
        ownerReferences: [controllerRef(ds, 'apps/v1', 'DaemonSet')],
      },
      data: JSON.parse(patch),
      revision,
    };
    try {
      return await this.o.client.create<ControllerRevision>(CONTROLLERREVISIONS, ns, history, { signal: this.o.signal });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const existing = await this.o.client.get<ControllerRevision>(CONTROLLERREVISIONS, ns, name, { signal: this.o.signal });
      if (canonicalJson(existing.data) === patch) return existing;
      const fresh = await this.o.client.get<DaemonSetObj>(DAEMONSETS, ns, ds.metadata!.name!, { signal: this.o.signal });
      if ((fresh.status?.collisionCount ?? undefined) !== (ds.status?.collisionCount ?? undefined)) {
        throw new Error(`found a stale collision count (${ds.status?.collisionCount}, expected ${fresh.status?.collisionCount}) of DaemonSet "${ds.metadata?.name}" while processing; will retry until it is updated`);
      }
      fresh.status = { ...(fresh.status ?? ({} as NonNullable<DaemonSetObj['status']>)), collisionCount: (fresh.status?.collisionCount ?? 0) + 1 };
      await this.o.client.updateStatus(DAEMONSETS, fresh, { signal: this.o.signal });
      throw err;
    }
  }

  /** Keeps the highest-revision duplicate; pods labelled with another duplicate's hash are relabelled. */
  private async dedupCurHistories(ds: DaemonSetObj, selector: Selector, current: ControllerRevision[]): Promise<ControllerRevision> {
    if (current.length === 1) return current[0]!;
    let keep = current[0]!;
    for (const h of current) if (h.revision > keep.revision) keep = h;
    const keepHash = keep.metadata?.labels?.[HASH_LABEL] ?? '';
    const pods = await this.daemonPods(ds, selector);
    for (const h of current) {
      if (h === keep) continue;
      const dupHash = h.metadata?.labels?.[HASH_LABEL];
      for (const p of pods) {
        if (p.metadata?.labels?.[HASH_LABEL] !== dupHash) continue;
        await this.o.client.patch(PODS, p.metadata?.namespace, p.metadata!.name!, 'strategic', { metadata: { labels: { [HASH_LABEL]: keepHash } } }, { signal: this.o.signal });
      }
      await this.o.client.delete(CONTROLLERREVISIONS, h.metadata?.namespace, h.metadata!.name!, { signal: this.o.signal }).catch((e) => {
        if (!isNotFound(e)) throw e;
      });
    }
    return keep;
  }

  /** cleanupHistory: deletes the oldest revisions no pod uses beyond revisionHistoryLimit. */
  private async cleanupHistory(ds: DaemonSetObj, selector: Selector, old: ControllerRevision[]): Promise<void> {
    const limit = ds.spec?.revisionHistoryLimit ?? 10;
    let toKill = old.length - limit;
    if (toKill <= 0) return;
    const pods = await this.daemonPods(ds, selector);
    const live = new Set<string>();
    for (const p of pods) {
      const h = p.metadata?.labels?.[HASH_LABEL];
      if (h) live.add(h);
    }
    for (const h of [...old].sort((a, b) => a.revision - b.revision)) {
      if (toKill <= 0) break;
      if (live.has(h.metadata?.labels?.[HASH_LABEL] ?? '')) continue;
      await this.o.client.delete(CONTROLLERREVISIONS, h.metadata?.namespace, h.metadata!.name!, { signal: this.o.signal }).catch((e) => {
        if (!isNotFound(e)) throw e;
      });
      toKill--;
    }
  }
}

function selectorOf(ds: DaemonSetObj): Selector | undefined {
  try {
    return labelSelectorToSelector(ds.spec?.selector as never);
  } catch {
    return undefined;
  }
}

/** shouldIgnoreNodeUpdate: only heartbeat fields (resourceVersion, condition timestamps) changed. */
export function nodeUpdateIgnorable(old: NodeObj, cur: NodeObj): boolean {
  const conds = (n: NodeObj) => (n.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`).sort().join(',');
  if (conds(old) !== conds(cur)) return false;
  const strip = (n: NodeObj) => {
    const { resourceVersion: _rv, managedFields: _mf, ...meta } = n.metadata ?? {};
    const { conditions: _c, ...status } = n.status ?? {};
    return canonicalJson({ meta, spec: n.spec, status });
  };
  return strip(old) === strip(cur);
}

function isNamespaceTerminating(err: unknown): boolean {
  const causes = (err as { status?: { details?: { causes?: { type?: string }[] } } }).status?.details?.causes ?? [];
  return causes.some((c) => c.type === 'NamespaceTerminating');
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
