import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { IptablesProxier, type ProxySource } from './proxier.js';
import { slice, svc } from '../testdata.js';
import { silentLogger } from '../../util/logger.js';

/** Fake iptables binaries that log their calls to files; `iptables -C` always says "missing". */
function fakes() {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-px-'));
  const w = (name: string, body: string) => {
    const p = join(dir, name);
    writeFileSync(p, `#!/bin/sh\n${body}\n`);
    chmodSync(p, 0o755);
    return p;
  };
  return {
    dir,
    iptables: w('iptables', `echo "$*" >> ${dir}/calls; case "$*" in *" -C "*) exit 1;; *" -D "*) [ -f ${dir}/deleted-$(echo "$*" | md5sum | cut -c1-8) ] && exit 1; touch ${dir}/deleted-$(echo "$*" | md5sum | cut -c1-8);; esac; exit 0`),
    iptablesRestore: w('restore', `echo "restore $*" >> ${dir}/calls; cat >> ${dir}/restored; echo "----" >> ${dir}/restored`),
    iptablesSave: w('save', `[ -f ${dir}/save.txt ] && cat ${dir}/save.txt; exit 0`),
    calls: () => (existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n') : []),
    restored: () => (existsSync(join(dir, 'restored')) ? readFileSync(join(dir, 'restored'), 'utf8') : ''),
  };
}

test('sync applies nat then filter with --noflush, inserts missing jumps, skips unchanged syncs', async () => {
  const f = fakes();
  try {
    const source = { services: () => [svc('a', 'web', '10.96.0.1')], endpointSlices: () => [slice('a', 'web', [{ ip: '10.244.0.2' }])] } satisfies ProxySource;
    const p = new IptablesProxier({ source, nodeName: 'n', clusterCidr: '10.244.0.0/16', iptables: f.iptables, iptablesRestore: f.iptablesRestore, iptablesSave: f.iptablesSave, log: silentLogger });
    await p.sync();
    const calls = f.calls();
    assert.deepEqual(calls.filter((c) => c.startsWith('restore')), ['restore --noflush -w 5', 'restore --noflush -w 5']);
    const [nat, filter] = f.restored().split('----\n');
    assert.match(nat!, /^\*nat\n/);
    assert.match(filter!, /^\*filter\n/);
    assert.equal(calls.filter((c) => / -C /.test(c)).length, 8);
    assert.ok(calls.includes('-w 5 -t nat -I PREROUTING 1 -m comment --comment kubernetes service portals -j K8TS-SERVICES'));
    assert.equal(p.lastStats?.applied, true);
    // the chains now "exist": an unchanged sync runs iptables-save only
    writeFileSync(join(f.dir, 'save.txt'), '*nat\n:K8TS-SERVICES - [0:0]\nCOMMIT\n');
    const n = f.calls().length;
    await p.sync();
    assert.equal(p.lastStats?.applied, false);
    assert.equal(f.calls().length, n);
    // a table flushed behind our back is re-applied even though the text is the same
    writeFileSync(join(f.dir, 'save.txt'), '*nat\nCOMMIT\n');
    await p.sync();
    assert.equal(p.lastStats?.applied, true);
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
