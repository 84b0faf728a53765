import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testingTensorCount, testingUseCpu } from '../testing';
import { MetricBuffer } from './metricBuffer';

beforeAll(testingUseCpu);

describe('MetricBuffer', () => {
  it('gives back each push by name in order, and frees what it held', async () => {
    const before = testingTensorCount();
    const b = new MetricBuffer();
    b.push('loss', tf.tensor1d([1, 2]));
    b.push('xy', tf.tensor2d([[3, 4]]));
    b.push('loss', tf.tensor1d([5, 6]));
    expect([b.count(), b.count('loss')]).toEqual([3, 2]);
    const r = await b.read();
    expect(r.loss.map((a) => Array.from(a))).toEqual([
      [1, 2],
      [5, 6],
    ]);
    expect(r.xy.map((a) => Array.from(a))).toEqual([[3, 4]]);
    expect(b.count()).toBe(0);
    expect(testingTensorCount()).toBe(before);
    expect(await b.read()).toEqual({});
  });

  it('reads more than a readback holds in several, in order', async () => {
    const b = new MetricBuffer();
    const n = 3 * 1024 * 1024; // two of these exceed one readback's 4 M values
    for (let i = 0; i < 3; i++) b.push('frame', tf.fill([n], i));
    const r = await b.read();
    expect(r.frame.map((a) => [a.length, a[0], a[n - 1]])).toEqual([
      [n, 0, 0],
      [n, 1, 1],
      [n, 2, 2],
    ]);
  });
});
