/**
 * What an experiment costs before it runs: a pure function of the spec (and, for a CSV file, of the
 * loaded data's rows and columns). Memory is the peak of what one training holds at once — K models'
 * weights, gradients, the step's new weights and the optimizer's old and new state (4 bytes each),
 * the activations of a batch (and of an evaluation slice) with their gradients, and the data on the
 * device. Work is multiply-adds: a dense layer costs in·out per row, a conv layer k²·in·out per output
 * pixel; a training step costs 3× the forward pass (forward, the gradient of the activations and of
 * the weights), an evaluation 1×. The surface lab's point-steps cost POINT_STEP each.
 * Limits that no valid spec may exceed live here, and the schema (schema.ts) and the engine's data
 * loading (a CSV's shape is known only then) both refuse what is over them with the estimate.
 */
import { datasetTestRows } from '../data/dataset';
import { modelParamCount, modelShape, type ModelShape, type ModelSpec } from '../models/shape';
import { optimizerStateSlots, type OptimizerSetting } from '../optimizers/registry';
import { EVAL_ROWS } from '../training/steps';
import { searchPlan } from '../search/plan';
import type { CompressSpec } from './compressSchema';
import type { ExperimentSpec, SpecError, SurfaceSpec } from './schema';
import type { SearchSpec } from './searchSchema';
import { trainDataShape, type TrainSpec } from './trainSchema';

export const COST_LIMITS = {
  /** peak memory of weights, state, activations and data: what a student's tab can hold */
  bytes: 512 * 2 ** 20,
  /** multiply-adds of one job: about 3 hours at 10⁹ per second (SwiftShader), minutes on a real GPU; `optiplay --allow-large` lifts it */
  work: 1e13,
} as const;

/** A link whose job is estimated to take longer than this on the device waits for Run. */
export const LINK_AUTORUN_SECONDS = 30;

/** multiply-adds of one point's step on the surface: the objective's gradient and the optimizer's rule */
export const POINT_STEP = 30;

/** The data as the cost model needs it (trainDataShape's fields; a CSV's after it is loaded). */
export interface DataShape {
  rows: number;
  task: 'classification' | 'regression';
  nFeatures: number;
  nClasses: number;
  image?: [number, number, number];
}

/** One training (or evaluation-only) pass of the experiment, as the engine will run it. */
export interface TrainingCost {
  label: string;
  models: number;
  /** parameters of one model */
  params: number;
  bytes: number;
  work: number;
  steps: number;
}

export interface SpecCost {
  /** the part that holds the most memory, which the message names */
  peak: TrainingCost;
  bytes: number;
  work: number;
  steps: number;
  /** what the job does, in a few words: "trains 2 models of 226 parameters" */
  what: string;
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** 5300000 → "5.3 M", 226 → "226". */
export function countFormat(n: number): string {
  if (n >= 1e9) return `${+(n / 1e9).toPrecision(2)} G`;
  if (n >= 1e6) return `${+(n / 1e6).toPrecision(2)} M`;
  if (n >= 1e4) return `${+(n / 1e3).toPrecision(3)} k`;
  return Math.round(n).toLocaleString('en-US');
}

/** 1.7e9 → "1.7 GB" (powers of 1024, as the limit is stated). */
export function bytesFormat(b: number): string {
  if (b >= 2 ** 30) return `${+(b / 2 ** 30).toPrecision(2)} GB`;
  if (b >= 2 ** 20) return `${+(b / 2 ** 20).toPrecision(3)} MB`;
  if (b >= 2 ** 10) return `${+(b / 2 ** 10).toPrecision(3)} kB`;
  return `${Math.round(b)} B`;
}

/** 1.2e16 → "1.2 × 10¹⁶". */
export function workFormat(w: number): string {
  if (w < 1e6) return Math.round(w).toLocaleString('en-US');
  const e = Math.floor(Math.log10(w));
  const sup = String(e).replace(/\d/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(d)]);
  const m = +(w / 10 ** e).toPrecision(2);
  return m === 1 ? `10${sup}` : `${m} × 10${sup}`;
}

