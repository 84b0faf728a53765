import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testingUseCpu } from '../testing';
import fixtures from './compressFixtures.json';
import { distillLoss, softTargets } from './distill';
import { maskSparsity, pruneMasks, zhuGuptaSparsity } from './prune';

beforeAll(testingUseCpu);

describe('pruning masks', () => {
  const a = { values: [0.5, -0.1, 0.3, -0.9, 0.05, 0.2], units: 3 }; // [2, 3]
  const b = { values: [1.0, -0.02, 0.4, 0.6], units: 2 }; // [2, 2]

  it('per layer: exactly round(s·n) of each layer, the smallest |w| first', () => {
    const [ma, mb] = pruneMasks([a, b], 0.5, 'layer');
    expect(Array.from(ma)).toEqual([1, 0, 1, 1, 0, 0]);
    expect(Array.from(mb)).toEqual([1, 0, 0, 1]);
  });

  it('global: exactly round(s·N) over all layers together', () => {
    const masks = pruneMasks([a, b], 0.4, 'global'); // 4 of 10: 0.02, 0.05, 0.1, 0.2
    expect(masks.map((m) => Array.from(m))).toEqual([
      [1, 0, 1, 1, 0, 0],
      [1, 0, 1, 1],
    ]);
    expect(maskSparsity(masks)).toBe(0.4);
  });

  it('structured: whole output units with the smallest L1 norm', () => {
    // columns of a: |0.5|+|−0.9| = 1.4, |−0.1|+|0.05| = 0.15, |0.3|+|0.2| = 0.5 → unit 1 goes first, then 2
    expect(Array.from(pruneMasks([a], 0.34, 'structured')[0])).toEqual([1, 0, 1, 1, 0, 1]);
    expect(Array.from(pruneMasks([a], 0.67, 'structured')[0])).toEqual([1, 0, 0, 1, 0, 0]);
  });

  it('meets every sparsity exactly, ties included, at 0 % and 100 %', () => {
    const flat = { values: new Array(1000).fill(0.5), units: 10 };
    for (const s of [0, 0.1, 0.5, 0.9, 0.999, 1]) {
      expect(maskSparsity(pruneMasks([flat], s, 'layer'))).toBeCloseTo(Math.round(s * 1000) / 1000, 12);
      expect(maskSparsity(pruneMasks([flat, { values: new Array(24).fill(0.1), units: 4 }], s, 'global'))).toBeCloseTo(
        Math.round(s * 1024) / 1024,
        12,
      );
    }
    expect(() => pruneMasks([flat], 1.5, 'layer')).toThrow('the sparsity must be between 0 and 1');
  });
});

describe('Zhu & Gupta gradual schedule', () => {
  const g = { initial: 0, final: 0.9, start: 100, updates: 10, every: 50 };
  it('is s_i before t₀, cubic between, held between updates, s_f after', () => {
    expect(zhuGuptaSparsity(0, g)).toBe(0);
    expect(zhuGuptaSparsity(100, g)).toBe(0);
    // t = 150: 0.9 + (0 − 0.9)(1 − 50/500)³ = 0.9 − 0.9·0.729 = 0.2439
    expect(zhuGuptaSparsity(150, g)).toBeCloseTo(0.2439, 12);
    expect(zhuGuptaSparsity(199, g)).toBeCloseTo(0.2439, 12);
    // t = 350: 0.9 − 0.9·(0.5)³ = 0.7875
    expect(zhuGuptaSparsity(350, g)).toBeCloseTo(0.7875, 12);
    expect(zhuGuptaSparsity(600, g)).toBeCloseTo(0.9, 12);
    expect(zhuGuptaSparsity(10_000, g)).toBeCloseTo(0.9, 12);
  });
});

describe('distillation loss', () => {
  it('matches torch: α·T²·KL(teacher_T ‖ student_T) + (1 − α)·CE', () => {
    for (const c of fixtures.distill) {
      const s = tf.tensor3d([c.student]);
      const t = tf.tensor2d(c.teacher);
      const y = tf.cast(tf.oneHot(tf.tensor1d(c.labels, 'int32'), 3), 'float32') as tf.Tensor2D;
      const loss = distillLoss(s, t, y, c.T, c.alpha);
      expect(loss.dataSync()[0]).toBeCloseTo(c.loss, 5);
      tf.dispose([s, t, y, loss]);
    }
  });
  it('by hand: identical logits have no soft loss; T² scales the soft term', () => {
    const z = tf.tensor3d([[[1, 2, 0.5]]]);
    const y = tf.tensor2d([[0, 1, 0]]);
    const same = distillLoss(z, tf.squeeze(z, [0]) as tf.Tensor2D, y, 3, 1);
    expect(same.dataSync()[0]).toBeCloseTo(0, 6);
    // soft term alone at T: T²·KL; check the T² factor against KL computed from softTargets
    const t = tf.tensor2d([[0.2, 1.5, -1]]);
    for (const T of [1, 2, 5]) {
      const pt = softTargets([0.2, 1.5, -1], T);
      const ps = softTargets([1, 2, 0.5], T);
      const kl = pt.reduce((acc, p, i) => acc + p * Math.log(p / ps[i]), 0);
      const v = distillLoss(z, t, y, T, 1);
      expect(v.dataSync()[0]).toBeCloseTo(T * T * kl, 5);
      v.dispose();
    }
    tf.dispose([z, y, same, t]);
  });
  it('soft targets flatten as T grows', () => {
    const p1 = softTargets([3, 1, 0], 1);
    const p10 = softTargets([3, 1, 0], 10);
    expect(p1.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(Math.max(...p10)).toBeLessThan(Math.max(...p1));
    expect(Math.max(...p10) - Math.min(...p10)).toBeLessThan(0.12);
  });
});
