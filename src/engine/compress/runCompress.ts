/**
 * Runs a `compress` spec: loads and splits the base experiment's data as every lab does, trains the
 * base model (or lets the study train its teacher / pretrained network), and runs the method's study.
 * Everything a view draws comes back as plain numbers.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DataError } from '../data/dataError';
import type { CostBudget } from '../spec/cost';
import { datasetSplit, type Dataset } from '../data/dataset';
import { layerWeightShape, modelParamCount, modelShape, type ModelSpec } from '../models/shape';
import { optimizerWithLr } from '../optimizers/registry';
import type { CompressSpec } from '../spec/compressSchema';
import type { EpochMetrics, ModelWeights } from '../training/train';
import { trainDataSplit, trainSpecConfig, type AssetLoader } from '../training/runTrainSpec';
import { quantParams, quantRange } from './quantize';
import { distillStudy, type DistillStudy } from './distillStudy';
import { lotteryStudy, type LotteryRound } from './lotteryStudy';
import { pruneStudy, type PruneRow } from './pruneStudy';
import { quantStudy, type QuantStudy } from './quantStudy';
import { stageRun, type FineTune, type Metrics, type StudyContext } from './stage';
import { datasetSubsetByLabel, transferStudy } from './transferStudy';
import type { TransferRun } from './transferScores';

export interface CompressProgress {
  /** what is training now, e.g. "fine-tuning at 90 % sparsity" */
  label: string;
  /** trainings finished, of `stages` */
  stage: number;
  stages: number;
  epoch: number;
  epochs: number;
}

export interface LayerInfo {
  name: string;
  /** [in, out] (dense) or [kh, kw, in, out] (conv) */
  shape: number[];
}

/** One layer's weights as a histogram, and the values each bit width can represent in its range. */
export interface QuantHistogram {
  layer: number;
  lo: number;
  hi: number;
  counts: number[];
  /** per bit width: the representable values inside [lo, hi] (per channel: those of `channel`, the widest) */
  grids: { bits: number; scale: number; zeroPoint: number; levels: number[] }[];
  channel: number | null;
}

interface Common {
  backend: string;
  dataset: { name: string; train: number; test: number; classes: number };
  /** the base model's training curve (null when the study trained it itself) */
  baseEpochs: EpochMetrics[] | null;
  layers: LayerInfo[];
  /** parameters of the base model (weights and biases) */
  paramCount: number;
}

export type CompressResult =
  | (Common & {
      method: 'pruning';
      schedule: 'oneShot' | 'gradual';
      dense: Metrics;
      denseBytes: number;
      rows: PruneRow[];
    })
  | (Common & { method: 'pruning'; schedule: 'lottery'; dense: Metrics; rounds: LotteryRound[] })
  | (Common & { method: 'quantization'; study: QuantStudy; histograms: QuantHistogram[] })
  | (Common & { method: 'distillation'; study: DistillStudy; studentParams: number })
  | (Common & {
      method: 'transfer';
      source: Metrics;
      sourceClasses: number[];
      targetClasses: number[];
      runs: TransferRun[];
    });

export interface CompressOptions {
  csvText?: string;
  /** the whole experiment, checked against the cost limits once a CSV file's shape is known */
  budget?: CostBudget;
  signal?: AbortSignal;
  onProgress?: (p: CompressProgress) => void;
}

/** How many trainings the spec's study runs (for the progress bar). */
export function compressStages(spec: CompressSpec): number {
  const ft = spec.fineTune.epochs > 0 ? 1 : 0;
  switch (spec.method) {
    case 'pruning':
      if (spec.pruning.schedule === 'lottery')
        return 1 + (spec.pruning.rewindEpochs > 0 ? 1 : 0) + 2 * spec.pruning.rounds;
      return 1 + ft * spec.pruning.sparsities.length;
    case 'quantization':
      return 1 + (spec.quantization.qat ? ft * spec.quantization.bits.length : 0);
    case 'distillation':
      return 3;
    case 'transfer':
      return 1 + 4 * spec.transfer.labels.length * spec.transfer.draws;
  }
}

