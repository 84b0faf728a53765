/**
 * The compression lab's measurements on a trained model (one model, K = 1):
 * - `quantStudy`: post-training quantization of the weights (and optionally the hidden activations,
 *   calibrated on training rows) at several bit widths, and quantization-aware fine-tuning from the
 *   float model at the same widths; test metrics, model size and each layer's quantization error;
 * - `pruneStudy`: one-shot magnitude pruning at several sparsities, before and after fine-tuning
 *   with the mask held; the sparsity of each layer and the size of what is left.
 */
import * as tf from '@tensorflow/tfjs-core';
import { datasetPermutation, datasetRows, type Dataset } from '../data/dataset';
import { randomCreate, randomMixSeed } from '../random';
import { modelForward, modelInit } from '../models/models';
import { modelShape, type ModelShape, type ModelSpec } from '../models/shape';
import type { ParamMap } from '../optimizers/base';
import type { OptimizerSetting } from '../optimizers/registry';
import { scheduleWithDefaults } from '../schedules/registry';
import { trainEvaluate, trainRun, type EpochMetrics, type ModelWeights, type TrainConfig } from '../training/train';
import { trainStepsPerEpoch } from '../training/steps';
import { softTargets } from './distill';
import { pruneMasks, zhuGuptaSparsity, type GradualSchedule, type PruneScope } from './prune';
import { fakeQuantize, quantParams, quantRange, quantizeWeight, type QuantConfig } from './quantize';
import { TRANSFER_STRATEGIES, type TransferStrategy } from '../spec/compressSchema';
import type { TransferRun } from './transferScores';

export interface Metrics {
  testLoss: number;
  testAccuracy: number | null;
}

/** How the model is fine-tuned (after pruning, or with QAT). */
export interface FineTune {
  optimizer: OptimizerSetting;
  batchSize: number;
  epochs: number;
  seed: number;
  /** the base experiment's regularisation (dropout, L1, L2), for what trains as it would (a teacher, pretraining) */
  regularization?: { dropout: number; l1: number; l2: number };
}

/** Cancellation, and a label for each training a study starts (for progress). */
export interface StudyContext {
  signal?: AbortSignal;
  onStage?: (label: string) => void;
  /** each epoch of the training in progress */
  onEpoch?: (epoch: number, epochs: number) => void;
}

/** trainRun for one stage of a study: announced, cancellable, its epochs reported. */
export async function stageRun(
  ctx: StudyContext,
  label: string,
  train: Dataset,
  test: Dataset,
  cfg: TrainConfig,
  keepWeights = false,
) {
  if (ctx.signal?.aborted) throw new Error('cancelled');
  ctx.onStage?.(label);
  const r = await trainRun(train, test, cfg, {
    keepWeights,
    signal: ctx.signal,
    onEpoch: (models) => ctx.onEpoch?.(models[0].epochs.length, cfg.epochs),
  });
  if (ctx.signal?.aborted) throw new Error('cancelled');
  return r;
}

const lastMetrics = (r: { models: { epochs: EpochMetrics[] }[] }): Metrics => {
  const e = r.models[0].epochs[r.models[0].epochs.length - 1];
  return { testLoss: e?.testLoss ?? NaN, testAccuracy: e?.testAccuracy ?? null };
};

/** training rows the activation ranges are calibrated on */
const CALIBRATION_ROWS = 1024;

function paramsOf(weights: ModelWeights[]): ParamMap {
  return Object.fromEntries(weights.map((w) => [w.name, tf.tensor(w.values, [1, ...w.shape])]));
}

/** Test loss and accuracy of one model's parameters, optionally with each hidden activation transformed. */
export async function evaluateParams(
  shape: ModelShape,
  params: ParamMap,
  ds: Dataset,
  onActivation?: (h: tf.Tensor, layer: number) => tf.Tensor,
): Promise<Metrics> {
  const r = await trainEvaluate(shape, params, ds, onActivation);
  return { testLoss: r.loss[0], testAccuracy: r.accuracy ? r.accuracy[0] : null };
}

function shapeOf(model: ModelSpec, train: Dataset): ModelShape {
  const shape = modelShape(model, train);
  if (typeof shape === 'string') throw new Error(shape);
  return shape;
}

