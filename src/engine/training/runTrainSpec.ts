/**
 * Runs a `train` spec: builds the dataset (seeded), splits it, and trains every run. Runs that share
 * an optimizer (and its on/off options) train together as one batched program of K models; the
 * groups train concurrently (each yields at its readbacks, so their steps interleave and the live
 * charts show every run from the start; the numbers do not depend on the interleaving). With `training.seeds` = S > 1 every run is repeated S times, with
 * its own initial weights and batch order, in the same program (seed 0 is the run as specified).
 * Results come back in the spec's run order.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AssetLoader } from '../job';
import { csvDataset, csvTable, type CsvProblem } from '../data/csv';
import { DataError } from '../data/dataError';
import { datasetSplit, type Dataset } from '../data/dataset';
import { specCostProblems, type CostBudget } from '../spec/cost';
import { specErrorsFormat } from '../spec/schema';
import { irisLoad } from '../data/iris';
import { MNIST_ASSET, mnistParse } from '../data/mnist';
import { syntheticMake } from '../data/synthetic';
import { concurrently } from '../concurrent';
import { optimizerGroups } from '../optimizers/registry';
import { randomMixSeed } from '../random';
import type { TrainSpec } from '../spec/trainSchema';
import {
  trainRun,
  type ModelWeights,
  type TrainConfig,
  type ProbeOptions,
  type TrainControl,
  type TrainModelResult,
  type TrainProbe,
  type WeightHistogram,
} from './train';
import { trainStepsPerEpoch } from './steps';

export type { AssetLoader } from '../job';

/** What the views need to know about the data before training starts. */
export interface TrainDataInfo {
  name: string;
  task: Dataset['task'];
  train: number;
  test: number;
  features: number;
  classes: number;
  classNames: string[] | null;
  featureNames: string[] | null;
  stepsPerEpoch: number;
  /** 1-D or 2-D data: the points (at most MAX_POINTS of each split) */
  points?: { train: { x: number[]; y: number[] }; test: { x: number[]; y: number[] } };
  /** image data: the first test images (grey levels 0–255) and their labels, as the probe's samples */
  images?: { width: number; height: number; pixels: number[][]; labels: number[] };
  /** CSV rows that could not be read */
  csvProblems?: CsvProblem[];
}

/** A probe for one run (its first seed). */
export interface TrainRunProbe {
  step: number;
  epoch: number;
  histograms: WeightHistogram[];
  boundary?: { nx: number; ny: number; bounds: [number, number, number, number]; classes: number; probs: Float32Array };
  curve?: { xs: number[]; ys: number[] };
  confusion?: number[][];
  samples?: { predicted: number[]; confidence: number[] };
}

export interface TrainSpecResult {
  backend: string;
  dataset: { name: string; train: number; test: number; features: number; classes: number };
  stepsPerEpoch: number;
  runs: TrainModelResult[];
  /** every seed of each run, when training.seeds > 1 (seed 0 is runs[i]) */
  seedRuns?: TrainModelResult[][];
  /** the last probe of each run, when probes were asked for */
  probes?: (TrainRunProbe | null)[];
  /** trained parameters of each run, when keepWeights */
  weights?: ModelWeights[][];
}

export interface TrainSpecOptions {
  /** the CSV file's text, for data.name = 'csv' */
  csvText?: string;
  /** the whole experiment, checked against the cost limits once a CSV file's shape is known */
  budget?: CostBudget;
  signal?: AbortSignal;
  /** pause/step; `group` says which optimizer group asks (each takes its own single step) */
  control?: { shouldWait(group: number): boolean; wait(group: number): Promise<void> };
  probes?: ProbeOptions;
  keepWeights?: boolean;
  /** see TrainOptions.yieldShare */
  yieldShare?: number;
  onData?: (info: TrainDataInfo) => void;
  /** runs[i] are the group's run indices; models[k] is the model of runs[k / seeds | 0], seed k % seeds */
  onProgress?: (update: {
    runs: number[];
    seeds: number;
    models: readonly TrainModelResult[];
    probes: Map<number, TrainRunProbe> | null;
    step: number;
  }) => void;
  /** after each epoch of a group, as before */
  onEpoch?: (run: number, result: TrainModelResult) => void;
}

const MAX_POINTS = 2000;
const SAMPLE_IMAGES = 24;

