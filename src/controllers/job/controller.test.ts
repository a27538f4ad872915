import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Indexer, Lister } from '../../client/informer.js';
import { ApiStatusError, type RestClient } from '../../client/rest.js';
import { silentLogger } from '../../util/logger.js';
import type { KubeObject } from '../../api/types.js';
import type { PodObj } from '../common/podutil.js';
import { JobController } from './controller.js';
import type { JobObj } from './types.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const rfc = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const FIN = 'batch.kubernetes.io/job-tracking';

interface Harness {
  c: JobController;
  clock: { now: number };
  jobs: Indexer<JobObj>;
  pods: Indexer<PodObj>;
  statusWrites: JobObj[];
  deleted: string[];
  patched: string[];
  events: { type: string; reason: string; message: string }[];
  enqueued: { key: string; ms: number }[];
}

function harness(job: JobObj): Harness {
  const jobs = new Indexer<JobObj>();
  const pods = new Indexer<PodObj>();
  jobs.set('default/j', job);
  let n = 0;
  let rv = 10;
  const h: Harness = { c: undefined as never, clock: { now: T0 }, jobs, pods, statusWrites: [], deleted: [], patched: [], events: [], enqueued: [] };
  const client = {
    async create<T extends KubeObject>(_r: unknown, ns: string | undefined, obj: T): Promise<T> {
      const name = `${obj.metadata!.generateName}${++n}`;
      const out = structuredClone({ ...obj, metadata: { ...obj.metadata, name, namespace: ns, uid: `pod-${n}`, resourceVersion: String(++rv), creationTimestamp: rfc(h.clock.now) } }) as T;
      pods.set(`${ns}/${name}`, out as unknown as PodObj);
      return out;
    },
    async delete(_r: unknown, ns: string | undefined, name: string) {
      h.deleted.push(name);
      const p = pods.get(`${ns}/${name}`);
      if (p) pods.set(`${ns}/${name}`, { ...p, metadata: { ...p.metadata, deletionTimestamp: rfc(h.clock.now), deletionGracePeriodSeconds: 30 } });
      return { kind: 'Status' } as never;
    },
    async patch<T extends KubeObject>(_r: unknown, ns: string | undefined, name: string, _t: unknown, body: any): Promise<T> {
      h.patched.push(name);
      const p = pods.get(`${ns}/${name}`);
      if (!p) throw new ApiStatusError({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'nf' } as never);
      const rm: string[] = body.metadata?.['$deleteFromPrimitiveList/finalizers'] ?? [];
      const out = { ...p, metadata: { ...p.metadata, resourceVersion: String(++rv), finalizers: (p.metadata?.finalizers ?? []).filter((f) => !rm.includes(f)) } };
      pods.set(`${ns}/${name}`, out);
      return out as unknown as T;
    },
    async updateStatus<T extends KubeObject>(_r: unknown, obj: T): Promise<T> {
      const out = structuredClone({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(++rv) } }) as T;
      h.statusWrites.push(structuredClone(out) as unknown as JobObj);
      jobs.set('default/j', out as unknown as JobObj);
      return out;
    },
  } satisfies Pick<RestClient, 'create' | 'delete' | 'patch' | 'updateStatus'>;
  h.c = new JobController({
    client: client as unknown as Pick<RestClient, 'create' | 'delete' | 'patch' | 'updateStatus'>,
    jobs: new Lister(jobs),
    pods: new Lister(pods),
    recorder: { event: (_o, type, reason, message) => h.events.push({ type, reason, message }) },
    log: silentLogger,
    enqueue: (key, ms) => h.enqueued.push({ key, ms }),
    enqueueOrphan: () => {},
    now: () => h.clock.now,
  });
  return h;
}

function job(spec: Record<string, unknown>): JobObj {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'j', namespace: 'default', uid: 'job-uid', generation: 1, resourceVersion: '1' },
    spec: {
      parallelism: 1,
      completions: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'job-uid' } },
      template: {
        metadata: { labels: { 'batch.kubernetes.io/controller-uid': 'job-uid', 'batch.kubernetes.io/job-name': 'j' } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] },
      },
      ...spec,
    } as JobObj['spec'],
  };
}