function fineTuneConfig(model: ModelSpec, ft: FineTune, compress: TrainConfig['compress']): TrainConfig {
  return {
    model,
    optimizers: [ft.optimizer],
    schedules: [scheduleWithDefaults({ name: 'constant' })],
    initSeeds: [ft.seed],
    seed: ft.seed,
    batchSize: ft.batchSize,
    epochs: ft.epochs,
    l1: ft.regularization?.l1 ?? 0,
    l2: ft.regularization?.l2 ?? 0,
    dropout: ft.regularization?.dropout ?? 0,
    clipNorm: null,
    clipValue: null,
    patience: null,
    compress,
  };
}

export interface QuantRow {
  bits: number;
  /** post-training quantization */
  ptq: Metrics;
  /** quantization-aware fine-tuning from the float model (null when qatEpochs is 0) */
  qat: Metrics | null;
  /** weights at `bits` bits, biases float32, plus a float32 scale and an int32 zero point per tensor or channel */
  sizeBytes: number;
  /** per layer: ‖w − ŵ‖² / ‖w‖² */
  layerError: number[];
}

export interface QuantStudy {
  float: Metrics;
  floatBytes: number;
  rows: QuantRow[];
}

/** Per layer: min and max of each hidden activation over (up to) 1,024 training rows. */
async function activationRanges(
  shape: ModelShape,
  params: ParamMap,
  train: Dataset,
): Promise<Map<number, [number, number]>> {
  const n = Math.min(train.n, CALIBRATION_ROWS);
  const found: { layer: number; range: tf.Tensor }[] = [];
  const out = tf.tidy(() =>
    modelForward(
      shape,
      params,
      tf.tensor2d(train.x.subarray(0, n * train.nFeatures), [n, train.nFeatures]),
      undefined,
      (h, layer) => {
        found.push({ layer, range: tf.keep(tf.stack([tf.min(h), tf.max(h)])) });
        return h;
      },
    ),
  );
  out.dispose();
  const ranges = new Map<number, [number, number]>();
  for (const f of found) {
    const v = await f.range.data();
    ranges.set(f.layer, [v[0], v[1]]);
    f.range.dispose();
  }
  return ranges;
}

export async function quantStudy(
  train: Dataset,
  test: Dataset,
  model: ModelSpec,
  weights: ModelWeights[],
  options: {
    bits: number[];
    scheme: QuantConfig['scheme'];
    perChannel: boolean;
    activations: boolean;
    fineTune: FineTune;
  },
  ctx: StudyContext = {},
): Promise<QuantStudy> {
  const shape = shapeOf(model, train);
  const params = paramsOf(weights);
  try {
    const float = await evaluateParams(shape, params, test);
    const paramCount = weights.reduce((n, w) => n + w.values.length, 0);
    const rows: QuantRow[] = [];
    const ranges = options.activations ? await activationRanges(shape, params, train) : null;
    for (const bits of options.bits) {
      const cfg: QuantConfig = { bits, scheme: options.scheme, perChannel: options.perChannel };
      const q = tf.tidy(() =>
        Object.fromEntries(
          Object.entries(params).map(([k, v]) => [k, k.endsWith('/w') ? quantizeWeight(v, cfg) : tf.clone(v)]),
        ),
      );
      // activations: 8-bit affine per tensor at most (weights may go lower), as deployed integer kernels do
      const actBits = Math.max(bits, 8);
      const { qmin, qmax } = quantRange(actBits, 'affine');
      const hook = ranges
        ? (h: tf.Tensor, layer: number) => {
            const [lo, hi] = ranges.get(layer)!;
            const p = quantParams(lo, hi, actBits, 'affine');
            return fakeQuantize(h, tf.scalar(p.scale), tf.scalar(p.zeroPoint), qmin, qmax);
          }
        : undefined;
      const ptq = await evaluateParams(shape, q, test, hook);
      const layerError: number[] = [];
      for (const k of Object.keys(params).filter((name) => name.endsWith('/w'))) {
        const e = tf.tidy(() => tf.stack([tf.sum(tf.square(tf.sub(params[k], q[k]))), tf.sum(tf.square(params[k]))]));
        const [num, den] = await e.data();
        e.dispose();
        layerError.push(den > 0 ? num / den : 0);
      }
      tf.dispose(Object.values(q));
      let qat: Metrics | null = null;
      if (options.fineTune.epochs > 0) {
        qat = lastMetrics(
          await stageRun(
            ctx,
            `quantization-aware training at ${bits} bits`,
            train,
            test,
            fineTuneConfig(model, options.fineTune, { initialWeights: [weights], qat: cfg }),
          ),
        );
      }
      const sizeBytes = weights.reduce((n, w) => {
        if (!w.name.endsWith('/w')) return n + 4 * w.values.length;
        const groups = options.perChannel ? w.shape[w.shape.length - 1] : 1;
        return n + Math.ceil((w.values.length * bits) / 8) + 8 * groups;
      }, 0);
      rows.push({ bits, ptq, qat, sizeBytes, layerError });
    }
    return { float, floatBytes: 4 * paramCount, rows };
  } finally {
    tf.dispose(Object.values(params));
  }
}

