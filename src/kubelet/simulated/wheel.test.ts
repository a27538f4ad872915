import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TimerWheel } from './wheel.js';

describe('TimerWheel', () => {
  it('fires every item once per interval, spread across the interval', async () => {
    const fired: Array<{ i: number; t: number }> = [];
    const t0 = Date.now();
    const w = new TimerWheel(20, 200, (i) => fired.push({ i, t: Date.now() - t0 }), 20);
    w.start();
    await new Promise((r) => setTimeout(r, 430));
    w.stop();
    const counts = new Map<number, number>();
    for (const f of fired) counts.set(f.i, (counts.get(f.i) ?? 0) + 1);
    for (let i = 0; i < 20; i++) assert.ok((counts.get(i) ?? 0) >= 1 && (counts.get(i) ?? 0) <= 3, `item ${i} fired ${counts.get(i)} times`);
    // Items of the first round are not all fired in the same tick.
    const firstRound = fired.filter((f) => f.t < 200);
    const ticks = new Set(firstRound.map((f) => Math.floor(f.t / 20)));
    assert.ok(ticks.size >= 5, `first round used only ${ticks.size} ticks`);
    const n = fired.length;
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(fired.length, n, 'nothing fires after stop');
  });
});
