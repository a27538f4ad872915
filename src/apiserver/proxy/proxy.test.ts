import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../../machinery/errors.js';
import { kubeletAddress, logQuery, streamQuery, validateContainer } from './index.js';

const pod = (containers: string[], init: string[] = []): Pod => ({
  metadata: { name: 'web' },
  spec: { containers: containers.map((name) => ({ name })), initContainers: init.map((name) => ({ name })) },
});

const fails = (fn: () => unknown, code: number, message: string | RegExp) =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, code);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });

describe('kubelet proxy request checks', () => {
  it('validates the container as upstream', () => {
    assert.equal(validateContainer('', pod(['a'])), 'a');
    assert.equal(validateContainer('i', pod(['a', 'b'], ['i'])), 'i');
    fails(() => validateContainer('', pod(['a', 'b'])), 400, 'a container name must be specified for pod web, choose one of: [a b]');
    fails(() => validateContainer('', pod(['a', 'b'], ['i'])), 400, 'a container name must be specified for pod web, choose one of: [a b] or one of the init containers: [i]');
    fails(() => validateContainer('', pod([])), 400, 'a container name must be specified for pod web');
    fails(() => validateContainer('z', pod(['a'])), 400, 'container z is not valid for pod web');
  });

  it('checks PodLogOptions and builds the kubelet query', () => {
    const q = (s: string) => logQuery(new URLSearchParams(s), 'web').toString();
    assert.equal(q('follow=true&tailLines=5&timestamps=1&container=a&limitBytes=10&sinceSeconds=3'), 'follow=true&timestamps=true&tailLines=5&limitBytes=10&sinceSeconds=3');
    assert.equal(q('previous=false'), '');
    fails(() => q('tailLines=-1'), 422, /tailLines: Invalid value: -1: must be greater than or equal to 0/);
    fails(() => q('limitBytes=0'), 422, /limitBytes: Invalid value: 0: must be greater than 0/);
    fails(() => q('sinceSeconds=1&sinceTime=2024-01-01T00:00:00Z'), 422, /at most one of `sinceTime` or `sinceSeconds` may be specified/);
    fails(() => q('follow=maybe'), 400, /invalid boolean value "maybe" for parameter "follow"/);
  });

  it('maps exec/attach/portforward options to the kubelet query', () => {
    const exec = streamQuery('exec', new URLSearchParams('command=sh&command=-c&command=echo hi&stdin=true&stdout=true&stderr=false&tty=true&container=a'));
    assert.equal(exec.toString(), 'input=1&output=1&tty=1&command=sh&command=-c&command=echo+hi');
    assert.equal(streamQuery('attach', new URLSearchParams('stdout=true&command=x')).toString(), 'output=1');
    assert.equal(streamQuery('portforward', new URLSearchParams('ports=80&ports=8080')).toString(), 'port=80%2C8080');
    fails(() => streamQuery('portforward', new URLSearchParams('ports=99999')), 400, 'invalid port "99999"');
  });

  it('finds the kubelet of a node by upstream address preference, port 10250 by default', () => {
    const node: Node = { status: { addresses: [{ type: 'ExternalIP', address: '1.2.3.4' }, { type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: 4321 } } } };
    assert.deepEqual(kubeletAddress(node), { address: '127.0.0.1', port: 4321 });
    assert.deepEqual(kubeletAddress({ status: { addresses: [{ type: 'ExternalIP', address: '1.2.3.4' }] } }), { address: '1.2.3.4', port: 10250 });
    assert.equal(kubeletAddress({ status: {} }), undefined);
  });
});
