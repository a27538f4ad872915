/**
 * Carries out a pod's actions on the container runtime (upstream's kubeGenericRuntimeManager):
 * sandboxes, image pulls, container create/start with hooks, graceful kills, and garbage
 * collection of dead containers.
 *
 * Contracts:
 * - `syncPod` never throws for per-container failures: it records them as waiting reasons
 *   (ErrImagePull, ImagePullBackOff, CreateContainerConfigError, CreateContainerError,
 *   RunContainerError, CrashLoopBackOff) plus the upstream Events, and returns them.
 *   Sandbox creation failures throw (the pod worker retries; Event FailedCreatePodSandBox).
 * - `killContainer` runs the preStop hook within the grace period, then StopContainer with what is
 *   left of it (SIGTERM, SIGKILL at the end), and emits `Killing`.
 * - `killPod` stops every running container in parallel, then every sandbox.
 * - `removePod` removes every container and sandbox of the pod (after `killPod`).
 * - `gc` keeps, per container name, the newest two containers of the current sandbox (running +
 *   the previous one for `logs --previous` and `lastState`) and removes the rest and older sandboxes.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Container, LifecycleHandler } from 'kubernetes-types/core/v1.js';
import type { AuthConfig, CriClient, DNSConfig, Mount } from '../runtime/cri/client.js';
import type { Logger } from '../../util/logger.js';
import type { Pod, PodEventSink } from '../types.js';
import type { Waiting } from '../status/generate.js';
import { Backoff } from './backoff.js';
import { backoffKey, type PodActions } from './actions.js';
import { containerConfig, pullPolicy, sandboxConfig, podLogDirectory } from './configs.js';
import { latest, type ContainerInfo, type RuntimePodStatus } from './runtimestatus.js';

/** Per-pod inputs the kubelet prepares (volumes, env, DNS, /etc/hosts); errors become waiting reasons. */
export interface PodEnvironment {
  /** Prepared once per sync before containers start; throws on mount failures (pod stays ContainerCreating). */
  prepare(pod: Pod): Promise<unknown>;
  /** The container's environment (throws EnvError → CreateContainerConfigError). */
  env(pod: Pod, c: Container, podIP: string | undefined): Promise<{ name: string; value: string }[]>;
  /** command and args after $(VAR) expansion. */
  command(c: Container, env: Map<string, string>): { command: string[]; args: string[] };
  mounts(pod: Pod, c: Container, prepared: unknown, env: Map<string, string>): Mount[];
  dnsConfig(pod: Pod): DNSConfig | undefined;
  /** Writes the pod's /etc/hosts file (undefined for host-network pods) and returns its host path. */
  hostsFile(pod: Pod, podIP: string | undefined): string | undefined;
  pullAuth(pod: Pod, image: string): Promise<AuthConfig[]>;
  /** HTTP lifecycle handlers (preStop/postStart httpGet) to the pod IP. */
  httpHook(pod: Pod, podIP: string | undefined, h: NonNullable<LifecycleHandler['httpGet']>, timeoutMs: number): Promise<void>;
}

export interface RuntimeManagerDeps {
  cri: CriClient;
  nodeName: string;
  logsDir: string;
  podsDir: string;
  nodeMemoryBytes: number;
  cgroupParent?: (pod: Pod) => string | undefined;
  event: PodEventSink;
  log: Logger;
  backoff: Backoff;
  imageBackoff: Backoff;
}

/** The Event fieldPath of a container, as upstream: `spec.containers{name}`. */
const fieldPath = (_pod: Pod, name: string, init: boolean): string => `spec.${init ? 'initContainers' : 'containers'}{${name}}`;

const seconds = (ms: number): string => {
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  return s < 60 ? `${Number(s.toFixed(3))}s` : `${Math.floor(s / 60)}m${Number((s % 60).toFixed(3))}s`;
};

class StartError extends Error {
  constructor(readonly reason: string, message: string) { super(message); }
}

export class RuntimeManager {
  private env: PodEnvironment | undefined;
  constructor(private readonly d: RuntimeManagerDeps) {}

  /** Must be called before the first sync. */
  setEnvironment(env: PodEnvironment): void {
    this.env = env;
  }

  private get e(): PodEnvironment {
    if (!this.env) throw new Error('runtime manager used before setEnvironment');
    return this.env;
  }

