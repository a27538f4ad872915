/**
 * The HorizontalPodAutoscaler controller (pkg/controller/podautoscaler/horizontal.go), autoscaling/v2.
 *
 * Contracts:
 * - Every HPA is reconciled once per `syncPeriodMs` (the key is re-added after each sync), and at
 *   once when it is created or its spec changes; status-only updates do not trigger a sync.
 * - `sync(key)` reads the HPA from the cache, gets the target's `scale` subresource (any catalogue
 *   kind of the ref's group; deployments, replicasets, statefulsets, replicationcontrollers),
 *   computes a proposal per metric (Resource and ContainerResource from metrics.k8s.io; Pods,
 *   Object and External fail: no custom or external metrics API), takes the highest, normalizes it
 *   (normalize.ts), writes the scale when it changes, then writes status only when it changed.
 * - Failures never reject: they become Events and conditions as upstream's, and the next periodic
 *   sync tries again.
 * - Events: Normal SuccessfulRescale "New size: N; reason: <reason>"; Warning FailedGetScale,
 *   FailedRescale, FailedComputeMetricsReplicas, FailedGetResourceMetric,
 *   FailedGetContainerResourceMetric, SelectorRequired, InvalidSelector, FailedUpdateStatus.
 */
import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerCondition, MetricSpec, MetricStatus, MetricTarget } from 'kubernetes-types/autoscaling/v2.js';
import type { Scale } from 'kubernetes-types/autoscaling/v1.js';
import type { KubeObject } from '../../api/types.js';
import { RESOURCES } from '../../api/resources.js';
import type { SharedInformer } from '../../client/informer.js';
import type { WorkQueue } from '../../client/workqueue.js';
import type { EventRecorder } from '../../client/events.js';
import type { RestClient, ResourceRef } from '../../client/rest.js';
import { parseSelector, type Selector } from '../../machinery/labels.js';
import { parseApiVersion } from '../../machinery/meta.js';
import { Quantity, tryParseQuantity } from '../../machinery/quantity.js';
import type { Logger } from '../../util/logger.js';
import { keyOf, splitKey } from '../common/keys.js';
import type { PodObj } from '../common/podutil.js';
import { HPAS } from '../resources.js';
import { setCondition, type ConditionType } from './conditions.js';
import { getResourceMetric } from './metrics.js';
import { newMemory, normalizeDesiredReplicas, normalizeWithBehaviors, recordInitialRecommendation, storeScaleEvent, type HpaMemory } from './normalize.js';
import { defaultCalculatorOptions, plainMetricReplicas, resourceReplicas, type CalculatorOptions } from './replicas.js';
import { errorText as errText } from '../../util/concurrency.js';

export type HpaObj = HorizontalPodAutoscaler & KubeObject;
type ScaleObj = Scale & KubeObject;

export type HpaClient = Pick<RestClient, 'getSubresource' | 'updateSubresource' | 'updateStatus' | 'list'>;

export interface HorizontalControllerOptions {
  client: HpaClient;
  hpas: SharedInformer<HpaObj>;
  pods: SharedInformer<PodObj>;
  queue: WorkQueue<string>;
  recorder: Pick<EventRecorder, 'event'>;
  log: Logger;
  syncPeriodMs: number;
  downscaleStabilizationMs: number;
  /** Tolerance, cpu initialization period, initial readiness delay (upstream defaults otherwise). */
  calculator?: Partial<Omit<CalculatorOptions, 'now'>>;
  now?: () => number;
  signal?: AbortSignal;
}

/** JSON with object keys sorted: equal values give equal text whatever their key order. */
function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** A per-metric failure: the condition upstream sets when every metric (or a scale-down) fails. */
class MetricError extends Error {
  constructor(
    message: string,
    readonly condition: { type: ConditionType; status: 'True' | 'False'; reason: string; message: string },
  ) {
    super(message);
  }
}

interface Proposal {
  replicas: number;
  metric: string;
  timestampMs: number;
  status: MetricStatus;
}

