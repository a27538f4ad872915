import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoundRobin } from './loadbalancer.js';

test('round robin cycles over every endpoint; no endpoints → undefined', () => {
  const lb = new RoundRobin(() => 0, () => 0.5);
  assert.equal(lb.next('s', '1.1.1.1'), undefined);
  lb.update('s', ['a:1', 'b:1', 'c:1'], undefined);
  const picks = Array.from({ length: 6 }, () => lb.next('s', '1.1.1.1'));
  assert.deepEqual(new Set(picks.slice(0, 3)), new Set(['a:1', 'b:1', 'c:1']));
  assert.deepEqual(picks.slice(3), picks.slice(0, 3));
  lb.update('s', [], undefined);
  assert.equal(lb.next('s', '1.1.1.1'), undefined);
});

test('an unchanged endpoint set keeps the rotation; a changed one drops the removed endpoints', () => {
  const lb = new RoundRobin(() => 0, () => 0);
  lb.update('s', ['a:1', 'b:1'], undefined);
  const first = lb.next('s', 'x');
  lb.update('s', ['b:1', 'a:1'], undefined);
  assert.notEqual(lb.next('s', 'x'), first, 'rotation continues');
  lb.update('s', ['a:1'], undefined);
  for (let i = 0; i < 4; i++) assert.equal(lb.next('s', 'x'), 'a:1');
});

test('ClientIP affinity: same endpoint until idle for the timeout; retry resets it; removed endpoint forgotten', () => {
  let now = 0;
  const lb = new RoundRobin(() => now, () => 0.3);
  lb.update('s', ['a:1', 'b:1', 'c:1'], 10);
  const a = lb.next('s', '10.0.0.1')!;
  const b = lb.next('s', '10.0.0.2')!;
  assert.notEqual(a, b);
  for (let i = 0; i < 5; i++) {
    now += 9_000; // each use refreshes the 10 s timer
    assert.equal(lb.next('s', '10.0.0.1'), a);
  }
  const retried = lb.next('s', '10.0.0.1', true)!;
  assert.notEqual(retried, a);
  assert.equal(lb.next('s', '10.0.0.1'), retried, 'the retry pick becomes the affinity');
  now += 10_000;
  lb.next('s', '10.0.0.1'); // expired: a fresh round-robin pick (may coincide), recorded again
  lb.update('s', ['a:1', 'b:1', 'c:1'].filter((e) => e !== b), 10);
  assert.notEqual(lb.next('s', '10.0.0.2'), b);
  now += 20_000;
  assert.ok(lb.expireAffinities() >= 1);
});

test('turning affinity off forgets every client', () => {
  const lb = new RoundRobin(() => 0, () => 0);
  lb.update('s', ['a:1', 'b:1'], 100);
  const a = lb.next('s', 'c')!;
  assert.equal(lb.next('s', 'c'), a);
  lb.update('s', ['a:1', 'b:1'], undefined);
  assert.notEqual(lb.next('s', 'c'), a);
});
