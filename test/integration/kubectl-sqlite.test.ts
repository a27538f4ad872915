import { kubectlSuite } from './kubectl-suite.js';

kubectlSuite('sqlite', async () => ({ cleanup: async () => {} }));
