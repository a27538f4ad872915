/**
 * Resource metrics and the HorizontalPodAutoscaler end to end, with the real kubectl: a simulated
 * agent reports synthetic usage (pod annotation `k8ts.io/simulated-cpu-usage`), the server scrapes
 * it into metrics.k8s.io (`kubectl top`), and an HPA made by `kubectl autoscale` scales a
 * Deployment up under load and back down once the load is gone.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestServer, eventually } from '../support/server.js';
import { TestAgent } from '../support/agent.js';

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        resources: {requests: {cpu: 100m, memory: 64Mi}}
`;

describe('horizontal pod autoscaling with resource metrics', { timeout: 90_000 }, () => {
  let server: TestServer;
  let agent: TestAgent;

  const k = (args: string[], input?: string) => server.k(args, input);
  const deploymentReplicas = async () => Number(await k(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}']));

  before(async () => {
    server = await TestServer.start({
      extraArgs: ['--horizontal-pod-autoscaler-sync-period', '1s', '--horizontal-pod-autoscaler-downscale-stabilization', '5s', '--metric-resolution', '1s'],
    });
    agent = TestAgent.start(server, { nodes: 3, prefix: 'hpa-node-' });
    await eventually(async () => (await k(['get', 'nodes', '--no-headers'])).split('\n').filter((l) => / Ready /.test(l)).length === 3, 20_000, 200);
  });

  after(async () => {
    await agent?.stop();
    await server?.destroy();
  });

  it('lists metrics.k8s.io in discovery', async () => {
    const out = await k(['api-resources', '--api-group=metrics.k8s.io', '--no-headers']);
    assert.match(out, /^nodes\s+metrics\.k8s\.io\/v1beta1\s+false\s+NodeMetrics$/m);
    assert.match(out, /^pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics$/m);
  });

  it('kubectl top shows the synthetic usage of pods and nodes', async () => {
    await k(['apply', '-f', '-'], DEPLOYMENT);
    // Default usage: 10 % of the 100m request.
    const pods = await eventually(async () => {
      const out = await k(['top', 'pods', '-l', 'app=web', '--no-headers']);
      return /^web-\S+\s+10m\s+\d+Mi\s*$/m.test(out) ? out : undefined;
    }, 20_000, 300);
    assert.ok(pods);
    const nodes = await eventually(async () => {
      const out = await k(['top', 'nodes', '--no-headers']);
      return out.split('\n').filter((l) => /^hpa-node-\d+\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/.test(l)).length === 3 ? out : undefined;
    }, 10_000, 300);
    // A node's usage is its pods' plus a 50m base: exactly one node runs the 10m pod.
    assert.deepEqual(
      nodes!
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(/\s+/)[1])
        .sort(),
      ['50m', '50m', '60m'],
    );
    await k(['annotate', 'pods', '-l', 'app=web', '--overwrite', 'k8ts.io/simulated-cpu-usage=250m']);
    await eventually(async () => /^web-\S+\s+250m\s/m.test(await k(['top', 'pods', '-l', 'app=web', '--no-headers'])), 10_000, 300);
    await k(['annotate', 'pods', '-l', 'app=web', 'k8ts.io/simulated-cpu-usage-']);
    // Back to the default before an HPA looks at it.
    await eventually(async () => /^web-\S+\s+10m\s/m.test(await k(['top', 'pods', '-l', 'app=web', '--no-headers'])), 10_000, 300);
  });

  it('scales a Deployment up under load and back down when it drops', async () => {
    await k(['autoscale', 'deployment', 'web', '--cpu-percent=50', '--min=1', '--max=5']);
    // Metrics arrive: 10 %/50 % at one replica.
    await eventually(async () => /\bcpu: 10%\/50%\s+1\s+5\s+1\b/.test(await k(['get', 'hpa', 'web', '--no-headers'])), 15_000, 300);

    const t0 = Date.now();
    await k(['annotate', 'pods', '-l', 'app=web', '--overwrite', 'k8ts.io/simulated-cpu-usage=400m']);
    await eventually(async () => (await deploymentReplicas()) >= 4, 20_000, 300);
    const upMs = Date.now() - t0;
    const events = await k(['get', 'events', '--field-selector', 'involvedObject.kind=HorizontalPodAutoscaler,reason=SuccessfulRescale', '-o', 'jsonpath={range .items[*]}{.source.component}|{.message}{"\\n"}{end}']);
    assert.match(events, /^horizontal-pod-autoscaler\|New size: 4; reason: cpu resource utilization \(percentage of request\) above target$/m);
    // 400 % wants 8 replicas; the first step is capped at max(2 × 1, 4). The new pods use 10m each:
    // (400 + 3 × 10) / 400 = 107 % wants 9, capped at the maximum, where it stays (88 % wants 9).
    await eventually(async () => (await deploymentReplicas()) === 5, 15_000, 300);
    await eventually(async () => /^web\s+Deployment\/web\s+cpu: 88%\/50%\s+1\s+5\s+5\s/m.test(await k(['get', 'hpa', '--no-headers'])), 10_000, 300);
    const described = await k(['describe', 'hpa', 'web']);
    assert.match(described, /AbleToScale\s+True/);
    assert.match(described, /ScalingActive\s+True\s+ValidMetricFound/);
    assert.match(described, /ScalingLimited\s+True\s+TooManyReplicas\s+the desired replica count is more than the maximum replica count/);

    // autoscaling/v1 sees the same HPA with its cpu utilization.
    const v1 = JSON.parse(await k(['get', '--raw', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/web']));
    assert.equal(v1.spec.targetCPUUtilizationPercentage, 50);
    assert.equal(typeof v1.status.currentCPUUtilizationPercentage, 'number');

    const t1 = Date.now();
    await k(['annotate', 'pods', '-l', 'app=web', 'k8ts.io/simulated-cpu-usage-']);
    await eventually(async () => (await deploymentReplicas()) === 1, 30_000, 300);
    const downMs = Date.now() - t1;
    // Not before the 5 s downscale stabilization window has passed.
    assert.ok(downMs >= 4000, `scaled down after ${downMs} ms`);
    const down = await k(['get', 'events', '--field-selector', 'reason=SuccessfulRescale', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
    assert.match(down, /^New size: 1; reason: All metrics below target$/m);
    await eventually(async () => /^web-\S+\s+\d+m\s/m.test(await k(['top', 'pods', '-l', 'app=web', '--no-headers'])), 10_000, 300);
    process.stdout.write(`scale-up ${upMs} ms, scale-down ${downMs} ms\n`);
  });
});
