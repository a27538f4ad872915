/**
 * Completion indexes of Indexed Jobs (pkg/controller/job/indexed_job_utils.go).
 *
 * Contracts:
 * - `Intervals` are sorted, non-overlapping, non-adjacent closed ranges; `toString` renders them as
 *   upstream's status.completedIndexes (`1,3-5,7`), `parseIndexes` reads that form back, dropping
 *   anything malformed or >= completions.
 * - A pod's index comes from the `batch.kubernetes.io/job-completion-index` annotation (a plain
 *   non-negative decimal); anything else is "unknown" (-1).
 */
import type { PodObj } from '../common/podutil.js';
import { compareForDeletion } from '../common/podutil.js';
import { JOB_COMPLETION_INDEX } from './types.js';

export const UNKNOWN_INDEX = -1;

export interface Interval {
  first: number;
  last: number;
}

export class Intervals {
  constructor(readonly list: readonly Interval[] = []) {}

  total(): number {
    let n = 0;
    for (const i of this.list) n += i.last - i.first + 1;
    return n;
  }

  has(ix: number): boolean {
    for (const i of this.list) {
      if (ix < i.first) return false;
      if (ix <= i.last) return true;
    }
    return false;
  }

  /** A new set with `sorted` (ascending) indexes added. */
  withOrderedIndexes(sorted: readonly number[]): Intervals {
    const all: Interval[] = [...this.list, ...sorted.map((x) => ({ first: x, last: x }))].sort((a, b) => a.first - b.first);
    return new Intervals(mergeSorted(all));
  }

  merge(other: Intervals): Intervals {
    return new Intervals(mergeSorted([...this.list, ...other.list].sort((a, b) => a.first - b.first)));
  }

  toString(): string {
    return this.list.map((i) => (i.first === i.last ? `${i.first}` : i.last === i.first + 1 ? `${i.first},${i.last}` : `${i.first}-${i.last}`)).join(',');
  }
}

function mergeSorted(sorted: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.first <= last.last + 1) last.last = Math.max(last.last, i.last);
    else out.push({ ...i });
  }
  return out;
}

/** Reads `1,3-5` as status.completedIndexes holds it; invalid or out-of-range parts are dropped. */
export function parseIndexes(s: string | undefined, completions: number): Intervals {
  if (!s) return new Intervals();
  const parts: Interval[] = [];
  for (const p of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(p);
    if (!m) continue;
    const first = Number(m[1]);
    let last = m[2] === undefined ? first : Number(m[2]);
    if (first >= completions || last < first) continue;
    last = Math.min(last, completions - 1);
    parts.push({ first, last });
  }
  return new Intervals(mergeSorted(parts.sort((a, b) => a.first - b.first)));
}

export function completionIndex(pod: PodObj): number {
  const v = pod.metadata?.annotations?.[JOB_COMPLETION_INDEX];
  if (v === undefined || !/^\d+$/.test(v)) return UNKNOWN_INDEX;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : UNKNOWN_INDEX;
}

/** Sorted distinct indexes of `pods` (unknown ones left out). */
export function indexesOf(pods: readonly PodObj[]): number[] {
  const s = new Set<number>();
  for (const p of pods) {
    const ix = completionIndex(p);
    if (ix !== UNKNOWN_INDEX) s.add(ix);
  }
  return [...s].sort((a, b) => a - b);
}

/** Up to `count` indexes in [0, completions) not in `nonPending`, lowest first. */
export function firstPendingIndexes(nonPending: Intervals, count: number, completions: number): number[] {
  const out: number[] = [];
  let candidate = 0;
  for (const iv of nonPending.list) {
    for (; candidate < completions && out.length < count && candidate < iv.first; candidate++) out.push(candidate);
    if (candidate < iv.last + 1) candidate = iv.last + 1;
  }
  for (; candidate < completions && out.length < count; candidate++) out.push(candidate);
  return out;
}

/**
 * Active pods to remove because their index is unknown, out of range, or repeated (of repeated
 * ones, the pod that sorts last for deletion stays). Returns the pods to remove and the rest.
 */
export function duplicatedIndexPodsForRemoval(pods: readonly PodObj[], completions: number): { rm: PodObj[]; left: PodObj[] } {
  const rm: PodObj[] = [];
  const left: PodObj[] = [];
  const byIndex = new Map<number, PodObj[]>();
  for (const p of pods) {
    const ix = completionIndex(p);
    if (ix === UNKNOWN_INDEX || ix >= completions) {
      rm.push(p);
      continue;
    }
    const l = byIndex.get(ix);
    if (l) l.push(p);
    else byIndex.set(ix, [p]);
  }
  for (const ix of [...byIndex.keys()].sort((a, b) => a - b)) {
    const same = byIndex.get(ix)!;
    if (same.length === 1) {
      left.push(same[0]!);
      continue;
    }
    same.sort(compareForDeletion);
    rm.push(...same.slice(0, -1));
    left.push(same[same.length - 1]!);
  }
  return { rm, left };
}

/** upstream's podGenerateNameWithIndex: `<job>-<index>-`, the job part cut to fit 58 characters. */
export function generateNameWithIndex(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const prefix = jobName + suffix;
  return prefix.length > 58 ? jobName.slice(0, 58 - suffix.length) + suffix : prefix;
}
