/**
 * The training loop for K models at once: epochs of seeded batches (deviceData.ts), each step's
 * arithmetic (step.ts, regularize.ts), metrics read back in chunks (metrics/metricBuffer.ts), the
 * test set after each epoch (evaluate.ts), probes for the live views (probes.ts), pause/step/cancel,
 * divergence (a NaN/∞ loss freezes that model) and early stopping; compression comes in as hooks
 * (types.ts TrainHook, compress/hooks.ts). What an epoch's numbers mean: README, Training lab.
 */
import * as tf from '@tensorflow/tfjs-core';
import { yielder } from '../yieldPoint';
import type { Dataset } from '../data/dataset';
import { MetricBuffer } from '../metrics/metricBuffer';
import { modelInit } from '../models/models';
import { modelShape, type ModelShape } from '../models/shape';
import { Lbfgs, type LbfgsSettings } from '../optimizers/lbfgsStep';
import { optimizerCreate, type Optimizer, type ParamMap } from '../optimizers/optimizer';
import { OPTIMIZERS, optimizerGroups } from '../optimizers/registry';
import { scheduleCreate } from '../schedules/schedules';
import { BatchOrder, deviceDispose, deviceUpload } from './deviceData';
import { evaluate } from './evaluate';
import { probeTake } from './probes';
import { Diagnostics, METRIC_ROW, stepGradients, type StepSettings } from './step';
import { DIAGNOSTICS_EVERY, trainStepsPerEpoch } from './steps';
import {
  trainModelEmpty,
  type ModelWeights,
  type TrainConfig,
  type TrainHook,
  type TrainModelResult,
  type TrainOptions,
  type TrainProbe,
  type TrainResult,
} from './types';

export type * from './types';
export { trainEvaluate } from './evaluate';
export { trainGradClip } from './regularize';

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
  const groups = optimizerGroups(cfg.optimizers);
  const def = OPTIMIZERS[cfg.optimizers[0].name];
  if (def.closure && K > 1)
    return `${def.label} is not batched: each model has its own line search and evaluations, so train one model (one run, one seed) at a time`;
  if (groups.length > 1)
    return `one training program steps one optimizer group, here ${groups.length} (${cfg.optimizers.map((o) => o.name).join(', ')}): train each group on its own (runTrainSpec does)`;
  return null;
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

/** How many times worse than guessing a final test loss may be before the run counts as diverged. */
const FAR_WORSE = 10;

/** The loss of guessing: ln C (uniform over the classes; ln 2 for a binary head), or the targets' variance (predicting their mean). */
function chanceLoss(shape: ModelShape, train: Dataset): number {
  if (shape.head === 'binary') return Math.LN2;
  if (shape.head === 'multiclass') return Math.log(Math.max(2, shape.layers[shape.layers.length - 1].out));
  let mean = 0;
  for (const y of train.y) mean += y / train.n;
  let variance = 0;
  for (const y of train.y) variance += (y - mean) ** 2 / train.n;
  return Math.max(variance, 1e-6);
}

/** The forward view of every hook in turn (the parameters themselves without one). */
function viewOf(hooks: TrainHook[], params: ParamMap): ParamMap {
  return hooks.reduce((p, h) => (h.view ? h.view(p) : p), params);
}

/**
 * One L-BFGS step of one model: the closure is the loss and gradient of this step's batch at a point
 * (all parameters as one flat vector). Returns the first evaluation (the step's metrics come from it,
 * as for every other optimizer) and the new parameters.
 */
