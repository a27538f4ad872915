/**
 * The scheduling queue (pkg/scheduler/backend/queue: PriorityQueue).
 *
 * Contract:
 * - A pod (by key: uid, else namespace/name) is in at most one of three places: activeQ (ordered
 *   by spec.priority descending, then by the time it entered the queue, ascending), backoffQ
 *   (ordered by backoff expiry) or unschedulable (parked until a cluster event or the flush).
 *   `pop` hands out activeQ's head and removes the pod from the queue altogether.
 * - Backoff per pod: initial × 2^(attempts−1), capped at max (1 s → 10 s by default), counted from
 *   the pod's last attempt. Pods leaving unschedulable whose backoff has not expired go to
 *   backoffQ; `flushBackoff` (every second from `run`) moves expired ones to activeQ.
 * - `addUnschedulable` parks a pod that failed with a FitError, unless a move request happened
 *   since the pod was popped (its cycle), in which case it goes to backoffQ so the event is not
 *   lost; without unschedulable plugins (an error, not a FitError) it always goes to backoffQ.
 * - `moveAllToActiveOrBackoff(event, plugins?)` moves every parked pod whose unschedulable
 *   plugins intersect `plugins` (all parked pods when `plugins` is undefined).
 * - Pods parked longer than `unschedulableMaxMs` (default 60 s) are moved by
 *   `flushUnschedulableLeftover` (every 30 s from `run`).
 * - `update` replaces the stored pod; a parked pod whose spec or metadata (other than
 *   resourceVersion, generation, managedFields) changed is moved out as upstream does. A pod that
 *   is in no queue is added to activeQ.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { podKey } from './framework/podinfo.js';

export interface QueuedPod {
  pod: Pod;
  readonly key: string;
  /** Scheduling attempts so far (incremented by `pop`). */
  attempts: number;
  /** When the pod entered activeQ (ordering) or was last attempted (backoff), in ms. */
  timestamp: number;
  /** When the pod was first added (for metrics). */
  readonly initialTimestamp: number;
  /** Filter plugins that rejected it in its last attempt. */
  unschedulablePlugins: ReadonlySet<string>;
  /** The scheduling cycle in which it was popped last. */
  cycle: number;
}

export interface QueueOptions {
  now?: () => number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  unschedulableMaxMs?: number;
}

type Less<T> = (a: T, b: T) => boolean;

/** A binary heap keyed by QueuedPod.key with O(log n) removal by key. */
class KeyedHeap {
  private readonly items: QueuedPod[] = [];
  private readonly pos = new Map<string, number>();

  constructor(private readonly less: Less<QueuedPod>) {}

  get size(): number {
    return this.items.length;
  }

  has(key: string): boolean {
    return this.pos.has(key);
  }

  get(key: string): QueuedPod | undefined {
    const i = this.pos.get(key);
    return i === undefined ? undefined : this.items[i];
  }

  peek(): QueuedPod | undefined {
    return this.items[0];
  }

  push(qp: QueuedPod): void {
    const existing = this.pos.get(qp.key);
    if (existing !== undefined) {
      this.items[existing] = qp;
      this.fix(existing);
      return;
    }
    this.items.push(qp);
    this.pos.set(qp.key, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  pop(): QueuedPod | undefined {
    if (!this.items.length) return undefined;
    const top = this.items[0]!;
    this.removeAt(0);
    return top;
  }

  delete(key: string): QueuedPod | undefined {
    const i = this.pos.get(key);
    if (i === undefined) return undefined;
    const qp = this.items[i]!;
    this.removeAt(i);
    return qp;
  }

  /** Re-establishes order after the item's sort fields changed. */
  fix(i: number): void {
    if (!this.up(i)) this.down(i);
  }

  private removeAt(i: number): void {
    const last = this.items.pop()!;
    this.pos.delete(this.items.length === i ? last.key : this.items[i]!.key);
    if (i < this.items.length) {
      this.items[i] = last;
      this.pos.set(last.key, i);
      this.fix(i);
    }
  }

  private swap(i: number, j: number): void {
    const a = this.items[i]!;
    const b = this.items[j]!;
    this.items[i] = b;
    this.items[j] = a;
    this.pos.set(b.key, i);
    this.pos.set(a.key, j);
  }

  private up(i: number): boolean {
    const start = i;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(this.items[i]!, this.items[p]!)) break;
      this.swap(i, p);
      i = p;
    }
    return i !== start;
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      let m = l;
      const r = l + 1;
      if (r < n && this.less(this.items[r]!, this.items[l]!)) m = r;
      if (!this.less(this.items[m]!, this.items[i]!)) return;
      this.swap(i, m);
      i = m;
    }
  }
}

