/**
 * Helpers for tests that build their own network namespaces (never the host's): run a command,
 * run one inside a namespace, probe HTTP from inside one, and the proxy tests' namespaces.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

export function sh(...args: string[]): string {
  return execFileSync(args[0]!, args.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export const inNs = (ns: string, ...args: string[]): string => sh('ip', 'netns', 'exec', ns, ...args);

/** Runs `n` sequential GETs from inside `ns`; each result is the body or `ERR:<code>`. */
export function probe(ns: string, url: string, n = 1): string[] {
  const script = `
    const http = require('http'); const out = [];
    const one = () => new Promise((res) => { const r = http.get(${JSON.stringify(url)}, { agent: false, timeout: 1500 }, (m) => { let b=''; m.on('data', d => b += d); m.on('end', () => res(b)); });
      r.on('timeout', () => r.destroy(Object.assign(new Error('t'), { code: 'TIMEOUT' }))); r.on('error', (e) => res('ERR:' + e.code)); });
    (async () => { for (let i = 0; i < ${n}; i++) out.push(await one()); console.log(JSON.stringify(out)); })();`;
  return JSON.parse(inNs(ns, process.execPath, '-e', script)) as string[];
}

/**
 * The proxy tests' world, in namespaces `<prefix>`, `<prefix>-b1`, `-b2`, `-c`:
 *   node     bridge br0 10.244.0.1/24 (also routed the service CIDR 10.96.0.0/16), forwarding on,
 *            veth 192.168.77.1/24 to the client
 *   b1, b2   10.244.0.2 / .3 on the bridge, each running `backend(name)` (a node -e script)
 *   client   192.168.77.2, outside the cluster CIDR
 * `ready()` waits until both backends answer http :8080 with their name; `destroy()` kills the
 * backends and deletes the namespaces (safe to call after a failed set-up).
 */
export interface ProxyTopology {
  node: string;
  b1: string;
  b2: string;
  client: string;
  destroy(): void;
}

export function buildProxyTopology(prefix: string, backend: (name: string) => string): ProxyTopology {
  const [node, b1, b2, client] = [prefix, `${prefix}-b1`, `${prefix}-b2`, `${prefix}-c`];
  const procs: ChildProcess[] = [];
  const t: ProxyTopology = {
    node, b1, b2, client,
    destroy() {
      for (const p of procs) p.kill();
      for (const ns of [node, b1, b2, client]) {
        try { sh('ip', 'netns', 'del', ns); } catch { /* already gone */ }
      }
    },
  };
  for (const ns of [node, b1, b2, client]) sh('ip', 'netns', 'add', ns);
  inNs(node, 'ip', 'link', 'set', 'lo', 'up');
  inNs(node, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
  inNs(node, 'ip', 'link', 'add', 'br0', 'type', 'bridge');
  inNs(node, 'ip', 'addr', 'add', '10.244.0.1/24', 'dev', 'br0');
  inNs(node, 'ip', 'link', 'set', 'br0', 'up');
  // No dummy driver here; locally sent packets need a route before nat OUTPUT can rewrite them.
  inNs(node, 'ip', 'route', 'add', '10.96.0.0/16', 'dev', 'br0');
  [[b1, '10.244.0.2', 'b1'], [b2, '10.244.0.3', 'b2']].forEach(([ns, ip, name], i) => {
    inNs(node, 'ip', 'link', 'add', `vb${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns!);
    inNs(node, 'ip', 'link', 'set', `vb${i}`, 'master', 'br0', 'up');
    inNs(ns!, 'ip', 'link', 'set', 'lo', 'up');
    inNs(ns!, 'ip', 'addr', 'add', `${ip}/24`, 'dev', 'eth0');
    inNs(ns!, 'ip', 'link', 'set', 'eth0', 'up');
    inNs(ns!, 'ip', 'route', 'add', 'default', 'via', '10.244.0.1');
    procs.push(spawn('ip', ['netns', 'exec', ns!, process.execPath, '-e', backend(name!)], { stdio: ['ignore', 'ignore', 'inherit'] }));
  });
  inNs(node, 'ip', 'link', 'add', 'vc', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', client);
  inNs(node, 'ip', 'addr', 'add', '192.168.77.1/24', 'dev', 'vc');
  inNs(node, 'ip', 'link', 'set', 'vc', 'up');
  inNs(client, 'ip', 'link', 'set', 'lo', 'up');
  inNs(client, 'ip', 'addr', 'add', '192.168.77.2/24', 'dev', 'eth0');
  inNs(client, 'ip', 'link', 'set', 'eth0', 'up');
  inNs(client, 'ip', 'route', 'add', 'default', 'via', '192.168.77.1');
  return t;
}

/** Waits (up to 5 s) until both backends of the topology answer http :8080 with their names. */
export function waitForBackends(t: ProxyTopology): void {
  for (let i = 0; i < 50; i++) {
    try {
      if (probe(t.node, 'http://10.244.0.2:8080/')[0]!.startsWith('b1') && probe(t.node, 'http://10.244.0.3:8080/')[0]!.startsWith('b2')) return;
    } catch { /* retry */ }
    execFileSync('sleep', ['0.1']);
  }
}
