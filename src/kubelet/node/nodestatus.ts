/**
 * The Node object a real kubelet registers and keeps fresh: capacity and allocatable read from the
 * machine, addresses, node info, and conditions computed from /proc and the runtime's status.
 */
import { cpus, hostname, release, totalmem } from 'node:os';
import { readFileSync, statfsSync } from 'node:fs';
import type { NodeCondition, NodeStatus } from 'kubernetes-types/core/v1.js';
import type { Node } from '../types.js';

export const KUBELET_VERSION = 'v1.32.0-k8ts';
/** Memory held back from allocatable: upstream's default hard eviction threshold memory.available<100Mi. */
export const EVICTION_MEMORY_BYTES = 100 * 1024 * 1024;

export interface MachineInfo {
  cpus: number;
  memoryBytes: number;
  ephemeralStorageBytes: number;
  kernelVersion: string;
  osImage: string;
  machineID: string;
  bootID: string;
}

const readOr = (path: string, fallback: string): string => {
  try { return readFileSync(path, 'utf8').trim(); } catch { return fallback; }
};

export function readMachineInfo(dataDir: string): MachineInfo {
  let eph = 0;
  try { const s = statfsSync(dataDir); eph = s.blocks * s.bsize; } catch { /* unknown */ }
  const osRelease = readOr('/etc/os-release', '');
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1] ?? 'Linux';
  return {
    cpus: cpus().length,
    memoryBytes: totalmem(),
    ephemeralStorageBytes: eph,
    kernelVersion: release(),
    osImage: pretty,
    machineID: readOr('/etc/machine-id', ''),
    bootID: readOr('/proc/sys/kernel/random/boot_id', ''),
  };
}

/** memory.available, disk free fraction of the data dir and free PIDs, as the eviction manager sees them. */
export interface Pressure { memoryAvailableBytes: number; diskFreeFraction: number; pidsFree: number }

export function readPressure(dataDir: string): Pressure {
  const mem = readOr('/proc/meminfo', '');
  const avail = Number(/^MemAvailable:\s+(\d+) kB/m.exec(mem)?.[1] ?? '0') * 1024;
  let diskFree = 1;
  try { const s = statfsSync(dataDir); diskFree = s.bavail / Math.max(1, s.blocks); } catch { /* unknown */ }
  const pidMax = Number(readOr('/proc/sys/kernel/pid_max', '32768'));
  const loadavg = readOr('/proc/loadavg', '0 0 0 0/0 0').split(' ')[3] ?? '0/0';
  const running = Number(loadavg.split('/')[1] ?? 0);
  return { memoryAvailableBytes: avail, diskFreeFraction: diskFree, pidsFree: pidMax - running };
}

const ki = (bytes: number): string => `${Math.floor(bytes / 1024)}Ki`;

export interface NodeShape {
  name: string;
  internalIP: string;
  podCidr?: string;
  kubeletPort: number;
  maxPods: number;
  runtimeVersion: string;
  labels: Record<string, string>;
}

export function nodeLabels(name: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': process.arch === 'x64' ? 'amd64' : process.arch,
    'beta.kubernetes.io/os': 'linux',
    'beta.kubernetes.io/arch': process.arch === 'x64' ? 'amd64' : process.arch,
    ...extra,
  };
}

/** Conditions; `prev` keeps transition times of unchanged ones. */
export function nodeConditions(p: Pressure, runtimeReady: { ok: boolean; message: string }, prev: NodeCondition[] | undefined, now: string): NodeCondition[] {
  const old = new Map((prev ?? []).map((c) => [c.type, c]));
  const c = (type: string, status: boolean, reason: string, message: string): NodeCondition => {
    const s = status ? 'True' : 'False';
    const o = old.get(type);
    return { type, status: s, lastHeartbeatTime: now, lastTransitionTime: o && o.status === s ? o.lastTransitionTime! : now, reason, message };
  };
  const memP = p.memoryAvailableBytes > 0 && p.memoryAvailableBytes < EVICTION_MEMORY_BYTES;
  const diskP = p.diskFreeFraction < 0.1;
  const pidP = p.pidsFree < 1000;
  return [
    memP ? c('MemoryPressure', true, 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available')
      : c('MemoryPressure', false, 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    diskP ? c('DiskPressure', true, 'KubeletHasDiskPressure', 'kubelet has disk pressure')
      : c('DiskPressure', false, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    pidP ? c('PIDPressure', true, 'KubeletHasInsufficientPID', 'kubelet has insufficient PID available')
      : c('PIDPressure', false, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    runtimeReady.ok ? c('Ready', true, 'KubeletReady', 'kubelet is posting ready status')
      : c('Ready', false, 'KubeletNotReady', runtimeReady.message),
  ];
}

export function nodeStatus(s: NodeShape, m: MachineInfo, conditions: NodeCondition[]): NodeStatus {
  const capacity = { cpu: String(m.cpus), memory: ki(m.memoryBytes), pods: String(s.maxPods), 'ephemeral-storage': ki(m.ephemeralStorageBytes) };
  const allocatable = {
    ...capacity,
    memory: ki(Math.max(0, m.memoryBytes - EVICTION_MEMORY_BYTES)),
    'ephemeral-storage': String(Math.floor(m.ephemeralStorageBytes * 0.9)),
  };
  return {
    capacity,
    allocatable,
    conditions,
    addresses: [{ type: 'InternalIP', address: s.internalIP }, { type: 'Hostname', address: s.name }],
    daemonEndpoints: { kubeletEndpoint: { Port: s.kubeletPort } },
    nodeInfo: {
      machineID: m.machineID,
      systemUUID: m.machineID,
      bootID: m.bootID,
      kernelVersion: m.kernelVersion,
      osImage: m.osImage,
      containerRuntimeVersion: s.runtimeVersion,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: process.arch === 'x64' ? 'amd64' : process.arch,
    },
  };
}

export function nodeObject(s: NodeShape, status: NodeStatus): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: s.name, labels: s.labels, annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
    spec: s.podCidr ? { podCIDR: s.podCidr, podCIDRs: [s.podCidr] } : {},
    status,
  } as Node;
}

export const defaultNodeName = (): string => hostname().toLowerCase();
