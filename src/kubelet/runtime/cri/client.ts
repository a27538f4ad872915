// Typed CRI v1 client (runtime.v1 RuntimeService + ImageService) over gRPC on a unix socket.
//
// Contract:
// - Every call carries a deadline (per-call `timeoutMs`, else the client default) and optionally an
//   AbortSignal; an aborted signal cancels the RPC.
// - Failures reject with CriError, which carries the gRPC status code (numeric and name), the RPC
//   name and the runtime's message. NOT_FOUND is easy to test with `isNotFound`.
// - Messages use proto-loader's shape: camelCase field names, int64 as JS numbers, enums as their
//   string names, absent scalars filled with defaults, absent sub-messages are null/undefined.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

// ---------- message types (subset mirrored in api.proto) ----------

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
export type MountPropagation = 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
export type ProfileType = 'RuntimeDefault' | 'Unconfined' | 'Localhost';
type Labels = Record<string, string>;

export interface VersionResponse { version: string; runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }
export interface RuntimeCondition { type: string; status: boolean; reason: string; message: string }
export interface StatusResponse { status: { conditions: RuntimeCondition[] } | null; info: Labels }

export interface DNSConfig { servers?: string[]; searches?: string[]; options?: string[] }
export interface PortMapping { protocol?: Protocol; containerPort?: number; hostPort?: number; hostIp?: string }
export interface Mount { containerPath: string; hostPath: string; readonly?: boolean; selinuxRelabel?: boolean; propagation?: MountPropagation }
export interface NamespaceOption { network?: NamespaceMode; pid?: NamespaceMode; ipc?: NamespaceMode; targetId?: string }
export interface Int64Value { value: number }
export interface SecurityProfile { profileType?: ProfileType; localhostRef?: string }
export interface LinuxSandboxSecurityContext {
  namespaceOptions?: NamespaceOption; runAsUser?: Int64Value; runAsGroup?: Int64Value; readonlyRootfs?: boolean;
  supplementalGroups?: number[]; privileged?: boolean; seccomp?: SecurityProfile; apparmor?: SecurityProfile;
}
export interface LinuxContainerResources {
  cpuPeriod?: number; cpuQuota?: number; cpuShares?: number; memoryLimitInBytes?: number; oomScoreAdj?: number;
  cpusetCpus?: string; cpusetMems?: string; unified?: Labels; memorySwapLimitInBytes?: number;
}
export interface LinuxPodSandboxConfig {
  cgroupParent?: string; securityContext?: LinuxSandboxSecurityContext; sysctls?: Labels;
  overhead?: LinuxContainerResources; resources?: LinuxContainerResources;
}
export interface PodSandboxMetadata { name: string; uid: string; namespace: string; attempt?: number }
export interface PodSandboxConfig {
  metadata: PodSandboxMetadata; hostname?: string; logDirectory?: string; dnsConfig?: DNSConfig;
  portMappings?: PortMapping[]; labels?: Labels; annotations?: Labels; linux?: LinuxPodSandboxConfig;
}
export interface ImageSpec { image: string; annotations?: Labels; userSpecifiedImage?: string; runtimeHandler?: string }
export interface KeyValue { key: string; value: string }

export interface PodSandboxNetworkStatus { ip: string; additionalIps: { ip: string }[] }
export interface PodSandboxStatus {
  id: string; metadata: PodSandboxMetadata | null; state: PodSandboxState; createdAt: number;
  network: PodSandboxNetworkStatus | null; linux: { namespaces: { options: NamespaceOption | null } | null } | null;
  labels: Labels; annotations: Labels; runtimeHandler: string;
}
export interface PodSandboxStatusResponse { status: PodSandboxStatus | null; info: Labels; containersStatuses: ContainerStatus[]; timestamp: number }
export interface PodSandboxFilter { id?: string; state?: { state: PodSandboxState }; labelSelector?: Labels }
export interface PodSandbox {
  id: string; metadata: PodSandboxMetadata | null; state: PodSandboxState; createdAt: number;
  labels: Labels; annotations: Labels; runtimeHandler: string;
}

