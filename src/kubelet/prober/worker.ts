/**
 * One probe worker per (pod, container, kind), as upstream prober/worker.go.
 *
 * Contract:
 * - At most one probe in flight; probes start on a fixed tick of periodSeconds (a late probe
 *   skips missed ticks), after an optional initial jitter; `trigger()` asks for one extra probe as
 *   soon as none is in flight.
 * - Results belong to one container id. A new container id starts over from the initial result
 *   (readiness failure, liveness success, startup unknown), resets the threshold counters and
 *   resumes a worker put on hold by a liveness/startup failure.
 * - The worker ends on its own when the pod is terminal, when the container exited under
 *   restartPolicy Never, and (liveness/startup) when the pod is being deleted; its last result
 *   stays readable.
 */
import type { Container, Probe } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../util/logger.js';
import type { Pod, PodEventSink } from '../types.js';
import type { ProbeOutcome } from './handlers.js';
import { ProbeError } from './handlers.js';
import { probeKindTitle, probeTiming, runProbe, type ProbeKind, type ProbeRunner, type ProbeTiming } from './probe.js';

export type ProbeResult = 'success' | 'failure' | 'unknown';

/** What a worker learns from the latest pod sync. */
export interface ContainerRuntimeState {
  name: string;
  /** The runtime's container id; empty when no container was created yet. */
  containerId: string;
  running: boolean;
  /** When the current container started (ms since epoch, on the manager's `now` clock). */
  startedAtMs: number;
}

export interface PodProbeState {
  pod: Pod;
  podIP: string | undefined;
  containers: Map<string, ContainerRuntimeState>;
}

/** What the manager gives its workers. */
export interface WorkerHost extends ProbeRunner {
  now(): number;
  log: Logger;
  recordEvent: PodEventSink;
  podState(podUid: string): PodProbeState | undefined;
  /** True when the container (this id) needs no more startup probing. */
  startupDone(podUid: string, containerName: string, containerId: string): boolean;
  /** A readiness or startup result changed. */
  resultChanged(w: ProbeWorker): void;
  /** A liveness or startup probe reached failureThreshold for this container id. */
  failed(w: ProbeWorker, containerId: string, output: string): void;
}

const MAX_PROBE_RETRIES = 3;

export const initialResult = (k: ProbeKind): ProbeResult => (k === 'readiness' ? 'failure' : k === 'liveness' ? 'success' : 'unknown');