/** Multiply-adds of one row's forward pass, and the activations it makes (values per row). */
export function modelForwardCost(shape: ModelShape): { macs: number; activations: number } {
  let macs = 0;
  let activations = 0;
  for (const l of shape.layers) {
    if (l.conv) {
      const pixels = (l.conv.inH - l.conv.kernel + 1) * (l.conv.inW - l.conv.kernel + 1);
      macs += l.conv.kernel ** 2 * l.in * l.out * pixels;
      activations += 2 * l.out * pixels; // the conv's output and its pooled copy
    } else {
      macs += l.in * l.out;
      activations += 2 * l.out; // pre-activation and activation
    }
  }
  return { macs, activations };
}

/**
 * What each step records per model, kept for the charts and the history (engine/training/train.ts):
 * loss, accuracy, learning rate, gradient norm and one update ratio per layer, as JavaScript numbers,
 * once where the engine runs and once on the page.
 */
export const SERIES_BYTES = 2 * 8;
const curveNumbers = (shape: ModelShape) => 4 + shape.layers.length;

/** A training of `models` models of this shape: `rows` training rows for `epochs`, evaluated on `testRows` after each. */
export function trainingCost(t: {
  label: string;
  shape: ModelShape;
  models: number;
  slots: number;
  rows: number;
  testRows: number;
  epochs: number;
  batch: number;
  data: DataShape;
  /** steps, where a run stops before its epochs end (the range test) */
  maxSteps?: number;
}): TrainingCost {
  const params = modelParamCount(t.shape);
  const { macs, activations } = modelForwardCost(t.shape);
  const batch = Math.min(t.batch, t.rows);
  const stepsPerEpoch = Math.ceil(t.rows / batch);
  const steps = Math.min(t.maxSteps ?? Infinity, stepsPerEpoch * t.epochs);
  const trainRows = Math.min(t.rows * t.epochs, steps * batch);
  const evalPasses = t.maxSteps !== undefined ? 0 : t.epochs;
  // weights, gradients, the new weights, the optimizer's state old and new
  const state = t.models * params * 4 * (3 + 2 * t.slots);
  // activations of a batch and their gradients, or of an evaluation slice (forward only)
  const acts = t.models * Math.max(3 * batch, Math.min(EVAL_ROWS, t.testRows)) * (activations + t.data.nFeatures) * 4;
  const data = (t.rows + t.testRows) * (t.data.nFeatures + 1 + t.data.nClasses) * 4;
  const curves = t.models * steps * curveNumbers(t.shape) * SERIES_BYTES;
  return {
    label: t.label,
    models: t.models,
    params,
    bytes: state + acts + data + curves,
    work: t.models * macs * (3 * trainRows + evalPasses * t.testRows),
    steps,
  };
}

function shapeOrNull(model: ModelSpec, data: DataShape): ModelShape | null {
  const s = modelShape(model, data);
  return typeof s === 'string' ? null : s;
}

/** The whole of several parts run one after another: the work adds up, the memory is the largest part's. */
function combine(parts: TrainingCost[], what: string): SpecCost {
  const peak = parts.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  return {
    peak,
    bytes: peak.bytes,
    work: parts.reduce((a, p) => a + p.work, 0),
    steps: parts.reduce((a, p) => a + p.steps, 0),
    what,
  };
}

const slotsOf = (runs: { optimizer: OptimizerSetting }[]) =>
  Math.max(0, ...runs.map((r) => optimizerStateSlots(r.optimizer)));

/** A train spec's training of all its runs × seeds (the training lab's Train). */
function trainParts(spec: TrainSpec, data: DataShape): TrainingCost[] {
  const shape = shapeOrNull(spec.model, data);
  if (!shape) return [];
  const testRows = datasetTestRows(data.rows, spec.data.testFraction);
  return [
    trainingCost({
      label: 'training',
      shape,
      models: spec.runs.length * spec.training.seeds,
      slots: slotsOf(spec.runs),
      rows: data.rows - testRows,
      testRows,
      epochs: spec.training.epochs,
      batch: spec.training.batchSize,
      data,
    }),
  ];
}