const jobNow = (h: Harness): JobObj => h.jobs.get('default/j')!;
const podList = (h: Harness): PodObj[] => h.pods.list().sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));

/** The pods finish as a kubelet reports it (Ready=False transition and container finish time). */
function finishPod(h: Harness, p: PodObj, phase: 'Succeeded' | 'Failed', at = h.clock.now): void {
  const key = `${p.metadata!.namespace}/${p.metadata!.name}`;
  const cur = h.pods.get(key)!;
  h.pods.set(key, {
    ...cur,
    metadata: { ...cur.metadata, resourceVersion: `${cur.metadata!.resourceVersion}x` },
    status: {
      phase,
      conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: rfc(at) }],
      containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: phase === 'Succeeded' ? 0 : 1, finishedAt: rfc(at) } } }],
    },
  });
}

function runPod(h: Harness, p: PodObj, restarts = 0): void {
  const key = `${p.metadata!.namespace}/${p.metadata!.name}`;
  const cur = h.pods.get(key)!;
  h.pods.set(key, {
    ...cur,
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: rfc(h.clock.now) }],
      containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: true, restartCount: restarts, state: { running: {} } }],
    },
  });
}

/** Marks every expectation observed, as the informer would after the creates/deletes. */
function observe(h: Harness): void {
  h.c.expectations.delete('default/j');
  h.c.finalizerExpectations.delete('default/j');
}

