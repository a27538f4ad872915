/**
 * A real node: its own containerd (unless an endpoint is given), the offline image registry as
 * containerd's mirror, the pod bridge, and the kubelet. `cleanupNode` removes everything a node
 * made.
 *
 * Contracts:
 * - Everything lives under `dir` (`<data-dir>/agent`): containerd/ (root, state, socket, CNI
 *   config, IPAM), registry/, pods/, logs/. The bridge is `bridgeNameFor(nodeName)`; pod cgroups
 *   live under `/k8ts/<node>` in every cgroup hierarchy.
 * - The pod CIDR is `podCidr` when given, else the Node's spec.podCIDR as the nodeipam controller
 *   assigns it (waited for). The node IP defaults to the bridge gateway (first address of the pod
 *   CIDR): an address the node itself created.
 * - Stopping (signal) stops the kubelet, the registry and containerd; containers keep running in
 *   their shims and are adopted on the next start. `cleanupNode` kills and removes them.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RestClient } from '../client/rest.js';
import { isAlreadyExists } from '../client/rest.js';
import type { Logger } from '../util/logger.js';
import { sleep } from '../util/abort.js';
import { CriClient } from './runtime/cri/client.js';
import { killShims, startContainerd, containerdPaths, unmountUnder, type RegistryMirror, type RunningContainerd } from './runtime/containerd.js';
import { buildOfflineImages } from './images/oci.js';
import { freePort, pushOfflineImages, startRegistry, type LocalRegistry } from './images/registry.js';
import { Kubelet, type KubeletConfig, type PodProber } from './kubelet.js';
import type { PodEnvironment } from './kuberuntime/manager.js';
import { NODES, type Node } from './types.js';
import { cleanupHostPorts } from './hostport/manager.js';
import { anyNodeBridgeIn, bridgeNameFor, ensureBridge, ensureClusterRoute, gatewayOf, removeBridge, removeClusterRoute } from './network.js';

export interface RealAgentConfig {
  dir: string;
  nodeName: string;
  nodeIP?: string;
  podCidr?: string;
  clusterCidr: string;
  containerRuntimeEndpoint?: string;
  offlineImages: boolean;
  mirrors: RegistryMirror[];
  pauseImage: string;
  kubelet: Omit<KubeletConfig, 'nodeName' | 'nodeIP' | 'podCidr' | 'dir' | 'runtimeVersion' | 'cgroupRoot'>;
}

export interface RealAgentHooks {
  makeEnvironment(k: Kubelet): PodEnvironment;
  makeProber?(k: Kubelet): PodProber;
  /** Called once the kubelet exists and before it runs (server, pod sources). */
  onKubelet?(k: Kubelet, signal: AbortSignal): Promise<void>;
}

export const cgroupRootFor = (nodeName: string): string => `/k8ts/${nodeName}`;

/** Waits until the Node has spec.podCIDR (creating a bare Node when none exists). */
async function awaitPodCidr(client: RestClient, nodeName: string, log: Logger, signal: AbortSignal): Promise<string> {
  try {
    await client.create<Node>(NODES, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName }, spec: { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] } } as Node);
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
  for (let i = 0; !signal.aborted; i++) {
    const n = await client.get<Node>(NODES, undefined, nodeName);
    if (n.spec?.podCIDR) return n.spec.podCIDR;
    if (i % 20 === 0) log.info({ node: nodeName }, 'waiting for the node to get a pod CIDR (nodeipam)');
    await sleep(500, signal).catch(() => undefined);
  }
  throw new Error('aborted');
}

/**
 * Kills (SIGKILL, by PID) processes whose command line names a file under `dir` — a containerd or
 * registry left by an agent that was killed — so a new one can take their sockets and ports.
 */
export function killStaleChildren(dir: string): number[] {
  const killed: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let argv: string[];
    try { argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0'); } catch { continue; }
    const bin = argv[0] ?? '';
    if (!/(^|\/)(containerd|docker-registry)$/.test(bin)) continue;
    if (argv.slice(1).some((a) => a.startsWith(dir + '/'))) {
      try { process.kill(Number(name), 'SIGKILL'); killed.push(Number(name)); } catch { /* gone */ }
    }
  }
  return killed;
}

