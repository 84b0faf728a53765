/**
 * The batch-size study: the base experiment trained once per batch size for the same number of
 * epochs (so every run sees the same samples), recording the loss against optimizer steps,
 * samples seen and wall-clock time; optionally with the linear scaling rule (Goyal et al. 2017):
 * lr = lr_base · B / B_base, where B_base is the base experiment's batch size.
 *
 * And how noisy the gradient estimate is: at the initial weights, the mean squared distance
 * E‖g_B − g‖² between mini-batch gradients g_B (rows drawn without replacement) and the gradient
 * g over the whole population of rows. Theory: E‖g_B − g‖² = (N − B) / (B (N − 1)) · σ², where
 * σ² = (1/N) Σ_i ‖g_i − g‖² is the spread of per-example gradients, estimated from `examples` rows.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CostBudget } from '../spec/cost';
import { datasetPermutation, type Dataset } from '../data/dataset';
import { modelForward, modelInit, modelLoss, perModelSumSquares } from '../models/models';
import { modelShape, type ModelShape, type ModelSpec } from '../models/shape';
import type { ParamMap } from '../optimizers/optimizer';
import { randomCreate, randomMixSeed } from '../random';
import { optimizerWithLr } from '../optimizers/registry';
import type { SearchSpec } from '../spec/searchSchema';
import type { TrainSpec } from '../spec/trainSchema';
import { trainDataSplit, trainSpecConfig, type AssetLoader } from '../training/runTrainSpec';
import { trainRun, type EpochMetrics, type TrainModelResult } from '../training/train';
import { thinSteps } from './thin';
import { gradientsGuarded } from '../tape';

export interface BatchStudyRun {
  batchSize: number;
  lr: number;
  /** optimizer steps per epoch */
  stepsPerEpoch: number;
  /** batch loss averaged into at most 120 points: [step, loss] */
  steps: [number, number][];
  epochs: EpochMetrics[];
  /** wall-clock ms from the start of this run to the end of each epoch (evaluation included) */
  epochMs: number[];
  status: TrainModelResult['status'];
  message?: string;
}

export interface GradientNoisePoint {
  batchSize: number;
  /** measured E‖g_B − g‖² over `draws` batches */
  meanSqDev: number;
  /** the same, divided by ‖g‖² */
  relative: number;
  /** (N − B) / (B (N − 1)) · σ² */
  theory: number;
  draws: number;
}

export interface BatchStudyResult {
  backend: string;
  runs: BatchStudyRun[];
  /** null when cancelled before it was measured */
  noise: { population: number; gradNormSq: number; sigmaSq: number; points: GradientNoisePoint[] } | null;
  skipped: { batchSize: number; reason: string }[];
  cancelled: boolean;
}

export interface BatchStudyOptions {
  signal?: AbortSignal;
  csvText?: string;
  /** the whole experiment, checked against the cost limits once a CSV file's shape is known */
  budget?: CostBudget;
  onRun?: (run: BatchStudyRun) => void;
}

/** Rows the gradient-noise measurement treats as the population, and per-example rows for σ². */
const POPULATION = 2048;
const EXAMPLES = 256;
/** rows gathered at once when drawing batches (draws × B) */
const ROWS_PER_PASS = 8192;

function gradsOf(
  shape: ModelShape,
  params: ParamMap,
  x: tf.Tensor2D | tf.Tensor3D,
  y: tf.Tensor1D | tf.Tensor2D,
  oneHot: tf.Tensor | null,
): tf.Tensor[] {
  const names = Object.keys(params);
  return gradientsGuarded(() =>
    tf.grads(() =>
      tf.sum(modelLoss(shape, modelForward(shape, params, x), y, oneHot as tf.Tensor2D | tf.Tensor3D | null)),
    )(names.map((n) => params[n])),
  );
}

/** Σ over parameters of ‖g_k − g‖², per model k: [K]. */
function sqDistance(grads: tf.Tensor[], full: tf.Tensor[]): tf.Tensor1D {
  return grads.map((g, i) => perModelSumSquares(tf.sub(g, full[i]))).reduce((a, b) => tf.add(a, b));
}

