/**
 * NodeInfo and Snapshot (framework.NodeInfo, internal/cache.Snapshot and its nodeTree).
 *
 * Contract:
 * - A NodeInfo aggregates the pods bound or assumed on one node: summed requests (as the
 *   NodeResourcesFit filter uses them), non-zero cpu/memory requests (as scoring uses them), used
 *   host ports and the node's images. `addPod`/`removePod` keep the sums exact.
 * - A Snapshot owns its NodeInfos. Mutate through the Snapshot (`addPod`, `removePod`, `setNode`,
 *   `removeNode`) so its indexes (pods with affinity, image spread) stay right; NodeInfo's own
 *   `addPod`/`removePod` are for standalone NodeInfos.
 * - `list` orders nodes as upstream's nodeTree: round-robin over zones (region + zone labels, zones
 *   in order of first appearance), so sampling a prefix of nodes covers zones evenly.
 * - Pods naming a node the snapshot does not know yet are kept and counted once the node arrives.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { addResourceList, emptyResource, podNonZeroRequests, podRequests, setScalar, wholeValue, type Resource } from './resources.js';
import { hasAffinity, hasRequiredAntiAffinity, podInfo, type HostPort, type PodInfo } from './podinfo.js';
import {
  LABEL_FAILURE_DOMAIN_BETA_REGION,
  LABEL_FAILURE_DOMAIN_BETA_ZONE,
  LABEL_TOPOLOGY_REGION,
  LABEL_TOPOLOGY_ZONE,
} from './types.js';

const EMPTY_LABELS: Readonly<Record<string, string>> = Object.freeze({});

function portKey(protocol: string, port: number): string {
  return `${protocol}/${port}`;
}

export class NodeInfo {
  node: Node;
  name: string;
  labels: Readonly<Record<string, string>>;
  readonly pods: PodInfo[] = [];
  readonly podsWithAffinity: PodInfo[] = [];
  readonly podsWithRequiredAntiAffinity: PodInfo[] = [];
  /** Sum of the pods' requests (NodeResourcesFit filter). */
  readonly requested: Resource = emptyResource();
  /** Sum of the pods' requests with non-zero cpu/memory defaults (scoring). */
  readonly nonZeroRequested = { milliCPU: 0, memory: 0 };
  allocatable: Resource = emptyResource();
  allowedPodNumber = 0;
  /** host IP → set of `protocol/port`. */
  readonly usedPorts = new Map<string, Set<string>>();
  /** Image name (as the node reports it) → size in bytes. */
  imageSizes = new Map<string, number>();
  /** Bumped on every change. */
  generation = 0;

  constructor(node: Node, pods: readonly Pod[] = []) {
    this.node = node;
    this.name = node.metadata?.name ?? '';
    this.labels = node.metadata?.labels ?? EMPTY_LABELS;
    this.setNode(node);
    for (const p of pods) this.addPod(p);
  }

  /** Replaces the node object (labels, taints, allocatable, images); pods stay. */
  setNode(node: Node): void {
    this.node = node;
    this.name = node.metadata?.name ?? '';
    this.labels = node.metadata?.labels ?? EMPTY_LABELS;
    const alloc = node.status?.allocatable ?? undefined;
    const r = emptyResource();
    addResourceList(r, alloc);
    this.allocatable = r;
    this.allowedPodNumber = alloc?.pods !== undefined ? wholeValue(alloc.pods) : 0;
    const images = new Map<string, number>();
    for (const img of node.status?.images ?? []) {
      for (const n of img.names ?? []) images.set(n, img.sizeBytes ?? 0);
    }
    this.imageSizes = images;
    this.generation++;
  }

  addPod(pod: Pod): PodInfo {
    const pi = podInfo(pod);
    this.pods.push(pi);
    if (hasAffinity(pod)) this.podsWithAffinity.push(pi);
    if (hasRequiredAntiAffinity(pod)) this.podsWithRequiredAntiAffinity.push(pi);
    this.update(pi, 1);
    return pi;
  }

  /** Removes the pod with the same key (uid, else namespace/name); false when absent. */
  removePod(pod: Pod): boolean {
    const key = podInfo(pod).key;
    const i = this.pods.findIndex((p) => p.key === key);
    if (i < 0) return false;
    const pi = this.pods[i]!;
    this.pods.splice(i, 1);
    const a = this.podsWithAffinity.findIndex((p) => p.key === key);
    if (a >= 0) this.podsWithAffinity.splice(a, 1);
    const b = this.podsWithRequiredAntiAffinity.findIndex((p) => p.key === key);
    if (b >= 0) this.podsWithRequiredAntiAffinity.splice(b, 1);
    this.update(pi, -1);
    return true;
  }

  private update(pi: PodInfo, sign: 1 | -1): void {
    const req = podRequests(pi.pod);
    const r = this.requested;
    r.milliCPU += sign * req.milliCPU;
    r.memory += sign * req.memory;
    r.ephemeralStorage += sign * req.ephemeralStorage;
    for (const [k, v] of req.scalar) setScalar(r, k, (r.scalar.get(k) ?? 0) + sign * v);
    const nz = podNonZeroRequests(pi.pod);
    this.nonZeroRequested.milliCPU += sign * nz.milliCPU;
    this.nonZeroRequested.memory += sign * nz.memory;
    for (const hp of pi.hostPorts) {
      const k = portKey(hp.protocol, hp.port);
      if (sign > 0) {
        let set = this.usedPorts.get(hp.ip);
        if (!set) this.usedPorts.set(hp.ip, (set = new Set()));
        set.add(k);
      } else {
        const set = this.usedPorts.get(hp.ip);
        if (set) {
          set.delete(k);
          if (set.size === 0) this.usedPorts.delete(hp.ip);
        }
      }
    }
    this.generation++;
  }

  /** HostPortInfo.CheckConflict: 0.0.0.0 conflicts with every IP on the same protocol/port. */
  portConflicts(hp: HostPort): boolean {
    if (hp.port <= 0 || this.usedPorts.size === 0) return false;
    const k = portKey(hp.protocol, hp.port);
    if (hp.ip === '0.0.0.0') {
      for (const set of this.usedPorts.values()) if (set.has(k)) return true;
      return false;
    }
    return !!this.usedPorts.get('0.0.0.0')?.has(k) || !!this.usedPorts.get(hp.ip)?.has(k);
  }
}

