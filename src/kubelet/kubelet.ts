/**
 * The real kubelet for one node: registers the Node, keeps its Lease and status fresh, and makes
 * the pods bound to it (and static pods) run as containers through the CRI.
 *
 * Contracts:
 * - Pods are keyed by uid. A pod is synced (level-triggered, one sync at a time per pod) on every
 *   API change, every runtime change the relist (`relistMs`, containerd 1.6 has no event stream)
 *   sees, every probe result change, when a back-off expires, and every `resyncMs`.
 * - A sync reads the pod's runtime state, carries out computePodActions, reads it again and writes
 *   the generated status when it differs from the last one written.
 * - Deletion: a pod with deletionTimestamp has its containers killed within its grace period, its
 *   final status written, and is then deleted with grace 0 (uid precondition). A pod gone from every
 *   source has its containers, sandboxes and volumes removed. Terminal pods (Succeeded/Failed) keep
 *   their exited containers but lose their sandbox.
 * - Runtime objects labelled for this node whose pod is unknown after the first informer sync
 *   (orphans from a previous run) are removed.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Lease as LeaseT } from 'kubernetes-types/coordination/v1.js';
import type { KubeObject } from '../api/types.js';
import { isAlreadyExists, isConflict, isNotFound, type RestClient } from '../client/rest.js';
import { SharedInformerFactory, type SharedInformer } from '../client/informer.js';
import { WorkQueue, runWorkers } from '../client/workqueue.js';
import { EventRecorder } from '../client/events.js';
import { nowRfc3339, nowMicroTime } from '../machinery/meta.js';
import type { Logger } from '../util/logger.js';
import { sleep } from '../util/abort.js';
import type { CriClient } from './runtime/cri/client.js';
import { LEASES, NODES, PODS, SERVICES, type Node, type Pod, type PodEventSink, type Service } from './types.js';
import { Backoff } from './kuberuntime/backoff.js';
import { computePodActions } from './kuberuntime/actions.js';
import { RuntimeManager, type PodEnvironment } from './kuberuntime/manager.js';
import { readPodStatus, type RuntimePodStatus } from './kuberuntime/runtimestatus.js';
import { K8TS_NODE, POD_UID } from './kuberuntime/labels.js';
import { generatePodStatus, type Waiting } from './status/generate.js';
import { HostPortManager } from './hostport/manager.js';
import type { HostPortMapping } from './hostport/rules.js';
import { nodeConditions, nodeObject, nodeStatus, readMachineInfo, readPressure, type MachineInfo, type NodeShape } from './node/nodestatus.js';

type Lease = LeaseT & KubeObject;

export const LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;

/** Probe results the status needs, and the hook to start/stop probing (prober/). */
export interface PodProber {
  update(pod: Pod, podIP: string | undefined, containers: { name: string; containerId: string; running: boolean; startedAtMs: number }[]): void;
  removePod(uid: string): void;
  isReady(uid: string, name: string, containerId: string): boolean;
  isStarted(uid: string, name: string, containerId: string): boolean;
  stop?(): void;
}

export interface KubeletConfig {
  nodeName: string;
  nodeIP: string;
  podCidr?: string;
  /** The agent's directory: pods/, logs/ live under it. */
  dir: string;
  runtimeVersion: string;
  kubeletPort: number;
  maxPods: number;
  labels: Record<string, string>;
  leaseRenewMs: number;
  nodeStatusMs: number;
  workers: number;
  relistMs: number;
  resyncMs: number;
  cgroupRoot?: string;
}

export interface KubeletDeps {
  client: RestClient;
  cri: CriClient;
  log: Logger;
  /** Built once the kubelet's informers exist (env needs the Service lister). */
  makeEnvironment(k: Kubelet): PodEnvironment;
  /** Built with the callbacks the prober needs. */
  makeProber?(k: Kubelet): PodProber;
}

interface PodRecord {
  pod: Pod;
  firstSeen: string;
  lastStatus?: string;
  waiting: Map<string, Waiting>;
  initFailed: boolean;
  deleted: boolean;
}

