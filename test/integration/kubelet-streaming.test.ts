/**
 * The kubelet's HTTPS server and the API server's proxies against a real container (needs root,
 * containerd, runc, /usr/lib/cni, busybox): this test starts its own containerd (pod CIDR
 * 10.244.231.0/24, its own bridge), runs a busybox pod through CRI, serves it with the kubelet
 * server over a small fake host, and drives the real kubectl through a real `k8ts server` whose Node
 * object (made by hand) points at that kubelet: logs (tail, timestamps, follow ending when the
 * container stops), attach, exec (with and without stdin, with a TTY), port-forward to busybox httpd in the pod, node
 * proxy to /metrics/resource, pod proxy to httpd and `kubectl top pod`. Everything it made is removed, even on failure.
 *
 * Protocols (seen with kubectl 1.32 -v=8 against containerd 1.6): kubectl first asks for WebSocket
 * (`v5.channel.k8s.io` for exec, `SPDY/3.1+portforward.k8s.io` for port-forward); containerd's stream
 * server answers `403 Forbidden`, relayed unchanged, so kubectl falls back to SPDY/3.1
 * (`v4.channel.k8s.io`, `portforward.k8s.io`), which containerd accepts with 101.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CriClient, type ContainerConfig, type PodSandboxConfig } from '../../src/kubelet/runtime/cri/client.js';
import { startContainerd, type RunningContainerd } from '../../src/kubelet/runtime/containerd.js';
import { teardownContainerd } from '../support/containerd.js';
import { buildOfflineImages, writeOciLayoutTar } from '../../src/kubelet/images/oci.js';
import { startKubeletServer, type KubeletServer, type KubeletServerHost } from '../../src/kubelet/server/server.js';
import { collectResourceMetrics } from '../../src/kubelet/stats/resource.js';
import type { Pod } from '../../src/kubelet/types.js';
import { silentLogger } from '../../src/util/logger.js';
import { TestServer, eventually, tool } from '../support/server.js';

const run = promisify(execFile);
const canRun = process.getuid?.() === 0 && existsSync('/usr/bin/containerd') && existsSync('/usr/sbin/runc') &&
  existsSync('/usr/lib/cni/bridge') && existsSync('/bin/busybox') && existsSync(tool('kubectl'));

const BRIDGE = `k8tD${process.pid % 10000}`;
const POD_CIDR = '10.244.231.0/24';
const BUSYBOX = 'docker.io/library/busybox:latest';
const PAUSE = 'registry.k8s.io/pause:3.10';
const NODE = 'stream-node';
const NS = 'default';
const POD = 'web';
const UID = 'uid-kubelet-streaming';

function httpsGet(port: number, path: string, creds?: { cert: string; key: string }): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, rejectUnauthorized: false, ...(creds ?? {}) }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function httpGet(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('kubelet streaming: logs, exec, port-forward through the API server', { skip: canRun ? false : 'needs root, containerd, runc, CNI plugins, busybox, kubectl' }, () => {
  let dir = '';
  let ctrd: RunningContainerd | undefined;
  let cri: CriClient | undefined;
  let server: TestServer | undefined;
  let kubelet: KubeletServer | undefined;
  const stop = new AbortController();
  const netnsPaths = new Set<string>();
  let sandboxId = '';
  let containerId = '';
  let logPath = '';
  let running = true;
  let pod: Pod;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-kstream-'));
    ctrd = await startContainerd({ dir: join(dir, 'ctrd'), sandboxImage: PAUSE, podCidr: POD_CIDR, bridgeName: BRIDGE });
    cri = new CriClient({ endpoint: ctrd.endpoint });
    const images = buildOfflineImages();
    const tar = join(dir, 'images.tar');
    writeFileSync(tar, writeOciLayoutTar([{ image: images.busybox, refs: [BUSYBOX] }, { image: images.pause, refs: [PAUSE] }]));
    await run('ctr', ['--address', ctrd.paths.socket, '-n', 'k8s.io', 'images', 'import', tar]);

    const logDir = join(dir, 'logs');
    mkdirSync(logDir, { recursive: true });
    const labels = { 'io.kubernetes.pod.name': POD, 'io.kubernetes.pod.namespace': NS, 'io.kubernetes.pod.uid': UID };
    const sandboxConfig: PodSandboxConfig = {
      metadata: { name: POD, uid: UID, namespace: NS, attempt: 0 },
      hostname: POD,
      logDirectory: logDir,
      labels,
      linux: { securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    };
    const containerConfig: ContainerConfig = {
      metadata: { name: 'main', attempt: 0 },
      image: { image: BUSYBOX },
      command: ['/bin/sh', '-c', 'echo one; echo two; echo three; sleep 0.3; echo err >&2; mkdir -p /tmp/www; echo hello-from-pod > /tmp/www/index.html; exec httpd -f -p 8080 -h /tmp/www'],
      labels: { ...labels, 'io.kubernetes.container.name': 'main' },
      logPath: 'main/0.log',
      linux: { securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    };
    sandboxId = await cri.runPodSandbox(sandboxConfig);
    const ps = await cri.podSandboxStatus(sandboxId, true);
    const spec = JSON.parse(ps.info.info ?? '{}') as { runtimeSpec?: { linux?: { namespaces?: { type: string; path?: string }[] } } };
    const net = spec.runtimeSpec?.linux?.namespaces?.find((n) => n.type === 'network')?.path;
    if (net) netnsPaths.add(net);
    containerId = await cri.createContainer(sandboxId, containerConfig, sandboxConfig);
    await cri.startContainer(containerId);
    logPath = join(logDir, 'main/0.log');
    await eventually(() => existsSync(logPath) && readFileSync(logPath, 'utf8').includes('err'), 10_000);

    server = await TestServer.start({ extraArgs: ['--metric-resolution', '1s'] });
    const startedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: POD, namespace: NS, uid: UID },
      spec: { nodeName: NODE, containers: [{ name: 'main', image: 'busybox', ports: [{ containerPort: 8080 }] }] },
      status: {
        phase: 'Running',
        podIP: ps.status?.network?.ip,
        containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox', imageID: '', containerID: `containerd://${containerId}`, state: { running: { startedAt } } }],
      },
    };
    const host: KubeletServerHost = {
      nodeName: NODE,
      pods: () => [pod],
      lookupContainer: (ns, name, container) =>
        ns === NS && name === POD && container === 'main' ? { pod, containerId, logPath, running } : undefined,
      sandboxId: (ns, name) => (ns === NS && name === POD ? sandboxId : undefined),
      cri,
      resourceMetrics: () => collectResourceMetrics(cri!, [pod]),
    };
    const caPem = readFileSync(join(server.dataDir, 'server', 'tls', 'ca.crt'), 'utf8');
    kubelet = await startKubeletServer({ host, bindAddress: '127.0.0.1', port: 0, caPem, log: silentLogger, signal: stop.signal });

    await server.k(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } }));
    await server.k(['patch', 'node', NODE, '--subresource=status', '--type=merge', '-p', JSON.stringify({
      status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } } },
    })]);
    // The API keeps the pod's own uid; the kubelet host above matches by name.
    const { uid: _uid, ...meta } = pod.metadata!;
    void _uid;
    await server.k(['create', '-f', '-'], JSON.stringify({ ...pod, metadata: meta, status: undefined }));
    await server.k(['patch', 'pod', POD, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: pod.status })]);
  });

  after(async () => {
    stop.abort();
    await kubelet?.close();
    await server?.destroy();
    await teardownContainerd({ cri, ctrd, dir, bridge: BRIDGE, netnsPaths });
  });

  it('serves containerLogs to a client certificate of the cluster CA only', async () => {
    const creds = server!.credentials();
    const path = `/containerLogs/${NS}/${POD}/main`;
    assert.equal((await httpsGet(kubelet!.port, path)).code, 401);
    assert.equal((await httpsGet(kubelet!.port, '/healthz')).body, 'ok');
    const all = await httpsGet(kubelet!.port, path, creds);
    assert.equal(all.code, 200);
    assert.equal(all.body, 'one\ntwo\nthree\nerr\n');
    assert.equal((await httpsGet(kubelet!.port, `${path}?tailLines=1`, creds)).body, 'err\n');
    assert.match((await httpsGet(kubelet!.port, `${path}?timestamps=true&tailLines=2`, creds)).body, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d) three\n\S+ err\n$/);
    const pods = JSON.parse((await httpsGet(kubelet!.port, '/pods', creds)).body) as { kind: string; items: Pod[] };
    assert.equal(pods.kind, 'PodList');
    assert.equal(pods.items[0]?.metadata?.name, POD);
    assert.equal((await httpsGet(kubelet!.port, `/containerLogs/${NS}/${POD}/nope`, creds)).code, 404);
  });

  it('kubectl logs goes through the API server (tail, timestamps, container checks)', async () => {
    assert.equal(await server!.k(['logs', POD]), 'one\ntwo\nthree\nerr\n');
    assert.equal(await server!.k(['logs', POD, '--tail=2']), 'three\nerr\n');
    assert.match(await server!.k(['logs', POD, '--tail=1', '--timestamps']), /^\S+ err\n$/);
    const bad = await server!.kubectl(['logs', POD, '-c', 'nope']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /container nope is not valid for pod web/);
    const prev = await server!.kubectl(['logs', POD, '--previous']);
    assert.match(prev.stderr, /previous terminated container "main" in pod "web" not found/);
  });

  it('kubectl exec runs a command, with and without stdin', async () => {
    assert.equal(await server!.k(['exec', POD, '--', 'echo', 'hi']), 'hi\n');
    const r = await server!.kubectl(['exec', '-i', POD, '--', 'cat'], 'piped through stdin\n', 20_000);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'piped through stdin\n');
    const failing = await server!.kubectl(['exec', POD, '--', 'sh', '-c', 'exit 3']);
    assert.equal(failing.code, 3, failing.stderr);
  });

  it('kubectl exec -it gets a terminal in the container', { skip: existsSync('/usr/bin/script') ? false : 'needs script(1) for a pty' }, async () => {
    const cmd = `${tool('kubectl')} --kubeconfig ${server!.kubeconfig} exec -it ${POD} -- sh -c 'tty; echo tty-done'`;
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const p = spawn('script', ['-qec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      p.stderr.on('data', (d) => (out += d));
      const t = setTimeout(() => p.kill('SIGKILL'), 20_000);
      p.on('exit', (code) => {
        clearTimeout(t);
        resolve({ code, out });
      });
    });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /\/dev\/pts\/\d+\r?\n/);
    assert.match(r.out, /tty-done/);
  });

  it('kubectl port-forward reaches httpd in the pod', async () => {
    const pf = spawn(tool('kubectl'), ['--kubeconfig', server!.kubeconfig, 'port-forward', `pod/${POD}`, ':8080'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      pf.stdout.on('data', (d) => (out += d));
      pf.stderr.on('data', (d) => (out += d));
      const port = await eventually(() => Number(/Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(out)?.[1] ?? 0), 15_000);
      assert.equal(await httpGet(port, '/index.html'), 'hello-from-pod\n');
      assert.equal(await httpGet(port, '/index.html'), 'hello-from-pod\n');
    } finally {
      pf.kill('SIGKILL');
    }
  });

  it('node and pod proxies reach the kubelet and the pod, and kubectl top pod shows real usage', async () => {
    const text = await server!.k(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/metrics/resource`]);
    assert.match(text, /container_cpu_usage_seconds_total\{container="main",namespace="default",pod="web"\} \S+ \d+/);
    assert.match(text, /\nnode_memory_working_set_bytes \d+/);
    // pods/proxy: the API server dials the pod IP on this test's bridge.
    assert.equal(await server!.k(['get', '--raw', `/api/v1/namespaces/${NS}/pods/${POD}:8080/proxy/index.html`]), 'hello-from-pod\n');
    const top = await eventually(async () => {
      const r = await server!.kubectl(['top', 'pod', POD, '--no-headers']);
      return r.code === 0 ? r.stdout : '';
    }, 20_000, 500);
    assert.match(top, /^web\s+\d+m\s+\d+Mi/);
  });

  it('kubectl logs -f and kubectl attach follow new output and end when the container stops', async () => {
    const f = spawn(tool('kubectl'), ['--kubeconfig', server!.kubeconfig, 'logs', '-f', '--tail=1', POD], { stdio: ['ignore', 'pipe', 'pipe'] });
    const a = spawn(tool('kubectl'), ['--kubeconfig', server!.kubeconfig, 'attach', POD], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let attached = '';
    f.stdout.on('data', (d) => (out += d));
    f.stderr.on('data', (d) => (out += d));
    a.stdout.on('data', (d) => (attached += d));
    const exited = new Promise<number | null>((r) => f.on('exit', (code) => r(code)));
    const attachExited = new Promise<number | null>((r) => a.on('exit', (code) => r(code)));
    const within = <T>(p: Promise<T>) => Promise.race([p, new Promise<string>((r) => setTimeout(() => r('timeout'), 10_000))]);
    try {
      await eventually(() => out === 'err\n', 10_000);
      // kubectl attach has no output to wait for: give its stream time to be set up.
      await new Promise((r) => setTimeout(r, 1500));
      await server!.k(['exec', POD, '--', 'sh', '-c', 'echo late line > /proc/1/fd/1']);
      await eventually(() => out === 'err\nlate line\n', 10_000);
      await eventually(() => attached.includes('late line\n'), 10_000);
      await cri!.stopContainer(containerId, 0);
      running = false;
      assert.equal(await within(exited), 0, `kubectl logs -f ended: ${out}`);
      assert.notEqual(await within(attachExited), 'timeout', 'kubectl attach ended with the container');
    } finally {
      f.kill('SIGKILL');
      a.kill('SIGKILL');
    }
  });
});
