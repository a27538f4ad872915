/**
 * ProbeManager: owns the probe workers of every pod on the node and answers "started" and "ready"
 * for status, as upstream prober/prober_manager.go.
 *
 * Contract:
 * - `update()` after each pod sync records the pod, its IP and its containers' runtime state, and
 *   starts a worker for each (container, probe kind) the spec declares (regular containers and
 *   restartable init containers); workers read that state on every probe.
 * - Callbacks: `onResultChange(podUid)` on any readiness/startup result change; `onFailure` once
 *   per container id when liveness/startup reaches failureThreshold (the worker then waits for a
 *   new container id). Callbacks run synchronously from a worker and must not throw.
 * - `isStarted`/`isReady` answer for a container the caller knows to be running with that id.
 */
import type { Container } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../util/logger.js';
import type { Pod, PodEventSink } from '../types.js';
import type { ProbeExec } from './handlers.js';
import type { ProbeKind } from './probe.js';
import { ProbeWorker, type ContainerRuntimeState, type PodProbeState, type WorkerHost } from './worker.js';

export type { ContainerRuntimeState } from './worker.js';
export type { ProbeExec } from './handlers.js';
export type { ProbeKind } from './probe.js';

export interface ProbeManagerOptions {
  exec: ProbeExec;
  /** Any readiness/startup result change for the pod: the kubelet recomputes and writes status. */
  onResultChange(podUid: string): void;
  /**
   * Liveness or startup failed failureThreshold times: the kubelet kills that container (it
   * restarts per restartPolicy). `output` is the last probe's output; the kubelet's Killing event
   * says `probeKillMessage(...)`.
   */
  onFailure(pod: Pod, containerName: string, containerId: string, probe: 'liveness' | 'startup', output: string): void;
  /** Events: Warning Unhealthy "Liveness probe failed: <output>" etc. */
  recordEvent: PodEventSink;
  log: Logger;
  /** Clock for container start times (initialDelaySeconds); Date.now by default. */
  now?: () => number;
  /** Milliseconds per probe second (periods, delays, timeouts); 1000 unless a test shrinks time. */
  secondMs?: number;
  /** Extra wait past an exec probe's timeout for a runtime that never answers; default 2000 ms. */
  execGraceMs?: number;
  /** Random initial delay (up to one period) for workers started within a period of the manager, as upstream; default true. */
  initialJitter?: boolean;
}

/** Upstream's Killing event message for a probe-triggered kill. */
export function probeKillMessage(containerName: string, probe: 'liveness' | 'startup', willRestart: boolean): string {
  const m = `Container ${containerName} failed ${probe} probe`;
  return willRestart ? `${m}, will be restarted` : m;
}

interface PodEntry extends PodProbeState {
  workers: Map<string, ProbeWorker>;
}

const KINDS: ProbeKind[] = ['startup', 'readiness', 'liveness'];
const probeOf = (c: Container, k: ProbeKind) => (k === 'liveness' ? c.livenessProbe : k === 'readiness' ? c.readinessProbe : c.startupProbe);
const workerKey = (name: string, k: ProbeKind): string => `${name}/${k}`;

export class ProbeManager {
  private readonly pods = new Map<string, PodEntry>();
  private readonly host: WorkerHost;
  private readonly startedAt = Date.now();
  private readonly jitter: boolean;
  private stopped = false;

  constructor(private readonly opts: ProbeManagerOptions) {
    this.jitter = opts.initialJitter ?? true;
    const now = opts.now ?? Date.now;
    this.host = {
      exec: opts.exec,
      secondMs: opts.secondMs ?? 1000,
      execGraceMs: opts.execGraceMs ?? 2000,
      now,
      log: opts.log,
      recordEvent: opts.recordEvent,
      podState: (uid) => this.pods.get(uid),
      startupDone: (uid, name, id) => this.isStarted(uid, name, id),
      resultChanged: (w) => this.resultChanged(w),
      failed: (w, id, output) => {
        const e = this.pods.get(w.podUid);
        if (!e || w.kind === 'readiness') return;
        try {
          this.opts.onFailure(e.pod, w.container.name, id, w.kind, output);
        } catch (err) {
          this.opts.log.error({ pod: w.podUid, err: String(err) }, 'onFailure threw');
        }
      },
    };
  }

  /** Called after every pod sync with the current pod object, its IP and container states; starts workers. */
  update(pod: Pod, podIP: string | undefined, containers: ContainerRuntimeState[]): void {
    if (this.stopped) return;
    const uid = pod.metadata?.uid;
    if (!uid) return;
    let e = this.pods.get(uid);
    if (!e) {
      e = { pod, podIP, containers: new Map(), workers: new Map() };
      this.pods.set(uid, e);
    }
    e.pod = pod;
    e.podIP = podIP;
    e.containers = new Map(containers.map((c) => [c.name, c]));
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const specs: [Container, string][] = [
      ...(pod.spec?.containers ?? []).map((c): [Container, string] => [c, `spec.containers{${c.name}}`]),
      ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c): [Container, string] => [c, `spec.initContainers{${c.name}}`]),
    ];
    for (const [c, fieldPath] of specs) {
      for (const kind of KINDS) {
        const probe = probeOf(c, kind);
        const key = workerKey(c.name, kind);
        if (!probe || e.workers.has(key)) continue;
        const w = new ProbeWorker(this.host, uid, c, kind, probe, fieldPath);
        e.workers.set(key, w);
        w.start(this.jitterFor(w.periodMs));
      }
    }
  }

  private jitterFor(periodMs: number): number {
    if (!this.jitter || Date.now() - this.startedAt >= periodMs) return 0;
    return Math.random() * periodMs;
  }

  /** Stops and forgets the pod's workers and results. */
  removePod(podUid: string): void {
    const e = this.pods.get(podUid);
    if (!e) return;
    this.pods.delete(podUid);
    for (const w of e.workers.values()) void w.stop();
  }

  /** Started as upstream: the container's startup probe succeeded for this id, or it has none. */
  isStarted(podUid: string, containerName: string, containerId: string): boolean {
    const w = this.pods.get(podUid)?.workers.get(workerKey(containerName, 'startup'));
    return !w || w.resultFor(containerId) === 'success';
  }

  /**
   * Ready as upstream: started, and the readiness probe succeeded for this id (or there is none).
   * A not-ready answer asks the readiness worker for an immediate probe.
   */
  isReady(podUid: string, containerName: string, containerId: string): boolean {
    if (!this.isStarted(podUid, containerName, containerId)) return false;
    const w = this.pods.get(podUid)?.workers.get(workerKey(containerName, 'readiness'));
    if (!w) return true;
    if (w.resultFor(containerId) === 'success') return true;
    w.trigger();
    return false;
  }

  /** Stops every worker; resolves when no probe is in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    const all: Promise<void>[] = [];
    for (const e of this.pods.values()) for (const w of e.workers.values()) all.push(w.stop());
    this.pods.clear();
    await Promise.all(all);
  }

  private resultChanged(w: ProbeWorker): void {
    if (w.kind === 'startup' && w.result === 'success') this.pods.get(w.podUid)?.workers.get(workerKey(w.container.name, 'readiness'))?.trigger();
    try {
      this.opts.onResultChange(w.podUid);
    } catch (err) {
      this.opts.log.error({ pod: w.podUid, err: String(err) }, 'onResultChange threw');
    }
  }
}
