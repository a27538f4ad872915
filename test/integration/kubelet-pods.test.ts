/**
 * Pod features on a real node (needs root): one `k8ts agent` with its own containerd joined to a
 * k8ts server, checked with the real kubectl (exec, logs) against upstream behaviour: volumes
 * (configMap, secret, downwardAPI, projected token, memory emptyDir, hostPath, subPath, readOnly,
 * pre-bound PVC), env sources and `$(VAR)` expansion, securityContext, shareProcessNamespace,
 * lifecycle hooks and graceful termination, startup-probe gating, restartPolicy OnFailure and
 * hostNetwork. Every pod is created up front so their start-ups overlap.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { get } from 'node:http';
import { TestServer, eventually, type RunResult } from '../support/server.js';
import { REAL_NODE_SKIP, TestNode } from '../support/node.js';

const NODE = `it-pods-${process.pid % 10000}`;
const OCTET = 100 + (process.pid % 100);
const POD_CIDR = `10.89.${OCTET}.0/24`;
const HOSTNET_PORT = 31000 + (process.pid % 1000);

interface ContainerStatus {
  name: string; ready: boolean; started?: boolean; restartCount: number;
  state: Record<string, { reason?: string; exitCode?: number }>;
  lastState?: Record<string, { reason?: string; exitCode?: number }>;
}
interface PodJson {
  metadata: { name: string; uid: string };
  spec: { nodeName?: string };
  status: { phase?: string; podIP?: string; hostIP?: string; containerStatuses?: ContainerStatus[] };
}

const until = <T>(fn: () => Promise<T | undefined>, timeoutMs: number, stepMs = 200): Promise<T> => eventually(fn, timeoutMs, stepMs) as Promise<T>;

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** base64url JWT payload. */
const jwtPayload = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