export async function gradientNoise(
  train: Dataset,
  model: ModelSpec,
  sizes: number[],
  seed: number,
  draws = 32,
): Promise<NonNullable<BatchStudyResult['noise']>> {
  const shape = modelShape(model, train);
  if (typeof shape === 'string') throw new Error(shape);
  const N = Math.min(train.n, POPULATION);
  const rng = randomCreate(randomMixSeed(seed, 0x9a01));
  const rows = datasetPermutation(train.n, rng).subarray(0, N);
  const x = tf.tensor2d(
    Float32Array.from(
      Array.from(rows).flatMap((r) => Array.from(train.x.subarray(r * train.nFeatures, (r + 1) * train.nFeatures))),
    ),
    [N, train.nFeatures],
  );
  const y = tf.tensor1d(Float32Array.from(rows, (r) => train.y[r]));
  const oneHot =
    shape.head === 'multiclass'
      ? tf.tidy(() => tf.cast(tf.oneHot(tf.cast(y, 'int32'), train.nClasses), 'float32'))
      : null;
  const one = modelInit(shape, model.init, [seed]);
  try {
    const full = tf.tidy(() => gradsOf(shape, one, x, y, oneHot));
    /** K models with the same weights, each on its own rows: [K, B] indices */
    const measure = async (B: number, K: number, pick: (k: number) => Int32Array) => {
      const rowsOf = Array.from({ length: K }, (_, k) => pick(k));
      const idx = tf.tensor2d(
        Int32Array.from({ length: K * B }, (_, i) => rowsOf[Math.floor(i / B)][i % B]),
        [K, B],
        'int32',
      );
      const params = modelInit(shape, model.init, new Array<number>(K).fill(seed));
      const d = tf.tidy(() =>
        sqDistance(
          gradsOf(
            shape,
            params,
            tf.gather(x, idx) as unknown as tf.Tensor3D,
            tf.gather(y, idx) as unknown as tf.Tensor2D,
            oneHot ? tf.gather(oneHot, idx) : null,
          ),
          full,
        ),
      );
      const v = await d.data();
      tf.dispose([idx, d, ...Object.values(params)]);
      return Array.from(v);
    };
    const normSq = tf.tidy(() => full.map((g) => tf.sum(tf.square(g))).reduce((a, b) => tf.add(a, b)));
    const gradNormSq = (await normSq.data())[0];
    normSq.dispose();
    // σ²: per-example gradients of the first EXAMPLES rows (B = 1, one model each), corrected from the sample to the population mean
    const m = Math.min(EXAMPLES, N);
    const perExample = await measure(1, m, (k) => Int32Array.of(k));
    const sigmaSq = perExample.reduce((a, b) => a + b, 0) / m;
    const points: GradientNoisePoint[] = [];
    for (const B of [...new Set(sizes)].sort((a, b) => a - b).filter((b) => b <= N)) {
      const K = Math.max(4, Math.min(draws, Math.floor(ROWS_PER_PASS / B)));
      const dev =
        B === N ? new Array<number>(K).fill(0) : await measure(B, K, () => datasetPermutation(N, rng).subarray(0, B));
      const meanSqDev = dev.reduce((a, b) => a + b, 0) / K;
      points.push({
        batchSize: B,
        meanSqDev,
        relative: meanSqDev / gradNormSq,
        theory: ((N - B) / (B * Math.max(1, N - 1))) * sigmaSq,
        draws: K,
      });
    }
    tf.dispose(full);
    return { population: N, gradNormSq, sigmaSq, points };
  } finally {
    tf.dispose([x, y, ...(oneHot ? [oneHot] : []), ...Object.values(one)]);
  }
}

export async function batchStudyRun(
  base: TrainSpec,
  study: SearchSpec['study'],
  loadAsset: AssetLoader,
  options: BatchStudyOptions = {},
): Promise<BatchStudyResult> {
  const { train, test } = await trainDataSplit(base, loadAsset, options.csvText, options.budget);
  const run = base.runs[0];
  const baseLr = Number(run.optimizer.lr);
  const runs: BatchStudyRun[] = [];
  const skipped: BatchStudyResult['skipped'] = [];
  const sizes = [...new Set(study.sizes)].sort((a, b) => a - b);
  for (const B of sizes) {
    if (options.signal?.aborted) break;
    if (B > train.n) {
      skipped.push({ batchSize: B, reason: `larger than the training set (${train.n} rows)` });
      continue;
    }
    const lr = study.linearScaling ? (baseLr * B) / base.training.batchSize : baseLr;
    const t0 = performance.now();
    const epochMs: number[] = [];
    const result = await trainRun(
      train,
      test,
      {
        ...trainSpecConfig(base, [{ ...run, optimizer: optimizerWithLr(run.optimizer, lr) }]),
        batchSize: B,
        epochs: study.epochs,
        patience: null,
      },
      { signal: options.signal, onEpoch: () => epochMs.push(performance.now() - t0) },
    );
    const m = result.models[0];
    const entry: BatchStudyRun = {
      batchSize: B,
      lr,
      stepsPerEpoch: result.stepsPerEpoch,
      steps: thinSteps(m.stepLoss),
      epochs: m.epochs,
      epochMs: epochMs.slice(0, m.epochs.length),
      status: m.status,
      ...(m.status === 'diverged' ? { message: `diverged at step ${m.divergedAt}` } : {}),
    };
    runs.push(entry);
    options.onRun?.(entry);
  }
  const cancelled = !!options.signal?.aborted;
  const noise = cancelled ? null : await gradientNoise(train, base.model, sizes, base.seed);
  return { backend: tf.getBackend(), runs, noise, skipped, cancelled };
}