export class Kubelet {
  readonly queue = new WorkQueue<string>('kubelet-pods');
  readonly backoff = new Backoff();
  readonly imageBackoff = new Backoff();
  readonly machine: MachineInfo;
  readonly recorder: EventRecorder;
  readonly runtime: RuntimeManager;
  /** Known pods by uid (API pods and static pods). */
  readonly pods = new Map<string, PodRecord>();
  /** Last runtime snapshot per uid (for the server's lookups). */
  readonly snapshots = new Map<string, RuntimePodStatus>();
  podInformer: SharedInformer<Pod> | undefined;
  serviceInformer: SharedInformer<Service> | undefined;
  prober: PodProber | undefined;
  private node: Node | undefined;
  private lease: Lease | undefined;
  private relistSig = new Map<string, string>();
  private synced = false;
  readonly podsDir: string;
  readonly logsDir: string;
  private readonly hostPorts: HostPortManager;
  private hostPortTimer: NodeJS.Timeout | undefined;

  constructor(readonly cfg: KubeletConfig, readonly deps: KubeletDeps) {
    this.machine = readMachineInfo(cfg.dir);
    this.podsDir = `${cfg.dir}/pods`;
    this.logsDir = `${cfg.dir}/logs`;
    this.hostPorts = new HostPortManager(cfg.nodeName, deps.log.child({ part: 'hostports' }));
    this.recorder = new EventRecorder({ client: deps.client, component: 'kubelet', host: cfg.nodeName, log: deps.log });
    this.runtime = new RuntimeManager({
      cri: deps.cri,
      nodeName: cfg.nodeName,
      logsDir: this.logsDir,
      podsDir: this.podsDir,
      nodeMemoryBytes: this.machine.memoryBytes,
      ...(cfg.cgroupRoot ? { cgroupParent: (p: Pod) => `${cfg.cgroupRoot}/pod${p.metadata!.uid}` } : {}),
      event: this.event,
      log: deps.log,
      backoff: this.backoff,
      imageBackoff: this.imageBackoff,
    });
  }

  readonly event: PodEventSink = (pod, type, reason, message, fieldPath) => {
    const ref = { kind: 'Pod', apiVersion: 'v1', namespace: pod.metadata?.namespace ?? 'default', name: pod.metadata?.name, uid: pod.metadata?.uid, ...(fieldPath ? { fieldPath } : {}) };
    this.recorder.event(ref, type, reason, message);
  };

  private shape(): NodeShape {
    return {
      name: this.cfg.nodeName,
      internalIP: this.cfg.nodeIP,
      ...(this.cfg.podCidr ? { podCidr: this.cfg.podCidr } : {}),
      kubeletPort: this.cfg.kubeletPort,
      maxPods: this.cfg.maxPods,
      runtimeVersion: this.cfg.runtimeVersion,
      labels: this.cfg.labels,
    };
  }

  private async runtimeReady(): Promise<{ ok: boolean; message: string }> {
    try {
      const st = await this.deps.cri.status(false, { timeoutMs: 5_000 });
      const bad = (st.status?.conditions ?? []).filter((c) => !c.status);
      if (bad.length) return { ok: false, message: `container runtime not ready: ${bad.map((c) => `${c.type}=false reason:${c.reason} message:${c.message}`).join(', ')}` };
      return { ok: true, message: '' };
    } catch (e) {
      return { ok: false, message: `container runtime is down: ${(e as Error).message}` };
    }
  }

