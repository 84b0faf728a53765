import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testingMaxRelError, testingTensorCount, testingUseCpu } from '../testing';
import { MODEL_CASES, modelCaseParams, modelCaseRun, modelCheckAll } from './torchModels';

beforeAll(testingUseCpu);

describe('modelForward and modelLoss against torch (torch.nn.functional and autograd)', () => {
  it('every activation and head: outputs, loss and the gradient of every weight and bias', async () => {
    const before = testingTensorCount();
    const results = await modelCheckAll();
    expect(results).toHaveLength(9);
    expect(results.filter((r) => !(r.maxRelError < 1e-5)).map((r) => `${r.label}: ${r.maxRelError}`)).toEqual([]);
    expect(testingTensorCount()).toBe(before);
  });

  it('K models in one pass: each gets the loss and gradient it gets alone (no mixing across the model axis)', async () => {
    // two multiclass cases of equal sizes, both run with the first's activation
    const [a, b] = MODEL_CASES.filter((c) => c.head === 'multiclass');
    const both = modelCaseParams([a, b]);
    const together = await modelCaseRun(a, both);
    tf.dispose(Object.values(both));
    expect(together.loss[0]).not.toBeCloseTo(together.loss[1], 3);
    for (const [k, c] of [a, b].entries()) {
      const one = modelCaseParams([c]);
      const alone = await modelCaseRun(a, one);
      tf.dispose(Object.values(one));
      expect(together.loss[k]).toBeCloseTo(alone.loss[0], 6);
      for (const n of Object.keys(alone.grads))
        expect(testingMaxRelError(together.grads[n][k], alone.grads[n][0])).toBeLessThan(1e-6);
    }
  });
});
