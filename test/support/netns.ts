/**
 * Helpers for tests that build their own network namespaces (never the host's): run a command,
 * run one inside a namespace, and probe HTTP from inside one.
 */
import { execFileSync } from 'node:child_process';

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
