/**
 * Probe spec helpers: effective timings (upstream defaults), the handler dispatch and exec-command
 * expansion. Pure apart from the handler calls.
 */
import type { Container, EnvVar, Probe } from 'kubernetes-types/core/v1.js';
import { execProbe, httpProbe, probeHeaders, probeHost, probeURL, ProbeError, resolvePort, tcpProbe, type ProbeExec, type ProbeOutcome } from './handlers.js';
import { grpcProbe } from './grpc.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

/** The kind as upstream prints it in events: `Liveness probe failed: …`. */
export const probeKindTitle = (k: ProbeKind): string => (k === 'liveness' ? 'Liveness' : k === 'readiness' ? 'Readiness' : 'Startup');

export interface ProbeTiming {
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

const positive = (v: number | undefined, d: number): number => (typeof v === 'number' && v > 0 ? v : d);

/** Upstream defaults (period 10, timeout 1, success 1, failure 3); success is always 1 for liveness and startup. */
export function probeTiming(p: Probe, kind: ProbeKind): ProbeTiming {
  return {
    initialDelaySeconds: typeof p.initialDelaySeconds === 'number' && p.initialDelaySeconds > 0 ? p.initialDelaySeconds : 0,
    periodSeconds: positive(p.periodSeconds, 10),
    timeoutSeconds: positive(p.timeoutSeconds, 1),
    successThreshold: kind === 'readiness' ? positive(p.successThreshold, 1) : 1,
    failureThreshold: positive(p.failureThreshold, 3),
  };
}

/**
 * Expands `$(VAR)` in an exec probe command with the container's literal env values, as upstream's
 * expandContainerCommandOnlyStatic: `$$` is a literal `$`, unknown references stay as written.
 */
export function expandStatic(arg: string, env: EnvVar[] | undefined): string {
  const vars = new Map<string, string>();
  for (const e of env ?? []) if (e.valueFrom === undefined) vars.set(e.name, e.value ?? '');
  let out = '';
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i];
    if (c !== '$' || i + 1 >= arg.length) {
      out += c;
      continue;
    }
    const n = arg[i + 1];
    if (n === '$') {
      out += '$';
      i++;
    } else if (n === '(') {
      const end = arg.indexOf(')', i + 2);
      if (end < 0) {
        out += arg.slice(i);
        break;
      }
      const name = arg.slice(i + 2, end);
      out += vars.has(name) ? vars.get(name) : `$(${name})`;
      i = end;
    } else out += c;
  }
  return out;
}

export interface ProbeTarget {
  container: Container;
  containerId: string;
  podIP: string | undefined;
}

export interface ProbeRunner {
  exec: ProbeExec;
  /** Milliseconds per probe "second" (timeouts); 1000 outside tests. */
  secondMs: number;
  /** How long past the exec timeout to wait for a runtime that never answers. */
  execGraceMs: number;
}

/** Runs one probe attempt. Rejects with ProbeError when the probe cannot be run. */
export async function runProbe(p: Probe, t: ProbeTarget, r: ProbeRunner): Promise<ProbeOutcome> {
  const timing = probeTiming(p, 'readiness');
  const timeoutMs = timing.timeoutSeconds * r.secondMs;
  if (p.exec) {
    const cmd = (p.exec.command ?? []).map((a) => expandStatic(a, t.container.env));
    return execProbe(r.exec, t.containerId, cmd, timing.timeoutSeconds, timeoutMs + r.execGraceMs);
  }
  if (p.httpGet) {
    const a = p.httpGet;
    const port = resolvePort(a.port, t.container);
    const url = probeURL(a.scheme ?? 'HTTP', probeHost(a, t.podIP), port, a.path);
    return httpProbe(url, probeHeaders(a), timeoutMs);
  }
  if (p.tcpSocket) {
    const a = p.tcpSocket;
    return tcpProbe(probeHost(a, t.podIP), resolvePort(a.port, t.container), timeoutMs);
  }
  if (p.grpc) {
    if (!t.podIP) throw new ProbeError('pod has no IP address yet');
    return grpcProbe(t.podIP, p.grpc.port, p.grpc.service ?? '', timeoutMs);
  }
  throw new ProbeError('missing probe handler');
}
