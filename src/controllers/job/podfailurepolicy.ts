/**
 * spec.podFailurePolicy matching (pkg/controller/job/pod_failure_policy.go).
 *
 * Contract: `matchPodFailurePolicy` evaluates the rules in order against a failed pod and returns
 * the first match: `countFailed` false for Ignore, a job failure message for FailJob; with no
 * policy or no match the failure counts. FailIndex (backoffLimitPerIndex) is not supported and
 * falls through as no match.
 */
import type { ContainerStatus, PodCondition } from 'kubernetes-types/core/v1.js';
import type { PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement } from 'kubernetes-types/batch/v1.js';
import type { PodObj } from '../common/podutil.js';

export interface PolicyMatch {
  failJobMessage?: string;
  countFailed: boolean;
  action?: string;
}

function matchingContainer(statuses: ContainerStatus[] | undefined, req: PodFailurePolicyOnExitCodesRequirement): ContainerStatus | undefined {
  for (const s of statuses ?? []) {
    const term = s.state?.terminated;
    if (!term) continue;
    if (req.containerName && req.containerName !== s.name) continue;
    if (term.exitCode === 0) continue;
    const inValues = req.values.includes(term.exitCode);
    if ((req.operator === 'In' && inValues) || (req.operator === 'NotIn' && !inValues)) return s;
  }
  return undefined;
}

export function matchPodFailurePolicy(policy: PodFailurePolicy | undefined, pod: PodObj): PolicyMatch {
  if (!policy) return { countFailed: true };
  const ns = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  for (const [index, rule] of (policy.rules ?? []).entries()) {
    let matched: { container?: ContainerStatus; condition?: PodCondition } | undefined;
    if (rule.onExitCodes) {
      const c = matchingContainer(pod.status?.containerStatuses, rule.onExitCodes) ?? matchingContainer(pod.status?.initContainerStatuses, rule.onExitCodes);
      if (c) matched = { container: c };
    } else if (rule.onPodConditions) {
      const cond = (pod.status?.conditions ?? []).find((pc) => rule.onPodConditions!.some((pat) => pat.type === pc.type && (pat.status ?? 'True') === pc.status));
      if (cond) matched = { condition: cond };
    }
    if (!matched) continue;
    switch (rule.action) {
      case 'Ignore':
        return { countFailed: false, action: 'Ignore' };
      case 'Count':
        return { countFailed: true, action: 'Count' };
      case 'FailJob': {
        const msg = matched.container
          ? `Container ${matched.container.name} for pod ${ns}/${name} failed with exit code ${matched.container.state!.terminated!.exitCode} matching FailJob rule at index ${index}`
          : `Pod ${ns}/${name} has condition ${matched.condition!.type} matching FailJob rule at index ${index}`;
        return { failJobMessage: msg, countFailed: true, action: 'FailJob' };
      }
      default:
        break;
    }
  }
  return { countFailed: true };
}
