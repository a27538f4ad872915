/**
 * The StatefulSet controller (pkg/controller/statefulset stateful_set.go): informer wiring and
 * `sync(key)`; the reconcile itself is in control.ts.
 *
 * Contracts:
 * - Handlers only enqueue set keys: a pod's controller (kind StatefulSet, uid checked), or for an
 *   orphan every set whose selector matches it (on add, or on a label/controller change); a pod
 *   turning ready under minReadySeconds also re-enqueues after minReadySeconds.
 * - `sync(key)`: a set with an invalid selector is skipped (not retried). Orphan ControllerRevisions
 *   matching the selector are adopted; pods matching the selector and named `<set>-<n>` are claimed
 *   (adopted/released as for ReplicaSets); then control.ts reconciles. With minReadySeconds and
 *   fewer available than desired replicas, the key is synced again after minReadySeconds.
 */
import type { SharedInformer } from '../../client/informer.js';
import type { WorkQueue } from '../../client/workqueue.js';
import type { EventRecorder } from '../../client/events.js';
import type { RestClient } from '../../client/rest.js';
import { labelSelectorToSelector, type Selector } from '../../machinery/labels.js';
import type { KubeObject } from '../../api/types.js';
import type { Logger } from '../../util/logger.js';
import { claim, controllerOf } from '../common/controllerref.js';
import { canonicalJson, type ControllerRevision } from '../common/history.js';
import { keyOf, splitKey } from '../common/keys.js';
import { isPodReady, type PodObj } from '../common/podutil.js';
import { CONTROLLERREVISIONS, PODS } from '../resources.js';
import { StatefulSetControl, type StatefulSetClient } from './control.js';
import { isMemberOf, type PvcObj, type StatefulSetObj } from './utils.js';

export interface StatefulSetControllerOptions {
  client: StatefulSetClient & Pick<RestClient, 'patch'>;
  sets: SharedInformer<StatefulSetObj>;
  pods: SharedInformer<PodObj>;
  pvcs: SharedInformer<PvcObj>;
  revisions: SharedInformer<ControllerRevision>;
  queue: WorkQueue<string>;
  recorder: Pick<EventRecorder, 'event'>;
  log: Logger;
  now?: () => number;
  signal?: AbortSignal;
}

export class StatefulSetController {
  private readonly control: StatefulSetControl;
  private readonly unsubscribe: Array<() => void>;

  constructor(private readonly o: StatefulSetControllerOptions) {
    this.control = new StatefulSetControl({ client: o.client, pvcs: o.pvcs.lister, recorder: o.recorder, log: o.log, now: o.now, signal: o.signal });
    this.unsubscribe = [
      o.sets.addEventHandler({
        onAdd: (s) => this.enqueue(s),
        onUpdate: (_old, cur) => this.enqueue(cur),
        onDelete: (d) => this.enqueue(d.lastKnown),
      }),
      o.pods.addEventHandler({
        onAdd: (p) => this.podAdded(p),
        onUpdate: (old, cur) => this.podUpdated(old, cur),
        onDelete: (d) => {
          const set = this.resolve(d.lastKnown);
          if (set) this.enqueue(set);
        },
      }),
    ];
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
  }

  private enqueue(set: StatefulSetObj): void {
    this.o.queue.add(keyOf(set));
  }

  private resolve(obj: KubeObject, ref = controllerOf(obj)): StatefulSetObj | undefined {
    if (!ref || ref.kind !== 'StatefulSet') return undefined;
    const set = this.o.sets.lister.get(obj.metadata?.namespace, ref.name);
    return set && set.metadata?.uid === ref.uid ? set : undefined;
  }

  private matching(pod: PodObj): StatefulSetObj[] {
    const labels = pod.metadata?.labels;
    if (!labels) return [];
    return this.o.sets.lister.list(pod.metadata?.namespace).filter((s) => {
      const sel = selectorOf(s);
      return !!sel && !sel.empty() && sel.matches(labels);
    });
  }

  private podAdded(pod: PodObj): void {
    const ref = controllerOf(pod);
    if (ref) {
      const set = this.resolve(pod, ref);
      if (set) this.enqueue(set);
      return;
    }
    for (const s of this.matching(pod)) this.enqueue(s);
  }

  private podUpdated(old: PodObj, cur: PodObj): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    const labelsChanged = canonicalJson(old.metadata?.labels ?? {}) !== canonicalJson(cur.metadata?.labels ?? {});
    const curRef = controllerOf(cur);
    const oldRef = controllerOf(old);
    const refChanged = JSON.stringify(curRef) !== JSON.stringify(oldRef);
    if (refChanged && oldRef) {
      const s = this.resolve(old, oldRef);
      if (s) this.enqueue(s);
    }
    if (curRef) {
      const s = this.resolve(cur, curRef);
      if (!s) return;
      this.enqueue(s);
      const minReady = s.spec?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(cur) && minReady > 0) this.o.queue.addAfter(keyOf(s), minReady * 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const s of this.matching(cur)) this.enqueue(s);
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const set = this.o.sets.lister.get(namespace, name);
    if (!set) return;
    const selector = selectorOf(set);
    if (!selector) {
      this.o.log.warn({ key, namespace, name }, 'StatefulSet has an invalid selector; not retried');
      return;
    }
    const revisions = await this.claimRevisions(set, selector);
    const pods = await claim<PodObj>({
      client: this.o.client,
      resource: PODS,
      owner: set,
      ownerApiVersion: 'apps/v1',
      ownerKind: 'StatefulSet',
      selector,
      candidates: this.o.pods.lister.list(namespace).filter((p) => isMemberOf(set, p) || controllerOf(p)?.uid === set.metadata?.uid),
      canAdopt: (p) => isMemberOf(set, p),
      signal: this.o.signal,
    });
    const status = await this.control.update(set, pods, revisions);
    const minReady = set.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && status && status.availableReplicas !== (set.spec?.replicas ?? 1)) this.o.queue.addAfter(key, minReady * 1000);
  }

  /** ListRevisions after adoptOrphanRevisions: the set's ControllerRevisions. */
  private claimRevisions(set: StatefulSetObj, selector: Selector): Promise<ControllerRevision[]> {
    return claim<ControllerRevision>({
      client: this.o.client,
      resource: CONTROLLERREVISIONS,
      owner: set,
      ownerApiVersion: 'apps/v1',
      ownerKind: 'StatefulSet',
      selector,
      candidates: this.o.revisions.lister.list(set.metadata?.namespace),
      signal: this.o.signal,
    });
  }
}

function selectorOf(set: StatefulSetObj): Selector | undefined {
  try {
    return labelSelectorToSelector(set.spec?.selector as never);
  } catch {
    return undefined;
  }
}