export async function trainDataset(
  spec: TrainSpec,
  loadAsset: AssetLoader,
  csvText?: string,
): Promise<{ dataset: Dataset; csvProblems?: CsvProblem[] }> {
  const { data } = spec;
  if (data.name === 'iris') return { dataset: irisLoad() };
  if (data.name === 'mnist') return { dataset: mnistParse(await loadAsset(MNIST_ASSET), data.limit) };
  if (data.name === 'csv') {
    if (csvText === undefined)
      throw new DataError(
        `this experiment uses your own CSV file${data.file ? ` (${data.file})` : ''}, which never leaves your machine and is not in the link: load it to run`,
      );
    // columns are chosen once the file is loaded, so a spec may name none yet
    if (!data.label) throw new DataError('choose the label column of the CSV file (data.label)');
    if (!data.features?.length)
      throw new DataError('choose at least one feature column of the CSV file (data.features)');
    const { dataset, problems } = csvDataset(
      csvTable(csvText),
      { label: data.label ?? '', features: data.features ?? [] },
      data.file ?? 'your data',
    );
    return { dataset, csvProblems: problems };
  }
  return { dataset: syntheticMake(data.name, { size: data.size, noise: data.noise, seed: spec.seed }) };
}

/** The dataset's name and sizes, as the result and the views report them. */
function datasetSummary(train: Dataset, test: Dataset): TrainSpecResult['dataset'] {
  return {
    name: train.name.replace(' (train)', ''),
    train: train.n,
    test: test.n,
    features: train.nFeatures,
    classes: train.nClasses,
  };
}

function dataInfo(
  spec: TrainSpec,
  train: Dataset,
  test: Dataset,
  csvProblems: CsvProblem[] | undefined,
): TrainDataInfo {
  const info: TrainDataInfo = {
    ...datasetSummary(train, test),
    task: train.task,
    classNames: train.classNames ?? null,
    featureNames: train.featureNames ?? null,
    stepsPerEpoch: trainStepsPerEpoch(train.n, spec.training.batchSize),
    ...(csvProblems ? { csvProblems } : {}),
  };
  if (train.nFeatures <= 2) {
    const take = (ds: Dataset) => {
      const n = Math.min(ds.n, MAX_POINTS);
      return { x: Array.from(ds.x.subarray(0, n * ds.nFeatures)), y: Array.from(ds.y.subarray(0, n)) };
    };
    info.points = { train: take(train), test: take(test) };
  }
  if (train.image) {
    const [height, width] = train.image;
    const m = Math.min(SAMPLE_IMAGES, test.n);
    const size = train.nFeatures;
    info.images = {
      width,
      height,
      pixels: Array.from({ length: m }, (_, i) =>
        Array.from(test.x.subarray(i * size, (i + 1) * size), (v) => Math.round(v * 255)),
      ),
      labels: Array.from(test.y.subarray(0, m)),
    };
  }
  return info;
}

/** Model k's share of a probe. */
function probeOf(p: TrainProbe, k: number): TrainRunProbe {
  return {
    step: p.step,
    epoch: p.epoch,
    histograms: p.histograms[k],
    ...(p.boundary ? { boundary: { ...p.boundary, probs: p.boundary.probs[k] } } : {}),
    ...(p.curve ? { curve: { xs: p.curve.xs, ys: p.curve.ys[k] } } : {}),
    ...(p.confusion ? { confusion: p.confusion[k] } : {}),
    ...(p.samples ? { samples: { predicted: p.samples.predicted[k], confidence: p.samples.confidence[k] } } : {}),
  };
}

/**
 * A train spec's data, loaded and split with the spec's seed (as every tool that trains it splits it).
 * A CSV file's shape is known only now: the whole experiment's cost (`budget`) is checked against it.
 */
export async function trainDataSplit(
  spec: TrainSpec,
  loadAsset: AssetLoader,
  csvText?: string,
  budget?: CostBudget,
): Promise<{ dataset: Dataset; train: Dataset; test: Dataset; csvProblems?: CsvProblem[] }> {
  const { dataset, csvProblems } = await trainDataset(spec, loadAsset, csvText);
  if (budget && spec.data.name === 'csv') {
    const shape = { rows: dataset.n, task: dataset.task, nFeatures: dataset.nFeatures, nClasses: dataset.nClasses };
    const over = specCostProblems(budget.spec, shape, budget);
    if (over.length) throw new DataError(specErrorsFormat(over).join('; '));
  }
  return {
    dataset,
    ...datasetSplit(dataset, spec.data.testFraction, spec.seed),
    ...(csvProblems ? { csvProblems } : {}),
  };
}

