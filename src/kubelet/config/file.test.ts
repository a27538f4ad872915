import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../util/logger.js';
import { readManifestDir, startFileSource } from './file.js';
import { Updates, names } from './testutil.js';

const podYaml = (name: string, image = 'busybox') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: c
    image: ${image}
`;

describe('file source', () => {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-filesrc-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('reads pods from yaml, yml and json files; skips bad, hidden and other files', async () => {
    const dir = join(root, 'read');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.yaml'), podYaml('a'));
    writeFileSync(join(dir, 'multi.yml'), `${podYaml('b')}---\n${podYaml('c')}`);
    writeFileSync(join(dir, 'list.json'), JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'd' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }] }));
    writeFileSync(join(dir, 'bad.yaml'), `${podYaml('e')}---\nkind: Pod\napiVersion: v1\nmetadata: {name: f}\nspec: {containers: [{name: c}]}\n`);
    writeFileSync(join(dir, 'broken.yaml'), 'kind: [Pod\n');
    writeFileSync(join(dir, '.hidden.yaml'), podYaml('g'));
    writeFileSync(join(dir, 'notes.txt'), podYaml('h'));
    mkdirSync(join(dir, 'sub.yaml'));
    const warned: string[] = [];
    const log = { ...silentLogger, warn: (f: Record<string, unknown>) => void warned.push(String(f.path)) };
    const pods = await readManifestDir(dir, 'node1', log);
    assert.deepEqual(pods.map((p) => p.metadata!.name).sort(), ['a-node1', 'b-node1', 'c-node1', 'd-node1']);
    assert.deepEqual(warned.sort(), [join(dir, 'bad.yaml'), join(dir, 'broken.yaml')]);
    assert.ok(pods.every((p) => p.metadata!.annotations?.['kubernetes.io/config.source'] === 'file'));
    // A single file path works too; a missing path is an empty set.
    assert.deepEqual((await readManifestDir(join(dir, 'a.yaml'), 'node1', log)).map((p) => p.metadata!.name), ['a-node1']);
    assert.deepEqual(await readManifestDir(join(root, 'missing'), 'node1', log), []);
  });

  it('emits the set at start and on every add, change and removal (fs.watch)', async () => {
    const dir = join(root, 'watch');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.yaml'), podYaml('a'));
    const updates = new Updates();
    const ctl = new AbortController();
    try {
      startFileSource({ dir, periodMs: 60_000, nodeName: 'node1', onUpdate: updates.push, log: silentLogger, signal: ctl.signal });
      const first = await updates.next();
      assert.equal(first.source, 'file');
      assert.deepEqual(names(first), ['default/a-node1']);
      const uidA = first.pods[0]!.metadata!.uid;
      const seenA = first.pods[0]!.metadata!.annotations?.['kubernetes.io/config.seen'];
      assert.ok(seenA);

      writeFileSync(join(dir, 'b.yaml'), `${podYaml('b')}---\n${podYaml('c')}`);
      const added = await updates.next();
      assert.deepEqual(names(added), ['default/a-node1', 'default/b-node1', 'default/c-node1']);
      const a2 = added.pods.find((p) => p.metadata!.name === 'a-node1')!;
      assert.equal(a2.metadata!.uid, uidA);
      assert.equal(a2.metadata!.annotations?.['kubernetes.io/config.seen'], seenA, 'seen time kept for an unchanged pod');

      writeFileSync(join(dir, 'a.yaml'), podYaml('a', 'busybox:1.36'));
      const changed = await updates.next();
      const a3 = changed.pods.find((p) => p.metadata!.name === 'a-node1')!;
      assert.notEqual(a3.metadata!.uid, uidA, 'a changed manifest is a new pod');
      assert.equal(a3.spec!.containers[0]!.image, 'busybox:1.36');

      unlinkSync(join(dir, 'b.yaml'));
      assert.deepEqual(names(await updates.next()), ['default/a-node1']);

      // Rewriting the same content emits nothing.
      writeFileSync(join(dir, 'a.yaml'), podYaml('a', 'busybox:1.36'));
      assert.ok(await updates.none(400));

      // A file turned bad loses its pods (as upstream: it is skipped).
      writeFileSync(join(dir, 'a.yaml'), 'kind: [\n');
      assert.deepEqual(names(await updates.next()), []);
    } finally {
      ctl.abort();
    }
    writeFileSync(join(dir, 'z.yaml'), podYaml('z'));
    assert.ok(await updates.none(400), 'no update after abort');
  });

  it('polls every periodMs: a directory created later is picked up', async () => {
    const dir = join(root, 'later');
    const updates = new Updates();
    const ctl = new AbortController();
    try {
      startFileSource({ dir, periodMs: 100, nodeName: 'node1', onUpdate: updates.push, log: silentLogger, signal: ctl.signal });
      assert.deepEqual(names(await updates.next()), [], 'a missing directory is an empty set');
      mkdirSync(dir);
      writeFileSync(join(dir, 'p.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'kube-system' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }));
      assert.deepEqual(names(await updates.next()), ['kube-system/p-node1']);
      // Once the directory exists it is watched: a removal is seen.
      unlinkSync(join(dir, 'p.json'));
      assert.deepEqual(names(await updates.next()), []);
    } finally {
      ctl.abort();
    }
  });
});
