/**
 * Taints and tolerations (k8s.io/api/core/v1 helpers, pkg/apis/core/v1/helper) and the
 * DefaultTolerationSeconds admission plugin (plugin/pkg/admission/defaulttolerationseconds).
 */
import type { Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';

export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_NODE_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_NODE_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_NODE_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NODE_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';
export const TAINT_NODE_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';

/** Toleration.ToleratesTaint: effect and key match when set; Equal compares values, Exists matches any. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/**
 * GetMatchingTolerations: whether every taint is tolerated, and for each taint (in order) the
 * first toleration that tolerates it. `used` is empty when not all are tolerated.
 */
export function matchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined): { all: boolean; used: Array<{ taint: Taint; toleration: Toleration }> } {
  const used: Array<{ taint: Taint; toleration: Toleration }> = [];
  for (const taint of taints) {
    const t = (tolerations ?? []).find((x) => toleratesTaint(x, taint));
    if (!t) return { all: false, used: [] };
    used.push({ taint, toleration: t });
  }
  return { all: true, used };
}

/** Same key and effect (taint identity on a node, as taintutils.MatchTaint). */
export function sameTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && a.effect === b.effect;
}

export interface DefaultTolerationSeconds {
  notReadySeconds: number;
  unreachableSeconds: number;
}

/**
 * DefaultTolerationSeconds admission (pod create only): adds
 * `{key: not-ready|unreachable, operator: Exists, effect: NoExecute, tolerationSeconds}` unless a
 * toleration with that key (or an empty key) and effect NoExecute (or an empty effect) exists.
 */
export function admitDefaultTolerationSeconds(pod: Pod, d: DefaultTolerationSeconds): void {
  const spec = pod.spec;
  if (!spec || typeof spec !== 'object') return;
  const existing = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  const covers = (key: string) => existing.some((t) => t && typeof t === 'object' && (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute'));
  const add: Toleration[] = [];
  if (!covers(TAINT_NODE_NOT_READY)) add.push({ key: TAINT_NODE_NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: d.notReadySeconds });
  if (!covers(TAINT_NODE_UNREACHABLE)) add.push({ key: TAINT_NODE_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: d.unreachableSeconds });
  if (add.length) spec.tolerations = [...existing, ...add];
}