async function lbfgsTrainStep(
  lbfgs: Lbfgs,
  params: ParamMap,
  lr: number,
  evaluateAt: (p: ParamMap) => { value: tf.Tensor2D; grads: ParamMap },
): Promise<{ value: tf.Tensor2D; grads: ParamMap; next: ParamMap }> {
  const names = Object.keys(params);
  const shapes = names.map((n) => params[n].shape);
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const flatten = (m: ParamMap) => tf.tidy(() => tf.concat(names.map((n) => tf.reshape(m[n], [-1])))) as tf.Tensor1D;
  const unflatten = (x: tf.Tensor1D): ParamMap =>
    tf.tidy(() => {
      const parts = tf.split(x, sizes);
      return Object.fromEntries(names.map((n, i) => [n, tf.reshape(parts[i], shapes[i])]));
    });
  let first: { value: tf.Tensor2D; grads: ParamMap } | null = null;
  const x0 = flatten(params);
  try {
    const r = await lbfgs.step(x0, lr, async (x) => {
      const p = unflatten(x);
      const out = evaluateAt(p);
      tf.dispose(Object.values(p));
      const grad = flatten(out.grads);
      // row 0: each model's loss with its penalty, the number the optimizer minimises
      const loss = tf.slice(out.value, [0, 0], [1, 1]);
      if (first) tf.dispose([out.value, ...Object.values(out.grads)]);
      else first = out;
      return { loss, grad };
    });
    r.grad.dispose();
    const next = unflatten(r.x);
    r.x.dispose();
    return { ...first!, next };
  } catch (err) {
    const kept = first as { value: tf.Tensor2D; grads: ParamMap } | null;
    if (kept) tf.dispose([kept.value, ...Object.values(kept.grads)]);
    throw err;
  } finally {
    x0.dispose();
  }
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
  const L = shape.layers.length;
  const chunkSize = Math.max(1, options.chunkSize ?? 50);
  const stepsPerEpoch = trainStepsPerEpoch(train.n, cfg.batchSize);
  const models: TrainModelResult[] = Array.from({ length: K }, trainModelEmpty);
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
  const probeOpts = options.probes
    ? { grid: options.probes.grid ?? 60, samples: options.probes.samples ?? 24, bins: options.probes.bins }
    : null;
  const probeInterval = options.probes?.intervalMs ?? 300;
  let lastProbe = -Infinity;
  let probeCost = 0;
  let probe: TrainProbe | null = null;

  const hooks: TrainHook[] = [];
  /** what the run holds on the device, given back in reverse order however the run ends (a fault while setting up too) */
  const held: (() => void)[] = [];
  const hold = <T>(value: T, release: (v: T) => void): T => {
    held.push(() => release(value));
    return value;
  };
  let params: ParamMap = {};
  try {
    const trainData = hold(deviceUpload(train, shape), deviceDispose);
    const testData = hold(deviceUpload(test, shape), deviceDispose);
    const order = hold(new BatchOrder(trainData, shuffleSeeds, cfg.batchSize), (o) => o.dispose());
    const buffer = hold(new MetricBuffer(), (b) => b.dispose());
    const diagnostics = hold(
      new Diagnostics(
        shape,
        Math.max(1, Math.round(options.diagnosticsEvery ?? DIAGNOSTICS_EVERY)),
        cfg.clipNorm !== null || cfg.clipValue !== null,
      ),
      (d) => d.dispose(),
    );
    const closureBased = OPTIMIZERS[cfg.optimizers[0].name].closure === true;
    const optimizer: Optimizer | null = closureBased
      ? null
      : hold(optimizerCreate(cfg.optimizers[0].name, cfg.optimizers), (o) => o.dispose());
    // L-BFGS: one model (trainConfigProblem); its closure is this step's batch loss
    const lbfgs = closureBased
      ? hold(new Lbfgs(cfg.optimizers[0] as unknown as LbfgsSettings), (o) => o.dispose())
      : null;
    held.push(() => tf.dispose(Object.values(params)));
    params = cfg.initialWeights
      ? paramsFromWeights(cfg.initialWeights)
      : modelInit(shape, cfg.model.init, cfg.initSeeds);
    held.push(() => hooks.forEach((h) => h.dispose?.()));
    for (const make of cfg.hooks ?? []) hooks.push(make({ shape, K, train }));
    const replace = (replaced: ParamMap | null) => {
      if (!replaced) return;
      tf.dispose(Object.values(params).filter((t) => !Object.values(replaced).includes(t)));
      params = replaced;
      diagnostics.reset();
    };
    for (const h of hooks) replace(h.start?.(params) ?? null);
    const lossHook = hooks.find((h) => h.loss);
    const settings: StepSettings = {
      shape,
      cfg,
      view: (p) => viewOf(hooks, p),
      loss: lossHook ? (out, batch) => lossHook.loss!(out, batch) : null,
    };
    // class indices or targets are gathered only where the loss reads them (the stats loss reads the one-hot rows)
    const want = {
      labels: lossHook !== undefined || trainData.oneHot === null,
      indices: hooks.some((h) => h.needsIndices),
    };
    /** per step of the chunk: the learning rates and the batch's rows */
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
     * ahead of its readbacks starved the page's compositor of the GPU (README, Performance).
     */
    const flush = async () => {
      const steps = (await buffer.read()).metrics ?? [];
      const first = step - steps.length;
      steps.forEach((values, s) => {
        const rows = values.length / K;
        const at = (row: number, k: number) => values[row * K + k];
        for (let k = 0; k < K; k++) {
          if (models[k].status === 'diverged') continue;
          const v = at(METRIC_ROW.loss, k);
          if (!Number.isFinite(v)) {
            models[k].status = 'diverged';
            models[k].divergedAt = first + s;
            frozen[k] = true;
          } else if (!frozen[k]) {
            models[k].stepLoss.push(v);
            if (classify) models[k].stepAccuracy.push(at(METRIC_ROW.accuracy, k));
            models[k].gradNorm.push(rows > METRIC_ROW.norm ? at(METRIC_ROW.norm, k) : NaN);
            models[k].updateRatio.push(
              Array.from({ length: L }, (_, l) => (rows > METRIC_ROW.ratio ? at(METRIC_ROW.ratio + l, k) : NaN)),
            );
            models[k].lr.push(pendingLr[s][k]);
            const sums = epochSums[k];
            sums.rows += pendingRows[s];
            sums.loss += (rows > METRIC_ROW.dataLoss ? at(METRIC_ROW.dataLoss, k) : v) * pendingRows[s];
            sums.accuracy += at(METRIC_ROW.accuracy, k) * pendingRows[s];
          }
        }
      });
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

    const breathe = yielder({ everyStep: tf.getBackend() === 'cpu' });
    for (epoch = 1; epoch <= cfg.epochs; epoch++) {
      if (options.signal?.aborted || frozen.every(Boolean)) break;
      order.epochStart(epoch);
      for (let b = 0; b < stepsPerEpoch; b++) {
        while (options.control?.shouldWait() && !options.signal?.aborted) {
          await report(true);
          await options.control.wait();
          busySince = performance.now(); // a pause is not work to make up for
        }
        await breathe();
        if (options.signal?.aborted) break;
        for (const h of hooks) if (h.before) replace(await h.before(step, params));
        if (step >= (cfg.maxSteps ?? Infinity)) {
          cut = true;
          break;
        }
        const lrs = schedules.map((s, k) => (frozen[k] ? 0 : s.lrAt(step)));
        const mode = diagnostics.mode(step, params);
        const evaluateAt = (p: ParamMap) => tf.tidy(() => stepGradients(settings, p, order.batch(b, want), step, mode));
        let closureStep: { value: tf.Tensor2D; grads: ParamMap; next: ParamMap } | null = null;
        if (lbfgs) {
          if (frozen[0]) break; // nothing left to train (a frozen model would still move: the step is not lr × something)
          closureStep = await lbfgsTrainStep(lbfgs, params, lrs[0], evaluateAt);
          models[0].evaluations = lbfgs.functionEvaluations;
        }
        const { value, grads } = closureStep ?? evaluateAt(params);
        // on a fault mid-step the step's own tensors go back here, the parameters in the finally below
        let next: ParamMap | null = closureStep?.next ?? null;
        let metrics: tf.Tensor;
        try {
          next ??= optimizer!.step(params, grads, lrs);
          for (const h of hooks) if (h.constrain) next = h.constrain(next, params);
          metrics = diagnostics.rows(mode, value, grads, params, next);
        } catch (err) {
          if (next) tf.dispose(Object.values(next));
          throw err;
        } finally {
          tf.dispose([...Object.values(grads), value]);
        }
        tf.dispose(Object.values(params));
        params = next;
        buffer.push('metrics', metrics);
        pendingLr.push(lrs);
        pendingRows.push(order.size(b));
        step++;
        if (needsMetric) {
          const v = await metrics.data();
          schedules.forEach((s, k) => s.observe(v[k]));
        }
        // the first readbacks come after 1, 2, 4 … steps only for a listener (the app's live charts);
        // without one (the CLI, the studies) every readback is a pipeline stall that buys nothing
        if (buffer.count() >= (options.onProgress ? Math.min(chunkSize, 2 ** reports) : chunkSize)) {
          reports++;
          await report(false);
        }
      }
      if (options.signal?.aborted) break;
      if (cut) break; // stopped inside an epoch by maxSteps: no epoch metrics for a part-epoch
      await flush();
      const view = tf.tidy(() => viewOf(hooks, params));
      const tr = epochSums.map((e) => ({
        loss: e.rows > 0 ? e.loss / e.rows : NaN,
        accuracy: e.rows > 0 ? e.accuracy / e.rows : NaN,
      }));
      for (const e of epochSums) Object.assign(e, { rows: 0, loss: 0, accuracy: 0 });
      const te = await evaluate(shape, view, testData);
      tf.dispose(Object.values(view).filter((t) => !Object.values(params).includes(t))); // a hook's copies (QAT)
      for (let k = 0; k < K; k++) {
        if (models[k].status !== 'running') continue;
        const accuracyBad = classify && !(Number.isFinite(tr[k].accuracy) && Number.isFinite(te.accuracy?.[k] ?? NaN));
        if (!Number.isFinite(tr[k].loss) || !Number.isFinite(te.loss[k]) || accuracyBad) {
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
            models[k].status = 'early-stopped';
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
    // a run that ends far worse than guessing did not train: it is reported as diverged, not done
    const chance = chanceLoss(shape, train);
    for (const m of models) {
      const last = m.epochs[m.epochs.length - 1];
      if (m.status === 'running' && !options.signal?.aborted && last && last.testLoss > FAR_WORSE * chance) {
        m.status = 'diverged';
        m.divergedAt = step;
        m.reason = `its test loss ${last.testLoss.toPrecision(3)} is over ${FAR_WORSE}× what guessing scores (${chance.toPrecision(3)})`;
      }
    }
    for (const m of models) if (m.status === 'running') m.status = options.signal?.aborted ? 'cancelled' : 'done';
    return { backend: tf.getBackend(), stepsPerEpoch, models, probe, ...(weights ? { weights } : {}) };
  } finally {
    for (const release of held.reverse()) release();
  }
}
