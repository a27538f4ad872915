/**
 * Pod volumes, as upstream's kubelet volume plugins but in-process. Layout per pod:
 * `<podsDir>/<podUid>/volumes/kubernetes.io~<plugin>/<volumeName>` for emptyDir, configMap, secret,
 * downwardAPI and projected; hostPath and PVC-bound hostPath/local PVs are used in place.
 * secret and projected volumes (and emptyDir medium Memory) are tmpfs mounts, as upstream.
 *
 * Contracts: calls for the same pod run one at a time (setUpPod / tearDownPod are serialized per uid);
 * setUpPod re-reads ConfigMaps, Secrets and tokens on every call, so callers run it per pod sync, not
 * in a tight loop; tearDownPod never descends into a mount it could not unmount.
 */
import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Container, PersistentVolume, PersistentVolumeClaim, Volume, VolumeProjection } from 'kubernetes-types/core/v1.js';
import { isNotFound, type RestClient } from '../../client/rest.js';
import type { KubeObject } from '../../api/types.js';
import { parseQuantity } from '../../machinery/quantity.js';
import type { Logger } from '../../util/logger.js';
import type { Mount, MountPropagation } from '../runtime/cri/client.js';
import { mountsUnder, unmountUnder } from '../runtime/containerd.js';
import { CONFIGMAPS, NODES, PVCS, PVS, SECRETS, type ConfigMap, type Node, type Pod, type Secret } from '../types.js';
import { writePayload, type Payload } from './atomicwriter.js';
import { VolumeError, errorText } from './errors.js';
import { setVolumeOwnership } from './fsgroup.js';
import { checkHostPathType } from './hostpath.js';
import { DEFAULT_MODE, configMapPayload, downwardAPIPayload, needsAllocatable, secretPayload } from './payload.js';
import { expandSubPathExpr, resolveSubPath, validateSubPath } from './subpath.js';
import { ensureTmpfs } from './tmpfs.js';
import { ServiceAccountTokens } from './tokens.js';

export interface VolumeHostDeps {
  /** e.g. <data-dir>/agent/pods */
  podsDir: string;
  /** Reads ConfigMaps, Secrets, PVCs, PVs and the Node; TokenRequest for projected tokens. */
  client: RestClient;
  nodeName: string;
  log: Logger;
  /** Clock for token renewal (ms since the epoch). */
  now?: () => number;
  /** secret and projected volumes on tmpfs as upstream (default true; needs root). */
  memoryBackedSecrets?: boolean;
}

export interface PodVolume {
  hostPath: string;
  readOnly: boolean;
}
export interface PodVolumes {
  /** volume name → host path */
  paths: Map<string, PodVolume>;
}

export const PLUGIN_DIRS = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
} as const;
type DirPlugin = keyof typeof PLUGIN_DIRS;

const EMPTY_DIR_PERM = 0o777;

export class VolumeManager {
  private readonly tokens: ServiceAccountTokens;
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Volumes whose one-time set-up (emptyDir, hostPath, PVC) is done, per pod uid. */
  private readonly settled = new Map<string, Map<string, PodVolume>>();

  constructor(private readonly deps: VolumeHostDeps) {
    this.tokens = new ServiceAccountTokens(deps.client, deps.now ?? Date.now);
  }

  podDir(podUid: string): string {
    return join(this.deps.podsDir, podUid);
  }

  volumeDir(podUid: string, plugin: DirPlugin, name: string): string {
    return join(this.podDir(podUid), 'volumes', PLUGIN_DIRS[plugin], name);
  }

  /**
   * Idempotent: creates or refreshes every volume of the pod; configMap, secret, downwardAPI and
   * projected contents are re-written atomically when they changed. Every volume is attempted; on
   * failure throws the first VolumeError (`.all` lists every failed volume).
   */
  setUpPod(pod: Pod): Promise<PodVolumes> {
    const uid = pod.metadata?.uid;
    if (!uid) return Promise.reject(new Error('pod has no metadata.uid'));
    return this.serialize(uid, () => this.setUp(pod, uid));
  }

  /** Unmounts tmpfs volumes and removes the pod dir (never follows into hostPath volumes). */
  tearDownPod(podUid: string): Promise<void> {
    return this.serialize(podUid, async () => {
      const dir = this.podDir(podUid);
      await unmountUnder(dir);
      const left = mountsUnder(dir);
      if (left.length > 0) throw new Error(`pod ${podUid}: cannot remove ${dir}, still mounted: ${left.join(', ')}`);
      await rm(dir, { recursive: true, force: true });
      this.settled.delete(podUid);
      this.tokens.forgetPod(podUid);
    });
  }

