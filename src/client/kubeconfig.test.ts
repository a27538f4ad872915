import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { defaultKubeconfigPath, loadKubeconfig, writeKubeconfig } from './kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-kubeconfig-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('loadKubeconfig', () => {
  it('reads back what writeKubeconfig wrote', () => {
    const p = join(dir, 'admin.yaml');
    writeKubeconfig(p, { server: 'https://127.0.0.1:6443', caPem: 'CA PEM\n', clientCertPem: 'CERT PEM\n', clientKeyPem: 'KEY PEM\n' });
    assert.deepEqual(loadKubeconfig(p), { server: 'https://127.0.0.1:6443', ca: 'CA PEM\n', cert: 'CERT PEM\n', key: 'KEY PEM\n' });
  });

  it('follows current-context, reads file paths relative to the kubeconfig, and tokens', () => {
    const sub = join(dir, 'sub');
    mkdirSync(join(sub, 'pki'), { recursive: true });
    writeFileSync(join(sub, 'pki', 'ca.crt'), 'FILE CA');
    writeFileSync(join(sub, 'pki', 'c.crt'), 'FILE CERT');
    writeFileSync(join(sub, 'pki', 'c.key'), 'FILE KEY');
    writeFileSync(join(sub, 'token'), 'tok-from-file\n');
    const p = join(sub, 'config');
    writeFileSync(
      p,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'a', cluster: { server: 'https://a.example:1/', 'certificate-authority-data': b64('A CA') } },
          { name: 'b', cluster: { server: 'https://127.0.0.2:7443', 'certificate-authority': 'pki/ca.crt', 'tls-server-name': 'kubernetes' } },
          { name: 'c', cluster: { server: 'https://127.0.0.3:1', 'insecure-skip-tls-verify': true } },
        ],
        users: [
          { name: 'ua', user: { token: 'abc' } },
          { name: 'ub', user: { 'client-certificate': 'pki/c.crt', 'client-key': join(sub, 'pki', 'c.key') } },
          { name: 'uc', user: { tokenFile: 'token' } },
        ],
        contexts: [
          { name: 'ctx-a', context: { cluster: 'a', user: 'ua' } },
          { name: 'ctx-b', context: { cluster: 'b', user: 'ub' } },
          { name: 'ctx-c', context: { cluster: 'c', user: 'uc' } },
        ],
        'current-context': 'ctx-b',
      }),
    );
    assert.deepEqual(loadKubeconfig(p), { server: 'https://127.0.0.2:7443', ca: 'FILE CA', cert: 'FILE CERT', key: 'FILE KEY', tlsServerName: 'kubernetes' });
    assert.deepEqual(loadKubeconfig(p, 'ctx-a'), { server: 'https://a.example:1', ca: 'A CA', token: 'abc' });
    assert.deepEqual(loadKubeconfig(p, 'ctx-c'), { server: 'https://127.0.0.3:1', insecureSkipTlsVerify: true, token: 'tok-from-file' });
    assert.throws(() => loadKubeconfig(p, 'nope'), /context "nope" not found/);
  });

  it('names what is missing', () => {
    const p = join(dir, 'bad.yaml');
    writeFileSync(p, stringify({ clusters: [{ name: 'x', cluster: {} }], contexts: [{ name: 'x', context: { cluster: 'x' } }], 'current-context': 'x' }));
    assert.throws(() => loadKubeconfig(p), /has no server/);
    writeFileSync(p, stringify({ contexts: [] }));
    assert.throws(() => loadKubeconfig(p), /no current-context/);
  });

  it('defaultKubeconfigPath prefers $KUBECONFIG', () => {
    assert.equal(defaultKubeconfigPath({ KUBECONFIG: ':/x/one:/x/two', HOME: '/h' }), '/x/one');
    assert.equal(defaultKubeconfigPath({ HOME: '/h' }), '/h/.kube/config');
  });
});
