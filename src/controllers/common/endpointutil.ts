/**
 * What the endpoints and EndpointSlice controllers share about pods and Services
 * (upstream k8s.io/endpointslice/util, pkg/api/v1/pod FindPort).
 *
 * Contracts:
 * - A Service with no `spec.selector` selects nothing (its endpoints are user-managed); an empty
 *   selector `{}` selects every pod of its namespace.
 * - `servicesToUpdateOnPodChange` answers the keys of the Services whose endpoints may change
 *   after a pod update: none for a resync (same resourceVersion) or an update that touches neither
 *   labels, hostname/subdomain, deletion, readiness nor IPs; otherwise the Services matching the
 *   new labels, plus — when labels changed — those matching the old ones (all of them when the
 *   pod changed too, else only the ones that differ, as upstream).
 */
import type { Pod, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/types.js';
import { selectorFromSet, type Selector } from '../../machinery/labels.js';
import type { Lister } from '../../client/informer.js';
import { isPodReady, isPodTerminal } from './podutil.js';
import { keyOf } from './keys.js';

export type ServiceObj = Service & KubeObject;

/** endpoints.kubernetes.io/last-change-trigger-time */
export const LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
/** service.kubernetes.io/headless (set, empty, on the endpoints of Services without a cluster IP). */
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

/** Terminal pods and pods without an IP never are; terminating ones only when asked. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!pod.status?.podIP && !pod.status?.podIPs?.length) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/** The pod's hostname is published when its subdomain names the Service (same namespace). */
export function shouldSetHostname(pod: Pod, svc: Service): boolean {
  return !!pod.spec?.hostname && pod.spec?.subdomain === svc.metadata?.name && svc.metadata?.namespace === pod.metadata?.namespace;
}

/** True when the Service has a cluster IP (not headless, not unallocated). */
export function isServiceIPSet(svc: Service): boolean {
  const ip = svc.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

/**
 * The container port a Service port targets on `pod`: a numeric targetPort as is; a named one is
 * looked up in the containers' ports (then restartable init containers') by name and protocol.
 * Undefined when the pod has no such port.
 */
export function findPort(pod: Pod, svcPort: ServicePort): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === 'number') return target;
  const protocol = svcPort.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    if (c.restartPolicy !== 'Always') continue;
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

/** Parsed Service selectors by Service key, re-parsed only when the selector changes. */
export class ServiceSelectorCache {
  private readonly m = new Map<string, { raw: string; sel: Selector }>();

  /** The Service's selector, or undefined when it has none (selects nothing). */
  get(svc: Service): Selector | undefined {
    const set = svc.spec?.selector;
    const key = keyOf(svc as KubeObject);
    if (!set) {
      this.m.delete(key);
      return undefined;
    }
    const raw = JSON.stringify(set);
    const hit = this.m.get(key);
    if (hit && hit.raw === raw) return hit.sel;
    const sel = selectorFromSet(set);
    this.m.set(key, { raw, sel });
    return sel;
  }

  delete(key: string): void {
    this.m.delete(key);
  }
}

/** Keys of the Services in `namespace` whose selector matches `labels`. */
export function servicesForLabels(services: Lister<ServiceObj>, cache: ServiceSelectorCache, namespace: string, labels: Record<string, string> | undefined): Set<string> {
  const out = new Set<string>();
  for (const svc of services.list(namespace)) {
    const sel = cache.get(svc);
    if (sel && sel.matches(labels ?? {})) out.add(keyOf(svc));
  }
  return out;
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => a![k] === b?.[k]);
}

/** Upstream's podEndpointsChanged: [pod changed for its endpoints, membership may have changed]. */
export function podEndpointsChanged(oldPod: Pod, newPod: Pod): { podChanged: boolean; labelsChanged: boolean } {
  const labelsChanged =
    !sameLabels(oldPod.metadata?.labels, newPod.metadata?.labels) || oldPod.spec?.hostname !== newPod.spec?.hostname || oldPod.spec?.subdomain !== newPod.spec?.subdomain;
  const ips = (p: Pod) => (p.status?.podIPs ?? []).map((i) => i.ip).join(',');
  const podChanged =
    oldPod.metadata?.deletionTimestamp !== newPod.metadata?.deletionTimestamp ||
    isPodReady(oldPod) !== isPodReady(newPod) ||
    ips(oldPod) !== ips(newPod) ||
    isPodTerminal(oldPod) !== isPodTerminal(newPod);
  return { podChanged, labelsChanged };
}

export function servicesToUpdateOnPodChange(services: Lister<ServiceObj>, cache: ServiceSelectorCache, oldPod: Pod, newPod: Pod): Set<string> {
  if (oldPod.metadata?.resourceVersion === newPod.metadata?.resourceVersion) return new Set();
  const { podChanged, labelsChanged } = podEndpointsChanged(oldPod, newPod);
  if (!podChanged && !labelsChanged) return new Set();
  const ns = newPod.metadata?.namespace ?? '';
  const cur = servicesForLabels(services, cache, ns, newPod.metadata?.labels);
  if (!labelsChanged) return cur;
  const old = servicesForLabels(services, cache, ns, oldPod.metadata?.labels);
  if (podChanged) return new Set([...cur, ...old]);
  const out = new Set<string>();
  for (const k of cur) if (!old.has(k)) out.add(k);
  for (const k of old) if (!cur.has(k)) out.add(k);
  return out;
}

/** The pod IP of the Service's (first) IP family: ipFamilies, else the cluster IP's, else IPv4. */
export function podIPForService(svc: Service, pod: Pod): string | undefined {
  let v6: boolean;
  const fam = svc.spec?.ipFamilies?.[0];
  if (fam) v6 = fam === 'IPv6';
  else if (isServiceIPSet(svc)) v6 = svc.spec!.clusterIP!.includes(':');
  else v6 = (pod.status?.podIP ?? '').includes(':');
  const ips = pod.status?.podIPs?.length ? pod.status.podIPs.map((i) => i.ip) : [pod.status?.podIP ?? ''];
  return ips.find((ip) => !!ip && ip.includes(':') === v6);
}