describe('Job controller sync (fakes)', () => {
  it('creates up to parallelism pods with the tracking finalizer, labels and owner', async () => {
    const h = harness(job({ completions: 4, parallelism: 2 }));
    await h.c.sync('default/j');
    const pods = podList(h);
    assert.equal(pods.length, 2);
    for (const p of pods) {
      assert.deepEqual(p.metadata?.finalizers, [FIN]);
      assert.equal(p.metadata?.generateName, 'j-');
      assert.equal(p.metadata?.labels?.['batch.kubernetes.io/job-name'], 'j');
      assert.deepEqual(p.metadata?.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'job-uid', controller: true, blockOwnerDeletion: true }]);
    }
    const st = jobNow(h).status!;
    assert.equal(st.active, 2);
    assert.equal(st.ready, 0);
    assert.equal(st.startTime, rfc(T0));
    assert.deepEqual(h.events.map((e) => e.reason), ['SuccessfulCreate', 'SuccessfulCreate']);
    assert.match(h.events[0]!.message, /^Created pod: j-\d$/);
    // Until the creations are observed, no more pods.
    await h.c.sync('default/j');
    assert.equal(podList(h).length, 2);
  });

  it('counts succeeded pods through uncountedTerminatedPods, then completes in two steps', async () => {
    const h = harness(job({ completions: 2, parallelism: 2 }));
    await h.c.sync('default/j');
    observe(h);
    h.clock.now += 5000;
    for (const p of podList(h)) finishPod(h, p, 'Succeeded');
    h.statusWrites.length = 0;
    await h.c.sync('default/j');
    // First write: both pods uncounted, SuccessCriteriaMet added; finalizers removed; then counted and Complete.
    const [first, last] = [h.statusWrites[0]!, h.statusWrites.at(-1)!];
    assert.deepEqual([...(first.status?.uncountedTerminatedPods?.succeeded ?? [])].sort(), ['pod-1', 'pod-2']);
    assert.equal(first.status?.succeeded ?? 0, 0);
    assert.deepEqual(first.status?.conditions?.map((c) => c.type), ['SuccessCriteriaMet']);
    assert.equal(last.status?.succeeded, 2);
    assert.deepEqual(last.status?.uncountedTerminatedPods, {});
    assert.deepEqual(last.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message]), [
      ['SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
      ['Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
    ]);
    assert.equal(last.status?.completionTime, rfc(h.clock.now));
    assert.equal(last.status?.active, 0);
    for (const p of podList(h)) assert.deepEqual(p.metadata?.finalizers, []);
    assert.deepEqual(h.events.at(-1), { type: 'Normal', reason: 'Completed', message: 'Job completed' });
    // A finished Job is left alone; pods are never counted twice.
    await h.c.sync('default/j');
    assert.equal(jobNow(h).status?.succeeded, 2);
  });

  it('waits 10 s after a failure before creating the replacement, then doubles', async () => {
    const h = harness(job({ completions: 1, backoffLimit: 6 }));
    await h.c.sync('default/j');
    observe(h);
    finishPod(h, podList(h)[0]!, 'Failed');
    h.clock.now += 1000;
    await h.c.sync('default/j');
    assert.equal(jobNow(h).status?.failed, 1);
    assert.equal(podList(h).length, 1, 'no replacement yet');
    assert.deepEqual(h.enqueued.at(-1), { key: 'default/j', ms: 9000 });
    h.clock.now += 9000;
    await h.c.sync('default/j');
    assert.equal(podList(h).length, 2);
    observe(h);
    finishPod(h, podList(h)[1]!, 'Failed');
    h.clock.now += 1000;
    await h.c.sync('default/j');
    assert.equal(jobNow(h).status?.failed, 2);
    assert.deepEqual(h.enqueued.at(-1), { key: 'default/j', ms: 19_000 });
  });

  it('fails with BackoffLimitExceeded past backoffLimit: FailureTarget first, then Failed', async () => {
    const h = harness(job({ completions: 3, parallelism: 2, backoffLimit: 0 }));
    await h.c.sync('default/j');
    observe(h);
    const [a, b] = podList(h);
    runPod(h, b!);
    finishPod(h, a!, 'Failed');
    h.clock.now += 2000;
    await h.c.sync('default/j');
    assert.deepEqual(h.deleted, [b!.metadata!.name], 'the active pod is deleted');
    let st = jobNow(h).status!;
    assert.equal(st.conditions?.find((c) => c.type === 'FailureTarget')?.reason, 'BackoffLimitExceeded');
    assert.equal(st.conditions?.find((c) => c.type === 'Failed'), undefined, 'not Failed while a pod terminates');
    assert.equal(st.terminating, 1);
    // The deleted pod goes away (its finalizer was removed and the kubelet finished it).
    h.pods.delete(`default/${b!.metadata!.name}`);
    observe(h);
    await h.c.sync('default/j');
    st = jobNow(h).status!;
    const failed = st.conditions?.find((c) => c.type === 'Failed');
    assert.deepEqual([failed?.status, failed?.reason, failed?.message], ['True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit']);
    assert.equal(st.failed, 2, 'the failed pod and the deleted one');
    assert.equal(st.active, 0);
    assert.deepEqual(h.events.at(-1), { type: 'Warning', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
  });

  it('restartPolicy OnFailure counts container restarts against backoffLimit', async () => {
    const j = job({ backoffLimit: 2 });
    j.spec!.template.spec!.restartPolicy = 'OnFailure';
    const h = harness(j);
    await h.c.sync('default/j');
    observe(h);
    runPod(h, podList(h)[0]!, 1);
    await h.c.sync('default/j');
    assert.equal(jobNow(h).status?.conditions?.length ?? 0, 0);
    runPod(h, podList(h)[0]!, 2);
    await h.c.sync('default/j');
    assert.equal(jobNow(h).status?.conditions?.find((c) => c.type === 'FailureTarget')?.reason, 'BackoffLimitExceeded');
  });

  it('activeDeadlineSeconds: re-queued for the deadline, then DeadlineExceeded', async () => {
    const h = harness(job({ activeDeadlineSeconds: 30 }));
    await h.c.sync('default/j');
    assert.ok(h.enqueued.some((e) => e.ms === 30_000));
    observe(h);
    runPod(h, podList(h)[0]!);
    h.clock.now += 30_000;
    await h.c.sync('default/j');
    const ft = jobNow(h).status?.conditions?.find((c) => c.type === 'FailureTarget');
    assert.deepEqual([ft?.reason, ft?.message], ['DeadlineExceeded', 'Job was active longer than specified deadline']);
  });

  it('suspend deletes active pods and sets Suspended; resume restarts the clock', async () => {
    const h = harness(job({ parallelism: 2, completions: 2 }));
    await h.c.sync('default/j');
    observe(h);
    const suspended = structuredClone(jobNow(h));
    suspended.spec!.suspend = true;
    suspended.metadata!.generation = 2;
    h.jobs.set('default/j', suspended);
    h.clock.now += 5000;
    await h.c.sync('default/j');
    assert.equal(h.deleted.length, 2);
    for (const p of podList(h)) assert.deepEqual(p.metadata?.finalizers, [], 'finalizer removed before the delete');
    let st = jobNow(h).status!;
    assert.equal(st.active, 0);
    assert.deepEqual(st.conditions?.map((c) => [c.type, c.status, c.reason, c.message]), [['Suspended', 'True', 'JobSuspended', 'Job suspended']]);
    assert.deepEqual(h.events.at(-1), { type: 'Normal', reason: 'Suspended', message: 'Job suspended' });

    for (const p of podList(h)) h.pods.delete(`default/${p.metadata!.name}`);
    observe(h);
    const resumed = structuredClone(jobNow(h));
    resumed.spec!.suspend = false;
    h.jobs.set('default/j', resumed);
    h.clock.now += 5000;
    await h.c.sync('default/j');
    st = jobNow(h).status!;
    assert.deepEqual(st.conditions?.map((c) => [c.type, c.status, c.reason]), [['Suspended', 'False', 'JobResumed']]);
    assert.equal(st.startTime, rfc(h.clock.now));
    assert.equal(podList(h).length, 2);
  });

  it('Indexed: one pod per index with annotation, label, hostname and env; completedIndexes', async () => {
    const h = harness(job({ completionMode: 'Indexed', completions: 3, parallelism: 2 }));
    await h.c.sync('default/j');
    let pods = podList(h);
    assert.deepEqual(pods.map((p) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index']).sort(), ['0', '1']);
    for (const p of pods) {
      const ix = p.metadata!.annotations!['batch.kubernetes.io/job-completion-index'];
      assert.equal(p.metadata?.labels?.['batch.kubernetes.io/job-completion-index'], ix);
      assert.equal(p.metadata?.generateName, `j-${ix}-`);
      assert.equal(p.spec?.hostname, `j-${ix}`);
      assert.deepEqual(p.spec?.containers[0]?.env, [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }]);
    }
    observe(h);
    const one = pods.find((p) => p.metadata!.annotations!['batch.kubernetes.io/job-completion-index'] === '1')!;
    finishPod(h, one, 'Succeeded');
    await h.c.sync('default/j');
    assert.equal(jobNow(h).status?.completedIndexes, '1');
    pods = podList(h);
    assert.deepEqual(pods.map((p) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index']).sort(), ['0', '1', '2']);
    observe(h);
    for (const p of podList(h)) if (p.status?.phase !== 'Succeeded') finishPod(h, p, 'Succeeded');
    await h.c.sync('default/j');
    assert.equal(jobNow(h).status?.completedIndexes, '0-2');
    assert.equal(jobNow(h).status?.succeeded, 3);
    assert.ok(jobNow(h).status?.conditions?.some((c) => c.type === 'Complete'));
  });

  it('podFailurePolicy: Ignore does not count, FailJob fails with its message', async () => {
    const h = harness(job({ backoffLimit: 0, podFailurePolicy: { rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [1] } }, { action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] } }));
    await h.c.sync('default/j');
    observe(h);
    finishPod(h, podList(h)[0]!, 'Failed');
    await h.c.sync('default/j');
    assert.equal(jobNow(h).status?.failed ?? 0, 0);
    assert.equal(jobNow(h).status?.conditions?.length ?? 0, 0);
    // Ignored failures still delay the replacement (upstream's back-off record counts them).
    h.clock.now += 10_000;
    await h.c.sync('default/j');
    assert.equal(podList(h).length, 2);
    observe(h);
    const p2 = podList(h)[1]!;
    finishPod(h, p2, 'Failed');
    const cur = h.pods.get(`default/${p2.metadata!.name}`)!;
    cur.status!.containerStatuses![0]!.state!.terminated!.exitCode = 42;
    await h.c.sync('default/j');
    const failed = jobNow(h).status?.conditions?.find((c) => c.type === 'Failed');
    assert.equal(failed?.reason, 'PodFailurePolicy');
    assert.equal(failed?.message, `Container c for pod default/${p2.metadata!.name} failed with exit code 42 matching FailJob rule at index 1`);
  });
});
