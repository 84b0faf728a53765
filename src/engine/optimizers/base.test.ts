/**
 * BatchedOptimizer's slot bookkeeping: an update rule may keep its state under another name from one
 * step to the next (fused Adam stacks m and v into one slot and unstacks them again when a step goes
 * through tf ops); the state must carry over exactly and no tensor may be left behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testingUseCpu } from '../testing';
import { BatchedOptimizer, type UpdateContext } from './base';

beforeAll(testingUseCpu);

/** θ ← θ − s with s ← s + g, its running sum kept in slot 'a' on odd steps and stacked twice in 'b' on even ones. */
class Moving extends BatchedOptimizer {
  protected update(ctx: UpdateContext, param: tf.Tensor, grad: tf.Tensor): tf.Tensor {
    const sum = ctx.hasSlot('a')
      ? ctx.slot('a')
      : ctx.hasSlot('b')
        ? tf.unstack(ctx.slot('b'))[0]
        : tf.zerosLike(param);
    const next = tf.add(sum, grad);
    if (ctx.t % 2 === 1) {
      ctx.setSlot('a', next);
      ctx.dropSlot('b');
    } else {
      ctx.setSlot('b', tf.stack([next, next]));
      ctx.dropSlot('a');
    }
    return tf.sub(param, next);
  }
}

describe('optimizer slots', () => {
  it('a slot dropped and another set in the same step carries the state, and leaves no tensor behind', async () => {
    const opt = new Moving([{ lr: 1 }]);
    let p: tf.Tensor = tf.tensor2d([[0, 0]]);
    const before = tf.memory().numTensors;
    for (let s = 1; s <= 5; s++) {
      const g = tf.tensor2d([[s, 2 * s]]);
      const next = opt.step({ p }, { p: g }, [1]).p;
      tf.dispose([p, g]);
      p = next;
      // exactly one of the two slots exists after each step, holding Σ g so far
      expect([opt.slot('p/a') !== undefined, opt.slot('p/b') !== undefined]).toEqual(
        s % 2 === 1 ? [true, false] : [false, true],
      );
    }
    // θ = −Σ_{s=1..5} (Σ_{i≤s} g_i): sums 1, 3, 6, 10, 15 → −35 and twice that
    expect(Array.from(await p.data())).toEqual([-35, -70]);
    // the optimizer holds one slot (b: [2, 1, 2]) and the parameter: as many tensors as before, plus the stacked slot
    expect(tf.memory().numTensors).toBe(before + 1);
    p.dispose();
    opt.dispose();
  });
});