  /** Creates the Node or updates its labels, addresses and status (as a restarted kubelet does). */
  async register(): Promise<Node> {
    const now = nowRfc3339();
    const conds = nodeConditions(readPressure(this.cfg.dir), await this.runtimeReady(), undefined, now);
    const desired = nodeObject(this.shape(), nodeStatus(this.shape(), this.machine, conds));
    let node: Node;
    try {
      node = await this.deps.client.create<Node>(NODES, undefined, desired);
      this.deps.log.info({ node: this.cfg.nodeName }, 'node registered');
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const cur = await this.deps.client.get<Node>(NODES, undefined, this.cfg.nodeName);
      const spec = cur.spec?.podCIDR || !this.cfg.podCidr ? {} : { spec: { podCIDR: this.cfg.podCidr, podCIDRs: [this.cfg.podCidr] } };
      await this.deps.client.patch(NODES, undefined, this.cfg.nodeName, 'merge', { metadata: { labels: this.cfg.labels }, ...spec });
      node = await this.deps.client.patch<Node>(NODES, undefined, this.cfg.nodeName, 'merge', { status: { ...desired.status, conditions: nodeConditions(readPressure(this.cfg.dir), await this.runtimeReady(), cur.status?.conditions, now) } }, { subresource: 'status' });
    }
    this.node = node;
    return node;
  }

  private async heartbeat(): Promise<void> {
    const now = nowRfc3339();
    const conds = nodeConditions(readPressure(this.cfg.dir), await this.runtimeReady(), this.node?.status?.conditions, now);
    try {
      this.node = await this.deps.client.patch<Node>(NODES, undefined, this.cfg.nodeName, 'merge', { status: { conditions: conds, nodeInfo: nodeStatus(this.shape(), this.machine, conds).nodeInfo } }, { subresource: 'status' });
    } catch (e) {
      if (isNotFound(e)) await this.register();
      else throw e;
    }
  }

