import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type { KubeObject, Printer } from '../../types.js';
import { cronJobPrinter, jobPrinter } from './printers.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString();
const MIN = 60_000;

function cells<T>(p: Printer, obj: T): unknown[] {
  const out = p.cells(obj as unknown as KubeObject, NOW);
  assert.equal(out.length, p.columns.length, 'one cell per column');
  return out;
}
const names = (p: Printer) => p.columns.map((c) => c.name);
const wide = (p: Printer) => p.columns.filter((c) => c.priority === 1).map((c) => c.name);
const meta = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  namespace: 'default',
  creationTimestamp: ago(10 * MIN),
  ...extra,
});
const template = { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] } };

describe('jobs', () => {
  const job = (spec: Partial<Job['spec']>, status: Job['status'] = {}, extraMeta: Record<string, unknown> = {}): Job => ({
    metadata: meta('pi', extraMeta),
    spec: { template, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } }, ...spec },
    status,
  });

  it('has the 1.32 columns (Status, Completions, Duration)', () => {
    assert.deepEqual(names(jobPrinter), ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers', 'Images', 'Selector']);
    assert.deepEqual(wide(jobPrinter), ['Containers', 'Images', 'Selector']);
    assert.equal(jobPrinter.columns[1]!.description, 'Status of the job.');
  });

  it('prints a completed job', () => {
    const j = job(
      { completions: 1, parallelism: 1 },
      {
        succeeded: 1,
        startTime: ago(10 * MIN),
        completionTime: ago(10 * MIN - 42_000),
        conditions: [
          { type: 'SuccessCriteriaMet', status: 'True' },
          { type: 'Complete', status: 'True' },
        ],
      },
    );
    assert.deepEqual(cells(jobPrinter, j), ['pi', 'Complete', '1/1', '42s', '10m', 'pi', 'perl', 'batch.kubernetes.io/controller-uid=u1']);
  });

  it('prints a running job with its elapsed duration', () => {
    const j = job({ completions: 5 }, { succeeded: 2, active: 1, startTime: ago(3 * MIN) });
    assert.deepEqual(cells(jobPrinter, j).slice(1, 4), ['Running', '2/5', '3m']);
  });

  it('prints completions without spec.completions', () => {
    assert.equal(cells(jobPrinter, job({ parallelism: 4 }, { succeeded: 1 }))[2], '1/1 of 4');
    assert.equal(cells(jobPrinter, job({ parallelism: 1 }))[2], '0/1');
    assert.equal(cells(jobPrinter, job({}))[3], '');
  });

  it('prints Failed, Terminating, Suspended and FailureTarget in upstream precedence', () => {
    const status = (conds: [string, string][], extraMeta: Record<string, unknown> = {}) =>
      cells(jobPrinter, job({}, { conditions: conds.map(([type, s]) => ({ type, status: s })) }, extraMeta))[1];
    assert.equal(status([['Failed', 'True']]), 'Failed');
    assert.equal(status([['Failed', 'False']]), 'Running');
    assert.equal(status([['Failed', 'True']], { deletionTimestamp: ago(0) }), 'Failed');
    assert.equal(status([['Suspended', 'True']], { deletionTimestamp: ago(0) }), 'Terminating');
    assert.equal(status([['Suspended', 'True']]), 'Suspended');
    assert.equal(status([['FailureTarget', 'True']]), 'FailureTarget');
    assert.equal(status([['Complete', 'True'], ['Failed', 'True']]), 'Complete');
  });
});

describe('cronjobs', () => {
  it('has upstream columns', () => {
    assert.deepEqual(names(cronJobPrinter), [
      'Name',
      'Schedule',
      'Timezone',
      'Suspend',
      'Active',
      'Last Schedule',
      'Age',
      'Containers',
      'Images',
      'Selector',
    ]);
    assert.equal(cronJobPrinter.columns[3]!.type, 'boolean');
    assert.equal(cronJobPrinter.columns[4]!.type, 'integer');
  });

  it('prints a scheduled cronjob', () => {
    const cj: CronJob = {
      metadata: meta('hello'),
      spec: {
        schedule: '*/1 * * * *',
        timeZone: 'Etc/UTC',
        suspend: false,
        jobTemplate: { spec: { template } },
      },
      status: { active: [{ name: 'hello-1' }], lastScheduleTime: ago(45_000) },
    };
    assert.deepEqual(cells(cronJobPrinter, cj), ['hello', '*/1 * * * *', 'Etc/UTC', 'False', 1, '45s', '10m', 'pi', 'perl', '<none>']);
  });

  it('prints <none> and <unset> defaults', () => {
    const cj: CronJob = { metadata: meta('c'), spec: { schedule: '@hourly', jobTemplate: {} } };
    assert.deepEqual(cells(cronJobPrinter, cj), ['c', '@hourly', '<none>', '<unset>', 0, '<none>', '10m', '', '', '<none>']);
    const suspended: CronJob = { metadata: meta('c'), spec: { schedule: '@hourly', suspend: true, jobTemplate: {} } };
    assert.equal(cells(cronJobPrinter, suspended)[3], 'True');
  });
});