function manifests(dir: string): string {
  return `
apiVersion: v1
kind: Pod
metadata:
  name: vols
  labels: {app: vols, tier: test}
  annotations: {note: hello}
spec:
  # Set explicitly: this server has no ServiceAccount admission plugin to default it yet.
  serviceAccountName: default
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "echo from-container > /host/from-container; echo deep > /sub/deep; exec sleep 3600"]
    resources: {limits: {memory: 64Mi}}
    volumeMounts:
    - {name: cm, mountPath: /cm}
    - {name: sec, mountPath: /sec}
    - {name: dapi, mountPath: /dapi}
    - {name: proj, mountPath: /proj}
    - {name: mem, mountPath: /mem}
    - {name: host, mountPath: /host}
    - {name: host, mountPath: /sub, subPath: nested/dir}
    - {name: host, mountPath: /ro, readOnly: true}
    - {name: cm, mountPath: /etc/one-key.txt, subPath: a.txt}
  volumes:
  - name: cm
    configMap:
      name: cm
      defaultMode: 416
      items: [{key: a, path: a.txt}, {key: b, path: deeper/b.txt, mode: 384}]
  - name: sec
    secret: {secretName: sec, defaultMode: 256}
  - name: dapi
    downwardAPI:
      items:
      - {path: labels, fieldRef: {fieldPath: metadata.labels}}
      - {path: annotations, fieldRef: {fieldPath: metadata.annotations}}
      - {path: name, fieldRef: {fieldPath: metadata.name}}
      - {path: mem, resourceFieldRef: {containerName: c, resource: limits.memory, divisor: 1Mi}}
  - name: proj
    projected:
      sources:
      - configMap: {name: cm, items: [{key: a, path: cm-a}]}
      - serviceAccountToken: {path: token, expirationSeconds: 3600}
  - name: mem
    emptyDir: {medium: Memory}
  - name: host
    hostPath: {path: ${dir}/hp, type: DirectoryOrCreate}
---
apiVersion: v1
kind: Pod
metadata: {name: envs}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    workingDir: /tmp/work
    command: ["sh", "-c", "echo \\"args: $0|$1|$2\\"; pwd; exec sleep 3600", "$(GREETING)", "$$(GREETING)", "$(NOT_DEFINED)"]
    resources: {requests: {cpu: 250m, memory: 32Mi}, limits: {memory: 64Mi}}
    env:
    - {name: GREETING, value: hello}
    - {name: COMPOSED, value: "$(GREETING)-world"}
    - {name: CM_A, valueFrom: {configMapKeyRef: {name: cm, key: a}}}
    - {name: SEC_PASS, valueFrom: {secretKeyRef: {name: sec, key: pass}}}
    - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
    - {name: NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
    - {name: POD_NAMESPACE, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
    - {name: MEM_LIMIT, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
    - {name: CPU_REQ, valueFrom: {resourceFieldRef: {resource: requests.cpu, divisor: 1m}}}
    envFrom:
    - {prefix: CFG_, configMapRef: {name: cm}}
    - {secretRef: {name: sec}}
---
apiVersion: v1
kind: Pod
metadata: {name: secure}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: user, image: busybox, command: ["sleep", "3600"], securityContext: {runAsUser: 1000, runAsGroup: 3000}}
  - {name: dropall, image: busybox, command: ["sleep", "3600"], securityContext: {capabilities: {drop: [ALL]}}}
  - {name: plain, image: busybox, command: ["sleep", "3600"]}
  - {name: rofs, image: busybox, command: ["sleep", "3600"], securityContext: {readOnlyRootFilesystem: true}}
  - {name: priv, image: busybox, command: ["sleep", "3600"], securityContext: {privileged: true}}
---
apiVersion: v1
kind: Pod
metadata: {name: pid-shared}
spec:
  terminationGracePeriodSeconds: 1
  shareProcessNamespace: true
  containers:
  - {name: a, image: busybox, command: ["sleep", "7101"]}
  - {name: b, image: busybox, command: ["sleep", "3600"]}
---
apiVersion: v1
kind: Pod
metadata: {name: pid-own}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: a, image: busybox, command: ["sleep", "7102"]}
  - {name: b, image: busybox, command: ["sleep", "3600"]}
---
apiVersion: v1
kind: Pod
metadata: {name: hooks}
spec:
  terminationGracePeriodSeconds: 30
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "for i in $(seq 100); do [ -f /tmp/poststart ] && break; sleep 0.1; done; echo \\"main saw: $(cat /tmp/poststart)\\"; trap 'echo got-term >> /hooks/log; exit 0' TERM; while true; do sleep 0.2; done"]
    volumeMounts: [{name: hooks, mountPath: /hooks}]
    lifecycle:
      postStart: {exec: {command: ["sh", "-c", "echo poststart-ran > /tmp/poststart"]}}
      preStop: {exec: {command: ["sh", "-c", "echo prestop-ran >> /hooks/log"]}}
  volumes:
  - {name: hooks, hostPath: {path: ${dir}/hooks, type: DirectoryOrCreate}}
---
apiVersion: v1
kind: Pod
metadata: {name: stubborn}
spec:
  terminationGracePeriodSeconds: 3
  containers:
  - {name: c, image: busybox, command: ["sh", "-c", "trap '' TERM; while true; do sleep 0.2; done"]}
---
apiVersion: v1
kind: Pod
metadata: {name: slow-start}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "sleep 6; touch /tmp/started; exec sleep 3600"]
    startupProbe: {exec: {command: ["cat", "/tmp/started"]}, periodSeconds: 1, failureThreshold: 30}
    livenessProbe: {exec: {command: ["cat", "/tmp/started"]}, periodSeconds: 1, failureThreshold: 1}
---
apiVersion: v1
kind: Pod
metadata: {name: on-failure}
spec:
  terminationGracePeriodSeconds: 1
  restartPolicy: OnFailure
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "if [ -f /data/ran ]; then echo second run; exit 0; fi; touch /data/ran; echo first run; exit 1"]
    volumeMounts: [{name: data, mountPath: /data}]
  volumes: [{name: data, emptyDir: {}}]
---
apiVersion: v1
kind: Pod
metadata: {name: hostnet}
spec:
  terminationGracePeriodSeconds: 1
  hostNetwork: true
  containers:
  - {name: c, image: busybox, command: ["sh", "-c", "mkdir -p /www; echo on-the-host > /www/index.html; exec httpd -f -p 127.0.0.1:${HOSTNET_PORT} -h /www"]}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pods-it-pv}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: ""
  claimRef: {namespace: default, name: data}
  hostPath: {path: ${dir}/pv, type: DirectoryOrCreate}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: ""
  volumeName: pods-it-pv
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Pod
metadata: {name: claimer}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: c, image: busybox, command: ["sh", "-c", "echo via-claim > /data/hello; exec sleep 3600"], volumeMounts: [{name: data, mountPath: /data}]}
  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
`;
}