  /** Pod dirs on disk (uids), so the kubelet can clean orphans after a restart. */
  podUidsOnDisk(): string[] {
    try {
      return readdirSync(this.deps.podsDir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      return [];
    }
  }

  /**
   * CRI mounts for one container from its volumeMounts: readOnly (mount's or volume's), subPath and
   * subPathExpr (`$(VAR)` from `env`; created if missing; must resolve inside the volume),
   * mountPropagation (Bidirectional only for privileged containers). Throws VolumeError.
   */
  containerMounts(pod: Pod, container: Container, vols: PodVolumes, env: Map<string, string>): Mount[] {
    void pod;
    const out: Mount[] = [];
    for (const m of container.volumeMounts ?? []) {
      const fail = (msg: string): never => {
        throw new VolumeError(m.name, msg);
      };
      const v = vols.paths.get(m.name);
      if (!v) fail(`cannot find volume "${m.name}" to mount into container "${container.name}"`);
      let hostPath = v!.hostPath;
      let sub = m.subPath ?? '';
      if (m.subPathExpr) {
        try {
          sub = expandSubPathExpr(m.subPathExpr, env);
        } catch (e) {
          fail(errorText(e));
        }
      }
      if (sub) {
        try {
          validateSubPath(sub);
          hostPath = resolveSubPath(v!.hostPath, sub);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code) fail(`failed to create subPath directory for volumeMount "${m.name}" of container "${container.name}"`);
          fail(errorText(e));
        }
      }
      let propagation: MountPropagation = 'PROPAGATION_PRIVATE';
      if (m.mountPropagation === 'HostToContainer') propagation = 'PROPAGATION_HOST_TO_CONTAINER';
      else if (m.mountPropagation === 'Bidirectional') {
        if (!container.securityContext?.privileged) fail('Bidirectional mount propagation is available only to privileged containers');
        propagation = 'PROPAGATION_BIDIRECTIONAL';
      } else if (m.mountPropagation && m.mountPropagation !== 'None') fail(`invalid MountPropagation mode: ${m.mountPropagation}`);
      out.push({ containerPath: m.mountPath, hostPath, readonly: !!m.readOnly || v!.readOnly, propagation });
    }
    return out;
  }

  private serialize<T>(uid: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(uid) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(uid, tail);
    void tail.then(() => {
      if (this.queues.get(uid) === tail) this.queues.delete(uid);
    });
    return run;
  }

  private async setUp(pod: Pod, uid: string): Promise<PodVolumes> {
    await mkdir(join(this.podDir(uid), 'volumes'), { recursive: true, mode: 0o750 });
    const settled = this.settled.get(uid) ?? new Map<string, PodVolume>();
    this.settled.set(uid, settled);
    const paths = new Map<string, PodVolume>();
    const errors: VolumeError[] = [];
    await Promise.all(
      (pod.spec?.volumes ?? []).map(async (vol) => {
        try {
          const done = settled.get(vol.name);
          const v = done ?? (await this.setUpVolume(pod, uid, vol));
          paths.set(vol.name, v);
          if (!done && (vol.emptyDir || vol.hostPath || vol.persistentVolumeClaim || vol.ephemeral)) settled.set(vol.name, v);
        } catch (e) {
          errors.push(e instanceof VolumeError ? e : new VolumeError(vol.name, errorText(e)));
        }
      }),
    );
    if (errors.length > 0) {
      const order = (pod.spec?.volumes ?? []).map((v) => v.name);
      errors.sort((a, b) => order.indexOf(a.volume) - order.indexOf(b.volume));
      errors[0]!.all = errors;
      this.deps.log.warn({ namespace: pod.metadata?.namespace, name: pod.metadata?.name, errors: errors.map((e) => e.eventMessage) }, 'volume set-up failed');
      throw errors[0];
    }
    return { paths };
  }

