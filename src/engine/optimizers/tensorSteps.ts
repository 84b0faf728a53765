/**
 * The steps that are not element-wise, in tensor ops (tfjs): Adafactor (row and column means, RMS
 * over a tensor) and Muon (a Newton–Schulz matrix iteration). Like the element-wise rules, every
 * tensor has a leading runs axis [N, …] and every numeric hyperparameter may differ per row, so N
 * runs still step together; the reductions are per row. Their metadata lives in adafactor.ts and
 * muon.ts; optimizer.ts calls these inside its tidy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchMatMul } from '../kernels/batchMatMul';
import type { RowValue, RuleContext } from './define';
import { MUON_NS } from './muon';

export interface TensorStepArgs {
  ctx: RuleContext;
  param: tf.Tensor;
  grad: tf.Tensor;
  /** this parameter's state from the last step; undefined before the first */
  state: tf.Tensor[] | undefined;
  /** step it as a matrix (Muon: its last axis the columns, the others folded into rows) */
  matrix: boolean;
}

export type TensorStep = (args: TensorStepArgs) => { param: tf.Tensor; state: tf.Tensor[] };

/** A per-row value as a tensor that broadcasts against [N, …] of this rank. */
function column(value: RowValue, rank: number): tf.Tensor {
  if (typeof value === 'number') return tf.scalar(value);
  return tf.tensor(Float32Array.from(value), [value.length, ...new Array<number>(rank - 1).fill(1)]);
}

/** the axes of one row's tensor */
const rowAxes = (rank: number) => Array.from({ length: rank - 1 }, (_, i) => i + 1);

/** RMS of each row's tensor, [N, 1, …] */
const rowRms = (x: tf.Tensor) => tf.sqrt(tf.mean(tf.square(x), rowAxes(x.rank), true));

/** a + w·(b − a), torch's lerp */
const lerp = (a: tf.Tensor, b: tf.Tensor, w: tf.Tensor) => tf.add(a, tf.mul(w, tf.sub(b, a)));

export const adafactorStep: TensorStep = ({ ctx, param, grad, state }) => {
  const { h, t } = ctx;
  const col = (v: RowValue) => column(v, param.rank);
  // 1 − β̂₂ₜ = t^τ; ρₜ = min(η, 1/√t); αₜ = max(ε₂, RMS(θₜ₋₁))·ρₜ, from θ before the decay
  const w = col(ctx.map((tau) => t ** tau, h.beta2Decay));
  const rho = col(ctx.map((lr) => Math.min(lr, 1 / Math.sqrt(t)), ctx.lr));
  const alpha = tf.mul(tf.maximum(rowRms(param), col(h.eps2)), rho);
  const decayed = ctx.nonzero(h.weightDecay)
    ? tf.mul(param, col(ctx.map((lr, wd) => 1 - lr * wd, ctx.lr, h.weightDecay)))
    : param;
  const g2 = tf.square(grad);
  const eps1 = col(h.eps1);
  let variance: tf.Tensor;
  let next: tf.Tensor[];
  if (param.rank >= 3) {
    // factored over the last two axes: R [N, …, m, 1], C [N, …, 1, n]
    const rows = lerp(state?.[0] ?? tf.zeros([...param.shape.slice(0, -1), 1]), tf.mean(g2, -1, true), w);
    const cols = lerp(
      state?.[1] ?? tf.zeros([...param.shape.slice(0, -2), 1, param.shape[param.rank - 1]]),
      tf.mean(g2, -2, true),
      w,
    );
    variance = tf.div(tf.mul(rows, cols), tf.maximum(tf.mean(rows, -2, true), eps1));
    next = [rows, cols];
  } else {
    variance = lerp(state?.[0] ?? tf.zerosLike(param), g2, w);
    next = [variance];
  }
  const update = tf.mul(grad, tf.rsqrt(tf.maximum(variance, tf.square(eps1))));
  const denom = tf.maximum(tf.div(rowRms(update), col(h.d)), 1);
  return { param: tf.sub(decayed, tf.mul(tf.div(alpha, denom), update)), state: next };
};

