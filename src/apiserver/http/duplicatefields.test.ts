import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { duplicateFields } from './duplicatefields.js';

describe('duplicateFields', () => {
  it('finds duplicate keys with their paths', () => {
    assert.deepEqual(duplicateFields('{"a":1,"b":{"c":1,"c":2},"a":3}'), ['b.c', 'a']);
    assert.deepEqual(duplicateFields('{"spec":{"containers":[{"name":"x"},{"name":"y","name":"z"}]}}'), ['spec.containers[1].name']);
  });
  it('ignores keys repeated in different objects and key-like strings in values', () => {
    assert.deepEqual(duplicateFields('{"a":{"x":1},"b":{"x":1},"c":["a","a"],"d":"\\"a\\":1"}'), []);
    assert.deepEqual(duplicateFields('{"k\\u0041":1,"kA":2}'), ['kA']);
  });
});
