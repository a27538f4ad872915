/** The informer handlers only enqueue the right Deployment keys (driven through real SharedInformers). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { SharedInformer, type ListerWatcher } from '../../client/informer.js';
import type { WatchEvent } from '../../client/rest.js';
import { WorkQueue } from '../../client/workqueue.js';
import { silentLogger } from '../../util/logger.js';
import type { PodObj } from '../common/podutil.js';
import { DEPLOYMENTS, PODS, REPLICASETS } from '../resources.js';
import { DeploymentController } from './controller.js';
import type { DeploymentObj, ReplicaSetObj } from './types.js';

/** A ListerWatcher whose list is fixed and whose watch hands out what `push` sends. */
function feed<T extends KubeObject>(items: T[]): ListerWatcher<T> & { push(ev: WatchEvent<T>): void } {
  const pending: WatchEvent<T>[] = [];
  let wake: (() => void) | undefined;
  return {
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
    push(ev) {
      pending.push(ev);
      wake?.();
    },
  };
}

let rv = 10;
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'ns', uid: `${name}-uid`, resourceVersion: String(++rv), ...extra });
const ref = (kind: string, name: string) => ({ apiVersion: 'apps/v1', kind, name, uid: `${name}-uid`, controller: true });
const dep = (name: string, app: string, strategy = 'RollingUpdate'): DeploymentObj => ({ metadata: meta(name), spec: { selector: { matchLabels: { app } }, strategy: { type: strategy }, template: {} } });

async function setup() {
  const d = feed<DeploymentObj>([dep('web', 'web'), dep('rec', 'rec', 'Recreate'), dep('other', 'other')]);
  const r = feed<ReplicaSetObj>([{ metadata: meta('rec-1', { labels: { app: 'rec' }, ownerReferences: [ref('Deployment', 'rec')] }), spec: { selector: {} } }]);
  const p = feed<PodObj>([
    { metadata: meta('p1', { labels: { app: 'rec' }, ownerReferences: [ref('ReplicaSet', 'rec-1')] }) } as PodObj,
    { metadata: meta('p2', { labels: { app: 'rec' }, ownerReferences: [ref('ReplicaSet', 'rec-1')] }) } as PodObj,
  ]);
  const ac = new AbortController();
  const mk = <T extends KubeObject>(res: typeof DEPLOYMENTS, lw: ListerWatcher<T>) => new SharedInformer<T>(undefined, res, { listerWatcher: lw });
  const deployments = mk(DEPLOYMENTS, d);
  const replicaSets = mk(REPLICASETS, r);
  const pods = mk(PODS, p);
  const queue = new WorkQueue<string>('t');
  new DeploymentController({ client: {} as never, deployments, replicaSets, pods, queue, recorder: { event() {} }, log: silentLogger });
  for (const i of [deployments, replicaSets, pods]) void i.run(ac.signal);
  await Promise.all([deployments, replicaSets, pods].map((i) => i.waitForSync()));
  const drain = async (): Promise<string[]> => {
    await new Promise((res) => setTimeout(res, 10));
    const out: string[] = [];
    while (queue.len() > 0) {
      const k = (await queue.get())!;
      out.push(k);
      queue.done(k);
    }
    return out.sort();
  };
  return { d, r, p, ac, drain };
}

describe('deployment informer handlers', () => {
  it('enqueue the controlling Deployment, or every matching one for an orphan', async () => {
    const { r, ac, drain } = await setup();
    await drain();
    r.push({ type: 'ADDED', object: { metadata: meta('web-1', { labels: { app: 'web' }, ownerReferences: [ref('Deployment', 'web')] }), spec: { selector: {} } } });
    assert.deepEqual(await drain(), ['ns/web']);
    r.push({ type: 'ADDED', object: { metadata: meta('orphan', { labels: { app: 'other' } }), spec: { selector: {} } } });
    assert.deepEqual(await drain(), ['ns/other']);
    // A controller-ref change enqueues the old and the new owner.
    r.push({ type: 'MODIFIED', object: { metadata: meta('web-1', { labels: { app: 'web' }, ownerReferences: [ref('Deployment', 'other')] }), spec: { selector: {} } } });
    assert.deepEqual(await drain(), ['ns/other', 'ns/web']);
    // A ReplicaSet of an unknown owner kind enqueues nothing.
    r.push({ type: 'ADDED', object: { metadata: meta('x', { labels: { app: 'web' }, ownerReferences: [ref('StatefulSet', 'web')] }), spec: { selector: {} } } });
    assert.deepEqual(await drain(), []);
    ac.abort();
  });

  it('a pod deletion enqueues its Recreate Deployment only once no pod is left', async () => {
    const { p, ac, drain } = await setup();
    await drain();
    const pod = (name: string) => ({ metadata: meta(name, { labels: { app: 'rec' }, ownerReferences: [ref('ReplicaSet', 'rec-1')] }) }) as PodObj;
    p.push({ type: 'DELETED', object: pod('p1') });
    assert.deepEqual(await drain(), []);
    p.push({ type: 'DELETED', object: pod('p2') });
    assert.deepEqual(await drain(), ['ns/rec']);
    ac.abort();
  });
});
