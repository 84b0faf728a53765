/**
 * Every defined kernel on the cpu backend: its cases against its plain-loop reference (independent of
 * the tf ops), and against the tf-op reference; the self-test page runs the same cases on webgpu and
 * webgl. A kernel is checked by being defined in kernels/index.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelChecks } from '../checks/kernels';
import { testingTensorCount, testingUseCpu } from '../testing';
import { batchMatMul, batchMatMulKernel } from './batchMatMul';
import { gatherRows } from './gatherRows';
import { KERNELS } from '.';

beforeAll(testingUseCpu);

describe('the engine kernels on cpu', () => {
  it('every kernel has a name of its own, cases and an independent plain-loop reference', () => {
    expect(new Set(KERNELS.map((k) => k.name)).size).toBe(KERNELS.length);
    for (const k of KERNELS) {
      expect(k.cases().length, k.name).toBeGreaterThan(0);
      expect(typeof k.naive, k.name).toBe('function');
    }
  });

  it('every case gives the plain loop’s and the tf ops’ numbers, without leaking tensors', async () => {
    const before = testingTensorCount();
    const results = await kernelChecks();
    expect(results.length).toBeGreaterThan(100);
    expect(
      results.filter((r) => !r.passed).map((r) => `${r.kernel} ${r.label}: ${r.vsReference} / ${r.vsNaive}`),
    ).toEqual([]);
    // on cpu only the matrix products have a program of their own; the rest run their tf ops
    expect([...new Set(results.filter((r) => r.program).map((r) => r.kernel))]).toEqual(['OptiplayMatMul']);
    expect(testingTensorCount()).toBe(before);
  });

  it('the matrix products go through OptiplayMatMul on cpu (a hand-worked product), and can be turned off', async () => {
    const a = tf.tensor3d([1, 2, 3, 4, 5, 6], [1, 2, 3]);
    const b = tf.tensor3d([1, 0, 0, 1, 1, 1], [1, 3, 2]);
    const bias = tf.tensor1d([-10, 0]);
    const run = async (on: boolean) => {
      batchMatMulKernel.enable(on);
      try {
        let values: number[] = [];
        const info = await tf.profile(async () => {
          const y = batchMatMul(a, b, { activation: 'relu', bias });
          values = Array.from(await y.data());
          y.dispose();
        });
        return { values, kernels: info.kernelNames };
      } finally {
        batchMatMulKernel.enable(true);
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

  it('gatherRows returns x[rows, :] and names a row outside the tensor', async () => {
    const x = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
      [10, 11, 12],
    ]);
    const g = gatherRows(x, Int32Array.from([3, 0, 3]));
    expect(Array.from(await g.data())).toEqual([10, 11, 12, 1, 2, 3, 10, 11, 12]);
    expect(() => gatherRows(x, [0, 4])).toThrow('row 4 is outside 0–3');
    expect(() => gatherRows(x, [1.5])).toThrow('row 1.5');
    tf.dispose([x, g]);
  });
});
