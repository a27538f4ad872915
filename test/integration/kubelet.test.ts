/**
 * The kubelet on containerd, end to end (needs root): a real `k8ts agent` with its own containerd
 * and offline images joined to a k8ts server; real kubectl. Pods get their own IPs on the node's
 * bridge and answer from the host; containers share the pod's network and volumes; crashes,
 * failing liveness probes and killed processes are restarted with back-off; readiness gates the
 * Ready condition and the endpoints; deleted pods are replaced.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { get } from 'node:http';
import { TestServer, eventually, tool } from '../support/server.js';
import { REAL_NODE_SKIP, TestNode } from '../support/node.js';
import { bridgeNameFor } from '../../src/kubelet/network.js';
import { nodeChains } from '../../src/kubelet/hostport/rules.js';

const NODE = `it-node-${process.pid % 10000}`;
const OCTET = 100 + (process.pid % 100);
const POD_CIDR = `10.88.${OCTET}.0/24`;

interface PodJson {
  metadata: { name: string; uid: string; labels?: Record<string, string> };
  status: {
    phase?: string; podIP?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: { name: string; ready: boolean; restartCount: number; state: Record<string, { reason?: string; message?: string; exitCode?: number }>; lastState?: Record<string, { exitCode?: number; reason?: string }> }[];
  };
}

function httpGet(url: string, timeoutMs = 2000): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

const inCidr = (ip: string): boolean => ip.startsWith(`10.88.${OCTET}.`);
/** `eventually` for a value: resolves with the first defined result. */
const until = <T>(fn: () => Promise<T | undefined>, timeoutMs: number, stepMs = 200): Promise<T> => eventually(fn, timeoutMs, stepMs) as Promise<T>;

