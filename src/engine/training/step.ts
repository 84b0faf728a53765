/**
 * One training step's arithmetic for K models at once, before and after the optimizer: the forward
 * pass, the loss (with the regularisation penalty) and its gradient, clipping, and the metrics the
 * loop reads back, as the rows of one [rows, K] tensor per step:
 *
 *   0 loss (with the penalty)   1 batch accuracy   2 data loss (without it)
 *   3 gradient norm and 4… each layer's update ratio ‖Δw‖/‖w‖, on a diagnostics step only
 *
 * Rows a step does not need are left out rather than filled with NaN on the GPU (without a penalty
 * the data loss is row 0, and only diagnostics steps carry 3…), so every program a step saves counts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { stepDiagnostics, stepDiagnosticsFusable } from '../kernels/stepDiagnostics';
import { modelAccuracy, modelForward, modelLoss, perModelSumSquares, softmaxXent } from '../models/models';
import type { ModelShape } from '../models/shape';
import type { ParamMap } from '../optimizers/optimizer';
import { randomMixSeed } from '../random';
import { regularizationPenalty, trainGradClip } from './regularize';
import type { BatchRows, TrainConfig } from './types';
import { gradientsGuarded } from '../tape';

export const METRIC_ROW = { loss: 0, accuracy: 1, dataLoss: 2, norm: 3, ratio: 4 } as const;

/** What the step needs of the configuration, and what the hooks change in it. */
export interface StepSettings {
  shape: ModelShape;
  cfg: Pick<TrainConfig, 'l1' | 'l2' | 'clipNorm' | 'clipValue' | 'dropout' | 'seed'>;
  /** the forward pass's view of the parameters (hooks: QAT) */
  view: (params: ParamMap) => ParamMap;
  /** each model's loss in place of the data loss (hooks: distillation), or null */
  loss: ((out: tf.Tensor3D, batch: BatchRows) => tf.Tensor1D) | null;
}

/** How a step measures its diagnostics: not at all, in one program (kernels/stepDiagnostics.ts), or in tf ops. */
export type DiagnosticsMode = 'none' | 'fused' | 'ops';

/**
 * The loss, its gradient (clipped) and the step's metric rows 0–2 (and 3 when the diagnostics are in
 * tf ops). Call with the batch gathered inside the same tidy. `y` holds the batch's class indices or
 * targets where the loss needs them (regression, binary heads, or a hook's loss).
 */
export function stepGradients(
  s: StepSettings,
  params: ParamMap,
  batch: BatchRows & { y: tf.Tensor1D | tf.Tensor2D | null },
  step: number,
  diagnostics: DiagnosticsMode,
): { value: tf.Tensor2D; grads: ParamMap } {
  const { shape, cfg } = s;
  const K = params['l0/w'].shape[0];
  const classify = shape.head !== 'regression';
  // softmax cross-entropy with its accuracy from the one-hot rows (kernels/xentStats.ts): no labels needed
  const statsLoss = s.loss === null && batch.oneHot !== null;
  const names = Object.keys(params);
  let losses: tf.Tensor1D | null = null;
  let dataLosses: tf.Tensor1D | null = null;
  let outputs: tf.Tensor3D | null = null;
  let statsKept: tf.Tensor2D | null = null;
  let penalised = false;
  const dropout = cfg.dropout ? { rate: cfg.dropout, seed: randomMixSeed(cfg.seed, step, 0xd40) } : undefined;
  // one forward pass: each model's loss with dy = 1 gives each model its own gradient, without the
  // programs of a sum; the ones stay in JavaScript unless a gradient reads them
  try {
    const gradList = gradientsGuarded(() =>
      tf.grads(() => {
        const out = modelForward(shape, s.view(params), batch.x, dropout);
        outputs = tf.keep(out);
        let loss: tf.Tensor1D;
        if (s.loss) loss = s.loss(out, batch);
        else if (statsLoss) {
          const r = softmaxXent(out, batch.oneHot!);
          loss = r.loss;
          statsKept = tf.keep(r.stats);
        } else loss = modelLoss(shape, out, batch.y!, batch.oneHot);
        const pen = regularizationPenalty(params, cfg.l1, cfg.l2);
        penalised = pen !== null;
        dataLosses = tf.keep(loss);
        losses = tf.keep(pen ? tf.add(loss, pen) : loss) as tf.Tensor1D;
        return losses;
      })(
        names.map((n) => params[n]),
        tf.tensor1d(new Float32Array(K).fill(1)),
      ),
    );
    const perModel = losses as unknown as tf.Tensor1D;
    const out = outputs as unknown as tf.Tensor3D;
    const stats = statsKept as tf.Tensor2D | null;
    const dataLoss = dataLosses as unknown as tf.Tensor1D;
    const diagnose = diagnostics !== 'none';
    const norm =
      diagnostics === 'ops' ? [tf.sqrt(gradList.map((g) => perModelSumSquares(g)).reduce((a, c) => tf.add(a, c)))] : [];
    // the loss stats are rows 0 and 1 already
    const value = (
      stats && !penalised && !diagnose
        ? tf.clone(stats)
        : stats
          ? tf.concat([
              penalised ? tf.stack([perModel, tf.reshape(tf.slice(stats, [1, 0], [1, K]), [K])]) : stats,
              tf.stack([dataLoss, ...norm]),
            ])
          : tf.stack([
              perModel,
              classify ? modelAccuracy(shape, out, batch.y!) : tf.zerosLike(perModel),
              dataLoss,
              ...norm,
            ])
    ) as tf.Tensor2D;
    const grads = Object.fromEntries(names.map((n, i) => [n, gradList[i]]));
    return { value, grads: trainGradClip(grads, cfg.clipValue, cfg.clipNorm) };
  } finally {
    // kept inside tf.grads so they outlive its scope; their values are in value by now (or the step failed)
    tf.dispose([losses, dataLosses, outputs, statsKept].filter((t) => t !== null));
  }
}

