/**
 * A simulated ("hollow") kubelet for many nodes in one process: registers the nodes, keeps their
 * Leases and status heartbeats fresh, and plays the kubelet for pods bound to them without running
 * containers.
 *
 * Contracts:
 * - Registration is idempotent: existing Nodes and Leases are updated, not recreated.
 * - One shared pod informer (`spec.nodeName!=`) serves every node; pods of other nodes are ignored.
 * - Lease renewals and node status heartbeats run off one `TimerWheel` each, spread evenly across
 *   their interval; a node whose previous write is still in flight skips that round.
 * - Pod work goes through one WorkQueue keyed `namespace/name`; `sync` is level-triggered from the
 *   informer's cache plus the per-pod simulation state (start time, IP, exit).
 * - Stopping (the signal aborts) stops heartbeats and workers; Nodes and Leases are left in place.
 */
import type { Node as NodeT, Pod as PodT } from 'kubernetes-types/core/v1.js';
import type { Lease as LeaseT } from 'kubernetes-types/coordination/v1.js';
import type { KubeObject } from '../../api/types.js';
import { RESOURCES, type ResourceInfo } from '../../api/resources.js';
import { isAlreadyExists, isConflict, isNotFound, type RestClient } from '../../client/rest.js';
import { SharedInformerFactory, type SharedInformer } from '../../client/informer.js';
import { WorkQueue, runWorkers } from '../../client/workqueue.js';
import { keyOf, splitKey, nowRfc3339, nowMicroTime } from '../../machinery/meta.js';
import type { Logger } from '../../util/logger.js';
import { sleep } from '../../util/abort.js';
import { nodeInternalIP, nodePodCidr, nodesInCluster, parseCidr, formatCidr, PodIpAllocator, cidrContains } from './cidr.js';
import { TimerWheel } from './wheel.js';
import { CpuCounters, defaultUsageConfig, renderResourceMetrics, type RunningPod, type UsageConfig } from './usage.js';
import { startKubeletEndpoint } from './metricsendpoint.js';
import { LEASE_NAMESPACE, leaseObject, nodeConditions, nodeLabels, nodeObject, nodeStatus, plannedExit, plannedRestarts, podStatus, sameStatus, type NodeShape, type PodRun } from './objects.js';
import { forEachLimit, errorText as errText } from '../../util/concurrency.js';

type Pod = PodT & KubeObject;
type Node = NodeT & KubeObject;
type Lease = LeaseT & KubeObject;

const res = (group: string, resource: string): ResourceInfo => {
  const r = RESOURCES.find((x) => x.group === group && x.resource === resource);
  if (!r) throw new Error(`resource ${resource}.${group} missing from the catalogue`);
  return r;
};
const NODES = res('', 'nodes');
const PODS = res('', 'pods');
const LEASES = res('coordination.k8s.io', 'leases');

export interface SimulatedAgentConfig {
  /** How many nodes to simulate. */
  count: number;
  /** Node names are `<prefix><index>`. */
  prefix: string;
  clusterCidr: string;
  cpu: string;
  memory: string;
  pods: string;
  leaseRenewMs: number;
  nodeStatusMs: number;
  podStartDelayMs: number;
  /** Upper bound of a simulated termination (the pod's grace period is the other bound). */
  podTerminationMs: number;
  workers: number;
  /** Nodes registered at once. Default 64. */
  registerConcurrency?: number;
  /** Synthetic usage (usage.ts). */
  usage?: UsageConfig;
  /** Port of the shared kubelet endpoint on 127.0.0.1 (0: any free port; undefined: not served). */
  kubeletPort?: number;
}

interface SimNode {
  index: number;
  shape: NodeShape;
  since: string;
  uid?: string;
  lease?: Lease;
  alloc: PodIpAllocator;
  leaseBusy: boolean;
  statusBusy: boolean;
}

interface SimPod {
  uid: string;
  node: SimNode;
  firstSeenMs: number;
  run?: PodRun & { startedMs: number };
  ipHeld: boolean;
  deletingSinceMs?: number;
}

export interface AgentStats {
  nodes: number;
  pods: number;
  leaseRenewals: number;
  leaseFailures: number;
  statusUpdates: number;
  statusFailures: number;
  podStatusWrites: number;
  podDeletes: number;
}

