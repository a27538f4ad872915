import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '../api/types.js';
import { Indexer, SharedInformer, SharedInformerFactory, byNodeName, type DeletedObject, type ListerWatcher } from './informer.js';
import { ApiStatusError, RestClient, type ObjectList, type ResourceRef, type WatchEvent } from './rest.js';

const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
const CMS: ResourceRef = { group: '', version: 'v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap' };

const pod = (ns: string, name: string, rv: string, extra: Record<string, unknown> = {}): KubeObject => ({
  metadata: { namespace: ns, name, resourceVersion: rv, ...((extra.labels ? { labels: extra.labels } : {}) as object) },
  spec: extra.nodeName ? { nodeName: extra.nodeName } : {},
});

/** A watch stream the test feeds by hand. */
class Stream {
  private items: Array<{ ev?: WatchEvent<KubeObject>; end?: boolean; err?: unknown }> = [];
  private wake: (() => void) | undefined;
  constructor(
    readonly rv: string,
    private readonly signal: AbortSignal,
  ) {}
  push(ev: WatchEvent<KubeObject>): void {
    this.items.push({ ev });
    this.wake?.();
  }
  end(): void {
    this.items.push({ end: true });
    this.wake?.();
  }
  fail(err: unknown): void {
    this.items.push({ err });
    this.wake?.();
  }
  async *iterate(): AsyncGenerator<WatchEvent<KubeObject>> {
    const onAbort = () => this.wake?.();
    this.signal.addEventListener('abort', onAbort);
    try {
      for (;;) {
        if (this.signal.aborted) return;
        const it = this.items.shift();
        if (!it) {
          await new Promise<void>((r) => (this.wake = r));
          continue;
        }
        if (it.end) return;
        if (it.err) throw it.err;
        yield it.ev!;
      }
    } finally {
      this.signal.removeEventListener('abort', onAbort);
    }
  }
}

/** A scripted ListerWatcher: list answers come from `lists`, each watch becomes a Stream. */
function fakeLW() {
  const lists: Array<ObjectList<KubeObject> | Error> = [];
  const streams: Stream[] = [];
  let listCalls = 0;
  let waiters: Array<() => void> = [];
  const lw: ListerWatcher<KubeObject> = {
    async list() {
      listCalls++;
      const next = lists.shift();
      if (!next) throw new Error('no list scripted');
      if (next instanceof Error) throw next;
      return next;
    },
    watch(rv, signal) {
      const s = new Stream(rv, signal);
      streams.push(s);
      for (const w of waiters) w();
      waiters = [];
      return s.iterate();
    },
  };
  return {
    lw,
    lists,
    streams,
    get listCalls() {
      return listCalls;
    },
    /** Waits for the n-th watch (1-based). */
    async watchN(n: number): Promise<Stream> {
      while (streams.length < n) await new Promise<void>((r) => waiters.push(r));
      return streams[n - 1]!;
    },
  };
}

const list = (rv: string, items: KubeObject[]): ObjectList<KubeObject> => ({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: rv }, items });