export class ProbeWorker {
  readonly timing: ProbeTiming;
  /** Container id the current result belongs to ('' before the first container). */
  containerId = '';
  result: ProbeResult;
  /** False once the worker stopped, by `stop()` or on its own. */
  active = false;
  private lastOutcome: 'success' | 'failure' | undefined;
  private resultRun = 0;
  private onHold = false;
  private stopped = false;
  private triggered = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: ((why: 'tick' | 'trigger' | 'stop') => void) | undefined;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: WorkerHost,
    readonly podUid: string,
    readonly container: Container,
    readonly kind: ProbeKind,
    readonly probe: Probe,
    /** `spec.containers{name}` or `spec.initContainers{name}` for events. */
    readonly fieldPath: string,
  ) {
    this.timing = probeTiming(probe, kind);
    this.result = initialResult(kind);
  }

  get periodMs(): number {
    return this.timing.periodSeconds * this.host.secondMs;
  }

  /** The result for this container id: the initial result for an id this worker has not seen. */
  resultFor(containerId: string): ProbeResult {
    return containerId !== '' && containerId === this.containerId ? this.result : initialResult(this.kind);
  }

  start(jitterMs: number): void {
    if (this.active || this.stopped) return;
    this.active = true;
    this.loop = this.run(jitterMs).finally(() => {
      this.active = false;
    });
  }

  /** Requests a probe now (non-blocking; merged with one already requested). */
  trigger(): void {
    if (!this.active) return;
    this.triggered = true;
    this.wake?.('trigger');
  }

  /** Stops the worker; resolves once no probe is in flight. */
  stop(): Promise<void> {
    this.stopped = true;
    this.wake?.('stop');
    return this.loop;
  }

  private sleep(ms: number): Promise<'tick' | 'trigger' | 'stop'> {
    if (this.stopped) return Promise.resolve('stop');
    if (this.triggered) return Promise.resolve('trigger');
    return new Promise((resolve) => {
      this.wake = (why) => {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.wake = undefined;
        resolve(why);
      };
      const wake = this.wake;
      this.timer = setTimeout(() => wake('tick'), Math.max(0, ms));
    });
  }

  private async run(jitterMs: number): Promise<void> {
    if (jitterMs > 0 && (await this.sleep(jitterMs)) === 'stop') return;
    const period = this.periodMs;
    let nextTick = Date.now() + period;
    while (!this.stopped) {
      this.triggered = false;
      let more: boolean;
      try {
        more = await this.doProbe();
      } catch (e) {
        this.host.log.error({ pod: this.podUid, container: this.container.name, probe: this.kind, err: String(e) }, 'probe worker failed');
        more = true;
      }
      if (!more || this.stopped) return;
      const now = Date.now();
      const why = this.triggered ? 'trigger' : now >= nextTick ? 'tick' : await this.sleep(nextTick - now);
      if (why === 'stop') return;
      if (why === 'tick') {
        nextTick += period;
        const t = Date.now();
        if (nextTick <= t) nextTick += period * Math.ceil((t - nextTick + 1) / period);
      }
    }
  }

  private setResult(r: ProbeResult): void {
    if (r === this.result) return;
    this.result = r;
    if (this.kind !== 'liveness') this.host.resultChanged(this);
  }

  /** One round of upstream's doProbe; false ends the worker. */
  private async doProbe(): Promise<boolean> {
    const state = this.host.podState(this.podUid);
    if (!state) return true;
    const { pod } = state;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      this.setResult(this.kind === 'readiness' ? 'failure' : this.result);
      return false;
    }
    const c = state.containers.get(this.container.name);
    if (!c || c.containerId === '') return true;

    if (c.containerId !== this.containerId) {
      this.containerId = c.containerId;
      this.lastOutcome = undefined;
      this.resultRun = 0;
      this.onHold = false;
      this.result = initialResult(this.kind);
      if (this.kind !== 'liveness') this.host.resultChanged(this);
    }
    if (this.onHold) return true;

    if (!c.running) {
      this.setResult('failure');
      const restartPolicy = this.container.restartPolicy ?? pod.spec?.restartPolicy ?? 'Always';
      return restartPolicy !== 'Never';
    }

    if (pod.metadata?.deletionTimestamp && this.kind !== 'readiness') {
      // Quiet shutdown: a pod being deleted is never restarted by its probes.
      this.setResult('success');
      return false;
    }

    if (this.host.now() - c.startedAtMs < this.timing.initialDelaySeconds * this.host.secondMs) return true;

    const started = this.host.startupDone(this.podUid, this.container.name, c.containerId);
    if (this.kind === 'startup' ? started : !started) return true;

    const containerId = c.containerId;
    const outcome = await this.attempt(pod, containerId, state.podIP);
    if (this.stopped || outcome === undefined || containerId !== this.containerId) return true;

    const result = outcome.result === 'failure' ? 'failure' : 'success';
    if (result === this.lastOutcome) this.resultRun++;
    else {
      this.lastOutcome = result;
      this.resultRun = 1;
    }
    if ((result === 'failure' && this.resultRun < this.timing.failureThreshold) || (result === 'success' && this.resultRun < this.timing.successThreshold)) return true;

    this.setResult(result);
    if (result === 'failure' && this.kind !== 'readiness') {
      // Wait for the kubelet to replace the container before probing again.
      this.onHold = true;
      this.resultRun = 0;
      this.host.failed(this, containerId, outcome.output);
    }
    return true;
  }

  /** Runs the probe (retrying only errored attempts) and records upstream's events; undefined when errored. */
  private async attempt(pod: Pod, containerId: string, podIP: string | undefined): Promise<ProbeOutcome | undefined> {
    const title = probeKindTitle(this.kind);
    let lastErr: unknown;
    for (let i = 0; i < MAX_PROBE_RETRIES; i++) {
      try {
        const o = await runProbe(this.probe, { container: this.container, containerId, podIP }, this.host);
        if (this.stopped) return undefined;
        if (o.result === 'failure') this.host.recordEvent(pod, 'Warning', 'Unhealthy', `${title} probe failed: ${o.output}`, this.fieldPath);
        else if (o.result === 'warning') this.host.recordEvent(pod, 'Warning', 'ProbeWarning', `${title} probe warning: ${o.output}`, this.fieldPath);
        return o;
      } catch (e) {
        lastErr = e;
        if (!(e instanceof ProbeError) || this.stopped) break;
      }
    }
    if (this.stopped) return undefined;
    const msg = lastErr instanceof Error ? lastErr.message : String(lastErr);
    this.host.log.debug({ pod: this.podUid, container: this.container.name, probe: this.kind, err: msg }, 'probe errored');
    this.host.recordEvent(pod, 'Warning', 'Unhealthy', `${title} probe errored: ${msg}`, this.fieldPath);
    return undefined;
  }
}