export const podPriority = (pod: Pod): number => pod.spec?.priority ?? 0;

/** Stable view of a pod for "did it change in a way that matters" (upstream isPodUpdated). */
function schedulingRelevant(pod: Pod): string {
  const { resourceVersion: _rv, generation: _g, managedFields: _mf, ...meta } = pod.metadata ?? {};
  return JSON.stringify([meta, pod.spec]);
}

export class SchedulingQueue {
  private readonly now: () => number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly unschedulableMaxMs: number;
  private readonly activeQ = new KeyedHeap((a, b) => {
    const pa = podPriority(a.pod);
    const pb = podPriority(b.pod);
    return pa > pb || (pa === pb && a.timestamp < b.timestamp);
  });
  private readonly backoffQ = new KeyedHeap((a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  private readonly unschedulable = new Map<string, QueuedPod>();
  private schedulingCycle = 0;
  private moveRequestCycle = -1;
  private waiter: (() => void) | undefined;
  private closed = false;

  constructor(opts: QueueOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.unschedulableMaxMs = opts.unschedulableMaxMs ?? 60_000;
  }

  get activeCount(): number {
    return this.activeQ.size;
  }

  get backoffCount(): number {
    return this.backoffQ.size;
  }

  get unschedulableCount(): number {
    return this.unschedulable.size;
  }

  has(key: string): boolean {
    return this.activeQ.has(key) || this.backoffQ.has(key) || this.unschedulable.has(key);
  }

  /** Where the pod is: 'active' | 'backoff' | 'unschedulable' | undefined. */
  where(key: string): 'active' | 'backoff' | 'unschedulable' | undefined {
    if (this.activeQ.has(key)) return 'active';
    if (this.backoffQ.has(key)) return 'backoff';
    if (this.unschedulable.has(key)) return 'unschedulable';
    return undefined;
  }

  /** A new pending pod goes to activeQ (replacing any queued copy). */
  add(pod: Pod): void {
    const key = podKey(pod);
    this.backoffQ.delete(key);
    this.unschedulable.delete(key);
    const now = this.now();
    const existing = this.activeQ.get(key);
    if (existing) {
      existing.pod = pod;
      this.activeQ.push(existing);
    } else {
      this.activeQ.push({ pod, key, attempts: 0, timestamp: now, initialTimestamp: now, unschedulablePlugins: new Set(), cycle: 0 });
    }
    this.wake();
  }

  update(oldPod: Pod | undefined, pod: Pod): void {
    const key = podKey(pod);
    const a = this.activeQ.get(key);
    if (a) {
      a.pod = pod;
      this.activeQ.push(a);
      return;
    }
    const b = this.backoffQ.get(key);
    if (b) {
      b.pod = pod;
      return;
    }
    const u = this.unschedulable.get(key);
    if (u) {
      const changed = !oldPod || schedulingRelevant(oldPod) !== schedulingRelevant(pod);
      u.pod = pod;
      if (changed) {
        this.unschedulable.delete(key);
        this.toActiveOrBackoff(u);
      }
      return;
    }
    this.add(pod);
  }

  delete(pod: Pod): void {
    const key = podKey(pod);
    this.activeQ.delete(key);
    this.backoffQ.delete(key);
    this.unschedulable.delete(key);
  }

  /** The highest-priority active pod, waiting until one exists; undefined once closed or aborted. */
  async pop(signal?: AbortSignal): Promise<QueuedPod | undefined> {
    for (;;) {
      if (this.closed || signal?.aborted) return undefined;
      const qp = this.activeQ.pop();
      if (qp) {
        qp.attempts++;
        qp.cycle = ++this.schedulingCycle;
        return qp;
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          signal?.removeEventListener('abort', done);
          if (this.waiter === done) this.waiter = undefined;
          resolve();
        };
        this.waiter = done;
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  /**
   * Requeues a pod whose attempt failed: with unschedulable plugins (a FitError) it is parked
   * (or sent to backoffQ if a move request happened during its cycle); without, to backoffQ.
   */
  addUnschedulable(qp: QueuedPod, unschedulablePlugins: ReadonlySet<string> = new Set()): void {
    if (this.has(qp.key)) return;
    qp.unschedulablePlugins = unschedulablePlugins;
    qp.timestamp = this.now();
    if (unschedulablePlugins.size === 0 || this.moveRequestCycle >= qp.cycle) {
      this.backoffQ.push(qp);
      return;
    }
    this.unschedulable.set(qp.key, qp);
  }

  /** Sends a pod straight to backoffQ (e.g. after a failed bind). */
  addBackoff(qp: QueuedPod): void {
    if (this.has(qp.key)) return;
    qp.timestamp = this.now();
    this.backoffQ.push(qp);
  }

  /**
   * A cluster event: parked pods rejected by one of `plugins` (all parked pods when undefined) move
   * to activeQ, or backoffQ while their backoff runs. Returns how many moved.
   */
  moveAllToActiveOrBackoff(plugins?: ReadonlySet<string>): number {
    let moved = 0;
    for (const [key, qp] of this.unschedulable) {
      if (plugins && !intersects(qp.unschedulablePlugins, plugins)) continue;
      this.unschedulable.delete(key);
      this.toActiveOrBackoff(qp);
      moved++;
    }
    this.moveRequestCycle = this.schedulingCycle;
    return moved;
  }

  /** Moves backoffQ pods whose backoff expired to activeQ. */
  flushBackoff(): void {
    const now = this.now();
    for (;;) {
      const head = this.backoffQ.peek();
      if (!head || this.backoffExpiry(head) > now) break;
      this.backoffQ.pop();
      this.pushActive(head);
    }
  }

  /** Moves pods parked longer than unschedulableMaxMs. */
  flushUnschedulableLeftover(): void {
    const now = this.now();
    for (const [key, qp] of this.unschedulable) {
      if (now - qp.timestamp < this.unschedulableMaxMs) continue;
      this.unschedulable.delete(key);
      this.toActiveOrBackoff(qp);
    }
  }

  /** Runs the periodic flushes until `signal` aborts, then closes the queue. */
  run(signal: AbortSignal): void {
    const a = setInterval(() => this.flushBackoff(), 1000);
    const b = setInterval(() => this.flushUnschedulableLeftover(), 30_000);
    a.unref?.();
    b.unref?.();
    const stop = () => {
      clearInterval(a);
      clearInterval(b);
      this.close();
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  backoffDurationMs(qp: QueuedPod): number {
    let d = this.initialBackoffMs;
    for (let i = 1; i < qp.attempts; i++) {
      d *= 2;
      if (d >= this.maxBackoffMs) return this.maxBackoffMs;
    }
    return Math.min(d, this.maxBackoffMs);
  }

  private backoffExpiry(qp: QueuedPod): number {
    return qp.timestamp + this.backoffDurationMs(qp);
  }

  private toActiveOrBackoff(qp: QueuedPod): void {
    if (qp.attempts > 0 && this.backoffExpiry(qp) > this.now()) this.backoffQ.push(qp);
    else this.pushActive(qp);
  }

  private pushActive(qp: QueuedPod): void {
    qp.timestamp = this.now();
    this.activeQ.push(qp);
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}
