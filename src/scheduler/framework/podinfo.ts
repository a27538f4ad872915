/**
 * PodInfo: what the plugins need from a pod, computed once per pod object (framework.PodInfo).
 *
 * Contract:
 * - Pods are treated as immutable; `podInfo(pod)` caches by object identity.
 * - Affinity terms carry the namespaces they apply to: the listed ones, or the pod's own namespace
 *   when neither `namespaces` nor `namespaceSelector` is set (getNamespacesFromPodAffinityTerm).
 * - A term list with an invalid label selector is dropped as a whole and `parseError` is set
 *   (upstream ignores the error for existing pods and fails PreFilter for the incoming pod).
 */
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { Selector, labelSelectorToSelector, type Labels } from '../../machinery/labels.js';

export interface AffinityTerm {
  readonly namespaces: ReadonlySet<string>;
  readonly namespaceSelector: Selector;
  readonly selector: Selector;
  readonly topologyKey: string;
  /** Weight of a preferred term; 0 for required terms. */
  readonly weight: number;
}

/** AffinityTerm.Matches: namespace (listed or selected by labels) and label selector both match. */
export function termMatches(t: AffinityTerm, pod: Pod, nsLabels: Labels): boolean {
  const ns = pod.metadata?.namespace ?? '';
  if (t.namespaces.has(ns) || t.namespaceSelector.matches(nsLabels)) return t.selector.matches(pod.metadata?.labels);
  return false;
}

export interface HostPort {
  readonly ip: string;
  readonly protocol: string;
  readonly port: number;
}

export interface PodInfo {
  readonly pod: Pod;
  /** uid, or namespace/name when the pod has no uid (objects built in tests). */
  readonly key: string;
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly AffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly AffinityTerm[];
  readonly hostPorts: readonly HostPort[];
  readonly parseError: string | undefined;
}

export function podKey(pod: Pod): string {
  const uid = pod.metadata?.uid;
  if (uid) return uid;
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

function newTerm(pod: Pod, t: PodAffinityTerm, weight: number): AffinityTerm {
  const selector = labelSelectorToSelector(t.labelSelector);
  const namespaceSelector = labelSelectorToSelector(t.namespaceSelector);
  const namespaces = new Set<string>();
  if ((t.namespaces?.length ?? 0) === 0 && t.namespaceSelector == null) namespaces.add(pod.metadata?.namespace ?? '');
  else for (const n of t.namespaces ?? []) namespaces.add(n);
  return { namespaces, namespaceSelector, selector, topologyKey: t.topologyKey, weight };
}

function terms(pod: Pod, list: readonly PodAffinityTerm[] | undefined, errs: string[]): AffinityTerm[] {
  if (!list || list.length === 0) return [];
  try {
    return list.map((t) => newTerm(pod, t, 0));
  } catch (e) {
    errs.push((e as Error).message);
    return [];
  }
}

function weighted(pod: Pod, list: readonly WeightedPodAffinityTerm[] | undefined, errs: string[]): AffinityTerm[] {
  if (!list || list.length === 0) return [];
  try {
    return list.map((t) => newTerm(pod, t.podAffinityTerm, t.weight));
  } catch (e) {
    errs.push((e as Error).message);
    return [];
  }
}

function hostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  return out;
}

const cache = new WeakMap<Pod, PodInfo>();

export function podInfo(pod: Pod): PodInfo {
  let pi = cache.get(pod);
  if (pi) return pi;
  const errs: string[] = [];
  const a = pod.spec?.affinity;
  pi = {
    pod,
    key: podKey(pod),
    requiredAffinityTerms: terms(pod, a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution, errs),
    requiredAntiAffinityTerms: terms(pod, a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution, errs),
    preferredAffinityTerms: weighted(pod, a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution, errs),
    preferredAntiAffinityTerms: weighted(pod, a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution, errs),
    hostPorts: hostPorts(pod),
    parseError: errs.length ? errs.join(', ') : undefined,
  };
  cache.set(pod, pi);
  return pi;
}

/** Pod has pod affinity or anti-affinity of any kind (framework podWithAffinity). */
export function hasAffinity(pod: Pod): boolean {
  const a = pod.spec?.affinity;
  return !!a && (!!a.podAffinity || !!a.podAntiAffinity);
}

/** Pod has required anti-affinity terms (framework podWithRequiredAntiAffinity). */
export function hasRequiredAntiAffinity(pod: Pod): boolean {
  return (pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0;
}

