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
import { BatchedOptimizer, gradWithWeightDecay, type UpdateContext } from './base';

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
}
