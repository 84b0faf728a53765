/**
 * Search spaces over a `train` spec. A parameter is named by its path in the spec:
 * `optimizer.<hyper>` (any numeric hyperparameter of the tuned optimizer), `schedule.<param>` (any
 * numeric parameter of its schedule), `training.<batchSize|epochs|l1|l2|dropout>`, and
 * `model.width` / `model.depth` (every hidden layer gets the width; depth is the number of hidden
 * layers). Each has a range and a scale, or a list of values (a choice, e.g. batch sizes).
 *
 * Strategies work in the unit cube: `spaceDecode` maps u ∈ [0, 1]^d to values (log scales map
 * evenly in log space; integers round; a choice picks the nearest of its values in list order).
 */
import { OPTIMIZERS, type NumberHyperMeta, type OptimizerName } from '../optimizers/registry';
import { SCHEDULES, type ScheduleName } from '../schedules/registry';
import { trainSpecSchema, type TrainSpec } from '../spec/trainSchema';

export interface SearchParam {
  /** e.g. "optimizer.lr", "training.batchSize", "model.width" */
  param: string;
  min: number;
  max: number;
  scale: 'log' | 'linear';
  /** a choice of values, tried in this order (min/max/scale then only describe them) */
  values?: number[];
}

export interface ParamMeta {
  param: string;
  label: string;
  min: number;
  max: number;
  scale: 'log' | 'linear';
  integer: boolean;
}

const TRAINING_PARAMS: ParamMeta[] = [
  { param: 'training.batchSize', label: 'batch size', min: 1, max: 100000, scale: 'log', integer: true },
  { param: 'training.epochs', label: 'epochs', min: 1, max: 1000, scale: 'linear', integer: true },
  { param: 'training.l1', label: 'L1 penalty', min: 0, max: 1, scale: 'linear', integer: false },
  { param: 'training.l2', label: 'L2 penalty', min: 0, max: 1, scale: 'linear', integer: false },
  { param: 'training.dropout', label: 'dropout', min: 0, max: 0.9, scale: 'linear', integer: false },
  { param: 'model.width', label: 'hidden width', min: 1, max: 1024, scale: 'log', integer: true },
  { param: 'model.depth', label: 'hidden layers', min: 0, max: 6, scale: 'linear', integer: true },
];

/** Every parameter that can be searched for this optimizer and schedule, with its allowed range. */
export function searchableParams(optimizer: OptimizerName, schedule: ScheduleName): ParamMeta[] {
  const hypers = OPTIMIZERS[optimizer].hyper
    .filter((h): h is NumberHyperMeta => h.kind === 'number')
    .map((h) => ({
      param: `optimizer.${h.key}`,
      label: h.label,
      min: h.min,
      max: h.max,
      scale: h.scale,
      integer: !!h.integer,
    }));
  const sched = SCHEDULES[schedule].params
    .filter((p) => !p.list)
    .map((p) => ({
      param: `schedule.${p.key}`,
      label: `${SCHEDULES[schedule].label}: ${p.label}`,
      min: p.min,
      max: p.max,
      scale: p.scale,
      integer: !!p.integer,
    }));
  return [...hypers, ...sched, ...TRAINING_PARAMS];
}

/** Why this parameter cannot be searched with this optimizer and schedule, or null. */
export function searchParamProblem(p: SearchParam, meta: ParamMeta[]): string | null {
  const m = meta.find((x) => x.param === p.param);
  if (!m) return `"${p.param}" cannot be searched here: choose one of ${meta.map((x) => x.param).join(', ')}`;
  const inRange = (v: number) => v >= m.min && v <= m.max;
  if (p.values) {
    if (p.values.length < 2) return 'give at least two values to choose from';
    const bad = p.values.find((v) => !inRange(v) || (m.integer && !Number.isInteger(v)));
    if (bad !== undefined)
      return `${bad} is outside ${m.label}'s range [${m.min}, ${m.max}]${m.integer ? ' or not a whole number' : ''}`;
    return null;
  }
  if (!(p.min < p.max)) return 'the lower end must be below the upper end';
  if (!inRange(p.min) || !inRange(p.max)) return `${m.label} must lie in [${m.min}, ${m.max}]`;
  if (p.scale === 'log' && p.min <= 0) return 'a log scale needs a lower end above 0';
  return null;
}

