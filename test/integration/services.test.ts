/**
 * Services end to end on a real node (needs root): real pods on containerd, the node's proxy
 * programming the host's nat table (K8TS- chains only), the node-local cluster DNS on the kube-dns
 * address, real kubectl. Every request is sent from inside a pod (busybox wget, nslookup) or from
 * the host to an address on a bridge the node created; the UDP client and server are the host's
 * node binary mounted read-only into busybox pods (Debian's busybox has no `nc -u`).
 *
 * The same traffic checks then run again with the node restarted in userspace proxy mode.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { TestServer, eventually } from '../support/server.js';
import { REAL_NODE_SKIP, TestNode } from '../support/node.js';
import { serviceDeviceNameFor } from '../../src/proxy/servicedevice.js';
import { RestClient, type ResourceRef } from '../../src/client/rest.js';
import type { KubeObject } from '../../src/api/types.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';

const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
const SLICES: ResourceRef = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true, kind: 'EndpointSlice' };

const NODE = `svc-node-${process.pid % 10000}`;
const OCTET = 100 + ((process.pid + 37) % 100);
const POD_CIDR = `10.88.${OCTET}.0/24`;
const NODE_IP = `10.88.${OCTET}.1`;
/** An external IP inside the cluster CIDR but on no node: routed to the host, never out. */
const EXTERNAL_IP = '10.88.250.10';
/** ServiceLB pool for the userspace phase: inside the cluster CIDR too (bound on the node's service device). */
const LB_POOL = '10.88.249.10-10.88.249.12';

interface PodJson {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  status: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}

function httpGet(url: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

const count = (xs: string[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
};

const nodeMounts = `
    volumeMounts:
    - {name: node, mountPath: /host/node, readOnly: true}
    - {name: lib, mountPath: /lib/x86_64-linux-gnu, readOnly: true}
    - {name: lib64, mountPath: /lib64, readOnly: true}`;
const nodeVolumes = `
  volumes:
  - {name: node, hostPath: {path: ${process.execPath}, type: File}}
  - {name: lib, hostPath: {path: /lib/x86_64-linux-gnu, type: Directory}}
  - {name: lib64, hostPath: {path: /lib64, type: Directory}}`;

const WORKLOADS = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 4
      containers:
      - name: httpd
        image: busybox
        # httpd listens before it daemonizes, so the pod turns ready only once it answers.
        command: ["sh", "-c", "mkdir -p /www; hostname > /www/index.html; httpd -p 8080 -h /www; touch /tmp/ready; exec sleep 3600"]
        ports: [{name: http, containerPort: 8080}]
        readinessProbe: {exec: {command: ["test", "-f", "/tmp/ready"]}, periodSeconds: 1, failureThreshold: 1}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: udp}
spec:
  replicas: 2
  selector: {matchLabels: {app: udp}}
  template:
    metadata: {labels: {app: udp}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: echo
        image: busybox
        command: ["/host/node", "-e", "const d = require('dgram').createSocket('udp4'); d.on('message', (m, r) => d.send('udp ' + require('os').hostname() + ' ' + m, r.port, r.address)); d.bind(9000)"]
${nodeMounts.replace(/\n/g, '\n    ')}
${nodeVolumes.replace(/\n/g, '\n    ')}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: web-np}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web-lb}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 8088, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web-sticky}
spec:
  selector: {app: web}
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 600}}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web-headless}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web-ext}
spec:
  selector: {app: web}
  externalIPs: [${EXTERNAL_IP}]
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: alias}
spec:
  type: ExternalName
  externalName: web.default.svc.cluster.local
---
apiVersion: v1
kind: Service
metadata: {name: udp}
spec:
  selector: {app: udp}
  ports: [{name: echo, port: 9000, protocol: UDP}]
