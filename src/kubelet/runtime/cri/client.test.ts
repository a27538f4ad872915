import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CriClient, CriError } from './client.js';

describe('CriClient errors', () => {
  it('maps a dead endpoint to a CriError with the gRPC code, within the deadline', async () => {
    const c = new CriClient({ endpoint: '/nonexistent/k8ts-test.sock' });
    const t0 = Date.now();
    await assert.rejects(c.version({ timeoutMs: 300 }), (e: unknown) => {
      assert.ok(e instanceof CriError);
      assert.equal(e.method, 'Version');
      assert.ok(['UNAVAILABLE', 'DEADLINE_EXCEEDED'].includes(e.codeName), e.codeName);
      return true;
    });
    assert.ok(Date.now() - t0 < 3_000);
    c.close();
  });

  it('cancels on an aborted signal', async () => {
    const c = new CriClient({ endpoint: 'unix:///nonexistent/k8ts-test.sock' });
    const ac = new AbortController();
    const p = c.status(false, { timeoutMs: 10_000, signal: ac.signal });
    ac.abort();
    await assert.rejects(p, (e: unknown) => e instanceof CriError && e.codeName === 'CANCELLED');
    await assert.rejects(c.status(false, { signal: ac.signal }), (e: unknown) => e instanceof CriError && e.codeName === 'CANCELLED');
    c.close();
  });
});
