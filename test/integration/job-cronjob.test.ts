/**
 * The Job, CronJob and TTL-after-finished controllers inside a real `k8ts server`, with three
 * simulated nodes, driven by the real kubectl. Pods finish through the simulation annotations.
 * Cases run concurrently to keep the file's wall time down (the failing Job waits out upstream's
 * 10 s pod-failure back-off). The CronJob case does not wait for a minute boundary: it sets
 * status.lastScheduleTime two minutes back, so the controller catches up on the missed time at
 * once (upstream behaviour); minute-accurate timing is covered by the unit tests with a clock.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/types.js';
import { RestClient, type ResourceRef } from '../../src/client/rest.js';
import { TestServer, eventually } from '../support/server.js';
import { TestAgent } from '../support/agent.js';

const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' };
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
const JOBS: ResourceRef = { group: 'batch', version: 'v1', resource: 'jobs', namespaced: true, kind: 'Job' };
const CRONJOBS: ResourceRef = { group: 'batch', version: 'v1', resource: 'cronjobs', namespaced: true, kind: 'CronJob' };
const EVENTS: ResourceRef = { group: '', version: 'v1', resource: 'events', namespaced: true, kind: 'Event' };

type Obj = KubeObject & { spec?: Record<string, any>; status?: Record<string, any>; [k: string]: any };

function jobYaml(name: string, o: { completions?: number; parallelism?: number; exitCode?: number; runSeconds?: number; backoffLimit?: number; mode?: string; ttl?: number; suspend?: boolean }): string {
  return JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: {
      ...(o.completions !== undefined ? { completions: o.completions } : {}),
      ...(o.parallelism !== undefined ? { parallelism: o.parallelism } : {}),
      ...(o.backoffLimit !== undefined ? { backoffLimit: o.backoffLimit } : {}),
      ...(o.mode ? { completionMode: o.mode } : {}),
      ...(o.ttl !== undefined ? { ttlSecondsAfterFinished: o.ttl } : {}),
      ...(o.suspend !== undefined ? { suspend: o.suspend } : {}),
      template: {
        metadata: { annotations: { 'k8ts.io/simulated-exit-code': String(o.exitCode ?? 0), 'k8ts.io/simulated-run-seconds': String(o.runSeconds ?? 1) } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox:1.36' }] },
      },
    },
  });
}

describe('Job, CronJob and TTL controllers', { timeout: 90_000, concurrency: true }, () => {
  let server: TestServer;
  let agent: TestAgent;
  let client: RestClient;

  before(async () => {
    server = await TestServer.start();
    agent = TestAgent.start(server, { nodes: 3, prefix: 'job-node-' });
    const creds = server.credentials();
    client = new RestClient({ server: server.url, ca: creds.ca, cert: creds.cert, key: creds.key }, { qps: 'unlimited' });
    await eventually(async () => (await client.list(NODES, undefined)).items.length === 3, 20_000);
  });

  after(async () => {
    client?.close();
    await agent?.stop();
    await server?.destroy();
  });

  const jobPods = async (job: string): Promise<Obj[]> => (await client.list<Obj>(PODS, 'default', { labelSelector: `batch.kubernetes.io/job-name=${job}` })).items;
  const eventsFor = async (name: string): Promise<Obj[]> => (await client.list<Obj>(EVENTS, 'default', { fieldSelector: `involvedObject.name=${name}` })).items;
  const cond = (o: Obj, type: string) => (o.status?.conditions ?? []).find((c: Obj) => c.type === type);

  it('runs completions 4 with parallelism 2, never more than 2 at once, and completes', { timeout: 60_000 }, async () => {
    await server.k(['apply', '-f', '-'], jobYaml('para', { completions: 4, parallelism: 2, runSeconds: 1 }));
    let maxActive = 0;
    let done = false;
    const watcher = (async () => {
      while (!done) {
        const pods = await jobPods('para');
        const active = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata?.deletionTimestamp).length;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      await server.k(['wait', '--for=condition=complete', 'job/para', '--timeout=50s']);
    } finally {
      done = true;
      await watcher;
    }
    assert.ok(maxActive <= 2, `at most 2 active pods at once, saw ${maxActive}`);
    assert.ok(maxActive >= 1);
    const out = await server.k(['get', 'job', 'para']);
    assert.match(out, /para\s+Complete\s+4\/4/);
    const job = await client.get<Obj>(JOBS, 'default', 'para');
    assert.equal(job.status?.succeeded, 4);
    assert.equal(job.status?.active ?? 0, 0);
    assert.ok(job.status?.startTime && job.status?.completionTime);
    assert.equal(cond(job, 'SuccessCriteriaMet')?.status, 'True');
    assert.equal(cond(job, 'Complete')?.reason, 'CompletionsReached');
    const pods = await jobPods('para');
    assert.equal(pods.length, 4);
    for (const p of pods) {
      assert.equal(p.status?.phase, 'Succeeded');
      assert.ok(!(p.metadata?.finalizers ?? []).includes('batch.kubernetes.io/job-tracking'), 'tracking finalizer removed');
      assert.equal(p.metadata?.labels?.['batch.kubernetes.io/controller-uid'], job.metadata?.uid);
      assert.equal(p.metadata?.ownerReferences?.[0]?.kind, 'Job');
    }
    await eventually(async () => {
      const evs = await eventsFor('para');
      return evs.filter((e) => e.reason === 'SuccessfulCreate' && /^Created pod: para-/.test(e.message)).length === 4 && evs.some((e) => e.reason === 'Completed' && e.message === 'Job completed');
    }, 5_000);
  });

  it('fails a Job past its backoffLimit with BackoffLimitExceeded', { timeout: 60_000 }, async () => {
    await server.k(['apply', '-f', '-'], jobYaml('failing', { completions: 1, exitCode: 1, runSeconds: 0, backoffLimit: 1 }));
    await server.k(['wait', '--for=condition=failed', 'job/failing', '--timeout=45s']);
    const job = await client.get<Obj>(JOBS, 'default', 'failing');
    assert.equal(cond(job, 'Failed')?.reason, 'BackoffLimitExceeded');
    assert.equal(cond(job, 'Failed')?.message, 'Job has reached the specified backoff limit');
    assert.equal(cond(job, 'FailureTarget')?.reason, 'BackoffLimitExceeded');
    assert.equal(job.status?.failed, 2);
    assert.equal(job.status?.active ?? 0, 0);
    const pods = await jobPods('failing');
    assert.equal(pods.length, 2);
    // The replacement waited out the 10 s back-off after the first failure.
    const created = pods.map((p) => Date.parse(p.metadata!.creationTimestamp!)).sort();
    assert.ok(created[1]! - created[0]! >= 9_000, `replacement after ${created[1]! - created[0]!} ms`);
    await eventually(async () => (await eventsFor('failing')).some((e) => e.type === 'Warning' && e.reason === 'BackoffLimitExceeded'), 5_000);
  });

  it('gives an Indexed Job indexes 0..n-1', { timeout: 60_000 }, async () => {
    await server.k(['apply', '-f', '-'], jobYaml('indexed', { completions: 3, parallelism: 3, mode: 'Indexed', runSeconds: 1 }));
    await server.k(['wait', '--for=condition=complete', 'job/indexed', '--timeout=40s']);
    const job = await client.get<Obj>(JOBS, 'default', 'indexed');
    assert.equal(job.status?.completedIndexes, '0-2');
    assert.equal(job.status?.succeeded, 3);
    const pods = await jobPods('indexed');
    const ix = pods.map((p) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index']).sort();
    assert.deepEqual(ix, ['0', '1', '2']);
    for (const p of pods) {
      const i = p.metadata!.annotations!['batch.kubernetes.io/job-completion-index'];
      assert.equal(p.metadata?.labels?.['batch.kubernetes.io/job-completion-index'], i);
      assert.equal(p.spec?.hostname, `indexed-${i}`);
      assert.ok(p.metadata!.name!.startsWith(`indexed-${i}-`));
      assert.equal(p.spec?.containers[0].env?.[0]?.name, 'JOB_COMPLETION_INDEX');
    }
    const out = await server.k(['get', 'job', 'indexed']);
    assert.match(out, /indexed\s+Complete\s+3\/3/);
  });

  it('suspends and resumes a Job; deletes it after ttlSecondsAfterFinished', { timeout: 60_000 }, async () => {
    await server.k(['apply', '-f', '-'], jobYaml('sus', { completions: 1, suspend: true, ttl: 1, runSeconds: 0 }));
    await server.k(['wait', '--for=condition=suspended', 'job/sus', '--timeout=20s']);
    assert.equal((await jobPods('sus')).length, 0);
    await server.k(['patch', 'job', 'sus', '--type=merge', '-p', '{"spec":{"suspend":false}}']);
    await eventually(async () => {
      const evs = await eventsFor('sus');
      return evs.some((e) => e.reason === 'Suspended' && e.message === 'Job suspended') && evs.some((e) => e.reason === 'Resumed' && e.message === 'Job resumed');
    }, 15_000);
    // ttlSecondsAfterFinished: 1 → the Job (and with it, its pods) goes away soon after completing.
    await eventually(async () => (await server.kubectl(['get', 'job', 'sus'])).code !== 0, 25_000);
  });

  it('creates a Job for a missed CronJob schedule and records its success', { timeout: 60_000 }, async () => {
    const cj = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'tick', namespace: 'default' },
      spec: {
        schedule: '*/1 * * * *',
        jobTemplate: {
          metadata: { labels: { app: 'tick' } },
          spec: {
            template: {
              metadata: { annotations: { 'k8ts.io/simulated-exit-code': '0', 'k8ts.io/simulated-run-seconds': '1' } },
              spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox:1.36' }] },
            },
          },
        },
      },
    };
    await server.k(['apply', '-f', '-'], JSON.stringify(cj));
    // Pretend the last run was two minutes ago: the controller starts the most recent missed time now.
    const last = new Date(Date.now() - 120_000).toISOString().replace(/\.\d+Z$/, 'Z');
    await server.k(['patch', 'cronjob', 'tick', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { lastScheduleTime: last } })]);
    const scheduledMin = Math.floor(Date.now() / 60_000);
    const job = await eventually(async () => (await client.list<Obj>(JOBS, 'default', { labelSelector: 'app=tick' })).items[0], 15_000);
    const minutes = Number(job.metadata!.name!.slice('tick-'.length));
    assert.ok(Math.abs(minutes - scheduledMin) <= 1, `job ${job.metadata?.name} for minute ~${scheduledMin}`);
    assert.equal(job.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], new Date(minutes * 60_000).toISOString().replace(/\.\d+Z$/, 'Z'));
    assert.equal(job.metadata?.ownerReferences?.[0]?.kind, 'CronJob');
    await server.k(['wait', '--for=condition=complete', `job/${job.metadata!.name}`, '--timeout=30s']);
    const done = (await eventually(async () => {
      const c = await client.get<Obj>(CRONJOBS, 'default', 'tick');
      return c.status?.lastSuccessfulTime && (c.status?.active ?? []).length === 0 ? c : false;
    }, 15_000)) as Obj;
    assert.equal(done.status?.lastScheduleTime, new Date(minutes * 60_000).toISOString().replace(/\.\d+Z$/, 'Z'));
    await eventually(async () => {
      const evs = await eventsFor('tick');
      return evs.some((e) => e.reason === 'SuccessfulCreate' && e.message === `Created job ${job.metadata!.name}`) && evs.some((e) => e.reason === 'SawCompletedJob' && e.message === `Saw completed job: ${job.metadata!.name}, condition: Complete`);
    }, 10_000);
    // kubectl's client-side job from a CronJob template.
    await server.k(['create', 'job', '--from=cronjob/tick', 'tick-manual']);
    await server.k(['wait', '--for=condition=complete', 'job/tick-manual', '--timeout=30s']);
  });
});
