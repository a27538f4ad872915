/**
 * Server-side table printing for batch/v1, as upstream's pkg/printers/internalversion/printers.go.
 * Every printer prints wide: `cells` returns a value for each column, priority-1 columns included.
 */
import type { CronJob, Job, JobCondition } from 'kubernetes-types/batch/v1.js';
import { humanDuration } from '../../../machinery/duration.js';
import {
  CONTAINERS_DESCRIPTION,
  IMAGES_DESCRIPTION,
  age,
  ageColumn,
  column,
  formatLabelSelector,
  layoutContainerCells,
  nameColumn,
  nameOf,
  parseTime,
  printBoolPtr,
  printer,
  timestampSince,
} from '../../core/v1/printers.js';
import type { Printer } from '../../types.js';

// SwaggerDoc texts of the (batch/v1, batch/v1beta1) fields upstream's columns cite.
const D = {
  jobSucceeded:
    'The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.',
  jobSelector:
    'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
  cjSchedule: 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.',
  cjTimeZone:
    'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones',
  cjSuspend:
    'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.',
  cjActive: 'A list of pointers to currently running jobs.',
  cjLastSchedule: 'Information when was the last time the job was successfully scheduled.',
} as const;

/** hasJobCondition: the first condition of the type decides. */
function hasJobCondition(conditions: readonly JobCondition[] | undefined, type: string): boolean {
  const c = conditions?.find((x) => x.type === type);
  return c !== undefined && c.status === 'True';
}

export const jobPrinter = printer<Job>(
  [
    nameColumn(),
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', D.jobSucceeded),
    column('Duration', 'string', 'Time required to complete the job.'),
    ageColumn(),
    column('Containers', 'string', CONTAINERS_DESCRIPTION, 1),
    column('Images', 'string', IMAGES_DESCRIPTION, 1),
    column('Selector', 'string', D.jobSelector, 1),
  ],
  (obj, now) => {
    const spec = obj.spec;
    const st = obj.status ?? {};
    const succeeded = st.succeeded ?? 0;
    let completions: string;
    if (spec?.completions !== undefined && spec.completions !== null) {
      completions = `${succeeded}/${spec.completions}`;
    } else {
      const parallelism = spec?.parallelism ?? 0;
      completions = parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
    }

    let jobDuration = '';
    const start = parseTime(st.startTime);
    const completion = parseTime(st.completionTime);
    if (start !== undefined) {
      jobDuration = humanDuration((completion ?? now.getTime()) - start);
    }

    const conditions = st.conditions;
    let status: string;
    if (hasJobCondition(conditions, 'Complete')) status = 'Complete';
    else if (hasJobCondition(conditions, 'Failed')) status = 'Failed';
    else if (obj.metadata?.deletionTimestamp) status = 'Terminating';
    else if (hasJobCondition(conditions, 'Suspended')) status = 'Suspended';
    else if (hasJobCondition(conditions, 'FailureTarget')) status = 'FailureTarget';
    else status = 'Running';

    const [names, images] = layoutContainerCells(spec?.template?.spec?.containers);
    return [
      nameOf(obj),
      status,
      completions,
      jobDuration,
      age(obj, now),
      names,
      images,
      formatLabelSelector(spec?.selector),
    ];
  },
);

export const cronJobPrinter = printer<CronJob>(
  [
    nameColumn(),
    column('Schedule', 'string', D.cjSchedule),
    column('Timezone', 'string', D.cjTimeZone),
    column('Suspend', 'boolean', D.cjSuspend),
    column('Active', 'integer', D.cjActive),
    column('Last Schedule', 'string', D.cjLastSchedule),
    ageColumn(),
    column('Containers', 'string', CONTAINERS_DESCRIPTION, 1),
    column('Images', 'string', IMAGES_DESCRIPTION, 1),
    column('Selector', 'string', D.jobSelector, 1),
  ],
  (obj, now) => {
    const spec = obj.spec;
    const last = obj.status?.lastScheduleTime ? timestampSince(obj.status.lastScheduleTime, now) : '<none>';
    const jobSpec = spec?.jobTemplate?.spec;
    const [names, images] = layoutContainerCells(jobSpec?.template?.spec?.containers);
    return [
      nameOf(obj),
      spec?.schedule ?? '',
      spec?.timeZone ?? '<none>',
      printBoolPtr(spec?.suspend),
      (obj.status?.active ?? []).length,
      last,
      age(obj, now),
      names,
      images,
      formatLabelSelector(jobSpec?.selector),
    ];
  },
);

/** batch printers by resource. */
export const batchPrinters: Readonly<Record<string, Printer>> = {
  jobs: jobPrinter,
  cronjobs: cronJobPrinter,
};
