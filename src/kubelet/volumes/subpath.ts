/** subPath / subPathExpr handling for container mounts, as upstream's makeMounts. */
import { chmodSync, lstatSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

/**
 * Upstream's expansion.Expand: `$(VAR)` → mapping(VAR), `$$` → `$`, anything else (including an
 * unclosed `$(`) is kept literally.
 */
export function expand(input: string, mapping: (name: string) => string): string {
  let out = '';
  let checkpoint = 0;
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== '$' || i + 1 >= input.length) continue;
    out += input.slice(checkpoint, i);
    const next = input[i + 1];
    let advance = 1;
    if (next === '$') out += '$';
    else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close >= 0) {
        out += mapping(input.slice(i + 2, close));
        advance = close - i;
      } else out += '$(';
    } else out += '$' + next;
    i += advance;
    checkpoint = i + 1;
  }
  return out + input.slice(checkpoint);
}

/** Upstream's ExpandContainerVolumeMounts: every referenced variable must be set and non-empty. */
export function expandSubPathExpr(expr: string, env: Map<string, string>): string {
  const missing = new Set<string>();
  const out = expand(expr, (k) => {
    const v = env.get(k);
    if (!v) missing.add(k);
    return v ?? '';
  });
  if (missing.size > 0) throw new Error(`missing value for ${[...missing].sort().join(', ')}`);
  return out;
}

/** Throws upstream's text unless `subPath` is relative without `..` elements. */
export function validateSubPath(subPath: string): void {
  if (subPath.startsWith('/')) throw new Error(`error SubPath \`${subPath}\` must not be an absolute path`);
  if (subPath.split('/').includes('..')) throw new Error(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
}

function within(p: string, base: string): boolean {
  return p === base || p.startsWith(base.endsWith(sep) ? base : base + sep);
}

/**
 * The host path of `subPath` inside `volumePath`, symlinks resolved. Missing directories are created
 * one by one with the volume root's permission bits, and every step must resolve inside the volume.
 * Throws `subpath "<p>" not within volume path "<base>"` when a symlink leads out.
 */
export function resolveSubPath(volumePath: string, subPath: string): string {
  validateSubPath(subPath);
  const base = realpathSync(volumePath);
  const perm = statSync(base).mode & 0o7777;
  let cur = base;
  for (const part of subPath.split('/').filter((x) => x !== '' && x !== '.')) {
    const next = join(cur, part);
    let exists = true;
    try {
      lstatSync(next);
    } catch {
      exists = false;
    }
    if (!exists) {
      mkdirSync(next, { mode: perm });
      chmodSync(next, perm);
    }
    cur = realpathSync(next);
    if (!within(cur, base)) throw new Error(`subpath "${cur}" not within volume path "${base}"`);
  }
  return cur;
}
