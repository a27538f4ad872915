import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { NewestCache } from './newest.js';

const obj = (rv: string, tag: string): KubeObject => ({ metadata: { name: 'a', resourceVersion: rv }, tag });

describe('NewestCache', () => {
  it('serves a written copy while it is newer than the informer, then the informer again', () => {
    const informer = new Map<string, KubeObject>([['a', obj('10', 'informer')]]);
    const c = new NewestCache((k) => informer.get(k));
    assert.equal(c.get('a')!.tag, 'informer');
    c.remember('a', obj('12', 'written'));
    assert.equal(c.get('a')!.tag, 'written');
    informer.set('a', obj('12', 'caught-up'));
    assert.equal(c.get('a')!.tag, 'caught-up');
    assert.equal(c.size, 0);
  });

  it('drops a written copy that is older, non-numeric, or of an object the informer no longer has', () => {
    const informer = new Map<string, KubeObject>([['a', obj('20', 'informer')]]);
    const c = new NewestCache((k) => informer.get(k));
    c.remember('a', obj('15', 'stale'));
    assert.equal(c.get('a')!.tag, 'informer');
    c.remember('a', obj('x1', 'odd'));
    assert.equal(c.get('a')!.tag, 'informer');
    c.remember('a', obj('30', 'written'));
    informer.delete('a');
    assert.equal(c.get('a'), undefined);
    assert.equal(c.size, 0);
  });
});
