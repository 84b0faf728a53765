/**
 * Mini-batch training of K models at once. The data is uploaded to the device once; each epoch a
 * seeded permutation (one small upload) orders the rows and batches are gathered on the device.
 * Batch size 1 is SGD, the full training set is gradient descent, anything between is mini-batch.
 * Per-step losses stay on the device and are read back in chunks. An epoch's training loss and
 * accuracy are the means over its batches, weighted by batch size (as Keras' fit and the usual
 * PyTorch loop report them: free, since every batch's values are already there; the loss is the
 * data loss, without the L1/L2 penalty, so it compares with the test loss). Test loss and accuracy
 * are computed on the whole test set at the end of each epoch.
 *
 * Regularisation adds λ₂·Σw² and λ₁·Σ|w| over the weights (not the biases) to each model's loss.
 * Gradient clipping follows PyTorch: by value clamps each component; by norm scales a model's whole
 * gradient by max_norm / (‖g‖ + 1e-6) when that is below 1 (torch.nn.utils.clip_grad_norm_).
 * A model whose loss becomes NaN/Inf is marked diverged at that step and frozen (its rate is set to
 * 0); early stopping freezes a model whose test loss has not improved for `patience` epochs.
 *
 * Fair comparisons by default: models with equal init seeds start from equal weights, and all see
 * the same batch order. `shuffleSeeds` gives each model its own order (repeats over seeds); then
 * each batch is gathered per model, [K, B, d], still in one program.
 *
 * While it runs it can report probes for the live views (weight histograms, the decision boundary
 * on a grid for 2-D data, the fitted curve for 1-D regression, test-set confusion matrices and
 * sample predictions), at most every `probeIntervalMs`, and it can be paused and single-stepped.
 */
import * as tf from '@tensorflow/tfjs-core';
import { datasetPermutation, type Dataset } from '../data/dataset';
import { gatherRows } from '../data/gatherRows';
import {
  modelAccuracy,
  modelConfusion,
  modelForward,
  modelInit,
  modelLoss,
  modelPredict,
  modelProbabilities,
  perModelSumSquares,
} from '../models/models';
import {
  softmaxXentFusable,
  softmaxXentFused,
  stepDiagnosticsFusable,
  stepDiagnosticsFused,
} from '../models/stepKernels';
import { modelShape, type ModelShape, type ModelSpec } from '../models/shape';
import type { ParamMap } from '../optimizers/base';
import { optimizerCreate } from '../optimizers/create';
import { DIAGNOSTICS_EVERY, trainStepsPerEpoch } from './steps';
import type { OptimizerSetting } from '../optimizers/registry';
import { pruneMasks, type PruneScope } from '../compress/prune';
import { distillLoss } from '../compress/distill';
import { quantizeWeight, type QuantConfig } from '../compress/quantize';
import { randomCreate, randomMixSeed } from '../random';
import { scheduleCreate, type ScheduleSpec } from '../schedules/schedules';

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
  /** pruning, quantization-aware training, distillation and fine-tuning (the compression lab) */
  compress?: TrainCompression;
}

/**
 * What the compression lab adds to training. Masks are 1 (keep) or 0 (pruned) per weight of one
 * model's layer; a pruned weight is set to exactly 0 after every optimizer step, so it stays 0.
 */
export interface TrainCompression {
  /** start from these weights ([model][parameter], as `keepWeights` returns them) instead of initialising */
  initialWeights?: ModelWeights[][];
  /** fixed masks, [model][layer] (lottery-ticket retraining, fine-tuning after one-shot pruning) */
  masks?: Uint8Array[][];
  /** gradual magnitude pruning: at steps where `sparsityAt` rises, masks are recomputed from the weights */
  prune?: { scope: PruneScope; sparsityAt: (step: number) => number };
  /** quantization-aware training: every forward pass sees fake-quantized weights (straight-through gradients) */
  qat?: QuantConfig;
  /** knowledge distillation from a teacher's logits on the training rows (n × classes, row-major) */
  teacher?: { logits: Float32Array; T: number; alpha: number };
  /** per layer, a factor on the update (0 freezes the layer; 0.1 is a 10× lower rate for it) */
  layerLrScale?: number[];
}

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
  status: 'ok' | 'diverged' | 'stopped';
  divergedAt?: number;
  /** the epoch after which early stopping froze it */
  stoppedAfter?: number;
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
   * (default DIAGNOSTICS_EVERY); the steps between get NaN. Measured on every step they cost about a
   * quarter of the step time of an MNIST MLP on WebGL (12 reductions over all the weights).
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

