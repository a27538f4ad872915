import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject } from '../api/types.js';
import type { ListerWatcher } from '../client/informer.js';
import { SharedInformer } from '../client/informer.js';
import type { WatchEvent } from '../client/rest.js';
import { ClusterDns } from './resolver.js';
import { ENDPOINTSLICES_REF, SERVICES_REF, informerSource } from './informers.js';
import { decode, query } from './testutil.js';

/** A ListerWatcher listing `items` once, then streaming what `push` sends until aborted. */
function fakeLW<T extends KubeObject>(items: T[]): { lw: ListerWatcher<T>; push(ev: WatchEvent<T>): void } {
  const pending: WatchEvent<T>[] = [];
  let wake: (() => void) | undefined;
  return {
    push(ev) {
      pending.push(ev);
      wake?.();
    },
    lw: {
      list: async () => ({ metadata: { resourceVersion: '1' }, items }),
      async *watch(_rv, signal) {
        while (!signal.aborted) {
          while (pending.length) yield pending.shift()!;
          await new Promise<void>((r) => {
            wake = r;
            signal.addEventListener('abort', () => r(), { once: true });
          });
        }
      },
    },
  };
}

const svc = (name: string, ip: string, rv = '1'): SvcObj => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', resourceVersion: rv }, spec: { clusterIP: ip, clusterIPs: ip === 'None' ? undefined : [ip] } });
const slice = (svcName: string, ips: string[], rv = '1'): SliceObj => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: `${svcName}-x`, namespace: 'default', resourceVersion: rv, labels: { 'kubernetes.io/service-name': svcName } },
  addressType: 'IPv4',
  endpoints: ips.map((ip) => ({ addresses: [ip] })),
});

type SvcObj = Service & KubeObject;
type SliceObj = EndpointSlice & KubeObject;

describe('informerSource', () => {
  it('answers from the informer caches through indexes, and follows watch events at once', async () => {
    const ac = new AbortController();
    const svcs = fakeLW([svc('web', '10.43.0.10'), svc('db', 'None')]);
    const sls = fakeLW([slice('db', ['10.42.0.5', '10.42.0.6'])]);
    const si = new SharedInformer<SvcObj>(undefined, SERVICES_REF, { listerWatcher: svcs.lw });
    const li = new SharedInformer<SliceObj>(undefined, ENDPOINTSLICES_REF, { listerWatcher: sls.lw });
    const source = informerSource(si, li);
    void si.run(ac.signal);
    void li.run(ac.signal);
    await Promise.all([si.waitForSync(), li.waitForSync()]);
    assert.ok(source.lookup);
    const dns = new ClusterDns({ source, clusterDomain: 'cluster.local' });
    const ask = async (n: string, t: 'A' | 'PTR') => decode(await dns.answer(query(n, t)));
    const data = (r: Awaited<ReturnType<typeof ask>>) => (r.answers ?? []).map((a) => (a as { data: unknown }).data);

    assert.deepEqual(data(await ask('web.default.svc.cluster.local', 'A')), ['10.43.0.10']);
    assert.deepEqual(data(await ask('db.default.svc.cluster.local', 'A')), ['10.42.0.5', '10.42.0.6']);
    assert.deepEqual(data(await ask('10.0.43.10.in-addr.arpa', 'PTR')), ['web.default.svc.cluster.local']);
    assert.deepEqual(data(await ask('6.0.42.10.in-addr.arpa', 'PTR')), ['10-42-0-6.db.default.svc.cluster.local']);

    const gen0 = source.generation!();
    sls.push({ type: 'MODIFIED', object: slice('db', ['10.42.0.7'], '2') });
    svcs.push({ type: 'MODIFIED', object: svc('web', '10.43.0.11', '3') });
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(source.generation!() > gen0);
    assert.deepEqual(data(await ask('db.default.svc.cluster.local', 'A')), ['10.42.0.7']);
    assert.deepEqual(data(await ask('web.default.svc.cluster.local', 'A')), ['10.43.0.11']);
    assert.equal((await ask('10.0.43.10.in-addr.arpa', 'PTR')).rcode, 'NXDOMAIN');
    assert.deepEqual(data(await ask('11.0.43.10.in-addr.arpa', 'PTR')), ['web.default.svc.cluster.local']);
    svcs.push({ type: 'DELETED', object: svc('web', '10.43.0.11', '4') });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await ask('web.default.svc.cluster.local', 'A')).rcode, 'NXDOMAIN');
    ac.abort();
  });
});