/** The reconcile state of one sync: the HPA copy whose status is being rebuilt. */
interface Work {
  hpa: HpaObj;
  key: string;
  conditions: HorizontalPodAutoscalerCondition[];
  now: number;
}

export class HorizontalController {
  private readonly memory = new Map<string, HpaMemory>();
  private readonly now: () => number;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly o: HorizontalControllerOptions) {
    this.now = o.now ?? Date.now;
    this.unsubscribe.push(
      o.hpas.addEventHandler({
        onAdd: (h) => o.queue.add(keyOf(h)),
        onUpdate: (old, cur) => {
          if (old.metadata?.generation !== cur.metadata?.generation || JSON.stringify(old.spec) !== JSON.stringify(cur.spec)) o.queue.add(keyOf(cur));
        },
        onDelete: (d) => o.queue.add(d.key),
      }),
    );
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.o.hpas.lister.get(namespace, name);
    if (!cached) {
      this.memory.delete(key);
      return;
    }
    try {
      await this.reconcile(structuredClone(cached), key);
    } catch (err) {
      if (!this.o.signal?.aborted) this.o.log.warn({ key, namespace, name, err: errText(err) }, 'horizontal pod autoscaler sync failed');
    } finally {
      this.o.queue.addAfter(key, this.o.syncPeriodMs);
    }
  }

  private mem(key: string): HpaMemory {
    let m = this.memory.get(key);
    if (!m) this.memory.set(key, (m = newMemory()));
    return m;
  }

  private set(w: Work, type: ConditionType, status: 'True' | 'False', reason: string, message: string): void {
    w.conditions = setCondition(w.conditions, type, status, reason, message, rfc3339(w.now));
  }

  private event(hpa: HpaObj, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.o.recorder.event(hpa, type, reason, message);
  }

  private scaleResource(apiVersion: string | undefined, kind: string): ResourceRef {
    const { group } = parseApiVersion(apiVersion ?? '');
    const r = RESOURCES.find((x) => x.group === group && x.kind === kind && x.subresources.some((s) => s.name === 'scale')) ?? RESOURCES.find((x) => x.group === group && x.kind === kind);
    if (!r) throw new Error(`no matches for kind "${kind}" in group "${group}"`);
    return { group: r.group, version: r.version, resource: r.resource, namespaced: r.namespaced, kind: r.kind };
  }

  private async reconcile(hpa: HpaObj, key: string): Promise<void> {
    const w: Work = { hpa, key, conditions: hpa.status?.conditions ?? [], now: this.now() };
    const original = canonicalJson(hpa.status ?? {});
    const spec = hpa.spec!;
    const ns = hpa.metadata?.namespace ?? '';
    const ref = spec.scaleTargetRef;
    const reference = `${ref.kind}/${ns}/${ref.name}`;

    let target: ResourceRef;
    let scale: ScaleObj;
    try {
      target = this.scaleResource(ref.apiVersion, ref.kind);
      scale = await this.o.client.getSubresource<ScaleObj>(target, ns, ref.name, 'scale', { signal: this.o.signal });
    } catch (err) {
      this.event(hpa, 'Warning', 'FailedGetScale', errText(err));
      this.set(w, 'AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${errText(err)}`);
      await this.writeStatus(w, original, { ...(hpa.status ?? { desiredReplicas: 0 }) });
      throw new Error(`failed to query scale subresource for ${reference}: ${errText(err)}`);
    }
    this.set(w, 'AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
    const currentReplicas = scale.spec?.replicas ?? 0;
    const m = this.mem(key);
    recordInitialRecommendation(m, currentReplicas, w.now);

    const minReplicas = spec.minReplicas ?? 1;
    let desiredReplicas = 0;
    let rescaleReason = '';
    let rescale = true;
    let statuses: MetricStatus[] = [];
    let retErr: Error | undefined;

    if (currentReplicas === 0 && minReplicas !== 0) {
      desiredReplicas = 0;
      rescale = false;
      this.set(w, 'ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
    } else if (currentReplicas > spec.maxReplicas) {
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
      desiredReplicas = spec.maxReplicas;
    } else if (currentReplicas < minReplicas) {
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
      desiredReplicas = minReplicas;
    } else {
      const r = await this.computeReplicasForMetrics(w, scale, spec.metrics ?? []);
      statuses = r.statuses;
      if (r.replicas === -1) {
        await this.writeStatus(w, original, { ...this.baseStatus(hpa), currentReplicas, currentMetrics: statuses });
        this.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', errText(r.error));
        throw new Error(`failed to compute desired number of replicas based on listed metrics for ${reference}: ${errText(r.error)}`);
      }
      retErr = r.error;
      let rescaleMetric = '';
      if (r.replicas > desiredReplicas) {
        desiredReplicas = r.replicas;
        rescaleMetric = r.metric;
      }
      if (desiredReplicas > currentReplicas) rescaleReason = `${rescaleMetric} above target`;
      if (desiredReplicas < currentReplicas) rescaleReason = 'All metrics below target';
      const n = spec.behavior
        ? normalizeWithBehaviors(m, spec.behavior, currentReplicas, desiredReplicas, minReplicas, spec.maxReplicas, this.o.downscaleStabilizationMs, w.now)
        : normalizeDesiredReplicas(m, currentReplicas, desiredReplicas, minReplicas, spec.maxReplicas, this.o.downscaleStabilizationMs, w.now);
      this.set(w, 'AbleToScale', n.ableToScale.status, n.ableToScale.reason, n.ableToScale.message);
      this.set(w, 'ScalingLimited', n.scalingLimited.status, n.scalingLimited.reason, n.scalingLimited.message);
      desiredReplicas = n.replicas;
      rescale = desiredReplicas !== currentReplicas;
    }

    let lastScaleTime = hpa.status?.lastScaleTime;
    if (rescale) {
      try {
        await this.o.client.updateSubresource(target, ns, ref.name, 'scale', { ...scale, spec: { ...scale.spec, replicas: desiredReplicas } }, { signal: this.o.signal });
      } catch (err) {
        this.event(hpa, 'Warning', 'FailedRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}; error: ${errText(err)}`);
        this.set(w, 'AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${errText(err)}`);
        await this.writeStatus(w, original, { ...this.baseStatus(hpa), currentReplicas, currentMetrics: statuses });
        throw new Error(`failed to rescale ${reference}: ${errText(err)}`);
      }
      this.set(w, 'AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desiredReplicas}`);
      this.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}`);
      storeScaleEvent(m, spec.behavior, currentReplicas, desiredReplicas, w.now);
      this.o.log.info({ key, namespace: ns, name: hpa.metadata?.name, currentReplicas, desiredReplicas, reason: rescaleReason }, 'successfully rescaled');
      lastScaleTime = rfc3339(w.now);
    } else {
      desiredReplicas = currentReplicas;
    }
    await this.writeStatus(w, original, {
      currentReplicas,
      desiredReplicas,
      ...(lastScaleTime ? { lastScaleTime } : {}),
      ...(statuses.length ? { currentMetrics: statuses } : {}),
    });
    if (retErr) throw retErr;
  }

  /** The status fields kept when only replicas and metrics are refreshed. */
  private baseStatus(hpa: HpaObj): NonNullable<HpaObj['status']> {
    const s = hpa.status ?? { desiredReplicas: 0 };
    return { desiredReplicas: s.desiredReplicas ?? 0, ...(s.lastScaleTime ? { lastScaleTime: s.lastScaleTime } : {}) };
  }

  private async writeStatus(w: Work, original: string, status: NonNullable<HpaObj['status']>): Promise<void> {
    const next = { ...status, conditions: w.conditions };
    if (!next.currentMetrics?.length) delete next.currentMetrics;
    if (canonicalJson(next) === original) return;
    try {
      await this.o.client.updateStatus<HpaObj>(HPAS, { ...w.hpa, status: next }, { signal: this.o.signal });
    } catch (err) {
      this.event(w.hpa, 'Warning', 'FailedUpdateStatus', errText(err));
      throw new Error(`failed to update status for ${w.hpa.metadata?.name ?? ''}: ${errText(err)}`);
    }
  }

  private selector(w: Work, scaleSelector: string | undefined): Selector {
    if (!scaleSelector) {
      this.event(w.hpa, 'Warning', 'SelectorRequired', 'selector is required');
      this.set(w, 'ScalingActive', 'False', 'InvalidSelector', "the HPA target's scale is missing a selector");
      throw new Error('selector is required');
    }
    try {
      return parseSelector(scaleSelector);
    } catch (err) {
      const msg = `couldn't convert selector into a corresponding internal selector object: ${errText(err)}`;
      this.event(w.hpa, 'Warning', 'InvalidSelector', msg);
      this.set(w, 'ScalingActive', 'False', 'InvalidSelector', msg);
      throw new Error(msg);
    }
  }

  private async computeReplicasForMetrics(w: Work, scale: ScaleObj, specs: readonly MetricSpec[]): Promise<{ replicas: number; metric: string; statuses: MetricStatus[]; error?: Error }> {
    let selector: Selector;
    try {
      selector = this.selector(w, scale.status?.selector);
    } catch (err) {
      return { replicas: -1, metric: '', statuses: [], error: err as Error };
    }
    const specReplicas = scale.spec?.replicas ?? 0;
    const statuses: MetricStatus[] = specs.map(() => ({ type: '' }));
    let replicas = 0;
    let metric = '';
    let invalid = 0;
    let first: MetricError | undefined;
    for (let i = 0; i < specs.length; i++) {
      try {
        const p = await this.computeReplicasForMetric(w, specs[i]!, specReplicas, selector, scale.status?.selector ?? '');
        statuses[i] = p.status;
        if (replicas === 0 || p.replicas > replicas) {
          replicas = p.replicas;
          metric = p.metric;
        }
      } catch (err) {
        const e = err instanceof MetricError ? err : new MetricError(errText(err), { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message: errText(err) });
        if (invalid === 0) first = e;
        invalid++;
      }
    }
    const error = first ? new Error(`invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${first.message}`) : undefined;
    if (invalid >= specs.length || (invalid > 0 && replicas < specReplicas)) {
      if (first) this.set(w, first.condition.type, first.condition.status, first.condition.reason, first.condition.message);
      return { replicas: -1, metric: '', statuses, error: error ?? new Error('no metrics specified') };
    }
    this.set(w, 'ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metric}`);
    return { replicas, metric, statuses, error };
  }

  private unable(w: Work, reason: string, err: unknown, wrap: string): MetricError {
    this.event(w.hpa, 'Warning', reason, errText(err));
    return new MetricError(`${wrap}: ${errText(err)}`, { type: 'ScalingActive', status: 'False', reason, message: `the HPA was unable to compute the replica count: ${errText(err)}` });
  }

  private async computeReplicasForMetric(w: Work, spec: MetricSpec, specReplicas: number, selector: Selector, selectorText: string): Promise<Proposal> {
    switch (spec.type) {
      case 'Resource':
      case 'ContainerResource': {
        const src = spec.type === 'Resource' ? spec.resource : spec.containerResource;
        const name = src?.name ?? '';
        const container = spec.type === 'ContainerResource' ? (spec.containerResource?.container ?? '') : '';
        const reason = spec.type === 'Resource' ? 'FailedGetResourceMetric' : 'FailedGetContainerResourceMetric';
        const wrap = spec.type === 'Resource' ? `failed to get ${name} resource metric value` : `failed to get ${name} container metric value`;
        try {
          const r = await this.resourceProposal(w, src?.target ?? { type: '' }, name, container, specReplicas, selector, selectorText);
          const status: MetricStatus =
            spec.type === 'Resource'
              ? { type: 'Resource', resource: { name, current: r.current } }
              : { type: 'ContainerResource', containerResource: { name, container, current: r.current } };
          return { replicas: r.replicas, metric: r.metric, timestampMs: r.timestampMs, status };
        } catch (err) {
          throw this.unable(w, reason, err, wrap);
        }
      }
      case 'Pods':
        throw this.unable(w, 'FailedGetPodsMetric', new Error(`unable to get metric ${spec.pods?.metric?.name ?? ''}: no custom metrics API (custom.metrics.k8s.io) registered`), 'failed to get pods metric value');
      case 'Object':
        throw this.unable(w, 'FailedGetObjectMetric', new Error(`unable to get metric ${spec.object?.metric?.name ?? ''}: no custom metrics API (custom.metrics.k8s.io) registered`), 'failed to get object metric value');
      case 'External':
        throw this.unable(w, 'FailedGetExternalMetric', new Error(`unable to get external metric ${spec.external?.metric?.name ?? ''}: no external metrics API (external.metrics.k8s.io) registered`), 'failed to get external metric value');
      default: {
        const msg = `unknown metric source type "${spec.type}"`;
        this.event(w.hpa, 'Warning', 'InvalidMetricSourceType', 'the HPA was unable to compute the replica count: unknown metric source type');
        throw new MetricError(msg, { type: 'ScalingActive', status: 'False', reason: 'InvalidMetricSourceType', message: `the HPA was unable to compute the replica count: ${msg}` });
      }
    }
  }

  private async resourceProposal(
    w: Work,
    target: MetricTarget,
    resource: string,
    container: string,
    currentReplicas: number,
    selector: Selector,
    selectorText: string,
  ): Promise<{ replicas: number; metric: string; timestampMs: number; current: NonNullable<MetricStatus['resource']>['current'] }> {
    const ns = w.hpa.metadata?.namespace ?? '';
    const calc: CalculatorOptions = { ...defaultCalculatorOptions(), ...this.o.calculator, now: w.now };
    const pods = () => this.o.pods.lister.list(ns, selector);
    const avg = target.averageValue !== undefined && target.averageValue !== null ? tryParseQuantity(target.averageValue) : undefined;
    if (avg) {
      let got;
      try {
        got = await getResourceMetric(this.o.client, resource, ns, selectorText, container, this.o.signal);
      } catch (err) {
        throw new Error(`failed to get ${resource} usage: unable to get metrics for resource ${resource}: ${errText(err)}`);
      }
      let r;
      try {
        r = plainMetricReplicas(currentReplicas, avg.milliValue(), resource, pods(), got.metrics, calc);
      } catch (err) {
        throw new Error(`failed to get ${resource} usage: ${errText(err)}`);
      }
      return { replicas: r.replicas, metric: `${resource} resource`, timestampMs: got.timestampMs, current: { averageValue: Quantity.fromMilli(r.usage).toString() } };
    }
    if (target.averageUtilization === undefined || target.averageUtilization === null) {
      throw new Error('invalid resource metric source: neither an average utilization target nor an average value (usage) target was set');
    }
    let got;
    try {
      got = await getResourceMetric(this.o.client, resource, ns, selectorText, container, this.o.signal);
    } catch (err) {
      throw new Error(`failed to get ${resource} utilization: unable to get metrics for resource ${resource}: ${errText(err)}`);
    }
    let r;
    try {
      r = resourceReplicas(currentReplicas, target.averageUtilization, resource, container, pods(), got.metrics, calc);
    } catch (err) {
      throw new Error(`failed to get ${resource} utilization: ${errText(err)}`);
    }
    const metric = container ? `${resource} container resource utilization (percentage of request)` : `${resource} resource utilization (percentage of request)`;
    return {
      replicas: r.replicas,
      metric,
      timestampMs: got.timestampMs,
      current: { averageUtilization: r.utilization, averageValue: Quantity.fromMilli(r.rawAverage).toString() },
    };
  }
}