export class SimulatedAgent {
  readonly nodes: SimNode[] = [];
  private readonly byName = new Map<string, SimNode>();
  private readonly pods = new Map<string, SimPod>();
  private readonly queue = new WorkQueue<string>('simulated-pods');
  private informer: SharedInformer<Pod> | undefined;
  private readonly cpuCounters = new CpuCounters();
  readonly stats: AgentStats = { nodes: 0, pods: 0, leaseRenewals: 0, leaseFailures: 0, statusUpdates: 0, statusFailures: 0, podStatusWrites: 0, podDeletes: 0 };

  constructor(
    private readonly client: RestClient,
    private readonly cfg: SimulatedAgentConfig,
    private readonly log: Logger,
  ) {
    const cluster = parseCidr(cfg.clusterCidr);
    if (cfg.count > nodesInCluster(cluster)) {
      log.warn({ clusterCidr: formatCidr(cluster), nodes: cfg.count, fit: nodesInCluster(cluster) }, 'more simulated nodes than /24s in the cluster CIDR; pod CIDRs continue past its end');
    }
    const since = nowRfc3339();
    for (let i = 0; i < cfg.count; i++) {
      const name = `${cfg.prefix}${i}`;
      const cidr = nodePodCidr(cluster, i);
      const n: SimNode = {
        index: i,
        shape: { name, podCidr: formatCidr(cidr), internalIP: nodeInternalIP(i), cpu: cfg.cpu, memory: cfg.memory, pods: cfg.pods },
        since,
        alloc: new PodIpAllocator(cidr),
        leaseBusy: false,
        statusBusy: false,
      };
      this.nodes.push(n);
      this.byName.set(name, n);
    }
  }

  /** Creates or updates every Node and its Lease. */
  async register(signal?: AbortSignal): Promise<void> {
    await forEachLimit(this.nodes, this.cfg.registerConcurrency ?? 64, async (n) => {
      if (signal?.aborted) return;
      await this.retry(() => this.registerNode(n), signal);
      await this.retry(() => this.ensureLease(n), signal);
      this.stats.nodes++;
    });
  }

