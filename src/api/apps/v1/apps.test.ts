import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldErrorMessage } from '../../../machinery/fielderrors.js';
import type { FieldError } from '../../../machinery/fielderrors.js';
import type { KubeObject } from '../../types.js';
import { appsV1Rules } from './rules.js';

const msgs = (errs: FieldError[] | undefined): string[] => (errs ?? []).map(fieldErrorMessage);
const fields = (errs: FieldError[] | undefined): string[] => (errs ?? []).map((e) => e.field);

const template = (labels: Record<string, string> = { app: 'web' }) => ({
  metadata: { labels },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
});

function make(resource: string, spec: Record<string, unknown>, name = 'web'): KubeObject {
  const obj: KubeObject = { metadata: { name, namespace: 'default', uid: 'u1' }, spec };
  appsV1Rules[resource]!.defaults?.(obj);
  return obj;
}

const validate = (resource: string, obj: KubeObject) => appsV1Rules[resource]!.validate!(obj);

describe('apps/v1 Deployment', () => {
  it('defaults as upstream', () => {
    const d = make('deployments', { selector: { matchLabels: { app: 'web' } }, template: template() });
    const spec = d['spec'] as Record<string, unknown>;
    assert.equal(spec['replicas'], 1);
    assert.deepEqual(spec['strategy'], { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    assert.equal(spec['revisionHistoryLimit'], 10);
    assert.equal(spec['progressDeadlineSeconds'], 600);
    const tspec = (spec['template'] as { spec: Record<string, unknown> }).spec;
    assert.equal(tspec['restartPolicy'], 'Always');
    const again = structuredClone(d);
    appsV1Rules['deployments']!.defaults!(again);
    assert.deepEqual(again, d);
  });

  it('leaves Recreate without rollingUpdate', () => {
    const d = make('deployments', { strategy: { type: 'Recreate' }, selector: { matchLabels: { app: 'web' } }, template: template() });
    assert.deepEqual((d['spec'] as Record<string, unknown>)['strategy'], { type: 'Recreate' });
    assert.deepEqual(validate('deployments', d), []);
  });

  it('accepts a valid deployment', () => {
    const d = make('deployments', { selector: { matchLabels: { app: 'web' } }, template: template() });
    assert.deepEqual(msgs(validate('deployments', d)), []);
  });

  it('requires a selector and reports the template mismatch', () => {
    const d = make('deployments', { template: template() });
    const errs = validate('deployments', d);
    assert.deepEqual(fields(errs), ['spec.selector', 'spec.template.metadata.labels']);
    assert.equal(fieldErrorMessage(errs[0]!), 'spec.selector: Required value');
    assert.equal(errs[1]!.detail, '`selector` does not match template `labels`');
  });

  it('rejects an empty selector and a mismatching one', () => {
    const empty = make('deployments', { selector: {}, template: template() });
    assert.deepEqual(
      validate('deployments', empty).map((e) => [e.field, e.detail]),
      [['spec.selector', 'empty selector is invalid for deployment']],
    );
    const other = make('deployments', { selector: { matchLabels: { app: 'db' } }, template: template() });
    const errs = validate('deployments', other);
    assert.equal(errs.length, 1);
    assert.equal(errs[0]!.field, 'spec.template.metadata.labels');
    assert.equal(errs[0]!.type, 'FieldValueInvalid');
    assert.equal(errs[0]!.detail, '`selector` does not match template `labels`');
  });

  it('checks replicas, history, deadlines and rolling update parameters', () => {
    const d = make('deployments', {
      replicas: -1,
      revisionHistoryLimit: -2,
      minReadySeconds: 30,
      progressDeadlineSeconds: 30,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } },
      selector: { matchLabels: { app: 'web' } },
      template: template(),
    });
    assert.deepEqual(msgs(validate('deployments', d)), [
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
      'spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0',
      'spec.progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds',
    ]);
  });

  it('checks percentages', () => {
    const d = make('deployments', {
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'lots', maxUnavailable: '150%' } },
      selector: { matchLabels: { app: 'web' } },
      template: template(),
    });
    assert.deepEqual(msgs(validate('deployments', d)), [
      'spec.strategy.rollingUpdate.maxSurge: Invalid value: "lots": a valid percent string must be a numeric string followed by an ending \'%\' (e.g. \'1%\',  or \'93%\', regex used for validation is \'[0-9]+%\')',
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
    ]);
  });

  it('rejects Recreate with rollingUpdate and unknown strategy types', () => {
    const d = make('deployments', { selector: { matchLabels: { app: 'web' } }, template: template() });
    (d['spec'] as Record<string, unknown>)['strategy'] = { type: 'Recreate', rollingUpdate: {} };
    assert.deepEqual(msgs(validate('deployments', d)), [
      "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    ]);
    (d['spec'] as Record<string, unknown>)['strategy'] = { type: 'Blue' };
    const errs = validate('deployments', d);
    assert.equal(errs[0]!.type, 'FieldValueNotSupported');
    assert.equal(errs[0]!.detail, 'supported values: "Recreate", "RollingUpdate"');
  });

  it('allows only restartPolicy Always and no activeDeadlineSeconds', () => {
    const t = template() as { spec: Record<string, unknown> };
    t.spec['restartPolicy'] = 'Never';
    t.spec['activeDeadlineSeconds'] = 5;
    const d = make('deployments', { selector: { matchLabels: { app: 'web' } }, template: t });
    const errs = validate('deployments', d).filter((e) => e.field.startsWith('spec.template.spec.'));
    const byField = Object.fromEntries(errs.map((e) => [e.field, fieldErrorMessage(e)]));
    assert.equal(
      byField['spec.template.spec.restartPolicy'],
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    );
    assert.equal(
      byField['spec.template.spec.activeDeadlineSeconds'],
      'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported',
    );
  });

  it('makes the selector immutable', () => {
    const old = make('deployments', { selector: { matchLabels: { app: 'web' } }, template: template() });
    const upd = make('deployments', { selector: { matchLabels: { app: 'web', tier: 'x' } }, template: template({ app: 'web', tier: 'x' }) });
    const errs = appsV1Rules['deployments']!.validateUpdate!(upd, old);
    assert.equal(errs.length, 1);
    assert.equal(errs[0]!.field, 'spec.selector');
    assert.equal(errs[0]!.detail, 'field is immutable');
    assert.deepEqual(appsV1Rules['deployments']!.validateUpdate!(structuredClone(old), old), []);
  });

  it('validates status updates', () => {
    const old = make('deployments', { selector: { matchLabels: { app: 'web' } }, template: template() });
    old['status'] = { collisionCount: 2 };
    const upd = structuredClone(old);
    upd['status'] = { replicas: 1, readyReplicas: 2, availableReplicas: 3, collisionCount: 1 };
    assert.deepEqual(msgs(appsV1Rules['deployments']!.validateStatusUpdate!(upd, old)), [
      'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
      'status.availableReplicas: Invalid value: 3: cannot be greater than status.replicas',
      'status.availableReplicas: Invalid value: 3: cannot be greater than readyReplicas',
      'status.collisionCount: Invalid value: 1: cannot be decremented',
    ]);
  });
});