const modelsWhat = (c: TrainingCost) =>
  `trains ${plural(c.models, 'model')} of ${countFormat(c.params)} parameter${c.params === 1 ? '' : 's'}`;

/** A search's or a study's base experiment: its model's shape, its split and its optimizer's state. */
function baseParts(base: TrainSpec, data: DataShape) {
  const shape = shapeOrNull(base.model, data);
  if (!shape) return null;
  const testRows = datasetTestRows(data.rows, base.data.testFraction);
  return { shape, testRows, rows: data.rows - testRows, slots: slotsOf(base.runs) };
}

/** The search lab's three tools; `tool` picks one, else the one the spec opens. */
export function searchToolCost(spec: SearchSpec, data: DataShape, tool = spec.view.tool): SpecCost | null {
  const base = spec.base;
  const parts = baseParts(base, data);
  if (!parts) return null;
  const { shape, testRows, rows, slots } = parts;
  const one = (label: string, s: ModelShape, models: number, epochs: number, batch: number, maxSteps?: number) =>
    trainingCost({ label, shape: s, models, slots, rows, testRows, epochs, batch, data, maxSteps });
  if (tool === 'finder') {
    const c = one(
      'range test',
      shape,
      1,
      Math.ceil(spec.finder.steps / Math.ceil(rows / Math.min(rows, base.training.batchSize))),
      base.training.batchSize,
      spec.finder.steps,
    );
    return combine([c], `runs ${plural(c.steps, 'step')} of a model of ${countFormat(c.params)} parameters`);
  }
  if (tool === 'study') {
    const parts = spec.study.sizes
      .filter((b) => b <= rows)
      .map((b) => one(`batch ${b}`, shape, 1, spec.study.epochs, b));
    if (!parts.length) return null;
    return combine(parts, `trains ${plural(parts.length, 'model')} of ${countFormat(parts[0].params)} parameters`);
  }
  // the largest trial the space allows: its widest, deepest model and most epochs
  const top = (param: string) => spec.space.find((q) => q.param === param)?.max;
  const width = top('model.width');
  const depth = top('model.depth');
  const hidden =
    width !== undefined || depth !== undefined
      ? new Array<number>(Math.round(depth ?? base.model.hidden.length)).fill(
          Math.round(width ?? base.model.hidden[0] ?? 8),
        )
      : base.model.hidden;
  const largest = shapeOrNull({ ...base.model, hidden }, data) ?? shape;
  const plan = searchPlan(spec);
  const epochs = top('training.epochs') ?? base.training.epochs;
  const trialEpochs =
    spec.strategy.name === 'sha' || spec.strategy.name === 'hyperband' ? plan.epochs : plan.trials * epochs;
  const parallel = Math.min(spec.strategy.parallel, plan.trials);
  // memory: `parallel` trials at once; work: every trial's epochs, run as if one model each
  const atOnce = one('trials', largest, parallel, 1, base.training.batchSize);
  const all = one('trials', largest, 1, trialEpochs, base.training.batchSize);
  return {
    peak: atOnce,
    bytes: atOnce.bytes,
    work: all.work,
    steps: all.steps,
    what: `trains ${plural(plan.trials, 'trial')} (${plural(parallel, 'model')} at once, up to ${countFormat(atOnce.params)} parameters each)`,
  };
}