/** utilnode.GetZoneKey: region and zone (beta labels first), "" when neither is set. */
export function zoneKey(node: Node): string {
  const l = node.metadata?.labels;
  if (!l) return '';
  const zone = l[LABEL_FAILURE_DOMAIN_BETA_ZONE] ?? l[LABEL_TOPOLOGY_ZONE] ?? '';
  const region = l[LABEL_FAILURE_DOMAIN_BETA_REGION] ?? l[LABEL_TOPOLOGY_REGION] ?? '';
  if (region === '' && zone === '') return '';
  return `${region}:\x00:${zone}`;
}

export class Snapshot {
  private readonly byName = new Map<string, NodeInfo>();
  private ordered: NodeInfo[] | undefined;
  /** Pods bound to nodes not (yet) in the snapshot, by node name then pod key. */
  private readonly orphans = new Map<string, Map<string, Pod>>();
  private readonly withAffinity = new Set<NodeInfo>();
  private readonly withRequiredAntiAffinity = new Set<NodeInfo>();
  /** Image name → number of nodes reporting it (ImageStateSummary.NumNodes). */
  readonly imageNodeCounts = new Map<string, number>();
  /** Namespace → pod key → the pod and the node it is on (pods on known nodes only). */
  private readonly byNamespace = new Map<string, Map<string, { readonly pod: PodInfo; readonly node: NodeInfo }>>();
  /** Namespace name → labels, for affinity terms with a namespaceSelector. */
  readonly namespaceLabels = new Map<string, Record<string, string>>();

  /** Builds a snapshot; pods without spec.nodeName are ignored. */
  static build(nodes: readonly Node[], pods: readonly Pod[] = [], namespaces: readonly { metadata?: { name?: string; labels?: Record<string, string> } }[] = []): Snapshot {
    const s = new Snapshot();
    for (const n of nodes) s.setNode(n);
    for (const p of pods) if (p.spec?.nodeName) s.addPod(p);
    for (const ns of namespaces) if (ns.metadata?.name) s.namespaceLabels.set(ns.metadata.name, ns.metadata.labels ?? {});
    return s;
  }

  /** NodeInfos in nodeTree order. */
  get list(): readonly NodeInfo[] {
    if (!this.ordered) this.ordered = this.computeOrder();
    return this.ordered;
  }

  get size(): number {
    return this.byName.size;
  }

  get(name: string): NodeInfo | undefined {
    return this.byName.get(name);
  }

  /** NodeInfos hosting at least one pod with pod affinity or anti-affinity. */
  havePodsWithAffinity(): Iterable<NodeInfo> {
    return this.withAffinity;
  }

  /** NodeInfos hosting at least one pod with required anti-affinity. */
  havePodsWithRequiredAntiAffinity(): Iterable<NodeInfo> {
    return this.withRequiredAntiAffinity;
  }

