/**
 * The subsets a selector Service's Endpoints should hold for its pods (upstream syncService's
 * address loop).
 *
 * Contracts:
 * - Pods that are terminal, have no IP, or (unless publishNotReadyAddresses) are being deleted are
 *   left out; so is a pod without an IP of the Service's family.
 * - Ready pods (or every pod with publishNotReadyAddresses) go to `addresses`, others to
 *   `notReadyAddresses`; each address names the pod (`targetRef`), its node and — when the pod's
 *   subdomain is the Service — its hostname.
 * - Each Service port is resolved per pod (`findPort`); a pod without a named port is left out of
 *   that port only. A Service without ports gets port-less subsets only when headless.
 * - The result is repacked (see `repackSubsets`).
 */
import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service } from 'kubernetes-types/core/v1.js';
import { findPort, podIPForService, shouldPodBeInEndpoints, shouldSetHostname } from '../common/endpointutil.js';
import { isPodReady } from '../common/podutil.js';
import { repackSubsets } from './subsets.js';

export interface DesiredSubsets {
  subsets: EndpointSubset[];
  ready: number;
  notReady: number;
}

export function desiredSubsets(service: Service, pods: Pod[]): DesiredSubsets {
  const publish = service.spec?.publishNotReadyAddresses === true;
  const raw: EndpointSubset[] = [];
  let ready = 0;
  let notReady = 0;
  const add = (pod: Pod, addr: EndpointAddress, port: EndpointPort | undefined) => {
    const ports = port ? [port] : [];
    if (publish || isPodReady(pod)) {
      raw.push({ addresses: [addr], ports });
      ready++;
    } else {
      raw.push({ notReadyAddresses: [addr], ports });
      notReady++;
    }
  };
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publish)) continue;
    const ip = podIPForService(service, pod);
    if (!ip) continue;
    const addr: EndpointAddress = {
      ip,
      nodeName: pod.spec?.nodeName,
      targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
    };
    if (shouldSetHostname(pod, service)) addr.hostname = pod.spec!.hostname;
    const svcPorts = service.spec?.ports ?? [];
    if (svcPorts.length === 0) {
      if (service.spec?.clusterIP === 'None') add(pod, addr, undefined);
      continue;
    }
    for (const sp of svcPorts) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      const ep: EndpointPort = { name: sp.name, port, protocol: sp.protocol ?? 'TCP' };
      if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
      add(pod, addr, ep);
    }
  }
  return { subsets: repackSubsets(raw), ready, notReady };
}
