/**
 * DaemonSet registry behaviour (pkg/registry/apps/daemonset/strategy.go): the template generation,
 * which apps/v1 carries as the `deprecated.daemonset.template.generation` annotation, starts at 1
 * and is bumped whenever spec.template changes; the daemonset controller labels pods with it.
 */
import type { KubeObject } from '../../../api/types.js';
import type { Strategy } from '../strategy.js';

export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

function templateGeneration(obj: KubeObject): number {
  const v = Number(obj.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION]);
  return Number.isInteger(v) && v > 0 ? v : 0;
}

function setTemplateGeneration(obj: KubeObject, gen: number): void {
  const meta = (obj.metadata ??= {});
  meta.annotations = { ...(meta.annotations ?? {}), [TEMPLATE_GENERATION_ANNOTATION]: String(gen) };
}

const templateOf = (obj: KubeObject): string => JSON.stringify((obj.spec as { template?: unknown } | undefined)?.template ?? null);

export function daemonSetStrategy(base: Strategy): Strategy {
  return {
    ...base,
    prepareForCreate(obj) {
      base.prepareForCreate(obj);
      setTemplateGeneration(obj, Math.max(1, templateGeneration(obj)));
    },
    prepareForUpdate(obj, old) {
      base.prepareForUpdate(obj, old);
      const oldGen = Math.max(1, templateGeneration(old));
      setTemplateGeneration(obj, templateOf(obj) !== templateOf(old) ? oldGen + 1 : oldGen);
    },
  };
}