/** Whole-number parameters: batch size, epochs, the model's, and every optimizer's and schedule's integer ones (L-BFGS's history, Muon's iterations, a step schedule's step size). */
const INTEGER_PARAMS = new Set([
  ...Object.values(OPTIMIZERS).flatMap((o) =>
    o.hyper.filter((h) => h.kind === 'number' && h.integer).map((h) => `optimizer.${h.key}`),
  ),
  ...Object.values(SCHEDULES).flatMap((s) => s.params.filter((p) => p.integer).map((p) => `schedule.${p.key}`)),
]);
const isInteger = (p: SearchParam) =>
  INTEGER_PARAMS.has(p.param) || /^(training\.(batchSize|epochs)|model\.)/.test(p.param);

/** The value of u ∈ [0, 1] on this parameter's scale. */
export function paramDecode(p: SearchParam, u: number, integer = isInteger(p)): number {
  const t = Math.min(1, Math.max(0, u));
  if (p.values) return p.values[Math.min(p.values.length - 1, Math.round(t * (p.values.length - 1)))];
  const v =
    p.scale === 'log'
      ? Math.exp(Math.log(p.min) + t * (Math.log(p.max) - Math.log(p.min)))
      : p.min + t * (p.max - p.min);
  return integer ? Math.round(v) : v;
}

/** Where a value lies on this parameter's scale, in [0, 1]. */
export function paramEncode(p: SearchParam, v: number): number {
  if (p.values) {
    const i = p.values.indexOf(v);
    const at =
      i >= 0 ? i : p.values.reduce((best, x, j) => (Math.abs(x - v) < Math.abs(p.values![best] - v) ? j : best), 0);
    return p.values.length > 1 ? at / (p.values.length - 1) : 0;
  }
  const u =
    p.scale === 'log'
      ? (Math.log(v) - Math.log(p.min)) / (Math.log(p.max) - Math.log(p.min))
      : (v - p.min) / (p.max - p.min);
  return Math.min(1, Math.max(0, u));
}

export type ParamValues = Record<string, number>;

export function spaceDecode(space: SearchParam[], u: number[]): ParamValues {
  return Object.fromEntries(space.map((p, i) => [p.param, paramDecode(p, u[i])]));
}

export function spaceEncode(space: SearchParam[], values: ParamValues): number[] {
  return space.map((p) => paramEncode(p, values[p.param]));
}

/** The grid: `points` values per range parameter (every value of a choice), in row-major order. */
export function spaceGrid(space: SearchParam[], points: number): ParamValues[] {
  const axes = space.map((p) => {
    const n = p.values ? p.values.length : points;
    const vals = Array.from({ length: n }, (_, i) => paramDecode(p, n === 1 ? 0.5 : i / (n - 1)));
    return [...new Set(vals)]; // integer ranges narrower than the grid give repeats
  });
  let rows: ParamValues[] = [{}];
  space.forEach((p, d) => {
    rows = rows.flatMap((row) => axes[d].map((v) => ({ ...row, [p.param]: v })));
  });
  return rows;
}

/** The base experiment with these values set; a string says why that combination cannot train. */
export function searchTrialSpec(base: TrainSpec, values: ParamValues): TrainSpec | string {
  const run = base.runs[0];
  const optimizer: Record<string, number | boolean | string> = { ...run.optimizer };
  const schedule: Record<string, unknown> = { ...run.schedule };
  const training: Record<string, unknown> = { ...base.training, seeds: 1 };
  let width = base.model.hidden[0] ?? 8;
  let depth = base.model.hidden.length;
  for (const [path, v] of Object.entries(values)) {
    const [part, key] = path.split('.');
    if (part === 'optimizer') optimizer[key] = v;
    else if (part === 'schedule') schedule[key] = v;
    else if (part === 'training') training[key] = v;
    else if (key === 'width') width = v;
    else if (key === 'depth') depth = v;
  }
  const hidden =
    'model.width' in values || 'model.depth' in values ? new Array<number>(depth).fill(width) : base.model.hidden;
  const parsed = trainSpecSchema.safeParse({
    version: 1,
    kind: 'train',
    seed: base.seed,
    data: base.data,
    model: { ...base.model, hidden },
    training,
    runs: [{ optimizer, schedule, initSeed: run.initSeed }],
  });
  if (!parsed.success)
    return parsed.error.issues
      .map((i) => `${i.path.slice(i.path[0] === 'runs' ? 2 : 0).join('.')}: ${i.message}`)
      .join('; ');
  return parsed.data;
}