/** Muon's AdamW for parameters that are not matrices (β's from the hyperparameters, ε 1e-10, as the reference) */
function muonAdamw({ ctx, param, grad, state }: TensorStepArgs): { param: tf.Tensor; state: tf.Tensor[] } {
  const { h, t } = ctx;
  const col = (v: RowValue) => column(v, param.rank);
  // the schedule's factor on Muon's lr applies to AdamW's too
  const lr = ctx.map((l, base, aux) => (aux * l) / base, ctx.lr, h.lr, h.adamwLr);
  const b1 = col(h.beta1);
  const b2 = col(h.beta2);
  const m = lerp(state?.[0] ?? tf.zerosLike(param), grad, tf.sub(1, b1));
  const v = lerp(state?.[1] ?? tf.zerosLike(param), tf.square(grad), tf.sub(1, b2));
  const stepSize = col(ctx.map((l, b) => l / (1 - b ** t), lr, h.beta1));
  const bias2Sqrt = col(ctx.map((b) => Math.sqrt(1 - b ** t), h.beta2));
  const shrunk = tf.mul(param, col(ctx.map((l, wd) => 1 - l * wd, lr, h.weightDecay)));
  const p = tf.sub(shrunk, tf.mul(stepSize, tf.div(m, tf.add(tf.div(tf.sqrt(v), bias2Sqrt), 1e-10))));
  return { param: p, state: [m, v] };
}

export const muonStep: TensorStep = (args) => {
  const { ctx, param, grad, state, matrix } = args;
  if (!matrix) return muonAdamw(args);
  const { h } = ctx;
  const col = (v: RowValue) => column(v, param.rank);
  const mu = col(h.momentum);
  const buf = lerp(state?.[0] ?? tf.zerosLike(grad), grad, tf.sub(1, mu));
  const update = ctx.options.nesterov ? lerp(grad, buf, mu) : buf;
  // each row's matrix: A rows × B columns
  const N = param.shape[0];
  const B = param.shape[param.rank - 1];
  const A = param.size / N / B;
  const tall = A > B;
  let X = tf.reshape(update, [N, A, B]) as tf.Tensor3D;
  if (tall) X = tf.transpose(X, [0, 2, 1]);
  const norm = tf.sqrt(tf.sum(tf.square(X), [1, 2], true));
  X = tf.div(X, tf.maximum(norm, column(h.eps, 3)));
  const [a, b, c] = MUON_NS;
  // structural: rows stepped together share it (optimizerGroupKey)
  const steps = typeof h.nsSteps === 'number' ? h.nsSteps : h.nsSteps[0];
  for (let k = 0; k < steps; k++) {
    const gram = batchMatMul(X, X, { transposeB: true });
    const poly = tf.add(tf.mul(b, gram), tf.mul(c, batchMatMul(gram, gram))) as tf.Tensor3D;
    X = tf.add(tf.mul(a, X), batchMatMul(poly, X));
  }
  if (tall) X = tf.transpose(X, [0, 2, 1]);
  const ratio = ctx.options.matchRmsAdamw ? 0.2 * Math.sqrt(Math.max(A, B)) : Math.sqrt(Math.max(1, A / B));
  const shrunk = ctx.nonzero(h.weightDecay)
    ? tf.mul(param, col(ctx.map((lr, wd) => 1 - lr * wd, ctx.lr, h.weightDecay)))
    : param;
  const p = tf.sub(shrunk, tf.mul(col(ctx.map((lr) => lr * ratio, ctx.lr)), tf.reshape(X, param.shape)));
  return { param: p, state: [buf] };
};

export const TENSOR_STEPS: Record<string, TensorStep> = { adafactor: adafactorStep, muon: muonStep };
