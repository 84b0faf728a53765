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
import { BatchedOptimizer, gradWithWeightDecay, sharedValue, type UpdateContext } from './base';
import { adamStep, adamStepKernel, type AdamStepScalars } from './fusedAdam';

export class Adam extends BatchedOptimizer {
  /** Adam adds λθ to the gradient; AdamW overrides this to decay the weights directly. */
  protected decay(ctx: UpdateContext, param: tf.Tensor, grad: tf.Tensor): { param: tf.Tensor; grad: tf.Tensor } {
    return { param, grad: gradWithWeightDecay(ctx, param, grad, this.values.weightDecay) };
  }

  /** The fused kernel's weight-decay scalars for a learning rate and decay λ (Adam: g ← g + λθ; the rate is AdamW's). */
  protected fusedDecay(_lr: number, weightDecay: number): Pick<AdamStepScalars, 'weightDecay' | 'shrink'> {
    return { weightDecay, shrink: 1 };
  }

  /**
   * The scalars for the fused kernel (fusedAdam.ts), where the backend has it and every row shares
   * its betas, ε and weight decay; otherwise undefined and the tf-op path runs. Rows whose learning
   * rates differ (a sweep) get `rows`: each row's step size η/(1 − β₁ᵗ) and shrink, row by row.
   */
  private fusedScalars(ctx: UpdateContext): { scalars: AdamStepScalars; rows?: number[] } | undefined {
    if (this.options.amsgrad || !adamStepKernel()) return undefined;
    const [beta1, beta2, eps, weightDecay] = [
      this.values.beta1,
      this.values.beta2,
      this.values.eps,
      this.values.weightDecay,
    ].map(sharedValue);
    if (beta1 === undefined || beta2 === undefined || eps === undefined || weightDecay === undefined) return undefined;
    const lr = sharedValue(ctx.lrValues);
    const stepSize = (rate: number) => rate / (1 - beta1 ** ctx.t);
    const first = lr ?? ctx.lrValues[0];
    const scalars: AdamStepScalars = {
      beta1,
      oneMinusBeta1: 1 - beta1,
      beta2,
      oneMinusBeta2: 1 - beta2,
      stepSize: stepSize(first),
      bias2Sqrt: Math.sqrt(1 - beta2 ** ctx.t),
      eps,
      ...this.fusedDecay(first, weightDecay),
    };
    if (lr !== undefined) return { scalars };
    return {
      scalars,
      rows: Array.from(ctx.lrValues, (rate) => [stepSize(rate), this.fusedDecay(rate, weightDecay).shrink]).flat(),
    };
  }

  protected update(ctx: UpdateContext, param: tf.Tensor, grad: tf.Tensor): tf.Tensor {
    const fused = this.fusedScalars(ctx);
    if (fused) {
      // the fused kernel keeps m and v stacked in one slot, [2, …θ]; a run that stepped in tf ops
      // before (rows whose rates parted and met again) brings its m and v along
      const mv = ctx.hasSlot('mv')
        ? ctx.slot('mv')
        : ctx.hasSlot('m')
          ? tf.stack([ctx.slot('m'), ctx.slot('v')])
          : tf.zeros([2, ...param.shape]);
      const next = adamStep(
        param,
        grad,
        mv,
        fused.scalars,
        fused.rows ? tf.tensor2d(fused.rows, [this.rows, 2]) : undefined,
      );
      ctx.setSlot('mv', next.mv);
      ctx.dropSlot('m');
      ctx.dropSlot('v');
      return next.param;
    }
    const { param: p, grad: g } = this.decay(ctx, param, grad);
    const { beta1, beta2 } = this.values;
    const t = ctx.t;
    const [m0, v0] = ctx.hasSlot('mv') ? tf.unstack(ctx.slot('mv')) : [ctx.slot('m'), ctx.slot('v')];
    ctx.dropSlot('mv');
    const m = tf.add(
      tf.mul(ctx.hyper('beta1'), m0),
      tf.mul(
        ctx.perRow((i) => 1 - beta1[i]),
        g,
      ),
    );
    const v = tf.add(
      tf.mul(ctx.hyper('beta2'), v0),
      tf.mul(
        ctx.perRow((i) => 1 - beta2[i]),
        tf.square(g),
      ),
    );
    ctx.setSlot('m', m);
    ctx.setSlot('v', v);
    let vHat = v;
    if (this.options.amsgrad) {
      vHat = tf.maximum(ctx.slot('vMax'), v);
      ctx.setSlot('vMax', vHat);
    }
    const stepSize = tf.div(
      ctx.lr,
      ctx.perRow((i) => 1 - beta1[i] ** t),
    );
    const denom = tf.add(
      tf.div(
        tf.sqrt(vHat),
        ctx.perRow((i) => Math.sqrt(1 - beta2[i] ** t)),
      ),
      ctx.hyper('eps'),
    );
    return tf.sub(p, tf.mul(stepSize, tf.div(m, denom)));
  }
}