export interface Capability { addCapabilities?: string[]; dropCapabilities?: string[]; addAmbientCapabilities?: string[] }
export interface LinuxContainerSecurityContext {
  capabilities?: Capability; privileged?: boolean; namespaceOptions?: NamespaceOption; runAsUser?: Int64Value;
  runAsUsername?: string; readonlyRootfs?: boolean; supplementalGroups?: number[]; noNewPrivs?: boolean;
  runAsGroup?: Int64Value; maskedPaths?: string[]; readonlyPaths?: string[]; seccomp?: SecurityProfile; apparmor?: SecurityProfile;
}
export interface ContainerMetadata { name: string; attempt?: number }
export interface Device { containerPath: string; hostPath: string; permissions: string }
export interface ContainerConfig {
  metadata: ContainerMetadata; image: ImageSpec; command?: string[]; args?: string[]; workingDir?: string;
  envs?: KeyValue[]; mounts?: Mount[]; devices?: Device[]; labels?: Labels; annotations?: Labels; logPath?: string;
  stdin?: boolean; stdinOnce?: boolean; tty?: boolean;
  linux?: { resources?: LinuxContainerResources; securityContext?: LinuxContainerSecurityContext };
}
export interface ContainerFilter { id?: string; state?: { state: ContainerState }; podSandboxId?: string; labelSelector?: Labels }
export interface Container {
  id: string; podSandboxId: string; metadata: ContainerMetadata | null; image: ImageSpec | null; imageRef: string;
  state: ContainerState; createdAt: number; labels: Labels; annotations: Labels; imageId: string;
}
export interface ContainerStatus {
  id: string; metadata: ContainerMetadata | null; state: ContainerState; createdAt: number; startedAt: number;
  finishedAt: number; exitCode: number; image: ImageSpec | null; imageRef: string; reason: string; message: string;
  labels: Labels; annotations: Labels; mounts: Mount[]; logPath: string;
  resources: { linux: LinuxContainerResources | null } | null; imageId: string;
}
export interface ContainerStatusResponse { status: ContainerStatus | null; info: Labels }
export interface ExecSyncResponse { stdout: Buffer; stderr: Buffer; exitCode: number }

export interface Image {
  id: string; repoTags: string[]; repoDigests: string[]; size: number; uid: Int64Value | null; username: string;
  spec: ImageSpec | null; pinned: boolean;
}
export interface AuthConfig { username?: string; password?: string; auth?: string; serverAddress?: string; identityToken?: string; registryToken?: string }
export interface FilesystemUsage {
  timestamp: number; fsId: { mountpoint: string } | null; usedBytes: { value: number } | null; inodesUsed: { value: number } | null;
}
export interface ImageFsInfoResponse { imageFilesystems: FilesystemUsage[]; containerFilesystems: FilesystemUsage[] }

export interface ExecRequest { containerId: string; cmd: string[]; tty?: boolean; stdin?: boolean; stdout?: boolean; stderr?: boolean }
export interface AttachRequest { containerId: string; tty?: boolean; stdin?: boolean; stdout?: boolean; stderr?: boolean }
export interface UInt64Value { value: number }
export interface CpuUsage { timestamp: number; usageCoreNanoSeconds: UInt64Value | null; usageNanoCores: UInt64Value | null }
export interface MemoryUsage {
  timestamp: number; workingSetBytes: UInt64Value | null; availableBytes: UInt64Value | null; usageBytes: UInt64Value | null;
  rssBytes: UInt64Value | null; pageFaults: UInt64Value | null; majorPageFaults: UInt64Value | null;
}
export interface ContainerAttributes { id: string; metadata: ContainerMetadata | null; labels: Labels; annotations: Labels }
export interface ContainerStats { attributes: ContainerAttributes | null; cpu: CpuUsage | null; memory: MemoryUsage | null; writableLayer: FilesystemUsage | null }
export interface ContainerStatsFilter { id?: string; podSandboxId?: string; labelSelector?: Labels }

// ---------- errors ----------

/** A failed CRI call; `code` is the gRPC status code (grpc.status). */
export class CriError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly method: string;
  readonly details: string;
  constructor(method: string, code: number, details: string) {
    const codeName = grpc.status[code] ?? `CODE_${code}`;
    super(`CRI ${method}: ${codeName}: ${details}`);
    this.name = 'CriError';
    this.code = code;
    this.codeName = codeName;
    this.method = method;
    this.details = details;
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof CriError && e.code === grpc.status.NOT_FOUND;

// ---------- loading the .proto ----------

/**
 * Finds api.proto: next to this module (dist/ after `npm run build`, which runs copy-assets),
 * else in the source tree (dist/src/kubelet/runtime/cri → src/kubelet/runtime/cri).
 */
export function findProtoPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'api.proto'), resolve(here, '../../../../../src/kubelet/runtime/cri/api.proto')];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`CRI api.proto not found (looked in ${candidates.join(', ')})`);
}

