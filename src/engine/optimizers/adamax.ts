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
import { BatchedOptimizer, fusedDecayedGrad, gradWithWeightDecay, type UpdateContext } from './base';
import type { FusedRule } from './fusedStep';

export class Adamax extends BatchedOptimizer {
  protected update(ctx: UpdateContext, param: tf.Tensor, grad: tf.Tensor): tf.Tensor {
    const g = gradWithWeightDecay(ctx, param, grad, this.values.weightDecay);
    const { beta1 } = this.values;
    const m = tf.add(
      tf.mul(ctx.hyper('beta1'), ctx.slot('m')),
      tf.mul(
        ctx.perRow((i) => 1 - beta1[i]),
        g,
      ),
    );
    const u = tf.maximum(tf.mul(ctx.hyper('beta2'), ctx.slot('u')), tf.add(tf.abs(g), ctx.hyper('eps')));
    ctx.setSlot('m', m);
    ctx.setSlot('u', u);
    const stepSize = tf.div(
      ctx.lr,
      ctx.perRow((i) => 1 - beta1[i] ** ctx.t),
    );
    return tf.sub(param, tf.mul(stepSize, tf.div(m, u)));
  }

  protected fusedRule(ctx: UpdateContext): FusedRule | undefined {
    const v = this.sharedValues(ctx, ['lr', 'beta1', 'beta2', 'eps', 'weightDecay']);
    if (!v) return undefined;
    return {
      slots: [{ name: 'm' }, { name: 'u' }],
      scalars: {
        beta1: v.beta1,
        oneMinusBeta1: 1 - v.beta1,
        beta2: v.beta2,
        eps: v.eps,
        weightDecay: v.weightDecay,
        stepSize: Math.fround(v.lr) / Math.fround(1 - v.beta1 ** ctx.t),
      },
      lets: [
        fusedDecayedGrad(v.weightDecay),
        ['m', '$beta1 * @m + $oneMinusBeta1 * gd'],
        ['u', 'max($beta2 * @u, abs(gd) + $eps)'],
      ],
      next: { m: 'm', u: 'u' },
      param: 'p - $stepSize * (m / u)',
    };
  }
}