  /** Pods of one namespace on known nodes, with their NodeInfo (any order). */
  podsInNamespace(namespace: string): Iterable<{ readonly pod: PodInfo; readonly node: NodeInfo }> {
    return this.byNamespace.get(namespace)?.values() ?? [];
  }

  setNode(node: Node): NodeInfo {
    const name = node.metadata?.name ?? '';
    let ni = this.byName.get(name);
    if (ni) {
      const oldZone = zoneKey(ni.node);
      this.countImages(ni, -1);
      ni.setNode(node);
      this.countImages(ni, 1);
      if (zoneKey(node) !== oldZone) this.ordered = undefined;
      return ni;
    }
    ni = new NodeInfo(node);
    this.byName.set(name, ni);
    this.countImages(ni, 1);
    this.ordered = undefined;
    const waiting = this.orphans.get(name);
    if (waiting) {
      this.orphans.delete(name);
      for (const p of waiting.values()) this.addPod(p);
    }
    return ni;
  }

  /** Removes a node; its pods are kept as orphans until the node comes back or they are removed. */
  removeNode(name: string): void {
    const ni = this.byName.get(name);
    if (!ni) return;
    this.byName.delete(name);
    this.countImages(ni, -1);
    this.withAffinity.delete(ni);
    this.withRequiredAntiAffinity.delete(ni);
    if (ni.pods.length) {
      const m = new Map<string, Pod>();
      for (const pi of ni.pods) {
        m.set(pi.key, pi.pod);
        this.unindex(pi);
      }
      this.orphans.set(name, m);
    }
    this.ordered = undefined;
  }

  /** Adds a pod bound (or assumed) to spec.nodeName. */
  addPod(pod: Pod): void {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return;
    const ni = this.byName.get(nodeName);
    if (!ni) {
      let m = this.orphans.get(nodeName);
      if (!m) this.orphans.set(nodeName, (m = new Map()));
      m.set(podInfo(pod).key, pod);
      return;
    }
    const pi = ni.addPod(pod);
    const ns = pod.metadata?.namespace ?? '';
    let idx = this.byNamespace.get(ns);
    if (!idx) this.byNamespace.set(ns, (idx = new Map()));
    idx.set(pi.key, { pod: pi, node: ni });
    if (ni.podsWithAffinity.length) this.withAffinity.add(ni);
    if (ni.podsWithRequiredAntiAffinity.length) this.withRequiredAntiAffinity.add(ni);
  }

  /** Assumes `pod` onto `nodeName` (a copy with spec.nodeName set is added); returns the copy. */
  assume(pod: Pod, nodeName: string): Pod {
    const bound: Pod = { ...pod, spec: { ...pod.spec!, nodeName } };
    this.addPod(bound);
    return bound;
  }

  /** Removes a pod from the node named by its spec.nodeName. */
  removePod(pod: Pod): boolean {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return false;
    const ni = this.byName.get(nodeName);
    if (!ni) return this.orphans.get(nodeName)?.delete(podInfo(pod).key) ?? false;
    const ok = ni.removePod(pod);
    if (ok) this.unindex(podInfo(pod));
    if (!ni.podsWithAffinity.length) this.withAffinity.delete(ni);
    if (!ni.podsWithRequiredAntiAffinity.length) this.withRequiredAntiAffinity.delete(ni);
    return ok;
  }

  private unindex(pi: PodInfo): void {
    const ns = pi.pod.metadata?.namespace ?? '';
    const idx = this.byNamespace.get(ns);
    if (!idx) return;
    idx.delete(pi.key);
    if (idx.size === 0) this.byNamespace.delete(ns);
  }

  private countImages(ni: NodeInfo, sign: 1 | -1): void {
    for (const name of ni.imageSizes.keys()) {
      const v = (this.imageNodeCounts.get(name) ?? 0) + sign;
      if (v <= 0) this.imageNodeCounts.delete(name);
      else this.imageNodeCounts.set(name, v);
    }
  }

  private computeOrder(): NodeInfo[] {
    const zones = new Map<string, NodeInfo[]>();
    for (const ni of this.byName.values()) {
      const z = zoneKey(ni.node);
      let arr = zones.get(z);
      if (!arr) zones.set(z, (arr = []));
      arr.push(ni);
    }
    const lists = [...zones.values()];
    const out: NodeInfo[] = [];
    for (let i = 0; out.length < this.byName.size; i++) {
      for (const l of lists) if (i < l.length) out.push(l[i]!);
    }
    return out;
  }
}