describe('apps/v1 ReplicaSet', () => {
  it('defaults replicas and validates like upstream', () => {
    const rs = make('replicasets', { selector: { matchLabels: { app: 'web' } }, template: template() });
    assert.equal((rs['spec'] as Record<string, unknown>)['replicas'], 1);
    assert.deepEqual(validate('replicasets', rs), []);
    const empty = make('replicasets', { selector: {}, template: template() });
    // Upstream's ReplicaSet message says "deployment" too.
    assert.deepEqual(msgs(validate('replicasets', empty)), ['spec.selector: Invalid value: {}: empty selector is invalid for deployment']);
  });

  it('reports bad label selectors', () => {
    const rs = make('replicasets', {
      selector: { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] },
      template: template(),
    });
    const errs = validate('replicasets', rs);
    assert.deepEqual(
      errs.map((e) => [e.field, e.detail]),
      [
        ['spec.selector.matchExpressions[0].values', "must be specified when `operator` is 'In' or 'NotIn'"],
        ['spec.selector', 'invalid label selector'],
      ],
    );
  });
});

describe('apps/v1 StatefulSet', () => {
  const sts = (extra: Record<string, unknown> = {}, name = 'db') =>
    make('statefulsets', { selector: { matchLabels: { app: 'web' } }, template: template(), serviceName: 'db', ...extra }, name);

  it('defaults as upstream', () => {
    const s = sts({ volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }] });
    const spec = s['spec'] as Record<string, unknown>;
    assert.equal(spec['podManagementPolicy'], 'OrderedReady');
    assert.deepEqual(spec['updateStrategy'], { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    assert.deepEqual(spec['persistentVolumeClaimRetentionPolicy'], { whenDeleted: 'Retain', whenScaled: 'Retain' });
    assert.equal(spec['replicas'], 1);
    assert.equal(spec['revisionHistoryLimit'], 10);
    assert.deepEqual(spec['volumeClaimTemplates'], [
      { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }, status: { phase: 'Pending' } },
    ]);
    assert.deepEqual(validate('statefulsets', s), []);
  });

  it('checks policies, strategies and the name', () => {
    const s = sts({ podManagementPolicy: 'Random', updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 1 } } }, 'db.v1');
    assert.deepEqual(
      validate('statefulsets', s).map((e) => `${e.field}: ${e.detail}`),
      [
        "spec.podManagementPolicy: must be 'OrderedReady' or 'Parallel'",
        "spec.updateStrategy.rollingUpdate: only allowed for updateStrategy 'RollingUpdate'",
      ],
    );
    const neg = sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1, maxUnavailable: 0 } } });
    assert.deepEqual(msgs(validate('statefulsets', neg)), [
      'spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0',
      'spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0',
    ]);
  });

  it('names StatefulSets with DNS labels', () => {
    assert.deepEqual(appsV1Rules['statefulsets']!.nameFn!('db.v1', false), ['must not contain dots']);
    assert.deepEqual(appsV1Rules['statefulsets']!.nameFn!('db-', true), []);
    assert.equal(appsV1Rules['deployments']!.nameFn, undefined);
  });

  it('forbids spec changes outside the mutable fields', () => {
    const old = sts();
    const upd = structuredClone(old);
    (upd['spec'] as Record<string, unknown>)['replicas'] = 5;
    assert.deepEqual(appsV1Rules['statefulsets']!.validateUpdate!(upd, old), []);
    (upd['spec'] as Record<string, unknown>)['serviceName'] = 'other';
    assert.deepEqual(msgs(appsV1Rules['statefulsets']!.validateUpdate!(upd, old)), [
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });
});

