/** The training loop's inputs, outputs and parts' interfaces, without the loop (train.ts). */
import type * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/dataset';
import type { ModelShape, ModelSpec } from '../models/shape';
import type { ParamMap } from '../optimizers/optimizer';
import type { OptimizerSetting } from '../optimizers/registry';
import type { ScheduleSpec } from '../schedules/schedules';
import type { Status } from '../status';

export interface TrainConfig {
  model: ModelSpec;
  /** one optimizer setting per model (same optimizer and on/off options for all) */
  optimizers: OptimizerSetting[];
  /** one schedule per model (complete, see scheduleWithDefaults) */
  schedules: ScheduleSpec[];
  /** one initialisation seed per model; equal seeds give equal initial weights (a fair comparison) */
  initSeeds: number[];
  /** seeds the batch order, shared by every model */
  seed: number;
  batchSize: number;
  epochs: number;
  l1: number;
  l2: number;
  clipNorm: number | null;
  clipValue: number | null;
  /** epochs without a better test loss before a model stops (null: never) */
  patience: number | null;
  /** dropout rate on hidden units while training (0: none) */
  dropout?: number;
  /** one batch-order seed per model; by default every model uses `seed` (the same batches) */
  shuffleSeeds?: number[];
  /** stop after this many optimizer steps, even within an epoch (the learning-rate range test) */
  maxSteps?: number;
  /** start from these weights ([model][parameter], as `keepWeights` returns them) instead of initialising */
  initialWeights?: ModelWeights[][];
  /** what else shapes the training (the compression lab's masks, pruning, QAT and distillation: compress/hooks.ts) */
  hooks?: TrainHookFactory[];
}

/** What a hook is made for: the model's layers, how many models train together, the training rows. */
export interface HookContext {
  shape: ModelShape;
  K: number;
  train: Dataset;
}

/** A batch as the loop gathered it: inputs, one-hot labels (classification) and, when asked for, the rows' indices. */
export interface BatchRows {
  x: tf.Tensor2D | tf.Tensor3D;
  oneHot: tf.Tensor2D | tf.Tensor3D | null;
  /** [B] or, with a batch order per model, [K, B] */
  indices: tf.Tensor1D | tf.Tensor2D | null;
}

/**
 * A part the training loop calls at fixed points, so that what shapes training without being training
 * (compression) stays in its own module. Every method is optional.
 */
export interface TrainHook {
  /** the forward pass's view of the parameters (QAT: fake-quantized weights), inside the step's tidy */
  view?(params: ParamMap): ParamMap;
  /** each model's loss [K] in place of the data loss (distillation) */
  loss?(out: tf.Tensor3D, batch: BatchRows): tf.Tensor1D;
  /** whether loss() reads the batch's row indices */
  needsIndices?: boolean;
  /** once, before the first step: the parameters to start from (masks applied), or null; the loop disposes the old ones */
  start?(params: ParamMap): ParamMap | null;
  /** before a step: new parameters to continue from (gradual pruning), or null; the loop disposes the old ones */
  before?(step: number, params: ParamMap): Promise<ParamMap | null>;
  /** the optimizer's proposal, constrained (frozen layers, masks held); disposes what it replaces in `next` */
  constrain?(next: ParamMap, before: ParamMap): ParamMap;
  dispose?(): void;
}

export type TrainHookFactory = (ctx: HookContext) => TrainHook;

export interface EpochMetrics {
  epoch: number;
  /** optimizer steps taken so far */
  step: number;
  trainLoss: number;
  testLoss: number;
  /** null for regression */
  trainAccuracy: number | null;
  testAccuracy: number | null;
}

