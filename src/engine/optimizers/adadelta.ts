/**
 * Adadelta — torch.optim.Adadelta.
 *
 *   g ← ∇f(θ) + λθ
 *   v ← ρ·v + (1 − ρ)·g²
 *   Δ ← √(u + ε) / √(v + ε) · g
 *   u ← ρ·u + (1 − ρ)·Δ²
 *   θ ← θ − η·Δ
 *
 * Zeiler, "ADADELTA: An Adaptive Learning Rate Method", 2012. PyTorch keeps a learning rate η
 * (default 1.0) that scales Δ; the paper has none.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BatchedOptimizer, fusedDecayedGrad, gradWithWeightDecay, type UpdateContext } from './base';
import type { FusedRule } from './fusedStep';

export class Adadelta extends BatchedOptimizer {
  protected update(ctx: UpdateContext, param: tf.Tensor, grad: tf.Tensor): tf.Tensor {
    const g = gradWithWeightDecay(ctx, param, grad, this.values.weightDecay);
    const rho = ctx.hyper('rho');
    const oneMinusRho = ctx.perRow((i) => 1 - this.values.rho[i]);
    const eps = ctx.hyper('eps');
    const sq = tf.add(tf.mul(rho, ctx.slot('squareAvg')), tf.mul(oneMinusRho, tf.square(g)));
    const accDelta = ctx.slot('accDelta');
    const delta = tf.mul(tf.div(tf.sqrt(tf.add(accDelta, eps)), tf.sqrt(tf.add(sq, eps))), g);
    ctx.setSlot('squareAvg', sq);
    ctx.setSlot('accDelta', tf.add(tf.mul(rho, accDelta), tf.mul(oneMinusRho, tf.square(delta))));
    return tf.sub(param, tf.mul(ctx.lr, delta));
  }

  protected fusedRule(ctx: UpdateContext): FusedRule | undefined {
    const v = this.sharedValues(ctx, ['lr', 'rho', 'eps', 'weightDecay']);
    if (!v) return undefined;
    return {
      slots: [{ name: 'squareAvg' }, { name: 'accDelta' }],
      scalars: { lr: v.lr, rho: v.rho, oneMinusRho: 1 - v.rho, eps: v.eps, weightDecay: v.weightDecay },
      lets: [
        fusedDecayedGrad(v.weightDecay),
        ['sq', '$rho * @squareAvg + $oneMinusRho * (gd * gd)'],
        ['delta', 'sqrt(@accDelta + $eps) / sqrt(sq + $eps) * gd'],
      ],
      next: { squareAvg: 'sq', accDelta: '$rho * @accDelta + $oneMinusRho * (delta * delta)' },
      param: 'p - $lr * delta',
    };
  }
}