/**
 * The weights with the masks applied ([layer] masks for the `/w` parameters in order); with
 * `units`, a removed output unit (structured pruning) loses its bias too.
 */
export function masksApply(weights: ModelWeights[], masks: Uint8Array[], units: boolean): ModelWeights[] {
  const names = weights.filter((w) => w.name.endsWith('/w')).map((w) => w.name);
  return weights.map((w) => {
    const l = names.indexOf(w.name);
    if (l >= 0) return { ...w, values: w.values.map((v, i) => (masks[l][i] ? v : 0)) };
    if (!units) return w;
    const layer = names.indexOf(w.name.replace('/b', '/w'));
    return { ...w, values: w.values.map((v, j) => (masks[layer][j] ? v : 0)) };
  });
}

export interface PruneRow {
  sparsity: number;
  oneShot: Metrics;
  fineTuned: Metrics | null;
  /** per layer: share of its weights pruned */
  layerSparsity: number[];
  /** weights left (biases included) */
  nonzero: number;
  /** stored sparse: each kept weight as float32 value + int32 index, biases dense */
  sparseBytes: number;
  /** the masks, per layer (for the mask image) */
  masks: Uint8Array[];
}

/**
 * Gradual pruning's schedule over a fine-tuning of `steps` steps (Zhu & Gupta): from 0 to the final
 * sparsity in up to 10 updates over the first three quarters, the last quarter with the mask held.
 */
export function gradualScheduleFor(final: number, steps: number): GradualSchedule {
  const span = Math.max(1, Math.floor(0.75 * steps));
  const updates = Math.min(10, span);
  return { initial: 0, final, start: 0, updates, every: Math.max(1, Math.floor(span / updates)) };
}

export async function pruneStudy(
  train: Dataset,
  test: Dataset,
  model: ModelSpec,
  weights: ModelWeights[],
  options: { sparsities: number[]; scope: PruneScope; gradual?: boolean; fineTune: FineTune },
  ctx: StudyContext = {},
): Promise<{ dense: Metrics; denseBytes: number; rows: PruneRow[] }> {
  const shape = shapeOf(model, train);
  const layerWeights = weights.filter((w) => w.name.endsWith('/w'));
  const biases = weights.filter((w) => w.name.endsWith('/b'));
  const params = paramsOf(weights);
  try {
    const dense = await evaluateParams(shape, params, test);
    const rows: PruneRow[] = [];
    for (const sparsity of options.sparsities) {
      let masks = pruneMasks(
        layerWeights.map((w) => ({ values: w.values, units: w.shape[w.shape.length - 1] })),
        sparsity,
        options.scope,
      );
      const pruned = masksApply(weights, masks, options.scope === 'structured');
      const p = paramsOf(pruned);
      const oneShot = await evaluateParams(shape, p, test);
      tf.dispose(Object.values(p));
      let fineTuned: Metrics | null = null;
      if (options.gradual && options.fineTune.epochs > 0) {
        // Zhu & Gupta: prune while training, from the dense weights; the mask is what training left at 0
        const steps = options.fineTune.epochs * trainStepsPerEpoch(train.n, options.fineTune.batchSize);
        const g = gradualScheduleFor(sparsity, steps);
        const r = await stageRun(
          ctx,
          `gradual pruning to ${Math.round(sparsity * 100)} %`,
          train,
          test,
          fineTuneConfig(model, options.fineTune, {
            initialWeights: [weights],
            prune: { scope: options.scope, sparsityAt: (t) => zhuGuptaSparsity(t, g) },
          }),
          true,
        );
        fineTuned = lastMetrics(r);
        const names = layerWeights.map((w) => w.name);
        masks = names.map((name) =>
          Uint8Array.from(r.weights![0].find((w) => w.name === name)!.values, (v) => (v !== 0 ? 1 : 0)),
        );
      } else if (options.fineTune.epochs > 0) {
        fineTuned = lastMetrics(
          await stageRun(
            ctx,
            `fine-tuning at ${Math.round(sparsity * 100)} % sparsity`,
            train,
            test,
            fineTuneConfig(model, options.fineTune, { initialWeights: [pruned], masks: [masks] }),
          ),
        );
      }
      const kept = masks.map((m) => m.reduce((a, b) => a + b, 0));
      const biasCount = biases.reduce((n, b) => n + b.values.length, 0);
      rows.push({
        sparsity,
        oneShot,
        fineTuned,
        masks,
        layerSparsity: masks.map((m, l) => 1 - kept[l] / m.length),
        nonzero: kept.reduce((a, b) => a + b, 0) + biasCount,
        sparseBytes: 8 * kept.reduce((a, b) => a + b, 0) + 4 * biasCount,
      });
    }
    return { dense, denseBytes: 4 * weights.reduce((n, w) => n + w.values.length, 0), rows };
  } finally {
    tf.dispose(Object.values(params));
  }
}

