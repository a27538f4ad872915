import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Indexer, Lister } from '../../client/informer.js';
import { ApiStatusError, type RestClient } from '../../client/rest.js';
import { silentLogger } from '../../util/logger.js';
import type { KubeObject } from '../../api/types.js';
import type { JobObj } from '../job/types.js';
import { CronJobController, mostRecentScheduleTime, type CronJobObj } from './controller.js';
import { parseSchedule } from './schedule.js';

const T = (s: string): number => Date.parse(s);
const rfc = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Harness {
  c: CronJobController;
  clock: { now: number };
  cronJobs: Indexer<CronJobObj>;
  jobs: Indexer<JobObj>;
  created: JobObj[];
  deleted: string[];
  statuses: CronJobObj[];
  events: { type: string; reason: string; message: string }[];
  enqueued: { key: string; ms: number }[];
}

function harness(cj: CronJobObj, now: string): Harness {
  const cronJobs = new Indexer<CronJobObj>();
  const jobs = new Indexer<JobObj>();
  cronJobs.set('default/cj', cj);
  const h: Harness = { c: undefined as never, clock: { now: T(now) }, cronJobs, jobs, created: [], deleted: [], statuses: [], events: [], enqueued: [] };
  let uid = 0;
  const client = {
    async create<T extends KubeObject>(_r: unknown, ns: string | undefined, obj: T): Promise<T> {
      const key = `${ns}/${obj.metadata!.name}`;
      if (jobs.has(key)) throw new ApiStatusError({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'AlreadyExists', code: 409, message: 'exists' } as never);
      const out = { ...obj, metadata: { ...obj.metadata, namespace: ns, uid: `job-uid-${++uid}`, resourceVersion: '1' } } as T;
      jobs.set(key, out as unknown as JobObj);
      h.created.push(out as unknown as JobObj);
      return out;
    },
    async get<T extends KubeObject>(r: { resource: string }, ns: string | undefined, name: string): Promise<T> {
      const o = r.resource === 'jobs' ? jobs.get(`${ns}/${name}`) : cronJobs.get(`${ns}/${name}`);
      if (!o) throw new ApiStatusError({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' } as never);
      return structuredClone(o) as unknown as T;
    },
    async delete(_r: unknown, ns: string | undefined, name: string) {
      h.deleted.push(name);
      jobs.delete(`${ns}/${name}`);
      return { kind: 'Status' } as never;
    },
    async updateStatus<T extends KubeObject>(_r: unknown, obj: T): Promise<T> {
      h.statuses.push(structuredClone(obj) as unknown as CronJobObj);
      cronJobs.set('default/cj', structuredClone(obj) as unknown as CronJobObj);
      return obj;
    },
  } satisfies Pick<RestClient, 'create' | 'delete' | 'get' | 'updateStatus'>;
  h.c = new CronJobController({
    client: client as unknown as Pick<RestClient, 'create' | 'delete' | 'get' | 'updateStatus'>,
    cronJobs: new Lister(cronJobs),
    jobs: new Lister(jobs),
    recorder: { event: (_o, type, reason, message) => h.events.push({ type, reason, message }) },
    log: silentLogger,
    enqueue: (key, ms) => h.enqueued.push({ key, ms }),
    now: () => h.clock.now,
    localZone: 'UTC',
  });
  return h;
}

function cronJob(spec: Partial<NonNullable<CronJobObj['spec']>>, created = '2024-05-01T10:00:30Z'): CronJobObj {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'cj', namespace: 'default', uid: 'cj-uid', creationTimestamp: created, resourceVersion: '5' },
    spec: {
      schedule: '*/1 * * * *',
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: { metadata: { labels: { app: 'x' }, annotations: { note: 'y' } }, spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } },
      ...spec,
    },
  };
}

const current = (h: Harness): CronJobObj => h.cronJobs.get('default/cj')!;

function finish(h: Harness, name: string, type: 'Complete' | 'Failed', at: string): void {
  const j = structuredClone(h.jobs.get(`default/${name}`)!);
  j.status = { startTime: at, ...(type === 'Complete' ? { completionTime: at } : {}), conditions: [{ type, status: 'True', lastTransitionTime: at }] };
  h.jobs.set(`default/${name}`, j);
}

