/**
 * Adagrad — torch.optim.Adagrad.
 *
 *   g ← ∇f(θ) + λθ
 *   η̃ ← η / (1 + (t − 1)·δ)          (lrDecay δ)
 *   s ← s + g²                       (s starts at initialAccumulatorValue)
 *   θ ← θ − η̃ · g / (√s + ε)
 *
 * Duchi, Hazan & Singer, "Adaptive Subgradient Methods for Online Learning and Stochastic Optimization", JMLR 2011.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BatchedOptimizer, fusedDecayedGrad, gradWithWeightDecay, type UpdateContext } from './base';
import type { FusedRule } from './fusedStep';

export class Adagrad extends BatchedOptimizer {
  protected update(ctx: UpdateContext, param: tf.Tensor, grad: tf.Tensor): tf.Tensor {
    const g = gradWithWeightDecay(ctx, param, grad, this.values.weightDecay);
    const decayed = tf.div(
      ctx.lr,
      ctx.perRow((i) => 1 + (ctx.t - 1) * this.values.lrDecay[i]),
    );
    const sum = tf.add(ctx.slot('sum', 'initialAccumulatorValue'), tf.square(g));
    ctx.setSlot('sum', sum);
    const std = tf.add(tf.sqrt(sum), ctx.hyper('eps'));
    return tf.sub(param, tf.mul(decayed, tf.div(g, std)));
  }

  protected fusedRule(ctx: UpdateContext): FusedRule | undefined {
    const v = this.sharedValues(ctx, ['lr', 'lrDecay', 'eps', 'weightDecay', 'initialAccumulatorValue']);
    if (!v) return undefined;
    return {
      slots: [{ name: 'sum', init: v.initialAccumulatorValue }],
      // η̃ rounded to float32 as the tf-op path's division of two float32 values
      scalars: {
        decayed: Math.fround(v.lr) / Math.fround(1 + (ctx.t - 1) * v.lrDecay),
        eps: v.eps,
        weightDecay: v.weightDecay,
      },
      lets: [fusedDecayedGrad(v.weightDecay), ['sum', '@sum + gd * gd']],
      next: { sum: 'sum' },
      param: 'p - $decayed * (gd / (sqrt(sum) + $eps))',
    };
  }
}
