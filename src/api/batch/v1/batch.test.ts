import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldErrorMessage } from '../../../machinery/fielderrors.js';
import type { FieldError } from '../../../machinery/fielderrors.js';
import type { KubeObject } from '../../types.js';
import { cronScheduleError, timeZoneErrors } from './cron.js';
import { batchV1Rules } from './rules.js';
import { parseIndexes } from './validation.js';

const msgs = (errs: FieldError[] | undefined): string[] => (errs ?? []).map(fieldErrorMessage);
const jobs = batchV1Rules['jobs']!;
const cronjobs = batchV1Rules['cronjobs']!;

function job(spec: Record<string, unknown> = {}, restartPolicy: string | undefined = 'Never'): KubeObject {
  const podSpec: Record<string, unknown> = { containers: [{ name: 'c', image: 'busybox' }] };
  if (restartPolicy) podSpec['restartPolicy'] = restartPolicy;
  const obj: KubeObject = { metadata: { name: 'pi', namespace: 'default', uid: 'uid-1' }, spec: { template: { spec: podSpec }, ...spec } };
  jobs.defaults!(obj);
  return obj;
}

describe('batch/v1 Job defaults', () => {
  it('fills upstream defaults and the generated selector', () => {
    const j = job();
    const spec = j['spec'] as Record<string, any>;
    assert.equal(spec['completions'], 1);
    assert.equal(spec['parallelism'], 1);
    assert.equal(spec['backoffLimit'], 6);
    assert.equal(spec['completionMode'], 'NonIndexed');
    assert.equal(spec['suspend'], false);
    assert.equal(spec['manualSelector'], false);
    assert.equal(spec['podReplacementPolicy'], 'TerminatingOrFailed');
    assert.deepEqual(spec['selector'], { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-1' } });
    const labels = {
      'job-name': 'pi',
      'batch.kubernetes.io/job-name': 'pi',
      'controller-uid': 'uid-1',
      'batch.kubernetes.io/controller-uid': 'uid-1',
    };
    assert.deepEqual(spec['template'].metadata.labels, labels);
    assert.deepEqual(j.metadata!.labels, labels);
    const again = structuredClone(j);
    jobs.defaults!(again);
    assert.deepEqual(again, j);
    assert.deepEqual(msgs(jobs.validate!(j)), []);
  });

  it('keeps parallelism-only jobs open-ended and adapts to backoffLimitPerIndex and podFailurePolicy', () => {
    const j = job({
      parallelism: 3,
      completionMode: 'Indexed',
      completions: 3,
      backoffLimitPerIndex: 1,
      podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] },
    });
    const spec = j['spec'] as Record<string, any>;
    assert.equal(spec['backoffLimit'], 2147483647);
    assert.equal(spec['podReplacementPolicy'], 'Failed');
    assert.equal(spec['podFailurePolicy'].rules[0].onPodConditions[0].status, 'True');
    assert.deepEqual(msgs(jobs.validate!(j)), []);
    const open = job({ parallelism: 2 });
    assert.equal((open['spec'] as Record<string, unknown>)['completions'], undefined);
  });

  it('does not generate a selector for manualSelector jobs', () => {
    const j = job({ manualSelector: true, selector: { matchLabels: { a: 'b' } } });
    const spec = j['spec'] as Record<string, any>;
    assert.deepEqual(spec['selector'], { matchLabels: { a: 'b' } });
    assert.equal(spec['template'].metadata?.labels, undefined);
    assert.deepEqual(msgs(jobs.validate!(j)), [
      'spec.template.metadata.labels: Invalid value: null: `selector` does not match template `labels`',
    ]);
  });
});