function recorder() {
  const log: string[] = [];
  const deletes: DeletedObject<KubeObject>[] = [];
  return {
    log,
    deletes,
    handler: {
      onAdd: (o: KubeObject) => log.push(`add ${o.metadata?.name}@${o.metadata?.resourceVersion}`),
      onUpdate: (a: KubeObject, b: KubeObject) => log.push(`update ${b.metadata?.name} ${a.metadata?.resourceVersion}->${b.metadata?.resourceVersion}`),
      onDelete: (d: DeletedObject<KubeObject>) => {
        deletes.push(d);
        log.push(`delete ${d.key}${d.finalStateUnknown ? ' (unknown)' : ''}`);
      },
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('Indexer', () => {
  it('keeps secondary indexes consistent across set and delete', () => {
    const ix = new Indexer<KubeObject>({ node: byNodeName });
    ix.set('a/p1', pod('a', 'p1', '1', { nodeName: 'n1' }));
    ix.set('a/p2', pod('a', 'p2', '1', { nodeName: 'n1' }));
    ix.set('b/p3', pod('b', 'p3', '1'));
    assert.deepEqual(
      ix.byIndex('node', 'n1').map((o) => o.metadata?.name),
      ['p1', 'p2'],
    );
    ix.set('a/p1', pod('a', 'p1', '2', { nodeName: 'n2' }));
    assert.deepEqual(
      ix.byIndex('node', 'n1').map((o) => o.metadata?.name),
      ['p2'],
    );
    assert.deepEqual(
      ix.byIndex('node', 'n2').map((o) => o.metadata?.name),
      ['p1'],
    );
    ix.delete('a/p2');
    assert.deepEqual(ix.byIndex('node', 'n1'), []);
    assert.deepEqual(
      ix.byIndex('namespace', 'b').map((o) => o.metadata?.name),
      ['p3'],
    );
    ix.addIndexers({ ns2: (o) => [`x-${o.metadata?.namespace}`] });
    assert.equal(ix.byIndex('ns2', 'x-a').length, 1);
    assert.throws(() => ix.byIndex('nope', 'x'), /does not exist/);
    assert.throws(() => ix.addIndexers({ node: (o) => [String(o.kind)] }), /already exists/);
  });
});

describe('SharedInformer', () => {
  it('lists, then applies watch events in order, and re-watches from the last resourceVersion', async () => {
    const f = fakeLW();
    f.lists.push(list('10', [pod('a', 'p1', '5', { labels: { app: 'x' } }), pod('b', 'p2', '7')]));
    const inf = new SharedInformer(undefined, PODS, { listerWatcher: f.lw, indexers: { node: byNodeName }, backoffBaseMs: 1, backoffMaxMs: 5 });
    const r = recorder();
    inf.addEventHandler(r.handler);
    const ctl = new AbortController();
    const run = inf.run(ctl.signal);
    await inf.waitForSync(ctl.signal);
    assert.ok(inf.hasSynced());
    assert.deepEqual(r.log, ['add p1@5', 'add p2@7']);
    const p1 = inf.lister.get('a', 'p1')!;
    assert.equal(p1.kind, 'Pod', 'list items get kind and apiVersion');
    assert.equal(p1.apiVersion, 'v1');

    const w1 = await f.watchN(1);
    assert.equal(w1.rv, '10');
    w1.push({ type: 'MODIFIED', object: pod('a', 'p1', '11', { nodeName: 'n1', labels: { app: 'x' } }) });
    w1.push({ type: 'ADDED', object: pod('a', 'p3', '12', { nodeName: 'n1' }) });
    w1.push({ type: 'DELETED', object: pod('b', 'p2', '13') });
    w1.push({ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '20' } } });
    w1.end();
    const w2 = await f.watchN(2);
    assert.equal(w2.rv, '20', 're-watch starts at the bookmark');
    assert.equal(f.listCalls, 1, 'a clean watch end does not re-list');
    assert.deepEqual(r.log.slice(2), ['update p1 5->11', 'add p3@12', 'delete b/p2']);
    assert.equal(r.deletes[0]!.finalStateUnknown, false);
    assert.equal(r.deletes[0]!.lastKnown.metadata?.resourceVersion, '13');
    assert.equal(inf.lastSyncResourceVersion(), '20');

    // Listers and indexes see the cache.
    assert.deepEqual(
      inf.lister.list('a').map((o) => o.metadata?.name).sort(),
      ['p1', 'p3'],
    );
    assert.deepEqual(
      inf.lister.list(undefined, 'app=x').map((o) => o.metadata?.name),
      ['p1'],
    );
    assert.deepEqual(
      inf.lister.byIndex('node', 'n1').map((o) => o.metadata?.name).sort(),
      ['p1', 'p3'],
    );
    assert.equal(inf.lister.get('b', 'p2'), undefined);

    // A handler added late first sees the current objects.
    const late = recorder();
    const remove = inf.addEventHandler(late.handler);
    assert.deepEqual(late.log.sort(), ['add p1@11', 'add p3@12']);
    remove();
    w2.push({ type: 'MODIFIED', object: pod('a', 'p3', '21') });
    await tick();
    assert.equal(late.log.length, 2, 'removed handler gets nothing');
    assert.equal(r.log.at(-1), 'update p3 12->21');
    ctl.abort();
    await run;
  });

  it('re-lists on 410 Expired and hands out the difference', async () => {
    const f = fakeLW();
    f.lists.push(list('10', [pod('a', 'keep', '3'), pod('a', 'change', '4'), pod('a', 'gone', '5')]));
    const inf = new SharedInformer(undefined, PODS, { listerWatcher: f.lw, backoffBaseMs: 1, backoffMaxMs: 5 });
    const r = recorder();
    inf.addEventHandler(r.handler);
    const ctl = new AbortController();
    const run = inf.run(ctl.signal);
    const w1 = await f.watchN(1);
    f.lists.push(list('50', [pod('a', 'keep', '3'), pod('a', 'change', '40'), pod('a', 'new', '45')]));
    w1.push({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version: 10 (30)' } });
    const w2 = await f.watchN(2);
    assert.equal(w2.rv, '50');
    assert.equal(f.listCalls, 2);
    assert.deepEqual(r.log.slice(3), ['update change 4->40', 'add new@45', 'delete a/gone (unknown)']);
    const d = r.deletes[0]!;
    assert.equal(d.type, 'Deleted');
    assert.equal(d.lastKnown.metadata?.resourceVersion, '5');

    // A 410 answer to the watch request (not an event) re-lists too.
    f.lists.push(list('60', [pod('a', 'keep', '3'), pod('a', 'change', '40'), pod('a', 'new', '45')]));
    w2.fail(new ApiStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 410, reason: 'Gone', message: 'gone' }));
    const w3 = await f.watchN(3);
    assert.equal(w3.rv, '60');
    assert.equal(r.log.length, 6, 'unchanged objects give no events');
    ctl.abort();
    await run;
  });

  it('retries a broken watch from where it was, and a failed list until it works', async () => {
    const f = fakeLW();
    f.lists.push(new Error('connect ECONNREFUSED'), new Error('connect ECONNREFUSED'), list('10', [pod('a', 'p', '1')]));
    const inf = new SharedInformer(undefined, PODS, { listerWatcher: f.lw, backoffBaseMs: 1, backoffMaxMs: 5 });
    const ctl = new AbortController();
    const run = inf.run(ctl.signal);
    const w1 = await f.watchN(1);
    assert.equal(f.listCalls, 3);
    w1.push({ type: 'MODIFIED', object: pod('a', 'p', '12') });
    w1.fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const w2 = await f.watchN(2);
    assert.equal(w2.rv, '12');
    assert.equal(f.listCalls, 3, 'a network failure does not re-list');
    // A server error other than 410 re-lists.
    f.lists.push(list('30', [pod('a', 'p', '12')]));
    w2.fail(new ApiStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500, reason: 'InternalError', message: 'boom' }));
    const w3 = await f.watchN(3);
    assert.equal(w3.rv, '30');
    assert.equal(f.listCalls, 4);
    ctl.abort();
    await run;
  });

  it('waitForSync rejects on abort, resync re-delivers updates, handler errors are contained', async () => {
    const f = fakeLW();
    const inf = new SharedInformer(undefined, PODS, { listerWatcher: f.lw, backoffBaseMs: 1000, resyncMs: 30 });
    const ctl = new AbortController();
    const pending = inf.waitForSync(ctl.signal);
    ctl.abort(new Error('gave up'));
    await assert.rejects(pending, /gave up/);

    const f2 = fakeLW();
    f2.lists.push(list('1', [pod('a', 'p', '1')]));
    const inf2 = new SharedInformer(undefined, PODS, { listerWatcher: f2.lw, resyncMs: 30 });
    const seen: string[] = [];
    inf2.addEventHandler({
      onAdd: () => {
        throw new Error('handler bug');
      },
      onUpdate: (a, b) => seen.push(`${a === b}`),
    });
    const c2 = new AbortController();
    const run = inf2.run(c2.signal);
    await inf2.waitForSync();
    await new Promise((r) => setTimeout(r, 80));
    assert.ok(seen.length >= 1 && seen.every((s) => s === 'true'));
    c2.abort();
    await run;
    void inf;
  });
});