/** One model's freshly initialised weights (as keepWeights returns them). */
export async function initialWeights(model: ModelSpec, data: Dataset, seed: number): Promise<ModelWeights[]> {
  const shape = shapeOf(model, data);
  const params = modelInit(shape, model.init, [seed]);
  const out: ModelWeights[] = [];
  for (const [name, t] of Object.entries(params))
    out.push({ name, shape: t.shape.slice(1), values: Array.from(await t.data()) });
  tf.dispose(Object.values(params));
  return out;
}

export interface DistillStudy {
  teacher: Metrics;
  /** the training rows the teacher learned from, and the students (the first studentRows of them) */
  teacherRows: number;
  studentRows: number;
  /** the student trained on the labels alone, and distilled, on the same budget and initial weights */
  scratch: EpochMetrics[];
  distilled: EpochMetrics[];
  /** the teacher's softened probabilities for one test row at each temperature */
  softTargets: { T: number; probs: number[] }[];
  sample: { index: number; label: number };
}

/**
 * Trains a teacher, then the same student from scratch and distilled (α·T²·KL + (1 − α)·CE). With
 * `studentRows` the students learn from the first that many training rows only (the teacher from
 * all): the usual case of a teacher trained once on everything and a student trained cheaply, where
 * the teacher's soft targets carry what it learned from the rows the student never sees.
 */
export async function distillStudy(
  train: Dataset,
  test: Dataset,
  options: {
    teacher: ModelSpec;
    student: ModelSpec;
    teacherTrain: FineTune;
    studentTrain: FineTune;
    T: number;
    alpha: number;
    temperatures: number[];
    sample: number;
    studentRows: number | null;
  },
  ctx: StudyContext = {},
): Promise<DistillStudy> {
  const t = await stageRun(
    ctx,
    'training the teacher',
    train,
    test,
    fineTuneConfig(options.teacher, options.teacherTrain, undefined),
    true,
  );
  const shape = shapeOf(options.teacher, train);
  const params = paramsOf(t.weights![0]);
  const logitsOf = async (ds: Dataset) => {
    const out = tf.tidy(() => tf.squeeze(modelForward(shape, params, tf.tensor2d(ds.x, [ds.n, ds.nFeatures])), [0]));
    const v = (await out.data()) as Float32Array;
    out.dispose();
    return v;
  };
  const logits = await logitsOf(train);
  const sample = Math.min(options.sample, test.n - 1);
  const testLogits = await logitsOf(test);
  tf.dispose(Object.values(params));
  const C = train.nClasses;
  const row = Array.from(testLogits.subarray(sample * C, (sample + 1) * C));
  const rows = Math.min(options.studentRows ?? train.n, train.n);
  const few =
    rows < train.n
      ? datasetRows(
          train,
          Int32Array.from({ length: rows }, (_, i) => i),
          `${train.name} (${rows} rows)`,
        )
      : train;
  const budget = { ...options.studentTrain, batchSize: Math.min(options.studentTrain.batchSize, rows) };
  const scratch = await stageRun(
    ctx,
    'training the student from scratch',
    few,
    test,
    fineTuneConfig(options.student, budget, undefined),
  );
  const distilled = await stageRun(
    ctx,
    'distilling the student',
    few,
    test,
    fineTuneConfig(options.student, budget, {
      teacher: { logits: logits.subarray(0, rows * C), T: options.T, alpha: options.alpha },
    }),
  );
  return {
    teacher: lastMetrics(t),
    teacherRows: train.n,
    studentRows: rows,
    scratch: scratch.models[0].epochs,
    distilled: distilled.models[0].epochs,
    softTargets: options.temperatures.map((T) => ({ T, probs: softTargets(row, T) })),
    sample: { index: sample, label: test.y[sample] },
  };
}

