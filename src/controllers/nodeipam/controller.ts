/**
 * The node IPAM controller with the range allocator (pkg/controller/nodeipam): gives every Node
 * without one a spec.podCIDR/podCIDRs from the cluster CIDR(s).
 *
 * Contracts:
 * - The allocator's view follows observed Nodes: the add/update handlers mark the CIDRs Nodes
 *   already carry (set by an agent, or by us earlier) synchronously, in event order, then queue the
 *   node name. Workers start only after the cache has synced, so every CIDR of the initial list is
 *   marked before the first allocation, and a CIDR a Node has is never handed to another Node.
 * - `sync(name)` assigns CIDRs to a Node that has none with a strategic-merge patch of
 *   spec.podCIDR and spec.podCIDRs. CIDRs allocated to a Node are remembered with its uid until the
 *   Node is seen with them, so a retry (or a stale cache) re-sends the same CIDRs instead of
 *   allocating again.
 * - A Node that is gone (or recreated with another uid) gives its CIDRs back; Nodes still waiting
 *   for a CIDR are then queued again.
 * - Exhaustion records event `CIDRNotAvailable` ("Node <name> status is now: CIDRNotAvailable") on
 *   the Node and throws (the key is retried with back-off); a failed patch records
 *   `CIDRAssignmentFailed` and throws, keeping the CIDRs for the retry.
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/types.js';
import type { SharedInformer } from '../../client/informer.js';
import { isInvalid, isNotFound, type RestClient } from '../../client/rest.js';
import type { EventRecorder } from '../../client/events.js';
import type { WorkQueue } from '../../client/workqueue.js';
import type { Logger } from '../../util/logger.js';
import { NODES } from '../resources.js';
import type { RangeAllocator } from './allocator.js';

export type NodeObj = Node & KubeObject;

export interface NodeIpamOptions {
  client: Pick<RestClient, 'patch'>;
  nodes: Pick<SharedInformer<NodeObj>, 'lister' | 'addEventHandler'>;
  queue: Pick<WorkQueue<string>, 'add'>;
  allocator: RangeAllocator;
  recorder: Pick<EventRecorder, 'event'>;
  log: Logger;
  signal?: AbortSignal;
}

interface Held {
  uid: string;
  cidrs: string[];
}

export function podCidrsOf(node: NodeObj): string[] {
  const list = node.spec?.podCIDRs ?? [];
  if (list.length) return [...list];
  return node.spec?.podCIDR ? [node.spec.podCIDR] : [];
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export class NodeIpamController {
  /** CIDRs held for each node name: observed on the Node, or allocated and being assigned. */
  private readonly held = new Map<string, Held>();

  constructor(private readonly o: NodeIpamOptions) {}

  register(): void {
    this.o.nodes.addEventHandler({
      onAdd: (n) => this.onNode(n),
      onUpdate: (_old, n) => this.onNode(n),
      onDelete: (d) => this.o.queue.add(d.lastKnown.metadata!.name!),
    });
  }

  private onNode(n: NodeObj): void {
    this.observe(n);
    this.o.queue.add(n.metadata!.name!);
  }

  /** Makes `held` match the CIDRs `n` carries (nothing to do when it carries none). */
  private observe(n: NodeObj): void {
    const name = n.metadata!.name!;
    const uid = n.metadata?.uid ?? '';
    const cidrs = podCidrsOf(n);
    const held = this.held.get(name);
    if (held && held.uid !== uid) this.drop(name);
    if (!cidrs.length) return;
    const cur = this.held.get(name);
    if (cur && sameList(cur.cidrs, cidrs)) return;
    if (cur) this.o.allocator.release(cur.cidrs);
    const skipped = this.o.allocator.occupy(cidrs);
    if (skipped.length) this.o.log.info({ name, cidrs: skipped }, 'node pod CIDRs outside the cluster CIDR; not tracked');
    this.held.set(name, { uid, cidrs });
  }

  private drop(name: string): void {
    const h = this.held.get(name);
    if (!h) return;
    this.held.delete(name);
    this.o.allocator.release(h.cidrs);
    for (const n of this.o.nodes.lister.list()) {
      const other = n.metadata!.name!;
      if (other !== name && !podCidrsOf(n).length) this.o.queue.add(other);
    }
  }

  async sync(name: string): Promise<void> {
    const node = this.o.nodes.lister.get(undefined, name);
    if (!node) {
      this.drop(name);
      return;
    }
    this.observe(node);
    if (podCidrsOf(node).length) return;
    let held = this.held.get(name);
    if (!held) {
      const cidrs = this.o.allocator.allocate();
      if (!cidrs) {
        this.o.recorder.event(node, 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
        throw new Error(`failed to allocate a pod CIDR for node ${name}: CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range (${this.describeRanges()})`);
      }
      held = { uid: node.metadata?.uid ?? '', cidrs };
      this.held.set(name, held);
    }
    try {
      await this.o.client.patch(NODES, undefined, name, 'strategic', { spec: { podCIDR: held.cidrs[0], podCIDRs: held.cidrs } }, { signal: this.o.signal });
      this.o.log.info({ name, podCIDRs: held.cidrs }, 'assigned pod CIDRs to node');
    } catch (err) {
      if (isNotFound(err)) {
        this.drop(name);
        return;
      }
      if (isInvalid(err)) {
        // The Node got CIDRs from someone else meanwhile (they are immutable once set): give ours back
        // and let the next sync adopt theirs.
        this.drop(name);
      } else {
        this.o.recorder.event(node, 'Normal', 'CIDRAssignmentFailed', `Node ${name} status is now: CIDRAssignmentFailed`);
      }
      throw err;
    }
  }

  private describeRanges(): string {
    return this.o.allocator.sets.map((s) => `${s.family === 4 ? 'IPv4' : 'IPv6'} ${s.size} x /${s.nodeMaskSize}`).join(', ');
  }
}
