/**
 * The state a pod source keeps between reads: which pods it last emitted and when each uid was
 * first seen. Shared by the file, URL and endpoint sources.
 */
import type { Logger } from '../../util/logger.js';
import { CONFIG_SEEN_ANNOTATION, type Pod } from '../types.js';
import { canonicalJson, podKey } from './staticpod.js';

/** The full current set of one source (the kubelet replaces that source's pods with `pods`). */
export interface SourceUpdate {
  source: 'file' | 'http';
  pods: Pod[];
}

/** Go's RFC3339Nano as kubetypes.Timestamp prints it (JS keeps milliseconds). */
export const seenTimestamp = (d: Date): string => d.toISOString();

export class PodSet {
  private lastText: string | undefined;
  private seen = new Map<string, string>();
  private current: Pod[] = [];

  constructor(
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Takes a freshly read set (not mutated): drops later duplicates of a namespace/name (logged), sets
   * `kubernetes.io/config.seen` to the time the uid was first seen (kept across reads), and sorts by
   * namespace/name. Returns the set when it differs from the last one returned (or on the first
   * call), else undefined.
   */
  next(pods: Pod[]): Pod[] | undefined {
    const byKey = new Map<string, Pod>();
    for (const p of pods) {
      const key = podKey(p);
      if (byKey.has(key)) {
        this.log.warn({ namespace: p.metadata?.namespace, name: p.metadata?.name }, 'duplicate static pod name; ignoring the later definition');
        continue;
      }
      const copy = structuredClone(p);
      if (copy.metadata?.annotations) delete copy.metadata.annotations[CONFIG_SEEN_ANNOTATION];
      byKey.set(key, copy);
    }
    const out = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
    const text = canonicalJson(out);
    if (text === this.lastText) return undefined;
    this.lastText = text;
    const seen = new Map<string, string>();
    for (const p of out) {
      const uid = String(p.metadata?.uid ?? '');
      const ts = this.seen.get(uid) ?? seenTimestamp(this.now());
      seen.set(uid, ts);
      p.metadata!.annotations = { ...(p.metadata!.annotations ?? {}), [CONFIG_SEEN_ANNOTATION]: ts };
    }
    this.seen = seen;
    this.current = out.map((p) => structuredClone(p));
    return out;
  }

  /** The set last returned by next() (copies; empty before the first call). */
  pods(): Pod[] {
    return this.current.map((p) => structuredClone(p));
  }
}
