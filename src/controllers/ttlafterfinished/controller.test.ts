import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Indexer, Lister } from '../../client/informer.js';
import type { DeleteOptions, RestClient } from '../../client/rest.js';
import type { KubeObject } from '../../api/types.js';
import { silentLogger } from '../../util/logger.js';
import type { JobObj } from '../job/types.js';
import { TtlAfterFinishedController } from './controller.js';

const finished = (ttl: number | undefined, at: string): JobObj => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'j', namespace: 'default', uid: 'u', resourceVersion: '7' },
  spec: { ...(ttl === undefined ? {} : { ttlSecondsAfterFinished: ttl }), template: {} },
  status: { conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: at }] },
});

describe('TTL-after-finished controller', () => {
  it('re-queues until the TTL passes, then deletes with foreground propagation and an RV precondition', async () => {
    const jobs = new Indexer<JobObj>();
    jobs.set('default/j', finished(60, '2024-05-01T10:00:00Z'));
    let now = Date.parse('2024-05-01T10:00:20Z');
    const enqueued: { key: string; ms: number }[] = [];
    const deletes: DeleteOptions[] = [];
    const client = {
      async get<T extends KubeObject>(): Promise<T> {
        return structuredClone(jobs.get('default/j')) as unknown as T;
      },
      async delete(_r: unknown, _ns: string | undefined, _n: string, o?: DeleteOptions) {
        deletes.push(o!);
        return { kind: 'Status' } as never;
      },
    } satisfies Pick<RestClient, 'get' | 'delete'>;
    const c = new TtlAfterFinishedController({ client: client as unknown as Pick<RestClient, 'get' | 'delete'>, jobs: new Lister(jobs), log: silentLogger, enqueue: (key, ms) => enqueued.push({ key, ms }), now: () => now });
    c.onJob(jobs.get('default/j')!);
    assert.deepEqual(enqueued, [{ key: 'default/j', ms: 0 }]);
    await c.sync('default/j');
    assert.deepEqual(enqueued.at(-1), { key: 'default/j', ms: 40_000 });
    assert.equal(deletes.length, 0);
    now += 40_000;
    await c.sync('default/j');
    assert.equal(deletes.length, 1);
    assert.equal(deletes[0]!.propagationPolicy, 'Foreground');
    assert.deepEqual(deletes[0]!.preconditions, { resourceVersion: '7' });
  });

  it('ignores Jobs without a TTL or not finished', () => {
    const enqueued: unknown[] = [];
    const c = new TtlAfterFinishedController({ client: {} as never, jobs: new Lister(new Indexer<JobObj>()), log: silentLogger, enqueue: (k, ms) => enqueued.push({ k, ms }) });
    c.onJob(finished(undefined, '2024-05-01T10:00:00Z'));
    const running = finished(5, '2024-05-01T10:00:00Z');
    running.status = {};
    c.onJob(running);
    assert.equal(enqueued.length, 0);
  });
});