  /** Registers, then runs heartbeats and pod workers until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const t0 = Date.now();
    if (this.cfg.kubeletPort !== undefined) {
      const ep = await startKubeletEndpoint((only) => this.resourceMetrics(only), this.cfg.kubeletPort, signal);
      for (const n of this.nodes) n.shape.kubeletPort = ep.port;
      this.log.info({ port: ep.port }, 'kubelet endpoint listening on 127.0.0.1');
    }
    await this.register(signal);
    if (signal.aborted) return;
    this.log.info({ nodes: this.nodes.length, ms: Date.now() - t0 }, 'simulated nodes registered');

    const leases = new TimerWheel(this.nodes.length, this.cfg.leaseRenewMs, (i) => void this.renewLease(this.nodes[i]!));
    const statuses = new TimerWheel(this.nodes.length, this.cfg.nodeStatusMs, (i) => void this.heartbeat(this.nodes[i]!));
    leases.start();
    statuses.start();

    const factory = new SharedInformerFactory(this.client, { log: this.log });
    const inf = factory.informerFor<Pod>(PODS, { fieldSelector: 'spec.nodeName!=' });
    this.informer = inf;
    const mine = (p: Pod) => this.byName.has(p.spec?.nodeName ?? '');
    inf.addEventHandler({
      onAdd: (p) => {
        if (mine(p)) this.queue.add(keyOf(p));
      },
      onUpdate: (_o, p) => {
        if (mine(p) || this.pods.has(keyOf(p))) this.queue.add(keyOf(p));
      },
      onDelete: (d) => {
        if (this.pods.has(d.key)) this.queue.add(d.key);
      },
    });
    factory.start(signal);
    const workers = runWorkers(this.queue, this.cfg.workers, (key) => this.sync(key), signal, this.log);
    try {
      await factory.waitForCacheSync(signal);
      this.log.info({ pods: inf.indexer.size }, 'pod informer synced');
    } catch {
      /* aborted */
    }
    await new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener('abort', () => r(), { once: true })));
    leases.stop();
    statuses.stop();
    await workers;
    await factory.stopped();
  }

  /** The `/metrics/resource` text for `only` (default: every node of this agent). */
  resourceMetrics(only?: Set<string>): string {
    const nodes = this.nodes.map((n) => n.shape.name).filter((n) => !only || only.has(n));
    const running: RunningPod[] = [];
    for (const [key, st] of this.pods) {
      if (!st.run || st.run.exit) continue;
      const { namespace, name } = splitKey(key);
      const pod = this.informer?.lister.get(namespace, name);
      if (pod && pod.metadata?.uid === st.uid) running.push({ node: st.node.shape.name, pod, startedMs: st.run.startedMs });
    }
    return renderResourceMetrics(nodes, running, this.cfg.usage ?? defaultUsageConfig, this.cpuCounters, Date.now(), !only);
  }

  private async retry(fn: () => Promise<void>, signal?: AbortSignal): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (signal?.aborted || attempt >= 8) throw err;
        this.log.warn({ err: errText(err), attempt }, 'registration step failed; retrying');
        await sleep(Math.min(5000, 200 * 2 ** attempt), signal);
      }
    }
  }

  private async registerNode(n: SimNode): Promise<void> {
    const now = nowRfc3339();
    try {
      const created = await this.client.create<Node>(NODES, undefined, nodeObject(n.shape, n.since, now) as Node);
      n.uid = created.metadata?.uid;
      return;
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    const cur = await this.client.get<Node>(NODES, undefined, n.shape.name);
    const spec = cur.spec ?? {};
    if (spec.podCIDR && spec.podCIDR !== n.shape.podCidr) {
      // podCIDR is immutable once set: adopt the existing range.
      n.shape.podCidr = spec.podCIDR;
      n.alloc = new PodIpAllocator(parseCidr(spec.podCIDR));
    }
    const upd: Node = {
      ...cur,
      metadata: { ...cur.metadata, labels: { ...(cur.metadata?.labels ?? {}), ...nodeLabels(n.shape.name) } },
      spec: { ...spec, podCIDR: n.shape.podCidr, podCIDRs: [n.shape.podCidr] },
    };
    const saved = await this.client.update<Node>(NODES, upd);
    n.uid = saved.metadata?.uid;
    await this.client.updateStatus<Node>(NODES, { ...saved, status: nodeStatus(n.shape, n.since, now) } as Node);
  }

  private async ensureLease(n: SimNode): Promise<void> {
    const want = leaseObject(n.shape.name, n.uid, nowMicroTime());
    try {
      n.lease = await this.client.create<Lease>(LEASES, LEASE_NAMESPACE, want as Lease);
      return;
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    const cur = await this.client.get<Lease>(LEASES, LEASE_NAMESPACE, n.shape.name);
    n.lease = await this.client.update<Lease>(LEASES, { ...cur, metadata: { ...cur.metadata, ownerReferences: want.metadata?.ownerReferences }, spec: want.spec } as Lease);
  }

  private async renewLease(n: SimNode): Promise<void> {
    if (n.leaseBusy) return;
    n.leaseBusy = true;
    try {
      const base = n.lease;
      if (!base) {
        await this.ensureLease(n);
      } else {
        try {
          n.lease = await this.client.update<Lease>(LEASES, { ...base, spec: { ...base.spec, holderIdentity: n.shape.name, renewTime: nowMicroTime() } } as Lease);
        } catch (err) {
          if (!isConflict(err) && !isNotFound(err)) throw err;
          // Someone else wrote the Lease (or deleted it): start again from the server's copy.
          n.lease = undefined;
          await this.ensureLease(n);
        }
      }
      this.stats.leaseRenewals++;
    } catch (err) {
      this.stats.leaseFailures++;
      this.log.debug({ name: n.shape.name, err: errText(err) }, 'lease renewal failed');
    } finally {
      n.leaseBusy = false;
    }
  }

  private async heartbeat(n: SimNode): Promise<void> {
    if (n.statusBusy) return;
    n.statusBusy = true;
    try {
      await this.client.patch(NODES, undefined, n.shape.name, 'merge', { status: { conditions: nodeConditions(n.since, nowRfc3339()) } }, { subresource: 'status' });
      this.stats.statusUpdates++;
    } catch (err) {
      this.stats.statusFailures++;
      if (isNotFound(err)) {
        // The Node was deleted: register it again, as a kubelet does after restart.
        await this.registerNode(n).catch(() => undefined);
      }
      this.log.debug({ name: n.shape.name, err: errText(err) }, 'node status heartbeat failed');
    } finally {
      n.statusBusy = false;
    }
  }

  private release(key: string, st: SimPod): void {
    if (st.ipHeld && st.run) st.node.alloc.free(st.run.podIP);
    st.ipHeld = false;
    this.pods.delete(key);
    this.stats.pods = this.pods.size;
  }

  /** Brings one pod's reported state in line with the simulation. Idempotent. */
  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.informer?.lister.get(namespace, name);
    let st = this.pods.get(key);
    const node = pod ? this.byName.get(pod.spec?.nodeName ?? '') : undefined;
    if (st && (!pod || !node || st.uid !== pod.metadata?.uid || st.node !== node)) {
      this.release(key, st);
      st = undefined;
    }
    if (!pod || !node) return;
    const now = Date.now();
    if (!st) {
      st = { uid: pod.metadata?.uid ?? '', node, firstSeenMs: now, ipHeld: false };
      const ip = pod.status?.podIP;
      if (ip && cidrContains(node.alloc.cidr, ip) && (pod.status?.phase === 'Running' || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed')) {
        // Re-adopt a pod this agent (or an earlier run of it) started.
        const held = pod.status.phase === 'Running' && node.alloc.claim(ip);
        const startedMs = Date.parse(pod.status.startTime ?? '') || now;
        st.run = { podIP: ip, hostIP: node.shape.internalIP, startTime: pod.status.startTime ?? nowRfc3339(), restarts: 0, startedMs };
        st.ipHeld = held;
        if (pod.status.phase !== 'Running') {
          const cs = pod.status.containerStatuses?.[0]?.state?.terminated;
          st.run.exit = { code: cs?.exitCode ?? (pod.status.phase === 'Succeeded' ? 0 : 1), at: cs?.finishedAt ?? nowRfc3339() };
        }
      }
      this.pods.set(key, st);
      this.stats.pods = this.pods.size;
    }

    if (pod.metadata?.deletionTimestamp) {
      st.deletingSinceMs ??= now;
      const graceMs = (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000;
      const wait = Math.min(graceMs, this.cfg.podTerminationMs) - (now - st.deletingSinceMs);
      if (wait > 0) {
        this.queue.addAfter(key, wait);
        return;
      }
      try {
        await this.client.delete(PODS, namespace, name, { gracePeriodSeconds: 0, preconditions: { uid: st.uid } });
        this.stats.podDeletes++;
      } catch (err) {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
      this.release(key, st);
      return;
    }

    const phase = pod.status?.phase;
    if ((phase === 'Succeeded' || phase === 'Failed') && !st.run?.exit) {
      // Ended by someone else (e.g. an eviction): nothing left to run.
      if (st.ipHeld && st.run) st.node.alloc.free(st.run.podIP);
      st.ipHeld = false;
      return;
    }

    if (!st.run) {
      const wait = this.cfg.podStartDelayMs - (now - st.firstSeenMs);
      if (wait > 0) {
        this.queue.addAfter(key, wait);
        return;
      }
      const ip = node.alloc.allocate();
      if (!ip) {
        this.log.warn({ namespace, name, node: node.shape.name }, 'pod CIDR exhausted; retrying');
        this.queue.addAfter(key, 5000);
        return;
      }
      st.run = { podIP: ip, hostIP: node.shape.internalIP, startTime: nowRfc3339(), restarts: 0, startedMs: now };
      st.ipHeld = true;
    }
    const run = st.run;
    run.restarts = plannedRestarts(pod);
    const exit = plannedExit(pod);
    if (exit && !run.exit) {
      const endAt = run.startedMs + exit.runMs;
      if (now >= endAt) run.exit = { code: exit.code, at: nowRfc3339() };
      else this.queue.addAfter(key, endAt - now);
    }
    await this.writeStatus(pod, run);
    if (run.exit && st.ipHeld) {
      // The sandbox is gone once the containers ended: the IP may be reused (the status keeps it).
      node.alloc.free(run.podIP);
      st.ipHeld = false;
    }
  }

  private async writeStatus(pod: Pod, run: PodRun): Promise<void> {
    let cur = pod;
    for (let attempt = 0; ; attempt++) {
      const desired = podStatus(cur, run, nowRfc3339());
      if (sameStatus(cur.status, desired)) return;
      try {
        await this.client.updateStatus<Pod>(PODS, { ...cur, status: desired } as Pod);
        this.stats.podStatusWrites++;
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err) || attempt >= 4) throw err;
      }
      const fresh = await this.client.get<Pod>(PODS, cur.metadata?.namespace, cur.metadata?.name ?? '').catch((err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      });
      if (!fresh || fresh.metadata?.uid !== pod.metadata?.uid || fresh.metadata?.deletionTimestamp) return;
      cur = fresh;
    }
  }
}
