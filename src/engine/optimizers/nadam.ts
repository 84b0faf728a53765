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
import { BatchedOptimizer, fusedDecayedGrad, gradWithWeightDecay, type HyperValues, type UpdateContext } from './base';
import type { FusedRule } from './fusedStep';

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

  /** Πₜ ← Πₜ₋₁·μₜ, once per step whichever path the step's parameters take. */
  private advance(t: number): void {
    if (this.muProductStep === t) return;
    for (let i = 0; i < this.rows; i++) this.muProduct[i] *= this.mu(i, t);
    this.muProductStep = t;
  }

  protected update(ctx: UpdateContext, param: tf.Tensor, grad: tf.Tensor): tf.Tensor {
    const t = ctx.t;
    this.advance(t);
    const g = gradWithWeightDecay(ctx, param, grad, this.values.weightDecay);
    const { beta1, beta2 } = this.values;
    const m = tf.add(
      tf.mul(ctx.hyper('beta1'), ctx.slot('m')),
      tf.mul(
        ctx.perRow((i) => 1 - beta1[i]),
        g,
      ),
    );
    const v = tf.add(
      tf.mul(ctx.hyper('beta2'), ctx.slot('v')),
      tf.mul(
        ctx.perRow((i) => 1 - beta2[i]),
        tf.square(g),
      ),
    );
    ctx.setSlot('m', m);
    ctx.setSlot('v', v);
    const denom = tf.add(
      tf.sqrt(
        tf.div(
          v,
          ctx.perRow((i) => 1 - beta2[i] ** t),
        ),
      ),
      ctx.hyper('eps'),
    );
    const gradCoef = ctx.perRow((i) => (1 - this.mu(i, t)) / (1 - this.muProduct[i]));
    const mCoef = ctx.perRow((i) => this.mu(i, t + 1) / (1 - this.muProduct[i] * this.mu(i, t + 1)));
    const update = tf.add(tf.mul(gradCoef, tf.div(g, denom)), tf.mul(mCoef, tf.div(m, denom)));
    return tf.sub(param, tf.mul(ctx.lr, update));
  }

  protected fusedRule(ctx: UpdateContext): FusedRule | undefined {
    const v = this.sharedValues(ctx, ['lr', 'beta1', 'beta2', 'eps', 'weightDecay', 'momentumDecay']);
    if (!v) return undefined;
    const t = ctx.t;
    this.advance(t);
    const [mu, muNext, product] = [this.mu(0, t), this.mu(0, t + 1), this.muProduct[0]];
    return {
      slots: [{ name: 'm' }, { name: 'v' }],
      scalars: {
        lr: v.lr,
        beta1: v.beta1,
        oneMinusBeta1: 1 - v.beta1,
        beta2: v.beta2,
        oneMinusBeta2: 1 - v.beta2,
        eps: v.eps,
        weightDecay: v.weightDecay,
        bias2: 1 - v.beta2 ** t,
        gradCoef: (1 - mu) / (1 - product),
        mCoef: muNext / (1 - product * muNext),
      },
      lets: [
        fusedDecayedGrad(v.weightDecay),
        ['m', '$beta1 * @m + $oneMinusBeta1 * gd'],
        ['v', '$beta2 * @v + $oneMinusBeta2 * (gd * gd)'],
        ['denom', 'sqrt(v / $bias2) + $eps'],
      ],
      next: { m: 'm', v: 'v' },
      param: 'p - $lr * ($gradCoef * (gd / denom) + $mCoef * (m / denom))',
    };
  }
}
