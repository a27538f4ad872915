/** A small flag parser: `--name value`, `--name=value`, boolean `--name`, as k3s spells them. */

export interface FlagSpec {
  [name: string]: { type: 'string' | 'number' | 'boolean'; default?: string | number | boolean; help: string };
}

export type FlagValues<S extends FlagSpec> = { [K in keyof S]: S[K]['type'] extends 'boolean' ? boolean : S[K]['type'] extends 'number' ? number : string | undefined };

export class FlagError extends Error {}

export function parseFlags<S extends FlagSpec>(spec: S, argv: string[]): FlagValues<S> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) out[k] = v.default ?? (v.type === 'boolean' ? false : undefined);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new FlagError(`unexpected argument "${a}"`);
    let name = a.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const s = spec[name];
    if (!s) throw new FlagError(`unknown flag: --${name}`);
    if (s.type === 'boolean') {
      out[name] = value === undefined ? true : value === 'true' || value === '1';
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new FlagError(`flag needs an argument: --${name}`);
    }
    if (s.type === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new FlagError(`invalid value "${value}" for flag --${name}`);
      out[name] = n;
    } else out[name] = value;
  }
  return out as FlagValues<S>;
}

export function usage(spec: FlagSpec): string {
  return Object.entries(spec)
    .map(([k, v]) => `  --${k}${v.type === 'boolean' ? '' : ` ${v.type === 'number' ? 'N' : 'VALUE'}`}\t${v.help}${v.default !== undefined && v.default !== false ? ` (default ${v.default})` : ''}`)
    .join('\n');
}