/** Why a configuration cannot train on this data, or null. */
export function trainConfigProblem(cfg: TrainConfig, train: Dataset): string | null {
  const shape = modelShape(cfg.model, train);
  if (typeof shape === 'string') return shape;
  if (!(Number.isInteger(cfg.batchSize) && cfg.batchSize >= 1)) return 'the batch size must be a whole number ≥ 1';
  if (cfg.batchSize > train.n)
    return `the batch size (${cfg.batchSize}) is larger than the training set (${train.n} rows)`;
  const K = cfg.optimizers.length;
  if (K === 0 || cfg.schedules.length !== K || cfg.initSeeds.length !== K)
    return 'every model needs an optimizer, a schedule and a seed';
  return null;
}

interface DeviceData {
  x: tf.Tensor2D;
  y: tf.Tensor1D;
  oneHot: tf.Tensor2D | null;
  n: number;
}

/**
 * The data as tensors. Everything is made from JavaScript values (the one-hot labels too), so on
 * WebGL each is uploaded in the layout of its first use: packed when that is gatherRows' packed program.
 */
function upload(ds: Dataset, shape: ModelShape): DeviceData {
  let oneHot: tf.Tensor2D | null = null;
  if (shape.head === 'multiclass') {
    const values = new Float32Array(ds.n * ds.nClasses);
    for (let i = 0; i < ds.n; i++) values[i * ds.nClasses + ds.y[i]] = 1;
    oneHot = tf.tensor2d(values, [ds.n, ds.nClasses]);
  }
  return { x: tf.tensor2d(ds.x, [ds.n, ds.nFeatures]), y: tf.tensor1d(ds.y), oneHot, n: ds.n };
}

function deviceDispose(d: DeviceData): void {
  tf.dispose([d.x, d.y, ...(d.oneHot ? [d.oneHot] : [])]);
}

/** λ₂·Σw² + λ₁·Σ|w| over the weights (not biases) of each model: [K]. */
function penalty(params: ParamMap, l1: number, l2: number): tf.Tensor1D | null {
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

/** Rows per forward pass when evaluating a whole set (keeps CNN activations small). */
const EVAL_ROWS = 1024;

/** Loss and accuracy of each model on a whole set, computed in slices of EVAL_ROWS and weighted by size. */
async function evaluate(
  shape: ModelShape,
  params: ParamMap,
  data: DeviceData,
  onActivation?: (h: tf.Tensor, layer: number) => tf.Tensor,
): Promise<{ loss: number[]; accuracy: number[] | null }> {
  const sums = tf.tidy(() => {
    let loss: tf.Tensor = tf.zeros([params['l0/w'].shape[0]]);
    let acc: tf.Tensor = tf.zerosLike(loss);
    for (let at = 0; at < data.n; at += EVAL_ROWS) {
      const size = Math.min(EVAL_ROWS, data.n - at);
      const x = tf.slice(data.x, [at, 0], [size, -1]);
      const y = tf.slice(data.y, [at], [size]);
      const out = modelForward(shape, params, x, undefined, onActivation);
      loss = tf.add(
        loss,
        tf.mul(
          modelLoss(shape, out, y, data.oneHot ? tf.slice(data.oneHot, [at, 0], [size, -1]) : null),
          size / data.n,
        ),
      );
      if (shape.head !== 'regression') acc = tf.add(acc, tf.mul(modelAccuracy(shape, out, y), size / data.n));
    }
    return tf.stack([loss, acc]);
  });
  const v = (await sums.array()) as number[][];
  sums.dispose();
  return { loss: v[0] as number[], accuracy: shape.head === 'regression' ? null : (v[1] as number[]) };
}

/** Loss and accuracy of each model on a dataset from the host (uploaded for the call), optionally with each hidden activation transformed. */
export async function trainEvaluate(
  shape: ModelShape,
  params: ParamMap,
  ds: Dataset,
  onActivation?: (h: tf.Tensor, layer: number) => tf.Tensor,
): Promise<{ loss: number[]; accuracy: number[] | null }> {
  const data = upload(ds, shape);
  try {
    return await evaluate(shape, params, data, onActivation);
  } finally {
    deviceDispose(data);
  }
}

function histogram(values: Float32Array, bins: number, layer: number): WeightHistogram {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(max > min)) {
    max = min + 1e-6;
  }
  const counts = new Array<number>(bins).fill(0);
  const scale = bins / (max - min);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - min) * scale))]++;
  return { layer, min, max, counts };
}