/**
 * Pretrains on a source task, then adapts to a target task with few labels, four ways: freeze the
 * feature layers and train a new head; fine-tune everything; fine-tune with the base's updates
 * scaled by `baseScale`; train from scratch. The head is re-initialised in the first three (the
 * classes differ); every strategy sees the same target rows and batches.
 *
 * With 50 labels, which 50 decides much of the result: over single draws of a 784-1024-5 MLP the
 * gap between fine-tuning and scratch ranged from −2.5 to +3.75 points. `draws` repeats every
 * strategy on that many different labelled sets (the same sets for every strategy, so the
 * comparison is paired), each with its own initialisation and batch order; draw 0 is the first
 * `labels` rows with the adaptation seed, as with one draw.
 */
export async function transferStudy(
  source: { train: Dataset; test: Dataset },
  target: { train: Dataset; test: Dataset },
  options: {
    model: ModelSpec;
    pretrain: FineTune;
    adapt: FineTune;
    labels: number[];
    baseScale: number;
    draws?: number;
  },
  ctx: StudyContext = {},
): Promise<{ source: Metrics; runs: TransferRun[] }> {
  if (source.train.nClasses !== target.train.nClasses)
    throw new Error(
      'the source and target tasks need the same number of classes (the head is re-initialised, not resized)',
    );
  const pre = await stageRun(
    ctx,
    'pretraining on the source task',
    source.train,
    source.test,
    fineTuneConfig(options.model, options.pretrain, undefined),
    true,
  );
  const pretrained = pre.weights![0];
  const layers = pretrained.filter((w) => w.name.endsWith('/w')).length;
  const head = `l${layers - 1}/`;
  // the new head starts at zero: its first updates then see the pretrained features as they are, and
  // no gradient from a random head reaches the base until the head has learned something
  const withNewHead = pretrained.map((w) => (w.name.startsWith(head) ? { ...w, values: w.values.map(() => 0) } : w));
  // where each strategy starts and how fast each layer moves: the same for every label count and draw
  const headOnly = (base: number) => Array.from({ length: layers }, (_, l) => (l === layers - 1 ? 1 : base));
  const starts: Record<TransferStrategy, TrainConfig['compress']> = {
    freeze: { initialWeights: [withNewHead], layerLrScale: headOnly(0) },
    finetune: { initialWeights: [withNewHead] },
    lowerLr: { initialWeights: [withNewHead], layerLrScale: headOnly(options.baseScale) },
    scratch: undefined,
  };
  const draws = options.draws ?? 1;
  const runs: TransferRun[] = [];
  for (const n of options.labels) {
    const size = Math.min(n, target.train.n);
    for (let draw = 0; draw < draws; draw++) {
      const rows =
        draw === 0
          ? Int32Array.from({ length: size }, (_, i) => i)
          : datasetPermutation(target.train.n, randomCreate(randomMixSeed(options.adapt.seed, n, draw))).subarray(
              0,
              size,
            );
      const few = datasetRows(
        target.train,
        rows,
        `${target.train.name} (${n} labels${draws > 1 ? `, draw ${draw + 1}` : ''})`,
      );
      const adapt = {
        ...options.adapt,
        batchSize: Math.min(options.adapt.batchSize, few.n),
        seed: draw === 0 ? options.adapt.seed : randomMixSeed(options.adapt.seed, draw),
      };
      for (const strategy of TRANSFER_STRATEGIES) {
        const r = await stageRun(
          ctx,
          `${n} labels${draws > 1 ? ` (draw ${draw + 1} of ${draws})` : ''}: ${strategy}`,
          few,
          target.test,
          fineTuneConfig(options.model, adapt, starts[strategy]),
        );
        runs.push({ labels: n, strategy, draw, epochs: r.models[0].epochs });
      }
    }
  }
  return { source: lastMetrics(pre), runs };
}

