import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionTable } from './sessions.js';

test('sessions expire after idleMs without a touch, oldest first', () => {
  let now = 1000;
  const t = new SessionTable<string>(250, () => now);
  t.add('1.1.1.1:5', 'a');
  now += 100;
  t.add('2.2.2.2:6', 'b');
  now += 100;
  assert.deepEqual(t.expire(), []);
  t.touch('2.2.2.2:6');
  now += 50; // a idle 250, b idle 50
  assert.deepEqual(t.expire(), [['1.1.1.1:5', 'a']]);
  assert.equal(t.get('1.1.1.1:5'), undefined);
  assert.equal(t.get('2.2.2.2:6'), 'b');
  now += 199; // b idle 249
  assert.deepEqual(t.expire(), []);
  now += 1;
  t.add('3.3.3.3:7', 'c');
  assert.deepEqual(t.expire(), [['2.2.2.2:6', 'b']]);
  assert.equal(t.size, 1);
  assert.equal(t.delete('3.3.3.3:7'), 'c');
  assert.equal(t.size, 0);
});

test('clear returns every session', () => {
  const t = new SessionTable<number>(10, () => 0);
  t.add('a', 1);
  t.add('b', 2);
  assert.deepEqual(t.clear(), [['a', 1], ['b', 2]]);
  assert.equal(t.size, 0);
});
