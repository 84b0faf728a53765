/**
 * Regularisation of the loss: λ₂·Σw² + λ₁·Σ|w| over the weights (not the biases) of each model, and
 * gradient clipping as PyTorch does it (by value clamps each component; by norm scales a model's whole
 * gradient by max_norm / (‖g‖ + 1e-6) when that is below 1, torch.nn.utils.clip_grad_norm_).
 * Dropout is the model's own (models.ts, ModelDropout).
 */
import * as tf from '@tensorflow/tfjs-core';
import { perModelSumSquares } from '../models/models';
import type { ParamMap } from '../optimizers/optimizer';

/** λ₂·Σw² + λ₁·Σ|w| over the weights of each model: [K], or null without a penalty. */
export function regularizationPenalty(params: ParamMap, l1: number, l2: number): tf.Tensor1D | null {
  if (l1 === 0 && l2 === 0) return null;
  const weights = Object.keys(params).filter((k) => k.endsWith('/w'));
  return tf.tidy(() => {
    let total: tf.Tensor = tf.zeros([params['l0/w'].shape[0]]);
    for (const k of weights) {
      if (l2 !== 0) total = tf.add(total, tf.mul(l2, perModelSumSquares(params[k])));
      if (l1 !== 0)
        total = tf.add(total, tf.mul(l1, tf.sum(tf.abs(tf.reshape(params[k], [params[k].shape[0], -1])), 1)));
    }
    return total as tf.Tensor1D;
  });
}

export function trainGradClip(grads: ParamMap, clipValue: number | null, clipNorm: number | null): ParamMap {
  return tf.tidy(() => {
    let out = grads;
    if (clipValue !== null)
      out = Object.fromEntries(Object.entries(out).map(([k, g]) => [k, tf.clipByValue(g, -clipValue, clipValue)]));
    if (clipNorm !== null) {
      const sq = Object.values(out).map((g) => perModelSumSquares(g));
      const norm = tf.sqrt(sq.reduce((a, b) => tf.add(a, b)));
      const coef = tf.minimum(tf.div(clipNorm, tf.add(norm, 1e-6)), 1);
      out = Object.fromEntries(
        Object.entries(out).map(([k, g]) => [k, tf.mul(g, tf.reshape(coef, [-1, ...g.shape.slice(1).map(() => 1)]))]),
      );
    }
    return out;
  });
}