/** Rows with the labels in `keep`, relabelled 0…k−1 in that order (e.g. digits 5–9 → 0–4). */
export function datasetSubsetByLabel(ds: Dataset, keep: number[]): Dataset {
  const rows: number[] = [];
  for (let i = 0; i < ds.n; i++) if (keep.includes(ds.y[i])) rows.push(i);
  const sub = datasetRows(ds, rows, `${ds.name} ${keep.join(',')}`);
  const y = Float32Array.from(sub.y, (v) => keep.indexOf(v));
  return {
    ...sub,
    y,
    nClasses: keep.length,
    ...(ds.classNames ? { classNames: keep.map((k) => ds.classNames![k]) } : {}),
  };
}

export interface LotteryRound {
  round: number;
  /** share of the weights pruned after this round */
  sparsity: number;
  /** the masked network retrained from the rewound weights (the "winning ticket") */
  rewound: Metrics;
  /** the same mask, retrained from a fresh random initialisation */
  random: Metrics;
}

/**
 * The lottery-ticket experiment (Frankle & Carbin 2019; rewinding to an early step: Frankle et al.
 * 2020): train; prune `rate` of the remaining weights by magnitude (global); reset the survivors to
 * their values at initialisation (rewindEpochs = 0) or after `rewindEpochs` epochs; retrain; repeat
 * for `rounds`. Each round's mask is also retrained from a new random initialisation, the control.
 */
export async function lotteryStudy(
  train: Dataset,
  test: Dataset,
  model: ModelSpec,
  options: { rounds: number; rate: number; rewindEpochs: number; train: FineTune },
  ctx: StudyContext = {},
): Promise<{ dense: Metrics; rounds: LotteryRound[] }> {
  const ft = options.train;
  const theta0 = await initialWeights(model, train, ft.seed);
  const rewindTo =
    options.rewindEpochs > 0
      ? (
          await stageRun(
            ctx,
            `training to the rewind point (${options.rewindEpochs} epochs)`,
            train,
            test,
            fineTuneConfig(model, { ...ft, epochs: options.rewindEpochs }, { initialWeights: [theta0] }),
            true,
          )
        ).weights![0]
      : theta0;
  const other = await initialWeights(model, train, ft.seed + 1000);
  const dense = await stageRun(
    ctx,
    'training the dense network',
    train,
    test,
    fineTuneConfig(model, ft, { initialWeights: [theta0] }),
    true,
  );
  let trained = dense.weights![0];
  const rounds: LotteryRound[] = [];
  for (let r = 1; r <= options.rounds; r++) {
    const sparsity = 1 - (1 - options.rate) ** r;
    const layers = trained
      .filter((w) => w.name.endsWith('/w'))
      .map((w) => ({ values: w.values, units: w.shape[w.shape.length - 1] }));
    const masks = pruneMasks(layers, sparsity, 'global');
    const ticket = await stageRun(
      ctx,
      `round ${r}: the rewound ticket`,
      train,
      test,
      fineTuneConfig(model, ft, { initialWeights: [masksApply(rewindTo, masks, false)], masks: [masks] }),
      true,
    );
    const control = await stageRun(
      ctx,
      `round ${r}: random re-initialisation`,
      train,
      test,
      fineTuneConfig(model, ft, { initialWeights: [masksApply(other, masks, false)], masks: [masks] }),
    );
    rounds.push({ round: r, sparsity, rewound: lastMetrics(ticket), random: lastMetrics(control) });
    trained = ticket.weights![0];
  }
  return { dense: lastMetrics(dense), rounds };
}
