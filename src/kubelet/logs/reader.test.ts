import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { parseEntry, parseRfc3339Nano } from './format.js';
import { readLogs, type ReadLogsOptions } from './reader.js';

const T = (s: number, frac = '') => `2024-05-01T10:00:${String(s).padStart(2, '0')}${frac ? `.${frac}` : ''}Z`;

async function collect(path: string, o: ReadLogsOptions = {}): Promise<string> {
  const chunks: Buffer[] = [];
  const out = new Writable({ write(c: Buffer, _e, cb) { chunks.push(c); cb(); } });
  await readLogs(path, out, o);
  return Buffer.concat(chunks).toString();
}

describe('CRI log format', () => {
  it('parses entries and times to nanoseconds', () => {
    const e = parseEntry(Buffer.from(`${T(1, '000000123')} stderr P hello world`));
    assert.equal(e?.stream, 'stderr');
    assert.equal(e?.partial, true);
    assert.equal(e?.msg.toString(), 'hello world');
    assert.equal(e?.ns, BigInt(Date.parse(T(1))) * 1_000_000n + 123n);
    assert.equal(parseEntry(Buffer.from(`${T(1)} stdout F `))?.msg.toString(), '');
    assert.equal(parseEntry(Buffer.from(`${T(1)} stdout F`))?.msg.toString(), '');
    assert.equal(parseEntry(Buffer.from('garbage line')), undefined);
    assert.equal(parseEntry(Buffer.from(`${T(1)} other F x`)), undefined);
    assert.equal(parseRfc3339Nano('2024-05-01T12:00:00.5+02:00'), BigInt(Date.parse('2024-05-01T10:00:00Z')) * 1_000_000n + 500_000_000n);
  });
});

describe('readLogs', () => {
  let dir = '';
  before(() => (dir = mkdtempSync(join(tmpdir(), 'k8ts-logs-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, lines: string[]): string => {
    const p = join(dir, name);
    writeFileSync(p, lines.map((l) => `${l}\n`).join(''));
    return p;
  };

  it('joins partial lines and prefixes timestamps once per line', async () => {
    const p = file('partial.log', [
      `${T(1, '5')} stdout P hel`,
      `${T(2)} stdout P lo `,
      `${T(3)} stdout F world`,
      `${T(4)} stderr F oops`,
      'not a cri line',
      `${T(5)} stdout F `,
    ]);
    assert.equal(await collect(p), 'hello world\noops\n\n');
    assert.equal(await collect(p, { timestamps: true }), `${T(1, '5')} hello world\n${T(4)} oops\n${T(5)} \n`);
  });

  it('tails by lines, counting a split line once', async () => {
    const p = file('tail.log', [
      `${T(1)} stdout F one`,
      `${T(2)} stdout P tw`,
      `${T(3)} stdout F o`,
      `${T(4)} stdout F three`,
    ]);
    assert.equal(await collect(p, { tailLines: 1 }), 'three\n');
    assert.equal(await collect(p, { tailLines: 2 }), 'two\nthree\n');
    assert.equal(await collect(p, { tailLines: 3 }), 'one\ntwo\nthree\n');
    assert.equal(await collect(p, { tailLines: 10 }), 'one\ntwo\nthree\n');
    assert.equal(await collect(p, { tailLines: 0 }), '');
  });

  it('tails across read chunks of a large file', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `${T(1)} stdout F line ${i} ${'x'.repeat(40)}`);
    const p = file('big.log', lines);
    const got = await collect(p, { tailLines: 3 });
    assert.equal(got, [4997, 4998, 4999].map((i) => `line ${i} ${'x'.repeat(40)}\n`).join(''));
  });

  it('skips lines older than since, and stops at limitBytes', async () => {
    const p = file('since.log', [`${T(1)} stdout F a`, `${T(2, '1')} stdout F b`, `${T(3)} stdout F c`]);
    const since = BigInt(Date.parse(T(2))) * 1_000_000n;
    assert.equal(await collect(p, { sinceNs: since }), 'b\nc\n');
    assert.equal(await collect(p, { limitBytes: 3 }), 'a\nb');
    assert.equal(await collect(p, { limitBytes: 3, timestamps: true }), '202');
  });

  it('follows appended lines and ends once the container stopped and the file stopped growing', async () => {
    const p = file('follow.log', [`${T(1)} stdout F first`]);
    let running = true;
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const t0 = Date.now();
    const done = readLogs(p, out, { follow: true, pollMs: 50, running: () => running });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(text, 'first\n');
    appendFileSync(p, `${T(2)} stdout P sec`);
    appendFileSync(p, `ond\n${T(3)} stdout F \n`);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(text, 'first\nsecond\n');
    running = false;
    appendFileSync(p, `${T(4)} stderr F last words\n`);
    await done;
    assert.equal(text, 'first\nsecond\nlast words\n');
    assert.ok(Date.now() - t0 < 2000);
  });

  it('stops following when the signal aborts or the client goes away', async () => {
    const p = file('abort.log', [`${T(1)} stdout F x`]);
    const ac = new AbortController();
    const out = new PassThrough();
    out.resume();
    const done = readLogs(p, out, { follow: true, pollMs: 10_000, signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await done;
    const out2 = new PassThrough();
    out2.resume();
    const done2 = readLogs(p, out2, { follow: true, pollMs: 10_000 });
    setTimeout(() => out2.destroy(), 50);
    await done2;
  });
});
