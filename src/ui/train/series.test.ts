import { describe, expect, it } from 'vitest';
import { seedBand, smoothEma } from './series';

describe('smoothEma', () => {
  it('is debiased like TensorBoard: a constant stays constant from the first point', () => {
    expect(smoothEma([3, 3, 3, 3], 0.9).map((v) => Number(v.toFixed(12)))).toEqual([3, 3, 3, 3]);
  });
  it('matches a hand computation for w = 0.5', () => {
    // s1 = 0.5·1 = 0.5 → /0.5 = 1; s2 = 0.25 + 0.5·3 = 1.75 → /0.75 = 2.333…
    const s = smoothEma([1, 3], 0.5);
    expect(s[0]).toBeCloseTo(1, 12);
    expect(s[1]).toBeCloseTo(1.75 / 0.75, 12);
  });
  it('w = 0 returns the series unchanged', () => {
    expect(smoothEma([1, 5, 2], 0)).toEqual([1, 5, 2]);
  });
});

describe('seedBand', () => {
  it('gives the mean and ± one sample standard deviation per point, over the common length', () => {
    const b = seedBand([
      [1, 2, 9],
      [3, 4],
      [5, 6],
    ]);
    expect(b.mean).toEqual([3, 4]);
    expect(b.lo).toEqual([1, 2]); // sd of (1, 3, 5) is 2
    expect(b.hi).toEqual([5, 6]);
  });
});
