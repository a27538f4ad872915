import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/types.js';
import { EventRecorder, referenceTo, type CoreEvent, type EventClient } from './events.js';
import { ApiStatusError } from './rest.js';

const fail = (code: number, reason: string) => new ApiStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message: reason });

function fakeClient() {
  const events = new Map<string, CoreEvent>();
  const calls: string[] = [];
  const faults: Array<ApiStatusError | Error> = [];
  const client = {
    async create(_res, ns, obj) {
      const f = faults.shift();
      calls.push(`create ${ns}/${obj.metadata?.name}${f ? ' !' : ''}`);
      if (f) throw f;
      events.set(`${ns}/${obj.metadata!.name}`, structuredClone(obj) as unknown as CoreEvent);
      return obj as never;
    },
    async patch(_res, ns, name, type, patch) {
      const f = faults.shift();
      calls.push(`patch ${ns}/${name} ${type}${f ? ' !' : ''}`);
      if (f) throw f;
      const e = events.get(`${ns}/${name}`);
      if (!e) throw fail(404, 'NotFound');
      Object.assign(e, patch);
      return e as never;
    },
  } satisfies EventClient;
  return { client, events, calls, faults };
}

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'prod', uid: 'u-1', resourceVersion: '42' } };
const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'u-n' } };

describe('EventRecorder', () => {
  it('writes an Event with upstream fields and name', async () => {
    const f = fakeClient();
    const r = new EventRecorder({ client: f.client, component: 'test-controller', host: 'h1' });
    r.event(pod, 'Normal', 'Scheduled', 'Successfully assigned prod/web-1 to n1');
    await r.flush();
    assert.equal(f.events.size, 1);
    const [key, ev] = [...f.events.entries()][0]!;
    assert.match(key, /^prod\/web-1\.[0-9a-f]{15,}$/);
    assert.deepEqual(ev.involvedObject, { kind: 'Pod', apiVersion: 'v1', namespace: 'prod', name: 'web-1', uid: 'u-1', resourceVersion: '42' });
    assert.equal(ev.reason, 'Scheduled');
    assert.equal(ev.type, 'Normal');
    assert.equal(ev.count, 1);
    assert.deepEqual(ev.source, { component: 'test-controller', host: 'h1' });
    assert.equal(ev.reportingComponent, 'test-controller');
    assert.match(ev.firstTimestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(ev.firstTimestamp, ev.lastTimestamp);
  });

  it('aggregates repeats into count++ patches, and a new message is a new Event', async () => {
    const f = fakeClient();
    const r = new EventRecorder({ client: f.client, component: 'c' });
    r.event(node, 'Warning', 'NodeNotReady', 'Node n1 status is now: NodeNotReady');
    r.event(node, 'Warning', 'NodeNotReady', 'Node n1 status is now: NodeNotReady');
    r.event(node, 'Warning', 'NodeNotReady', 'Node n1 status is now: NodeNotReady');
    r.event(node, 'Warning', 'NodeNotReady', 'something else');
    await r.flush();
    assert.equal(f.calls.length, 4);
    assert.match(f.calls[0]!, /^create default\/n1\./, 'cluster-scoped objects get events in default');
    const name = f.calls[0]!.slice('create '.length);
    assert.deepEqual(f.calls.slice(1, 3), [`patch ${name} strategic`, `patch ${name} strategic`]);
    assert.match(f.calls[3]!, /^create default\/n1\./);
    assert.notEqual(f.calls[3], f.calls[0]);
    assert.equal(f.events.get(name)!.count, 3);
  });

  it('re-creates an aggregated Event that was deleted, and retries server errors', async () => {
    const f = fakeClient();
    const r = new EventRecorder({ client: f.client, component: 'c' });
    r.event(pod, 'Normal', 'Pulled', 'pulled');
    await r.flush();
    const name = f.calls[0]!.slice('create '.length);
    f.events.clear();
    r.event(pod, 'Normal', 'Pulled', 'pulled');
    await r.flush();
    assert.deepEqual(f.calls.slice(1), [`patch ${name} strategic`, `create ${name}`]);
    assert.equal(f.events.get(name)!.count, 2);

    f.faults.push(fail(500, 'InternalError'));
    r.event(pod, 'Normal', 'Other', 'x');
    await r.flush();
    assert.equal(f.calls.filter((c) => c.includes('!')).length, 1);
    assert.equal([...f.events.values()].filter((e) => e.reason === 'Other').length, 1, 'retried after a 500');

    f.faults.push(fail(403, 'Forbidden'));
    r.event(pod, 'Normal', 'Denied', 'x');
    await r.flush();
    assert.equal([...f.events.values()].filter((e) => e.reason === 'Denied').length, 0, '4xx is not retried');
  });

  it('never blocks, bounds its queue, and drops spam beyond the burst', async () => {
    const f = fakeClient();
    const r = new EventRecorder({ client: f.client, component: 'c', maxQueue: 5, spamBurst: 3 });
    for (let i = 0; i < 20; i++) r.event(pod, 'Normal', 'R', `m${i}`);
    await r.flush();
    assert.ok(f.calls.length <= 3, `spam filter let ${f.calls.length} through`);
    const r2 = new EventRecorder({ client: f.client, component: 'c2', maxQueue: 5 });
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) r2.event({ ...pod, metadata: { ...pod.metadata, name: `p${i}` } }, 'Normal', 'R', 'm');
    assert.ok(Date.now() - t0 < 50);
    await r2.flush();
    // The first was taken at once; of the 19 queued behind it, only the newest 5 were kept.
    assert.equal(f.calls.filter((c) => c.startsWith('create prod/p')).length, 6);
    r2.shutDown();
    r2.event(pod, 'Normal', 'R', 'after');
    await r2.flush();
    assert.equal(f.calls.filter((c) => c.startsWith('create prod/p') || c.includes('after')).length, 6);
  });

  it('referenceTo takes objects or references', () => {
    assert.deepEqual(referenceTo({ kind: 'Node', name: 'n', fieldPath: 'spec' }), { kind: 'Node', name: 'n', fieldPath: 'spec' });
    assert.deepEqual(referenceTo(node), { kind: 'Node', apiVersion: 'v1', name: 'n1', uid: 'u-n' });
  });
});
