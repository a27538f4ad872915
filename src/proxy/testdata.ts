/** Builders for Services and EndpointSlices used by the proxy's tests and benchmark. */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';

export function svc(ns: string, name: string, clusterIP: string, spec: Partial<NonNullable<Service['spec']>> = {}, status?: Service['status']): Service {
  return {
    metadata: { namespace: ns, name },
    spec: { clusterIP, clusterIPs: [clusterIP], type: 'ClusterIP', ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }], ...spec },
    ...(status ? { status } : {}),
  };
}

export interface EpSpec {
  ip: string;
  node?: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export function slice(ns: string, service: string, eps: EpSpec[], ports: Array<{ name?: string; port: number; protocol?: string }> = [{ name: 'http', port: 8080 }], suffix = 'a'): EndpointSlice {
  return {
    metadata: { namespace: ns, name: `${service}-${suffix}`, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports: ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
    endpoints: eps.map((e) => {
      const cond: Record<string, boolean> = {};
      if (e.ready !== undefined) cond.ready = e.ready;
      if (e.serving !== undefined) cond.serving = e.serving;
      if (e.terminating !== undefined) cond.terminating = e.terminating;
      return { addresses: [e.ip], conditions: cond, ...(e.node ? { nodeName: e.node } : {}) };
    }),
  };
}
