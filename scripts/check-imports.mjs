#!/usr/bin/env node
// Enforces the "may import" column of docs/architecture.md over src/**/*.ts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname, 'src');
const allowed = {
  util: [],
  machinery: ['util'],
  api: ['machinery', 'util'],
  storage: ['machinery', 'util'],
  apiserver: ['api', 'machinery', 'storage', 'util'],
  client: ['api', 'machinery', 'util'],
  controllers: ['client', 'api', 'machinery', 'util'],
  scheduler: ['client', 'api', 'machinery', 'util'],
  kubelet: ['client', 'api', 'machinery', 'util'],
  proxy: ['client', 'api', 'machinery', 'util'],
  dns: ['client', 'api', 'machinery', 'util'],
  cli: ['client', 'api', 'machinery', 'util'],
  cmd: Object.keys({ util: 1, machinery: 1, api: 1, storage: 1, apiserver: 1, client: 1, controllers: 1, scheduler: 1, kubelet: 1, proxy: 1, dns: 1, cli: 1 }),
};

const files = [];
const walk = (d) => {
  for (const n of readdirSync(d)) {
    const p = join(d, n);
    if (statSync(p).isDirectory()) walk(p);
    else if (n.endsWith('.ts')) files.push(p);
  }
};
walk(root);

const spec = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const problems = [];
for (const f of files) {
  const from = relative(root, f).split(sep)[0];
  if (!(from in allowed)) {
    problems.push(`${relative(root, f)}: folder src/${from} is not in the layout`);
    continue;
  }
  const text = readFileSync(f, 'utf8');
  for (const m of text.matchAll(spec)) {
    const target = m[1] ?? m[2];
    if (!target.startsWith('.')) continue;
    const abs = resolve(dirname(f), target);
    const rel = relative(root, abs);
    if (rel.startsWith('..')) {
      // Unit tests may use the shared test support (test/support/*).
      if (f.endsWith('.test.ts') && relative(resolve(root, '..'), abs).startsWith(`test${sep}support`)) continue;
      problems.push(`${relative(root, f)}: imports ${target} from outside src/`);
      continue;
    }
    const to = rel.split(sep)[0];
    if (to === from) continue;
    if (from === 'cmd' ? false : !allowed[from].includes(to)) {
      problems.push(`${relative(root, f)}: src/${from} may not import src/${to} (${target})`);
    }
  }
  // Nothing imports cmd.
}
for (const f of files) {
  const from = relative(root, f).split(sep)[0];
  if (from === 'cmd') continue;
  for (const m of readFileSync(f, 'utf8').matchAll(spec)) {
    const target = m[1] ?? m[2];
    if (target.startsWith('.') && relative(root, resolve(dirname(f), target)).split(sep)[0] === 'cmd') {
      problems.push(`${relative(root, f)}: nothing may import src/cmd`);
    }
  }
}
if (problems.length) {
  console.error(`import rules violated:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`import rules hold over ${files.length} files`);