  private async setUpVolume(pod: Pod, uid: string, vol: Volume): Promise<PodVolume> {
    if (vol.emptyDir) {
      const dir = this.volumeDir(uid, 'emptyDir', vol.name);
      const memory = vol.emptyDir.medium === 'Memory';
      const size = memory && vol.emptyDir.sizeLimit !== undefined ? parseQuantity(vol.emptyDir.sizeLimit).value() : undefined;
      const created = await this.wrapperDir(dir, memory, size);
      if (created) await this.applyFsGroup(pod, dir, false);
      return { hostPath: dir, readOnly: false };
    }
    if (vol.hostPath) {
      await checkHostPathType(vol.hostPath.path, vol.hostPath.type);
      return { hostPath: vol.hostPath.path, readOnly: false };
    }
    if (vol.configMap) {
      const src = vol.configMap;
      const cm = await this.getConfigMap(pod, src.name ?? '', !!src.optional);
      const payload = configMapPayload(cm, src.items, src.defaultMode ?? DEFAULT_MODE, !!src.optional);
      return this.projectInto(pod, uid, 'configMap', vol.name, payload, false);
    }
    if (vol.secret) {
      const src = vol.secret;
      const secret = await this.getSecret(pod, src.secretName ?? '', !!src.optional);
      const payload = secretPayload(secret, src.items, src.defaultMode ?? DEFAULT_MODE, !!src.optional);
      return this.projectInto(pod, uid, 'secret', vol.name, payload, this.deps.memoryBackedSecrets !== false);
    }
    if (vol.downwardAPI) {
      const items = vol.downwardAPI.items;
      const alloc = needsAllocatable(pod, items) ? await this.allocatable() : undefined;
      const payload = downwardAPIPayload(pod, items, vol.downwardAPI.defaultMode ?? DEFAULT_MODE, alloc);
      return this.projectInto(pod, uid, 'downwardAPI', vol.name, payload, false);
    }
    if (vol.projected) {
      const payload = await this.projectedPayload(pod, vol.projected.sources ?? [], vol.projected.defaultMode ?? DEFAULT_MODE);
      return this.projectInto(pod, uid, 'projected', vol.name, payload, this.deps.memoryBackedSecrets !== false);
    }
    if (vol.persistentVolumeClaim) {
      return this.claimVolume(pod, vol.persistentVolumeClaim.claimName, !!vol.persistentVolumeClaim.readOnly, false);
    }
    if (vol.ephemeral) {
      return this.claimVolume(pod, `${pod.metadata?.name ?? ''}-${vol.name}`, false, true);
    }
    throw new Error('no volume plugin matched');
  }

  /** Creates the emptyDir-like directory (tmpfs-backed when `memory`); true when newly made. */
  private async wrapperDir(dir: string, memory: boolean, sizeBytes?: number): Promise<boolean> {
    let created = false;
    try {
      await stat(dir);
    } catch {
      await mkdir(dir, { recursive: true });
      created = true;
    }
    if (memory) await ensureTmpfs(dir, sizeBytes);
    const st = await stat(dir);
    if ((st.mode & 0o777) !== EMPTY_DIR_PERM) await chmod(dir, (st.mode & 0o7000) | EMPTY_DIR_PERM);
    return created;
  }

  private async projectInto(pod: Pod, uid: string, plugin: DirPlugin, name: string, payload: Payload, memory: boolean): Promise<PodVolume> {
    const dir = this.volumeDir(uid, plugin, name);
    const created = await this.wrapperDir(dir, memory);
    const changed = await writePayload(dir, payload, new Date(this.deps.now?.() ?? Date.now()));
    if (changed || created) await this.applyFsGroup(pod, dir, true);
    if (changed) this.deps.log.debug({ namespace: pod.metadata?.namespace, name: pod.metadata?.name, volume: name }, 'volume contents written');
    return { hostPath: dir, readOnly: true };
  }

  private async applyFsGroup(pod: Pod, dir: string, readOnly: boolean): Promise<void> {
    const sc = pod.spec?.securityContext;
    if (sc?.fsGroup === undefined || sc.fsGroup === null) return;
    await setVolumeOwnership(dir, sc.fsGroup, readOnly, sc.fsGroupChangePolicy);
  }