`;

const CLIENT = `
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: ["sleep", "3600"]
${nodeMounts}
${nodeVolumes}
`;

/** An in-cluster API client run by the node binary inside the client pod: lists Services with the pod's token. */
const inClusterList = (host: string) =>
  `const fs = require('fs'); const d = '/var/run/secrets/kubernetes.io/serviceaccount/';
   require('https').get({ host: ${host}, port: process.env.KUBERNETES_SERVICE_PORT, path: '/api/v1/namespaces/default/services', ca: fs.readFileSync(d + 'ca.crt'),
     headers: { authorization: 'Bearer ' + fs.readFileSync(d + 'token', 'utf8') } }, (r) => { let b = ''; r.on('data', (x) => (b += x));
     r.on('end', () => console.log(r.statusCode + ' ' + (r.statusCode === 200 ? JSON.parse(b).items.map((i) => i.metadata.name).join(',') : b))); })
   .on('error', (e) => console.log('ERR ' + e.message));`;

/** UDP client run by the node binary inside the client pod: one datagram per line, prints the replies. */
const udpClient = (host: string, n: number) =>
  `const d = require('dgram').createSocket('udp4'); const out = []; let i = 0;
   const next = () => { if (i === ${n}) { console.log(JSON.stringify(out)); process.exit(0); } const t = setTimeout(() => { out.push('TIMEOUT'); i++; next(); }, 1000);
     d.once('message', (m) => { clearTimeout(t); out.push(String(m)); i++; next(); }); d.send('ping' + i, 9000, ${JSON.stringify(host)}); };
   next();`;

describe('services on a real node', { skip: REAL_NODE_SKIP }, () => {
  let server: TestServer;
  let node: TestNode | undefined;

  const pods = async (selector: string): Promise<PodJson[]> => (JSON.parse(await server.k(['get', 'pods', '-l', selector, '-o', 'json'])) as { items: PodJson[] }).items;
  const ready = (p: PodJson) => p.status.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  const exec = (script: string) => server.k(['exec', 'client', '--', 'sh', '-c', script]);
  /** `n` sequential GETs of `url` from the client pod; each line is the body or FAIL. (Debian busybox 1.35 wget crashes with -T, hence `timeout`.) */
  const wgets = async (url: string, n: number): Promise<string[]> =>
    (await exec(`for i in $(seq ${n}); do timeout 3 wget -qO- ${url} 2>/dev/null || echo FAIL; done`)).trim().split('\n').map((l) => l.trim());
  const uptime = () => Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  /**
   * Requests http://web/ back to back from the client pod for 5 s, stamped with /proc/uptime (the
   * host's clock, 10 ms resolution); `action` runs 1.5 s in. `lastHitMs(name, since)`: how long after
   * `since` (an uptime; default: when the action started) the backend `name` still answered (0: never).
   */
  const trafficAround = async (action: () => Promise<unknown>) => {
    const script = 'end=$(( $(cut -d. -f1 /proc/uptime) + 5 )); while [ $(cut -d. -f1 /proc/uptime) -lt $end ]; do read up _ < /proc/uptime; echo "$up $(timeout 2 wget -qO- http://web/ 2>/dev/null || echo FAIL)"; done';
    const loop = exec(script);
    await new Promise((r) => setTimeout(r, 1500));
    const t = uptime();
    await action();
    const rows = (await loop).trim().split('\n').map((l) => l.trim().split(' ')).map(([up, body]) => ({ up: Number(up), body: body ?? '' }));
    return {
      total: rows.length,
      failed: rows.filter((r) => r.body === 'FAIL').length,
      failures: rows.filter((r) => r.body === 'FAIL').map((r) => Math.round((r.up - t) * 1000)).join(','),
      lastHitMs: (name: string, since = t) => Math.max(0, ...rows.filter((r) => r.up >= since && r.body === name).map((r) => Math.round((r.up - since) * 1000))),
    };
  };
  /** Resolves with the uptime at which web's EndpointSlice first shows `pod`'s endpoint not ready (watched from here). */
  const endpointNotReady = (pod: string, signal: AbortSignal): Promise<number> => {
    const api = new RestClient({ server: server.url, ...server.credentials() });
    return (async () => {
      try {
        for await (const ev of api.watch<KubeObject & EndpointSlice>(SLICES, 'default', { labelSelector: 'kubernetes.io/service-name=web', signal })) {
          const ep = (ev.object as EndpointSlice).endpoints?.find((e) => e.targetRef?.name === pod);
          if (ep && ep.conditions?.ready === false) return uptime();
        }
      } finally {
        api.close();
      }
      throw new Error(`no not-ready endpoint for ${pod} seen`);
    })();
  };
  const svcIP = async (name: string) => (await server.k(['get', 'svc', name, '-o', 'jsonpath={.spec.clusterIP}'])).trim();
  const webPods = async (n: number) =>
    eventually(async () => {
      const ps = (await pods('app=web')).filter((p) => !p.metadata.deletionTimestamp);
      return ps.length === n && ps.every(ready) ? ps : undefined;
    }, 90_000, 250) as Promise<PodJson[]>;

  before(async () => {
    server = await TestServer.start({ extraArgs: ['--cluster-cidr', '10.88.0.0/16'] });
    node = await TestNode.start(server, { name: NODE, podCidr: POD_CIDR });
    await server.k(['apply', '-f', '-'], WORKLOADS);
    await server.k(['apply', '-f', '-'], CLIENT);
    await webPods(3);
    await eventually(async () => (await pods('app=udp')).filter(ready).length === 2 && ready((await pods('')).find((p) => p.metadata.name === 'client')!), 90_000, 250);
  });

  after(async () => {
    await node?.stop();
    await server?.destroy();
    // The proxy's chains and the service device are gone with the node.
    const nat = execFileSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' });
    const filter = execFileSync('iptables-save', ['-t', 'filter'], { encoding: 'utf8' });
    for (const c of ['K8TS-SERVICES', 'K8TS-NODEPORTS', 'K8TS-POSTROUTING', 'K8TS-PORTALS-CONTAINER', 'K8TS-PORTALS-HOST']) assert.ok(!nat.includes(`:${c} `), `${c} removed`);
    assert.ok(!execFileSync('iptables-save', ['-t', 'raw'], { encoding: 'utf8' }).includes(':K8TS-NOTRACK '), 'the DNS NOTRACK chain is removed');
    assert.ok(!/:K8TS-(SVC|SEP|EXT)-/.test(nat), 'no service or endpoint chains left');
    assert.ok(!filter.includes(':K8TS-SERVICES ') && !filter.includes(':K8TS-FORWARD '), 'filter chains removed');
    const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
    assert.ok(!links.includes(`${serviceDeviceNameFor(NODE)}:`), 'the service device is removed');
  });

  /** The traffic checks, run once per proxy mode. */
  const trafficSuite = (mode: string) => {
    it(`[${mode}] spreads requests by service name and by ClusterIP over the three backends`, async () => {
      const names = (await webPods(3)).map((p) => p.metadata.name).sort();
      const ip = await svcIP('web');
      for (const url of ['http://web/', 'http://web.default.svc.cluster.local/', `http://${ip}/`]) {
        const seen = count(await wgets(url, 45));
        assert.deepEqual([...seen.keys()].sort(), names, `${url}: every backend answers and nothing fails (${JSON.stringify([...seen])})`);
        for (const n of names) assert.ok(seen.get(n)! >= 4, `${url}: ${n} gets a share (${seen.get(n)} of 45)`);
      }
      // From the host (the nat OUTPUT path) too.
      const fromHost = new Set<string>();
      for (let i = 0; i < 30; i++) fromHost.add((await httpGet(`http://${ip}/`)).trim());
      assert.deepEqual([...fromHost].sort(), names);
    });

    it(`[${mode}] stops sending to a deleted backend and to a not-ready one within a second; a scaled-up one starts`, async () => {
      const ps = await webPods(3);
      const [a, b] = [ps[0]!.metadata.name, ps[1]!.metadata.name];
      // Both serve before anything happens.
      await eventually(async () => { const r = await wgets('http://web/', 15); return r.includes(a) && r.includes(b); }, 10_000, 0);
      // Deleted straight through the API (kubectl's own start-up would blur the moment): terminating,
      // its httpd still running for the grace period, yet no traffic.
      const api = new RestClient({ server: server.url, ...server.credentials() });
      const del = await trafficAround(() => api.delete(PODS, 'default', b)).finally(() => api.close());
      const deletedMs = del.lastHitMs(b);
      // Not ready: the readiness file goes away; the probe (every second) notices, the kubelet reports it,
      // the EndpointSlice marks the endpoint not ready — from that moment the proxy has a second.
      const stop = new AbortController();
      const marked = endpointNotReady(a, stop.signal);
      marked.catch(() => undefined);
      let nr: Awaited<ReturnType<typeof trafficAround>>;
      let tNotReady: number;
      try {
        nr = await trafficAround(() => server.k(['exec', a, '--', 'rm', '/tmp/ready']));
        tNotReady = await Promise.race([marked, new Promise<number>((_, rej) => setTimeout(() => rej(new Error('endpoint never marked not ready')), 10_000))]);
      } finally {
        stop.abort();
        await server.k(['exec', a, '--', 'touch', '/tmp/ready']);
      }
      const notReadyMs = nr.lastHitMs(a, tNotReady);
      console.log(`# [${mode}] last request served after the deletion: ${deletedMs} ms; after the endpoint was marked not ready: ${notReadyMs} ms (${nr.lastHitMs(a)} ms after the readiness file went, 1 s probe period); requests: ${del.total + nr.total}, failed: ${del.failed + nr.failed}`);
      assert.ok(deletedMs < 1000, `a deleted backend gets no traffic within a second (${deletedMs} ms)`);
      assert.ok(notReadyMs < 1000, `a not-ready backend gets no traffic within a second of being marked so (${notReadyMs} ms)`);
      assert.equal(del.failed + nr.failed, 0, `no request failed meanwhile: ${del.failures} ${nr.failures}`);
      await eventually(async () => (await wgets('http://web/', 15)).includes(a), 10_000, 0);
      // Scale up: the fourth backend answers.
      await webPods(3);
      await server.k(['scale', 'deployment', 'web', '--replicas=4']);
      try {
        const four = await webPods(4);
        const seen = count(await wgets('http://web/', 60));
        assert.deepEqual([...seen.keys()].sort(), four.map((p) => p.metadata.name).sort(), 'all four backends answer');
      } finally {
        await server.k(['scale', 'deployment', 'web', '--replicas=3']);
      }
      await webPods(3);
    });

    it(`[${mode}] forwards UDP over both backends`, async () => {
      const ip = await svcIP('udp');
      const replies = JSON.parse(await server.k(['exec', 'client', '--', '/host/node', '-e', udpClient(ip, 20)])) as string[];
      assert.ok(!replies.includes('TIMEOUT'), `every datagram answered: ${replies.join(', ')}`);
      const backends = new Set(replies.map((r) => r.split(' ')[1]));
      // Each datagram from a new socket would spread; this client reuses one source port, so conntrack (iptables) or
      // the session (userspace) keeps it on one backend. Spreading is shown by fresh clients.
      assert.equal(backends.size, 1, 'one client flow stays on one backend');
      const fresh = new Set<string>();
      for (let i = 0; i < 8 && fresh.size < 2; i++) {
        const r = JSON.parse(await server.k(['exec', 'client', '--', '/host/node', '-e', udpClient('udp', 1)])) as string[];
        fresh.add(r[0]!.split(' ')[1]!);
      }
      assert.equal(fresh.size, 2, 'fresh flows reach both UDP backends (by service name)');
    });

    it(`[${mode}] answers a NodePort on the node address, from the host and from a pod`, async () => {
      const port = (await server.k(['get', 'svc', 'web-np', '-o', 'jsonpath={.spec.ports[0].nodePort}'])).trim();
      assert.match(port, /^3\d{4}$/);
      const names = new Set((await webPods(3)).map((p) => p.metadata.name));
      const body = (await httpGet(`http://${NODE_IP}:${port}/`)).trim();
      assert.ok(names.has(body), `host → ${NODE_IP}:${port} answered by a backend (${body})`);
      const fromPod = await wgets(`http://${NODE_IP}:${port}/`, 5);
      assert.ok(fromPod.every((b) => names.has(b)), `pod → node port: ${fromPod}`);
    });

    it(`[${mode}] keeps a client on one backend with sessionAffinity ClientIP`, async () => {
      const seen = count(await wgets('http://web-sticky/', 30));
      assert.equal(seen.size, 1, `one backend for the client (${JSON.stringify([...seen])})`);
      assert.ok(!seen.has('FAIL'));
    });

    it(`[${mode}] reaches a selectorless Service through user-managed Endpoints, and an external IP`, async () => {
      const target = (await webPods(3))[2]!;
      await server.k(['apply', '-f', '-'], `
apiVersion: v1
kind: Service
metadata: {name: manual-${mode}}
spec:
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: manual-${mode}}
subsets:
- addresses: [{ip: ${target.status.podIP}}]
  ports: [{name: http, port: 8080}]
`);
      const got = (await eventually(async () => {
        const r = await wgets(`http://manual-${mode}/`, 3);
        return r.every((x) => x === target.metadata.name) ? r : undefined;
      }, 10_000, 200)) as string[];
      assert.equal(got.length, 3);
      const ext = await wgets(`http://${EXTERNAL_IP}/`, 6);
      const names = new Set((await webPods(3)).map((p) => p.metadata.name));
      assert.ok(ext.every((b) => names.has(b)), `pod → external IP answered by backends: ${ext}`);
    });
  };

  trafficSuite('iptables');

  it('[iptables] gives a LoadBalancer Service an ingress address that answers', async () => {
    const ingress = await eventually(async () => (await server.k(['get', 'svc', 'web-lb', '-o', 'jsonpath={.status.loadBalancer.ingress[*].ip}'])).trim(), 20_000, 200);
    assert.equal(ingress, NODE_IP, 'the node address (ServiceLB)');
    const names = new Set((await webPods(3)).map((p) => p.metadata.name));
    const body = (await httpGet(`http://${ingress}:8088/`)).trim();
    assert.ok(names.has(body), `host → ${ingress}:8088 answered by a backend (${body})`);
    const fromPod = await wgets(`http://${ingress}:8088/`, 3);
    assert.ok(fromPod.every((b) => names.has(b)), `pod → LB address: ${fromPod}`);
    const out = await server.k(['get', 'svc', 'web-lb']);
    assert.ok(!out.includes('<pending>'), out);
  });

  it('resolves names with the cluster DNS: A, headless, ExternalName CNAME, SRV, PTR, NXDOMAIN', async () => {
    const webIP = await svcIP('web');
    const a = await exec('nslookup web.default.svc.cluster.local');
    assert.match(a, new RegExp(`Address: ${webIP.replace(/\./g, '\\.')}`));
    const podIPs = (await webPods(3)).map((p) => p.status.podIP!).sort();
    const h = await exec('nslookup web-headless.default.svc.cluster.local');
    const got = [...h.matchAll(/Address: (10\.88\.\d+\.\d+)/g)].map((m) => m[1]!).sort();
    assert.deepEqual(got, podIPs, 'the headless name answers every ready pod IP');
    const c = await exec('nslookup -type=cname alias.default.svc.cluster.local');
    assert.match(c, /canonical name = web\.default\.svc\.cluster\.local/);
    const srv = await exec('nslookup -type=srv _http._tcp.web.default.svc.cluster.local');
    assert.match(srv, /0 100 80 web\.default\.svc\.cluster\.local/);
    const ptr = await exec(`nslookup ${webIP}`);
    assert.match(ptr, /name = web\.default\.svc\.cluster\.local/);
    const nx = await server.kubectl(['exec', 'client', '--', 'nslookup', 'nope.default.svc.cluster.local']);
    assert.match(nx.stdout + nx.stderr, /NXDOMAIN/);
    // kube-dns's `metrics` port: the node-local DNS's Prometheus metrics, under CoreDNS's names.
    const metrics = await exec('wget -qO- http://10.43.0.10:9153/metrics');
    assert.match(metrics, /^coredns_dns_requests_total\{[^}]*proto="udp"[^}]*type="A"\} [1-9]/m);
    assert.match(metrics, /^coredns_dns_responses_total\{[^}]*rcode="NXDOMAIN"\} [1-9]/m);
    // The pod's resolver is the kube-dns Service address, reached through the node's rules.
    const resolv = await exec('cat /etc/resolv.conf');
    assert.match(resolv, /nameserver 10\.43\.0\.10/);
    assert.match(resolv, /search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/);
  });

  it('lets a pod reach the API server through the kubernetes Service with the token the ServiceAccount admission mounted', async () => {
    const vols = await server.k(['get', 'pod', 'client', '-o', 'jsonpath={.spec.serviceAccountName} {.spec.volumes[*].name}']);
    assert.match(vols, /^default .*kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}/);
    const byIP = await server.k(['exec', 'client', '--', '/host/node', '-e', inClusterList('process.env.KUBERNETES_SERVICE_HOST')]);
    assert.match(byIP.trim(), /^200 .*\bweb\b/, 'https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT verified against the cluster CA');
    const byName = await server.k(['exec', 'client', '--', '/host/node', '-e', inClusterList("'kubernetes.default.svc'")]);
    assert.match(byName.trim(), /^200 .*\bkubernetes\b/, 'https://kubernetes.default.svc');
    const ep = await server.k(['get', 'endpoints', 'kubernetes', '-o', 'jsonpath={.subsets[0].addresses[0].ip}:{.subsets[0].ports[0].port}']);
    assert.equal(ep, '10.43.0.1:443', 'the node-local relays on the Service address (the API server listens on loopback)');
  });

  it('gives pods environment variables for services created before them', async () => {
    const env = await exec('env');
    const webIP = await svcIP('web');
    assert.match(env, new RegExp(`^WEB_SERVICE_HOST=${webIP.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(env, /^WEB_SERVICE_PORT=80$/m);
    assert.match(env, /^WEB_SERVICE_PORT_HTTP=80$/m);
    assert.match(env, new RegExp(`^WEB_PORT=tcp://${webIP.replace(/\./g, '\\.')}:80$`, 'm'));
    assert.match(env, /^KUBERNETES_SERVICE_HOST=10\.43\.0\.1$/m);
  });

  it('reports sync durations and per-service connection counts on the proxy /metrics', async () => {
    const webConnections = async () => {
      const m = await httpGet('http://127.0.0.1:10249/metrics');
      return [...m.matchAll(/^k8ts_proxy_endpoint_connections_total\{service_port="default\/web:http",protocol="TCP",endpoint="[^"]+"\} (\d+)/gm)].reduce((a, x) => a + Number(x[1]), 0);
    };
    const m = await httpGet('http://127.0.0.1:10249/metrics');
    assert.match(m, /^kubeproxy_sync_proxy_rules_duration_seconds_count [1-9]/m);
    assert.match(m, /^kubeproxy_sync_partial_proxy_rules_duration_seconds_count [1-9]/m, 'partial syncs happen');
    assert.match(m, /^kubeproxy_sync_proxy_rules_last_timestamp_seconds \d/m);
    const before = await webConnections();
    assert.ok(before > 0, `connections to default/web:http counted (${before})`);
    await new Promise((r) => setTimeout(r, 5200)); // the counters are read at most every 5 s
    assert.equal(await webConnections(), before, 'no traffic, no change');
    assert.ok(!(await wgets('http://web/', 20)).includes('FAIL'));
    await new Promise((r) => setTimeout(r, 5200));
    assert.equal(await webConnections(), before + 20, 'each request is one new connection to an endpoint');
    const health = await httpGet('http://127.0.0.1:10249/healthz');
    assert.match(health, /"lastUpdated"/);
  });

  describe('userspace mode', () => {
    before(async () => {
      await node!.stop();
      node = undefined;
      // The old node's containers are gone: start from fresh pods rather than stale statuses.
      await server.k(['delete', 'pods', '--all', '--grace-period=0', '--force', '--wait=false']);
      // The server comes back with a ServiceLB address pool: LoadBalancer Services move to pool addresses.
      await server.restart(['--cluster-cidr', '10.88.0.0/16', '--servicelb-address-pool', LB_POOL]);
      node = await TestNode.start(server, { name: NODE, podCidr: POD_CIDR, extraArgs: ['--proxy-mode', 'userspace'] });
      await server.k(['apply', '-f', '-'], CLIENT);
      await webPods(3);
      await eventually(async () => (await pods('app=udp')).filter(ready).length === 2 && ready((await pods('')).find((p) => p.metadata.name === 'client')!), 90_000, 250);
      await eventually(() => execFileSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' }).includes(':K8TS-PORTALS-CONTAINER '), 10_000, 100);
      const nat = execFileSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' });
      assert.ok(!/:K8TS-SVC-/.test(nat), 'no iptables-mode service chains');
    });
    trafficSuite('userspace');

    it('[userspace] serves a LoadBalancer Service on its ServiceLB pool address, bound on the node', async () => {
      const ingress = await eventually(async () => {
        const ip = (await server.k(['get', 'svc', 'web-lb', '-o', 'jsonpath={.status.loadBalancer.ingress[*].ip}'])).trim();
        return /^10\.88\.249\.1[0-2]$/.test(ip) ? ip : undefined;
      }, 20_000, 200);
      await eventually(() => execFileSync('ip', ['-o', '-4', 'addr', 'show', 'dev', serviceDeviceNameFor(NODE)], { encoding: 'utf8' }).includes(` ${ingress}/32 `), 10_000, 100);
      const names = new Set((await webPods(3)).map((p) => p.metadata.name));
      const body = (await httpGet(`http://${ingress}:8088/`)).trim();
      assert.ok(names.has(body), `host → ${ingress}:8088 answered by a backend (${body})`);
      const fromPod = await wgets(`http://${ingress}:8088/`, 3);
      assert.ok(fromPod.every((b) => names.has(b)), `pod → pool address: ${fromPod}`);
    });
  });
});