/** Grid bounds for a 2-D dataset: the points' extent with 10% room. */
function gridBounds(train: Dataset): [number, number, number, number] {
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  for (let i = 0; i < train.n; i++) {
    for (let d = 0; d < 2; d++) {
      const v = train.x[i * 2 + d];
      lo[d] = Math.min(lo[d], v);
      hi[d] = Math.max(hi[d], v);
    }
  }
  const pad = (d: number) => 0.1 * Math.max(hi[d] - lo[d], 1e-6);
  return [lo[0] - pad(0), hi[0] + pad(0), lo[1] - pad(1), hi[1] + pad(1)];
}

async function probeTake(
  shape: ModelShape,
  params: ParamMap,
  train: Dataset,
  test: DeviceData,
  opts: { grid: number; samples: number; bins?: number },
  at: { step: number; epoch: number },
): Promise<TrainProbe> {
  const K = params['l0/w'].shape[0];
  const histograms: WeightHistogram[][] = Array.from({ length: K }, () => []);
  for (let l = 0; l < shape.layers.length; l++) {
    const w = params[`l${l}/w`];
    const values = (await w.data()) as Float32Array;
    const size = values.length / K;
    const bins = opts.bins ?? Math.min(40, Math.max(8, Math.ceil(2 * Math.sqrt(size))));
    for (let k = 0; k < K; k++) histograms[k].push(histogram(values.subarray(k * size, (k + 1) * size), bins, l));
  }
  const probe: TrainProbe = { ...at, histograms };
  if (train.nFeatures === 2 && train.task === 'classification') {
    const n = opts.grid;
    const bounds = gridBounds(train);
    const [x0, x1, y0, y1] = bounds;
    const grid = new Float32Array(n * n * 2);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        grid[(r * n + c) * 2] = x0 + ((c + 0.5) / n) * (x1 - x0);
        grid[(r * n + c) * 2 + 1] = y1 - ((r + 0.5) / n) * (y1 - y0);
      }
    }
    const probs = tf.tidy(() => modelProbabilities(shape, modelForward(shape, params, tf.tensor2d(grid, [n * n, 2]))));
    const v = (await probs.data()) as Float32Array;
    probs.dispose();
    const per = n * n * train.nClasses;
    probe.boundary = {
      nx: n,
      ny: n,
      bounds,
      classes: train.nClasses,
      probs: Array.from({ length: K }, (_, k) => v.slice(k * per, (k + 1) * per)),
    };
  }
  if (train.nFeatures === 1 && train.task === 'regression') {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of train.x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const xs = Array.from({ length: 100 }, (_, i) => lo + ((hi - lo) * i) / 99);
    const out = tf.tidy(() => tf.squeeze(modelForward(shape, params, tf.tensor2d(xs, [100, 1])), [2]));
    probe.curve = { xs, ys: (await out.array()) as number[][] };
    out.dispose();
  }
  if (shape.head !== 'regression') {
    const C = Math.max(2, train.nClasses);
    const m = Math.min(opts.samples, test.n);
    const found = tf.tidy(() => {
      let confusion: tf.Tensor = tf.zeros([K, C, C]);
      for (let at = 0; at < test.n; at += EVAL_ROWS) {
        const size = Math.min(EVAL_ROWS, test.n - at);
        const out = modelForward(shape, params, tf.slice(test.x, [at, 0], [size, -1]));
        confusion = tf.add(confusion, modelConfusion(shape, out, tf.slice(test.y, [at], [size]), C));
      }
      const out = modelForward(shape, params, tf.slice(test.x, [0, 0], [m, -1]));
      return { confusion, predicted: modelPredict(shape, out), confidence: tf.max(modelProbabilities(shape, out), 2) };
    });
    probe.confusion = (await found.confusion.array()) as number[][][];
    probe.samples = {
      predicted: (await found.predicted.array()) as number[][],
      confidence: (await found.confidence.array()) as number[][],
    };
    tf.dispose(Object.values(found));
  }
  return probe;
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