  private async renewLease(): Promise<void> {
    const body = (rv?: string): Lease => ({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.cfg.nodeName,
        namespace: LEASE_NAMESPACE,
        ...(rv ? { resourceVersion: rv } : {}),
        ...(this.node?.metadata?.uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.cfg.nodeName, uid: this.node.metadata.uid }] } : {}),
      },
      spec: { holderIdentity: this.cfg.nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: nowMicroTime() },
    }) as Lease;
    try {
      if (this.lease) this.lease = await this.deps.client.update<Lease>(LEASES, body(this.lease.metadata?.resourceVersion));
      else this.lease = await this.deps.client.create<Lease>(LEASES, LEASE_NAMESPACE, body());
    } catch (e) {
      if (isConflict(e) || isAlreadyExists(e) || isNotFound(e)) {
        this.lease = undefined;
        try {
          const cur = await this.deps.client.get<Lease>(LEASES, LEASE_NAMESPACE, this.cfg.nodeName);
          this.lease = await this.deps.client.update<Lease>(LEASES, body(cur.metadata?.resourceVersion));
        } catch (e2) {
          if (isNotFound(e2)) this.lease = await this.deps.client.create<Lease>(LEASES, LEASE_NAMESPACE, body());
          else throw e2;
        }
      } else throw e;
    }
  }

  private loop(everyMs: number, fn: () => Promise<void>, what: string, signal: AbortSignal): Promise<void> {
    return (async () => {
      while (!signal.aborted) {
        try { await fn(); } catch (e) { if (!signal.aborted) this.deps.log.warn({ err: (e as Error).message }, `${what} failed`); }
        await sleep(everyMs, signal).catch(() => undefined);
      }
    })();
  }

  /** Pods this kubelet runs right now (API and static), for the server. */
  podList(): Pod[] {
    return [...this.pods.values()].filter((r) => !r.deleted).map((r) => r.pod);
  }

  findPod(namespace: string, name: string): PodRecord | undefined {
    for (const r of this.pods.values()) if (r.pod.metadata?.namespace === namespace && r.pod.metadata?.name === name && !r.deleted) return r;
    return undefined;
  }

  /** A pod's container by name (app or init) for logs/exec/attach: newest and previous instance. */
  lookupContainer(namespace: string, podName: string, container: string): { pod: Pod; containerId?: string; logPath?: string; previousLogPath?: string; running: boolean } | undefined {
    const rec = this.findPod(namespace, podName);
    if (!rec) return undefined;
    const rs = this.snapshots.get(rec.pod.metadata!.uid!);
    const all = (rs?.containers ?? []).filter((c) => c.name === container);
    const cur = all[0];
    const prev = all[1];
    return {
      pod: rec.pod,
      running: cur?.state === 'CONTAINER_RUNNING',
      ...(cur ? { containerId: cur.id, logPath: cur.logPath } : {}),
      ...(prev ? { previousLogPath: prev.logPath } : {}),
    };
  }

  /** The pod's ready sandbox (port-forward). */
  sandboxId(namespace: string, podName: string): string | undefined {
    const rec = this.findPod(namespace, podName);
    const sb = rec ? this.snapshots.get(rec.pod.metadata!.uid!)?.sandboxes[0] : undefined;
    return sb?.ready ? sb.id : undefined;
  }

  /** Replaces the whole set of pods from one static source (`file`, `http-url`, `http-endpoint`). */
  setSourcePods(source: string, pods: Pod[]): void {
    const now = new Set(pods.map((p) => p.metadata!.uid!));
    for (const uid of this.sourceUids.get(source) ?? []) {
      const r = this.pods.get(uid);
      if (r && !now.has(uid)) { r.deleted = true; this.queue.add(uid); }
    }
    this.sourceUids.set(source, now);
    for (const p of pods) {
      // Within the kubelet the first pod of a namespace/name wins, as upstream merges sources.
      const clash = this.findPod(p.metadata!.namespace ?? 'default', p.metadata!.name!);
      if (clash && clash.pod.metadata?.uid !== p.metadata!.uid) continue;
      this.upsert(p);
    }
    this.mirrorsDirty();
  }
  private readonly sourceUids = new Map<string, Set<string>>();

  /** Static pods this kubelet runs (for mirror pods). */
  staticPods(): Pod[] {
    return [...this.pods.values()].filter((r) => this.isStatic(r.pod) && !r.deleted).map((r) => r.pod);
  }

  /** Static pods still being stopped after their source dropped them (their mirrors stay). */
  terminatingStatic(): Set<string> {
    return new Set([...this.pods.values()].filter((r) => this.isStatic(r.pod) && r.deleted).map((r) => `${r.pod.metadata!.namespace ?? 'default'}/${r.pod.metadata!.name}`));
  }

  /** Set by the agent: brings the API's mirror pods in line with the static pods. */
  syncMirrors: (() => Promise<void>) | undefined;
  private mirrorTimer: NodeJS.Timeout | undefined;
  private mirrorsDirty(): void {
    if (this.mirrorTimer || !this.syncMirrors) return;
    this.mirrorTimer = setTimeout(() => {
      this.mirrorTimer = undefined;
      void this.syncMirrors?.().catch((e: Error) => this.deps.log.warn({ err: e.message }, 'mirror pod sync failed'));
    }, 100);
  }

  nodeUid(): string | undefined {
    return this.node?.metadata?.uid;
  }

  private upsert(p: Pod): void {
    const uid = p.metadata!.uid!;
    const r = this.pods.get(uid);
    if (r) { r.pod = p; r.deleted = false; } else this.pods.set(uid, { pod: p, firstSeen: nowRfc3339(), waiting: new Map(), initFailed: false, deleted: false });
    this.queue.add(uid);
  }

  async run(signal: AbortSignal): Promise<void> {
    const { client, log } = this.deps;
    for (;;) {
      try { await this.register(); break; } catch (e) {
        log.warn({ err: (e as Error).message }, 'node registration failed; retrying');
        await sleep(2_000, signal).catch(() => undefined);
        if (signal.aborted) return;
      }
    }
    const factory = new SharedInformerFactory(client, { log });
    const podInf = factory.informerFor<Pod>(PODS, { fieldSelector: `spec.nodeName=${this.cfg.nodeName}` });
    const svcInf = factory.informerFor<Service>(SERVICES);
    this.podInformer = podInf;
    this.serviceInformer = svcInf;
    this.runtime.setEnvironment(this.deps.makeEnvironment(this));
    this.prober = this.deps.makeProber?.(this);
    // Mirror pods only reflect static pods: they are never run; their changes re-sync the mirrors.
    const mirror = (p: Pod): boolean => p.metadata?.annotations?.['kubernetes.io/config.mirror'] !== undefined;
    podInf.addEventHandler({
      onAdd: (p) => (mirror(p) ? this.mirrorsDirty() : this.upsert(p)),
      onUpdate: (_o, p) => (mirror(p) ? this.mirrorsDirty() : this.upsert(p)),
      onDelete: (d) => {
        if (d.lastKnown && mirror(d.lastKnown)) { this.mirrorsDirty(); return; }
        const uid = d.lastKnown?.metadata?.uid;
        const r = uid ? this.pods.get(uid) : undefined;
        if (r && uid) { r.deleted = true; this.queue.add(uid); }
      },
    });
    factory.start(signal);
    const workers = runWorkers(this.queue, this.cfg.workers, (uid) => this.sync(uid, signal), signal, log);
    const loops = [
      this.loop(this.cfg.leaseRenewMs, () => this.renewLease(), 'lease renewal', signal),
      this.loop(this.cfg.nodeStatusMs, () => this.heartbeat(), 'node status update', signal),
    ];
    try {
      await factory.waitForCacheSync(signal);
      this.synced = true;
      log.info({ pods: podInf.indexer.size }, 'pod informer synced');
    } catch { /* aborted */ }
    loops.push(this.loop(this.cfg.relistMs, () => this.relist(), 'relist', signal));
    loops.push(this.loop(this.cfg.resyncMs, async () => {
      for (const uid of this.pods.keys()) this.queue.add(uid);
      // Pod directories of pods this kubelet no longer knows (e.g. deleted while it was down).
      for (const uid of this.podDirsOnDisk?.() ?? []) {
        if (!this.pods.has(uid) && !this.relistSig.has(uid)) await this.onPodRemoved?.(uid);
      }
    }, 'resync', signal));
    if (this.syncMirrors) loops.push(this.loop(5_000, () => this.syncMirrors!(), 'mirror pod sync', signal));
    await new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener('abort', () => r(), { once: true })));
    this.prober?.stop?.();
    await workers;
    await Promise.all(loops);
    await factory.stopped();
  }

  /** Lists the runtime once; pods whose containers changed are synced; orphans are queued for removal. */
  async relist(): Promise<void> {
    const [sbs, cs] = await Promise.all([
      this.deps.cri.listPodSandbox({ labelSelector: { [K8TS_NODE]: this.cfg.nodeName } }),
      this.deps.cri.listContainers({ labelSelector: { [K8TS_NODE]: this.cfg.nodeName } }),
    ]);
    const sig = new Map<string, string[]>();
    for (const s of sbs) {
      const uid = s.labels[POD_UID];
      if (uid) (sig.get(uid) ?? sig.set(uid, []).get(uid)!).push(`${s.id}:${s.state}`);
    }
    for (const c of cs) {
      const uid = c.labels[POD_UID];
      if (uid) (sig.get(uid) ?? sig.set(uid, []).get(uid)!).push(`${c.id}:${c.state}`);
    }
    const next = new Map<string, string>();
    for (const [uid, parts] of sig) {
      const s = parts.sort().join(',');
      next.set(uid, s);
      if (this.relistSig.get(uid) !== s) this.queue.add(uid);
      if (this.synced && !this.pods.has(uid)) this.queue.add(uid);
    }
    for (const uid of this.relistSig.keys()) if (!next.has(uid)) this.queue.add(uid);
    this.relistSig = next;
  }

  private gracePeriod(pod: Pod): number {
    return pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  }

  /** One level-triggered sync of the pod with this uid. */
  async sync(uid: string, signal: AbortSignal): Promise<void> {
    const rec = this.pods.get(uid);
    let rs = await readPodStatus(this.deps.cri, uid);
    if (!rec || rec.deleted) {
      if (!rec && !this.synced) return;
      if (rs.sandboxes.length || rs.containers.length) {
        if (rec) await this.runtime.killPod(rec.pod, rs, this.gracePeriod(rec.pod), signal);
        else await this.runtime.killPod({ metadata: { uid, name: '', namespace: '' } } as Pod, rs, 0, signal);
        await this.runtime.removePod(uid, await readPodStatus(this.deps.cri, uid));
      }
      await this.cleanupPod(uid);
      return;
    }
    const pod = rec.pod;
    const terminalInApi = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    if (pod.metadata?.deletionTimestamp || terminalInApi) {
      if (rs.containers.some((c) => c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED') || rs.sandboxes.some((s) => s.ready)) {
        await this.runtime.killPod(pod, rs, pod.metadata?.deletionTimestamp ? this.gracePeriod(pod) : 0, signal);
        rs = await readPodStatus(this.deps.cri, uid);
      }
      this.snapshots.set(uid, rs);
      this.prober?.removePod(uid);
      await this.writeStatus(rec, rs);
      if (pod.metadata?.deletionTimestamp && !this.isStatic(pod)) {
        try {
          await this.deps.client.delete(PODS, pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid } });
        } catch (e) {
          if (!isNotFound(e) && !isConflict(e)) throw e;
        }
      }
      return;
    }

    const t0 = performance.now();
    const actions = computePodActions(pod, rs, this.backoff);
    rec.initFailed = actions.initFailed;
    rec.waiting = await this.runtime.syncPod(pod, rs, actions, signal);
    const t1 = performance.now();
    rs = await readPodStatus(this.deps.cri, uid);
    this.snapshots.set(uid, rs);
    const sb = rs.sandboxes[0];
    this.prober?.update(pod, pod.spec?.hostNetwork ? this.cfg.nodeIP : sb?.ip, rs.containers.filter((c) => c.sandboxId === sb?.id && !c.init).map((c) => ({ name: c.name, containerId: c.id, running: c.state === 'CONTAINER_RUNNING', startedAtMs: c.startedAtMs })));
    const t2 = performance.now();
    if (pod.spec?.containers?.some((c) => c.ports?.some((p) => p.hostPort))) this.hostPortsDirty();
    const status = await this.writeStatus(rec, rs);
    if (actions.createSandbox || actions.start.length) this.deps.log.debug({ pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, runtimeMs: Math.round(t1 - t0), readMs: Math.round(t2 - t1), statusMs: Math.round(performance.now() - t2) }, 'pod synced');
    if (status === 'Succeeded' || status === 'Failed') {
      // Done: stop the sandbox (frees the IP) but keep exited containers for logs.
      await this.runtime.killPod(pod, rs, 0, signal);
    } else {
      await this.runtime.gc(rs);
    }
    for (const w of actions.waiting) this.queue.addAfter(uid, w.remainingMs + 50);
    if ([...rec.waiting.values()].some((w) => w.reason === 'ErrImagePull' || w.reason === 'ImagePullBackOff' || w.reason === 'CreateContainerConfigError' || w.reason === 'ContainerCreating')) {
      this.queue.addAfter(uid, 2_000);
    }
  }

  isStatic(pod: Pod): boolean {
    const src = pod.metadata?.annotations?.['kubernetes.io/config.source'];
    return src !== undefined && src !== 'api';
  }

  /** The API pod status is written to: the pod itself, or a static pod's mirror. */
  private statusTarget(pod: Pod): Pod | undefined {
    if (!this.isStatic(pod)) return pod;
    const m = this.podInformer?.lister.get(pod.metadata?.namespace ?? 'default', pod.metadata!.name!);
    const hash = pod.metadata?.annotations?.['kubernetes.io/config.hash'];
    return m && hash && m.metadata?.annotations?.['kubernetes.io/config.mirror'] === hash ? m : undefined;
  }

  private async writeStatus(rec: PodRecord, rs: RuntimePodStatus): Promise<string | undefined> {
    const pod = rec.pod;
    const uid = pod.metadata!.uid!;
    const target = this.statusTarget(pod);
    const base = target ? { ...pod, status: target.status } : pod;
    const status = generatePodStatus(base, rs, {
      hostIP: this.cfg.nodeIP,
      firstSeen: rec.firstSeen,
      waiting: rec.waiting,
      isReady: (n, id) => this.prober ? this.prober.isReady(uid, n, id) : true,
      isStarted: (n, id) => this.prober ? this.prober.isStarted(uid, n, id) : true,
      terminationMessage: (c) => this.runtime.terminationMessage(pod, c),
      initFailed: rec.initFailed,
      now: nowRfc3339(),
    });
    if (!target) return status.phase;
    const json = `${target.metadata!.uid}:${JSON.stringify(status)}`;
    if (json === rec.lastStatus && target.status?.phase === status.phase) return status.phase;
    try {
      const out = await this.deps.client.patch<Pod>(PODS, target.metadata!.namespace, target.metadata!.name!, 'merge', { metadata: { uid: target.metadata!.uid }, status }, { subresource: 'status' });
      rec.lastStatus = json;
      rec.pod = { ...rec.pod, status: out.status! };
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    return status.phase;
  }

  /** A liveness or startup probe failed: kill that container; the next sync restarts it per policy. */
  async killForProbe(pod: Pod, name: string, containerId: string, probe: 'liveness' | 'startup', _output: string): Promise<void> {
    const rs = this.snapshots.get(pod.metadata!.uid!);
    const c = rs?.containers.find((x) => x.id === containerId);
    if (!c) return;
    const spec = pod.spec?.containers?.find((x) => x.name === name);
    const p = probe === 'liveness' ? spec?.livenessProbe : spec?.startupProbe;
    const grace = p?.terminationGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    const willRestart = (pod.spec?.restartPolicy ?? 'Always') !== 'Never';
    const msg = `Container ${name} failed ${probe} probe${willRestart ? ', will be restarted' : ''}`;
    await this.runtime.killContainer(pod, c, grace, msg).catch((e: Error) => this.deps.log.warn({ err: e.message }, 'probe kill failed'));
    this.queue.add(pod.metadata!.uid!);
  }

  /** hostPort mappings of the pods running on the pod network with an IP. */
  hostPortMappings(): HostPortMapping[] {
    const out: HostPortMapping[] = [];
    for (const [uid, r] of this.pods) {
      if (r.deleted || r.pod.spec?.hostNetwork) continue;
      const sb = this.snapshots.get(uid)?.sandboxes[0];
      if (!sb?.ready || !sb.ip) continue;
      for (const c of r.pod.spec?.containers ?? []) {
        for (const p of c.ports ?? []) {
          if (!p.hostPort) continue;
          out.push({
            pod: `${r.pod.metadata!.namespace ?? 'default'}/${r.pod.metadata!.name}`,
            protocol: (p.protocol ?? 'TCP') as HostPortMapping['protocol'],
            hostPort: p.hostPort,
            ...(p.hostIP ? { hostIP: p.hostIP } : {}),
            podIP: sb.ip,
            containerPort: p.containerPort,
          });
        }
      }
    }
    return out;
  }

  /** Re-applies the hostPort rules soon (coalesced) when a pod with host ports changed. */
  private hostPortsDirty(): void {
    if (this.hostPortTimer) return;
    this.hostPortTimer = setTimeout(() => {
      this.hostPortTimer = undefined;
      void this.hostPorts.sync(this.hostPortMappings());
    }, 50);
  }

  private async cleanupPod(uid: string): Promise<void> {
    this.prober?.removePod(uid);
    this.snapshots.delete(uid);
    this.backoff.forgetPrefix(`${uid}/`);
    const r = this.pods.get(uid);
    if (r?.deleted) this.pods.delete(uid);
    this.hostPortsDirty();
    // The pod's CRI log directory goes with it (`<ns>_<name>_<uid>`).
    try {
      for (const d of readdirSync(this.logsDir)) if (d.endsWith(`_${uid}`)) rmSync(join(this.logsDir, d), { recursive: true, force: true });
    } catch { /* no logs dir yet */ }
    await this.onPodRemoved?.(uid);
    if (r && this.isStatic(r.pod)) this.mirrorsDirty();
  }

  /** Set by the agent: the pod uids that have a directory under pods/. */
  podDirsOnDisk: (() => string[]) | undefined;

  /** Set by the agent: tear down volumes and pod directories. */
  onPodRemoved: ((uid: string) => Promise<void>) | undefined;
}
