/**
 * CRI sandbox and container configs for a pod (upstream's generatePodSandboxConfig and
 * generateContainerConfig). Pure given their inputs.
 */
import type { Container, SecurityContext } from 'kubernetes-types/core/v1.js';
import { join } from 'node:path';
import type { ContainerConfig, DNSConfig, LinuxContainerResources, Mount, NamespaceOption, PodSandboxConfig, PortMapping } from '../runtime/cri/client.js';
import { parseQuantity } from '../../machinery/quantity.js';
import { podQOSClass } from '../../api/core/v1/rules.js';
import type { Pod } from '../types.js';
import {
  CONTAINER_HASH, CONTAINER_INIT, CONTAINER_RESTART_COUNT, CONTAINER_TERMINATION_MESSAGE_PATH, CONTAINER_TERMINATION_MESSAGE_POLICY,
  POD_TERMINATION_GRACE_PERIOD, TERMINATION_MESSAGE_HOST_PATH, containerHash, containerLabels, sandboxLabels,
} from './labels.js';

/** Paths masked and made read-only in unprivileged containers (upstream's defaults). */
export const DEFAULT_MASKED_PATHS = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
export const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export const podLogDirectory = (logsDir: string, pod: Pod): string =>
  join(logsDir, `${pod.metadata!.namespace ?? 'default'}_${pod.metadata!.name}_${pod.metadata!.uid}`);

export function namespaceOptions(pod: Pod): NamespaceOption {
  const s = pod.spec ?? { containers: [] };
  return {
    network: s.hostNetwork ? 'NODE' : 'POD',
    pid: s.hostPID ? 'NODE' : s.shareProcessNamespace ? 'POD' : 'CONTAINER',
    ipc: s.hostIPC ? 'NODE' : 'POD',
  };
}

/** Hostname as upstream: spec.hostname, else the pod name cut to 63 characters without a trailing '-' or '.'. */
export function podHostname(pod: Pod): string {
  if (pod.spec?.hostname) return pod.spec.hostname;
  return pod.metadata!.name!.slice(0, 63).replace(/[-.]+$/, '');
}

export interface SandboxInputs {
  nodeName: string;
  logsDir: string;
  attempt: number;
  dnsConfig?: DNSConfig;
  cgroupParent?: string;
}

export function sandboxConfig(pod: Pod, inp: SandboxInputs): PodSandboxConfig {
  const ports: PortMapping[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      ports.push({ protocol: (p.protocol ?? 'TCP') as PortMapping['protocol'], containerPort: p.containerPort, hostPort: p.hostPort, ...(p.hostIP ? { hostIp: p.hostIP } : {}) });
    }
  }
  const psc = pod.spec?.securityContext;
  const privileged = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].some((c) => c.securityContext?.privileged === true);
  return {
    metadata: { name: pod.metadata!.name!, uid: pod.metadata!.uid!, namespace: pod.metadata!.namespace ?? 'default', attempt: inp.attempt },
    hostname: pod.spec?.hostNetwork ? '' : podHostname(pod),
    logDirectory: podLogDirectory(inp.logsDir, pod),
    ...(inp.dnsConfig ? { dnsConfig: inp.dnsConfig } : {}),
    portMappings: ports,
    labels: sandboxLabels(pod, inp.nodeName),
    annotations: { ...(pod.metadata?.annotations ?? {}) },
    linux: {
      ...(inp.cgroupParent ? { cgroupParent: inp.cgroupParent } : {}),
      securityContext: {
        namespaceOptions: namespaceOptions(pod),
        privileged,
        ...(psc?.runAsUser !== undefined ? { runAsUser: { value: psc.runAsUser } } : {}),
        ...(psc?.runAsGroup !== undefined ? { runAsGroup: { value: psc.runAsGroup } } : {}),
        ...(psc?.supplementalGroups ? { supplementalGroups: psc.supplementalGroups } : {}),
      },
      sysctls: Object.fromEntries((psc?.sysctls ?? []).map((s) => [s.name, s.value])),
    },
  };
}

const CPU_PERIOD = 100_000;
const MIN_SHARES = 2;

/** cgroup settings from requests/limits (upstream's milliCPUToShares/Quota and QoS oom_score_adj). */
export function containerResources(pod: Pod, c: Container, nodeMemoryBytes: number): LinuxContainerResources {
  const r: LinuxContainerResources = {};
  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  const cpuReq = req.cpu ?? lim.cpu;
  const shares = cpuReq ? Math.max(MIN_SHARES, Math.floor((parseQuantity(cpuReq).milliValue() * 1024) / 1000)) : MIN_SHARES;
  r.cpuShares = shares;
  if (lim.cpu) {
    r.cpuPeriod = CPU_PERIOD;
    r.cpuQuota = Math.max(1000, Math.floor((parseQuantity(lim.cpu).milliValue() * CPU_PERIOD) / 1000));
  }
  if (lim.memory) r.memoryLimitInBytes = parseQuantity(lim.memory).value();
  const qos = podQOSClass(pod);
  if (qos === 'Guaranteed') r.oomScoreAdj = -997;
  else if (qos === 'BestEffort') r.oomScoreAdj = 1000;
  else {
    const memReq = req.memory ? parseQuantity(req.memory).value() : 0;
    const adj = 1000 - Math.floor((1000 * memReq) / Math.max(1, nodeMemoryBytes));
    r.oomScoreAdj = Math.min(999, Math.max(2, adj));
  }
  return r;
}