/** The compression lab's job: the base model's training, then the method's trainings (compress/*Study.ts). */
function compressCost(spec: CompressSpec, data: DataShape): SpecCost | null {
  const base = spec.base;
  const known = baseParts(base, data);
  if (!known) return null;
  const { shape, testRows, rows, slots } = known;
  const batch = base.training.batchSize;
  const part = (label: string, s: ModelShape, epochs: number, r = rows) =>
    trainingCost({ label, shape: s, models: 1, slots, rows: r, testRows, epochs, batch: Math.min(batch, r), data });
  const baseTraining = part('the base model', shape, base.training.epochs);
  const ft = spec.fineTune.epochs;
  const parts = [baseTraining];
  if (spec.method === 'pruning') {
    if (spec.pruning.schedule === 'lottery')
      for (let i = 0; i < 2 * spec.pruning.rounds + 1; i++) parts.push(part('lottery', shape, base.training.epochs));
    else if (ft > 0) for (const s of spec.pruning.sparsities) parts.push(part(`sparsity ${s}`, shape, ft));
  } else if (spec.method === 'quantization') {
    if (spec.quantization.qat && ft > 0)
      for (const b of spec.quantization.bits) parts.push(part(`${b} bits`, shape, ft));
  } else if (spec.method === 'distillation') {
    const student = shapeOrNull({ ...base.model, hidden: spec.distillation.student }, data);
    const r = Math.min(spec.distillation.studentRows ?? rows, rows);
    if (student) parts.push(part('student', student, ft, r), part('distilled student', student, ft, r));
  } else {
    const share = spec.transfer.source.length / Math.max(1, data.nClasses);
    parts[0] = part('pretraining', shape, base.training.epochs, Math.max(1, Math.round(rows * share)));
    for (const n of spec.transfer.labels)
      for (let d = 0; d < spec.transfer.draws * 4; d++) parts.push(part(`${n} labels`, shape, ft, Math.min(n, rows)));
  }
  return combine(
    parts,
    `trains ${plural(parts.length, 'model')} of up to ${countFormat(Math.max(...parts.map((p) => p.params)))} parameters, one after another`,
  );
}

/** The race (every run's path) and the particle cloud of a surface spec. */
function surfaceCosts(spec: SurfaceSpec): { race: SpecCost; cloud: SpecCost } {
  const slots = slotsOf(spec.runs);
  const runs = spec.runs.length;
  const frames = Math.min(60, spec.steps + 1);
  const race: TrainingCost = {
    label: 'race',
    models: runs,
    params: 2,
    bytes: runs * spec.steps * 6 * 8, // position, loss, gradient per step, as numbers
    work: runs * spec.steps * POINT_STEP,
    steps: spec.steps,
  };
  const points = runs * spec.cloud.count;
  const cloud: TrainingCost = {
    label: 'cloud',
    models: points,
    params: 2,
    bytes: points * 4 * (2 * (3 + 2 * slots) + 2 * frames),
    work: points * spec.steps * POINT_STEP,
    steps: spec.steps,
  };
  return {
    race: combine([race], `races ${plural(race.models, 'run')} for ${plural(race.steps, 'step')}`),
    cloud: combine([cloud], `moves ${plural(cloud.models, 'point')} for ${plural(cloud.steps, 'step')}`),
  };
}

/** The data's shape: known from the spec, or a CSV file's once loaded (null while it is not). */
export function specDataShape(spec: ExperimentSpec, loaded?: DataShape | null): DataShape | null {
  if (spec.kind === 'surface') return null;
  const data = spec.kind === 'train' ? spec.data : spec.base.data;
  return trainDataShape(data) ?? loaded ?? null;
}

/**
 * The cost of the job a press of Run starts (for a search, the tool the spec opens; for the surface, the
 * race, or the cloud when the view shows it). Null when it cannot be known yet (a CSV file not loaded).
 */
export function specCost(spec: ExperimentSpec, loaded?: DataShape | null): SpecCost | null {
  if (spec.kind === 'surface') {
    const { race, cloud } = surfaceCosts(spec);
    return spec.view.mode === 'race' ? race : cloud;
  }
  const data = specDataShape(spec, loaded);
  if (!data) return null;
  if (spec.kind === 'train') {
    const parts = trainParts(spec, data);
    return parts.length ? combine(parts, modelsWhat(parts[0])) : null;
  }
  if (spec.kind === 'search') return searchToolCost(spec, data);
  return compressCost(spec, data);
}

