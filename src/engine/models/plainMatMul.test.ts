import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testingUseCpu } from '../testing';
import { batchMatMul, plainMatMulOn, plainMatMulSet } from './plainMatMul';
import { plainMatMulCheck } from './plainMatMulCheck';

beforeAll(testingUseCpu);

describe('OptiplayMatMul on the cpu backend', () => {
  it("gives tfjs matmul's products on odd sizes, transposes, bias per model or shared, relu, sigmoid and NaN", async () => {
    expect(plainMatMulOn()).toBe(true);
    const before = tf.memory().numTensors;
    const results = await plainMatMulCheck();
    expect(results.length).toBe(7);
    expect(results.filter((r) => !(r.maxRelError < 1e-5)).map((r) => `${r.label}: ${r.maxRelError}`)).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is the path batchMatMul takes (a hand-worked product), and can be turned off for comparison', async () => {
    const a = tf.tensor3d([1, 2, 3, 4, 5, 6], [1, 2, 3]);
    const b = tf.tensor3d([1, 0, 0, 1, 1, 1], [1, 3, 2]);
    const bias = tf.tensor1d([-10, 0]);
    const run = async (on: boolean) => {
      plainMatMulSet(on);
      try {
        let values: number[] = [];
        const info = await tf.profile(async () => {
          const y = batchMatMul(a, b, { activation: 'relu', bias });
          values = Array.from(await y.data());
          y.dispose();
        });
        return { values, kernels: info.kernelNames };
      } finally {
        plainMatMulSet(true);
      }
    };
    // [[1, 2, 3], [4, 5, 6]] · [[1, 0], [0, 1], [1, 1]] = [[4, 5], [10, 11]]; + (−10, 0); relu
    const on = await run(true);
    expect(on.values).toEqual([0, 5, 0, 11]);
    expect(on.kernels).toContain('OptiplayMatMul');
    const off = await run(false);
    expect(off.values).toEqual([0, 5, 0, 11]);
    expect(off.kernels).not.toContain('OptiplayMatMul');
    tf.dispose([a, b, bias]);
  });
});