describe('kubelet pod features on containerd', { skip: REAL_NODE_SKIP }, () => {
  let server: TestServer;
  let node: TestNode | undefined;
  let dir = '';

  const pod = async (name: string): Promise<PodJson> => JSON.parse(await server.k(['get', 'pod', name, '-o', 'json'])) as PodJson;
  const running = (name: string, timeoutMs = 60_000): Promise<PodJson> =>
    until(async () => { const p = await pod(name); return p.status.phase === 'Running' && p.status.containerStatuses?.every((c) => c.state.running) ? p : undefined; }, timeoutMs);
  const exec = (name: string, script: string, container?: string): Promise<RunResult> =>
    server.kubectl(['exec', name, ...(container ? ['-c', container] : []), '--', 'sh', '-c', script]);
  /** exec that must succeed; returns stdout. */
  const sh = async (name: string, script: string, container?: string): Promise<string> => {
    const r = await exec(name, script, container);
    assert.equal(r.code, 0, `exec in ${name}/${container ?? ''} "${script}": ${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  /** Runs kubectl delete (waiting for the pod to be gone); resolves with its duration in ms. */
  const timedDelete = async (name: string): Promise<number> => {
    const t0 = Date.now();
    await server.k(['delete', 'pod', name]);
    return Date.now() - t0;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-pods-it-'));
    server = await TestServer.start({ extraArgs: ['--cluster-cidr', '10.89.0.0/16'] });
    node = await TestNode.start(server, { name: NODE, podCidr: POD_CIDR, clusterCidr: '10.89.0.0/16' });
    await server.k(['create', 'configmap', 'cm', '--from-literal=a=alpha', '--from-literal=b=beta']);
    await server.k(['create', 'secret', 'generic', 'sec', '--from-literal=user=admin', '--from-literal=pass=s3cret']);
    // The serviceaccount controller makes `default`; the projected token is issued for it.
    await eventually(async () => (await server.kubectl(['get', 'serviceaccount', 'default'])).code === 0, 30_000, 200);
    // `create`, not `apply`: no last-applied annotation in the downward API annotations file.
    await server.k(['create', '-f', '-'], manifests(dir));
  });

  after(async () => {
    await node?.stop();
    await server?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('mounts configMap, secret, downwardAPI, projected, memory emptyDir, hostPath, subPath and readOnly volumes', async () => {
    await running('vols');
    // configMap: only the listed items, at their paths, with defaultMode or the item's mode.
    assert.equal(await sh('vols', 'cat /cm/a.txt; echo; cat /cm/deeper/b.txt'), 'alpha\nbeta');
    assert.equal(await sh('vols', 'ls /cm'), 'a.txt\ndeeper\n');
    assert.equal(await sh('vols', 'stat -L -c %a /cm/a.txt /cm/deeper/b.txt'), '640\n600\n');
    // secret: decoded values, defaultMode 0400, on tmpfs.
    assert.equal(await sh('vols', 'cat /sec/user; echo; cat /sec/pass'), 'admin\ns3cret');
    assert.equal(await sh('vols', 'stat -L -c %a /sec/user /sec/pass'), '400\n400\n');
    assert.match(await sh('vols', 'grep " /sec " /proc/mounts'), /^tmpfs \/sec tmpfs ro/);
    // downwardAPI: labels and annotations as sorted key="value" lines, name, limits.memory in Mi.
    assert.equal(await sh('vols', 'cat /dapi/labels'), 'app="vols"\ntier="test"');
    assert.match(await sh('vols', 'cat /dapi/annotations'), /(^|\n)note="hello"(\n|$)/);
    assert.equal(await sh('vols', 'cat /dapi/name'), 'vols');
    assert.equal(await sh('vols', 'cat /dapi/mem'), '64');
    // projected: a configMap item and a service account token for default/default.
    assert.equal(await sh('vols', 'cat /proj/cm-a'), 'alpha');
    const token = await sh('vols', 'cat /proj/token');
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'a JWT');
    const claims = jwtPayload(token);
    assert.equal(claims.sub, 'system:serviceaccount:default:default');
    const ttl = (claims.exp as number) - (claims.iat as number);
    assert.ok(ttl >= 3600, `token lifetime ${ttl}s`);
    // emptyDir medium Memory is a tmpfs in the container's mount table.
    assert.match(await sh('vols', 'grep " /mem " /proc/mounts'), /^tmpfs \/mem tmpfs rw/);
    // hostPath DirectoryOrCreate: both directions.
    assert.equal(readFileSync(join(dir, 'hp', 'from-container'), 'utf8'), 'from-container\n');
    writeFileSync(join(dir, 'hp', 'from-host'), 'written on the host\n');
    assert.equal(await sh('vols', 'cat /host/from-host'), 'written on the host\n');
    // subPath: a directory inside the hostPath (created on demand), and one key of a configMap.
    assert.equal(readFileSync(join(dir, 'hp', 'nested', 'dir', 'deep'), 'utf8'), 'deep\n');
    assert.equal(await sh('vols', 'ls /sub'), 'deep\n');
    assert.equal(await sh('vols', 'cat /etc/one-key.txt'), 'alpha');
    // readOnly mount of a writable volume, and the always read-only API volumes.
    assert.equal(await sh('vols', 'cat /ro/from-host'), 'written on the host\n');
    for (const path of ['/ro/x', '/cm/x', '/sec/x', '/dapi/x', '/proj/x']) {
      const r = await exec('vols', `touch ${path}`);
      assert.notEqual(r.code, 0, `writing ${path} fails`);
      assert.match(r.stderr, /Read-only file system/, path);
    }
    assert.ok(!existsSync(join(dir, 'hp', 'x')));
    // A later update of the configMap reaches the volume (checked at the end of the file).
    await server.k(['patch', 'configmap', 'cm', '--type', 'merge', '-p', '{"data":{"a":"alpha-2"}}']);
  });

  it('sets env from configMap, secret, fieldRef, resourceFieldRef and envFrom; expands $(VAR); honours workingDir', async () => {
    const p = await running('envs');
    const env = new Map((await sh('envs', 'env')).trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
    assert.equal(env.get('GREETING'), 'hello');
    assert.equal(env.get('COMPOSED'), 'hello-world');
    assert.equal(env.get('CM_A'), 'alpha');
    assert.equal(env.get('SEC_PASS'), 's3cret');
    assert.equal(env.get('POD_IP'), p.status.podIP);
    assert.ok(p.status.podIP?.startsWith(`10.89.${OCTET}.`), p.status.podIP);
    assert.equal(env.get('NODE_NAME'), NODE);
    assert.equal(env.get('POD_NAMESPACE'), 'default');
    assert.equal(env.get('MEM_LIMIT'), '64');
    assert.equal(env.get('CPU_REQ'), '250');
    assert.equal(env.get('CFG_a'), 'alpha');
    assert.equal(env.get('CFG_b'), 'beta');
    assert.equal(env.get('user'), 'admin');
    assert.equal(env.get('pass'), 's3cret');
    // $(GREETING) expands, $$(GREETING) escapes, an undefined reference stays as written.
    await eventually(async () => (await server.k(['logs', 'envs'])).length > 0, 10_000, 200);
    assert.equal(await server.k(['logs', 'envs']), 'args: hello|$(GREETING)|$(NOT_DEFINED)\n/tmp/work\n');
    assert.equal(await sh('envs', 'pwd'), '/tmp/work\n', 'exec starts in workingDir');
  });

  it('applies securityContext: runAsUser/runAsGroup, dropped capabilities, read-only root, unprivileged by default', async () => {
    await running('secure');
    assert.match(await sh('secure', 'id', 'user'), /^uid=1000 gid=3000( groups=3000)?\n$/);
    assert.match(await sh('secure', 'id', 'plain'), /^uid=0\(root\) gid=0\(root\)/);
    // Capabilities: the default set has CAP_CHOWN, drop ALL removes it (CapEff all zero).
    assert.equal(await sh('secure', 'touch /tmp/f && chown 1:1 /tmp/f && stat -c %u:%g /tmp/f', 'plain'), '1:1\n');
    const denied = await exec('secure', 'touch /tmp/f && chown 1:1 /tmp/f', 'dropall');
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /Operation not permitted/);
    assert.match(await sh('secure', 'grep CapEff /proc/self/status', 'dropall'), /CapEff:\s+0{16}\n/);
    assert.doesNotMatch(await sh('secure', 'grep CapEff /proc/self/status', 'plain'), /CapEff:\s+0{16}\n/);
    // readOnlyRootFilesystem.
    const ro = await exec('secure', 'touch /newfile', 'rofs');
    assert.notEqual(ro.code, 0);
    assert.match(ro.stderr, /Read-only file system/);
    await sh('secure', 'touch /newfile', 'plain');
    // Unprivileged: /proc/sys is read-only and writing to it fails; privileged: read-write.
    const sys = await exec('secure', 'echo 1 > /proc/sys/net/ipv4/ip_forward', 'plain');
    assert.notEqual(sys.code, 0);
    assert.match(sys.stderr, /Read-only file system/);
    assert.match(await sh('secure', 'grep " /proc/sys " /proc/mounts', 'plain'), /\sro[,\s]/);
    assert.doesNotMatch(await sh('secure', 'grep " /proc/sys " /proc/mounts || true', 'priv'), /\sro[,\s]/);
  });

  it('shares the process namespace only with shareProcessNamespace: true', async () => {
    await running('pid-shared');
    await running('pid-own');
    const shared = await sh('pid-shared', 'ps -o pid,args', 'b');
    assert.match(shared, /sleep 7101/);
    // PID 1 is the sandbox's (pause) process, not one of the pod's containers.
    const pid1 = shared.split('\n').find((l) => /^\s*1\s/.test(l)) ?? '';
    assert.ok(pid1 && !/sleep (7101|3600)/.test(pid1), `PID 1 is the sandbox's: ${pid1}`);
    const own = await sh('pid-own', 'ps -o pid,args', 'b');
    assert.doesNotMatch(own, /sleep 7102/);
    assert.match(own, /^\s*1\s+sleep 3600/m, 'the container is PID 1 of its own namespace');
  });

  it('runs postStart before the container is running and preStop before SIGTERM; exits early when the process does', async () => {
    await running('hooks');
    await eventually(async () => (await server.k(['logs', 'hooks'])) === 'main saw: poststart-ran\n', 10_000, 200);
    const ms = await timedDelete('hooks');
    console.log(`# hooks: kubectl delete took ${ms} ms (grace 30 s, exits on SIGTERM)`);
    assert.ok(ms < 10_000, `delete took ${ms} ms of a 30 s grace period`);
    assert.equal(readFileSync(join(dir, 'hooks', 'log'), 'utf8'), 'prestop-ran\ngot-term\n');
  });

  it('kills a container that ignores SIGTERM after terminationGracePeriodSeconds', async () => {
    await running('stubborn');
    const ms = await timedDelete('stubborn');
    console.log(`# stubborn: kubectl delete took ${ms} ms (grace 3 s, ignores SIGTERM)`);
    assert.ok(ms >= 3_000 && ms < 9_000, `delete took ${ms} ms with a 3 s grace period`);
  });

  it('holds liveness off until the startup probe succeeds', async () => {
    // The file appears 6 s after start; liveness (period 1 s, threshold 1) would kill it before that.
    const started = await until(async () => { const p = await pod('slow-start'); return p.status.containerStatuses?.[0]?.started ? p : undefined; }, 30_000);
    assert.equal(started.status.containerStatuses![0]!.restartCount, 0);
    await new Promise((r) => setTimeout(r, 2500));
    const later = (await pod('slow-start')).status.containerStatuses![0]!;
    assert.equal(later.restartCount, 0, 'liveness never killed it');
    assert.equal(later.ready, true);
    assert.ok(later.state.running);
    const events = await server.k(['get', 'events', '--field-selector', 'involvedObject.name=slow-start', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
    assert.match(events, /Unhealthy: Startup probe failed/);
    assert.doesNotMatch(events, /Liveness probe failed|Killing/);
  });

  it('restartPolicy OnFailure restarts an exit 1 and ends Succeeded on exit 0', async () => {
    const done = await until(async () => { const p = await pod('on-failure'); return p.status.phase === 'Succeeded' ? p : undefined; }, 60_000, 250);
    const cs = done.status.containerStatuses![0]!;
    assert.equal(cs.restartCount, 1);
    assert.equal(cs.state.terminated?.exitCode, 0);
    assert.equal(cs.state.terminated?.reason, 'Completed');
    assert.equal(cs.lastState?.terminated?.exitCode, 1);
    assert.equal(await server.k(['logs', 'on-failure']), 'second run\n');
    assert.equal(await server.k(['logs', 'on-failure', '--previous']), 'first run\n');
  });

  it('runs a hostNetwork pod with the node IP and the host name', async () => {
    const p = await running('hostnet');
    const n = JSON.parse(await server.k(['get', 'node', NODE, '-o', 'json'])) as { status: { addresses: { type: string; address: string }[] } };
    const internal = n.status.addresses.find((a) => a.type === 'InternalIP')?.address;
    assert.ok(internal);
    assert.equal(p.status.podIP, internal);
    assert.equal(p.status.hostIP, internal);
    assert.equal(await sh('hostnet', 'hostname'), `${hostname()}\n`);
    assert.equal(await until(async () => { try { return await httpGet(`http://127.0.0.1:${HOSTNET_PORT}/index.html`); } catch { return undefined; } }, 10_000), 'on-the-host\n');
  });

  it('mounts a PVC pre-bound to a hostPath PV', async (t) => {
    const phase = await until(async () => { const ph = await server.k(['get', 'pvc', 'data', '-o', 'jsonpath={.status.phase}']); return ph === 'Bound' ? ph : undefined; }, 10_000, 250).catch(() => undefined);
    if (!phase) {
      t.skip('no PV binder yet');
      return;
    }
    await running('claimer');
    assert.equal(await until(async () => { try { return readFileSync(join(dir, 'pv', 'hello'), 'utf8'); } catch { return undefined; } }, 10_000), 'via-claim\n');
    assert.equal(await sh('claimer', 'cat /data/hello'), 'via-claim\n');
  });

  it('updates configMap, projected and downwardAPI volumes of a running pod', async () => {
    await server.k(['label', 'pod', 'vols', 'extra=yes']);
    await eventually(async () => (await sh('vols', 'cat /cm/a.txt; echo; cat /proj/cm-a; echo; cat /dapi/labels')) === 'alpha-2\nalpha-2\napp="vols"\nextra="yes"\ntier="test"', 30_000, 500);
    assert.equal(await sh('vols', 'stat -L -c %a /cm/a.txt'), '640\n');
  });
});
