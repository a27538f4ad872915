/** What the proxier holds per service port: one listening socket plus its counters. */
export interface PortCounters {
  /** TCP connections accepted (including ones closed for lack of endpoints). */
  connectionsAccepted: number;
  /** Open TCP connections, or live UDP sessions. */
  active: number;
  /** TCP connections or UDP packets dropped because no endpoint could be reached. */
  noEndpoint: number;
  /** Payload bytes from clients to backends. */
  bytesIn: number;
  /** Payload bytes from backends to clients. */
  bytesOut: number;
  /** UDP datagrams received from clients / sent back to clients. */
  packetsIn: number;
  packetsOut: number;
}

export function newCounters(): PortCounters {
  return { connectionsAccepted: 0, active: 0, noEndpoint: 0, bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0 };
}

/** Traffic one endpoint received through this portal (for the per-endpoint metrics). */
export interface EndpointCounters {
  /** TCP connections established / UDP sessions opened to this endpoint. */
  connections: number;
  bytesIn: number;
  bytesOut: number;
}

export function endpointCounter(m: Map<string, EndpointCounters>, ep: string): EndpointCounters {
  let c = m.get(ep);
  if (!c) m.set(ep, (c = { connections: 0, bytesIn: 0, bytesOut: 0 }));
  return c;
}

/** Chooses a backend "ip:port" for a client IP; `retry` = the previous choice failed (drop affinity). */
export type Picker = (clientIP: string, retry: boolean) => string | undefined;

export interface PortProxy {
  readonly protocol: 'TCP' | 'UDP';
  /** The kernel-chosen port the socket is bound to. */
  readonly port: number;
  readonly counters: PortCounters;
  /** Keyed by endpoint "ip:port"; entries are kept after the endpoint leaves (counters are monotonic). */
  readonly endpoints: Map<string, EndpointCounters>;
  /** Stops listening and closes every connection / session. Idempotent. */
  close(): Promise<void>;
}

/** Splits "ip:port". */
export function splitHostPort(ep: string): [string, number] {
  const i = ep.lastIndexOf(':');
  return [ep.slice(0, i), Number(ep.slice(i + 1))];
}

/** IPv4-mapped IPv6 (from a dual-stack socket) back to dotted IPv4. */
export function plainIP(addr: string | undefined): string {
  return (addr ?? '').replace(/^::ffff:/, '');
}
