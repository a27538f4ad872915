/**
 * The UDP session table: one entry per client address ("ip:port"), expiring after `idleMs` without
 * traffic in either direction (upstream --udp-timeout, default 250 ms).
 *
 * Contracts: `get` does not refresh an entry; `touch` does. `expire()` removes and returns every entry
 * whose last activity is at least `idleMs` old, oldest first; the caller closes them.
 */
export class SessionTable<S> {
  private readonly entries = new Map<string, { session: S; lastMs: number }>();

  constructor(
    readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(client: string): S | undefined {
    return this.entries.get(client)?.session;
  }

  add(client: string, session: S): void {
    this.entries.set(client, { session, lastMs: this.now() });
  }

  touch(client: string): void {
    const e = this.entries.get(client);
    if (e) e.lastMs = this.now();
  }

  delete(client: string): S | undefined {
    const e = this.entries.get(client);
    this.entries.delete(client);
    return e?.session;
  }

  expire(): Array<[string, S]> {
    const now = this.now();
    const out: Array<[string, S, number]> = [];
    for (const [k, e] of this.entries) if (now - e.lastMs >= this.idleMs) out.push([k, e.session, e.lastMs]);
    out.sort((a, b) => a[2] - b[2]);
    for (const [k] of out) this.entries.delete(k);
    return out.map(([k, s]) => [k, s]);
  }

  /** Removes and returns every entry. */
  clear(): Array<[string, S]> {
    const out = [...this.entries].map(([k, e]): [string, S] => [k, e.session]);
    this.entries.clear();
    return out;
  }
}
