import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as protoLoader from '@grpc/proto-loader';
import { containerdPaths, renderCniConflist, renderContainerdConfig, renderHostsToml, writeContainerdFiles } from './containerd.js';
import { LOADER_OPTIONS, findProtoPath } from './cri/client.js';

const cfg = { dir: '/tmp/k8ts-x', sandboxImage: 'k8ts.local/pause:1', podCidr: '10.244.9.0/24', bridgeName: 'k8tsu0' };

describe('containerd config rendering', () => {
  it('keeps every path under dir and sets the CRI facts this machine needs', () => {
    const toml = renderContainerdConfig(cfg);
    assert.match(toml, /^version = 2$/m);
    assert.match(toml, /^root = "\/tmp\/k8ts-x\/root"$/m);
    assert.match(toml, /^state = "\/tmp\/k8ts-x\/state"$/m);
    assert.match(toml, /\[grpc\]\n {2}address = "\/tmp\/k8ts-x\/containerd.sock"/);
    assert.match(toml, /\[ttrpc\]\n {2}address = "\/tmp\/k8ts-x\/containerd.sock.ttrpc"/);
    assert.match(toml, /\[debug\]\n {2}address = ""/);
    assert.match(toml, /restrict_oom_score_adj = true/);
    assert.match(toml, /netns_mounts_under_state_dir = true/);
    assert.match(toml, /sandbox_image = "k8ts.local\/pause:1"/);
    assert.match(toml, /runtime_type = "io.containerd.runc.v2"/);
    assert.match(toml, /Root = "\/tmp\/k8ts-x\/runc"/);
    assert.match(toml, /SystemdCgroup = false/);
    assert.match(toml, /bin_dir = "\/usr\/lib\/cni"/);
    assert.match(toml, /conf_dir = "\/tmp\/k8ts-x\/cni"/);
    assert.match(toml, /config_path = "\/tmp\/k8ts-x\/certs.d"/);
    for (const p of ['aufs', 'btrfs', 'zfs', 'devmapper']) assert.match(toml, new RegExp(`"io.containerd.snapshotter.v1.${p}"`));
    // every absolute path in the file is under dir, except the binaries' locations
    const paths = [...toml.matchAll(/"(\/[^"]*)"/g)].map((m) => m[1]!);
    for (const p of paths) assert.ok(p.startsWith('/tmp/k8ts-x/') || p === '/usr/sbin/runc' || p === '/usr/lib/cni', p);
    assert.equal(containerdPaths('/d').socket, '/d/containerd.sock');
    assert.throws(() => writeContainerdFiles({ ...cfg, dir: '/nonexistent/' + 'x'.repeat(100) }), /too long for a unix socket/);
  });

  it('renders a bridge + host-local conflist without masquerade (no portmap: hostPorts are K8TS- chains)', () => {
    const c = renderCniConflist(cfg) as { plugins: Record<string, any>[] };
    assert.deepEqual(c.plugins.map((p) => p.type), ['bridge']);
    const br = c.plugins[0]!;
    assert.equal(br.bridge, 'k8tsu0');
    assert.equal(br.isGateway, true);
    assert.equal(br.ipMasq, false);
    assert.equal(br.ipam.type, 'host-local');
    assert.equal(br.ipam.dataDir, '/tmp/k8ts-x/ipam');
    assert.deepEqual(br.ipam.ranges, [[{ subnet: '10.244.9.0/24' }]]);
    assert.throws(() => renderCniConflist({ ...cfg, bridgeName: 'a-very-long-bridge' }), /15 characters/);
  });

  it('renders hosts.toml for a mirror', () => {
    const t = renderHostsToml({ registry: 'docker.io', endpoints: ['http://127.0.0.1:5000'] });
    assert.match(t, /^server = "https:\/\/registry-1.docker.io"$/m);
    assert.match(t, /\[host."http:\/\/127.0.0.1:5000"\]\n {2}capabilities = \["pull", "resolve"\]/);
    assert.match(renderHostsToml({ registry: 'quay.io', endpoints: [] }), /server = "https:\/\/quay.io"/);
  });
});

describe('CRI api.proto', () => {
  it('is found from dist and loads both services with the methods the kubelet uses', () => {
    const p = findProtoPath();
    assert.ok(existsSync(p));
    const def = protoLoader.loadSync(p, LOADER_OPTIONS);
    const rt = def['runtime.v1.RuntimeService'] as Record<string, unknown>;
    const im = def['runtime.v1.ImageService'] as Record<string, unknown>;
    for (const m of ['Version', 'RunPodSandbox', 'StopPodSandbox', 'RemovePodSandbox', 'PodSandboxStatus', 'ListPodSandbox',
      'CreateContainer', 'StartContainer', 'StopContainer', 'RemoveContainer', 'ListContainers', 'ContainerStatus', 'ExecSync', 'Status']) {
      assert.ok(rt[m], m);
    }
    for (const m of ['ListImages', 'ImageStatus', 'PullImage', 'RemoveImage', 'ImageFsInfo']) assert.ok(im[m], m);
  });
});
