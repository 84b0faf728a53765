import { describe, expect, it } from 'vitest';
import { datasetSplit } from './dataset';
import { SYNTHETIC_NAMES, syntheticMake } from './synthetic';

describe('synthetic datasets', () => {
  it('are seeded: same seed, same points; another seed, other points', () => {
    for (const name of SYNTHETIC_NAMES) {
      const a = syntheticMake(name, { size: 200, noise: 0.3, seed: 4 });
      expect(a.x).toEqual(syntheticMake(name, { size: 200, noise: 0.3, seed: 4 }).x);
      expect(a.x).not.toEqual(syntheticMake(name, { size: 200, noise: 0.3, seed: 5 }).x);
      expect(a.x.every(Number.isFinite)).toBe(true);
    }
  });

  it('classification sets have two balanced classes; regression sets follow their curve', () => {
    for (const name of ['circle', 'xor', 'gaussians', 'spiral', 'moons'] as const) {
      const d = syntheticMake(name, { size: 400, noise: 0, seed: 1 });
      const ones = d.y.filter((v) => v === 1).length;
      expect(d.nClasses).toBe(2);
      expect(ones / d.n).toBeGreaterThan(0.4);
      expect(ones / d.n).toBeLessThan(0.6);
    }
    const line = syntheticMake('linear', { size: 50, noise: 0, seed: 1 });
    for (let i = 0; i < line.n; i++) expect(line.y[i]).toBeCloseTo(2 * line.x[i], 5);
    const sine = syntheticMake('sine', { size: 50, noise: 0, seed: 1 });
    for (let i = 0; i < sine.n; i++) expect(sine.y[i]).toBeCloseTo(Math.sin(sine.x[i]), 5);
  });

  it('circle: the inner class lies inside radius 2.5 and the outer outside 3.5 (without noise)', () => {
    const d = syntheticMake('circle', { size: 300, noise: 0, seed: 2 });
    for (let i = 0; i < d.n; i++) {
      const r = Math.hypot(d.x[2 * i], d.x[2 * i + 1]);
      if (d.y[i] === 0) expect(r).toBeLessThanOrEqual(2.5 + 1e-5);
      else expect(r).toBeGreaterThanOrEqual(3.5 - 1e-5);
    }
  });

  it('split: seeded, disjoint, sized by the test fraction', () => {
    const d = syntheticMake('moons', { size: 101, noise: 0.1, seed: 3 });
    const { train, test } = datasetSplit(d, 0.3, 9);
    expect(test.n).toBe(30);
    expect(train.n).toBe(71);
    expect(datasetSplit(d, 0.3, 9).test.x).toEqual(test.x);
    const key = (x: Float32Array, i: number) => `${x[2 * i]},${x[2 * i + 1]}`;
    const trainKeys = new Set(Array.from({ length: train.n }, (_, i) => key(train.x, i)));
    for (let i = 0; i < test.n; i++) expect(trainKeys.has(key(test.x, i))).toBe(false);
    expect(() => datasetSplit(d, 1.5, 1)).toThrow(/between 0 and 1/);
  });
});