describe('apps/v1 DaemonSet', () => {
  it('defaults as upstream', () => {
    const ds = make('daemonsets', { selector: { matchLabels: { app: 'web' } }, template: template() });
    const spec = ds['spec'] as Record<string, unknown>;
    assert.deepEqual(spec['updateStrategy'], { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.equal(spec['revisionHistoryLimit'], 10);
    assert.deepEqual(validate('daemonsets', ds), []);
  });

  it('needs exactly one of maxSurge and maxUnavailable', () => {
    const both = make('daemonsets', {
      selector: { matchLabels: { app: 'web' } },
      template: template(),
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '10%' } },
    });
    assert.deepEqual(msgs(validate('daemonsets', both)), [
      'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: "10%": may not be set when maxUnavailable is non-zero',
    ]);
    const none = make('daemonsets', {
      selector: { matchLabels: { app: 'web' } },
      template: template(),
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } },
    });
    assert.deepEqual(msgs(validate('daemonsets', none)), [
      'spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0',
    ]);
  });

  it('reports a missing selector as a template mismatch and keeps the selector immutable', () => {
    const ds = make('daemonsets', { template: template() });
    assert.deepEqual(fields(validate('daemonsets', ds)), ['spec.template.metadata.labels']);
    const old = make('daemonsets', { selector: { matchLabels: { app: 'web' } }, template: template() });
    const upd = structuredClone(old);
    (upd['spec'] as Record<string, unknown>)['selector'] = { matchLabels: { app: 'x' } };
    assert.deepEqual(fields(appsV1Rules['daemonsets']!.validateUpdate!(upd, old)), ['spec.selector']);
  });
});

describe('apps/v1 ControllerRevision', () => {
  it('requires data, a non-negative revision, and keeps data immutable', () => {
    const cr: KubeObject = { metadata: { name: 'r' }, revision: -1 };
    assert.deepEqual(msgs(validate('controllerrevisions', cr)), [
      'data: Required value: data is mandatory',
      'revision: Invalid value: -1: must be greater than or equal to 0',
    ]);
    const old: KubeObject = { metadata: { name: 'r' }, revision: 1, data: { a: 1 } };
    const upd: KubeObject = { ...old, data: { a: 2 } };
    assert.deepEqual(msgs(appsV1Rules['controllerrevisions']!.validateUpdate!(upd, old)), ['data: Invalid value: {"a":2}: field is immutable']);
  });
});