export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

export interface CriCallOptions { timeoutMs?: number; signal?: AbortSignal }
export interface CriClientOptions {
  /** `unix:///path/to/containerd.sock` or a plain absolute path. */
  endpoint: string;
  /** Default deadline per call (30 s); PullImage defaults to 10 min; override per call with `timeoutMs`. */
  defaultTimeoutMs?: number;
  protoPath?: string;
}

type Unary = (req: unknown, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => grpc.ClientUnaryCall;

export class CriClient {
  readonly endpoint: string;
  private readonly runtime: grpc.Client;
  private readonly image: grpc.Client;
  private readonly defaultTimeoutMs: number;

  constructor(opts: CriClientOptions) {
    this.endpoint = opts.endpoint.startsWith('unix:') ? opts.endpoint : `unix://${opts.endpoint}`;
    this.defaultTimeoutMs = opts.defaultTimeoutMs ?? 30_000;
    const def = protoLoader.loadSync(opts.protoPath ?? findProtoPath(), LOADER_OPTIONS);
    const pkg = grpc.loadPackageDefinition(def) as unknown as {
      runtime: { v1: { RuntimeService: grpc.ServiceClientConstructor; ImageService: grpc.ServiceClientConstructor } };
    };
    const creds = grpc.credentials.createInsecure();
    // Messages such as ListContainers on a busy node exceed the 4 MiB default.
    const chOpts = { 'grpc.max_receive_message_length': 16 * 1024 * 1024 };
    this.runtime = new pkg.runtime.v1.RuntimeService(this.endpoint, creds, chOpts);
    // Share one channel between both services.
    this.image = new pkg.runtime.v1.ImageService(this.endpoint, creds, { ...chOpts, channelOverride: this.runtime.getChannel() });
  }

  close(): void {
    this.image.close();
    this.runtime.close();
  }

  private call<Res>(svc: grpc.Client, method: string, req: object, o?: CriCallOptions): Promise<Res> {
    const fn = (svc as unknown as Record<string, Unary>)[method];
    if (typeof fn !== 'function') return Promise.reject(new Error(`CRI: no method ${method}`));
    const deadline = new Date(Date.now() + (o?.timeoutMs ?? this.defaultTimeoutMs));
    return new Promise<Res>((resolvePromise, reject) => {
      if (o?.signal?.aborted) {
        reject(new CriError(method, grpc.status.CANCELLED, 'aborted before start'));
        return;
      }
      const onAbort = (): void => call.cancel();
      const call = fn.call(svc, req, new grpc.Metadata(), { deadline }, (err, res) => {
        o?.signal?.removeEventListener('abort', onAbort);
        if (err) reject(new CriError(method, err.code ?? grpc.status.UNKNOWN, err.details || err.message));
        else resolvePromise(res as Res);
      });
      o?.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  // ----- RuntimeService -----
  version(o?: CriCallOptions): Promise<VersionResponse> {
    return this.call(this.runtime, 'Version', { version: 'v1' }, o);
  }
  status(verbose = false, o?: CriCallOptions): Promise<StatusResponse> {
    return this.call(this.runtime, 'Status', { verbose }, o);
  }
  async runPodSandbox(config: PodSandboxConfig, runtimeHandler = '', o?: CriCallOptions): Promise<string> {
    const r = await this.call<{ podSandboxId: string }>(this.runtime, 'RunPodSandbox', { config, runtimeHandler }, o);
    return r.podSandboxId;
  }
  async stopPodSandbox(podSandboxId: string, o?: CriCallOptions): Promise<void> {
    await this.call(this.runtime, 'StopPodSandbox', { podSandboxId }, o);
  }
  async removePodSandbox(podSandboxId: string, o?: CriCallOptions): Promise<void> {
    await this.call(this.runtime, 'RemovePodSandbox', { podSandboxId }, o);
  }
  podSandboxStatus(podSandboxId: string, verbose = false, o?: CriCallOptions): Promise<PodSandboxStatusResponse> {
    return this.call(this.runtime, 'PodSandboxStatus', { podSandboxId, verbose }, o);
  }
  async listPodSandbox(filter?: PodSandboxFilter, o?: CriCallOptions): Promise<PodSandbox[]> {
    const r = await this.call<{ items: PodSandbox[] }>(this.runtime, 'ListPodSandbox', filter ? { filter } : {}, o);
    return r.items;
  }
  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig, o?: CriCallOptions): Promise<string> {
    const r = await this.call<{ containerId: string }>(this.runtime, 'CreateContainer', { podSandboxId, config, sandboxConfig }, o);
    return r.containerId;
  }
  async startContainer(containerId: string, o?: CriCallOptions): Promise<void> {
    await this.call(this.runtime, 'StartContainer', { containerId }, o);
  }
  /** `timeoutSeconds` is the grace period before the runtime kills the container. */
  async stopContainer(containerId: string, timeoutSeconds: number, o?: CriCallOptions): Promise<void> {
    await this.call(this.runtime, 'StopContainer', { containerId, timeout: timeoutSeconds }, o);
  }
  async removeContainer(containerId: string, o?: CriCallOptions): Promise<void> {
    await this.call(this.runtime, 'RemoveContainer', { containerId }, o);
  }
  async listContainers(filter?: ContainerFilter, o?: CriCallOptions): Promise<Container[]> {
    const r = await this.call<{ containers: Container[] }>(this.runtime, 'ListContainers', filter ? { filter } : {}, o);
    return r.containers;
  }
  containerStatus(containerId: string, verbose = false, o?: CriCallOptions): Promise<ContainerStatusResponse> {
    return this.call(this.runtime, 'ContainerStatus', { containerId, verbose }, o);
  }
  /** Runs `cmd` in the container; `timeoutSeconds` 0 = no runtime timeout (the gRPC deadline still applies). */
  execSync(containerId: string, cmd: string[], timeoutSeconds = 0, o?: CriCallOptions): Promise<ExecSyncResponse> {
    return this.call(this.runtime, 'ExecSync', { containerId, cmd, timeout: timeoutSeconds }, o);
  }

  /** Prepares a streaming exec; resolves to the runtime's stream-server URL for this one session. */
  async exec(req: ExecRequest, o?: CriCallOptions): Promise<string> {
    const r = await this.call<{ url: string }>(this.runtime, 'Exec', req, o);
    return r.url;
  }
  /** Prepares a streaming attach; resolves to the runtime's stream-server URL. */
  async attach(req: AttachRequest, o?: CriCallOptions): Promise<string> {
    const r = await this.call<{ url: string }>(this.runtime, 'Attach', req, o);
    return r.url;
  }
  /** Prepares a port-forward into the sandbox's network namespace; resolves to the stream-server URL. */
  async portForward(podSandboxId: string, ports: number[] = [], o?: CriCallOptions): Promise<string> {
    const r = await this.call<{ url: string }>(this.runtime, 'PortForward', { podSandboxId, port: ports }, o);
    return r.url;
  }
  async reopenContainerLog(containerId: string, o?: CriCallOptions): Promise<void> {
    await this.call(this.runtime, 'ReopenContainerLog', { containerId }, o);
  }
  async containerStats(containerId: string, o?: CriCallOptions): Promise<ContainerStats | null> {
    const r = await this.call<{ stats: ContainerStats | null }>(this.runtime, 'ContainerStats', { containerId }, o);
    return r.stats ?? null;
  }
  async listContainerStats(filter?: ContainerStatsFilter, o?: CriCallOptions): Promise<ContainerStats[]> {
    const r = await this.call<{ stats: ContainerStats[] }>(this.runtime, 'ListContainerStats', filter ? { filter } : {}, o);
    return r.stats;
  }

  // ----- ImageService -----
  async listImages(filter?: { image: ImageSpec }, o?: CriCallOptions): Promise<Image[]> {
    const r = await this.call<{ images: Image[] }>(this.image, 'ListImages', filter ? { filter } : {}, o);
    return r.images;
  }
  /** Resolves to null when the image is not present. */
  async imageStatus(image: ImageSpec, verbose = false, o?: CriCallOptions): Promise<Image | null> {
    const r = await this.call<{ image: Image | null }>(this.image, 'ImageStatus', { image, verbose }, o);
    return r.image ?? null;
  }
  async pullImage(image: ImageSpec, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig, o?: CriCallOptions): Promise<string> {
    const r = await this.call<{ imageRef: string }>(this.image, 'PullImage', { image, auth, sandboxConfig }, { timeoutMs: 10 * 60_000, ...o });
    return r.imageRef;
  }
  async removeImage(image: ImageSpec, o?: CriCallOptions): Promise<void> {
    await this.call(this.image, 'RemoveImage', { image }, o);
  }
  imageFsInfo(o?: CriCallOptions): Promise<ImageFsInfoResponse> {
    return this.call(this.image, 'ImageFsInfo', {}, o);
  }
}