/** Parameters as [K, …] tensors from per-model weight lists. */
function paramsFromWeights(weights: ModelWeights[][]): ParamMap {
  return Object.fromEntries(
    weights[0].map((w, i) => [
      w.name,
      tf.tensor(Float32Array.from(weights.flatMap((m) => m[i].values)), [weights.length, ...w.shape]),
    ]),
  );
}

/**
 * The optimizer's proposal, constrained: each layer's update scaled by its factor (0 keeps it
 * frozen), then pruned weights set back to exactly 0. Disposes `stepped`.
 */
function constrain(stepped: ParamMap, before: ParamMap, scale: number[] | undefined, masks: ParamMap | null): ParamMap {
  const out: ParamMap = {};
  for (const [k, v] of Object.entries(stepped)) {
    const f = scale?.[Number(k.slice(1, k.indexOf('/')))] ?? 1;
    const mask = masks?.[k];
    if (f === 1 && !mask) {
      out[k] = v; // unchanged: the optimizer's tensor is kept as it is
      continue;
    }
    out[k] = tf.tidy(() => {
      const t = f === 1 ? v : f === 0 ? tf.clone(before[k]) : tf.add(before[k], tf.mul(f, tf.sub(v, before[k])));
      return mask ? tf.mul(t, mask) : t;
    });
    v.dispose();
  }
  return out;
}

