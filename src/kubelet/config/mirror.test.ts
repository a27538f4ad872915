import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiStatusError, type DeleteOptions, type ResourceRef, type RestClient } from '../../client/rest.js';
import type { KubeObject } from '../../api/types.js';
import type { Status } from '../../machinery/errors.js';
import { silentLogger } from '../../util/logger.js';
import type { Pod } from '../types.js';
import { MirrorPods, mirrorPodFor } from './mirror.js';
import { staticPodFromManifest } from './staticpod.js';

const statusError = (code: number, reason: string) => new ApiStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message: reason });

const SUCCESS: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };

type Call = { verb: 'create' | 'delete'; namespace?: string; name: string; body?: Pod; opts?: unknown };

function fakeClient(fail: { create?: Error; delete?: Error } = {}) {
  const calls: Call[] = [];
  const client = {
    async create<T extends KubeObject>(_res: ResourceRef, namespace: string | undefined, obj: T): Promise<T> {
      calls.push({ verb: 'create', namespace, name: obj.metadata!.name!, body: obj as Pod });
      if (fail.create) throw fail.create;
      return { ...obj, metadata: { ...obj.metadata, uid: 'new-uid' } };
    },
    async delete(_res: ResourceRef, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<Status> {
      calls.push({ verb: 'delete', namespace, name, opts });
      if (fail.delete) throw fail.delete;
      return SUCCESS;
    },
  } satisfies Pick<RestClient, 'create' | 'delete'>;
  return { client, calls };
}

const manifest = (name: string, image = 'busybox') => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { tier: 'x' } }, spec: { containers: [{ name: 'c', image }] } });
const staticPod = (name: string, image?: string) => staticPodFromManifest(manifest(name, image), 'file', 'node1', `/m/${name}.yaml`);
const mirrorOf = (sp: Pod, extra: Partial<Pod['metadata']> = {}): Pod => ({
  ...mirrorPodFor(sp, 'node1', 'node-uid'),
  metadata: { ...mirrorPodFor(sp, 'node1', 'node-uid').metadata, uid: `mirror-${sp.metadata!.name}`, ...extra },
});

const mirrors = (o: { client: Pick<RestClient, 'create' | 'delete'>; nodeUid?: string }) =>
  new MirrorPods({ client: o.client, nodeName: 'node1', nodeUid: () => o.nodeUid, log: silentLogger });

describe('mirrorPodFor', () => {
  it('copies name, labels, annotations and spec and adds the mirror annotation and node owner', () => {
    const sp = staticPod('web');
    const m = mirrorPodFor(sp, 'node1', 'uid-1');
    assert.equal(m.metadata!.name, 'web-node1');
    assert.equal(m.metadata!.namespace, 'default');
    assert.equal(m.metadata!.uid, undefined, 'the API server assigns the uid');
    assert.deepEqual(m.metadata!.labels, { tier: 'x' });
    assert.equal(m.metadata!.annotations!['kubernetes.io/config.mirror'], sp.metadata!.uid);
    assert.equal(m.metadata!.annotations!['kubernetes.io/config.hash'], sp.metadata!.uid);
    assert.equal(m.metadata!.annotations!['kubernetes.io/config.source'], 'file');
    assert.deepEqual(m.metadata!.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'node1', uid: 'uid-1', controller: true }]);
    assert.deepEqual(m.spec, sp.spec);
    assert.notEqual(m.spec, sp.spec, 'a copy');
    assert.equal(m.status, undefined);
  });
});

