/**
 * Turning a metric proposal into the replica count to set (horizontal.go: normalizeDesiredReplicas
 * and normalizeDesiredReplicasWithBehaviors), with the per-HPA memory it needs: recent
 * recommendations and recent scale events.
 *
 * Contracts (upstream's, v1.32):
 * - Without `behavior`: the highest recommendation within the downscale stabilization window is
 *   used, then clamped to [minReplicas, min(maxReplicas, max(2 × current, 4))].
 * - With `behavior`: the recommendation is stabilized between the lowest recent one within the
 *   scale-up window and the highest within the scale-down window (both bounded by the current
 *   count), then limited by the policies (Pods / Percent per period, selectPolicy Max / Min /
 *   Disabled), counting scale events within each policy's period, then by min/max replicas.
 * - Every call records the unstabilized recommendation (replacing one older than both windows).
 * - Each result carries the AbleToScale and ScalingLimited reasons/messages upstream sets.
 */
import type { HPAScalingRules, HorizontalPodAutoscalerBehavior } from 'kubernetes-types/autoscaling/v2.js';

export interface Timestamped {
  value: number;
  at: number;
  outdated?: boolean;
}

export interface HpaMemory {
  recommendations: Timestamped[];
  scaleUpEvents: Timestamped[];
  scaleDownEvents: Timestamped[];
}

