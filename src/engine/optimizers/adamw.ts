/**
 * AdamW — torch.optim.AdamW: Adam with decoupled weight decay (default λ = 0.01).
 *
 *   θ ← θ·(1 − η·λ)
 *   then the Adam update of adam.ts with the raw gradient (no λθ term).
 *
 * Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { UpdateContext } from './base';
import { Adam } from './adam';
import type { AdamStepScalars } from './fusedAdam';

export class AdamW extends Adam {
  protected decay(ctx: UpdateContext, param: tf.Tensor, grad: tf.Tensor): { param: tf.Tensor; grad: tf.Tensor } {
    if (this.values.weightDecay.every((w) => w === 0)) return { param, grad };
    const shrink = tf.sub(1, tf.mul(ctx.lr, ctx.hyper('weightDecay')));
    return { param: tf.mul(param, shrink), grad };
  }

  protected fusedDecay(lr: number, weightDecay: number): Pick<AdamStepScalars, 'weightDecay' | 'shrink'> {
    return { weightDecay: 0, shrink: 1 - lr * weightDecay };
  }
}