describe('MirrorPods.sync', () => {
  it('creates a missing mirror pod', async () => {
    const { client, calls } = fakeClient();
    const sp = staticPod('web');
    await mirrors({ client, nodeUid: 'node-uid' }).sync([sp], []);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.verb, 'create');
    assert.equal(calls[0]!.namespace, 'default');
    assert.deepEqual(calls[0]!.body, mirrorPodFor(sp, 'node1', 'node-uid'));
  });

  it('leaves a matching mirror pod and non-mirror pods alone', async () => {
    const { client, calls } = fakeClient();
    const sp = staticPod('web');
    const apiPod: Pod = { metadata: { name: 'other', namespace: 'default', uid: 'u' }, spec: { nodeName: 'node1', containers: [] } };
    await mirrors({ client, nodeUid: 'node-uid' }).sync([sp], [mirrorOf(sp), apiPod]);
    assert.deepEqual(calls, []);
  });

  it('recreates a mirror pod whose hash differs or that is being deleted', async () => {
    const { client, calls } = fakeClient();
    const old = staticPod('web');
    const now = staticPod('web', 'busybox:1.36');
    const db = staticPod('db');
    const dbMirror = mirrorOf(db, { deletionTimestamp: '2024-01-01T00:00:00Z' });
    await mirrors({ client, nodeUid: 'node-uid' }).sync([now, db], [mirrorOf(old), dbMirror]);
    assert.deepEqual(
      calls.map((c) => [c.verb, c.name]),
      [
        ['delete', 'web-node1'],
        ['create', 'web-node1'],
        ['delete', 'db-node1'],
        ['create', 'db-node1'],
      ],
    );
    assert.deepEqual(calls[0]!.opts, { gracePeriodSeconds: 0, preconditions: { uid: 'mirror-web-node1' } });
    assert.equal(calls[1]!.body!.metadata!.annotations!['kubernetes.io/config.mirror'], now.metadata!.uid);
  });

  it('does not create after a delete that found nothing or lost a precondition race', async () => {
    for (const err of [statusError(404, 'NotFound'), statusError(409, 'Conflict')]) {
      const { client, calls } = fakeClient({ delete: err });
      await mirrors({ client, nodeUid: 'node-uid' }).sync([staticPod('web', 'busybox:2')], [mirrorOf(staticPod('web'))]);
      assert.deepEqual(calls.map((c) => c.verb), ['delete']);
    }
  });

  it('deletes orphaned mirror pods of this node unless their static pod is still terminating', async () => {
    const { client, calls } = fakeClient();
    const gone = mirrorOf(staticPod('gone'));
    const stopping = mirrorOf(staticPod('stopping'));
    const elsewhere = mirrorOf(staticPod('elsewhere'));
    elsewhere.spec = { ...elsewhere.spec!, nodeName: 'node2' };
    await mirrors({ client, nodeUid: 'node-uid' }).sync([], [gone, stopping, elsewhere], { terminating: new Set(['default/stopping-node1']) });
    assert.deepEqual(calls.map((c) => [c.verb, c.name]), [['delete', 'gone-node1']]);
    assert.deepEqual(calls[0]!.opts, { gracePeriodSeconds: 0, preconditions: { uid: 'mirror-gone-node1' } });
  });

  it('waits for the node uid and tolerates API errors', async () => {
    const { client, calls } = fakeClient();
    await mirrors({ client, nodeUid: undefined }).sync([staticPod('web')], []);
    assert.deepEqual(calls, [], 'no node uid yet: nothing created');

    const exists = fakeClient({ create: statusError(409, 'AlreadyExists') });
    await mirrors({ client: exists.client, nodeUid: 'node-uid' }).sync([staticPod('web')], []);
    assert.equal(exists.calls.length, 1);

    const broken = fakeClient({ create: statusError(500, 'InternalError'), delete: statusError(500, 'InternalError') });
    await mirrors({ client: broken.client, nodeUid: 'node-uid' }).sync([staticPod('web', 'busybox:2')], [mirrorOf(staticPod('web')), mirrorOf(staticPod('x'))]);
    assert.deepEqual(broken.calls.map((c) => c.verb), ['delete', 'delete']);
  });

  it('runs overlapping syncs one after another', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const client = {
      async create<T extends KubeObject>(_r: ResourceRef, _ns: string | undefined, obj: T): Promise<T> {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        return obj;
      },
      async delete(): Promise<Status> {
        return SUCCESS;
      },
    } satisfies Pick<RestClient, 'create' | 'delete'>;
    const m = mirrors({ client, nodeUid: 'node-uid' });
    await Promise.all([m.sync([staticPod('a')], []), m.sync([staticPod('b')], []), m.sync([staticPod('c')], [])]);
    assert.equal(maxInFlight, 1);
  });
});