export interface ContainerInputs {
  nodeName: string;
  attempt: number;
  restartCount: number;
  init: boolean;
  imageRef: string;
  command: string[];
  args: string[];
  env: { name: string; value: string }[];
  mounts: Mount[];
  terminationMessageHostPath?: string;
  nodeMemoryBytes: number;
}

function capabilities(sc: SecurityContext | undefined): { addCapabilities?: string[]; dropCapabilities?: string[] } | undefined {
  const caps = sc?.capabilities;
  if (!caps) return undefined;
  const norm = (xs: string[] | undefined) => (xs ?? []).map((x) => (x === 'ALL' || x.startsWith('CAP_') ? x : `CAP_${x}`).toUpperCase());
  return { addCapabilities: norm(caps.add), dropCapabilities: norm(caps.drop) };
}

export function containerConfig(pod: Pod, c: Container, inp: ContainerInputs): ContainerConfig {
  const psc = pod.spec?.securityContext;
  const sc = c.securityContext;
  const privileged = sc?.privileged === true;
  const runAsUser = sc?.runAsUser ?? psc?.runAsUser;
  const runAsGroup = sc?.runAsGroup ?? psc?.runAsGroup;
  const caps = capabilities(sc);
  const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
  return {
    metadata: { name: c.name, attempt: inp.attempt },
    image: { image: inp.imageRef, userSpecifiedImage: c.image ?? '' },
    command: inp.command,
    args: inp.args,
    ...(c.workingDir ? { workingDir: c.workingDir } : {}),
    envs: inp.env.map((e) => ({ key: e.name, value: e.value })),
    mounts: inp.mounts,
    labels: containerLabels(pod, c, inp.nodeName),
    annotations: {
      [CONTAINER_HASH]: containerHash(c),
      [CONTAINER_RESTART_COUNT]: String(inp.restartCount),
      [CONTAINER_TERMINATION_MESSAGE_PATH]: c.terminationMessagePath ?? '/dev/termination-log',
      [CONTAINER_TERMINATION_MESSAGE_POLICY]: c.terminationMessagePolicy ?? 'File',
      [POD_TERMINATION_GRACE_PERIOD]: String(grace),
      ...(inp.init ? { [CONTAINER_INIT]: 'true' } : {}),
      ...(inp.terminationMessageHostPath ? { [TERMINATION_MESSAGE_HOST_PATH]: inp.terminationMessageHostPath } : {}),
    },
    logPath: `${c.name}/${inp.restartCount}.log`,
    stdin: c.stdin === true,
    stdinOnce: c.stdinOnce === true,
    tty: c.tty === true,
    linux: {
      resources: containerResources(pod, c, inp.nodeMemoryBytes),
      securityContext: {
        namespaceOptions: namespaceOptions(pod),
        privileged,
        ...(caps ? { capabilities: caps } : {}),
        ...(runAsUser !== undefined ? { runAsUser: { value: runAsUser } } : {}),
        ...(runAsGroup !== undefined ? { runAsGroup: { value: runAsGroup } } : {}),
        ...(sc?.readOnlyRootFilesystem ? { readonlyRootfs: true } : {}),
        ...(sc?.allowPrivilegeEscalation === false ? { noNewPrivs: true } : {}),
        ...(psc?.supplementalGroups ? { supplementalGroups: psc.supplementalGroups } : {}),
        ...(privileged ? {} : { maskedPaths: DEFAULT_MASKED_PATHS, readonlyPaths: DEFAULT_READONLY_PATHS }),
      },
    },
  };
}

/** Image pull policy as the API server defaults it: Always for `:latest` or no tag, else IfNotPresent. */
export function pullPolicy(c: Container): 'Always' | 'IfNotPresent' | 'Never' {
  if (c.imagePullPolicy === 'Always' || c.imagePullPolicy === 'IfNotPresent' || c.imagePullPolicy === 'Never') return c.imagePullPolicy;
  const img = c.image ?? '';
  if (img.includes('@')) return 'IfNotPresent';
  const slash = img.lastIndexOf('/');
  const colon = img.lastIndexOf(':');
  const tag = colon > slash ? img.slice(colon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}
