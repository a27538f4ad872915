/**
 * Records core/v1 Events about objects, as client-go's record package.
 *
 * Contracts:
 * - `event()` never blocks and never throws: events go to a bounded queue (the oldest pending
 *   one is dropped when full) and are written one at a time, best effort (a few retries on
 *   server or network errors, then dropped with a log line).
 * - Repeats (same source, involved object, type, reason and message) within the cache's memory
 *   are not new Events: the earlier Event's `count` and `lastTimestamp` are patched. If that Event
 *   is gone, it is created again under its name.
 * - A new Event is named `<involved object name>.<hex nanoseconds>` in the involved object's
 *   namespace (`default` for cluster-scoped objects).
 * - Per involved object a token bucket (burst 25, one token per 5 minutes, as upstream's spam
 *   filter) limits how many events are written; the rest are dropped.
 */
import type { KubeObject } from '../api/types.js';
import { formatRfc3339 } from '../machinery/meta.js';
import { sleep } from '../util/abort.js';
import { backoffDelay } from '../util/backoff.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { TokenBucket } from './ratelimit.js';
import { isAlreadyExists, isNotFound, ApiStatusError, type ResourceRef, type RestClient } from './rest.js';

export const EVENTS: ResourceRef = { group: '', version: 'v1', resource: 'events', namespaced: true, kind: 'Event' };

export type EventType = 'Normal' | 'Warning';

export interface ObjectReference {
  kind?: string;
  apiVersion?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface CoreEvent extends KubeObject {
  involvedObject: ObjectReference;
  reason?: string;
  message?: string;
  source?: { component?: string; host?: string };
  firstTimestamp?: string;
  lastTimestamp?: string;
  count?: number;
  type?: string;
  reportingComponent?: string;
  reportingInstance?: string;
}

/** The client calls the recorder makes (a RestClient has them). */
export type EventClient = Pick<RestClient, 'create' | 'patch'>;

export interface EventRecorderOptions {
  client: EventClient;
  /** The source component, e.g. `deployment-controller`. */
  component: string;
  host?: string;
  log?: Logger;
  /** Pending events kept at most (default 1000). */
  maxQueue?: number;
  /** Distinct recent events remembered for aggregation (default 4096). */
  cacheSize?: number;
  /** Spam filter: burst and refill rate per involved object (default 25 and 1/300 per second). */
  spamBurst?: number;
  spamQps?: number;
  /** Attempts per event (default 3). */
  maxAttempts?: number;
}

interface Pending {
  ref: ObjectReference;
  type: EventType;
  reason: string;
  message: string;
  at: Date;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}

/** The reference to put in `involvedObject`: an object's identity, or an ObjectReference as is. */
export function referenceTo(obj: KubeObject | ObjectReference): ObjectReference {
  const o = obj as KubeObject;
  if (o.metadata && typeof o.metadata === 'object') {
    const ref: ObjectReference = { kind: o.kind, apiVersion: o.apiVersion, namespace: o.metadata.namespace, name: o.metadata.name, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion };
    for (const k of Object.keys(ref) as (keyof ObjectReference)[]) if (ref[k] === undefined || ref[k] === '') delete ref[k];
    return ref;
  }
  return { ...(obj as ObjectReference) };
}

export class EventRecorder {
  private queue: Pending[] = [];
  private pumping: Promise<void> | undefined;
  private readonly seen = new Map<string, Seen>();
  private readonly spam = new Map<string, TokenBucket>();
  private readonly log: Logger;
  private lastNanos = 0n;
  private closed = false;
  private readonly stopCtl = new AbortController();

  constructor(private readonly opts: EventRecorderOptions) {
    this.log = (opts.log ?? silentLogger).child({ recorder: opts.component });
  }

  /** Queues an Event about `obj`. Never blocks, never throws. */
  event(obj: KubeObject | ObjectReference, type: EventType, reason: string, message: string): void {
    if (this.closed) return;
    const ref = referenceTo(obj);
    if (!ref.name) {
      this.log.warn({ reason }, 'event about an object without a name dropped');
      return;
    }
    const max = this.opts.maxQueue ?? 1000;
    if (this.queue.length >= max) {
      this.queue.shift();
      this.log.warn({ reason }, 'event queue full; dropped the oldest event');
    }
    this.queue.push({ ref, type, reason, message, at: new Date() });
    this.kick();
  }

