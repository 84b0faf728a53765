/**
 * Adamax — torch.optim.Adamax (Adam with the infinity norm).
 *
 *   g ← ∇f(θ) + λθ
 *   m ← β₁·m + (1 − β₁)·g
 *   u ← max(β₂·u, |g| + ε)
 *   θ ← θ − (η / (1 − β₁ᵗ)) · m / u
 *
 * Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, section 7.1.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BatchedOptimizer, gradWithWeightDecay, type UpdateContext } from './base';

export class Adamax extends BatchedOptimizer {
  protected update(ctx: UpdateContext, param: tf.Tensor, grad: tf.Tensor): tf.Tensor {
    const g = gradWithWeightDecay(ctx, param, grad, this.values.weightDecay);
    const { beta1 } = this.values;
    const m = tf.add(tf.mul(ctx.hyper('beta1'), ctx.slot('m')), tf.mul(ctx.perRow((i) => 1 - beta1[i]), g));
    const u = tf.maximum(tf.mul(ctx.hyper('beta2'), ctx.slot('u')), tf.add(tf.abs(g), ctx.hyper('eps')));
    ctx.setSlot('m', m);
    ctx.setSlot('u', u);
    const stepSize = tf.div(ctx.lr, ctx.perRow((i) => 1 - beta1[i] ** ctx.t));
    return tf.sub(param, tf.mul(stepSize, tf.div(m, u)));
  }
}
