/**
 * The kubelet-managed /etc/hosts and the pod's hostname (upstream kubelet_pods.go
 * managedHostsFileContent, nodeHostsFileContent, GeneratePodHostNameAndDomain and
 * util.GetNodenameForKernel).
 *
 * Contract: pure functions; invalid hostname/subdomain throw `Error` with upstream's message
 * (the API server normally rejects them first).
 */
import type { HostAlias } from 'kubernetes-types/core/v1.js';
import { isDNS1123Label } from '../../machinery/validation.js';
import type { Pod } from '../types.js';

export const HOSTNAME_MAX_LENGTH = 63;
/** Longest FQDN usable as the kernel hostname (Linux nodename field). */
export const KERNEL_HOSTNAME_MAX_LENGTH = 64;

function truncateHostname(podName: string, hostname: string): string {
  if (hostname.length <= HOSTNAME_MAX_LENGTH) return hostname;
  const truncated = hostname.slice(0, HOSTNAME_MAX_LENGTH).replace(/[-.]+$/, '');
  if (truncated.length === 0) throw new Error(`hostname for pod "${podName}" was invalid: "${hostname}"`);
  return truncated;
}

export interface PodHostname {
  /** The short hostname: spec.hostname or the pod name, at most 63 characters. */
  hostname: string;
  /** `<subdomain>.<namespace>.svc.<clusterDomain>` when spec.subdomain is set. */
  domain?: string;
  /** `<hostname>.<domain>` when spec.subdomain is set. */
  fqdn?: string;
}

/** The pod's hostname and domain (upstream GeneratePodHostNameAndDomain). */
export function podHostname(pod: Pod, clusterDomain: string): PodHostname {
  const podName = pod.metadata?.name ?? '';
  let hostname = podName;
  const specHostname = pod.spec?.hostname;
  if (specHostname) {
    const errs = isDNS1123Label(specHostname);
    if (errs.length) throw new Error(`pod Hostname "${specHostname}" is not a valid DNS label: ${errs.join(';')}`);
    hostname = specHostname;
  }
  hostname = truncateHostname(podName, hostname);
  const subdomain = pod.spec?.subdomain;
  if (!subdomain) return { hostname };
  const errs = isDNS1123Label(subdomain);
  if (errs.length) throw new Error(`pod Subdomain "${subdomain}" is not a valid DNS label: ${errs.join(';')}`);
  const domain = `${subdomain}.${pod.metadata?.namespace ?? ''}.svc.${clusterDomain}`;
  return { hostname, domain, fqdn: `${hostname}.${domain}` };
}

/**
 * The UTS hostname for the pod sandbox (CRI PodSandboxConfig.hostname): empty for hostNetwork
 * pods (they keep the node's), the FQDN when `setHostnameAsFQDN` and a subdomain are set,
 * otherwise the short hostname (upstream GetNodenameForKernel).
 */
export function sandboxHostname(pod: Pod, clusterDomain: string): string {
  if (pod.spec?.hostNetwork) return '';
  const { hostname, fqdn } = podHostname(pod, clusterDomain);
  if (pod.spec?.setHostnameAsFQDN && fqdn !== undefined) {
    if (fqdn.length > KERNEL_HOSTNAME_MAX_LENGTH) {
      throw new Error(
        `failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (${KERNEL_HOSTNAME_MAX_LENGTH} characters is the max, ${fqdn.length} characters requested)`,
      );
    }
    return fqdn;
  }
  return hostname;
}

function hostAliasLines(aliases: readonly HostAlias[] | undefined): string {
  if (!aliases || aliases.length === 0) return '';
  let out = '\n# Entries added by HostAliases.\n';
  for (const a of aliases) out += `${a.ip ?? ''}\t${(a.hostnames ?? []).join('\t')}\n`;
  return out;
}

/**
 * /etc/hosts for a pod on the pod network: header, localhost entries, one line per pod IP with
 * the hostname (FQDN first when the pod has a subdomain), then the pod's hostAliases.
 * Returns undefined for hostNetwork pods (see `hostNetworkHostsFile`).
 */
export function managedHostsFile(pod: Pod, podIPs: readonly string[], clusterDomain: string): string | undefined {
  if (pod.spec?.hostNetwork) return undefined;
  const { hostname, fqdn } = podHostname(pod, clusterDomain);
  let out =
    '# Kubernetes-managed hosts file.\n' +
    '127.0.0.1\tlocalhost\n' +
    '::1\tlocalhost ip6-localhost ip6-loopback\n' +
    'fe00::0\tip6-localnet\n' +
    'fe00::0\tip6-mcastprefix\n' +
    'fe00::1\tip6-allnodes\n' +
    'fe00::2\tip6-allrouters\n';
  for (const ip of podIPs) out += fqdn !== undefined ? `${ip}\t${fqdn}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  return out + hostAliasLines(pod.spec?.hostAliases);
}

/** /etc/hosts for a hostNetwork pod: the node's hosts file (text) under its own header, then hostAliases. */
export function hostNetworkHostsFile(pod: Pod, nodeHosts: string): string {
  return '# Kubernetes-managed hosts file (host network).\n' + nodeHosts + hostAliasLines(pod.spec?.hostAliases);
}
