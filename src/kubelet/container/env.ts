/**
 * A container's environment (upstream kubelet makeEnvironmentVariables) and `$(VAR)` expansion of
 * its command and args (upstream ExpandContainerCommandAndArgs).
 *
 * Contracts:
 * - Precedence: service env < envFrom (in order) < env (in order); a later definition replaces the
 *   value but keeps the name's first position, so the result is deterministic and free of duplicates.
 * - `env[].value` is expanded against everything defined before it (envFrom, earlier env, service env).
 * - Failures throw `EnvError` with upstream's message; the kubelet reports them as
 *   `CreateContainerConfigError`. A missing optional ConfigMap/Secret (or key) is skipped silently.
 * - Each ConfigMap/Secret is looked up at most once per call.
 */
import type { Container } from 'kubernetes-types/core/v1.js';
import { isRelaxedEnvVarName } from '../../machinery/validation.js';
import type { ConfigMap, Pod, PodEventSink, Secret } from '../types.js';
import { expand } from './expand.js';
import { podFieldValue } from './fieldpath.js';
import { type Allocatable, podResourceValue } from './resourcefield.js';

export interface EnvLookups {
  /** The object, or undefined when it does not exist; other failures throw. */
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
}

export interface EnvVarValue {
  name: string;
  value: string;
}

export interface EnvContext {
  /** This node's name (used when the pod has no spec.nodeName yet, e.g. a static pod). */
  nodeName: string;
  /** The node's primary IP (status.hostIP). */
  hostIP: string;
  /** All node IPs, primary first (status.hostIPs); defaults to [hostIP]. */
  hostIPs?: string[];
  podIPs: string[];
  /** From `serviceEnvironment`. */
  serviceEnv: EnvVarValue[];
  /** Node allocatable: stands in for unset cpu/memory/ephemeral-storage limits in resourceFieldRef. */
  nodeAllocatable?: Allocatable;
  /** Receives the InvalidEnvironmentVariableNames warning for skipped envFrom keys. */
  events?: PodEventSink;
}

/** A container's environment cannot be built; the message is upstream's. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/** Expands `$(VAR)` references in `input` against `env`; `$$` is `$`; unknown references stay as written. */
export function expandVars(input: string, env: ReadonlyMap<string, string>): string {
  return expand(input, env);
}

function toMap(env: readonly EnvVarValue[] | ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  if (env instanceof Map) return env;
  const m = new Map<string, string>();
  for (const e of env as readonly EnvVarValue[]) m.set(e.name, e.value);
  return m;
}

/** The container's command and args with `$(VAR)` expanded against its final environment. */
export function expandCommand(
  container: Pick<Container, 'command' | 'args'>,
  env: readonly EnvVarValue[] | ReadonlyMap<string, string>,
): { command: string[]; args: string[] } {
  const m = toMap(env);
  return {
    command: (container.command ?? []).map((s) => expand(s, m)),
    args: (container.args ?? []).map((s) => expand(s, m)),
  };
}

function decodeSecretValue(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}

/** Caches lookups for one call and turns "not found" into upstream's error (or undefined when optional). */
class Sources {
  private readonly configMaps = new Map<string, ConfigMap>();
  private readonly secrets = new Map<string, Secret>();

  constructor(
    private readonly namespace: string,
    private readonly lookups: EnvLookups,
  ) {}

  async configMap(name: string, optional: boolean): Promise<ConfigMap | undefined> {
    const cached = this.configMaps.get(name);
    if (cached) return cached;
    const cm = await wrap(() => this.lookups.configMap(this.namespace, name));
    if (!cm) {
      if (optional) return undefined;
      throw new EnvError(`configmap "${name}" not found`);
    }
    this.configMaps.set(name, cm);
    return cm;
  }

  async secret(name: string, optional: boolean): Promise<Secret | undefined> {
    const cached = this.secrets.get(name);
    if (cached) return cached;
    const s = await wrap(() => this.lookups.secret(this.namespace, name));
    if (!s) {
      if (optional) return undefined;
      throw new EnvError(`secret "${name}" not found`);
    }
    this.secrets.set(name, s);
    return s;
  }
}

