import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { parseExposition, type Sample } from './prometheus.js';
import { MetricsStorage } from './storage.js';
import { Scraper, batchesFromExposition, kubeletEndpoint } from './scraper.js';
import { ResourceMetricsApi, goDuration } from './api.js';
import { silentLogger } from '../../util/logger.js';

const exposition = (t: number, cpu: number, nodeCpu: number) => `# HELP container_cpu_usage_seconds_total [STABLE] x
# TYPE container_cpu_usage_seconds_total counter
container_cpu_usage_seconds_total{container="c",namespace="default",node="n1",pod="web-1"} ${cpu} ${t}
container_memory_working_set_bytes{container="c",namespace="default",node="n1",pod="web-1"} 1048576 ${t}
container_start_time_seconds{container="c",namespace="default",node="n1",pod="web-1"} 100 ${t}
node_cpu_usage_seconds_total{node="n1"} ${nodeCpu} ${t}
node_memory_working_set_bytes{node="n1"} 268435456 ${t}
node_cpu_usage_seconds_total{node="n2"} ${nodeCpu / 2} ${t}
node_memory_working_set_bytes{node="n2"} 268435456 ${t}
node_cpu_usage_seconds_total{node="other"} 1 ${t}
node_memory_working_set_bytes{node="other"} 1 ${t}
resource_scrape_error 0
`;

const node = (name: string, port: number, labels: Record<string, string> = {}): Node => ({
  metadata: { name, labels },
  status: { addresses: [{ type: 'InternalIP', address: '127.0.0.9' }, { type: 'InternalDNS', address: 'localhost' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } },
});
const pod = (name: string, labels: Record<string, string>): Pod => ({ metadata: { name, namespace: 'default', labels } });

describe('resource metrics', () => {
  it('parses the text exposition format', () => {
    const out: Sample[] = [];
    parseExposition('# c\na{x="1",y="q\\"\\\\"} 1.5 42\nb 2\nbad{x="1" 3\n', (s) => out.push(s));
    assert.deepEqual(out, [
      { name: 'a', labels: { x: '1', y: 'q"\\' }, value: 1.5, timestampMs: 42 },
      { name: 'b', labels: {}, value: 2 },
    ]);
  });

  it('picks the kubelet endpoint by address type and groups series by node label', () => {
    assert.deepEqual(kubeletEndpoint(node('n1', 4000)), { address: 'localhost', port: 4000 });
    const b = batchesFromExposition(exposition(1000, 1, 2), ['n1', 'n2'], 0);
    assert.deepEqual(b.get('n1')!.node, { cpu: 2, memory: 268435456, ts: 1000 });
    assert.deepEqual(b.get('n1')!.pods.get('default/web-1')!.get('c'), { cpu: 1, memory: 1048576, ts: 1000, start: 100 });
    assert.equal(b.get('n2')!.pods.size, 0);
    assert.ok(!b.has('other'));
  });

  it('serves rates between the last two scrapes, one request per endpoint', async () => {
    const storage = new MetricsStorage();
    const scrapes: string[] = [];
    let round = 0;
    const texts = [exposition(1000, 1, 2), exposition(3000, 1.5, 4)];
    const nodes = [node('n1', 4000, { zone: 'a' }), node('n2', 4000, { zone: 'b' })];
    const scraper = new Scraper({
      storage,
      nodes: () => nodes,
      intervalMs: 1000,
      log: silentLogger,
      fetch: async (ep) => {
        scrapes.push(`${ep.address}:${ep.port}`);
        return texts[round]!;
      },
    });
    await scraper.scrapeOnce();
    assert.equal(storage.node('n1'), undefined);
    round = 1;
    await scraper.scrapeOnce();
    assert.deepEqual(scrapes, ['localhost:4000', 'localhost:4000']);
    assert.deepEqual(storage.node('n1'), { cpuNanos: 1_000_000_000, memoryBytes: 268435456, timestampMs: 3000, windowMs: 2000 });
    assert.deepEqual(storage.pod('default', 'web-1'), { timestampMs: 3000, windowMs: 2000, containers: [{ name: 'c', cpuNanos: 250_000_000, memoryBytes: 1048576 }] });

    const api = new ResourceMetricsApi(storage, {
      nodes: (s) => nodes.filter((n) => s.matches(n.metadata?.labels)),
      pods: (_ns, s) => [pod('web-1', { app: 'web' }), pod('web-2', { app: 'web' }), pod('db', { app: 'db' })].filter((p) => s.matches(p.metadata?.labels)),
    });
    const q = (s: string) => new URLSearchParams(s);
    const list = api.handle('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods', q('labelSelector=app%3Dweb'), 'application/json')!;
    const body = list.body as { kind: string; items: Array<{ metadata: { name: string }; window: string; containers: unknown[] }> };
    assert.equal(body.kind, 'PodMetricsList');
    assert.deepEqual(body.items.map((i) => i.metadata.name), ['web-1']);
    assert.equal(body.items[0]!.window, '2s');
    assert.deepEqual(body.items[0]!.containers, [{ name: 'c', usage: { cpu: '250m', memory: '1Mi' } }]);

    const nodesList = api.handle('GET', '/apis/metrics.k8s.io/v1beta1/nodes', q('labelSelector=zone%3Db'), undefined)!.body as { items: Array<{ metadata: { name: string }; usage: unknown }> };
    assert.deepEqual(nodesList.items.map((i) => [i.metadata.name, i.usage]), [['n2', { cpu: '500m', memory: '256Mi' }]]);

    const table = api.handle('GET', '/apis/metrics.k8s.io/v1beta1/nodes', q(''), 'application/json;as=Table;v=v1;g=meta.k8s.io')!.body as { kind: string; rows: Array<{ cells: unknown[] }> };
    assert.equal(table.kind, 'Table');
    assert.deepEqual(table.rows[0]!.cells, ['n1', '1', '256Mi', '2s']);

    assert.throws(() => api.handle('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/db', q(''), undefined), /not found/);
    assert.throws(() => api.handle('POST', '/apis/metrics.k8s.io/v1beta1/nodes', q(''), undefined), /not allowed|not supported/i);
    assert.equal(api.handle('GET', '/apis/apps/v1', q(''), undefined), undefined);
    assert.equal((api.handle('GET', '/apis/metrics.k8s.io/v1beta1', q(''), undefined)!.body as { resources: unknown[] }).resources.length, 2);
  });

  it('drops a node whose scrape fails', async () => {
    const storage = new MetricsStorage();
    let fail = false;
    let t = 1000;
    const scraper = new Scraper({
      storage,
      nodes: () => [node('n1', 4000)],
      intervalMs: 1000,
      log: silentLogger,
      fetch: async () => {
        if (fail) throw new Error('refused');
        t += 1000;
        return exposition(t, t / 1000, t / 1000);
      },
    });
    await scraper.scrapeOnce();
    await scraper.scrapeOnce();
    assert.ok(storage.node('n1'));
    fail = true;
    await scraper.scrapeOnce();
    assert.equal(storage.node('n1'), undefined);
  });

  it('formats windows as Go durations', () => {
    assert.deepEqual([goDuration(1001), goDuration(15000), goDuration(500), goDuration(61_500)], ['1.001s', '15s', '500ms', '1m1.5s']);
  });
});
