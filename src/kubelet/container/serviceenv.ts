/**
 * Service discovery environment variables (upstream kubelet getServiceEnvVarMap and
 * pkg/kubelet/envvars FromServices).
 *
 * Contract: the result depends only on the arguments; services are emitted sorted by name and
 * each service's variables in upstream's order; names are unique.
 */
import type { Service } from '../types.js';

export interface ServiceEnvVar {
  name: string;
  value: string;
}

/** The service names always exposed from the master service namespace. */
const MASTER_SERVICES = new Set(['kubernetes']);

/** Upstream IsServiceIPSet: clusterIP set and not "None". */
export function isServiceIPSet(svc: Service): boolean {
  const ip = svc.spec?.clusterIP;
  return ip !== undefined && ip !== '' && ip !== 'None';
}

/** Upper-cased with '-' replaced by '_' (upstream makeEnvVariableName). */
export function envVarNameFor(s: string): string {
  return s.replaceAll('-', '_').toUpperCase();
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The variables of one service: `_SERVICE_HOST`, `_SERVICE_PORT[_NAME]`, then the Docker-links form. */
export function serviceEnvVars(svc: Service): ServiceEnvVar[] {
  if (!isServiceIPSet(svc)) return [];
  const prefix = envVarNameFor(svc.metadata?.name ?? '');
  const ip = svc.spec!.clusterIP!;
  const ports = svc.spec?.ports ?? [];
  const out: ServiceEnvVar[] = [{ name: `${prefix}_SERVICE_HOST`, value: ip }];
  if (ports.length === 0) return out;
  out.push({ name: `${prefix}_SERVICE_PORT`, value: String(ports[0]!.port) });
  for (const p of ports) {
    if (p.name) out.push({ name: `${prefix}_SERVICE_PORT_${envVarNameFor(p.name)}`, value: String(p.port) });
  }
  ports.forEach((p, i) => {
    const protocol = p.protocol || 'TCP';
    const url = `${protocol.toLowerCase()}://${joinHostPort(ip, p.port)}`;
    if (i === 0) out.push({ name: `${prefix}_PORT`, value: url });
    const portPrefix = `${prefix}_PORT_${p.port}_${protocol.toUpperCase()}`;
    out.push(
      { name: portPrefix, value: url },
      { name: `${portPrefix}_PROTO`, value: protocol.toLowerCase() },
      { name: `${portPrefix}_PORT`, value: String(p.port) },
      { name: `${portPrefix}_ADDR`, value: ip },
    );
  });
  return out;
}

/**
 * The service env vars a pod in `namespace` sees: the master services (`kubernetes`) of
 * `masterServiceNamespace` always, and every service of `namespace` when `enableServiceLinks`
 * (the pod's `spec.enableServiceLinks`, default true). Services without a cluster IP are ignored.
 * A service of the pod's namespace named like a master service replaces it (as in upstream's tests).
 */
export function serviceEnvironment(
  services: readonly Service[],
  namespace: string,
  enableServiceLinks = true,
  masterServiceNamespace = 'default',
): ServiceEnvVar[] {
  const byName = new Map<string, Service>();
  for (const svc of services) {
    const name = svc.metadata?.name ?? '';
    if (isServiceIPSet(svc) && svc.metadata?.namespace === masterServiceNamespace && MASTER_SERVICES.has(name)) byName.set(name, svc);
  }
  if (enableServiceLinks) {
    for (const svc of services) {
      if (isServiceIPSet(svc) && svc.metadata?.namespace === namespace) byName.set(svc.metadata?.name ?? '', svc);
    }
  }
  const seen = new Map<string, string>();
  for (const name of [...byName.keys()].sort()) {
    for (const e of serviceEnvVars(byName.get(name)!)) seen.set(e.name, e.value);
  }
  return [...seen].map(([name, value]) => ({ name, value }));
}
