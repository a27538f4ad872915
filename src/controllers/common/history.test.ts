import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalJson,
  computeTemplateHash,
  controllerRevisionName,
  CONTROLLER_REVISION_HASH_LABEL,
  equalRevision,
  fnv32,
  fnv32a,
  hashControllerRevision,
  newControllerRevision,
  nextRevision,
  RevisionHistory,
  revisionsToTruncate,
  safeEncodeString,
  sortControllerRevisions,
  templateFromRevision,
  templatePatch,
  type ControllerRevision,
} from './history.js';
import { FakeApi } from '../daemonset/fakeapi.js';
import { CONTROLLERREVISIONS } from '../resources.js';

const set = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'default', uid: 'u1' }, spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } } };
const rev = (name: string, revision: number, created = '2024-01-01T00:00:00Z'): ControllerRevision => ({ metadata: { name, creationTimestamp: created }, revision, data: { n: name } });

describe('history', () => {
  it('hashes with Go FNV-1 / FNV-1a and the SafeEncodeString alphabet', () => {
    assert.equal(fnv32(Buffer.from('')), 0x811c9dc5);
    assert.equal(fnv32(Buffer.from('a')), 0x050c5d7e);
    assert.equal(fnv32a(Buffer.from('a')), 0xe40c292c);
    assert.equal(fnv32a(Buffer.from('foobar')), 0xbf9cf968);
    assert.equal(safeEncodeString('0123'), '4567');
    assert.match(hashControllerRevision({ a: 1 }, 0), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });

  it('serializes with sorted keys so equal templates hash equally', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
    assert.equal(hashControllerRevision({ x: 1, y: 2 }, 0), hashControllerRevision({ y: 2, x: 1 }, 0));
    assert.notEqual(hashControllerRevision({ x: 1 }, 0), hashControllerRevision({ x: 1 }, 1));
    assert.notEqual(computeTemplateHash({ a: 1 }, undefined), computeTemplateHash({ a: 1 }, 0));
  });

  it('builds revisions: name, hash label, owner, $patch replace data', () => {
    const r = newControllerRevision(set, 'apps/v1', 'StatefulSet', { app: 'web' }, templatePatch(set), 1, 0);
    const hash = r.metadata!.labels![CONTROLLER_REVISION_HASH_LABEL]!;
    assert.equal(r.metadata!.name, `web-${hash}`);
    assert.equal(r.metadata!.labels!.app, 'web');
    assert.equal(r.metadata!.ownerReferences![0]!.uid, 'u1');
    assert.equal((r.data as any).spec.template.$patch, 'replace');
    assert.deepEqual(templateFromRevision(r), set.spec.template);
    assert.equal(controllerRevisionName('x'.repeat(300), 'h').length, 225);
  });

  it('orders, compares and truncates', () => {
    const list = sortControllerRevisions([rev('c', 2), rev('b', 1, '2024-01-02T00:00:00Z'), rev('a', 1, '2024-01-02T00:00:00Z'), rev('d', 1)]);
    assert.deepEqual(list.map((r) => r.metadata!.name), ['d', 'a', 'b', 'c']);
    assert.equal(nextRevision(list), 3);
    assert.equal(nextRevision([]), 1);
    assert.ok(equalRevision({ metadata: {}, revision: 1, data: { a: 1, b: 2 } }, { metadata: {}, revision: 5, data: { b: 2, a: 1 } }));
    assert.ok(!equalRevision({ metadata: { labels: { [CONTROLLER_REVISION_HASH_LABEL]: 'x' } }, revision: 1, data: 1 }, { metadata: { labels: { [CONTROLLER_REVISION_HASH_LABEL]: 'y' } }, revision: 1, data: 1 }));
    const many = Array.from({ length: 6 }, (_, i) => rev(`r${i}`, i + 1));
    assert.deepEqual(revisionsToTruncate(many, new Set(['r0', 'r5']), 2).map((r) => r.metadata!.name), ['r1', 'r2']);
    assert.deepEqual(revisionsToTruncate(many, new Set(), 10), []);
  });

  it('resolves name collisions by bumping the collision count', async () => {
    const api = new FakeApi();
    const history = new RevisionHistory(api.client);
    const r = newControllerRevision(set, 'apps/v1', 'StatefulSet', {}, templatePatch(set), 1, 0);
    // Another revision of other data already holds the name count 0 hashes to.
    api.seed(CONTROLLERREVISIONS, { metadata: { name: r.metadata!.name!, namespace: 'default' }, revision: 1, data: { other: true } });
    const collision = { count: 0 };
    const created = await history.create(set, r, collision);
    assert.equal(collision.count, 1);
    assert.equal(created.metadata!.name, `web-${hashControllerRevision(r.data, 1)}`);
    // The same data again answers the stored revision.
    const again = await history.create(set, r, { count: 1 });
    assert.equal(again.metadata!.uid, created.metadata!.uid);
  });
});
