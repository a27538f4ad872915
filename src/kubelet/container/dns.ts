/**
 * A pod's DNS settings (upstream pkg/kubelet/network/dns): what the CRI PodSandboxConfig.dnsConfig
 * carries and containerd renders as the sandbox's resolv.conf.
 *
 * Contracts:
 * - dnsPolicy `ClusterFirst` (the default) uses the cluster DNS servers, searches
 *   `<ns>.svc.<domain> svc.<domain> <domain>` followed by the host's searches, and `ndots:5`;
 *   without cluster DNS servers it falls back to `Default` (with a `MissingClusterDNS` warning).
 *   A hostNetwork pod with `ClusterFirst` uses `Default`; `ClusterFirstWithHostNet` always uses
 *   the cluster DNS. `Default` is the host's resolv.conf. `None` starts empty.
 * - `spec.dnsConfig` is then merged: nameservers and searches appended without duplicates,
 *   options merged by name (the pod's value wins).
 * - Limits as upstream: at most 3 nameservers; at most 32 search domains, none longer than 253
 *   characters, the search line at most 2048 characters (trailing domains dropped); each cut
 *   emits a `DNSConfigForming` warning.
 * - Order is deterministic: first occurrence order everywhere.
 */
import type { Pod, PodEventSink } from '../types.js';
import { ipFamilyOf } from '../../machinery/validation.js';

export const MAX_DNS_NAMESERVERS = 3;
export const MAX_DNS_SEARCH_PATHS = 32;
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;
const MAX_SEARCH_DOMAIN_LENGTH = 253;

export interface DnsConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

export interface PodDnsOptions {
  /** The kubelet's --cluster-dns addresses. */
  clusterDNS: string[];
  /** The kubelet's --cluster-domain (e.g. `cluster.local`); empty disables cluster searches. */
  clusterDomain: string;
  /**
   * Text of the host's resolv.conf (--resolv-conf). `null` is `--resolv-conf=""`: `Default` pods
   * then get localhost nameservers and the search `.`.
   */
  hostResolvConf: string | null;
  /** Node IPs, for the localhost nameserver family when hostResolvConf is null. */
  nodeIPs?: string[];
  /** Receives the DNSConfigForming and MissingClusterDNS warnings. */
  events?: PodEventSink;
}

/** Parses resolv.conf text: nameservers accumulate; the last `search` line wins; options merge by name. */
export function parseResolvConf(text: string): DnsConfig {
  const servers: string[] = [];
  let searches: string[] = [];
  let options: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#')) continue;
    const fields = trimmed.split(/\s+/).filter((f) => f !== '');
    if (fields.length === 0) continue;
    if (fields[0] === 'nameserver' && fields.length >= 2) servers.push(fields[1]!);
    if (fields[0] === 'search') searches = fields.slice(1).filter((s) => s !== '.').map((s) => s.replace(/\.$/, ''));
    if (fields[0] === 'options') options = appendOptions(options, fields.slice(1));
  }
  return { servers, searches, options };
}

function optionName(op: string): string {
  const i = op.indexOf(':');
  return i < 0 ? op : op.slice(0, i);
}

/** Adds options, a later option replacing an earlier one of the same name in place. */
function appendOptions(options: string[], more: string[]): string[] {
  const byName = new Map<string, string>();
  for (const op of [...options, ...more]) byName.set(optionName(op), op);
  return [...byName.values()];
}

function omitDuplicates(list: readonly string[]): string[] {
  return [...new Set(list)];
}

function mergeOptions(existing: readonly string[], pod: readonly { name?: string; value?: string }[]): string[] {
  const byName = new Map<string, string>();
  for (const op of existing) {
    const i = op.indexOf(':');
    if (i < 0) byName.set(op, '');
    else byName.set(op.slice(0, i), op.slice(i + 1));
  }
  for (const op of pod) byName.set(op.name ?? '', op.value ?? '');
  return [...byName].map(([name, value]) => (value !== '' ? `${name}:${value}` : name));
}

function fitNameservers(servers: string[], pod: Pod, events?: PodEventSink): string[] {
  if (servers.length <= MAX_DNS_NAMESERVERS) return servers;
  const kept = servers.slice(0, MAX_DNS_NAMESERVERS);
  events?.(
    pod,
    'Warning',
    'DNSConfigForming',
    `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${kept.join(' ')}`,
  );
  return kept;
}