/** The training loop's settings for these runs of a spec, one model each (seeds, batch order and extras are the caller's). */
export function trainSpecConfig(spec: TrainSpec, runs: TrainSpec['runs'][number][]): TrainConfig {
  const t = spec.training;
  return {
    model: spec.model,
    optimizers: runs.map((r) => r.optimizer),
    schedules: runs.map((r) => r.schedule),
    initSeeds: runs.map((r) => r.initSeed),
    seed: spec.seed,
    batchSize: t.batchSize,
    epochs: t.epochs,
    l1: t.l1,
    l2: t.l2,
    clipNorm: t.clipNorm,
    clipValue: t.clipValue,
    patience: t.patience,
    dropout: t.dropout,
  };
}

export async function trainSpecRun(
  spec: TrainSpec,
  loadAsset: AssetLoader,
  options: TrainSpecOptions = {},
): Promise<TrainSpecResult> {
  const { train, test, csvProblems } = await trainDataSplit(spec, loadAsset, options.csvText, options.budget);
  options.onData?.(dataInfo(spec, train, test, csvProblems));
  const S = spec.training.seeds;
  const runs: TrainModelResult[] = new Array(spec.runs.length);
  const seedRuns: TrainModelResult[][] = spec.runs.map(() => []);
  const probes: (TrainRunProbe | null)[] = spec.runs.map(() => null);
  const weights: ModelWeights[][] = [];
  let stepsPerEpoch = 0;
  const trainGroup = async (members: number[], group: number, signal: AbortSignal) => {
    const control: TrainControl | undefined = options.control && {
      shouldWait: () => options.control!.shouldWait(group),
      wait: () => options.control!.wait(group),
    };
    const expand = <T>(f: (i: number, s: number) => T) =>
      members.flatMap((i) => Array.from({ length: S }, (_, s) => f(i, s)));
    const seen = expand(() => 0);
    const result = await trainRun(
      train,
      test,
      {
        ...trainSpecConfig(
          spec,
          expand((i) => spec.runs[i]),
        ),
        initSeeds: expand((i, s) =>
          s === 0 ? spec.runs[i].initSeed : randomMixSeed(spec.runs[i].initSeed, s, 0x5eed),
        ),
        shuffleSeeds: expand((_, s) => (s === 0 ? spec.seed : randomMixSeed(spec.seed, s, 0x5eed))),
      },
      {
        signal,
        control,
        probes: options.probes,
        keepWeights: options.keepWeights,
        yieldShare: options.yieldShare,
        onEpoch: (models) =>
          models.forEach((m, k) => {
            if (k % S === 0 && m.epochs.length > seen[k]) {
              seen[k] = m.epochs.length;
              options.onEpoch?.(members[k / S], m);
            }
          }),
        onProgress: (models, probe, step) =>
          options.onProgress?.({
            runs: members,
            seeds: S,
            models,
            step,
            probes: probe ? new Map(members.map((i, m) => [i, probeOf(probe, m * S)])) : null,
          }),
      },
    );
    stepsPerEpoch = result.stepsPerEpoch;
    members.forEach((i, m) => {
      runs[i] = result.models[m * S];
      seedRuns[i] = result.models.slice(m * S, (m + 1) * S);
      if (result.probe) probes[i] = probeOf(result.probe, m * S);
      if (result.weights) weights[i] = result.weights[m * S];
    });
  };
  const groups = optimizerGroups(spec.runs.map((r) => r.optimizer));
  await concurrently(
    groups.map((members, group) => (signal) => trainGroup(members, group, signal)),
    options.signal,
  );
  return {
    backend: tf.getBackend(),
    dataset: datasetSummary(train, test),
    stepsPerEpoch,
    runs,
    ...(S > 1 ? { seedRuns } : {}),
    ...(options.probes ? { probes } : {}),
    ...(options.keepWeights ? { weights } : {}),
  };
}