  private async getConfigMap(pod: Pod, name: string, optional: boolean): Promise<ConfigMap | undefined> {
    try {
      return await this.deps.client.get<ConfigMap>(CONFIGMAPS, pod.metadata?.namespace, name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      if (optional) return undefined;
      throw new Error(`configmap "${name}" not found`);
    }
  }

  private async getSecret(pod: Pod, name: string, optional: boolean): Promise<Secret | undefined> {
    try {
      return await this.deps.client.get<Secret>(SECRETS, pod.metadata?.namespace, name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      if (optional) return undefined;
      throw new Error(`secret "${name}" not found`);
    }
  }

  private async allocatable(): Promise<Record<string, string> | undefined> {
    const node = await this.deps.client.get<Node>(NODES, undefined, this.deps.nodeName);
    return node.status?.allocatable;
  }

  private async projectedPayload(pod: Pod, sources: VolumeProjection[], defaultMode: number): Promise<Payload> {
    const out: Payload = new Map();
    const merge = (p: Payload): void => {
      for (const [k, v] of p) out.set(k, v);
    };
    for (const s of sources) {
      if (s.configMap) {
        const optional = !!s.configMap.optional;
        merge(configMapPayload(await this.getConfigMap(pod, s.configMap.name ?? '', optional), s.configMap.items, defaultMode, optional));
      } else if (s.secret) {
        const optional = !!s.secret.optional;
        merge(secretPayload(await this.getSecret(pod, s.secret.name ?? '', optional), s.secret.items, defaultMode, optional));
      } else if (s.downwardAPI) {
        const alloc = needsAllocatable(pod, s.downwardAPI.items) ? await this.allocatable() : undefined;
        merge(downwardAPIPayload(pod, s.downwardAPI.items, defaultMode, alloc));
      } else if (s.serviceAccountToken) {
        const tp = s.serviceAccountToken;
        const fsGroup = pod.spec?.securityContext?.fsGroup;
        const token = await this.tokens.get({
          namespace: pod.metadata?.namespace ?? 'default',
          serviceAccount: pod.spec?.serviceAccountName || pod.spec?.serviceAccount || 'default',
          audience: tp.audience,
          expirationSeconds: tp.expirationSeconds,
          podName: pod.metadata?.name ?? '',
          podUid: pod.metadata?.uid ?? '',
        });
        out.set(tp.path, { data: Buffer.from(token, 'utf8'), mode: fsGroup !== undefined && fsGroup !== null ? 0o600 : defaultMode });
      } else {
        throw new Error('unsupported projected volume source');
      }
    }
    return out;
  }

  /** A PVC's bound PV as a host path: hostPath (type-checked) or local.path. */
  private async claimVolume(pod: Pod, claimName: string, readOnly: boolean, ephemeral: boolean): Promise<PodVolume> {
    const ns = pod.metadata?.namespace ?? 'default';
    let pvc: PersistentVolumeClaim;
    try {
      pvc = await this.deps.client.get<PersistentVolumeClaim & KubeObject>(PVCS, ns, claimName);
    } catch (e) {
      if (isNotFound(e)) throw new Error(`persistentvolumeclaim "${claimName}" not found`);
      throw new Error(`failed to fetch PVC from API server: ${errorText(e)}`);
    }
    if (ephemeral) {
      const owner = pvc.metadata?.ownerReferences?.find((o) => o.controller);
      if (!owner || owner.uid !== pod.metadata?.uid) {
        throw new Error(`PVC ${ns}/${claimName} was not created for pod ${ns}/${pod.metadata?.name ?? ''} (pod is not owner)`);
      }
    }
    if (pvc.metadata?.deletionTimestamp) throw new Error(`can't start pod because PVC ${ns}/${claimName} is being deleted`);
    const phase = pvc.status?.phase ?? '';
    const pvName = pvc.spec?.volumeName ?? '';
    if (phase !== 'Bound' || !pvName) throw new Error(`PVC ${ns}/${claimName} has non-bound phase ("${phase}") or empty pvc.Spec.VolumeName ("${pvName}")`);
    let pv: PersistentVolume;
    try {
      pv = await this.deps.client.get<PersistentVolume & KubeObject>(PVS, undefined, pvName);
    } catch (e) {
      throw new Error(`failed to fetch PV ${pvName} from API server: ${errorText(e)}`);
    }
    const ref = pv.spec?.claimRef;
    if (!ref) throw new Error(`found PV object ${pvName} but it has a nil pv.Spec.ClaimRef indicating it is not yet bound to the claim`);
    if (ref.uid !== pvc.metadata?.uid) {
      throw new Error(`found PV object ${pvName} but its pv.Spec.ClaimRef.UID (${ref.uid ?? ''}) does not point to claim.UID (${pvc.metadata?.uid ?? ''})`);
    }
    if (pv.spec?.hostPath) {
      await checkHostPathType(pv.spec.hostPath.path, pv.spec.hostPath.type);
      return { hostPath: pv.spec.hostPath.path, readOnly };
    }
    if (pv.spec?.local) {
      const p = pv.spec.local.path;
      try {
        await stat(p);
      } catch {
        throw new Error(`path "${p}" does not exist`);
      }
      return { hostPath: p, readOnly };
    }
    throw new Error(`no volume plugin matched for PV ${pvName} (only hostPath and local PVs are supported)`);
  }
}

