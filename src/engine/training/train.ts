/**
 * Mini-batch training of K models at once. The data is uploaded to the device once; each epoch a
 * seeded permutation (one small upload) orders the rows and batches are gathered on the device.
 * Batch size 1 is SGD, the full training set is gradient descent, anything between is mini-batch.
 * Per-step losses stay on the device and are read back in chunks; train/test loss and accuracy are
 * computed on the full sets at the end of each epoch.
 *
 * Regularisation adds λ₂·Σw² and λ₁·Σ|w| over the weights (not the biases) to each model's loss.
 * Gradient clipping follows PyTorch: by value clamps each component; by norm scales a model's whole
 * gradient by max_norm / (‖g‖ + 1e-6) when that is below 1 (torch.nn.utils.clip_grad_norm_).
 * A model whose loss becomes NaN/Inf is marked diverged at that step and frozen (its rate is set to
 * 0); early stopping freezes a model whose test loss has not improved for `patience` epochs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { datasetPermutation, type Dataset } from '../data/dataset';
import { modelAccuracy, modelForward, modelInit, modelLoss, modelShape, type ModelShape, type ModelSpec } from '../models/models';
import type { ParamMap } from '../optimizers/base';
import { optimizerCreate, type OptimizerSetting } from '../optimizers/registry';
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
  /** ‖g‖ of each step's gradient (all parameters, before clipping) */
  gradNorm: number[];
  /** per step, per layer: ‖Δw‖ / ‖w‖, the size of the update relative to the weights */
  updateRatio: number[][];
  epochs: EpochMetrics[];
  status: 'ok' | 'diverged' | 'stopped';
  divergedAt?: number;
  /** the epoch after which early stopping froze it */
  stoppedAfter?: number;
}

export interface TrainResult {
  backend: string;
  stepsPerEpoch: number;
  models: TrainModelResult[];
}

export interface TrainOptions {
  /** steps between readbacks of the per-step losses (default 50) */
  chunkSize?: number;
  onEpoch?: (models: readonly TrainModelResult[]) => void;
  signal?: AbortSignal;
}

export function trainStepsPerEpoch(nTrain: number, batchSize: number): number {
  return Math.ceil(nTrain / batchSize);
}

/** Why a configuration cannot train on this data, or null. */
export function trainConfigProblem(cfg: TrainConfig, train: Dataset): string | null {
  const shape = modelShape(cfg.model, train);
  if (typeof shape === 'string') return shape;
  if (!(Number.isInteger(cfg.batchSize) && cfg.batchSize >= 1)) return 'the batch size must be a whole number ≥ 1';
  if (cfg.batchSize > train.n) return `the batch size (${cfg.batchSize}) is larger than the training set (${train.n} rows)`;
  const K = cfg.optimizers.length;
  if (K === 0 || cfg.schedules.length !== K || cfg.initSeeds.length !== K) return 'every model needs an optimizer, a schedule and a seed';
  return null;
}

interface DeviceData {
  x: tf.Tensor2D;
  y: tf.Tensor1D;
  oneHot: tf.Tensor2D | null;
}

function upload(ds: Dataset, shape: ModelShape): DeviceData {
  const y = tf.tensor1d(ds.y);
  const oneHot = shape.head === 'multiclass' ? (tf.tidy(() => tf.cast(tf.oneHot(tf.cast(y, 'int32'), ds.nClasses), 'float32')) as tf.Tensor2D) : null;
  return { x: tf.tensor2d(ds.x, [ds.n, ds.nFeatures]), y, oneHot };
}

/** λ₂·Σw² + λ₁·Σ|w| over the weight matrices of each model: [K]. */
function penalty(params: ParamMap, l1: number, l2: number): tf.Tensor1D | null {
  if (l1 === 0 && l2 === 0) return null;
  const weights = Object.keys(params).filter((k) => k.endsWith('/w'));
  return tf.tidy(() => {
    let total: tf.Tensor = tf.zeros([params['l0/w'].shape[0]]);
    for (const k of weights) {
      if (l2 !== 0) total = tf.add(total, tf.mul(l2, tf.sum(tf.square(params[k]), [1, 2])));
      if (l1 !== 0) total = tf.add(total, tf.mul(l1, tf.sum(tf.abs(params[k]), [1, 2])));
    }
    return total as tf.Tensor1D;
  });
}

