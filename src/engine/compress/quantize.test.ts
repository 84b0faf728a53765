import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testingUseCpu } from '../testing';
import fixtures from './compressFixtures.json';
import { fakeQuantize, quantParams, quantParamsOf, quantizeWeight, quantRange, roundHalfEven } from './quantize';

beforeAll(testingUseCpu);

/** equal to float32 precision: within 2 ulps (relative 2.4e-7) */
const closeF32 = (a: number, b: number) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(2.4e-7 * Math.max(Math.abs(a), Math.abs(b), 1e-30));

describe('quantization against PyTorch (scripts/make_compress_fixtures.py)', () => {
  it.each(
    fixtures.cases.map(
      (c) => [`${c.tensor} ${c.bits}-bit ${c.scheme} ${c.perChannel ? 'per channel' : 'per tensor'}`, c] as const,
    ),
  )('%s: scale, zero point and fake-quantized values', (_, c) => {
    expect(quantRange(c.bits, c.scheme as 'affine' | 'symmetric')).toEqual({ qmin: c.qmin, qmax: c.qmax });
    const x = c.x as number[][];
    // the plain-number formulas, per tensor or per output channel (the last axis)
    const cols = c.perChannel ? x[0].map((_, j) => x.map((row) => row[j])) : [x.flat()];
    cols.forEach((values, j) => {
      const p = quantParams(Math.min(...values), Math.max(...values), c.bits, c.scheme as 'affine' | 'symmetric');
      closeF32(p.scale, c.scale[j]);
      expect(p.zeroPoint).toBe(c.zeroPoint[j]);
    });
    // the device version, on a [K = 1, in, out] weight
    const cfg = { bits: c.bits, scheme: c.scheme as 'affine' | 'symmetric', perChannel: c.perChannel };
    const w = tf.tensor3d([x]);
    const { scale, zeroPoint } = quantParamsOf(w, cfg);
    Array.from(scale.dataSync()).forEach((v, j) => closeF32(v, c.scale[j]));
    expect(Array.from(zeroPoint.dataSync())).toEqual(c.zeroPoint);
    const fq = quantizeWeight(w, cfg);
    (fq.arraySync() as number[][][])[0].forEach((row, i) =>
      row.forEach((v, j) => expect(v).toBeCloseTo((c.fakeQuant as number[][])[i][j], 6)),
    );
    tf.dispose([w, scale, zeroPoint, fq]);
  });

  it('the straight-through gradient passes inside the clamp range and is 0 outside, as torch', () => {
    for (const c of fixtures.ste) {
      const x = tf.tensor1d(c.x);
      const up = tf.tensor1d(c.upstream);
      const s = tf.scalar(c.scale);
      const z = tf.scalar(c.zeroPoint);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(fakeQuantize(v, s, z, c.qmin, c.qmax), up)))(x);
      expect(Array.from(g.dataSync())).toEqual(c.grad);
      expect(Array.from(fakeQuantize(x, s, z, c.qmin, c.qmax).dataSync())).toEqual(
        c.fakeQuant.map((v) => expect.closeTo(v, 6)),
      );
      tf.dispose([x, up, s, z, g]);
    }
  });

  it('by hand: 2-bit affine on [−1, 2] has scale 1 and zero point 1; QAT gradients flow only through the estimator', () => {
    expect(quantParams(-1, 2, 2, 'affine')).toEqual({ scale: 1, zeroPoint: 1 });
    // 4-bit symmetric on ±3: scale = 3 / 7.5 = 0.4, zero point 0
    expect(quantParams(-3, 1, 4, 'symmetric').scale).toBeCloseTo(0.4, 7);
    expect([
      roundHalfEven(0.5),
      roundHalfEven(1.5),
      roundHalfEven(2.5),
      roundHalfEven(-0.5),
      roundHalfEven(-1.5),
    ]).toEqual([0, 2, 2, -0, -2]);
    // the weight's own min/max are observed, not differentiated: d/dw Σ x̂ = 1 everywhere (all inside the range)
    const w = tf.tensor3d([
      [
        [-1, 0.3],
        [0.7, 2],
      ],
    ]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(quantizeWeight(v, { bits: 2, scheme: 'affine', perChannel: false })))(w);
    expect(Array.from(g.dataSync())).toEqual([1, 1, 1, 1]);
    tf.dispose([w, g]);
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    const w = tf.randomNormal([3, 4, 5]);
    const out = tf.tidy(() => quantizeWeight(w, { bits: 4, scheme: 'affine', perChannel: true }));
    tf.dispose([w, out]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