function fitSearches(searches: string[], pod: Pod, events?: PodEventSink): string[] {
  let exceeded = false;
  let out = searches;
  if (out.length > MAX_DNS_SEARCH_PATHS) {
    out = out.slice(0, MAX_DNS_SEARCH_PATHS);
    exceeded = true;
  }
  const short = out.filter((s) => s.length <= MAX_SEARCH_DOMAIN_LENGTH);
  if (short.length !== out.length) exceeded = true;
  out = short;
  let lineLen = out.join(' ').length;
  if (lineLen > MAX_DNS_SEARCH_LIST_CHARS) {
    while (out.length > 0 && lineLen > MAX_DNS_SEARCH_LIST_CHARS) {
      lineLen -= out[out.length - 1]!.length + 1;
      out = out.slice(0, -1);
    }
    exceeded = true;
  }
  if (exceeded) {
    events?.(
      pod,
      'Warning',
      'DNSConfigForming',
      `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${out.join(' ')}`,
    );
  }
  return out;
}

type DnsType = 'cluster' | 'host' | 'none';

function podDnsType(pod: Pod): DnsType {
  switch (pod.spec?.dnsPolicy) {
    case 'None':
      return 'none';
    case 'ClusterFirstWithHostNet':
      return 'cluster';
    case 'Default':
      return 'host';
    case 'ClusterFirst':
    case undefined:
    case '':
      return pod.spec?.hostNetwork ? 'host' : 'cluster';
    default:
      // The API server rejects other values; upstream falls back to ClusterFirst.
      return 'cluster';
  }
}

function podFullName(pod: Pod): string {
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})`;
}

/**
 * The pod's DNS configuration (upstream Configurer.GetPodDNS), or undefined when it is empty
 * (no servers, searches or options): the runtime then copies the host's resolv.conf.
 */
export function podDnsConfig(pod: Pod, opts: PodDnsOptions): DnsConfig | undefined {
  const host = opts.hostResolvConf === null ? { servers: [], searches: [], options: [] } : parseResolvConf(opts.hostResolvConf);
  let cfg: DnsConfig = host;
  let type = podDnsType(pod);
  if (type === 'none') {
    cfg = { servers: [], searches: [], options: [] };
  } else if (type === 'cluster') {
    if (opts.clusterDNS.length > 0) {
      const domain = opts.clusterDomain;
      const searches = domain
        ? omitDuplicates([`${pod.metadata?.namespace ?? ''}.svc.${domain}`, `svc.${domain}`, domain, ...host.searches])
        : host.searches;
      cfg = { servers: [...opts.clusterDNS], searches, options: ['ndots:5'] };
    } else {
      const msg = `kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`;
      opts.events?.(pod, 'Warning', 'MissingClusterDNS', `pod: "${podFullName(pod)}". ${msg}`);
      type = 'host';
    }
  }
  if (type === 'host' && opts.hostResolvConf === null) {
    const servers = (opts.nodeIPs ?? []).map((ip) => (ipFamilyOf(ip) === 6 ? '::1' : '127.0.0.1'));
    cfg = { servers: servers.length ? servers : ['127.0.0.1'], searches: ['.'], options: host.options };
  }
  const extra = pod.spec?.dnsConfig;
  if (extra) {
    cfg = {
      servers: omitDuplicates([...cfg.servers, ...(extra.nameservers ?? [])]),
      searches: omitDuplicates([...cfg.searches, ...(extra.searches ?? [])]),
      options: mergeOptions(cfg.options, extra.options ?? []),
    };
  }
  cfg = {
    servers: fitNameservers(cfg.servers, pod, opts.events),
    searches: fitSearches(cfg.searches, pod, opts.events),
    options: cfg.options,
  };
  if (cfg.servers.length === 0 && cfg.searches.length === 0 && cfg.options.length === 0) return undefined;
  return cfg;
}

/** resolv.conf text as containerd writes it from a CRI DNSConfig (search, nameserver lines, options). */
export function renderResolvConf(cfg: DnsConfig): string {
  let out = '';
  if (cfg.searches.length) out += `search ${cfg.searches.join(' ')}\n`;
  for (const s of cfg.servers) out += `nameserver ${s}\n`;
  if (cfg.options.length) out += `options ${cfg.options.join(' ')}\n`;
  return out;
}
