/**
 * SGD with momentum, dampening, Nesterov momentum and coupled weight decay — torch.optim.SGD.
 *
 *   g ← ∇f(θ) + λθ
 *   b ← g                         (first step)
 *   b ← μ·b + (1 − τ)·g           (later steps)
 *   g ← g + μ·b  if nesterov, else g ← b       (only when μ ≠ 0)
 *   θ ← θ − η·g
 *
 * Plain gradient descent is SGD with μ = 0 on the full batch.
 * Nesterov: Sutskever et al., "On the importance of initialization and momentum in deep learning", ICML 2013.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BatchedOptimizer, fusedDecayedGrad, gradWithWeightDecay, type HyperValues, type UpdateContext } from './base';
import type { FusedRule } from './fusedStep';

export class Sgd extends BatchedOptimizer {
  private readonly useMomentum: boolean;

  constructor(rows: HyperValues[]) {
    // torch skips the buffer entirely where momentum is 0; with a per-row buffer that is the same
    // as momentum 0 and dampening 0 on that row.
    super(rows.map((r) => (r.momentum === 0 ? { ...r, dampening: 0 } : r)));
    this.useMomentum = this.values.momentum.some((m) => m !== 0);
  }

  protected update(ctx: UpdateContext, param: tf.Tensor, grad: tf.Tensor): tf.Tensor {
    let g = gradWithWeightDecay(ctx, param, grad, this.values.weightDecay);
    if (this.useMomentum) {
      const mu = ctx.hyper('momentum');
      const buf =
        ctx.t === 1
          ? tf.clone(g) // torch clones the first gradient into the buffer
          : tf.add(
              tf.mul(mu, ctx.slot('momentum')),
              tf.mul(
                ctx.perRow((i) => 1 - this.values.dampening[i]),
                g,
              ),
            );
      ctx.setSlot('momentum', buf);
      g = this.options.nesterov ? tf.add(g, tf.mul(mu, buf)) : buf;
    }
    return tf.sub(param, tf.mul(ctx.lr, g));
  }

  protected fusedRule(ctx: UpdateContext): FusedRule | undefined {
    const v = this.sharedValues(ctx, ['lr', 'momentum', 'dampening', 'weightDecay']);
    if (!v) return undefined;
    const scalars = { lr: v.lr, weightDecay: v.weightDecay, momentum: v.momentum, oneMinusDampening: 1 - v.dampening };
    if (!this.useMomentum)
      return { slots: [], scalars, lets: [fusedDecayedGrad(v.weightDecay)], next: {}, param: 'p - $lr * gd' };
    return {
      slots: [{ name: 'momentum' }],
      scalars,
      lets: [
        fusedDecayedGrad(v.weightDecay),
        ['buf', ctx.t === 1 ? 'gd' : '$momentum * @momentum + $oneMinusDampening * gd'],
        ['dir', this.options.nesterov ? 'gd + $momentum * buf' : 'buf'],
      ],
      next: { momentum: 'buf' },
      param: 'p - $lr * dir',
    };
  }
}
