/**
 * Namespace deletion status conditions (upstream namespace/deletion/status_condition_utils.go).
 *
 * Contracts:
 * - The five condition types are always all present after `apply`: a failure recorded during this
 *   pass gives status True with its reason and message; otherwise the "ok" variant (status False).
 * - `apply` changes a condition only when its status, reason or message differ; lastTransitionTime
 *   moves only when the status flips. It returns whether anything changed.
 * - Remaining-content and delete-error messages are sorted, so identical passes write nothing.
 */
import type { NamespaceCondition, NamespaceStatus } from 'kubernetes-types/core/v1.js';

export const CONDITION_TYPES = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;

export type NamespaceConditionType = (typeof CONDITION_TYPES)[number];

const OK: Record<NamespaceConditionType, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: { reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  NamespaceDeletionGroupVersionParsingFailure: { reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  NamespaceDeletionContentFailure: { reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  NamespaceContentRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  NamespaceFinalizersRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Condition = Mutable<NamespaceCondition>;

/** Remaining objects per resource (`<resource>.<group>`) and per finalizer name. */
export interface ContentTotals {
  remainingByResource: Map<string, number>;
  remainingByFinalizer: Map<string, number>;
}

export class NamespaceConditionUpdater {
  private readonly failures: Condition[] = [];
  private readonly deleteErrors: string[] = [];

  constructor(private readonly now: () => string) {}

  discoveryFailed(message: string): void {
    this.failures.push(this.cond('NamespaceDeletionDiscoveryFailure', 'DiscoveryFailed', message));
  }

  groupVersionFailed(message: string): void {
    this.failures.push(this.cond('NamespaceDeletionGroupVersionParsingFailure', 'GroupVersionParsingFailed', message));
  }

  deleteContentFailed(message: string): void {
    this.deleteErrors.push(message);
  }

  contentTotals(t: ContentTotals): void {
    const byResource = [...t.remainingByResource].filter(([, n]) => n > 0).map(([r, n]) => `${r} has ${n} resource instances`);
    if (byResource.length) {
      byResource.sort();
      this.failures.push(this.cond('NamespaceContentRemaining', 'SomeResourcesRemain', `Some resources are remaining: ${byResource.join(', ')}`));
    }
    const byFinalizer = [...t.remainingByFinalizer].filter(([, n]) => n > 0).map(([f, n]) => `${f} in ${n} resource instances`);
    if (byFinalizer.length) {
      byFinalizer.sort();
      this.failures.push(this.cond('NamespaceFinalizersRemaining', 'SomeFinalizerRemain', `Some finalizers are remaining: ${byFinalizer.join(', ')}`));
    }
  }

  /** Writes this pass's conditions into `status`; true when something changed. */
  apply(status: Mutable<NamespaceStatus>): boolean {
    if (this.deleteErrors.length && !this.failures.some((c) => c.type === 'NamespaceDeletionContentFailure')) {
      const msgs = [...this.deleteErrors].sort();
      this.failures.push(this.cond('NamespaceDeletionContentFailure', 'ContentDeletionFailed', `Failed to delete all resource types, ${msgs.length} remaining: ${msgs.join(', ')}`));
    }
    const conditions: Condition[] = (status.conditions ??= []) as Condition[];
    let changed = false;
    for (const type of CONDITION_TYPES) {
      const next = this.failures.find((c) => c.type === type) ?? this.cond(type, OK[type].reason, OK[type].message, 'False');
      const old = conditions.find((c) => c.type === type);
      if (!old) {
        conditions.push(next);
        changed = true;
      } else if (old.status !== next.status || old.reason !== next.reason || old.message !== next.message) {
        if (old.status !== next.status) old.lastTransitionTime = this.now();
        old.status = next.status;
        old.reason = next.reason;
        old.message = next.message;
        changed = true;
      }
    }
    return changed;
  }

  private cond(type: NamespaceConditionType, reason: string, message: string, status: 'True' | 'False' = 'True'): Condition {
    return { type, status, lastTransitionTime: this.now(), reason, message };
  }
}