export interface ConditionUpdate {
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export interface Normalized {
  replicas: number;
  ableToScale: ConditionUpdate;
  scalingLimited: ConditionUpdate;
}

const SCALE_UP_LIMIT_FACTOR = 2;
const SCALE_UP_LIMIT_MINIMUM = 4;

const READY: ConditionUpdate = { status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
const WITHIN = { reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };

export const newMemory = (): HpaMemory => ({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });

/** recordInitialRecommendation: the first sync seeds the window with the current count. */
export function recordInitialRecommendation(m: HpaMemory, currentReplicas: number, now: number): void {
  if (m.recommendations.length === 0) m.recommendations.push({ value: currentReplicas, at: now });
}

function record(list: Timestamped[], value: number, now: number, isOld: (r: Timestamped) => boolean): void {
  let idx = -1;
  list.forEach((r, i) => {
    if (isOld(r)) idx = i;
  });
  if (idx >= 0) list[idx] = { value, at: now };
  else list.push({ value, at: now });
}

/** Without behavior. */
export function normalizeDesiredReplicas(m: HpaMemory, currentReplicas: number, desired: number, minReplicas: number, maxReplicas: number, downscaleWindowMs: number, now: number): Normalized {
  const cutoff = now - downscaleWindowMs;
  let stabilized = desired;
  for (const r of m.recommendations) if (r.at >= cutoff && r.value > stabilized) stabilized = r.value;
  record(m.recommendations, desired, now, (r) => r.at < cutoff);
  const ableToScale: ConditionUpdate =
    stabilized !== desired
      ? { status: 'True', reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' }
      : READY;
  const scaleUpLimit = Math.max(SCALE_UP_LIMIT_FACTOR * currentReplicas, SCALE_UP_LIMIT_MINIMUM);
  let max: number;
  let limit: { reason: string; message: string };
  if (maxReplicas > scaleUpLimit) {
    max = scaleUpLimit;
    limit = { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
  } else {
    max = maxReplicas;
    limit = { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
  }
  let replicas = stabilized;
  let why = WITHIN;
  if (stabilized < minReplicas) {
    replicas = minReplicas;
    why = { reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
  } else if (stabilized > max) {
    replicas = max;
    why = limit;
  }
  return { replicas, ableToScale, scalingLimited: { status: replicas === stabilized ? 'False' : 'True', ...why } };
}

function changeInPeriod(periodSeconds: number, events: Timestamped[], now: number): number {
  const cutoff = now - periodSeconds * 1000;
  let n = 0;
  for (const e of events) if (e.at > cutoff) n += e.value;
  return n;
}

export function scaleUpLimit(current: number, up: Timestamped[], down: Timestamped[], rules: HPAScalingRules, now: number): number {
  const select = rules.selectPolicy ?? 'Max';
  if (select === 'Disabled') return current;
  let result = select === 'Min' ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  for (const p of rules.policies ?? []) {
    const start = current - changeInPeriod(p.periodSeconds, up, now) + changeInPeriod(p.periodSeconds, down, now);
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = select === 'Min' ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

export function scaleDownLimit(current: number, up: Timestamped[], down: Timestamped[], rules: HPAScalingRules, now: number): number {
  const select = rules.selectPolicy ?? 'Max';
  if (select === 'Disabled') return current;
  let result = select === 'Min' ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  for (const p of rules.policies ?? []) {
    const start = current - changeInPeriod(p.periodSeconds, up, now) + changeInPeriod(p.periodSeconds, down, now);
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = select === 'Min' ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/**
 * With behavior. `behavior` must be defaulted (both rule sets present); a scale-down window left
 * unset takes `downscaleWindowMs` (maybeInitScaleDownStabilizationWindow).
 */
export function normalizeWithBehaviors(
  m: HpaMemory,
  behavior: HorizontalPodAutoscalerBehavior,
  currentReplicas: number,
  desired: number,
  minReplicas: number,
  maxReplicas: number,
  downscaleWindowMs: number,
  now: number,
): Normalized {
  const upRules = behavior.scaleUp ?? {};
  const downRules = behavior.scaleDown ?? {};
  const upCutoff = now - (upRules.stabilizationWindowSeconds ?? 0) * 1000;
  const downCutoff = now - (downRules.stabilizationWindowSeconds ?? downscaleWindowMs / 1000) * 1000;
  let upRec = desired;
  let downRec = desired;
  for (const r of m.recommendations) {
    if (r.at > upCutoff) upRec = Math.min(upRec, r.value);
    if (r.at > downCutoff) downRec = Math.max(downRec, r.value);
  }
  let stabilized = currentReplicas;
  if (stabilized < upRec) stabilized = upRec;
  if (stabilized > downRec) stabilized = downRec;
  record(m.recommendations, desired, now, (r) => r.at < upCutoff && r.at < downCutoff);

  let ableToScale = READY;
  if (stabilized !== desired) {
    ableToScale =
      desired >= currentReplicas
        ? { status: 'True', reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' }
        : { status: 'True', reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
  }

  let replicas = stabilized;
  let why = WITHIN;
  if (stabilized > currentReplicas) {
    let limit = scaleUpLimit(currentReplicas, m.scaleUpEvents, m.scaleDownEvents, upRules, now);
    if (limit < currentReplicas) limit = currentReplicas;
    let max = maxReplicas;
    let reason = { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
    if (max > limit) {
      max = limit;
      reason = { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
    }
    if (stabilized > max) {
      replicas = max;
      why = reason;
    }
  } else if (stabilized < currentReplicas) {
    let limit = scaleDownLimit(currentReplicas, m.scaleUpEvents, m.scaleDownEvents, downRules, now);
    if (limit > currentReplicas) limit = currentReplicas;
    let min = minReplicas;
    let reason = { reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
    if (min < limit) {
      min = limit;
      reason = { reason: 'ScaleDownLimit', message: 'the desired replica count is decreasing faster than the maximum scale rate' };
    }
    if (stabilized < min) {
      replicas = min;
      why = reason;
    }
  }
  return { replicas, ableToScale, scalingLimited: { status: replicas === stabilized ? 'False' : 'True', ...why } };
}

const longestPeriod = (rules: HPAScalingRules | undefined): number => Math.max(0, ...(rules?.policies ?? []).map((p) => p.periodSeconds));

/** storeScaleEvent: remembered only for HPAs with behavior; reuses an entry older than the longest period. */
export function storeScaleEvent(m: HpaMemory, behavior: HorizontalPodAutoscalerBehavior | undefined, prev: number, next: number, now: number): void {
  if (!behavior) return;
  const up = next > prev;
  const list = up ? m.scaleUpEvents : m.scaleDownEvents;
  const cutoff = now - longestPeriod(up ? behavior.scaleUp : behavior.scaleDown) * 1000;
  record(list, Math.abs(next - prev), now, (e) => e.at < cutoff);
}