export function trainGradClip(grads: ParamMap, clipValue: number | null, clipNorm: number | null): ParamMap {
  return tf.tidy(() => {
    let out = grads;
    if (clipValue !== null) out = Object.fromEntries(Object.entries(out).map(([k, g]) => [k, tf.clipByValue(g, -clipValue, clipValue)]));
    if (clipNorm !== null) {
      const sq = Object.values(out).map((g) => tf.sum(tf.square(g), g.shape.slice(1).map((_, i) => i + 1)));
      const norm = tf.sqrt(sq.reduce((a, b) => tf.add(a, b)));
      const coef = tf.minimum(tf.div(clipNorm, tf.add(norm, 1e-6)), 1);
      out = Object.fromEntries(Object.entries(out).map(([k, g]) => [k, tf.mul(g, tf.reshape(coef, [-1, ...g.shape.slice(1).map(() => 1)]))]));
    }
    return out;
  });
}

export async function trainRun(train: Dataset, test: Dataset, cfg: TrainConfig, options: TrainOptions = {}): Promise<TrainResult> {
  const problem = trainConfigProblem(cfg, train);
  if (problem) throw new Error(problem);
  const shape = modelShape(cfg.model, train) as ModelShape;
  const K = cfg.optimizers.length;
  const chunkSize = Math.max(1, options.chunkSize ?? 50);
  const stepsPerEpoch = trainStepsPerEpoch(train.n, cfg.batchSize);
  const models: TrainModelResult[] = Array.from({ length: K }, () => ({ stepLoss: [], gradNorm: [], updateRatio: [], epochs: [], status: 'ok' }));
  const L = shape.layers.length;
  const frozen = new Array<boolean>(K).fill(false);
  const bestTest = new Array<number>(K).fill(Infinity);
  const sinceBest = new Array<number>(K).fill(0);
  const schedules = cfg.schedules.map((s, k) => scheduleCreate(s, Number(cfg.optimizers[k].lr), stepsPerEpoch * cfg.epochs));
  const needsMetric = schedules.some((s) => s.needsMetric);

  const trainData = upload(train, shape);
  const testData = upload(test, shape);
  let params = modelInit(shape, cfg.model.init, cfg.initSeeds);
  const optimizer = optimizerCreate(cfg.optimizers[0].name, cfg.optimizers);
  /** per step: [K, 2 + L] = loss, gradient norm, then each layer's update ratio */
  const pending: tf.Tensor2D[] = [];
  let step = 0;

  const flush = async () => {
    if (pending.length === 0) return;
    const stacked = tf.stack(pending);
    const values = await stacked.data();
    tf.dispose([stacked, ...pending]);
    const first = step - pending.length;
    const width = 2 + L;
    pending.length = 0;
    for (let s = 0; s < values.length / (K * width); s++) {
      for (let k = 0; k < K; k++) {
        if (models[k].status === 'diverged') continue;
        const at = (s * K + k) * width;
        const v = values[at];
        if (!Number.isFinite(v)) {
          models[k].status = 'diverged';
          models[k].divergedAt = first + s;
          frozen[k] = true;
        } else if (!frozen[k]) {
          models[k].stepLoss.push(v);
          models[k].gradNorm.push(values[at + 1]);
          models[k].updateRatio.push(Array.from(values.subarray(at + 2, at + width)));
        }
      }
    }
  };

  const evaluate = async (data: DeviceData) => {
    const out = modelForward(shape, params, data.x);
    const loss = modelLoss(shape, out, data.y, data.oneHot);
    const acc = shape.head === 'regression' ? null : modelAccuracy(shape, out, data.y);
    out.dispose();
    const l = await loss.data();
    const a = acc ? await acc.data() : null;
    tf.dispose([loss, ...(acc ? [acc] : [])]);
    return { loss: Array.from(l), accuracy: a ? Array.from(a) : null };
  };

  try {
    for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
      if (options.signal?.aborted || frozen.every(Boolean)) break;
      const order = tf.tensor1d(datasetPermutation(train.n, randomCreate(randomMixSeed(cfg.seed, epoch))), 'int32');
      for (let b = 0; b < stepsPerEpoch; b++) {
        const lrs = schedules.map((s, k) => (frozen[k] ? 0 : s.lrAt(step)));
        const { value, grads } = tf.tidy(() => {
          const size = Math.min(cfg.batchSize, train.n - b * cfg.batchSize);
          const idx = tf.slice(order, [b * cfg.batchSize], [size]);
          const xb = tf.gather(trainData.x, idx) as tf.Tensor2D;
          const yb = tf.gather(trainData.y, idx) as tf.Tensor1D;
          const hb = trainData.oneHot ? (tf.gather(trainData.oneHot, idx) as tf.Tensor2D) : null;
          const names = Object.keys(params);
          let losses: tf.Tensor1D | null = null;
          // one forward pass: the gradient of the sum over models gives each model its own gradient
          const dropout = cfg.dropout ? { rate: cfg.dropout, seed: randomMixSeed(cfg.seed, step, 0xd40) } : undefined;
          const gradList = tf.grads(() => {
            const loss = modelLoss(shape, modelForward(shape, params, xb, dropout), yb, hb);
            const pen = penalty(params, cfg.l1, cfg.l2);
            losses = tf.keep(pen ? tf.add(loss, pen) : loss) as tf.Tensor1D;
            return tf.sum(losses);
          })(names.map((n) => params[n]));
          const perModel = losses as unknown as tf.Tensor1D;
          const norm = tf.sqrt(gradList.map((g) => tf.sum(tf.square(g), g.shape.slice(1).map((_, i) => i + 1))).reduce((a, c) => tf.add(a, c)));
          const value = tf.stack([perModel, norm], 1);
          perModel.dispose(); // kept inside tf.grads so it survived that scope; its values are in the stack now
          return { value, grads: trainGradClip(Object.fromEntries(names.map((n, i) => [n, gradList[i]])), cfg.clipValue, cfg.clipNorm) };
        });
        const next = optimizer.step(params, grads, lrs);
        const metrics = tf.tidy(() => {
          const ratios = shape.layers.map((_, l) => {
            const before = params[`l${l}/w`];
            const delta = tf.sub(next[`l${l}/w`], before);
            return tf.div(tf.sqrt(tf.sum(tf.square(delta), [1, 2])), tf.add(tf.sqrt(tf.sum(tf.square(before), [1, 2])), 1e-12));
          });
          return tf.concat([value, tf.stack(ratios, 1)], 1) as tf.Tensor2D;
        });
        tf.dispose([...Object.values(params), ...Object.values(grads), value]);
        params = next;
        pending.push(metrics);
        step++;
        if (needsMetric) {
          const v = await metrics.data();
          schedules.forEach((s, k) => s.observe(v[k * (2 + L)]));
        }
        if (pending.length >= chunkSize) await flush();
      }
      order.dispose();
      await flush();
      const tr = await evaluate(trainData);
      const te = await evaluate(testData);
      for (let k = 0; k < K; k++) {
        if (models[k].status === 'diverged') continue;
        if (!Number.isFinite(tr.loss[k])) {
          models[k].status = 'diverged';
          models[k].divergedAt = step;
          frozen[k] = true;
          continue;
        }
        if (models[k].status === 'stopped') continue;
        models[k].epochs.push({
          epoch, step, trainLoss: tr.loss[k], testLoss: te.loss[k],
          trainAccuracy: tr.accuracy ? tr.accuracy[k] : null, testAccuracy: te.accuracy ? te.accuracy[k] : null,
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
    }
  } finally {
    tf.dispose([...pending, ...Object.values(params), trainData.x, trainData.y, testData.x, testData.y]);
    if (trainData.oneHot) trainData.oneHot.dispose();
    if (testData.oneHot) testData.oneHot.dispose();
    optimizer.dispose();
  }
  return { backend: tf.getBackend(), stepsPerEpoch, models };
}
