/**
 * The kubelet's PodEnvironment: volumes (volumes/), environment and service links, DNS and
 * /etc/hosts (container/), image pull secrets and HTTP lifecycle hooks, bound to one node.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { Container, HTTPGetAction } from 'kubernetes-types/core/v1.js';
import { isNotFound, type RestClient } from '../client/rest.js';
import type { SharedInformer } from '../client/informer.js';
import type { AuthConfig, DNSConfig, Mount } from './runtime/cri/client.js';
import { CONFIGMAPS, SECRETS, type ConfigMap, type Pod, type PodEventSink, type Secret, type Service } from './types.js';
import type { PodEnvironment } from './kuberuntime/manager.js';
import { makeEnvironment, expandCommand } from './container/env.js';
import { serviceEnvironment } from './container/serviceenv.js';
import { podDnsConfig } from './container/dns.js';
import { managedHostsFile } from './container/hosts.js';
import { VolumeManager, type PodVolumes } from './volumes/index.js';
import { normalizeReference } from './images/oci.js';

export interface PodEnvConfig {
  client: RestClient;
  nodeName: string;
  nodeIP: string;
  podsDir: string;
  clusterDNS: string[];
  clusterDomain: string;
  /** Text of the host resolv.conf used for `Default` pods. */
  hostResolvConf: string;
  nodeAllocatable?: Record<string, string>;
  services: () => SharedInformer<Service> | undefined;
  volumes: VolumeManager;
  events: PodEventSink;
}

async function getOrUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try { return await p; } catch (e) { if (isNotFound(e)) return undefined; throw e; }
}

/** Registry host of an image reference as `.dockerconfigjson` keys name it. */
function registryOf(image: string): string {
  const host = normalizeReference(image).split('/')[0]!;
  return host;
}

export function makePodEnvironment(c: PodEnvConfig): PodEnvironment {
  const lookups = {
    configMap: (ns: string, name: string) => getOrUndefined(c.client.get<ConfigMap>(CONFIGMAPS, ns, name)),
    secret: (ns: string, name: string) => getOrUndefined(c.client.get<Secret>(SECRETS, ns, name)),
  };
  return {
    prepare: (pod: Pod) => c.volumes.setUpPod(pod),
    async env(pod: Pod, ctr: Container, podIP: string | undefined) {
      const services = c.services()?.lister.list() ?? [];
      const serviceEnv = serviceEnvironment(services, pod.metadata?.namespace ?? 'default', pod.spec?.enableServiceLinks ?? true);
      return makeEnvironment(pod, ctr, {
        nodeName: c.nodeName,
        hostIP: c.nodeIP,
        podIPs: podIP ? [podIP] : [],
        serviceEnv,
        ...(c.nodeAllocatable ? { nodeAllocatable: c.nodeAllocatable } : {}),
        events: c.events,
      }, lookups);
    },
    command: (ctr: Container, env: Map<string, string>) => expandCommand(ctr, env),
    mounts: (pod: Pod, ctr: Container, prepared: unknown, env: Map<string, string>): Mount[] => c.volumes.containerMounts(pod, ctr, prepared as PodVolumes, env),
    dnsConfig(pod: Pod): DNSConfig | undefined {
      return podDnsConfig(pod, { clusterDNS: c.clusterDNS, clusterDomain: c.clusterDomain, hostResolvConf: c.hostResolvConf, nodeIPs: [c.nodeIP], events: c.events });
    },
    hostsFile(pod: Pod, podIP: string | undefined): string | undefined {
      const text = managedHostsFile(pod, podIP ? [podIP] : [], c.clusterDomain);
      if (text === undefined) return undefined;
      const dir = join(c.podsDir, pod.metadata!.uid!);
      mkdirSync(dir, { recursive: true });
      const p = join(dir, 'etc-hosts');
      writeFileSync(p, text);
      return p;
    },
    async pullAuth(pod: Pod, image: string): Promise<AuthConfig[]> {
      const out: AuthConfig[] = [];
      const host = registryOf(image);
      for (const ref of pod.spec?.imagePullSecrets ?? []) {
        if (!ref.name) continue;
        const s = await lookups.secret(pod.metadata?.namespace ?? 'default', ref.name).catch(() => undefined);
        const raw = s?.data?.['.dockerconfigjson'] ?? s?.data?.['.dockercfg'];
        if (!raw) continue;
        try {
          const parsed = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as { auths?: Record<string, { username?: string; password?: string; auth?: string }> } & Record<string, { username?: string; password?: string; auth?: string }>;
          const auths = parsed.auths ?? parsed;
          for (const [k, v] of Object.entries(auths)) {
            const kh = k.replace(/^https?:\/\//, '').split('/')[0]!;
            const match = kh === host || (host === 'docker.io' && (kh === 'index.docker.io' || kh === 'registry-1.docker.io'));
            if (!match) continue;
            let { username, password } = v;
            if ((!username || !password) && v.auth) [username, password] = Buffer.from(v.auth, 'base64').toString('utf8').split(/:(.*)/s) as [string, string];
            out.push({ username: username ?? '', password: password ?? '', serverAddress: k });
          }
        } catch { /* malformed secret: ignored as upstream */ }
      }
      return out;
    },
    httpHook(pod: Pod, podIP: string | undefined, h: HTTPGetAction, timeoutMs: number): Promise<void> {
      const host = h.host || podIP || c.nodeIP;
      const ctr = [...(pod.spec?.containers ?? [])].find((x) => (x.ports ?? []).some((p) => p.name === h.port));
      const port = typeof h.port === 'number' ? h.port : Number.isInteger(Number(h.port)) ? Number(h.port) : ctr?.ports?.find((p) => p.name === h.port)?.containerPort ?? 0;
      const req = (h.scheme === 'HTTPS' ? httpsRequest : request);
      return new Promise<void>((resolve, reject) => {
        const r = req({ host, port, path: h.path || '/', method: 'GET', timeout: timeoutMs, rejectUnauthorized: false, headers: Object.fromEntries((h.httpHeaders ?? []).map((x) => [x.name, x.value])) }, (res) => {
          res.resume();
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 400) resolve();
          else reject(new Error(`HTTP lifecycle hook (${h.path ?? '/'}) for Container in Pod "${pod.metadata?.name}" failed - error: received status code ${code}`));
        });
        r.on('timeout', () => r.destroy(new Error('timeout')));
        r.on('error', (e) => reject(new Error(`HTTP lifecycle hook (${h.path ?? '/'}) for Container in Pod "${pod.metadata?.name}" failed - error: ${e.message}`)));
        r.end();
      });
    },
  };
}

export function readHostResolvConf(): string {
  try { return readFileSync('/etc/resolv.conf', 'utf8'); } catch { return ''; }
}