export async function runRealAgent(cfg: RealAgentConfig, client: RestClient, hooks: RealAgentHooks, log: Logger, signal: AbortSignal): Promise<void> {
  mkdirSync(cfg.dir, { recursive: true });
  const stale = killStaleChildren(cfg.dir);
  if (stale.length) log.warn({ pids: stale }, 'killed containerd/registry left by a previous agent');
  const t0 = Date.now();
  const podCidr = cfg.podCidr ?? (await awaitPodCidr(client, cfg.nodeName, log, signal));
  const bridge = bridgeNameFor(cfg.nodeName);
  const gw = await ensureBridge(bridge, podCidr);
  await ensureClusterRoute(cfg.clusterCidr);
  const nodeIP = cfg.nodeIP ?? gw;

  let registry: LocalRegistry | undefined;
  let ctrd: RunningContainerd | undefined;
  const mirrors = [...cfg.mirrors];
  try {
    // The registry (with the offline images pushed) and containerd start side by side: the mirror
    // address is fixed first, containerd only needs it in its hosts.toml.
    let registryReady: Promise<void> = Promise.resolve();
    if (cfg.offlineImages) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      for (const r of ['docker.io', 'registry.k8s.io']) if (!mirrors.some((m) => m.registry === r)) mirrors.push({ registry: r, endpoints: [url] });
      registryReady = (async () => {
        registry = await startRegistry({ dir: join(cfg.dir, 'registry'), port, signal });
        await pushOfflineImages(registry.url, buildOfflineImages(), signal);
        log.info({ url: registry.url }, 'offline image registry ready');
      })();
    }
    let endpoint = cfg.containerRuntimeEndpoint;
    const containerdReady = endpoint
      ? Promise.resolve()
      : startContainerd({ dir: join(cfg.dir, 'containerd'), sandboxImage: cfg.pauseImage, podCidr, bridgeName: bridge, mirrors }).then((c) => {
          ctrd = c;
          endpoint = c.endpoint;
          log.info({ pid: c.pid, endpoint: c.endpoint }, 'containerd ready');
        });
    const [reg, run] = await Promise.allSettled([registryReady, containerdReady]);
    for (const r of [reg, run]) if (r.status === 'rejected') throw r.reason;
    if (!endpoint) throw new Error('no container runtime endpoint');
    const cri = new CriClient({ endpoint });
    try {
      const v = await cri.version();
      const kubelet = new Kubelet(
        { ...cfg.kubelet, nodeName: cfg.nodeName, nodeIP, podCidr, dir: cfg.dir, runtimeVersion: `${v.runtimeName}://${v.runtimeVersion}`, cgroupRoot: cgroupRootFor(cfg.nodeName) },
        { client, cri, log, makeEnvironment: hooks.makeEnvironment, ...(hooks.makeProber ? { makeProber: hooks.makeProber } : {}) },
      );
      await hooks.onKubelet?.(kubelet, signal);
      log.info({ node: cfg.nodeName, nodeIP, podCidr, ms: Date.now() - t0 }, 'kubelet starting');
      await kubelet.run(signal);
    } finally {
      cri.close();
    }
  } finally {
    await ctrd?.stop();
    await registry?.stop();
  }
}

/** Removes every sandbox and container, containerd and its shims, mounts, the bridge, cgroups and the agent dir. */
export async function cleanupNode(dir: string, nodeName: string, clusterCidr: string | undefined, log: Logger): Promise<void> {
  killStaleChildren(dir);
  const cdir = join(dir, 'containerd');
  const paths = containerdPaths(cdir);
  if (existsSync(paths.config)) {
    let ctrd: RunningContainerd | undefined;
    try {
      ctrd = await startContainerd({ dir: cdir, sandboxImage: 'registry.k8s.io/pause:3.10', podCidr: '10.255.255.0/24', bridgeName: bridgeNameFor(nodeName) }).catch(() => undefined);
      if (ctrd) {
        const cri = new CriClient({ endpoint: ctrd.endpoint });
        for (const s of await cri.listPodSandbox().catch(() => [])) {
          await cri.stopPodSandbox(s.id).catch(() => undefined);
          await cri.removePodSandbox(s.id).catch(() => undefined);
        }
        cri.close();
      }
    } finally {
      await ctrd?.stop();
    }
    const killed = killShims(paths.socket);
    if (killed.length) log.info({ shims: killed.length }, 'killed leftover shims');
  }
  await unmountUnder(dir);
  await cleanupHostPorts(nodeName);
  await removeBridge(bridgeNameFor(nodeName));
  // The cluster route is shared by the nodes of this machine: removed with the cluster's last bridge.
  if (clusterCidr && !(await anyNodeBridgeIn(clusterCidr))) await removeClusterRoute(clusterCidr);
  removeCgroups(cgroupRootFor(nodeName));
  rmSync(dir, { recursive: true, force: true });
}

/** rmdir, deepest first, of `<hierarchy>/<root>` in every cgroup v1 hierarchy (and v2 if unified). */
export function removeCgroups(root: string): void {
  const base = '/sys/fs/cgroup';
  const hierarchies = existsSync(join(base, 'cgroup.controllers')) ? [base] : readdirSync(base).map((h) => join(base, h));
  const rmTree = (d: string): void => {
    let entries: string[] = [];
    try { entries = readdirSync(d); } catch { return; }
    for (const e of entries) {
      const p = join(d, e);
      try { if (statSync(p).isDirectory()) rmTree(p); } catch { /* gone */ }
    }
    try { rmdirSync(d); } catch { /* busy or gone */ }
  };
  for (const h of hierarchies) {
    rmTree(join(h, root));
    // the shared /k8ts parent goes when empty
    try { rmdirSync(join(h, root.split('/').slice(0, 2).join('/'))); } catch { /* other nodes remain */ }
  }
}

export { gatewayOf };