export interface TrainModelResult {
  /** loss of each optimizer step's batch */
  stepLoss: number[];
  /** accuracy on each step's batch (classification; empty for regression) */
  stepAccuracy: number[];
  /** learning rate used at each step */
  lr: number[];
  /** ‖g‖ of each step's gradient (all parameters, before clipping); NaN on the steps between diagnostics (TrainOptions.diagnosticsEvery) */
  gradNorm: number[];
  /** per step, per layer: ‖Δw‖ / ‖w‖, the size of the update relative to the weights; NaN between diagnostics */
  updateRatio: number[][];
  epochs: EpochMetrics[];
  /** running while it trains; early-stopped by patience; cancelled when the job was (status.ts) */
  status: Extract<Status, 'running' | 'done' | 'diverged' | 'early-stopped' | 'cancelled'>;
  divergedAt?: number;
  /** why a run that produced finite numbers counts as diverged (it ended far worse than guessing) */
  reason?: string;
  /** the epoch after which early stopping froze it */
  stoppedAfter?: number;
  /** function evaluations so far (closure-based optimizers: L-BFGS evaluates the batch's loss several times a step) */
  evaluations?: number;
}

/** A model before its first step: empty series, running (the loop's start, and the page's copy before the first delta). */
export function trainModelEmpty(): TrainModelResult {
  return { stepLoss: [], stepAccuracy: [], lr: [], gradNorm: [], updateRatio: [], epochs: [], status: 'running' };
}

export interface WeightHistogram {
  layer: number;
  min: number;
  max: number;
  counts: number[];
}

/** A snapshot for the live views; arrays are per model unless said otherwise. */
export interface TrainProbe {
  step: number;
  epoch: number;
  /** [model][layer] */
  histograms: WeightHistogram[][];
  /** 2-D classification: class probabilities on an nx × ny grid over `bounds`, row-major from the top-left */
  boundary?: {
    nx: number;
    ny: number;
    bounds: [number, number, number, number];
    classes: number;
    probs: Float32Array[];
  };
  /** regression on one feature: the fitted curve */
  curve?: { xs: number[]; ys: number[][] };
  /** classification: counts [true][predicted] on the test set */
  confusion?: number[][][];
  /** classification: the first test rows' predicted class and its probability */
  samples?: { predicted: number[][]; confidence: number[][] };
}

/** One model's trained parameters as plain arrays (for export). */
export interface ModelWeights {
  name: string;
  shape: number[];
  values: number[];
}

export interface TrainResult {
  backend: string;
  stepsPerEpoch: number;
  models: TrainModelResult[];
  /** the last probe (when probes were asked for) */
  probe: TrainProbe | null;
  /** per model, when keepWeights */
  weights?: ModelWeights[][];
}

/**
 * Pause and single-step: the loop asks before each step whether to wait; if so it reports, then
 * waits until told. `wait` must resolve at once when a step was allowed while the report was read
 * back (a Step pressed during the readback is not lost).
 */
export interface TrainControl {
  shouldWait(): boolean;
  wait(): Promise<void>;
}

export interface ProbeOptions {
  /** grid size for the decision boundary (2-D data), default 60 */
  grid?: number;
  /** test rows whose predictions are reported, default 24 */
  samples?: number;
  /** bins of the weight histograms (default: 2·√n, between 8 and 40, for a layer of n weights) */
  bins?: number;
  /**
   * at most one probe per interval while training (default 300 ms, stretched to 4× the last probe's
   * own time so probes never take more than ~20% of training); the last one always comes
   */
  intervalMs?: number;
}

export interface TrainOptions {
  /** steps between readbacks of the per-step losses (default 50; the first readbacks come sooner) */
  chunkSize?: number;
  /**
   * the gradient norm and the update ratios are measured on every this-many-th step, from the first
   * (default DIAGNOSTICS_EVERY, like a logging interval); the steps between get NaN.
   */
  diagnosticsEvery?: number;
  onEpoch?: (models: readonly TrainModelResult[]) => void;
  /** after every readback, with a probe when one was due */
  onProgress?: (models: readonly TrainModelResult[], probe: TrainProbe | null, step: number) => void;
  probes?: ProbeOptions;
  control?: TrainControl;
  keepWeights?: boolean;
  signal?: AbortSignal;
  /**
   * share of wall time (0–0.9) the loop leaves idle after each readback, so a page that draws live
   * charts gets the GPU (and, on a software GPU, the CPU) between chunks; 0 (the default) never waits
   */
  yieldShare?: number;
}