describe('CronJob controller sync (injected clock)', () => {
  it('waits for the first schedule, then creates the Job named by the scheduled minute', async () => {
    const h = harness(cronJob({}), '2024-05-01T10:00:30Z');
    await h.c.sync('default/cj');
    assert.equal(h.created.length, 0);
    assert.deepEqual(h.enqueued.at(-1), { key: 'default/cj', ms: 30_100 });

    h.clock.now = T('2024-05-01T10:01:00.100Z');
    await h.c.sync('default/cj');
    assert.equal(h.created.length, 1);
    const job = h.created[0]!;
    const minutes = T('2024-05-01T10:01:00Z') / 60_000;
    assert.equal(job.metadata?.name, `cj-${minutes}`);
    assert.deepEqual(job.metadata?.labels, { app: 'x' });
    assert.equal(job.metadata?.annotations?.['note'], 'y');
    assert.equal(job.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2024-05-01T10:01:00Z');
    assert.deepEqual(job.metadata?.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'cj', uid: 'cj-uid', controller: true, blockOwnerDeletion: true }]);
    const st = current(h).status!;
    assert.equal(st.lastScheduleTime, '2024-05-01T10:01:00Z');
    assert.deepEqual(st.active?.map((r) => r.name), [job.metadata?.name]);
    assert.deepEqual(h.events.at(-1), { type: 'Normal', reason: 'SuccessfulCreate', message: `Created job cj-${minutes}` });
    // Requeued for 100 ms after the next minute.
    assert.deepEqual(h.enqueued.at(-1), { key: 'default/cj', ms: 60_000 });

    // Same minute again: nothing new (the scheduled time was processed).
    await h.c.sync('default/cj');
    assert.equal(h.created.length, 1);
  });

  it('Forbid does not start a second Job while one runs; starts after it finished', async () => {
    const h = harness(cronJob({ concurrencyPolicy: 'Forbid' }), '2024-05-01T10:01:00.100Z');
    await h.c.sync('default/cj');
    assert.equal(h.created.length, 1);
    h.clock.now = T('2024-05-01T10:02:00.100Z');
    await h.c.sync('default/cj');
    assert.equal(h.created.length, 1, 'no second job while the first is active');
    assert.deepEqual(h.events.at(-1), { type: 'Normal', reason: 'JobAlreadyActive', message: 'Not starting job because prior execution is running and concurrency policy is Forbid' });
    assert.deepEqual(h.enqueued.at(-1)!.ms, 60_000);

    finish(h, h.created[0]!.metadata!.name!, 'Complete', '2024-05-01T10:02:30Z');
    h.clock.now = T('2024-05-01T10:03:00.100Z');
    await h.c.sync('default/cj');
    assert.ok(h.events.some((e) => e.reason === 'SawCompletedJob' && e.message === `Saw completed job: ${h.created[0]!.metadata!.name}, condition: Complete`));
    assert.equal(h.created.length, 2);
    assert.equal(current(h).status?.lastScheduleTime, '2024-05-01T10:03:00Z');
    assert.equal(current(h).status?.active?.length, 1);
  });

  it('Allow runs Jobs concurrently; Replace deletes the running one first', async () => {
    const a = harness(cronJob({}), '2024-05-01T10:01:00.100Z');
    await a.c.sync('default/cj');
    a.clock.now = T('2024-05-01T10:02:00.100Z');
    await a.c.sync('default/cj');
    assert.equal(a.created.length, 2);
    assert.equal(current(a).status?.active?.length, 2);

    const r = harness(cronJob({ concurrencyPolicy: 'Replace' }), '2024-05-01T10:01:00.100Z');
    await r.c.sync('default/cj');
    r.clock.now = T('2024-05-01T10:02:00.100Z');
    await r.c.sync('default/cj');
    assert.deepEqual(r.deleted, [r.created[0]!.metadata!.name]);
    assert.ok(r.events.some((e) => e.reason === 'SuccessfulDelete' && e.message === `Deleted job ${r.created[0]!.metadata!.name}`));
    assert.deepEqual(current(r).status?.active?.map((x) => x.name), [r.created[1]!.metadata!.name]);
  });

  it('starts only the most recent missed time; warns past 100 missed', async () => {
    const h = harness(cronJob({}, '2024-05-01T08:00:00Z'), '2024-05-01T10:00:30Z');
    await h.c.sync('default/cj');
    assert.equal(h.created.length, 1);
    assert.equal(current(h).status?.lastScheduleTime, '2024-05-01T10:00:00Z');
    assert.ok(h.events.some((e) => e.type === 'Warning' && e.reason === 'TooManyMissedTimes' && e.message === 'too many missed start times: 120. Set or decrease .spec.startingDeadlineSeconds or check clock skew'));
  });

  it('startingDeadlineSeconds skips a start that is too late', async () => {
    const h = harness(cronJob({ schedule: '0 * * * *', startingDeadlineSeconds: 10 }, '2024-05-01T09:30:00Z'), '2024-05-01T10:00:30Z');
    await h.c.sync('default/cj');
    assert.equal(h.created.length, 0);
    assert.deepEqual(h.enqueued.at(-1), { key: 'default/cj', ms: 3_570_100 });
    // Within the deadline it starts.
    const ok = harness(cronJob({ schedule: '0 * * * *', startingDeadlineSeconds: 60 }, '2024-05-01T09:30:00Z'), '2024-05-01T10:00:30Z');
    await ok.c.sync('default/cj');
    assert.equal(ok.created.length, 1);
  });

  it('suspend stops new Jobs', async () => {
    const h = harness(cronJob({ suspend: true }), '2024-05-01T10:05:00Z');
    await h.c.sync('default/cj');
    assert.equal(h.created.length, 0);
  });

  it('keeps successfulJobsHistoryLimit / failedJobsHistoryLimit finished Jobs, oldest deleted first', async () => {
    const h = harness(cronJob({ successfulJobsHistoryLimit: 2, failedJobsHistoryLimit: 1, suspend: true }), '2024-05-01T11:00:00Z');
    const mk = (name: string, type: 'Complete' | 'Failed', at: string) => {
      h.jobs.set(`default/${name}`, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'default', uid: `u-${name}`, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'cj', uid: 'cj-uid', controller: true }] } });
      finish(h, name, type, at);
    };
    mk('s1', 'Complete', '2024-05-01T10:01:00Z');
    mk('s2', 'Complete', '2024-05-01T10:02:00Z');
    mk('s3', 'Complete', '2024-05-01T10:03:00Z');
    mk('f1', 'Failed', '2024-05-01T10:04:00Z');
    mk('f2', 'Failed', '2024-05-01T10:05:00Z');
    await h.c.sync('default/cj');
    assert.deepEqual(h.deleted.sort(), ['f1', 's1']);
    assert.equal(h.events.filter((e) => e.reason === 'SuccessfulDelete').length, 2);
    assert.equal(current(h).status?.lastSuccessfulTime, '2024-05-01T10:03:00Z');
  });

  it('drops an active Job that went missing', async () => {
    const cj = cronJob({ suspend: true });
    cj.status = { active: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'gone', namespace: 'default', uid: 'gone-uid' }] };
    const h = harness(cj, '2024-05-01T10:05:00Z');
    await h.c.sync('default/cj');
    assert.deepEqual(current(h).status?.active, []);
    assert.deepEqual(h.events.at(-1), { type: 'Normal', reason: 'MissingJob', message: 'Active job went missing: gone' });
  });

  it('reads the schedule in spec.timeZone and stamps the zone offset', async () => {
    const h = harness(cronJob({ schedule: '0 9 * * *', timeZone: 'America/New_York' }, '2024-07-10T12:00:00Z'), '2024-07-10T13:00:00.100Z');
    await h.c.sync('default/cj');
    assert.equal(h.created.length, 1);
    assert.equal(h.created[0]!.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2024-07-10T09:00:00-04:00');
    assert.equal(current(h).status?.lastScheduleTime, '2024-07-10T13:00:00Z');
  });

  it('reports an unparseable schedule without creating anything', async () => {
    const h = harness(cronJob({ schedule: '61 * * * *' }), '2024-05-01T10:05:00Z');
    await h.c.sync('default/cj');
    assert.equal(h.created.length, 0);
    assert.deepEqual(h.events.at(-1), { type: 'Warning', reason: 'UnparseableSchedule', message: 'unparseable schedule: "61 * * * *" : end of range (61) above maximum (59): 61' });
  });
});

describe('mostRecentScheduleTime', () => {
  it('counts missed schedules since the last schedule time', () => {
    const cj = cronJob({});
    cj.status = { lastScheduleTime: '2024-05-01T10:00:00Z' };
    const s = parseSchedule('*/5 * * * *', 'UTC');
    assert.deepEqual(mostRecentScheduleTime(cj, T('2024-05-01T10:04:00Z'), s, false), { missed: 0 });
    assert.deepEqual(mostRecentScheduleTime(cj, T('2024-05-01T10:05:00Z'), s, false), { mostRecent: T('2024-05-01T10:05:00Z'), missed: 1 });
    assert.deepEqual(mostRecentScheduleTime(cj, T('2024-05-01T10:17:00Z'), s, false), { mostRecent: T('2024-05-01T10:15:00Z'), missed: 3 });
    cj.spec!.startingDeadlineSeconds = 200;
    assert.deepEqual(mostRecentScheduleTime(cj, T('2024-05-01T10:17:00Z'), s, true), { mostRecent: T('2024-05-01T10:15:00Z'), missed: 1 });
    assert.equal(rfc(T('2024-05-01T10:15:00Z')), '2024-05-01T10:15:00Z');
  });
});