  private podName(pod: Pod): string {
    return `${pod.metadata!.name}_${pod.metadata!.namespace ?? 'default'}(${pod.metadata!.uid})`;
  }

  /** Runs the actions; returns the waiting reasons of containers that could not start. */
  async syncPod(pod: Pod, rs: RuntimePodStatus, a: PodActions, signal?: AbortSignal): Promise<Map<string, Waiting>> {
    const waiting = new Map<string, Waiting>();
    for (const w of a.waiting) {
      const msg = `back-off ${seconds(w.delayMs)} restarting failed container=${w.name} pod=${this.podName(pod)}`;
      waiting.set(w.name, { reason: 'CrashLoopBackOff', message: msg });
      this.d.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${w.name} in pod ${this.podName(pod)}`, fieldPath(pod, w.name, w.init));
    }
    if (a.killPod) {
      if (!a.createSandbox) return waiting;
      this.d.event(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      await this.killPod(pod, rs, 0, signal);
    }
    for (const k of a.kill) {
      const c = rs.containers.find((x) => x.id === k.id);
      if (c) await this.killContainer(pod, c, pod.spec?.terminationGracePeriodSeconds ?? 30, k.message, signal);
    }
    let sandboxId = a.sandboxId;
    let podIP = rs.sandboxes[0]?.ip;
    const sbAttempt = a.createSandbox ? a.sandboxAttempt : rs.sandboxes[0]?.attempt ?? 0;
    if (!a.startInit && a.start.length === 0) {
      // Nothing to start: still refresh configMap/secret/downwardAPI/projected contents (and tokens) of a running pod.
      if (!a.createSandbox && a.sandboxId) {
        await this.e.prepare(pod).catch((e: Error) => this.d.event(pod, 'Warning', 'FailedMount', e.message));
      }
      return waiting;
    }

    // Volumes before the sandbox, as upstream (a pod whose volumes cannot mount gets no sandbox).
    let prepared: unknown;
    try {
      prepared = await this.e.prepare(pod);
    } catch (e) {
      this.d.event(pod, 'Warning', 'FailedMount', (e as Error).message);
      for (const n of [a.startInit, ...a.start]) if (n) waiting.set(n, { reason: 'ContainerCreating' });
      return waiting;
    }
    const sbConfig = sandboxConfig(pod, { nodeName: this.d.nodeName, logsDir: this.d.logsDir, attempt: sbAttempt, dnsConfig: this.e.dnsConfig(pod), cgroupParent: this.d.cgroupParent?.(pod) });
    const tSandbox = performance.now();
    if (a.createSandbox) {
      mkdirSync(sbConfig.logDirectory!, { recursive: true });
      try {
        sandboxId = await this.d.cri.runPodSandbox(sbConfig, '', { signal, timeoutMs: 4 * 60_000 });
      } catch (e) {
        const msg = `Failed to create pod sandbox: ${(e as Error).message}`;
        this.d.event(pod, 'Warning', 'FailedCreatePodSandBox', msg);
        throw new Error(msg);
      }
      const st = await this.d.cri.podSandboxStatus(sandboxId, false, { signal });
      podIP = st.status?.network?.ip || undefined;
      this.d.log.debug({ pod: pod.metadata?.name, sandboxMs: Math.round(performance.now() - tSandbox) }, 'sandbox created');
    }
    this.e.hostsFile(pod, podIP);

    const toStart: { c: Container; init: boolean }[] = [];
    if (a.startInit) toStart.push({ c: (pod.spec?.initContainers ?? []).find((x) => x.name === a.startInit)!, init: true });
    for (const n of a.start) toStart.push({ c: (pod.spec?.containers ?? []).find((x) => x.name === n)!, init: false });
    // Containers start one after the other (upstream order); init containers are alone anyway.
    for (const { c, init } of toStart) {
      if (signal?.aborted) break;
      const prev = a.createSandbox ? undefined : latest({ ...rs, containers: rs.containers.filter((x) => x.sandboxId === sandboxId) }, c.name, init);
      const last = latest(rs, c.name, init);
      const restartCount = last ? last.restartCount + 1 : 0;
      const attempt = prev ? prev.attempt + 1 : 0;
      if (last && last.state === 'CONTAINER_EXITED') this.d.backoff.next(backoffKey(pod.metadata!.uid!, c.name));
      try {
        await this.startContainer(pod, c, init, sandboxId!, sbConfig, podIP, attempt, restartCount, prepared, signal);
      } catch (e) {
        const reason = e instanceof StartError ? e.reason : 'RunContainerError';
        waiting.set(c.name, { reason, message: (e as Error).message });
        if (init) break;
      }
    }
    return waiting;
  }

  private async ensureImage(pod: Pod, c: Container, init: boolean, signal?: AbortSignal): Promise<string> {
    const image = c.image ?? '';
    const fp = fieldPath(pod, c.name, init);
    const policy = pullPolicy(c);
    const present = await this.d.cri.imageStatus({ image }, false, { signal }).catch(() => null);
    if (policy === 'Never' && !present) {
      const msg = `Container image "${image}" is not present with pull policy of Never`;
      this.d.event(pod, 'Warning', 'ErrImageNeverPull', msg, fp);
      throw new StartError('ErrImageNeverPull', msg);
    }
    if (present && policy !== 'Always') {
      this.d.event(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`, fp);
      return present.id;
    }
    const key = `image/${image}`;
    const failed = this.imageFailures.get(key);
    if (failed !== undefined && this.d.imageBackoff.inBackoff(key, failed)) {
      const msg = `Back-off pulling image "${image}"`;
      this.d.event(pod, 'Normal', 'BackOff', msg, fp);
      throw new StartError('ImagePullBackOff', msg);
    }
    this.d.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`, fp);
    const t0 = Date.now();
    try {
      const auths = await this.e.pullAuth(pod, image);
      let ref = '';
      let lastErr: unknown;
      for (const auth of auths.length ? auths : [undefined]) {
        try { ref = await this.d.cri.pullImage({ image }, auth, undefined, { signal }); lastErr = undefined; break; } catch (e) { lastErr = e; }
      }
      if (lastErr) throw lastErr;
      this.imageFailures.delete(key);
      this.d.imageBackoff.reset(key);
      const st = await this.d.cri.imageStatus({ image }, false, { signal }).catch(() => null);
      const ms = Date.now() - t0;
      this.d.event(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${seconds(ms)} (${seconds(ms)} including waiting). Image size: ${st?.size ?? 0} bytes.`, fp);
      return st?.id ?? ref;
    } catch (e) {
      this.imageFailures.set(key, Date.now());
      this.d.imageBackoff.next(key);
      const details = (e as { details?: string }).details ?? (e as Error).message;
      this.d.event(pod, 'Warning', 'Failed', `Failed to pull image "${image}": ${details}`, fp);
      this.d.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull', fp);
      throw new StartError('ErrImagePull', `rpc error: ${details}`);
    }
  }
  private readonly imageFailures = new Map<string, number>();

  private async startContainer(
    pod: Pod, c: Container, init: boolean, sandboxId: string, sbConfig: ReturnType<typeof sandboxConfig>, podIP: string | undefined,
    attempt: number, restartCount: number, prepared: unknown, signal?: AbortSignal,
  ): Promise<void> {
    const fp = fieldPath(pod, c.name, init);
    const tImage = performance.now();
    const imageRef = await this.ensureImage(pod, c, init, signal);
    const tCreate = performance.now();
    let envList: { name: string; value: string }[];
    let mounts: Mount[];
    let cmd: { command: string[]; args: string[] };
    try {
      envList = await this.e.env(pod, c, podIP);
      const envMap = new Map(envList.map((e) => [e.name, e.value]));
      cmd = this.e.command(c, envMap);
      mounts = [...this.e.mounts(pod, c, prepared, envMap)];
    } catch (e) {
      const msg = (e as Error).message;
      this.d.event(pod, 'Warning', 'Failed', `Error: ${msg}`, fp);
      throw new StartError('CreateContainerConfigError', msg);
    }
    const hosts = pod.spec?.hostNetwork ? undefined : join(this.d.podsDir, pod.metadata!.uid!, 'etc-hosts');
    if (hosts && existsSync(hosts) && !mounts.some((m) => m.containerPath === '/etc/hosts')) mounts.push({ containerPath: '/etc/hosts', hostPath: hosts });
    const termDir = join(this.d.podsDir, pod.metadata!.uid!, 'containers', c.name);
    mkdirSync(termDir, { recursive: true });
    const termFile = join(termDir, randomBytes(4).toString('hex'));
    writeFileSync(termFile, '');
    const termPath = c.terminationMessagePath ?? '/dev/termination-log';
    mounts.push({ containerPath: termPath, hostPath: termFile });

    const config = containerConfig(pod, c, {
      nodeName: this.d.nodeName, attempt, restartCount, init, imageRef: c.image ?? imageRef, command: cmd.command, args: cmd.args,
      env: envList, mounts, terminationMessageHostPath: termFile, nodeMemoryBytes: this.d.nodeMemoryBytes,
    });
    let id: string;
    const tCfg = performance.now();
    try {
      id = await this.d.cri.createContainer(sandboxId, config, sbConfig, { signal });
    } catch (e) {
      const msg = (e as { details?: string }).details ?? (e as Error).message;
      this.d.event(pod, 'Warning', 'Failed', `Error: ${msg}`, fp);
      throw new StartError('CreateContainerError', msg);
    }
    this.d.event(pod, 'Normal', 'Created', `Created container: ${c.name}`, fp);
    const tStart = performance.now();
    try {
      await this.d.cri.startContainer(id, { signal });
    } catch (e) {
      const msg = (e as { details?: string }).details ?? (e as Error).message;
      this.d.event(pod, 'Warning', 'Failed', `Error: ${msg}`, fp);
      throw new StartError('RunContainerError', msg);
    }
    this.d.event(pod, 'Normal', 'Started', `Started container ${c.name}`, fp);
    this.d.log.debug({ pod: pod.metadata?.name, container: c.name, imageMs: Math.round(tCreate - tImage), prepMs: Math.round(tCfg - tCreate), createMs: Math.round(tStart - tCfg), startMs: Math.round(performance.now() - tStart) }, 'container started');
    const post = c.lifecycle?.postStart;
    if (post) {
      try {
        await this.runHook(pod, id, podIP, post, 30);
      } catch (e) {
        const msg = (e as Error).message;
        this.d.event(pod, 'Warning', 'FailedPostStartHook', msg, fp);
        await this.d.cri.stopContainer(id, pod.spec?.terminationGracePeriodSeconds ?? 30).catch(() => undefined);
        throw new StartError('PostStartHookError', msg);
      }
    }
  }

  private async runHook(pod: Pod, containerId: string, podIP: string | undefined, h: LifecycleHandler, timeoutSec: number): Promise<void> {
    if (h.exec?.command) {
      const r = await this.d.cri.execSync(containerId, h.exec.command, timeoutSec, { timeoutMs: (timeoutSec + 5) * 1000 });
      if (r.exitCode !== 0) throw new Error(`Exec lifecycle hook (${JSON.stringify(h.exec.command)}) for Container in Pod "${this.podName(pod)}" failed - error: command '${h.exec.command.join(' ')}' exited with ${r.exitCode}: ${r.stderr.toString()}${r.stdout.toString()}`);
    } else if (h.httpGet) {
      await this.e.httpHook(pod, podIP, h.httpGet, timeoutSec * 1000);
    } else if (h.sleep) {
      await new Promise((r) => setTimeout(r, Math.min(h.sleep!.seconds, timeoutSec) * 1000));
    }
  }

  /** preStop within `graceSec`, then StopContainer with the rest of it. */
  async killContainer(pod: Pod, c: ContainerInfo, graceSec: number, message: string, signal?: AbortSignal): Promise<void> {
    if (c.state !== 'CONTAINER_RUNNING' && c.state !== 'CONTAINER_CREATED' && c.state !== 'CONTAINER_UNKNOWN') return;
    const spec = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === c.name);
    this.d.event(pod, 'Normal', 'Killing', message || `Stopping container ${c.name}`, fieldPath(pod, c.name, c.init));
    const t0 = Date.now();
    const pre = spec?.lifecycle?.preStop;
    if (pre && graceSec > 0 && c.state === 'CONTAINER_RUNNING') {
      await Promise.race([
        this.runHook(pod, c.id, pod.status?.podIP, pre, graceSec).catch((e: Error) => {
          this.d.event(pod, 'Warning', 'FailedPreStopHook', e.message, fieldPath(pod, c.name, c.init));
        }),
        new Promise((r) => setTimeout(r, graceSec * 1000)),
      ]);
    }
    const left = Math.max(graceSec > 0 ? 2 : 0, Math.ceil(graceSec - (Date.now() - t0) / 1000));
    try {
      await this.d.cri.stopContainer(c.id, left, { timeoutMs: (left + 30) * 1000, ...(signal ? { signal } : {}) });
    } catch (e) {
      this.d.log.warn({ pod: this.podName(pod), container: c.name, err: (e as Error).message }, 'StopContainer failed');
    }
  }

  async killPod(pod: Pod, rs: RuntimePodStatus, graceSec: number, signal?: AbortSignal): Promise<void> {
    const running = rs.containers.filter((c) => c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED');
    // App containers first (in parallel), then init containers, as upstream.
    await Promise.all(running.filter((c) => !c.init).map((c) => this.killContainer(pod, c, graceSec, `Stopping container ${c.name}`, signal)));
    await Promise.all(running.filter((c) => c.init).map((c) => this.killContainer(pod, c, graceSec, `Stopping container ${c.name}`, signal)));
    for (const sb of rs.sandboxes) {
      if (!sb.ready) continue;
      try { await this.d.cri.stopPodSandbox(sb.id, { timeoutMs: 60_000 }); } catch (e) {
        this.d.log.warn({ sandbox: sb.id, err: (e as Error).message }, 'StopPodSandbox failed');
      }
    }
  }

  async removePod(uid: string, rs: RuntimePodStatus): Promise<void> {
    for (const c of rs.containers) await this.d.cri.removeContainer(c.id).catch(() => undefined);
    for (const sb of rs.sandboxes) {
      await this.d.cri.stopPodSandbox(sb.id).catch(() => undefined);
      await this.d.cri.removePodSandbox(sb.id).catch(() => undefined);
    }
    this.d.backoff.forgetPrefix(`${uid}/`);
  }

  /** Removes dead containers beyond the newest two per name, and sandboxes older than the newest. */
  async gc(rs: RuntimePodStatus): Promise<void> {
    const sb = rs.sandboxes[0];
    const seen = new Map<string, number>();
    for (const c of rs.containers) {
      const key = `${c.init ? 'i' : 'a'}/${c.name}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      const dead = c.state === 'CONTAINER_EXITED';
      if (dead && (n > 2 || (sb && c.sandboxId !== sb.id && n > 1))) {
        await this.d.cri.removeContainer(c.id).catch(() => undefined);
        if (c.terminationMessageHostPath) rmSync(c.terminationMessageHostPath, { force: true });
      }
    }
    for (const old of rs.sandboxes.slice(1)) {
      if (rs.containers.some((c) => c.sandboxId === old.id && c.state === 'CONTAINER_RUNNING')) continue;
      if (old.ready) await this.d.cri.stopPodSandbox(old.id).catch(() => undefined);
      // Keep the old sandbox while its containers remain (they hold `--previous` logs).
      if (!rs.containers.some((c) => c.sandboxId === old.id)) await this.d.cri.removePodSandbox(old.id).catch(() => undefined);
    }
  }

  /** The termination message of an exited container (file, or the log tail under FallbackToLogsOnError). */
  terminationMessage(pod: Pod, c: ContainerInfo): string | undefined {
    if (c.state !== 'CONTAINER_EXITED') return undefined;
    let msg = '';
    if (c.terminationMessageHostPath) {
      try { msg = readFileSync(c.terminationMessageHostPath, 'utf8').slice(0, 4096); } catch { /* gone */ }
    }
    const spec = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === c.name);
    if (!msg && spec?.terminationMessagePolicy === 'FallbackToLogsOnError' && c.exitCode !== 0 && c.logPath) {
      try {
        const lines = readFileSync(c.logPath, 'utf8').split('\n').filter(Boolean).slice(-80);
        msg = lines.map((l) => l.split(' ').slice(3).join(' ')).join('\n').slice(-2048);
      } catch { /* no log */ }
    }
    return msg || undefined;
  }

  logDirectory(pod: Pod): string {
    return podLogDirectory(this.d.logsDir, pod);
  }
}
