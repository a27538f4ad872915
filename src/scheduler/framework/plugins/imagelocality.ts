/**
 * ImageLocality score (plugins/imagelocality), weight 1.
 *
 * Contract: for each init and app container whose image (":latest" appended when untagged) the node
 * reports, add size · (nodes having it / all nodes); the sum, clamped to [23Mi, 1000Mi · containers],
 * maps linearly onto 0..100. No normalization.
 */
import type { ScorePlugin } from '../cyclestate.js';
import { MAX_NODE_SCORE } from '../types.js';

const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

export function normalizedImageName(name: string): string {
  if (name.lastIndexOf(':') <= name.lastIndexOf('/')) return `${name}:latest`;
  return name;
}

export const imageLocalityScore: ScorePlugin = {
  name: 'ImageLocality',
  defaultWeight: 1,
  // Every node scores 0 when no node has any of the pod's images; skipping gives the same scores.
  preScore(pod, _feasible, snapshot) {
    if (snapshot.imageNodeCounts.size === 0) return false;
    for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
      if (c.image && snapshot.imageNodeCounts.has(normalizedImageName(c.image))) return true;
    }
    return false;
  },
  score(pod, ni, snapshot) {
    if (ni.imageSizes.size === 0) return 0;
    const total = snapshot.size;
    let sum = 0;
    const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
    for (const c of containers) {
      if (!c.image) continue;
      const name = normalizedImageName(c.image);
      const size = ni.imageSizes.get(name);
      if (size === undefined) continue;
      const spread = (snapshot.imageNodeCounts.get(name) ?? 0) / total;
      sum += Math.trunc(size * spread);
    }
    const maxThreshold = MAX_CONTAINER_THRESHOLD * containers.length;
    if (sum < MIN_THRESHOLD) sum = MIN_THRESHOLD;
    else if (sum > maxThreshold) sum = maxThreshold;
    return Math.trunc((MAX_NODE_SCORE * (sum - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
  },
};
