import { startEtcd } from '../support/etcd.js';
import { kubectlSuite } from './kubectl-suite.js';

kubectlSuite('etcd', async () => {
  const etcd = await startEtcd();
  return { url: etcd.endpoint.replace(/^http:/, 'etcd:'), cleanup: () => etcd.stop() };
});
