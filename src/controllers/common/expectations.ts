/**
 * Controller expectations (pkg/controller/controller_utils.go ControllerExpectations): after a
 * controller issues creates/deletes, it waits for its informer to observe them before it trusts the
 * cache again, so a stale cache never causes double creation or deletion.
 *
 * Contracts:
 * - `satisfied(key)` is true when nothing is expected, when every expected add/delete was observed,
 *   or when the expectations are older than the TTL (5 minutes, as upstream).
 * - `expectCreations`/`expectDeletions` replace the key's expectations; `creationObserved` and
 *   `deletionObserved` (informer handlers) and `lowerExpectations` (a failed request) count down.
 * - Deletions are tracked by pod key too, so one pod's deletion is counted once however many
 *   delete events arrive (`expectDeletionsOf` / `deletionObservedOf`).
 */

const TTL_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  at: number;
  pendingDeletes?: Set<string>;
}

export class Expectations {
  private readonly m = new Map<string, Expectation>();

  constructor(private readonly now: () => number = Date.now) {}

  satisfied(key: string): boolean {
    const e = this.m.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.now() - e.at > TTL_MS;
  }

  expectCreations(key: string, n: number): void {
    this.m.set(key, { add: n, del: 0, at: this.now() });
  }

  expectDeletions(key: string, n: number): void {
    this.m.set(key, { add: 0, del: n, at: this.now() });
  }

  /** Expects the deletion of these object keys (`namespace/name`). */
  expectDeletionsOf(key: string, objectKeys: string[]): void {
    this.m.set(key, { add: 0, del: objectKeys.length, at: this.now(), pendingDeletes: new Set(objectKeys) });
  }

  creationObserved(key: string): void {
    const e = this.m.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string): void {
    const e = this.m.get(key);
    if (e) e.del--;
  }

  /** Counts the deletion of `objectKey` once, if it was expected by key. */
  deletionObservedOf(key: string, objectKey: string): void {
    const e = this.m.get(key);
    if (!e) return;
    if (e.pendingDeletes) {
      if (e.pendingDeletes.delete(objectKey)) e.del--;
    } else e.del--;
  }

  lowerExpectations(key: string, adds: number, dels: number): void {
    const e = this.m.get(key);
    if (!e) return;
    e.add -= adds;
    e.del -= dels;
  }

  delete(key: string): void {
    this.m.delete(key);
  }
}