/**
 * The gradient norm and each layer's update ratio, on every `every`-th step: in one program where the
 * backend can read every tensor and the gradients are the ones stepped (no clipping), else in tf ops,
 * where ‖w‖ before a step is the previous step's ‖w‖ after it when that step measured it (every 1).
 */
export class Diagnostics {
  private weightSq: tf.Tensor1D[] | null = null;

  constructor(
    private readonly shape: ModelShape,
    private readonly every: number,
    private readonly clipped: boolean,
  ) {}

  mode(step: number, params: ParamMap): DiagnosticsMode {
    if (step % this.every !== 0) return 'none';
    return !this.clipped && stepDiagnosticsFusable(Object.keys(params).length, this.shape.layers.length)
      ? 'fused'
      : 'ops';
  }

  /** The step's metric rows: `value` with the diagnostics rows of `mode` appended (disposes nothing it is given). */
  rows(mode: DiagnosticsMode, value: tf.Tensor2D, grads: ParamMap, params: ParamMap, next: ParamMap): tf.Tensor2D {
    const { shape } = this;
    const K = params['l0/w'].shape[0];
    const weights = (m: ParamMap) => shape.layers.map((_, l) => m[`l${l}/w`]);
    if (mode === 'fused') {
      return tf.tidy(
        () =>
          tf.concat([
            value,
            stepDiagnostics(
              Object.keys(params).map((n) => grads[n]),
              weights(params),
              weights(next),
            ),
          ]) as tf.Tensor2D,
      );
    }
    if (mode === 'none') return tf.clone(value);
    const before = this.weightSq ?? tf.tidy(() => weights(params).map((w) => perModelSumSquares(w)));
    const after = this.every === 1 ? tf.tidy(() => weights(next).map((w) => perModelSumSquares(w))) : null;
    const metrics = tf.tidy(() => {
      const ratios = shape.layers.map((_, l) => {
        const change = tf.sum(tf.reshape(tf.squaredDifference(next[`l${l}/w`], params[`l${l}/w`]), [K, -1]), 1);
        return tf.div(tf.sqrt(change), tf.add(tf.sqrt(before[l]), 1e-12));
      });
      return tf.concat([value, tf.stack(ratios)]) as tf.Tensor2D;
    });
    tf.dispose(before);
    this.weightSq = after;
    return metrics;
  }

  /** The parameters were replaced between steps (masks, pruning): ‖w‖ is measured afresh. */
  reset(): void {
    if (this.weightSq) tf.dispose(this.weightSq);
    this.weightSq = null;
  }

  dispose(): void {
    this.reset();
  }
}
