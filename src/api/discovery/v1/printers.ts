/**
 * Server-side table printing for discovery.k8s.io/v1, as upstream's
 * pkg/printers/internalversion/printers.go.
 */
import type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { age, ageColumn, column, listWithMoreString, nameColumn, nameOf, printer } from '../../core/v1/printers.js';
import type { Printer } from '../../types.js';

// SwaggerDoc texts of the discovery/v1beta1 fields upstream's columns cite.
const D = {
  addressType:
    'addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name.',
  ports:
    'ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates "all ports". Each slice may include a maximum of 100 ports.',
  endpoints:
    'endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.',
} as const;

/** formatDiscoveryPorts: port numbers (or names, or `*`), at most 3; `<unset>` when empty. */
export function formatDiscoveryPorts(ports: readonly EndpointPort[] | null | undefined): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const port of ports ?? []) {
    if (list.length < max) {
      let portNum = '*';
      if (port.port !== undefined && port.port !== null) portNum = String(port.port);
      else if (port.name !== undefined && port.name !== null) portNum = port.name;
      list.push(portNum);
    } else if (list.length === max) {
      more = true;
    }
    count++;
  }
  return listWithMoreString(list, more, count, max);
}

/** formatDiscoveryEndpoints: addresses across endpoints, at most 3; `<unset>` when empty. */
export function formatDiscoveryEndpoints(endpoints: readonly Endpoint[] | null | undefined): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ep of endpoints ?? []) {
    for (const address of ep.addresses ?? []) {
      if (list.length < max) list.push(address);
      else if (list.length === max) more = true;
      count++;
    }
  }
  return listWithMoreString(list, more, count, max);
}

export const endpointSlicePrinter = printer<EndpointSlice>(
  [
    nameColumn(),
    column('AddressType', 'string', D.addressType),
    column('Ports', 'string', D.ports),
    column('Endpoints', 'string', D.endpoints),
    ageColumn(),
  ],
  (obj, now) => [
    nameOf(obj),
    obj.addressType ?? '',
    formatDiscoveryPorts(obj.ports),
    formatDiscoveryEndpoints(obj.endpoints),
    age(obj, now),
  ],
);

/** discovery.k8s.io printers by resource. */
export const discoveryPrinters: Readonly<Record<string, Printer>> = {
  endpointslices: endpointSlicePrinter,
};
