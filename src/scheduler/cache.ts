/**
 * The scheduler cache (pkg/scheduler/backend/cache): a Snapshot kept incrementally up to date from
 * node and pod informer events, plus pods this scheduler assumed onto a node but has not yet seen
 * bound.
 *
 * Contract:
 * - `snapshot` always holds every known node, every bound non-terminal pod the informer reported
 *   and every assumed pod (on its assumed node). It is only changed through this class.
 * - `assume(pod, node)` adds the pod (with spec.nodeName = node) at once, so the next scheduling
 *   decision accounts for it. `forget` undoes an assumption (failed bind).
 * - When the informer reports the pod bound (`addPod`/`updatePod` with spec.nodeName), the
 *   assumed copy is replaced by the real object, on whatever node it names. `removePod` drops it
 *   either way.
 * - Pods in phase Succeeded or Failed hold no resources: they are treated as removed.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { Snapshot } from './framework/nodeinfo.js';
import { podKey } from './framework/podinfo.js';

export const isTerminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export class SchedulerCache {
  readonly snapshot = new Snapshot();
  /** Pod key → the assumed copy (spec.nodeName set) in the snapshot. */
  private readonly assumed = new Map<string, Pod>();
  /** Pod key → the bound pod object in the snapshot (informer's view). */
  private readonly bound = new Map<string, Pod>();

  get assumedCount(): number {
    return this.assumed.size;
  }

  isAssumed(key: string): boolean {
    return this.assumed.has(key);
  }

  setNode(node: Node): void {
    this.snapshot.setNode(node);
  }

  removeNode(name: string): void {
    this.snapshot.removeNode(name);
  }

  /** A bound pod seen by the informer (added or updated). Unbound or terminal pods are removed. */
  addPod(pod: Pod): void {
    const key = podKey(pod);
    if (!pod.spec?.nodeName || isTerminal(pod)) {
      this.removePod(pod);
      return;
    }
    const a = this.assumed.get(key);
    if (a) {
      this.snapshot.removePod(a);
      this.assumed.delete(key);
    }
    const old = this.bound.get(key);
    if (old) this.snapshot.removePod(old);
    this.snapshot.addPod(pod);
    this.bound.set(key, pod);
  }

  updatePod(pod: Pod): void {
    this.addPod(pod);
  }

  /** Removes the pod (bound or assumed) from the snapshot. */
  removePod(pod: Pod): void {
    const key = podKey(pod);
    const a = this.assumed.get(key);
    if (a) {
      this.snapshot.removePod(a);
      this.assumed.delete(key);
    }
    const old = this.bound.get(key);
    if (old) {
      this.snapshot.removePod(old);
      this.bound.delete(key);
    }
  }

  /** Assumes `pod` onto `nodeName`; returns the assumed copy. */
  assume(pod: Pod, nodeName: string): Pod {
    const key = podKey(pod);
    const prev = this.assumed.get(key);
    if (prev) this.snapshot.removePod(prev);
    const copy = this.snapshot.assume(pod, nodeName);
    this.assumed.set(key, copy);
    return copy;
  }

  /** Drops an assumption (no effect once the informer reported the pod bound). */
  forget(pod: Pod): void {
    const key = podKey(pod);
    const a = this.assumed.get(key);
    if (!a) return;
    this.snapshot.removePod(a);
    this.assumed.delete(key);
  }
}
