/**
 * CycleState and the plugin shapes.
 *
 * Contract:
 * - One CycleState per scheduling attempt of one pod. Plugins keep their PreFilter/PreScore
 *   results in it under a key made once with `stateKey(name)` via `read(key, compute)`: the first
 *   caller computes, every later call in the cycle reuses the value (an array slot, so reading it
 *   per node is cheap). So a filter called for 5,000 nodes parses the pod's
 *   affinity, requests and topology counts once.
 * - A state must not outlive the snapshot state it was computed from: create a new one after the
 *   snapshot changes (e.g. after assuming the previous pod).
 * - Filters and scores are pure functions of (pod, nodeInfo, snapshot, state).
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Selector } from '../../machinery/labels.js';
import type { NodeInfo, Snapshot } from './nodeinfo.js';
import type { Status } from './types.js';

export interface CycleOptions {
  /**
   * Selector for the "system default" topology spreading (helper.DefaultSelector): the merged
   * selectors of the Services selecting the pod plus its controlling ReplicationController,
   * ReplicaSet or StatefulSet. Absent or empty → no default spreading. Build it with
   * `defaultSpreadSelector`.
   */
  defaultSpreadSelector?: Selector;
}

/** A typed slot in every CycleState; create one per datum at module load. */
export interface StateKey<T> {
  readonly id: number;
  readonly name: string;
  /** Phantom: ties the key to its value type. */
  readonly _type?: T;
}

let nextKeyId = 0;

export function stateKey<T>(name: string): StateKey<T> {
  return { id: nextKeyId++, name };
}

const UNSET: unique symbol = Symbol('unset');

export class CycleState {
  private readonly slots: unknown[] = [];

  constructor(readonly options: CycleOptions = {}) {}

  /** The stored value, or undefined before the first read/write in this cycle. */
  get<T>(key: StateKey<T>): T | undefined {
    const v = this.slots[key.id];
    return v === UNSET ? undefined : (v as T | undefined);
  }

  /** Hot paths use `state.get(k) ?? state.read(k, compute)` so no closure is made per call. */
  read<T>(key: StateKey<T>, compute: () => T): T {
    const v = this.slots[key.id];
    if (v !== undefined && v !== UNSET) return v as T;
    const c = compute();
    this.slots[key.id] = c === undefined ? UNSET : c;
    return c;
  }

  write<T>(key: StateKey<T>, value: T): void {
    this.slots[key.id] = value === undefined ? UNSET : value;
  }
}

export type FilterFn = (pod: Pod, nodeInfo: NodeInfo, snapshot: Snapshot, state: CycleState) => Status;

export interface FilterPlugin {
  readonly name: string;
  readonly filter: FilterFn;
}

export interface ScorePlugin {
  readonly name: string;
  /** Weight in upstream's default profile. */
  readonly defaultWeight: number;
  /**
   * PreScore over the feasible nodes; false means the plugin is skipped for this cycle (all its
   * scores count as 0, as upstream's Skip status).
   */
  readonly preScore?: (pod: Pod, feasible: readonly NodeInfo[], snapshot: Snapshot, state: CycleState) => boolean;
  /** Raw score of one feasible node. */
  readonly score: (pod: Pod, nodeInfo: NodeInfo, snapshot: Snapshot, state: CycleState) => number;
  /** NormalizeScore: rewrites `scores` (parallel to `nodes`) into 0..100 in place. */
  readonly normalize?: (scores: number[], nodes: readonly NodeInfo[], state: CycleState) => void;
}

/** helper.DefaultNormalizeScore: scale to 0..max by the highest score, optionally reversed. */
export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: number[]): void {
  let maxCount = 0;
  for (const s of scores) if (s > maxCount) maxCount = s;
  if (maxCount === 0) {
    if (reverse) scores.fill(maxPriority);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    let s = Math.trunc((maxPriority * scores[i]!) / maxCount);
    if (reverse) s = maxPriority - s;
    scores[i] = s;
  }
}
