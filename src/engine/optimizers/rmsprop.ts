/**
 * RMSprop, optionally centered and with momentum — torch.optim.RMSprop.
 *
 *   g ← ∇f(θ) + λθ
 *   v ← α·v + (1 − α)·g²
 *   centered:  ḡ ← α·ḡ + (1 − α)·g,   d ← √(v − ḡ²) + ε
 *   otherwise: d ← √v + ε
 *   b ← μ·b + g/d,   θ ← θ − η·b          (μ = 0 gives θ ← θ − η·g/d)
 *
 * Hinton, Neural Networks for Machine Learning, lecture 6e (2012); centered form: Graves, "Generating
 * Sequences With Recurrent Neural Networks", 2013.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BatchedOptimizer, fusedDecayedGrad, gradWithWeightDecay, type UpdateContext } from './base';
import type { FusedRule } from './fusedStep';

export class Rmsprop extends BatchedOptimizer {
  protected update(ctx: UpdateContext, param: tf.Tensor, grad: tf.Tensor): tf.Tensor {
    const g = gradWithWeightDecay(ctx, param, grad, this.values.weightDecay);
    const alpha = ctx.hyper('alpha');
    const oneMinusAlpha = ctx.perRow((i) => 1 - this.values.alpha[i]);
    const sq = tf.add(tf.mul(alpha, ctx.slot('squareAvg')), tf.mul(oneMinusAlpha, tf.square(g)));
    ctx.setSlot('squareAvg', sq);
    let avg: tf.Tensor;
    if (this.options.centered) {
      const gAvg = tf.add(tf.mul(alpha, ctx.slot('gradAvg')), tf.mul(oneMinusAlpha, g));
      ctx.setSlot('gradAvg', gAvg);
      avg = tf.add(tf.sqrt(tf.sub(sq, tf.square(gAvg))), ctx.hyper('eps'));
    } else {
      avg = tf.add(tf.sqrt(sq), ctx.hyper('eps'));
    }
    const direction = tf.div(g, avg);
    if (this.values.momentum.every((m) => m === 0)) return tf.sub(param, tf.mul(ctx.lr, direction));
    const buf = tf.add(tf.mul(ctx.hyper('momentum'), ctx.slot('momentum')), direction);
    ctx.setSlot('momentum', buf);
    return tf.sub(param, tf.mul(ctx.lr, buf));
  }

  protected fusedRule(ctx: UpdateContext): FusedRule | undefined {
    const v = this.sharedValues(ctx, ['lr', 'alpha', 'eps', 'weightDecay', 'momentum']);
    if (!v) return undefined;
    const { centered } = this.options;
    const momentum = v.momentum !== 0;
    return {
      slots: [
        { name: 'squareAvg' },
        ...(centered ? [{ name: 'gradAvg' }] : []),
        ...(momentum ? [{ name: 'momentum' }] : []),
      ],
      scalars: {
        lr: v.lr,
        alpha: v.alpha,
        oneMinusAlpha: 1 - v.alpha,
        eps: v.eps,
        weightDecay: v.weightDecay,
        momentum: v.momentum,
      },
      lets: [
        fusedDecayedGrad(v.weightDecay),
        ['sq', '$alpha * @squareAvg + $oneMinusAlpha * (gd * gd)'],
        ...(centered
          ? ([
              ['ga', '$alpha * @gradAvg + $oneMinusAlpha * gd'],
              ['avg', 'sqrt(sq - ga * ga) + $eps'],
            ] as [string, string][])
          : [['avg', 'sqrt(sq) + $eps'] as [string, string]]),
        ['dir', 'gd / avg'],
        ['buf', momentum ? '$momentum * @momentum + dir' : 'dir'],
      ],
      next: { squareAvg: 'sq', gradAvg: 'ga', momentum: 'buf' },
      param: 'p - $lr * buf',
    };
  }
}