describe('batch/v1 Job validation', () => {
  it('requires restartPolicy OnFailure or Never', () => {
    const j = job({}, '');
    assert.deepEqual(msgs(jobs.validate!(j)), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']);
  });

  it('rejects negative counts and indexed jobs without completions', () => {
    const j = job({ backoffLimit: -1, activeDeadlineSeconds: -5, completionMode: 'Indexed', parallelism: 2 });
    assert.deepEqual(msgs(jobs.validate!(j)), [
      'spec.activeDeadlineSeconds: Invalid value: -5: must be greater than or equal to 0',
      'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0',
      'spec.completions: Required value: when completion mode is Indexed',
    ]);
  });

  it('checks the generated selector labels', () => {
    const j = job();
    (j['spec'] as Record<string, any>)['template'].metadata.labels['controller-uid'] = 'other';
    assert.deepEqual(
      jobs.validate!(j).map((e) => `${e.field}: ${e.detail}`),
      ["spec.template.metadata.labels[controller-uid]: must be 'uid-1'"],
    );
    const k = job();
    (k['spec'] as Record<string, any>)['selector'] = { matchLabels: { 'batch.kubernetes.io/controller-uid': 'other' } };
    assert.deepEqual(
      jobs.validate!(k).map((e) => `${e.field}: ${e.detail}`),
      ['spec.selector: `selector` not auto-generated', 'spec.template.metadata.labels: `selector` does not match template `labels`'],
    );
  });

  it('rejects bad pod failure policies', () => {
    const j = job({ podFailurePolicy: { rules: [{ action: 'Explode', onExitCodes: { operator: 'In', values: [3, 0, 3] } }] } });
    assert.deepEqual(msgs(jobs.validate!(j)), [
      'spec.podFailurePolicy.rules[0].action: Unsupported value: "Explode": supported values: "Count", "FailIndex", "FailJob", "Ignore"',
      'spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 for the In operator',
      'spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 3',
      'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: [3,0,3]: must be ordered',
    ]);
  });

  it('keeps selector, template and (non-indexed) completions immutable', () => {
    const old = job();
    const upd = structuredClone(old);
    const spec = upd['spec'] as Record<string, any>;
    spec['completions'] = 3;
    spec['template'].spec.containers[0].image = 'alpine';
    const errs = jobs.validateUpdate!(upd, old);
    assert.deepEqual(
      errs.map((e) => `${e.field}: ${e.detail}`),
      ['spec.completions: field is immutable', 'spec.template: field is immutable'],
    );
  });

  it('lets indexed jobs scale completions together with parallelism', () => {
    const old = job({ completionMode: 'Indexed', completions: 2, parallelism: 2 });
    const upd = structuredClone(old);
    (upd['spec'] as Record<string, unknown>)['completions'] = 4;
    assert.deepEqual(msgs(jobs.validateUpdate!(upd, old)), [
      'spec.completions: Invalid value: 4: can only be modified in tandem with spec.parallelism',
    ]);
    (upd['spec'] as Record<string, unknown>)['parallelism'] = 4;
    assert.deepEqual(jobs.validateUpdate!(upd, old), []);
  });

  it('lets suspended, never-started jobs change scheduling directives', () => {
    const old = job({ suspend: true });
    const upd = structuredClone(old);
    const tspec = (upd['spec'] as Record<string, any>)['template'].spec;
    tspec.nodeSelector = { disk: 'ssd' };
    assert.deepEqual(jobs.validateUpdate!(upd, old), []);
    const started = structuredClone(old);
    started['status'] = { startTime: '2024-01-01T00:00:00Z' };
    assert.deepEqual(
      jobs.validateUpdate!(upd, started).map((e) => e.field),
      ['spec.template'],
    );
  });

  it('validates status updates', () => {
    const old = job();
    const upd = structuredClone(old);
    upd['status'] = { active: -1, ready: 2, uncountedTerminatedPods: { succeeded: ['a', ''], failed: ['a'] } };
    assert.deepEqual(msgs(jobs.validateStatusUpdate!(upd, old)), [
      'status.active: Invalid value: -1: must be greater than or equal to 0',
      'status.uncountedTerminatedPods.succeeded[1]: Invalid value: "": must not be empty',
      'status.uncountedTerminatedPods.failed[0]: Duplicate value: "a"',
      'status.ready: Invalid value: 2: cannot set more ready pods than active',
    ]);
  });

  it('parses index lists as upstream', () => {
    assert.deepEqual(parseIndexes('0,2-4', 5), { total: 4 });
    assert.deepEqual(parseIndexes('3,1', 5), { error: 'non-increasing order, previous: 3, current: 1' });
    assert.deepEqual(parseIndexes('7', 5), { error: 'too large index: "7"' });
    assert.deepEqual(parseIndexes('x', 5), { error: 'cannot convert string to integer for index: "x"' });
  });
});

describe('batch/v1 CronJob', () => {
  function cron(spec: Record<string, unknown>, name = 'hello'): KubeObject {
    const obj: KubeObject = {
      metadata: { name, namespace: 'default' },
      spec: {
        jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } },
        ...spec,
      },
    };
    cronjobs.defaults!(obj);
    return obj;
  }

  it('defaults as upstream', () => {
    const c = cron({ schedule: '*/5 * * * *' });
    const spec = c['spec'] as Record<string, any>;
    assert.equal(spec['concurrencyPolicy'], 'Allow');
    assert.equal(spec['suspend'], false);
    assert.equal(spec['successfulJobsHistoryLimit'], 3);
    assert.equal(spec['failedJobsHistoryLimit'], 1);
    assert.equal(spec['jobTemplate'].spec.backoffLimit, undefined);
    assert.deepEqual(msgs(cronjobs.validate!(c)), []);
  });

  it('reports schedule errors with the cron parser texts', () => {
    const c = cron({ schedule: '* * *' });
    assert.deepEqual(msgs(cronjobs.validate!(c)), ['spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]']);
    assert.equal(cronScheduleError('@hourly'), undefined);
    assert.equal(cronScheduleError('@every 1h30m'), undefined);
    assert.equal(cronScheduleError('0 0 * * MON-FRI'), undefined);
    assert.equal(cronScheduleError('@sometimes'), 'unrecognized descriptor: @sometimes');
    assert.equal(cronScheduleError('61 * * * *'), 'end of range (61) above maximum (59): 61');
    assert.equal(cronScheduleError('* * * * 7'), 'end of range (7) above maximum (6): 7');
    assert.equal(cronScheduleError('5-1 * * * *'), 'beginning of range (5) beyond end of range (1): 5-1');
    assert.equal(cronScheduleError('*/0 * * * *'), 'step of range should be a positive number: */0');
    assert.equal(cronScheduleError('x * * * *'), 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax');
    assert.equal(cronScheduleError('0 0 0 * *'), 'beginning of range (0) below minimum (1): 0');
    assert.equal(cronScheduleError('@every 5'), 'failed to parse duration @every 5: time: missing unit in duration "5"');
  });

  it('rejects TZ in the schedule and unknown time zones', () => {
    const c = cron({ schedule: 'TZ=UTC 0 * * * *', timeZone: 'Mars/Olympus', concurrencyPolicy: 'Sometimes' });
    assert.deepEqual(msgs(cronjobs.validate!(c)), [
      'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
      'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
      'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
    ]);
    assert.deepEqual(timeZoneErrors('Europe/Berlin'), []);
    assert.deepEqual(timeZoneErrors('Etc/UTC'), []);
    assert.deepEqual(timeZoneErrors(''), ['timeZone must be nil or non-empty string']);
    assert.deepEqual(timeZoneErrors('Local'), ['timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones']);
    assert.deepEqual(timeZoneErrors('europe/berlin'), ['unknown time zone europe/berlin']);
  });

  it('forbids selectors in the job template and long names', () => {
    const c = cron({ schedule: '@daily' }, 'x'.repeat(53));
    (c['spec'] as Record<string, any>)['jobTemplate'].spec.selector = { matchLabels: { a: 'b' } };
    (c['spec'] as Record<string, any>)['jobTemplate'].spec.manualSelector = true;
    assert.deepEqual(
      cronjobs.validate!(c).map((e) => `${e.field}: ${e.detail}`),
      [
        'spec.jobTemplate.spec.selector: `selector` will be auto-generated',
        'spec.jobTemplate.spec.manualSelector: supported values: "nil", "false"',
        'metadata.name: must be no more than 52 characters',
      ],
    );
  });
});