  /** Starts the writer unless one runs; a writer that ends with events left starts another. */
  private kick(): void {
    if (this.pumping) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      if (this.queue.length > 0 && !this.closed) this.kick();
    });
  }

  /** Resolves once every queued event has been written (or given up on). */
  async flush(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  /** Stops accepting events; pending ones are dropped and in-flight retries end. */
  shutDown(): void {
    this.closed = true;
    this.queue = [];
    this.stopCtl.abort();
  }

  private async pump(): Promise<void> {
    while (this.queue.length > 0 && !this.closed) {
      const p = this.queue.shift()!;
      try {
        await this.write(p);
      } catch (err) {
        if (!this.closed) this.log.warn({ reason: p.reason, name: p.ref.name, namespace: p.ref.namespace, err: String(err) }, 'event dropped');
      }
    }
  }

  private eventName(refName: string): string {
    let n = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
    if (n <= this.lastNanos) n = this.lastNanos + 1n;
    this.lastNanos = n;
    return `${refName}.${n.toString(16)}`;
  }

  private async write(p: Pending): Promise<void> {
    const { client, component, host } = this.opts;
    const r = p.ref;
    const objKey = [component, host ?? '', r.kind ?? '', r.namespace ?? '', r.name ?? '', r.uid ?? '', r.apiVersion ?? ''].join('\u0000');
    let bucket = this.spam.get(objKey);
    if (!bucket) {
      bucket = new TokenBucket(this.opts.spamQps ?? 1 / 300, this.opts.spamBurst ?? 25);
      this.remember(this.spam, objKey, bucket);
    }
    if (!bucket.tryTake()) {
      this.log.debug({ reason: p.reason, name: r.name }, 'event rate-limited by the spam filter');
      return;
    }
    const key = [objKey, r.fieldPath ?? '', p.type, p.reason, p.message].join('\u0000');
    const ts = formatRfc3339(p.at);
    const prev = this.seen.get(key);
    const namespace = r.namespace || 'default';
    if (prev) {
      const count = prev.count + 1;
      try {
        await this.attempt(() => client.patch(EVENTS, prev.namespace, prev.name, 'strategic', { count, lastTimestamp: ts, message: p.message }));
        this.remember(this.seen, key, { ...prev, count });
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        const ev = this.build(p, prev.name, prev.namespace, count, prev.firstTimestamp, ts);
        try {
          await this.attempt(() => client.create(EVENTS, prev.namespace, ev));
        } catch (e) {
          if (!isAlreadyExists(e)) throw e;
        }
        this.remember(this.seen, key, { ...prev, count });
        return;
      }
    }
    const name = this.eventName(r.name!);
    await this.attempt(() => client.create(EVENTS, namespace, this.build(p, name, namespace, 1, ts, ts)));
    this.remember(this.seen, key, { name, namespace, count: 1, firstTimestamp: ts });
  }

  private build(p: Pending, name: string, namespace: string, count: number, first: string, last: string): CoreEvent {
    const { component, host } = this.opts;
    const source: { component: string; host?: string } = { component };
    if (host) source.host = host;
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: p.ref,
      reason: p.reason,
      message: p.message,
      source,
      firstTimestamp: first,
      lastTimestamp: last,
      count,
      type: p.type,
      reportingComponent: component,
      reportingInstance: host ?? '',
    };
  }

  /** Runs `fn`, retrying server-side (5xx, 429) and network failures with back-off. */
  private async attempt<T>(fn: () => Promise<T>): Promise<T> {
    const max = this.opts.maxAttempts ?? 3;
    for (let i = 0; ; i++) {
      try {
        return await fn();
      } catch (err) {
        const retriable = !(err instanceof ApiStatusError) || err.code >= 500 || err.code === 429;
        if (!retriable || i + 1 >= max || this.closed) throw err;
        await sleep(backoffDelay(i, 500, 5000), this.stopCtl.signal);
      }
    }
  }

  /** LRU insert: re-inserting moves the key to the newest end; the oldest entry goes past the cap. */
  private remember<V>(m: Map<string, V>, key: string, v: V): void {
    m.delete(key);
    m.set(key, v);
    const cap = this.opts.cacheSize ?? 4096;
    while (m.size > cap) m.delete(m.keys().next().value!);
  }
}