describe('SharedInformerFactory over HTTP', () => {
  it('shares one informer per resource and selection, and syncs from a real list+watch', async () => {
    const urls: string[] = [];
    const server = createServer((req, res) => {
      urls.push(req.url!);
      const u = new URL(req.url!, 'http://x');
      res.writeHead(200, { 'content-type': 'application/json' });
      if (u.searchParams.get('watch') === 'true') {
        res.write(JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'late', namespace: 'ns', resourceVersion: '8' } } }) + '\n');
        return; // held open
      }
      res.end(JSON.stringify({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items: [{ metadata: { name: 'c1', namespace: 'ns', resourceVersion: '3' } }] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = new RestClient({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, { qps: 'unlimited' });
    const factory = new SharedInformerFactory(client);
    const a = factory.informerFor(CMS);
    const b = factory.informerFor(CMS);
    const c = factory.informerFor(CMS, { labelSelector: 'x=y' });
    assert.equal(a, b);
    assert.notEqual(a, c);
    const ctl = new AbortController();
    factory.start(ctl.signal);
    await factory.waitForCacheSync(ctl.signal);
    const d = factory.informerFor(PODS);
    assert.ok(d.isRunning, 'informers made after start run at once');
    await d.waitForSync();
    for (let i = 0; i < 100 && !a.lister.get('ns', 'late'); i++) await tick();
    assert.equal(a.lister.get('ns', 'c1')?.kind, 'ConfigMap');
    assert.equal(a.lister.get('ns', 'late')?.metadata?.resourceVersion, '8');
    assert.ok(urls.includes('/api/v1/configmaps?limit=500'));
    assert.ok(urls.some((u) => u.startsWith('/api/v1/configmaps?watch=true&resourceVersion=7&allowWatchBookmarks=true&timeoutSeconds=')));
    assert.ok(urls.includes('/api/v1/configmaps?labelSelector=x%3Dy&limit=500'));
    ctl.abort();
    await factory.stopped();
    client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
});
