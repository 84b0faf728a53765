/**
 * Adam, with optional AMSGrad — torch.optim.Adam. AdamW (adamw.ts) is the same rule with
 * decoupled weight decay.
 *
 *   g ← ∇f(θ) + λθ
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   v̂ ← max(v̂, v) if amsgrad, else v
 *   θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
 *
 * Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015;
 * Reddi, Kale & Kumar, "On the Convergence of Adam and Beyond", ICLR 2018 (AMSGrad).
 */
import * as tf from '@tensorflow/tfjs-core';
import { BatchedOptimizer, gradWithWeightDecay, type UpdateContext } from './base';

export class Adam extends BatchedOptimizer {
  /** Adam adds λθ to the gradient; AdamW overrides this to decay the weights directly. */
  protected decay(ctx: UpdateContext, param: tf.Tensor, grad: tf.Tensor): { param: tf.Tensor; grad: tf.Tensor } {
    return { param, grad: gradWithWeightDecay(ctx, param, grad, this.values.weightDecay) };
  }

  protected update(ctx: UpdateContext, param: tf.Tensor, grad: tf.Tensor): tf.Tensor {
    const { param: p, grad: g } = this.decay(ctx, param, grad);
    const { beta1, beta2 } = this.values;
    const t = ctx.t;
    const m = tf.add(tf.mul(ctx.hyper('beta1'), ctx.slot('m')), tf.mul(ctx.perRow((i) => 1 - beta1[i]), g));
    const v = tf.add(tf.mul(ctx.hyper('beta2'), ctx.slot('v')), tf.mul(ctx.perRow((i) => 1 - beta2[i]), tf.square(g)));
    ctx.setSlot('m', m);
    ctx.setSlot('v', v);
    let vHat = v;
    if (this.options.amsgrad) {
      vHat = tf.maximum(ctx.slot('vMax'), v);
      ctx.setSlot('vMax', vHat);
    }
    const stepSize = tf.div(ctx.lr, ctx.perRow((i) => 1 - beta1[i] ** t));
    const denom = tf.add(tf.div(tf.sqrt(vHat), ctx.perRow((i) => Math.sqrt(1 - beta2[i] ** t))), ctx.hyper('eps'));
    return tf.sub(p, tf.mul(stepSize, tf.div(m, denom)));
  }
}
