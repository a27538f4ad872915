/**
 * Node health as the node lifecycle controller observes it (nodeHealthMap and tryUpdateNodeHealth
 * in pkg/controller/nodelifecycle).
 *
 * Contracts:
 * - Health is judged on this controller's own clock: `probeMs` is when this controller last saw
 *   the node's Ready heartbeat (lastHeartbeatTime) change or its Lease renewTime move forward,
 *   never the timestamps themselves, so skewed clocks neither kill nor keep nodes alive.
 * - The first observation of a node counts as a probe (a restarted controller grants a full grace
 *   period).
 * - `unknownConditions` is pure: the node's conditions with Ready, MemoryPressure, DiskPressure and
 *   PIDPressure turned Unknown (missing ones added as NodeStatusNeverUpdated), or undefined when
 *   the Ready condition would not change (already Unknown).
 */
import type { Node, NodeCondition } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';

export const NODE_STARTUP_GRACE_MS = 60_000;

export interface NodeHealth {
  /** This controller's clock (ms) at the last observed heartbeat or lease renewal. */
  probeMs: number;
  /** This controller's clock (ms) at the last observed Ready transition. */
  readyTransitionMs: number;
  /** The Ready condition last observed (or written by this controller). */
  ready: NodeCondition | undefined;
  leaseRenewTime: string | undefined;
}

export function readyCondition(node: Node): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === 'Ready');
}

/** renewTime `b` is later than `a` (unparsable times: any change counts). */
function renewedAfter(a: string | undefined, b: string | undefined): boolean {
  if (!b) return false;
  if (!a) return true;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return a !== b;
  return tb > ta || (tb === ta && b > a);
}

export class HealthTracker {
  private readonly m = new Map<string, NodeHealth>();

  constructor(private readonly now: () => number = Date.now) {}

  get(name: string): NodeHealth | undefined {
    return this.m.get(name);
  }

  names(): IterableIterator<string> {
    return this.m.keys();
  }

  forget(name: string): void {
    this.m.delete(name);
  }

  /** Records what the informers show now; returns the updated health. */
  observe(node: Node, lease: Lease | undefined): NodeHealth {
    const name = node.metadata?.name ?? '';
    const now = this.now();
    const cur = readyCondition(node);
    const saved = this.m.get(name);
    let h: NodeHealth;
    if (!saved) {
      h = { probeMs: now, readyTransitionMs: now, ready: cur, leaseRenewTime: undefined };
    } else if (!saved.ready && cur) {
      h = { probeMs: now, readyTransitionMs: now, ready: cur, leaseRenewTime: saved.leaseRenewTime };
    } else if (saved.ready && !cur) {
      h = { probeMs: now, readyTransitionMs: now, ready: undefined, leaseRenewTime: saved.leaseRenewTime };
    } else if (saved.ready && cur && saved.ready.lastHeartbeatTime !== cur.lastHeartbeatTime) {
      const transitioned = saved.ready.lastTransitionTime !== cur.lastTransitionTime;
      h = { probeMs: now, readyTransitionMs: transitioned ? now : saved.readyTransitionMs, ready: cur, leaseRenewTime: saved.leaseRenewTime };
    } else {
      h = { ...saved, ready: cur ?? saved.ready };
    }
    const renew = lease?.spec?.renewTime ?? undefined;
    if (renew && renewedAfter(h.leaseRenewTime, renew)) {
      h.leaseRenewTime = renew;
      h.probeMs = now;
    }
    this.m.set(name, h);
    return h;
  }

  /** True when nothing was probed within `graceMs` (the startup grace applies without a Ready condition). */
  isStale(name: string, graceMs: number): boolean {
    const h = this.m.get(name);
    if (!h) return false;
    const grace = h.ready ? graceMs : Math.max(graceMs, NODE_STARTUP_GRACE_MS);
    return this.now() > h.probeMs + grace;
  }

  /** After this controller wrote `ready` for the node: the transition is now, the probe time stays. */
  wrote(name: string, ready: NodeCondition | undefined): void {
    const h = this.m.get(name);
    if (!h) return;
    this.m.set(name, { ...h, ready, readyTransitionMs: this.now() });
  }

  /** Every node gets a fresh grace period (leaving master disruption mode, as upstream). */
  resetProbes(): void {
    const now = this.now();
    for (const h of this.m.values()) h.probeMs = now;
  }
}

const MONITORED = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

export function unknownConditions(node: Node, nowIso: string): NodeCondition[] | undefined {
  const conds = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  for (const type of MONITORED) {
    const c = conds.find((x) => x.type === type);
    if (!c) {
      conds.push({
        type,
        status: 'Unknown',
        reason: 'NodeStatusNeverUpdated',
        message: 'Kubelet never posted node status.',
        lastHeartbeatTime: node.metadata?.creationTimestamp,
        lastTransitionTime: nowIso,
      });
    } else if (c.status !== 'Unknown') {
      c.status = 'Unknown';
      c.reason = 'NodeStatusUnknown';
      c.message = 'Kubelet stopped posting node status.';
      c.lastTransitionTime = nowIso;
    }
  }
  const before = readyCondition(node);
  const after = conds.find((c) => c.type === 'Ready')!;
  if (before && before.status === after.status && before.reason === after.reason && before.message === after.message && before.lastTransitionTime === after.lastTransitionTime) return undefined;
  return conds;
}