async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof EnvError) throw err;
    throw new EnvError(err instanceof Error ? err.message : String(err), { cause: err });
  }
}

function sync<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new EnvError(err instanceof Error ? err.message : String(err), { cause: err });
  }
}

/**
 * Builds the container's environment: service env, then envFrom, then env (see the module
 * contract). envFrom keys that cannot be environment variable names (empty, '=' or
 * non-printable characters) are skipped and reported as an `InvalidEnvironmentVariableNames` warning.
 */
export async function makeEnvironment(pod: Pod, container: Container, ctx: EnvContext, lookups: EnvLookups): Promise<EnvVarValue[]> {
  const namespace = pod.metadata?.namespace ?? '';
  const sources = new Sources(namespace, lookups);
  const env = new Map<string, string>();
  for (const e of ctx.serviceEnv) env.set(e.name, e.value);

  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    let data: Record<string, string> | undefined;
    let kind: 'configMap' | 'secret';
    let name: string;
    if (from.configMapRef) {
      kind = 'configMap';
      name = from.configMapRef.name ?? '';
      const cm = await sources.configMap(name, from.configMapRef.optional === true);
      if (!cm) continue;
      data = cm.data ?? {};
    } else if (from.secretRef) {
      kind = 'secret';
      name = from.secretRef.name ?? '';
      const s = await sources.secret(name, from.secretRef.optional === true);
      if (!s) continue;
      data = Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, decodeSecretValue(v)]));
    } else {
      continue;
    }
    const invalid: string[] = [];
    for (const [key, value] of Object.entries(data)) {
      const k = prefix + key;
      if (isRelaxedEnvVarName(k).length) {
        invalid.push(k);
        continue;
      }
      env.set(k, value);
    }
    if (invalid.length && ctx.events) {
      invalid.sort();
      ctx.events(
        pod,
        'Warning',
        'InvalidEnvironmentVariableNames',
        `Keys [${invalid.join(', ')}] from the EnvFrom ${kind} ${namespace}/${name} were skipped since they are considered invalid environment variable names.`,
      );
    }
  }

  for (const v of container.env ?? []) {
    let value = v.value ?? '';
    if (value !== '') {
      value = expand(value, env);
    } else if (v.valueFrom) {
      const src = v.valueFrom;
      if (src.fieldRef) {
        const ref = src.fieldRef;
        const fieldPod = pod.spec?.nodeName ? pod : { ...pod, spec: { ...pod.spec!, nodeName: ctx.nodeName } };
        value = sync(() => podFieldValue(fieldPod, ref, { hostIPs: ctx.hostIPs ?? (ctx.hostIP ? [ctx.hostIP] : []), podIPs: ctx.podIPs }));
      } else if (src.resourceFieldRef) {
        const ref = src.resourceFieldRef;
        value = sync(() => podResourceValue(ref, pod, container, ctx.nodeAllocatable));
      } else if (src.configMapKeyRef) {
        const { name = '', key, optional = false } = src.configMapKeyRef;
        const cm = await sources.configMap(name, optional);
        if (!cm) continue;
        const found = cm.data?.[key];
        if (found === undefined) {
          if (optional) continue;
          throw new EnvError(`couldn't find key ${key} in ConfigMap ${namespace}/${name}`);
        }
        value = found;
      } else if (src.secretKeyRef) {
        const { name = '', key, optional = false } = src.secretKeyRef;
        const s = await sources.secret(name, optional);
        if (!s) continue;
        const found = s.data?.[key];
        if (found === undefined) {
          if (optional) continue;
          throw new EnvError(`couldn't find key ${key} in Secret ${namespace}/${name}`);
        }
        value = decodeSecretValue(found);
      }
    }
    env.set(v.name, value);
  }

  return [...env].map(([name, value]) => ({ name, value }));
}
