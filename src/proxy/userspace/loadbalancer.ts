/**
 * Backend selection for the userspace proxier, as upstream's LoadBalancerRR
 * (pkg/proxy/userspace/roundrobin.go).
 *
 * Contracts:
 * - `update(key, endpoints, affinityTimeoutSeconds)` replaces a service port's endpoint list. When the
 *   set of endpoints is unchanged only the affinity timeout is updated (the rotation position and the
 *   client affinities are kept); when it changed the list is shuffled (so proxies on different nodes
 *   do not all start on the same endpoint), rotation restarts, and affinities to endpoints that left
 *   are dropped. `affinityTimeoutSeconds` undefined = no session affinity (all affinities dropped).
 * - `next(key, clientIP, resetAffinity)` returns the next "ip:port" in round-robin order, or undefined
 *   when the service port has no endpoints. With affinity, a client IP whose last pick was used less
 *   than the timeout ago gets the same endpoint again (and refreshes the timestamp); `resetAffinity`
 *   (a retry after a failed dial) ignores the recorded one and records the new pick instead.
 */
export interface Affinity {
  endpoint: string;
  lastUsedMs: number;
}

interface State {
  endpoints: string[];
  index: number;
  affinityMs: number | undefined;
  affinity: Map<string, Affinity>;
}

export class RoundRobin {
  private readonly services = new Map<string, State>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  update(key: string, endpoints: readonly string[], affinityTimeoutSeconds: number | undefined): void {
    const affinityMs = affinityTimeoutSeconds === undefined ? undefined : affinityTimeoutSeconds * 1000;
    const st = this.services.get(key);
    const same = st && st.endpoints.length === endpoints.length && endpoints.every((e) => st.endpoints.includes(e));
    if (st && same) {
      st.affinityMs = affinityMs;
      if (affinityMs === undefined) st.affinity.clear();
      return;
    }
    const list = shuffle([...new Set(endpoints)], this.random);
    const affinity = st?.affinity ?? new Map<string, Affinity>();
    if (affinityMs === undefined) affinity.clear();
    for (const [ip, a] of affinity) if (!list.includes(a.endpoint)) affinity.delete(ip);
    this.services.set(key, { endpoints: list, index: 0, affinityMs, affinity });
  }

  remove(key: string): void {
    this.services.delete(key);
  }

  endpoints(key: string): readonly string[] {
    return this.services.get(key)?.endpoints ?? [];
  }

  next(key: string, clientIP: string, resetAffinity = false): string | undefined {
    const st = this.services.get(key);
    if (!st || st.endpoints.length === 0) return undefined;
    const now = this.now();
    if (st.affinityMs !== undefined && !resetAffinity) {
      const a = st.affinity.get(clientIP);
      if (a && now - a.lastUsedMs < st.affinityMs && st.endpoints.includes(a.endpoint)) {
        a.lastUsedMs = now;
        return a.endpoint;
      }
    }
    const ep = st.endpoints[st.index % st.endpoints.length]!;
    st.index = (st.index + 1) % st.endpoints.length;
    if (st.affinityMs !== undefined) st.affinity.set(clientIP, { endpoint: ep, lastUsedMs: now });
    return ep;
  }

  /** Drops affinities idle for longer than their timeout (bounded memory); returns how many went. */
  expireAffinities(): number {
    const now = this.now();
    let n = 0;
    for (const st of this.services.values()) {
      if (st.affinityMs === undefined) continue;
      for (const [ip, a] of st.affinity) {
        if (now - a.lastUsedMs >= st.affinityMs) {
          st.affinity.delete(ip);
          n++;
        }
      }
    }
    return n;
  }
}

function shuffle<T>(a: T[], random: () => number): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