/** Each job a spec can start, with where in the spec its settings are (for the error's path). */
function specJobs(spec: ExperimentSpec, data: DataShape | null): { path: string; cost: SpecCost | null }[] {
  if (spec.kind === 'surface') {
    const { race, cloud } = surfaceCosts(spec);
    return [
      { path: 'runs', cost: race },
      { path: 'cloud.count', cost: cloud },
    ];
  }
  if (!data) return [];
  if (spec.kind === 'search')
    return (['search', 'study', 'finder'] as const).map((tool) => ({
      path: tool === 'search' ? 'strategy' : tool,
      cost: searchToolCost(spec, data, tool),
    }));
  return [{ path: '', cost: specCost(spec, data) }];
}

const LOWER: Record<ExperimentSpec['kind'], { bytes: string; work: string }> = {
  surface: { bytes: 'lower the points or the runs', work: 'lower the steps, the points or the runs' },
  train: {
    bytes: 'lower the width, the batch size, the steps (epochs × rows ÷ batch), the runs or the seeds',
    work: 'lower the epochs, the width, the data, the runs or the seeds',
  },
  search: {
    bytes: 'lower the width or the trials trained at once (parallel)',
    work: 'lower the trials, the epochs, the width or the data',
  },
  compress: {
    bytes: 'lower the width or the batch size',
    work: 'lower the epochs, the width, the data or the method’s settings',
  },
};

/**
 * What is over the limits, as errors that name the estimate and the limit. `allowLarge` lifts the work
 * limit (the CLI's --allow-large), never the memory one.
 */
export function specCostProblems(
  spec: ExperimentSpec,
  loaded?: DataShape | null,
  options: { allowLarge?: boolean } = {},
): SpecError[] {
  const errors: SpecError[] = [];
  for (const { path, cost } of specJobs(spec, specDataShape(spec, loaded))) {
    if (!cost) continue;
    const lower = LOWER[spec.kind];
    if (cost.bytes > COST_LIMITS.bytes)
      errors.push({
        path,
        message: `this experiment ${cost.what}: ${bytesFormat(cost.bytes)} of weights, optimizer state, activations, data and per-step curves, over the ${bytesFormat(COST_LIMITS.bytes)} limit; ${lower.bytes}`,
      });
    else if (cost.work > COST_LIMITS.work && !options.allowLarge)
      errors.push({
        path,
        message: `this experiment ${cost.what}: ${workFormat(cost.work)} multiply-adds, over the limit of ${workFormat(COST_LIMITS.work)} (hours even on a fast GPU); ${lower.work} (the CLI's --allow-large lifts this limit)`,
      });
  }
  return errors;
}

/** The experiment a job belongs to, checked against the limits once its data is loaded (a CSV file). */
export interface CostBudget {
  spec: ExperimentSpec;
  allowLarge?: boolean;
}

/** How fast a backend runs, for the time estimate: multiply-adds per second, and a step's fixed cost. */
export interface DeviceRate {
  macsPerSecond: number;
  secondsPerStep: number;
}

/** From the benchmark suite on SwiftShader (MNIST MLP ≈ 3.3·10⁵ multiply-adds per row, 2,100–3,600 rows/s); a real GPU is faster. */
export const DEFAULT_RATES: Record<string, DeviceRate> = {
  webgpu: { macsPerSecond: 8e8, secondsPerStep: 2e-3 },
  webgl: { macsPerSecond: 1.2e9, secondsPerStep: 1e-3 },
  cpu: { macsPerSecond: 6e8, secondsPerStep: 5e-4 },
};

export function costSeconds(cost: SpecCost, rate: DeviceRate): number {
  return cost.work / rate.macsPerSecond + cost.steps * rate.secondsPerStep;
}

/** "about 40 seconds", "about 12 minutes", "about 3 hours". */
export function durationFormat(seconds: number): string {
  if (seconds < 90) return `about ${Math.max(1, Math.round(seconds))} seconds`;
  if (seconds < 5400) return `about ${Math.round(seconds / 60)} minutes`;
  return `about ${+(seconds / 3600).toPrecision(2)} hours`;
}