const HIST_BINS = 60;

/** Histograms of each layer's weights with the quantization grid of each bit width over them. */
export function quantHistograms(weights: ModelWeights[], cfg: CompressSpec['quantization']): QuantHistogram[] {
  return weights
    .filter((w) => w.name.endsWith('/w'))
    .map((w, layer) => {
      const v = w.values;
      let lo = Infinity;
      let hi = -Infinity;
      for (const x of v) {
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
      const counts = new Array<number>(HIST_BINS).fill(0);
      const width = (hi - lo) / HIST_BINS || 1;
      for (const x of v) counts[Math.min(HIST_BINS - 1, Math.floor((x - lo) / width))]++;
      // per channel: the output unit with the widest range (its grid is the coarsest)
      let channel: number | null = null;
      let cLo = lo;
      let cHi = hi;
      if (cfg.perChannel) {
        const out = w.shape[w.shape.length - 1];
        let widest = -1;
        for (let c = 0; c < out; c++) {
          let a = Infinity;
          let b = -Infinity;
          for (let i = c; i < v.length; i += out) {
            a = Math.min(a, v[i]);
            b = Math.max(b, v[i]);
          }
          if (b - a > widest) [widest, channel, cLo, cHi] = [b - a, c, a, b];
        }
      }
      const grids = cfg.bits.map((bits) => {
        const { scale, zeroPoint } = quantParams(cLo, cHi, bits, cfg.scheme);
        const { qmin, qmax } = quantRange(bits, cfg.scheme);
        const levels: number[] = [];
        for (let q = qmin; q <= qmax; q++) {
          const x = (q - zeroPoint) * scale;
          if (x >= lo - scale / 2 && x <= hi + scale / 2) levels.push(x);
        }
        return { bits, scale, zeroPoint, levels };
      });
      return { layer, lo, hi, counts, grids, channel };
    });
}

function splitBy(ds: Dataset, keep: number[], testFraction: number, seed: number) {
  return datasetSplit(datasetSubsetByLabel(ds, keep), testFraction, seed);
}

export async function compressRun(
  spec: CompressSpec,
  loadAsset: AssetLoader,
  options: CompressOptions = {},
): Promise<CompressResult> {
  const { dataset, train, test } = await trainDataSplit(spec.base, loadAsset, options.csvText, options.budget);
  const run = spec.base.runs[0];
  const stages = compressStages(spec);
  let stage = -1;
  let label = '';
  const ctx: StudyContext = {
    signal: options.signal,
    onStage: (l) => {
      stage++;
      label = l;
      options.onProgress?.({ label, stage, stages, epoch: 0, epochs: 0 });
    },
    onEpoch: (epoch, epochs) => options.onProgress?.({ label, stage, stages, epoch, epochs }),
  };
  const seed = spec.seed;
  const batch = spec.base.training.batchSize;
  const fineTune: FineTune = {
    optimizer: optimizerWithLr(run.optimizer, spec.fineTune.lr),
    batchSize: batch,
    epochs: spec.fineTune.epochs,
    seed: seed + 1,
  };
  // the teacher, the pretraining and the lottery's trainings train as the base experiment says, regularisation included
  const { dropout, l1, l2 } = spec.base.training;
  const baseTrain: FineTune = {
    optimizer: run.optimizer,
    batchSize: batch,
    epochs: spec.base.training.epochs,
    seed: run.initSeed,
    regularization: { dropout, l1, l2 },
  };
  const common = (model: ModelSpec, data: Dataset, baseEpochs: EpochMetrics[] | null): Common => {
    const shape = modelShape(model, data);
    if (typeof shape === 'string') throw new Error(shape);
    return {
      backend: tf.getBackend(),
      dataset: { name: dataset.name, train: data.n, test: test.n, classes: data.nClasses },
      baseEpochs,
      layers: shape.layers.map((l, i) => ({ name: `l${i}`, shape: layerWeightShape(l) })),
      paramCount: modelParamCount(shape),
    };
  };

  if (spec.method === 'transfer') {
    const t = spec.transfer;
    // a CSV file's classes are known only now: refuse before any pretraining, with the reason
    const over = [...t.source, ...t.target].find((c) => c >= dataset.nClasses);
    if (over !== undefined)
      throw new DataError(
        `transfer splits the classes into a source and a target task: ${dataset.name} has ${dataset.nClasses} class${dataset.nClasses === 1 ? '' : 'es'}, and class ${over} is not among them; give source and target classes it has (at least 2 each), or use mnist`,
      );
    const source = splitBy(dataset, t.source, spec.base.data.testFraction, seed);
    const target = splitBy(dataset, t.target, spec.base.data.testFraction, seed);
    const r = await transferStudy(
      source,
      target,
      {
        model: spec.base.model,
        pretrain: baseTrain,
        adapt: fineTune,
        labels: t.labels,
        baseScale: t.baseScale,
        draws: t.draws,
      },
      ctx,
    );
    return {
      ...common(spec.base.model, target.train, null),
      dataset: { name: dataset.name, train: target.train.n, test: target.test.n, classes: t.target.length },
      method: 'transfer',
      source: r.source,
      sourceClasses: t.source,
      targetClasses: t.target,
      runs: r.runs,
    };
  }
  if (spec.method === 'distillation') {
    const d = spec.distillation;
    const student = { ...spec.base.model, hidden: d.student };
    const study = await distillStudy(
      train,
      test,
      {
        teacher: spec.base.model,
        student,
        teacherTrain: baseTrain,
        studentTrain: fineTune,
        T: d.T,
        alpha: d.alpha,
        temperatures: d.temperatures,
        sample: d.sample,
        studentRows: d.studentRows,
      },
      ctx,
    );
    return {
      ...common(spec.base.model, train, null),
      method: 'distillation',
      study,
      studentParams: common(student, train, null).paramCount,
    };
  }
  if (spec.method === 'pruning' && spec.pruning.schedule === 'lottery') {
    const p = spec.pruning;
    const r = await lotteryStudy(
      train,
      test,
      spec.base.model,
      { rounds: p.rounds, rate: p.rate, rewindEpochs: p.rewindEpochs, train: baseTrain },
      ctx,
    );
    return {
      ...common(spec.base.model, train, null),
      method: 'pruning',
      schedule: 'lottery',
      dense: r.dense,
      rounds: r.rounds,
    };
  }

  // pruning and quantization compress a trained model: train the base experiment as the training lab does
  const trained = await stageRun(ctx, 'training the model', train, test, trainSpecConfig(spec.base, [run]), true);
  const weights = trained.weights![0];
  const baseEpochs = trained.models[0].epochs;
  if (spec.method === 'quantization') {
    const q = spec.quantization;
    const study = await quantStudy(
      train,
      test,
      spec.base.model,
      weights,
      {
        bits: q.bits,
        scheme: q.scheme,
        perChannel: q.perChannel,
        activations: q.activations,
        fineTune: q.qat ? fineTune : { ...fineTune, epochs: 0 },
      },
      ctx,
    );
    return {
      ...common(spec.base.model, train, baseEpochs),
      method: 'quantization',
      study,
      histograms: quantHistograms(weights, q),
    };
  }
  const p = spec.pruning;
  const r = await pruneStudy(
    train,
    test,
    spec.base.model,
    weights,
    { sparsities: p.sparsities, scope: p.scope, gradual: p.schedule === 'gradual', fineTune },
    ctx,
  );
  return {
    ...common(spec.base.model, train, baseEpochs),
    method: 'pruning',
    schedule: p.schedule === 'gradual' ? 'gradual' : 'oneShot',
    ...r,
  };
}
