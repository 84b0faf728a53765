import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { gatherRows, gatherRowsCheck, gatherRowsKernel } from './gatherRows';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('gatherRows', () => {
  it('returns x[rows, :], repeated rows included, without leaking tensors', async () => {
    const x = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
      [10, 11, 12],
    ]);
    const before = tf.memory().numTensors;
    const g = gatherRows(x, Int32Array.from([3, 0, 3]));
    expect(g.shape).toEqual([3, 3]);
    expect(Array.from(await g.data())).toEqual([10, 11, 12, 1, 2, 3, 10, 11, 12]);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('rejects a row outside the tensor with a message that names it', () => {
    const x = tf.zeros([4, 2]) as tf.Tensor2D;
    expect(() => gatherRows(x, [0, 4])).toThrow('row 4 is outside 0–3');
    expect(() => gatherRows(x, [-1])).toThrow('row -1');
    expect(() => gatherRows(x, [1.5])).toThrow('row 1.5');
    x.dispose();
  });

  it('has no packed kernel on cpu, and its check compares against tf.gather with zero error', async () => {
    expect(gatherRowsKernel()).toBe(false);
    const before = tf.memory().numTensors;
    const { packed, results } = await gatherRowsCheck();
    expect(packed).toBe(false);
    expect(results).toHaveLength(5);
    expect(results.every((r) => r.maxAbsError === 0)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
