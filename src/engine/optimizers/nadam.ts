/**
 * NAdam — torch.optim.NAdam (Adam with Nesterov momentum and momentum decay ψ).
 *
 *   g ← ∇f(θ) + λθ
 *   μₜ ← β₁·(1 − ½·0.96^(t·ψ)),   μₜ₊₁ ← β₁·(1 − ½·0.96^((t+1)·ψ)),   Πₜ ← Πₜ₋₁·μₜ
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²,   d ← √(v / (1 − β₂ᵗ)) + ε
 *   θ ← θ − η·(1 − μₜ)/(1 − Πₜ) · g/d − η·μₜ₊₁/(1 − Πₜ·μₜ₊₁) · m/d
 *
 * Dozat, "Incorporating Nesterov Momentum into Adam", ICLR 2016 workshop.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BatchedOptimizer, gradWithWeightDecay, type HyperValues, type UpdateContext } from './base';

export class Nadam extends BatchedOptimizer {
  /** Πₜ per row; a product of scalars, kept in JavaScript like torch keeps it in a 0-d tensor. */
  private readonly muProduct: Float64Array;
  private muProductStep = 0;

  constructor(rows: HyperValues[]) {
    super(rows);
    this.muProduct = new Float64Array(this.rows).fill(1);
  }

  private mu(row: number, t: number): number {
    return this.values.beta1[row] * (1 - 0.5 * 0.96 ** (t * this.values.momentumDecay[row]));
  }

  protected update(ctx: UpdateContext, param: tf.Tensor, grad: tf.Tensor): tf.Tensor {
    const t = ctx.t;
    if (this.muProductStep !== t) {
      // once per step, shared by every parameter
      for (let i = 0; i < this.rows; i++) this.muProduct[i] *= this.mu(i, t);
      this.muProductStep = t;
    }
    const g = gradWithWeightDecay(ctx, param, grad, this.values.weightDecay);
    const { beta1, beta2 } = this.values;
    const m = tf.add(tf.mul(ctx.hyper('beta1'), ctx.slot('m')), tf.mul(ctx.perRow((i) => 1 - beta1[i]), g));
    const v = tf.add(tf.mul(ctx.hyper('beta2'), ctx.slot('v')), tf.mul(ctx.perRow((i) => 1 - beta2[i]), tf.square(g)));
    ctx.setSlot('m', m);
    ctx.setSlot('v', v);
    const denom = tf.add(tf.sqrt(tf.div(v, ctx.perRow((i) => 1 - beta2[i] ** t))), ctx.hyper('eps'));
    const gradCoef = ctx.perRow((i) => (1 - this.mu(i, t)) / (1 - this.muProduct[i]));
    const mCoef = ctx.perRow((i) => this.mu(i, t + 1) / (1 - this.muProduct[i] * this.mu(i, t + 1)));
    const update = tf.add(tf.mul(gradCoef, tf.div(g, denom)), tf.mul(mCoef, tf.div(m, denom)));
    return tf.sub(param, tf.mul(ctx.lr, update));
  }
}
