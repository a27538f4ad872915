#!/usr/bin/env node
// Copies non-TypeScript runtime assets (src/**/*.proto) next to the compiled JS in dist/src/,
// so code that loads them relative to its own module finds them after `npm run build`.
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const exts = ['.proto'];
let n = 0;
const walk = (d) => {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (exts.some((e) => name.endsWith(e))) {
      const out = join(root, 'dist', relative(root, p));
      mkdirSync(dirname(out), { recursive: true });
      copyFileSync(p, out);
      n++;
    }
  }
};
walk(join(root, 'src'));
console.log(`copy-assets: ${n} file(s) copied to dist/`);
