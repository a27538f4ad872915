import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { IptablesProxier, type ProxySource, type SyncStats } from './proxier.js';
import { buildServiceMap } from '../servicemap.js';
import { endpointChain, serviceChains } from './rules.js';
import { slice, svc } from '../testdata.js';
import { silentLogger } from '../../util/logger.js';

/**
 * Fake iptables binaries that log their calls to files. `iptables -C` finds a rule only once `-I`
 * inserted it (`flush()` forgets them all, as `iptables -F` would); the next `times` restores fail after `failNext(times)`.
 */
function fakes() {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-px-'));
  const w = (name: string, body: string) => {
    const p = join(dir, name);
    writeFileSync(p, `#!/bin/sh\n${body}\n`);
    chmodSync(p, 0o755);
    return p;
  };
  const key = (sedExpr: string) => `$(echo "$*" | sed '${sedExpr}' | md5sum | cut -c1-8)`;
  return {
    dir,
    iptables: w('iptables', `echo "$*" >> ${dir}/calls; case "$*" in *" -C "*) [ -f ${dir}/ins-${key('s/ -C / X /')} ] || exit 1;; *" -I "*) touch ${dir}/ins-${key('s/ -I \\([A-Z]*\\) 1 / X \\1 /')};; *" -D "*) [ -f ${dir}/deleted-$(echo "$*" | md5sum | cut -c1-8) ] && exit 1; touch ${dir}/deleted-$(echo "$*" | md5sum | cut -c1-8);; esac; exit 0`),
    iptablesRestore: w('restore', `echo "restore $*" >> ${dir}/calls; set -- ${dir}/fail-*; if [ -f "$1" ]; then rm "$1"; cat > /dev/null; echo "iptables-restore: line 2 failed" >&2; exit 1; fi; cat >> ${dir}/restored; echo "----" >> ${dir}/restored`),
    iptablesSave: w('save', `echo "save $*" >> ${dir}/calls; [ -f ${dir}/save.txt ] && cat ${dir}/save.txt; exit 0`),
    calls: () => (existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n') : []),
    restored: () => (existsSync(join(dir, 'restored')) ? readFileSync(join(dir, 'restored'), 'utf8') : ''),
    /** The restore inputs written since the last call. */
    takeRestored(): string[] {
      const r = this.restored();
      if (existsSync(join(dir, 'restored'))) rmSync(join(dir, 'restored'));
      return r ? r.split('----\n').filter(Boolean) : [];
    },
    flush: () => {
      for (const f of readdirSync(dir)) if (f.startsWith('ins-')) rmSync(join(dir, f));
    },
    failNext: (times = 1) => {
      for (let i = 0; i < times; i++) writeFileSync(join(dir, `fail-${i}`), '');
    },
  };
}

test('sync applies nat then filter with --noflush, inserts missing jumps, skips unchanged syncs', async () => {
  const f = fakes();
  try {
    const source = { services: () => [svc('a', 'web', '10.96.0.1')], endpointSlices: () => [slice('a', 'web', [{ ip: '10.244.0.2' }])] } satisfies ProxySource;
    const p = new IptablesProxier({ source, nodeName: 'n', clusterCidr: '10.244.0.0/16', iptables: f.iptables, iptablesRestore: f.iptablesRestore, iptablesSave: f.iptablesSave, log: silentLogger });
    await p.sync();
    const calls = f.calls();
    // full: nat leaf chains, the ports' own chains, the remaining fixed chains; then filter
    assert.deepEqual(calls.filter((c) => c.startsWith('restore')), Array(4).fill('restore --noflush -w 5'));
    const [leaves, own, fixedNat, filter] = f.restored().split('----\n');
    assert.deepEqual(parse(leaves!).declared, ['K8TS-POSTROUTING', 'K8TS-MARK-MASQ']);
    assert.deepEqual(parse(own!).declared.map((c) => c.slice(0, 9)).sort(), ['K8TS-SEP-', 'K8TS-SVC-']);
    assert.deepEqual(parse(fixedNat!).declared, ['K8TS-SERVICES', 'K8TS-NODEPORTS']);
    assert.match(fixedNat!, /^\*nat\n/);
    assert.match(filter!, /^\*filter\n/);
    assert.equal(calls.filter((c) => / -C /.test(c)).length, 8);
    assert.ok(calls.includes('-w 5 -t nat -I PREROUTING 1 -m comment --comment kubernetes service portals -j K8TS-SERVICES'));
    assert.equal(p.lastStats?.applied, true);
    assert.equal(p.lastStats?.partial, false);
    // an unchanged sync only checks the two jumps a flush would remove
    const n = f.calls().length;
    await p.sync();
    assert.equal(p.lastStats?.applied, false);
    assert.equal(p.lastStats?.partial, true);
    assert.deepEqual(f.calls().slice(n).map((c) => c.split(' -C ')[1]?.split(' ')[0]).sort(), ['FORWARD', 'PREROUTING']);
    // a table flushed behind our back is re-applied in full (jumps included) even though the text is the same
    f.flush();
    const m = f.calls().length;
    await p.sync();
    assert.equal(p.lastStats?.applied, true);
    assert.equal(p.lastStats?.partial, false);
    assert.ok(f.calls().slice(m).some((c) => c.startsWith('save')), 'unknown state is read with iptables-save');
    assert.ok(f.calls().slice(m).includes('-w 5 -t nat -I PREROUTING 1 -m comment --comment kubernetes service portals -j K8TS-SERVICES'));
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

test('requestSync batches bursts into one sync per minSyncPeriod; ignored after cleanup', async () => {
  const f = fakes();
  let p: IptablesProxier | undefined;
  try {
    let reads = 0;
    const source = { services: () => (reads++, [svc('a', 'web', '10.96.0.1')]), endpointSlices: () => [] } satisfies ProxySource;
    p = new IptablesProxier({ source, nodeName: 'n', clusterCidr: '', iptables: f.iptables, iptablesRestore: f.iptablesRestore, iptablesSave: f.iptablesSave, minSyncPeriodMs: 100, log: silentLogger });
    // Waits for the syncs themselves (fake iptables processes) rather than fixed times: a loaded machine is slow to spawn.
    const until = async (ok: () => boolean): Promise<void> => {
      for (let t = 0; !ok() && t < 5000; t += 10) await sleep(10);
    };
    for (let i = 0; i < 5; i++) p.requestSync();
    await until(() => reads >= 1);
    await sleep(20);
    assert.equal(reads, 1, 'five requests in a burst make one sync');
    p.requestSync(); // within the period: deferred
    assert.equal(reads, 1);
    await until(() => reads >= 2);
    assert.equal(reads, 2, 'the deferred request syncs once the period has passed');
    await p.cleanup();
    p.requestSync(); // stopped: ignored
    await sleep(150);
    assert.equal(reads, 2);
  } finally {
    await p?.cleanup().catch(() => undefined); // stops its timers even when an assertion failed
    rmSync(f.dir, { recursive: true, force: true });
  }
});

test('cleanup deletes the jumps and only the K8TS chains iptables-save shows', async () => {
  const f = fakes();
  try {
    writeFileSync(join(f.dir, 'save.txt'), '*nat\n:PREROUTING ACCEPT [0:0]\n:K8TS-SERVICES - [0:0]\n:K8TS-MARK-MASQ - [0:0]\n:K8TS-SVC-ABCDEFGHIJKLMNOP - [0:0]\n:K8TS-HP-ABCDEFGHIJKLMNOP - [0:0]\n:K8TS-FORWARD - [0:0]\nCOMMIT\n');
    const p = new IptablesProxier({ source: { services: () => [], endpointSlices: () => [] }, nodeName: 'n', clusterCidr: '', iptables: f.iptables, iptablesRestore: f.iptablesRestore, iptablesSave: f.iptablesSave, log: silentLogger });
    await p.cleanup();
    assert.ok(f.calls().some((c) => c === '-w 5 -t nat -D PREROUTING -m comment --comment kubernetes service portals -j K8TS-SERVICES'));
    const [nat, filter] = f.restored().split('----\n');
    assert.equal(nat, '*nat\n:K8TS-SERVICES - [0:0]\n:K8TS-MARK-MASQ - [0:0]\n:K8TS-SVC-ABCDEFGHIJKLMNOP - [0:0]\n-X K8TS-SERVICES\n-X K8TS-MARK-MASQ\n-X K8TS-SVC-ABCDEFGHIJKLMNOP\nCOMMIT\n');
    // the fake save ignores -t, so the filter pass sees K8TS-SERVICES and K8TS-FORWARD
    assert.equal(filter, '*filter\n:K8TS-SERVICES - [0:0]\n:K8TS-FORWARD - [0:0]\n-X K8TS-SERVICES\n-X K8TS-FORWARD\nCOMMIT\n');
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

/** The chains a restore input declares and those it deletes. */
function parse(text: string) {
  return {
    declared: [...text.matchAll(/^:(\S+) /gm)].map((m) => m[1]!),
    deleted: [...text.matchAll(/^-X (\S+)$/gm)].map((m) => m[1]!),
    rules: text.split('\n').filter((l) => l.startsWith('-A ')),
  };
}

test('partial syncs write only changed chains and delete the chains of removed endpoints and services', async () => {
  const f = fakes();
  try {
    let services = [svc('a', 'one', '10.96.0.1'), svc('a', 'two', '10.96.0.2'), svc('a', 'three', '10.96.0.3')];
    let slices = [slice('a', 'one', [{ ip: '10.244.0.1' }]), slice('a', 'two', [{ ip: '10.244.0.2' }, { ip: '10.244.0.3' }]), slice('a', 'three', [{ ip: '10.244.0.4' }])];
    const seen: SyncStats[] = [];
    const p = new IptablesProxier({ source: { services: () => services, endpointSlices: () => slices }, nodeName: 'n', clusterCidr: '10.244.0.0/16', iptables: f.iptables, iptablesRestore: f.iptablesRestore, iptablesSave: f.iptablesSave, onSync: (s) => seen.push(s), log: silentLogger });
    await p.sync();
    const firstNat = f.takeRestored().join('');
    const infos = buildServiceMap(services, slices, 'n');
    const two = infos.find((i) => i.name === 'two')!;
    const svcTwo = serviceChains(two).svc;
    const [sep2, sep3] = two.endpoints.map((e) => endpointChain(two, e));
    assert.ok(parse(firstNat!).declared.includes(sep3!));

    // one endpoint of "two" replaced: its SVC chain and the new SEP chain are written, the old SEP deleted, nothing else
    slices = [slices[0]!, slice('a', 'two', [{ ip: '10.244.0.2' }, { ip: '10.244.0.9' }]), slices[2]!];
    await p.sync();
    const texts = f.takeRestored();
    assert.ok(texts.every((t) => t.startsWith('*nat\n')), 'the filter table did not change');
    assert.deepEqual(texts.map((t) => parse(t)).map((t) => [t.declared.length, t.rules.length > 0, t.deleted.length]), [[2, true, 0], [1, false, 0], [0, false, 1]], 'rules, then flush, then delete');
    const nat = texts.join('');
    const sep9 = endpointChain(two, { ...two.endpoints[0]!, ip: '10.244.0.9' });
    const got = parse(nat!);
    assert.deepEqual(got.declared.sort(), [svcTwo, sep9, sep3!].sort());
    assert.deepEqual(got.deleted, [sep3]);
    assert.ok(got.rules.every((r) => r.startsWith(`-A ${svcTwo} `) || r.startsWith(`-A ${sep9} `)), got.rules.join('\n'));
    assert.ok(!got.declared.includes(sep2!), 'unchanged endpoint chain left alone');
    assert.deepEqual({ partial: p.lastStats?.partial, svc: p.lastStats?.serviceChainsWritten, all: p.lastStats?.chainsWritten, del: p.lastStats?.chainsDeleted }, { partial: true, svc: 2, all: 2, del: 1 });

    // service "one" removed: K8TS-SERVICES rewritten without its jump, its chains deleted after the flush
    const one = infos.find((i) => i.name === 'one')!;
    const oneChains = [serviceChains(one).svc, endpointChain(one, one.endpoints[0]!)];
    services = services.filter((s) => s.metadata!.name !== 'one');
    slices = slices.filter((s) => s.metadata!.name !== 'one-a');
    await p.sync();
    const nat2 = f.takeRestored().join('');
    const g2 = parse(nat2!);
    assert.deepEqual(g2.declared.sort(), ['K8TS-SERVICES', ...oneChains].sort());
    assert.deepEqual(g2.deleted.sort(), [...oneChains].sort());
    assert.ok(!nat2!.includes('a/one'), 'no rule mentions the removed service');
    assert.ok(nat2!.indexOf('-X ') > nat2!.lastIndexOf('-A '), 'deletions come after the rules');
    assert.equal(seen.length, 3);
    assert.deepEqual(seen.map((s) => s.partial), [false, true, true]);
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

test('a failed partial restore falls back to a full sync reading iptables-save; a failed full sync makes the next one full', async () => {
  const f = fakes();
  try {
    let eps = [{ ip: '10.244.0.1' }];
    const p = new IptablesProxier({ source: { services: () => [svc('a', 'web', '10.96.0.1')], endpointSlices: () => [slice('a', 'web', eps)] }, nodeName: 'n', clusterCidr: '', iptables: f.iptables, iptablesRestore: f.iptablesRestore, iptablesSave: f.iptablesSave, log: silentLogger });
    await p.sync();
    f.takeRestored();
    eps = [{ ip: '10.244.0.2' }];
    f.failNext();
    const n = f.calls().length;
    await p.sync();
    assert.equal(p.lastStats?.partial, false);
    assert.ok(f.calls().slice(n).some((c) => c.startsWith('save')));
    const texts = f.takeRestored();
    assert.ok(texts.some((t) => parse(t).declared.includes('K8TS-SERVICES')) && parse(texts.at(-1)!).declared.includes('K8TS-FORWARD'), 'every chain written');
    // the full sync itself fails: the error surfaces, and the next sync is full again
    eps = [{ ip: '10.244.0.3' }];
    f.failNext(2); // the partial attempt and the full fallback
    await assert.rejects(p.sync(), /iptables-restore failed/);
    await p.sync();
    assert.equal(p.lastStats?.partial, false);
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

test('fullSyncPeriodMs: a sync after the period is full', async () => {
  const f = fakes();
  try {
    const p = new IptablesProxier({ source: { services: () => [svc('a', 'web', '10.96.0.1')], endpointSlices: () => [] }, nodeName: 'n', clusterCidr: '', iptables: f.iptables, iptablesRestore: f.iptablesRestore, iptablesSave: f.iptablesSave, fullSyncPeriodMs: 0, log: silentLogger });
    await p.sync();
    await p.sync();
    assert.equal(p.lastStats?.partial, false);
    assert.equal(p.lastStats?.applied, true);
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

test('a full sync writes the ports\' own chains in batches of 500 ports before K8TS-SERVICES jumps to them', async () => {
  const f = fakes();
  try {
    const services = Array.from({ length: 600 }, (_, i) => svc('b', `s${i}`, `10.96.${i >> 8}.${i & 255}`));
    const slices = services.map((s, i) => slice('b', s.metadata!.name!, [{ ip: `10.244.${i >> 8}.${i & 255}` }]));
    const p = new IptablesProxier({ source: { services: () => services, endpointSlices: () => slices }, nodeName: 'n', clusterCidr: '', iptables: f.iptables, iptablesRestore: f.iptablesRestore, iptablesSave: f.iptablesSave, log: silentLogger });
    await p.sync();
    const texts = f.takeRestored().map(parse);
    assert.equal(texts.length, 5); // leaves, 2 batches, fixed, filter
    assert.equal(texts[1]!.declared.length, 1000); // 500 ports × (SVC + SEP)
    assert.equal(texts[2]!.declared.length, 200);
    assert.equal(texts[3]!.rules.filter((r) => r.startsWith('-A K8TS-SERVICES ')).length, 601);
    assert.equal(p.lastStats?.serviceChainsWritten, 1200);
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});
