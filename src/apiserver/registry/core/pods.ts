/**
 * Pod-specific registry behaviour: status on create (Pending + QoS class), graceful deletion,
 * and binding to a node (the scheduler's write).
 */
import type { KubeObject } from '../../../api/types.js';
import * as errors from '../../../machinery/errors.js';
import { preparePodForCreate } from '../../../api/core/v1/rules.js';
import { admitDefaultTolerationSeconds, type DefaultTolerationSeconds } from '../../../api/core/v1/tolerations.js';
import type { Strategy } from '../strategy.js';
import { admitPodServiceAccount, type ServiceAccountLookup } from './serviceaccount-admission.js';
import type { RegistryStore } from '../store.js';
import { nowTime } from '../store.js';

export interface PodAdmissionOptions {
  /** DefaultTolerationSeconds admission on create; default 300 s for both (upstream's default). */
  defaultTolerationSeconds?: DefaultTolerationSeconds;
  /** ServiceAccount admission on create (serviceaccount-admission.ts); absent: the plugin is off. */
  serviceAccounts?: ServiceAccountLookup;
}

export function podStrategy(base: Strategy, opts: PodAdmissionOptions = {}): Strategy {
  const tolerationSeconds = opts.defaultTolerationSeconds ?? { notReadySeconds: 300, unreachableSeconds: 300 };
  return {
    ...base,
    prepareForCreate(obj) {
      if (opts.serviceAccounts) admitPodServiceAccount(obj, obj.metadata?.namespace ?? '', { lookup: opts.serviceAccounts });
      preparePodForCreate(obj);
      admitDefaultTolerationSeconds(obj as Parameters<typeof admitDefaultTolerationSeconds>[0], tolerationSeconds);
    },
    gracePeriod(obj, requested) {
      const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
      const phase = (obj.status as { phase?: string } | undefined)?.phase;
      if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
      return requested ?? spec.terminationGracePeriodSeconds ?? 30;
    },
  };
}

/** Binds a pod to a node: sets spec.nodeName and the PodScheduled condition. 409 if already bound. */
export async function bindPod(
  pods: RegistryStore,
  namespace: string | undefined,
  name: string,
  node: string,
  annotations: Record<string, string> | undefined,
  opts: { dryRun?: boolean },
): Promise<KubeObject> {
  const res = await pods.guaranteedUpdate(
    namespace,
    name,
    (cur) => {
      const pod = cur!;
      const spec = pod.spec as { nodeName?: string };
      if (pod.metadata?.deletionTimestamp) {
        throw errors.conflict(pods.gr, name, 'pod is being deleted, cannot be assigned to a host');
      }
      if (spec.nodeName) throw errors.conflict(pods.gr, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
      spec.nodeName = node;
      if (annotations) pod.metadata!.annotations = { ...(pod.metadata!.annotations ?? {}), ...annotations };
      const status = (pod.status ??= {}) as { conditions?: Array<Record<string, unknown>> };
      const conds = (status.conditions ??= []);
      const now = nowTime();
      const i = conds.findIndex((c) => c.type === 'PodScheduled');
      const cond = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now };
      if (i >= 0) conds[i] = cond;
      else conds.push(cond);
      return pod;
    },
    { dryRun: opts.dryRun, raw: true },
  );
  return res.obj;
}