describe('kubelet on containerd', { skip: REAL_NODE_SKIP }, () => {
  let server: TestServer;
  let node: TestNode | undefined;

  const pod = async (name: string): Promise<PodJson> => JSON.parse(await server.k(['get', 'pod', name, '-o', 'json'])) as PodJson;
  const pods = async (selector: string): Promise<PodJson[]> => (JSON.parse(await server.k(['get', 'pods', '-l', selector, '-o', 'json'])) as { items: PodJson[] }).items;
  const cond = (p: PodJson, t: string): string | undefined => p.status.conditions?.find((c) => c.type === t)?.status;

  before(async () => {
    server = await TestServer.start({ extraArgs: ['--cluster-cidr', '10.88.0.0/16', '--metric-resolution', '2s', '--horizontal-pod-autoscaler-sync-period', '2s'] });
    const t0 = Date.now();
    node = await TestNode.start(server, { name: NODE, podCidr: POD_CIDR, staticPods: true });
    console.log(`# node Ready ${Date.now() - t0} ms after the agent started`);
  });

  after(async () => {
    await node?.stop();
    await server?.destroy();
    // Nothing of the node is left: bridge, cgroups.
    const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
    assert.ok(!links.includes(`${bridgeNameFor(NODE)}:`), 'the node bridge is removed');
    for (const h of readdirSync('/sys/fs/cgroup')) assert.ok(!existsSync(`/sys/fs/cgroup/${h}/k8ts/${NODE}`), `cgroup ${h}/k8ts/${NODE} removed`);
    assert.ok(!execFileSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' }).includes(nodeChains(NODE).hostports), 'the node\'s hostport chains are removed');
  });

  it('registers the node with real capacity, node info and a pod CIDR', async () => {
    const n = JSON.parse(await server.k(['get', 'node', NODE, '-o', 'json'])) as { spec: { podCIDR: string }; status: { capacity: Record<string, string>; allocatable: Record<string, string>; nodeInfo: Record<string, string>; addresses: { type: string; address: string }[]; conditions: { type: string; status: string }[] } };
    assert.equal(n.spec.podCIDR, POD_CIDR);
    const cpus = readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length;
    assert.equal(n.status.capacity.cpu, String(cpus));
    assert.match(n.status.capacity.memory!, /^\d+Ki$/);
    assert.match(n.status.capacity['ephemeral-storage']!, /^\d+Ki$/);
    assert.equal(n.status.capacity.pods, '110');
    assert.match(n.status.nodeInfo.containerRuntimeVersion!, /^containerd:\/\/1\./);
    assert.equal(n.status.nodeInfo.kernelVersion, execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
    assert.deepEqual(n.status.addresses.find((a) => a.type === 'InternalIP')?.address, `10.88.${OCTET}.1`);
    assert.deepEqual(n.status.conditions.map((c) => `${c.type}=${c.status}`).sort(), ['DiskPressure=False', 'MemoryPressure=False', 'PIDPressure=False', 'Ready=True']);
    const lease = await server.k(['get', 'lease', '-n', 'kube-node-lease', NODE, '-o', 'jsonpath={.spec.holderIdentity}']);
    assert.equal(lease, NODE);
  });

  it('runs a Deployment of 3 busybox httpd replicas, each with its own IP answering from the host', async () => {
    const t0 = Date.now();
    await server.k(['create', 'deployment', 'web', '--image=busybox', '--replicas=3', '--', 'sh', '-c', 'echo "hello from $(hostname)" > /tmp/index.html; exec httpd -f -p 8080 -h /tmp']);
    const running = await until(async () => {
      const ps = await pods('app=web');
      return ps.length === 3 && ps.every((p) => p.status.phase === 'Running' && cond(p, 'Ready') === 'True') ? ps : undefined;
    }, 60_000, 200);
    console.log(`# 3 replicas Running and Ready ${Date.now() - t0} ms after kubectl create`);
    const ips = running.map((p) => p.status.podIP!);
    assert.equal(new Set(ips).size, 3, `distinct pod IPs ${ips}`);
    for (const p of running) {
      assert.ok(inCidr(p.status.podIP!), `${p.status.podIP} in ${POD_CIDR}`);
      const r = await httpGet(`http://${p.status.podIP}:8080/index.html`);
      assert.equal(r.code, 200);
      assert.equal(r.body.trim(), `hello from ${p.metadata.name}`, 'hostname is the pod name');
    }
  });

  it('replaces a deleted pod (the ReplicaSet) and the old one goes after its grace period', async () => {
    const before = await pods('app=web');
    const victim = before[0]!.metadata.name;
    await server.k(['delete', 'pod', victim, '--grace-period=1']);
    const after = await until(async () => {
      const ps = await pods('app=web');
      return ps.length === 3 && !ps.some((p) => p.metadata.name === victim) && ps.every((p) => p.status.phase === 'Running') ? ps : undefined;
    }, 60_000, 200);
    assert.equal(after.length, 3);
  });

  it('shares network and an emptyDir between two containers; init containers run first', async () => {
    await server.k(['apply', '-f', '-'], `
apiVersion: v1
kind: Pod
metadata: {name: duo}
spec:
  terminationGracePeriodSeconds: 1
  initContainers:
  - {name: init, image: busybox, command: ["sh", "-c", "echo initialized > /data/init"], volumeMounts: [{name: shared, mountPath: /data}]}
  containers:
  - name: server
    image: busybox
    command: ["sh", "-c", "echo served-over-localhost > /data/index.html; exec httpd -f -p 80 -h /data"]
    volumeMounts: [{name: shared, mountPath: /data}]
  - name: client
    image: busybox
    command: ["sh", "-c", "until wget -qO /data/got http://localhost/index.html; do sleep 0.2; done; exec sleep 3600"]
    volumeMounts: [{name: shared, mountPath: /data}]
    readinessProbe:
      exec: {command: ["sh", "-c", "grep -q served-over-localhost /data/got && grep -q initialized /data/init"]}
      periodSeconds: 1
  volumes: [{name: shared, emptyDir: {}}]
`);
    const p = await until(async () => { const x = await pod('duo'); return cond(x, 'Ready') === 'True' ? x : undefined; }, 60_000, 200);
    assert.equal(p.status.containerStatuses?.length, 2);
    const r = await httpGet(`http://${p.status.podIP}/got`);
    assert.equal(r.body.trim(), 'served-over-localhost');
  });

  it('restarts a crashing container with growing back-off and counts restarts', async () => {
    await server.k(['run', 'crash', '--image=busybox', '--restart=Always', '--', 'sh', '-c', 'echo crashing; exit 3']);
    const seen: string[] = [];
    const p = await until(async () => {
      const x = await pod('crash');
      const cs = x.status.containerStatuses?.[0];
      const msg = cs?.state.waiting?.message;
      if (cs?.state.waiting?.reason === 'CrashLoopBackOff' && msg && !seen.includes(msg)) seen.push(msg);
      return (cs?.restartCount ?? 0) >= 2 && seen.some((m) => m.startsWith('back-off 20s')) ? x : undefined;
    }, 90_000, 250);
    const cs = p.status.containerStatuses![0]!;
    assert.equal((await server.k(['logs', 'crash', '--previous'])).trim(), 'crashing');
    assert.equal(cs.lastState?.terminated?.exitCode, 3);
    assert.equal(cs.lastState?.terminated?.reason, 'Error');
    assert.ok(seen.some((m) => /^back-off 10s restarting failed container=crash pod=crash_default\(/.test(m)), seen.join(' | '));
    assert.ok(seen.some((m) => m.startsWith('back-off 20s')), seen.join(' | '));
    const events = await server.k(['get', 'events', '--field-selector', 'involvedObject.name=crash', '-o', 'jsonpath={range .items[*]}{.reason}{"\\n"}{end}']);
    assert.match(events, /BackOff/);
    await server.k(['delete', 'pod', 'crash', '--grace-period=0', '--force']);
  });

  it('restarts a container whose liveness probe fails', async () => {
    await server.k(['apply', '-f', '-'], `
apiVersion: v1
kind: Pod
metadata: {name: live}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "touch /tmp/healthy; sleep 3; rm /tmp/healthy; exec sleep 3600"]
    livenessProbe: {exec: {command: ["cat", "/tmp/healthy"]}, periodSeconds: 1, failureThreshold: 2}
`);
    await eventually(async () => ((await pod('live')).status.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 60_000, 250);
    const events = await server.k(['get', 'events', '--field-selector', 'involvedObject.name=live', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
    assert.match(events, /Unhealthy: Liveness probe failed/);
    assert.match(events, /Killing: Container c failed liveness probe, will be restarted/);
  });

  it('gates Ready (and the endpoints) on the readiness probe', async () => {
    await server.k(['apply', '-f', '-'], `
apiVersion: v1
kind: Pod
metadata: {name: gated, labels: {app: gated}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: busybox
    command: ["sh", "-c", "mkdir -p /www; echo index > /www/index.html; httpd -p 8080 -h /www; sleep 4; echo ok > /www/ready; exec sleep 3600"]
    readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: gated}
spec:
  selector: {app: gated}
  ports: [{port: 80, targetPort: 8080}]
`);
    const notReady = await until(async () => { const x = await pod('gated'); return x.status.phase === 'Running' ? x : undefined; }, 60_000, 100);
    assert.equal(cond(notReady, 'Ready'), 'False');
    const nra = await until(async () => (await server.k(['get', 'endpoints', 'gated', '-o', 'jsonpath={.subsets[0].notReadyAddresses[0].ip}'])) || undefined, 20_000, 200);
    assert.equal(nra, notReady.status.podIP);
    const ready = await until(async () => { const x = await pod('gated'); return cond(x, 'Ready') === 'True' ? x : undefined; }, 30_000, 200);
    assert.equal(ready.status.containerStatuses?.[0]?.ready, true);
    const ra = await until(async () => (await server.k(['get', 'endpoints', 'gated', '-o', 'jsonpath={.subsets[0].addresses[0].ip}'])) || undefined, 20_000, 200);
    assert.equal(ra, ready.status.podIP);
  });

  it('restarts a container whose process was killed from the host', async () => {
    await server.k(['run', 'victim', '--image=busybox', '--', 'sh', '-c', 'exec sleep 7777']);
    await eventually(async () => (await pod('victim')).status.phase === 'Running', 60_000, 200);
    const pid = execFileSync('pgrep', ['-f', '^sleep 7777$'], { encoding: 'utf8' }).trim().split('\n')[0]!;
    process.kill(Number(pid), 'SIGKILL');
    const p = await until(async () => {
      const x = await pod('victim');
      const cs = x.status.containerStatuses?.[0];
      return cs && cs.restartCount >= 1 && cs.state.running ? x : undefined;
    }, 30_000, 200);
    assert.equal(p.status.containerStatuses![0]!.lastState?.terminated?.exitCode, 137);
  });

  it('runs a static pod from the manifest directory and mirrors it into the API', async () => {
    mkdirSync(node!.manifestDir, { recursive: true });
    writeFileSync(join(node!.manifestDir, 'static-web.yaml'), `
apiVersion: v1
kind: Pod
metadata: {name: static-web, namespace: kube-system, labels: {tier: static}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: web, image: busybox, command: ["sh", "-c", "echo static > /tmp/index.html; exec httpd -f -p 8081 -h /tmp"]}
`);
    const name = `static-web-${NODE}`;
    const mirror = await until(async () => {
      const r = await server.kubectl(['get', 'pod', '-n', 'kube-system', name, '-o', 'json']);
      if (r.code !== 0) return undefined;
      const p = JSON.parse(r.stdout) as PodJson & { metadata: { annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string }[] } };
      return p.status.phase === 'Running' && p.status.podIP ? p : undefined;
    }, 60_000);
    assert.equal(mirror.metadata.annotations?.['kubernetes.io/config.source'], 'file');
    assert.ok(mirror.metadata.annotations?.['kubernetes.io/config.mirror']);
    assert.deepEqual(mirror.metadata.ownerReferences?.map((o) => `${o.kind}/${o.name}`), [`Node/${NODE}`]);
    assert.equal((await httpGet(`http://${mirror.status.podIP}:8081/index.html`)).body.trim(), 'static');
    // Deleting the mirror does not stop the static pod: the mirror comes back, same pod IP.
    await server.k(['delete', 'pod', '-n', 'kube-system', name, '--wait=false']);
    const again = await until(async () => {
      const r = await server.kubectl(['get', 'pod', '-n', 'kube-system', name, '-o', 'json']);
      if (r.code !== 0) return undefined;
      const p = JSON.parse(r.stdout) as PodJson;
      return p.metadata.uid !== mirror.metadata.uid && p.status.phase === 'Running' ? p : undefined;
    }, 30_000);
    assert.equal(again.status.podIP, mirror.status.podIP);
    // Removing the manifest stops the pod and removes its mirror.
    rmSync(join(node!.manifestDir, 'static-web.yaml'));
    await eventually(async () => (await server.kubectl(['get', 'pod', '-n', 'kube-system', name])).code !== 0, 30_000, 250);
    await eventually(async () => !execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).includes('httpd -f -p 8081'), 15_000, 250);
  });

  it('applies resource limits to cgroups and reports OOMKilled; restartPolicy Never ends the pod', async () => {
    await server.k(['apply', '-f', '-'], `
apiVersion: v1
kind: Pod
metadata: {name: oom}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "sleep 1; x=$(head -c 200000000 /dev/zero | tr '\\\\0' a); echo survived"]
    resources: {limits: {memory: 32Mi, cpu: 200m}}
`);
    const uid = (await pod('oom')).metadata.uid;
    // The app container's cgroup (the sandbox's has no limit) under the node's cgroup root.
    const limited = await until(async () => {
      const base = `/sys/fs/cgroup/memory/k8ts/${NODE}/pod${uid}`;
      try {
        return readdirSync(base).filter((x) => /^[0-9a-f]{64}$/.test(x)).find((d) => readFileSync(`${base}/${d}/memory.limit_in_bytes`, 'utf8').trim() === String(32 * 1024 * 1024));
      } catch { return undefined; }
    }, 30_000, 100);
    assert.ok(limited);
    const done = await until(async () => { const x = await pod('oom'); return x.status.phase === 'Failed' ? x : undefined; }, 60_000);
    assert.equal(done.status.containerStatuses?.[0]?.state.terminated?.reason, 'OOMKilled');
    assert.equal(done.status.containerStatuses?.[0]?.state.terminated?.exitCode, 137);
    assert.equal(done.status.containerStatuses?.[0]?.restartCount, 0);
  });

  it('runs a Job to completion (restartPolicy Never, phase Succeeded)', async () => {
    await server.k(['create', 'job', 'hello', '--image=busybox', '--', 'sh', '-c', 'echo hello from a job']);
    await eventually(async () => (await server.k(['get', 'job', 'hello', '-o', 'jsonpath={.status.succeeded}'])) === '1', 60_000, 250);
    const jp = await pods('job-name=hello');
    assert.equal(jp[0]?.status.phase, 'Succeeded');
    assert.equal(jp[0]?.status.containerStatuses?.[0]?.state.terminated?.reason, 'Completed');
  });

  it('serves kubectl logs, exec (with stdin), port-forward and top through the API server; service env vars are set', async () => {
    await server.k(['create', 'service', 'clusterip', 'backend-db', '--tcp=5432:5432', '--clusterip=10.43.0.77']);
    await server.k(['run', 'talker', '--image=busybox', '--', 'sh', '-c', 'for i in 1 2 3; do echo line $i; done; echo hi > /tmp/index.html; httpd -p 8080 -h /tmp; exec sleep 3600']);
    await eventually(async () => (await pod('talker')).status.phase === 'Running', 60_000, 200);
    await eventually(async () => (await server.k(['logs', 'talker'])) === 'line 1\nline 2\nline 3\n', 10_000, 200);
    assert.equal(await server.k(['logs', 'talker', '--tail=1']), 'line 3\n');
    assert.match(await server.k(['logs', 'talker', '--timestamps', '--tail=1']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z line 3\n$/);
    const env = await server.k(['exec', 'talker', '--', 'sh', '-c', 'echo $BACKEND_DB_SERVICE_HOST:$BACKEND_DB_SERVICE_PORT $BACKEND_DB_PORT $BACKEND_DB_PORT_5432_TCP_ADDR; hostname']);
    assert.equal(env, '10.43.0.77:5432 tcp://10.43.0.77:5432 10.43.0.77\ntalker\n');
    assert.equal(await server.k(['exec', '-i', 'talker', '--', 'sh', '-c', 'read x; echo got $x'], 'stdin-line\n'), 'got stdin-line\n');
    const ex = await server.kubectl(['exec', 'talker', '--', 'sh', '-c', 'exit 7']);
    assert.equal(ex.code, 7, 'exec exit code reaches kubectl');
    // port-forward: a local port on 127.0.0.1 reaches the pod's port 8080.
    const local = 20000 + (process.pid % 20000);
    const pf = spawn(tool('kubectl'), ['--kubeconfig', server.kubeconfig, 'port-forward', 'pod/talker', `${local}:8080`], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const r = await until(async () => { try { return await httpGet(`http://127.0.0.1:${local}/index.html`); } catch { return undefined; } }, 20_000, 200);
      assert.equal(r.body.trim(), 'hi');
    } finally {
      pf.kill('SIGTERM');
    }
    const top = await until(async () => { const r = await server.kubectl(['top', 'pod', 'talker', '--no-headers']); return r.code === 0 ? r.stdout : undefined; }, 40_000, 500);
    assert.match(top, /^talker\s+\d+m\s+\d+Mi/);
    const topNode = await server.k(['top', 'node', NODE, '--no-headers']);
    assert.match(topNode, new RegExp(`^${NODE}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi`));
  });

  it('scales a Deployment on real CPU usage (HPA over the metrics the kubelet reports from CRI stats)', async () => {
    await server.k(['apply', '-f', '-'], `
apiVersion: apps/v1
kind: Deployment
metadata: {name: burner}
spec:
  replicas: 1
  selector: {matchLabels: {app: burner}}
  template:
    metadata: {labels: {app: burner}}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - name: c
        image: busybox
        command: ["sh", "-c", "while :; do :; done"]
        resources: {requests: {cpu: 50m}, limits: {cpu: 100m}}
`);
    await server.k(['autoscale', 'deployment', 'burner', '--cpu-percent=50', '--min=1', '--max=2']);
    // ~100m used of a 50m request is 200 % of the request, four times the target: the HPA goes to its maximum.
    await eventually(async () => (await server.k(['get', 'deployment', 'burner', '-o', 'jsonpath={.spec.replicas}'])) === '2', 90_000, 500);
    const hpa = JSON.parse(await server.k(['get', 'hpa', 'burner', '-o', 'json'])) as { status: { currentMetrics?: { resource?: { current?: { averageUtilization?: number } } }[] } };
    const util = hpa.status.currentMetrics?.[0]?.resource?.current?.averageUtilization ?? 0;
    assert.ok(util > 100, `CPU utilization from real usage: ${util}%`);
    await server.k(['delete', 'hpa', 'burner']);
    await server.k(['delete', 'deployment', 'burner']);
  });

  it('forwards a hostPort on the node address to the pod, in K8TS- chains only', async () => {
    const hostPort = 30000 + (process.pid % 2000);
    await server.k(['apply', '-f', '-'], `
apiVersion: v1
kind: Pod
metadata: {name: hostport}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: web
    image: busybox
    command: ["sh", "-c", "echo via-hostport > /tmp/index.html; exec httpd -f -p 80 -h /tmp"]
    ports: [{containerPort: 80, hostPort: ${hostPort}}]
`);
    const p = await until(async () => { const x = await pod('hostport'); return x.status.phase === 'Running' ? x : undefined; }, 60_000);
    const nodeIP = `10.88.${OCTET}.1`;
    const r = await until(async () => { try { return await httpGet(`http://${nodeIP}:${hostPort}/index.html`); } catch { return undefined; } }, 20_000, 200);
    assert.equal(r.body.trim(), 'via-hostport');
    const save = execFileSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' });
    const ours = save.split('\n').filter((l) => l.includes(p.status.podIP!) || l.includes(`--dport ${hostPort}`));
    assert.ok(ours.length >= 2, save);
    for (const l of ours) assert.match(l, /^-A K8TS-/, l);
    assert.doesNotMatch(save, /CNI-/, 'no CNI portmap chains');
    await server.k(['delete', 'pod', 'hostport']);
    await eventually(() => !execFileSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' }).includes(`--dport ${hostPort}`), 20_000, 200);
  });

  it('reaps orphaned zombies in a pod that shares its PID namespace (the pause process is PID 1)', async () => {
    await server.k(['apply', '-f', '-'], `
apiVersion: v1
kind: Pod
metadata: {name: reaper}
spec:
  terminationGracePeriodSeconds: 0
  shareProcessNamespace: true
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "for i in 1 2 3; do sh -c 'sleep 0.2 &'; done; exec sleep 3600"]
`);
    await eventually(async () => (await pod('reaper')).status.phase === 'Running', 60_000, 200);
    await new Promise((r) => setTimeout(r, 1500));
    const zombies = await server.k(['exec', 'reaper', '--', 'sh', '-c', "grep -l '^[0-9]* ([^)]*) Z' /proc/[0-9]*/stat || true"]);
    assert.equal(zombies.trim(), '', 'no zombie processes');
    assert.match(await server.k(['exec', 'reaper', '--', 'cat', '/proc/1/cmdline']), /^\/bin\/sh/);
  });
});
