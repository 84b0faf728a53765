/**
 * What every compression study shares: how a stage trains (announced, cancellable, its epochs
 * reported), the fine-tuning settings, the metrics a study reports, and one model's weights as plain
 * arrays and back.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/dataset';
import { modelInit } from '../models/models';
import { modelShape, type ModelShape, type ModelSpec } from '../models/shape';
import type { ParamMap } from '../optimizers/optimizer';
import type { OptimizerSetting } from '../optimizers/registry';
import { scheduleWithDefaults } from '../schedules/registry';
import { trainEvaluate, trainRun, type EpochMetrics, type ModelWeights, type TrainConfig } from '../training/train';
import { compressConfig, type TrainCompression } from './hooks';

export interface Metrics {
  testLoss: number;
  testAccuracy: number | null;
  /** the model's training diverged (a NaN or a loss far worse than guessing): its numbers mean nothing */
  diverged?: true;
}

/** What a stage starts from and what shapes its training. */
export type StageCompression = TrainCompression & { initialWeights?: ModelWeights[][] };

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

export const lastMetrics = (r: { models: { epochs: EpochMetrics[]; status: string }[] }): Metrics => {
  const m = r.models[0];
  const e = m.epochs[m.epochs.length - 1];
  if (m.status === 'diverged') return { testLoss: NaN, testAccuracy: null, diverged: true };
  return { testLoss: e?.testLoss ?? NaN, testAccuracy: e?.testAccuracy ?? null };
};

export function paramsOf(weights: ModelWeights[]): ParamMap {
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
  const testAccuracy = r.accuracy ? r.accuracy[0] : null;
  if (!Number.isFinite(r.loss[0]) || (testAccuracy !== null && !Number.isFinite(testAccuracy)))
    return { testLoss: NaN, testAccuracy: null, diverged: true };
  return { testLoss: r.loss[0], testAccuracy };
}

export function shapeOf(model: ModelSpec, train: Dataset): ModelShape {
  const shape = modelShape(model, train);
  if (typeof shape === 'string') throw new Error(shape);
  return shape;
}

/** A study's training: one model, a constant rate, the study's compression (and start) as hooks. */
export function fineTuneConfig(model: ModelSpec, ft: FineTune, compress?: StageCompression): TrainConfig {
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
    ...compressConfig(compress),
  };
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