export async function trainRun(
  train: Dataset,
  test: Dataset,
  cfg: TrainConfig,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const problem = trainConfigProblem(cfg, train);
  if (problem) throw new Error(problem);
  const shape = modelShape(cfg.model, train) as ModelShape;
  const K = cfg.optimizers.length;
  const chunkSize = Math.max(1, options.chunkSize ?? 50);
  const diagnosticsEvery = Math.max(1, Math.round(options.diagnosticsEvery ?? DIAGNOSTICS_EVERY));
  const stepsPerEpoch = trainStepsPerEpoch(train.n, cfg.batchSize);
  const models: TrainModelResult[] = Array.from({ length: K }, () => ({
    stepLoss: [],
    stepAccuracy: [],
    lr: [],
    gradNorm: [],
    updateRatio: [],
    epochs: [],
    status: 'ok',
  }));
  const L = shape.layers.length;
  /**
   * Each step's metrics, a row per quantity and a column per model: loss (with penalty), batch
   * accuracy, data loss; on a diagnostics step also the gradient norm and each layer's update ratio
   * (4 + L rows). Other steps leave those out rather than fill them with NaN on the GPU, and without a
   * penalty the data loss is the loss (2 rows): every program a step saves counts (stepKernels.ts).
   */
  const DATA_LOSS = 2;
  const NORM = 3;
  const RATIO = 4;
  const classify = shape.head !== 'regression';
  const frozen = new Array<boolean>(K).fill(false);
  const bestTest = new Array<number>(K).fill(Infinity);
  const sinceBest = new Array<number>(K).fill(0);
  const schedules = cfg.schedules.map((s, k) =>
    scheduleCreate(s, Number(cfg.optimizers[k].lr), stepsPerEpoch * cfg.epochs),
  );
  const needsMetric = schedules.some((s) => s.needsMetric);
  const shuffleSeeds = cfg.shuffleSeeds ?? new Array<number>(K).fill(cfg.seed);
  if (shuffleSeeds.length !== K) throw new Error('give one shuffle seed per model');
  const ownOrder = shuffleSeeds.some((s) => s !== shuffleSeeds[0]);
  const probeOpts = options.probes
    ? { grid: options.probes.grid ?? 60, samples: options.probes.samples ?? 24, bins: options.probes.bins }
    : null;
  const probeInterval = options.probes?.intervalMs ?? 300;
  let lastProbe = -Infinity;
  let probeCost = 0;
  let probe: TrainProbe | null = null;

  const cx = cfg.compress ?? {};
  if (cx.teacher && shape.head !== 'multiclass')
    throw new Error('distillation needs a classifier with a softmax head (several classes)');
  if (cx.teacher && cx.teacher.logits.length !== train.n * train.nClasses)
    throw new Error(`the teacher's logits must be one row of ${train.nClasses} per training row`);
  const trainData = upload(train, shape);
  const testData = upload(test, shape);
  let params = cx.initialWeights
    ? paramsFromWeights(cx.initialWeights)
    : modelInit(shape, cfg.model.init, cfg.initSeeds);
  const optimizer = optimizerCreate(cfg.optimizers[0].name, cfg.optimizers);
  const teacher = cx.teacher ? tf.tensor2d(cx.teacher.logits, [train.n, cx.teacher.logits.length / train.n]) : null;
  /** the forward pass's view of the weights: fake-quantized under QAT */
  const seen = (p: ParamMap): ParamMap =>
    cx.qat
      ? Object.fromEntries(Object.entries(p).map(([k, v]) => [k, k.endsWith('/w') ? quantizeWeight(v, cx.qat!) : v]))
      : p;
  let masks: ParamMap | null = null;
  let sparsity = 0;
  /** per layer, Σw² of each model's current weights ([K]), carried from one step to the next (null: to compute) */
  let weightSq: tf.Tensor1D[] | null = null;
  /** masks as [K, …] tensors for the weights (and, for whole units, the biases), applied to params */
  const masksSet = (perModel: Uint8Array[][], structured: boolean) => {
    if (masks) tf.dispose(Object.values(masks));
    masks = {};
    shape.layers.forEach((layer, l) => {
      const w = params[`l${l}/w`];
      masks![`l${l}/w`] = tf.tensor(Float32Array.from(perModel.flatMap((m) => Array.from(m[l]))), w.shape);
      if (structured)
        masks![`l${l}/b`] = tf.tensor(
          Float32Array.from(perModel.flatMap((m) => Array.from(m[l].subarray(0, layer.out)))),
          [K, 1, layer.out],
        );
    });
    const old = params;
    params = tf.tidy(() =>
      Object.fromEntries(Object.entries(old).map(([k, v]) => [k, masks![k] ? tf.mul(v, masks![k]) : tf.clone(v)])),
    );
    tf.dispose(Object.values(old));
    if (weightSq) tf.dispose(weightSq);
    weightSq = null;
  };
  /** recomputes magnitude masks from the current weights at `target` sparsity */
  const prune = async (target: number, scope: PruneScope) => {
    const perModel: Uint8Array[][] = Array.from({ length: K }, () => []);
    const values = await Promise.all(shape.layers.map((_, l) => params[`l${l}/w`].data()));
    for (let k = 0; k < K; k++) {
      const layers = shape.layers.map((layer, l) => {
        const size = values[l].length / K;
        return { values: (values[l] as Float32Array).subarray(k * size, (k + 1) * size), units: layer.out };
      });
      perModel[k] = pruneMasks(layers, target, scope);
    }
    masksSet(perModel, scope === 'structured');
    sparsity = target;
  };
  if (cx.masks) masksSet(cx.masks, false);
  /** per step: [2 or 3, K] or, on a diagnostics step, [4 + L, K] (see DATA_LOSS) */
  const pending: tf.Tensor2D[] = [];
  const pendingLr: number[][] = [];
  const pendingRows: number[] = [];
  /** this epoch's batch sums per model: rows, data loss × rows, accuracy × rows */
  const epochSums = Array.from({ length: K }, () => ({ rows: 0, loss: 0, accuracy: 0 }));
  let step = 0;
  let epoch = 0;
  /** readbacks come after 1, 2, 4 … steps (with an onProgress listener), then every chunkSize: the first numbers show at once */
  let reports = 0;
  let cut = false;

  /**
   * Reads back the pending steps and folds them in. Every report waits for it: letting the loop run
   * ahead of its readbacks gained no measurable throughput on SwiftShader (WebGL) but halved the
   * page's frame rate while MNIST trained (9.6 against 18.4 fps): the queued work starved the
   * compositor of the GPU.
   */
  const flush = async () => {
    if (pending.length === 0) return;
    const joined = tf.tidy(() => tf.concat(pending.map((p) => tf.reshape(p, [-1]))));
    const values = await joined.data();
    const heights = pending.map((p) => p.shape[0]);
    tf.dispose([joined, ...pending]);
    const first = step - pending.length;
    let offset = 0;
    for (let s = 0; s < heights.length; s++) {
      const rows = heights[s];
      const at = (row: number, k: number) => values[offset + row * K + k];
      for (let k = 0; k < K; k++) {
        if (models[k].status === 'diverged') continue;
        const v = at(0, k);
        if (!Number.isFinite(v)) {
          models[k].status = 'diverged';
          models[k].divergedAt = first + s;
          frozen[k] = true;
        } else if (!frozen[k]) {
          models[k].stepLoss.push(v);
          if (classify) models[k].stepAccuracy.push(at(1, k));
          models[k].gradNorm.push(rows > NORM ? at(NORM, k) : NaN);
          models[k].updateRatio.push(Array.from({ length: L }, (_, l) => (rows > RATIO ? at(RATIO + l, k) : NaN)));
          models[k].lr.push(pendingLr[s][k]);
          const sums = epochSums[k];
          sums.rows += pendingRows[s];
          sums.loss += (rows > DATA_LOSS ? at(DATA_LOSS, k) : v) * pendingRows[s];
          sums.accuracy += at(1, k) * pendingRows[s];
        }
      }
      offset += K * rows;
    }
    pending.length = 0;
    pendingLr.length = 0;
    pendingRows.length = 0;
  };

  const yieldShare = Math.min(0.9, Math.max(0, options.yieldShare ?? 0));
  let busySince = performance.now();
  /** Reads back what is pending and reports it, with a probe when one is due (or forced). */
  const report = async (force: boolean) => {
    await flush();
    if (yieldShare > 0) {
      const busy = performance.now() - busySince;
      await new Promise((resolve) => setTimeout(resolve, Math.min(250, (busy * yieldShare) / (1 - yieldShare))));
      busySince = performance.now();
    }
    if (probeOpts && (force || performance.now() - lastProbe >= Math.max(probeInterval, 4 * probeCost))) {
      const t0 = performance.now();
      probe = await probeTake(shape, params, train, testData, probeOpts, { step, epoch });
      lastProbe = performance.now();
      probeCost = lastProbe - t0;
      options.onProgress?.(models, probe, step);
    } else {
      options.onProgress?.(models, null, step);
    }
  };

  try {
    for (epoch = 1; epoch <= cfg.epochs; epoch++) {
      if (options.signal?.aborted || frozen.every(Boolean)) break;
      const perm = (s: number) => datasetPermutation(train.n, randomCreate(randomMixSeed(s, epoch)));
      const shared = ownOrder ? null : perm(shuffleSeeds[0]);
      const order = shared
        ? tf.tensor1d(shared, 'int32')
        : tf.tensor2d(Int32Array.from(shuffleSeeds.flatMap((s) => Array.from(perm(s)))), [K, train.n], 'int32');
      for (let b = 0; b < stepsPerEpoch; b++) {
        while (options.control?.shouldWait() && !options.signal?.aborted) {
          await report(true);
          await options.control.wait();
          busySince = performance.now(); // a pause is not work to make up for
        }
        if (options.signal?.aborted) break;
        if (cx.prune) {
          const target = cx.prune.sparsityAt(step);
          if (target > sparsity) await prune(target, cx.prune.scope);
        }
        if (step >= (cfg.maxSteps ?? Infinity)) {
          cut = true;
          break;
        }
        const lrs = schedules.map((s, k) => (frozen[k] ? 0 : s.lrAt(step)));
        const size = Math.min(cfg.batchSize, train.n - b * cfg.batchSize);
        const diagnose = step % diagnosticsEvery === 0;
        // the norm and the update ratios in one program (stepKernels.ts), where it can read every tensor
        // and the gradients are the ones stepped (no clipping)
        const diagnoseFused =
          diagnose &&
          cfg.clipNorm === null &&
          cfg.clipValue === null &&
          stepDiagnosticsFusable(Object.keys(params).length, L);
        const { value, grads } = tf.tidy(() => {
          // one order for all models: the rows come packed (gatherRows); each model its own: [K, B, …]
          const rows = shared?.subarray(b * cfg.batchSize, b * cfg.batchSize + size);
          // softmax cross-entropy and accuracy from the one-hot rows in two programs (stepKernels.ts): no labels, and
          // with one order for all models no index tensor either
          const fusedLoss = !teacher && trainData.oneHot !== null && softmaxXentFusable(size, shape.layers[L - 1].out);
          const idx =
            rows && !teacher
              ? null
              : ownOrder
                ? tf.slice(order, [0, b * cfg.batchSize], [K, size])
                : tf.slice(order, [b * cfg.batchSize], [size]);
          const xb = (rows ? gatherRows(trainData.x, rows) : tf.gather(trainData.x, idx!)) as tf.Tensor2D | tf.Tensor3D;
          const hb = trainData.oneHot
            ? ((rows ? gatherRows(trainData.oneHot, rows) : tf.gather(trainData.oneHot, idx!)) as
                tf.Tensor2D | tf.Tensor3D)
            : null;
          const yb = fusedLoss
            ? null
            : (tf.gather(trainData.y, idx ?? tf.tensor1d(rows!, 'int32')) as tf.Tensor1D | tf.Tensor2D);
          const names = Object.keys(params);
          let losses: tf.Tensor1D | null = null;
          let dataLosses: tf.Tensor1D | null = null;
          let outputs: tf.Tensor3D | null = null;
          let fusedStats: tf.Tensor2D | null = null;
          let penalised = false;
          // one forward pass: the gradient of the sum over models gives each model its own gradient
          const dropout = cfg.dropout ? { rate: cfg.dropout, seed: randomMixSeed(cfg.seed, step, 0xd40) } : undefined;
          // each model's loss with dy = 1: the gradient of their sum, without the sum's programs; the ones
          // stay in JavaScript unless a gradient reads them
          const gradList = tf.grads(() => {
            const out = modelForward(shape, seen(params), xb, dropout);
            outputs = tf.keep(out);
            let loss: tf.Tensor1D;
            if (teacher)
              loss = distillLoss(
                out,
                tf.gather(teacher, idx!) as tf.Tensor2D | tf.Tensor3D,
                hb!,
                cx.teacher!.T,
                cx.teacher!.alpha,
              );
            else if (fusedLoss) {
              const fused = softmaxXentFused(out, hb!);
              loss = fused.loss;
              fusedStats = tf.keep(fused.stats);
            } else loss = modelLoss(shape, out, yb!, hb);
            const pen = penalty(params, cfg.l1, cfg.l2);
            penalised = pen !== null;
            dataLosses = tf.keep(loss);
            losses = tf.keep(pen ? tf.add(loss, pen) : loss) as tf.Tensor1D;
            return losses;
          })(
            names.map((n) => params[n]),
            tf.tensor1d(new Float32Array(K).fill(1)),
          );
          const perModel = losses as unknown as tf.Tensor1D;
          const out = outputs as unknown as tf.Tensor3D;
          const stats = fusedStats as tf.Tensor2D | null;
          const dataLoss = dataLosses as unknown as tf.Tensor1D;
          const norm =
            diagnose && !diagnoseFused
              ? [tf.sqrt(gradList.map((g) => perModelSumSquares(g)).reduce((a, c) => tf.add(a, c)))]
              : [];
          // rows: loss, accuracy[, data loss[, norm]] (see DATA_LOSS); the fused loss's stats are the first two already
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
                    classify ? modelAccuracy(shape, out, yb!) : tf.zerosLike(perModel),
                    dataLoss,
                    ...norm,
                  ])
          ) as tf.Tensor2D;
          tf.dispose([perModel, dataLoss, out, ...(stats ? [stats] : [])]); // kept inside tf.grads so they survived that scope; their values are in value now
          return {
            value,
            grads: trainGradClip(
              Object.fromEntries(names.map((n, i) => [n, gradList[i]])),
              cfg.clipValue,
              cfg.clipNorm,
            ),
          };
        });
        const stepped = optimizer.step(params, grads, lrs);
        const next = cx.layerLrScale || masks ? constrain(stepped, params, cx.layerLrScale, masks) : stepped;
        // ‖Δw‖ / ‖w‖ per layer: ‖w‖ of the weights before the step is the previous step's ‖w‖ after
        // it, when that step measured it (only with diagnosticsEvery 1; otherwise weightSq stays null)
        const slow = diagnose && !diagnoseFused;
        const before = slow
          ? (weightSq ?? tf.tidy(() => shape.layers.map((_, l) => perModelSumSquares(params[`l${l}/w`]))))
          : null;
        const after =
          slow && diagnosticsEvery === 1
            ? tf.tidy(() => shape.layers.map((_, l) => perModelSumSquares(next[`l${l}/w`])))
            : null;
        const metrics = tf.tidy(() => {
          if (diagnoseFused) {
            const weights = (m: ParamMap) => shape.layers.map((_, l) => m[`l${l}/w`]);
            return tf.concat([
              value,
              stepDiagnosticsFused(
                Object.keys(params).map((n) => grads[n]),
                weights(params),
                weights(next),
              )!,
            ]) as tf.Tensor2D;
          }
          if (!before) return tf.clone(value) as tf.Tensor2D;
          const ratios = shape.layers.map((_, l) => {
            const w = next[`l${l}/w`];
            const change = tf.sum(tf.reshape(tf.squaredDifference(w, params[`l${l}/w`]), [K, -1]), 1);
            return tf.div(tf.sqrt(change), tf.add(tf.sqrt(before[l]), 1e-12));
          });
          return tf.concat([value, tf.stack(ratios)]) as tf.Tensor2D;
        });
        tf.dispose([...Object.values(params), ...Object.values(grads), value, ...(before ?? [])]);
        params = next;
        weightSq = after;
        pending.push(metrics);
        pendingLr.push(lrs);
        pendingRows.push(size);
        step++;
        if (needsMetric) {
          const v = await metrics.data();
          schedules.forEach((s, k) => s.observe(v[k]));
        }
        // the first readbacks come after 1, 2, 4 … steps only for a listener (the app's live charts);
        // without one (the CLI, the studies) every readback is a pipeline stall that buys nothing
        if (pending.length >= (options.onProgress ? Math.min(chunkSize, 2 ** reports) : chunkSize)) {
          reports++;
          await report(false);
        }
      }
      order.dispose();
      if (options.signal?.aborted) break;
      if (cut) break; // stopped inside an epoch by maxSteps: no epoch metrics for a part-epoch
      await flush();
      const view = cx.qat ? tf.tidy(() => seen(params)) : params;
      const tr = epochSums.map((e) => ({
        loss: e.rows > 0 ? e.loss / e.rows : NaN,
        accuracy: e.rows > 0 ? e.accuracy / e.rows : NaN,
      }));
      for (const e of epochSums) Object.assign(e, { rows: 0, loss: 0, accuracy: 0 });
      const te = await evaluate(shape, view, testData);
      if (view !== params)
        tf.dispose(
          Object.entries(view)
            .filter(([k]) => k.endsWith('/w'))
            .map(([, v]) => v),
        ); // the quantized copies; biases are params' own
      for (let k = 0; k < K; k++) {
        if (models[k].status !== 'ok') continue;
        if (!Number.isFinite(tr[k].loss) || !Number.isFinite(te.loss[k])) {
          models[k].status = 'diverged';
          models[k].divergedAt = step;
          frozen[k] = true;
          continue;
        }
        models[k].epochs.push({
          epoch,
          step,
          trainLoss: tr[k].loss,
          testLoss: te.loss[k],
          trainAccuracy: classify ? tr[k].accuracy : null,
          testAccuracy: te.accuracy ? te.accuracy[k] : null,
        });
        if (cfg.patience !== null) {
          if (te.loss[k] < bestTest[k]) {
            bestTest[k] = te.loss[k];
            sinceBest[k] = 0;
          } else if (++sinceBest[k] >= cfg.patience) {
            models[k].status = 'stopped';
            models[k].stoppedAfter = epoch;
            frozen[k] = true;
          }
        }
      }
      options.onEpoch?.(models);
      await report(false);
    }
    epoch = Math.min(epoch, cfg.epochs);
    await flush(); // steps taken since the last readback (a run cut by maxSteps or a cancel)
    if (probeOpts) await report(true);
    let weights: ModelWeights[][] | undefined;
    if (options.keepWeights) {
      weights = Array.from({ length: K }, () => []);
      for (const [name, t] of Object.entries(params)) {
        const v = await t.data();
        const size = v.length / K;
        for (let k = 0; k < K; k++)
          weights[k].push({ name, shape: t.shape.slice(1), values: Array.from(v.subarray(k * size, (k + 1) * size)) });
      }
    }
    return { backend: tf.getBackend(), stepsPerEpoch, models, probe, ...(weights ? { weights } : {}) };
  } finally {
    tf.dispose([...pending, ...Object.values(params), ...(weightSq ?? [])]);
    deviceDispose(trainData);
    deviceDispose(testData);
    optimizer.dispose();
    if (masks) tf.dispose(Object.values(masks));
    if (teacher) teacher.dispose();
  }
}
